"""Moderation (编辑 → 审核), scheduled publishing and expiry, revisions and the audit log."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    Page,
    PageLogEntry,
    Revision,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cases.models import TypicalCasePage
from portal import tasks
from portal.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    PolicyPage,
    RumourRebuttalPage,
    SectionIndexPage,
    UnqualifiedNoticePage,
)
from portal.workflows import (
    EDITOR_GROUP,
    REVIEW_TASK_NAME,
    REVIEWER_GROUP,
    WORKFLOW_NAME,
    ensure_moderation,
)

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}


def _user(username, group_name):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-tests")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(demo_site):
    return _user("xc-editor", EDITOR_GROUP)


@pytest.fixture
def reviewer(demo_site):
    return _user("xc-reviewer", REVIEWER_GROUP)


def _article_form(title, slug, action, **extra):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": "2026-11-01",
            "intro": "导语：" + title,
            "author": "",
            "reviewer": "",
            "hero_image": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{title}的正文。</p>"))]),
            "comments": inline_formset([]),
            action: action.removeprefix("action-"),
            **extra,
        }
    )
    data.update(categories=["vegetables"])
    return data


def _create_article(client, user, title, slug, action="action-submit", **extra):
    client.force_login(user)
    index = ArticleIndexPage.objects.get(locale__language_code="zh-hans")
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("portal", "articlepage", index.pk)),
        _article_form(title, slug, action, **extra),
        **HOST,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return ArticlePage.objects.get(slug=slug)


def _approve(client, user, page):
    client.force_login(user)
    task_state = page.current_workflow_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
        {"comment": ""},
        **HOST,
    )


# --- setup --------------------------------------------------------------------------------


def test_groups_permissions_and_workflow_cover_every_section(demo_site):
    root = Page.get_first_root_node()
    assert WorkflowPage.objects.get(page=root).workflow.name == WORKFLOW_NAME
    editors = Group.objects.get(name=EDITOR_GROUP)
    reviewers = Group.objects.get(name=REVIEWER_GROUP)
    assert set(
        editors.page_permissions.filter(page=root).values_list("permission__codename", flat=True)
    ) == {"add_page", "change_page"}
    assert "publish_page" in set(
        reviewers.page_permissions.filter(page=root).values_list("permission__codename", flat=True)
    )
    assert {"add_image", "choose_image", "add_document", "choose_document"} <= set(
        editors.collection_permissions.values_list("permission__codename", flat=True)
    )
    assert editors.permissions.filter(codename="access_admin").exists()

    # Every home page (both languages) and every section inherits the workflow.
    pages = [*HomePage.objects.all(), *Page.objects.type(SectionIndexPage)]
    assert len(pages) >= 7
    for page in pages:
        workflow = page.get_workflow()
        assert workflow is not None and workflow.name == WORKFLOW_NAME, page.url_path
        assert [t.name for t in workflow.tasks] == [REVIEW_TASK_NAME]
        assert list(workflow.tasks[0].specific.groups.all()) == [reviewers]


def test_ensure_moderation_is_idempotent(demo_site):
    counts = (
        Group.objects.count(),
        WorkflowPage.objects.count(),
        Page.get_first_root_node().group_permissions.count(),
    )
    first = ensure_moderation()
    second = ensure_moderation()
    assert first.workflow.pk == second.workflow.pk and first.task.pk == second.task.pk
    assert (
        Group.objects.count(),
        WorkflowPage.objects.count(),
        Page.get_first_root_node().group_permissions.count(),
    ) == counts
    # load_demo runs it again without complaint.
    out = io.StringIO()
    call_command("load_demo", "--no-credit", stdout=out)
    assert "moderation:" not in out.getvalue()


def test_editor_cannot_publish_reviewer_can(demo_site, editor, reviewer):
    article = ArticlePage.objects.live().first()
    assert article.permissions_for_user(editor).can_edit()
    assert not article.permissions_for_user(editor).can_publish()
    assert article.permissions_for_user(reviewer).can_publish()


# --- the editor's draft through review to publication -------------------------------------


def test_editor_draft_goes_through_review_to_publication(client, editor, reviewer):
    page = _create_article(client, editor, "蔬菜清洗的误区", "washing-myths")
    assert not page.live
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    assert state.requested_by == editor
    assert page.current_workflow_task.name == REVIEW_TASK_NAME

    # The editor cannot publish: not from the edit form …
    edit_data = _article_form("蔬菜清洗的误区", "washing-myths", "action-publish")
    client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), edit_data, **HOST)
    page.refresh_from_db()
    assert not page.live
    # … nor by approving the review task (Wagtail turns the denial into a redirect home).
    denied = _approve(client, editor, page)
    assert denied.status_code == 403 or denied.url == reverse("wagtailadmin_home")
    page.refresh_from_db()
    assert not page.live and page.workflow_in_progress
    assert page.current_workflow_task_state.status == "in_progress"

    # The reviewer sees it waiting on the dashboard and approves it: it goes live.
    client.force_login(reviewer)
    dashboard = client.get(reverse("wagtailadmin_home"), **HOST)
    assert "蔬菜清洗的误区" in dashboard.content.decode()
    assert _approve(client, reviewer, page).status_code == 302
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    assert client.get(page.url).status_code == 200

    # The audit log says who did what.
    actions = list(
        PageLogEntry.objects.filter(page=page)
        .order_by("timestamp", "pk")
        .values_list("action", "user__username")
    )
    assert ("wagtail.workflow.start", "xc-editor") in actions
    assert ("wagtail.workflow.approve", "xc-reviewer") in actions
    assert ("wagtail.publish", "xc-reviewer") in actions


def test_reviewer_requests_changes(client, editor, reviewer):
    page = _create_article(client, editor, "草莓空心的原因", "hollow-strawberries")
    client.force_login(reviewer)
    task_state = page.current_workflow_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", task_state.pk)),
        {"comment": "请补充专家审核意见"},
        **HOST,
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


# --- scheduling ------------------------------------------------------------------------


def test_scheduled_publishing_and_expiry_via_the_task(client, editor, reviewer):
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    page = _create_article(
        client,
        editor,
        "春节农产品选购提示",
        "spring-festival-tips",
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
    )
    assert _approve(client, reviewer, page).status_code == 302
    page.refresh_from_db()
    revision = Revision.page_revisions.get(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    )
    assert not page.live  # approved, but scheduled

    tasks.publish_scheduled.delay()
    page.refresh_from_db()
    assert not page.live  # not due yet

    # Time passes: move the approved go-live moment (in the revision and its content) back.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    Page.objects.filter(pk=page.pk).update(go_live_at=past)
    tasks.publish_scheduled.delay()
    page.refresh_from_db()
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").exists()

    # Expiry: a live page past its expire_at goes offline on the next run.
    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    tasks.publish_scheduled.delay()
    page.refresh_from_db()
    assert not page.live and page.expired


# --- revisions and comparison ----------------------------------------------------------


def test_edit_twice_then_compare_revisions(client, reviewer):
    page = _create_article(
        client, reviewer, "合格证怎么看", "how-to-read-certificates", action="action-publish"
    )
    assert page.live
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    for title in ("合格证怎么看（修订）", "合格证怎么看（再修订）"):
        data = _article_form(title, "how-to-read-certificates", "action-publish")
        assert client.post(edit, data, **HOST).status_code == 302
    revisions = list(page.revisions.order_by("created_at", "pk"))
    assert len(revisions) == 3
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=(page.pk, revisions[0].pk, revisions[-1].pk),
    )
    html = client.get(compare, **HOST).content.decode()
    assert "合格证怎么看" in html and "再修订" in html
    history = client.get(reverse("wagtailadmin_pages:history", args=(page.pk,)), **HOST)
    assert history.status_code == 200
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 3


@pytest.mark.parametrize(
    "model", [ArticlePage, RumourRebuttalPage, UnqualifiedNoticePage, TypicalCasePage, PolicyPage]
)
def test_revisions_compare_for_every_content_type(client, demo_site, model):
    admin = get_user_model().objects.create_superuser("rev-admin", "", "pw-tests")
    client.force_login(admin)
    page = model.objects.filter(locale__language_code="zh-hans").first()
    before = page.title
    first = page.save_revision(user=admin, log_action=True)
    page.title = before + "（更正）"
    second = page.save_revision(user=admin, log_action=True)
    response = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, first.pk, second.pk)),
        **HOST,
    )
    assert response.status_code == 200
    assert "（更正）" in response.content.decode()
    assert PageLogEntry.objects.filter(page=page, action="wagtail.edit", user=admin).count() == 2
