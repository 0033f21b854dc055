from wagtail import hooks

from .choosers import case_chooser, region_chooser


@hooks.register("register_admin_viewset")
def register_choosers():
    return [region_chooser, case_chooser]
