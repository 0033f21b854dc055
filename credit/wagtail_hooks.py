"""Registers the credit admin (信用管理) with Wagtail; the views live in credit.admin."""

from wagtail import hooks

from credit.admin.menu import CreditAdminGroup


@hooks.register("register_admin_viewset")
def register_credit_admin():
    return CreditAdminGroup()
