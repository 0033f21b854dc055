"""Fixtures for the portal tests.

`demo_site` loads the demo once per test module inside a transaction that is rolled back
when the module ends, so the (few-second) load is shared by the module's tests and no data
leaks into other test packages. Each test still runs in its own savepoint.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

MIDDLEWARE = "portal.middleware.NegotiatedLanguageMiddleware"
LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


@pytest.fixture
def negotiated_language(settings):
    """Run with the portal's language middleware right after LocaleMiddleware (as the
    project settings should have it), so its behaviour is tested either way."""
    middleware = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    middleware.insert(middleware.index(LOCALE_MIDDLEWARE) + 1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        cache.clear()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
