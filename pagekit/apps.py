from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageKitConfig(AppConfig):
    name = "pagekit"
    verbose_name = _("页面组件")
