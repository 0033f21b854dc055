"""The OpenAPI schema at /api/schema/ documents every public endpoint, and schemathesis
finds no 5xx answer on any of them (WSGI app in-process, positive and negative inputs)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from django.urls import re_path
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

import nongan.urls
from credit.api.checks_views import ApiNotFoundView
from credit.models import ApiToken, Organisation, Scenario
from tests.credit.factories import ProducerFactory, SamplingFactory

# As nongan/urls.py should end its API routes (before Wagtail's page tree): unknown /api/
# paths answer in the API's JSON error shape, not with an HTML page.
urlpatterns = [
    *nongan.urls.urlpatterns[:-1],
    re_path(r"^api/", ApiNotFoundView.as_view()),
    nongan.urls.urlpatterns[-1],
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
HOST = {"HTTP_HOST": "testserver"}
OURS = {
    ("POST", "/api/v1/checks/"),
    ("GET", "/api/v1/checks/{id}/"),
    ("GET", "/api/v1/checks/{id}/report.{fmt}"),
    ("GET", "/api/v1/restrictions/changes"),
}
HIGH_RATES = {
    "public": "100000/min",
    "checks": "100000/min",
    "reports": "100000/min",
    "feed": "100000/min",
}
EXAMPLES = 20  # per operation and generation mode: a bounded run (well under a minute each)


def test_schema_documents_the_endpoints_and_token_scheme(client):
    response = client.get("/api/schema/", {"format": "json"}, **HOST)
    assert response.status_code == 200
    schema = response.json()
    documented = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert documented >= OURS
    assert ("GET", "/api/v1/producers/{uscc}/") in documented
    assert schema["components"]["securitySchemes"]["ApiToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiToken"]["description"],
    }
    create = schema["paths"]["/api/v1/checks/"]["post"]
    assert {"ApiToken": []} in create["security"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "429"}
    error = create["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/Error")
    assert list(create["requestBody"]["content"]) == ["application/json"]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, without closing the test's database connection
    at the end of each request (as Django's own test client does)."""
    from nongan.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(django_capture_on_commit_callbacks):
    org = Organisation.objects.create(name="模糊测试机构")
    for result in ("pass", "prohibited"):
        with django_capture_on_commit_callbacks(execute=True):
            SamplingFactory(producer=ProducerFactory(), result=result)
    return ApiToken.issue(org, Scenario.values)[1]


def fuzz(op, mode, token, failures):
    """Run one operation's generated cases; collect 5xx answers."""
    ours = (op.method.upper(), op.path) in OURS

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy(generation_mode=mode))
    def run(case):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
        response = case.call()
        if response.status_code >= 500:
            failures.append((op.method, op.path, response.status_code, case.as_curl_command()))
        elif ours and response.status_code >= 400:
            content_type = (response.headers.get("content-type") or [""])[0]
            assert content_type.startswith("application/json"), (
                response.status_code,
                case.as_curl_command(),
            )
            body = response.json()
            assert set(body) == {"error"}, body
            assert body["error"]["status"] == response.status_code

    run()


@override_settings(ALLOWED_HOSTS=["*"])
def test_no_server_errors_on_any_public_endpoint(wsgi_app, token):
    from django.conf import settings as django_settings

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} >= OURS
    failures = []
    rest = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": HIGH_RATES}
    # The enumeration guard on certificate codes is tested on its own; here it would only
    # turn every later case into a 429.
    limits = {"certificate": (10**9, 1)}
    with override_settings(REST_FRAMEWORK=rest, PUBLIC_RATE_LIMITS=limits):
        for op in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    fuzz(op, mode, token, failures)
                except Unsatisfiable:
                    # A path whose only parameter is a free string has no invalid
                    # (negative) values that still route: nothing to generate.
                    assert mode == GenerationMode.NEGATIVE, (op.method, op.path)
    assert failures == [], failures[:5]
