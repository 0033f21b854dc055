from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        # Purge the anonymous page cache on publish/unpublish and credit data changes.
        from portal import cache

        cache.connect_signals()
