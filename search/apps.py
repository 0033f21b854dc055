from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("搜索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit.api import filters

        from . import signals
        from .api import producer_query

        signals.connect()
        # /api/v1/producers/?q= uses the Chinese engine (credit cannot import search).
        filters.producer_query_hook = producer_query
