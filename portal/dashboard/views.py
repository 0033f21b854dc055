"""Downloads of the dashboard's datasets: /data/<dataset>.<csv|xlsx|json>?region=&year=."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from . import exports
from .metrics import DATASETS, FORMATS, Metrics, parse_scope


@require_GET
def download(request, dataset: str, fmt: str):
    if dataset not in DATASETS or fmt not in FORMATS:
        raise Http404("no such dataset or format")
    language = request.GET.get("lang", "")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
    scope = parse_scope(request.GET, timezone.localdate())
    if request.GET.get("region") and scope.region is None:
        raise Http404("no such region")
    data = Metrics(scope).dataset(dataset)
    response = HttpResponse(
        exports.render(data, scope, fmt), content_type=exports.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(data, scope, fmt)}"'
    response["Content-Language"] = translation.get_language()
    response["Access-Control-Allow-Origin"] = "*"
    return response
