"""Unqualified-product notices drafted from credit data: a draft in the workflow, never live,
one per period; the monthly task and the admin form."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState

from credit.identifiers import make_uscc
from credit.models import Producer, Sampling
from credit.services.records import void_fact
from portal import tasks
from portal.models import NoticeIndexPage, UnqualifiedNoticePage
from portal.workflows import (
    EDITOR_GROUP,
    REVIEW_TASK_NAME,
    REVIEWER_GROUP,
    draft_unqualified_notice,
    previous_month,
)

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}
# A month long before the demo data, so the failures in it are exactly the ones made here.
MARCH = (datetime.date(2019, 3, 1), datetime.date(2019, 3, 31))


def _producer(name, body, kind="cooperative"):
    return Producer.objects.create(
        uscc=make_uscc("93", "220122", body), name=name, kind=kind, region_id="220122"
    )


def _sample(code, producer, result, day, **extra):
    return Sampling.objects.create(
        sample_code=code,
        producer=producer,
        date=day,
        product="韭菜",
        category="vegetables",
        result=result,
        lab="测试检测中心",
        **extra,
    )


@pytest.fixture
def march_samplings(demo_site):
    coop = _producer("农安县测试通报蔬菜专业合作社", "NT0000001")
    _sample("NT-FAIL-1", coop, "over_limit", datetime.date(2019, 3, 5), failed_items="腐霉利")
    _sample("NT-FAIL-2", coop, "prohibited", datetime.date(2019, 3, 31), failed_items="克百威")
    _sample("NT-PASS-1", coop, "pass", datetime.date(2019, 3, 10))
    void_fact(
        _sample("NT-VOID-1", coop, "over_limit", datetime.date(2019, 3, 12)), reason="录入错误"
    )
    _sample("NT-APRIL-1", coop, "over_limit", datetime.date(2019, 4, 1))
    return coop


def _drafts(start, end):
    return UnqualifiedNoticePage.objects.filter(period_start=start, period_end=end)


def test_previous_month():
    assert previous_month(datetime.date(2026, 1, 15)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )
    assert previous_month(datetime.date(2024, 3, 1)) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )


def test_failed_samplings_make_a_draft_in_the_workflow_not_live(client, march_samplings):
    result = tasks.draft_unqualified_notice.delay(*(d.isoformat() for d in MARCH)).get()
    assert result["status"] == "created" and result["failures"] == 2

    page = _drafts(*MARCH).get()
    assert page.pk == result["page_id"]
    assert not page.live and page.has_unpublished_changes and page.first_published_at is None
    assert page.get_parent().specific_class is NoticeIndexPage
    assert page.title == "2019年3月农产品质量安全抽检不合格产品通报"
    assert "2批次" in page.intro and "禁限用药物或非法添加物1批次" in page.intro
    assert [s.sample_code for s in page.failed_samplings()] == ["NT-FAIL-1", "NT-FAIL-2"]

    # Submitted to the moderation workflow, waiting at 审核.
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.current_workflow_task.name == REVIEW_TASK_NAME

    # Nothing publishes it by itself — not the scheduled-publishing task either.
    tasks.publish_scheduled.delay()
    page.refresh_from_db()
    assert not page.live
    assert client.get(f"/notices/{page.slug}/").status_code == 404

    # A reviewer publishes it.
    reviewer = get_user_model().objects.create_user("notice-reviewer", "", "pw-tests")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    client.force_login(reviewer)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, "approve", page.current_workflow_task_state.pk),
        ),
        {"comment": ""},
        **HOST,
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    html = client.get(page.url).content.decode()
    assert "NT-FAIL-1" in html and "NT-FAIL-2" in html
    assert "NT-VOID-1" not in html and "NT-APRIL-1" not in html and "NT-PASS-1" not in html


def test_running_twice_makes_one_draft(march_samplings):
    first = draft_unqualified_notice(*MARCH)
    second = draft_unqualified_notice(*MARCH)
    third = tasks.draft_unqualified_notice.delay(*(d.isoformat() for d in MARCH)).get()
    assert first.status == "created"
    assert second.status == "exists" and second.page.pk == first.page.pk
    assert third["status"] == "exists"
    assert _drafts(*MARCH).count() == 1
    assert WorkflowState.objects.filter(object_id=str(first.page.pk)).count() == 1


def test_beat_task_drafts_the_previous_month(monkeypatch, march_samplings):
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(2019, 4, 2))
    result = tasks.draft_unqualified_notice.delay().get()
    assert result["period"] == ["2019-03-01", "2019-03-31"]
    assert result["status"] == "created"
    assert tasks.draft_unqualified_notice.delay().get()["status"] == "exists"


def test_no_failures_no_draft(demo_site):
    result = draft_unqualified_notice(datetime.date(2018, 2, 1), datetime.date(2018, 2, 28))
    assert result.status == "no_failures"
    assert not _drafts(datetime.date(2018, 2, 1), datetime.date(2018, 2, 28)).exists()


def test_admin_form_drafts_a_notice(client, march_samplings):
    editor = get_user_model().objects.create_user("notice-editor", "", "pw-tests")
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(editor)
    url = reverse("portal_draft_notice")

    # In the menu, and as a button on the 不合格通报 section's listing.
    home = client.get(reverse("wagtailadmin_home"), **HOST).content.decode()
    assert "portal-draft-notice" in home and url in home  # the sidebar menu (JSON props)
    index = NoticeIndexPage.objects.get(locale__language_code="zh-hans")
    listing = client.get(reverse("wagtailadmin_explore", args=(index.pk,)), **HOST)
    assert url in listing.content.decode()

    form = client.get(url, **HOST)
    assert form.status_code == 200
    start, end = previous_month(datetime.date.today())
    assert start.isoformat() in form.content.decode()

    bad = client.post(url, {"period_start": "2019-03-31", "period_end": "2019-03-01"}, **HOST)
    assert bad.status_code == 200 and not _drafts(*MARCH).exists()

    response = client.post(url, {"period_start": "2019-03-01", "period_end": "2019-03-31"}, **HOST)
    page = _drafts(*MARCH).get()
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    assert not page.live and page.owner == editor
    assert WorkflowState.objects.get(object_id=str(page.pk)).requested_by == editor

    again = client.post(url, {"period_start": "2019-03-01", "period_end": "2019-03-31"}, **HOST)
    assert again.status_code == 302 and _drafts(*MARCH).count() == 1


def test_admin_form_needs_permission(client, demo_site):
    outsider = get_user_model().objects.create_user("outsider", "", "pw-tests")
    client.force_login(outsider)
    response = client.get(reverse("portal_draft_notice"), **HOST)
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/login/" in response.url or response.url == "/admin/"
