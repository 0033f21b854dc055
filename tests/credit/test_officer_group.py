"""The 信用管理人员 group from credit/migrations/0008 (issue #3 item 9): permissions only;
the officer's region (OfficerProfile) scopes what they see."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from credit.models import OfficerProfile
from tests.credit.factories import ProducerFactory, next_uscc

pytestmark = pytest.mark.django_db

migration = importlib.import_module("credit.migrations.0008_credit_officer_group")
HOST = {"HTTP_HOST": "testserver"}


def group_codenames() -> set[str]:
    group = Group.objects.get(name="信用管理人员")
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_group_has_admin_access_and_model_permissions():
    perms = group_codenames()
    assert "wagtailadmin.access_admin" in perms
    for model in (
        "producer",
        "inspection",
        "sampling",
        "certificate",
        "certification",
        "enforcementcase",
        "blacklistentry",
        "objection",
        "repairapplication",
        "producerreply",
        "claimcode",
    ):
        for action in ("add", "change", "view"):
            assert f"credit.{action}_{model}" in perms
    assert {"portal.add_complaint", "portal.change_complaint", "portal.view_complaint"} <= perms
    assert "credit.view_creditgrade" in perms
    # Nothing destructive, nothing superuser-only.
    assert not {p for p in perms if ".delete_" in p}
    assert "credit.change_scoringpolicy" not in perms
    assert "credit.add_officerprofile" not in perms


def test_migration_is_idempotent():
    before = group_codenames()
    migration.forwards(global_apps, None)
    assert group_codenames() == before
    assert Group.objects.filter(name="信用管理人员").count() == 1


def test_migration_completes_a_partial_group():
    group = Group.objects.get(name="信用管理人员")
    group.permissions.clear()
    migration.forwards(global_apps, None)
    assert "credit.view_producer" in group_codenames()


def test_reverse_removes_group():
    migration.backwards(global_apps, None)
    assert not Group.objects.filter(name="信用管理人员").exists()


def test_officer_in_group_sees_only_own_region(client):
    mine = ProducerFactory(name="农安县绿源蔬菜种植专业合作社", region_id="220122")
    theirs = ProducerFactory(
        name="太谷区绿源种植专业合作社", region_id="140703", uscc=next_uscc(region="140703")
    )
    user = get_user_model().objects.create_user("officer", password="pw-123456", is_staff=True)
    user.groups.add(Group.objects.get(name="信用管理人员"))
    OfficerProfile.objects.create(user=user, region_id="220122")
    assert not user.is_superuser

    client.force_login(user)
    response = client.get(reverse("credit_producer:index"), **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.name in html
    assert theirs.name not in html
