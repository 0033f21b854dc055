"""适老化 (elderly-friendly) mode: larger type and higher contrast, chosen by the reader.

The choice is a cookie set by a plain link (`/a11y/elderly/?on=1&next=/path/`), so it works
without JavaScript; base.html puts `class="elderly"` on <html> when the cookie is set, so
the first paint is already in that mode (no flash). The page cache keys on the cookie.
"""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

COOKIE = "portal_elderly"
MAX_AGE = 365 * 24 * 3600


def is_elderly(request) -> bool:
    return request.COOKIES.get(COOKIE) == "1"


def safe_next(request, default: str = "/") -> str:
    target = request.GET.get("next") or request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
@require_GET
def elderly_mode(request):
    """Turn the mode on (`on=1`) or off (`on=0`) and go back to `next`."""
    response = HttpResponseRedirect(safe_next(request))
    if request.GET.get("on") == "1":
        response.set_cookie(COOKIE, "1", max_age=MAX_AGE, samesite="Lax", httponly=False)
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response
