"""One JSON error shape for every API endpoint:

{"error": {"status": 400, "code": "invalid", "message": "...",
           "fields": [{"field": "as_of", "message": "..."}]}}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _flatten(detail, prefix=""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            yield from _flatten(value, name)
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            for value in detail:
                yield {"field": prefix or None, "message": str(value)}
        else:
            for i, value in enumerate(detail):
                yield from _flatten(value, f"{prefix}[{i}]" if prefix else f"[{i}]")
    else:
        yield {"field": prefix or None, "message": str(detail)}


def error_body(status_code: int, code: str, message: str, fields=None) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": message,
            "fields": list(fields or []),
        }
    }


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            response.status_code, "invalid", "请求参数有误 / invalid request", _flatten(exc.detail)
        )
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(response.status_code, str(code), str(detail))
    response.data = body
    return response


def error_response(status_code: int, code: str, message: str, fields=None) -> Response:
    return Response(error_body(status_code, code, message, fields), status=status_code)


def not_found(message: str = "未找到 / not found") -> Response:
    return error_response(status.HTTP_404_NOT_FOUND, "not_found", message)
