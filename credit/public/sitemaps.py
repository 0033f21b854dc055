"""Producer credit pages for sitemap.xml (the portal's sitemap may add this section):

from credit.public.sitemaps import ProducerSitemap
sitemaps = {..., "credit": ProducerSitemap()}
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from credit.models import Producer
from credit.public.keys import producer_url


class ProducerSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 10000

    def items(self):
        return (
            Producer.objects.filter(merged_into__isnull=True)
            .only("id", "uscc", "graded_on")
            .order_by("id")
        )

    def location(self, item):
        return producer_url(item)

    def lastmod(self, item):
        return item.graded_on


class CreditListsSitemap(Sitemap):
    """The search and the honour list themselves."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["credit-search", "credit-honour"]

    def location(self, item):
        return reverse(item)
