"""Language for URLs outside `i18n_patterns` (admin, search, API, credit views).

With `prefix_default_language=False`, Django's LocaleMiddleware gives every URL without a
language prefix the default language (zh-hans) — right for Wagtail pages, where the URL
says the language (`/` Chinese, `/en/` English), but it also pins the admin login, the
search page and other plain views to Chinese, ignoring the `django_language` cookie set
by `/i18n/setlang/` and the browser's Accept-Language.

This middleware, placed right after `django.middleware.locale.LocaleMiddleware`, restores
the usual negotiation (cookie, then Accept-Language, then LANGUAGE_CODE) for unprefixed
URLs that are not Wagtail pages.
"""

from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

PAGE_URL_NAME = "wagtail_serve"


def is_page_path(path: str) -> bool:
    try:
        return resolve(path).url_name == PAGE_URL_NAME
    except Resolver404:
        return False


class NegotiatedLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        negotiated = False
        path = request.path_info
        if not translation.get_language_from_path(path) and not is_page_path(path):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            negotiated = True
        response = self.get_response(request)
        if negotiated:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers["Content-Language"] = translation.get_language()
        return response
