"""Rate limits per API token (when the request carries one) or per client IP.

Each view names its scope in ``throttle_scope`` (views without one get "public"). Rates come
from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], read on every request (so settings and test
overrides apply), falling back to DEFAULT_RATES. The counters live in the default cache:
local memory on the embedded default, Redis when REDIS_URL is set (shared by all workers).
A refused request is a 429 in the one JSON error shape, with Retry-After.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATES = {
    "public": "120/min",
    "checks": "30/min",
    "reports": "60/min",
    "feed": "120/min",
}


class TokenOrIPRateThrottle(SimpleRateThrottle):
    cache_format = "throttle_%(scope)s_%(ident)s"
    default_scope = "public"

    def __init__(self):  # the scope is known only once the view is
        pass

    def get_rate(self):
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope) or DEFAULT_RATES.get(self.scope) or DEFAULT_RATES["public"]

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None) or self.default_scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        prefix = getattr(request.auth, "prefix", None)
        ident = f"token:{prefix}" if prefix else f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
