from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("信用管理")

    def ready(self):
        from . import signals  # noqa: F401
        from .checks import receivers  # noqa: F401  (webhooks on restriction changes)
