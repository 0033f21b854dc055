"""API token authentication (``Authorization: Token nat_…``) and its OpenAPI scheme."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from credit.models import ApiToken


class TokenUser(AnonymousUser):
    """Who a token request runs as: no Django user, but the token's organisation."""

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation

    @property
    def is_authenticated(self):
        return True

    def __str__(self):
        return f"token {self.token.prefix} ({self.organisation})"


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization 头格式应为 “Token <令牌>” / expected 'Token <token>'"
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌无效 / invalid token") from None
        token = ApiToken.authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已吊销 / invalid or revoked token")
        token.touch()
        return TokenUser(token), token

    def authenticate_header(self, request):
        return self.keyword


class HasApiToken(BasePermission):
    message = "需要 API 令牌 / an API token is required"

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "credit.checks.auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "机构 API 令牌，格式 `Token nat_…`，由 `manage.py issue_api_token` 签发，"
                "限定适用场景 / organisation API token: `Authorization: Token nat_…`, "
                "scoped to scenarios."
            ),
        }
