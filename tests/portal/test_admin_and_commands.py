"""Admin sign-in in both languages, the language middleware, ensure_admin."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from .conftest import LOCALE_MIDDLEWARE, MIDDLEWARE


def test_language_middleware_is_installed():
    """Needed so /admin/, /search/ and other unprefixed views follow the language choice."""
    assert MIDDLEWARE in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index(MIDDLEWARE) == settings.MIDDLEWARE.index(LOCALE_MIDDLEWARE) + 1


@pytest.mark.django_db
def test_admin_login_in_both_languages(client, negotiated_language):
    zh = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9")
    assert zh.status_code == 200
    assert 'lang="zh-hans"' in zh.content.decode() and "登录" in zh.content.decode()

    en = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert en.status_code == 200
    assert 'lang="en"' in en.content.decode() and "Sign in" in en.content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cookie = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert "Sign in" in cookie.content.decode()


@pytest.mark.django_db
def test_ensure_admin_creates_once(tmp_path, monkeypatch):
    from portal.management.commands import ensure_admin

    password_file = tmp_path / "admin-password.txt"
    monkeypatch.setattr(ensure_admin, "password_file", lambda: password_file)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password = password_file.read_text().strip()
    assert password in out.getvalue() and "admin" in out.getvalue()
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)

    again = io.StringIO()
    call_command("ensure_admin", stdout=again)
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert password in again.getvalue()

    user.set_password("changed-elsewhere")
    user.save()
    third = io.StringIO()
    call_command("ensure_admin", stdout=third)
    assert password not in third.getvalue() and "changepassword admin" in third.getvalue()
