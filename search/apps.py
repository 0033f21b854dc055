from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_complete_empty_index, sender=self)
        # /api/v1/producers/?q= uses the Chinese engine (credit cannot import search).
        filters.producer_query_hook = producer_query


def _complete_empty_index(using="default", **kwargs):
    """A database migrated before it holds any producer gets its (nearly empty) index built
    at once, so the engine answers from the first import on; the signals keep it fresh.
    A database with data waits for ``manage.py search_index rebuild``."""
    from credit.models import Producer
    from search import indexing

    if using != "default" or indexing.is_built() or Producer.objects.exists():
        return
    indexing.rebuild(workers=0)
