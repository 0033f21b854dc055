"""Registers the credit admin (信用管理) with Wagtail; the views live in credit.admin."""

from wagtail import hooks

from credit.admin import certificates_print, claims  # noqa: F401  (print, claim codes)
from credit.admin.menu import CreditAdminGroup
from credit.checks import wagtail_hooks as _checks_admin  # noqa: F401  (webhook deliveries)
from credit.public import wagtail_hooks as _public_pages  # noqa: F401  (信用查询 page)


@hooks.register("register_admin_viewset")
def register_credit_admin():
    return CreditAdminGroup()
