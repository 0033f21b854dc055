"""Per-IP rate limits for the public forms and lookups (certificates, claim codes,
complaint submission and tracking, check-report verification), shared by the HTML pages
and the API.

A limit is a budget of points per client IP per fixed window. Each request first asks
whether the budget is spent (`blocked`), then is charged (`charge`) with a cost that depends
on the outcome: a lookup that finds something costs 1, one that finds nothing costs more,
so enumerating codes runs out of budget several times faster than honest use.

Budgets live in the default cache (local memory on the embedded default, Redis when
configured: then shared by every worker). Limits can be changed in settings:

    PUBLIC_RATE_LIMITS = {"certificate": (60, 600), ...}   # scope: (points, seconds)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.response import TemplateResponse

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    # verification of certificate codes: page and API share this budget
    "certificate": (60, 600),
    # producer identification by USCC/ID number + claim code, and status lookups
    "claim": (20, 900),
    # complaint submissions
    "complaint": (5, 3600),
    # complaint tracking (tracking number + query code)
    "complaint-track": (20, 900),
    # verification of batch-check reports by their code (page and content download)
    "check-verify": (60, 600),
    # engine queries from the public search pages (/search/, the blacklist and certified
    # lists with q); generous for people, a wall for scrapers walking every name
    "search": (120, 60),
}

# What a miss costs compared with a hit.
MISS_COST = 5


def _clock() -> float:
    # One seam for the windows' clock: tests hold it still so that a test's requests
    # never straddle a window boundary.
    return time.time()


def client_ip(request) -> str:
    """The client address, trusting X-Forwarded-For only as far as the API does
    (REST_FRAMEWORK['NUM_PROXIES']), so the pages and the API count the same client."""
    from rest_framework.throttling import BaseThrottle

    return BaseThrottle().get_ident(request) or "unknown"


@dataclass(frozen=True)
class Limit:
    scope: str

    @property
    def budget(self) -> tuple[int, int]:
        limits = getattr(settings, "PUBLIC_RATE_LIMITS", None) or {}
        return tuple(limits.get(self.scope) or DEFAULT_LIMITS[self.scope])

    def _key(self, ident: str) -> tuple[str, int]:
        _points, seconds = self.budget
        window = int(_clock() // seconds)
        return f"ratelimit:{self.scope}:{ident}:{window}", seconds

    def used(self, request) -> int:
        key, _seconds = self._key(client_ip(request))
        return int(cache.get(key) or 0)

    def blocked(self, request) -> bool:
        points, _seconds = self.budget
        return self.used(request) >= points

    def charge(self, request, cost: int = 1) -> int:
        key, seconds = self._key(client_ip(request))
        cache.add(key, 0, timeout=seconds + 5)
        try:
            return cache.incr(key, cost)
        except ValueError:  # expired between add and incr
            cache.set(key, cost, timeout=seconds + 5)
            return cost

    def retry_after(self) -> int:
        _points, seconds = self.budget
        return max(1, int(seconds - _clock() % seconds))


CERTIFICATE = Limit("certificate")
CLAIM = Limit("claim")
COMPLAINT = Limit("complaint")
COMPLAINT_TRACK = Limit("complaint-track")
CHECK_VERIFY = Limit("check-verify")
SEARCH = Limit("search")


def too_many_requests(request, limit: Limit) -> TemplateResponse:
    """The HTML answer to a spent budget: 429 with Retry-After."""
    wait = limit.retry_after()
    response = TemplateResponse(
        request,
        "credit/forms/rate_limited.html",
        {"retry_minutes": max(1, round(wait / 60))},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
