"""`/healthz`: the cheapest possible Django view (no database, no template) for load
balancers and as the benchmark's baseline."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
