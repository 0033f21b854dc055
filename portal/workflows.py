"""Moderation for publicity staff (宣传人员): the 编辑 → 审核 workflow, the two staff groups and
their permissions, and drafts of unqualified-product notices (不合格通报) made from credit data.

`ensure_moderation()` is idempotent and takes an app registry, so the data migration
(historical models) and `load_demo` (real models) share it. Permissions and the workflow
hang on the tree's root page (depth 1), so every home page — created now or later by
load_demo, in any language — and every section below it inherits them.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass

from django.apps import apps as global_apps

log = logging.getLogger(__name__)

EDITOR_GROUP = "宣传编辑"
REVIEWER_GROUP = "宣传审核"
WORKFLOW_NAME = "编辑 → 审核"
REVIEW_TASK_NAME = "审核"
#: Wagtail's own initial workflow, replaced on the root page by ours.
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"

ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
SUBMIT_TRANSLATION = (
    "wagtail_localize",
    "translation",
    "submit_translation",
    "Can submit translations",
)

#: Page permissions on the root page. Editors may add and edit (and so submit for
#: moderation) but not publish; reviewers publish, and lock/unlock pages under review.
PAGE_PERMISSIONS = {
    EDITOR_GROUP: ["add_page", "change_page"],
    REVIEWER_GROUP: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
PAGE_PERMISSION_NAMES = {
    "add_page": "Can add page",
    "change_page": "Can change page",
    "publish_page": "Can publish any page",
    "lock_page": "Can lock page",
    "unlock_page": "Can unlock page",
}

#: Collection permissions on the root collection: (app_label, model, action).
COLLECTION_PERMISSIONS = {
    EDITOR_GROUP: [
        ("wagtailimages", "image", "add"),
        ("wagtailimages", "image", "choose"),
        ("wagtaildocs", "document", "add"),
        ("wagtaildocs", "document", "choose"),
    ],
    REVIEWER_GROUP: [
        (app, model, action)
        for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
        for action in ("add", "change", "delete", "choose")
    ],
}


#: Model permissions: (app_label, model, action). Videos are snippets, not collection items.
MODEL_PERMISSIONS = {
    EDITOR_GROUP: [("portal", "video", action) for action in ("add", "change", "view")],
    REVIEWER_GROUP: [("portal", "video", action) for action in ("add", "change", "delete", "view")],
}


@dataclass
class ModerationSetup:
    workflow: object
    task: object
    editors: object
    reviewers: object
    notes: list[str]


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission = Permission.objects.filter(content_type=content_type, codename=codename).first()
    if permission is None:
        permission = Permission.objects.create(
            content_type=content_type, codename=codename, name=name[:255]
        )
    return permission


def ensure_moderation(apps=global_apps) -> ModerationSetup:
    """Create (or complete) the groups, their permissions and the workflow. Idempotent."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    notes: list[str] = []

    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    for group in (editors, reviewers):
        group.permissions.add(
            _permission(apps, *ACCESS_ADMIN), _permission(apps, *SUBMIT_TRANSLATION)
        )
        for app_label, model, action in MODEL_PERMISSIONS[group.name]:
            group.permissions.add(
                _permission(apps, app_label, model, f"{action}_{model}", f"Can {action} {model}")
            )

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        for group in (editors, reviewers):
            for codename in PAGE_PERMISSIONS[group.name]:
                permission = _permission(
                    apps, "wagtailcore", "page", codename, PAGE_PERMISSION_NAMES[codename]
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
    else:
        notes.append("no root page: page permissions and workflow not attached")

    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for group in (editors, reviewers):
            for app_label, model, action in COLLECTION_PERMISSIONS[group.name]:
                permission = _permission(
                    apps, app_label, model, f"{action}_{model}", f"Can {action} {model}"
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).order_by("pk").first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=REVIEW_TASK_NAME, content_type=task_type, active=True
        )
    elif not task.active:
        task.active = True
        task.save(update_fields=["active"])
    task.groups.add(reviewers)

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(
            workflow=workflow,
            task=task,
            sort_order=WorkflowTask.objects.filter(workflow=workflow).count(),
        )

    if root is not None:
        current = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
        if current is None:
            WorkflowPage.objects.create(page=root, workflow=workflow)
        elif current.workflow_id != workflow.pk:
            if current.workflow.name == WAGTAIL_DEFAULT_WORKFLOW:
                current.workflow = workflow
                current.save()
            else:
                # Staff chose another workflow for the whole tree in the admin: keep it.
                notes.append(f"root page uses workflow {current.workflow.name!r}; left unchanged")
    return ModerationSetup(workflow, task, editors, reviewers, notes)


# --- 不合格通报 drafts from credit data -----------------------------------------------------


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the calendar month before `today`."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def month_period(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return (
        datetime.date(year, month, 1),
        datetime.date(year, month, calendar.monthrange(year, month)[1]),
    )


@dataclass
class NoticeDraftResult:
    status: str  # "created", "exists", "no_failures", "no_index"
    page: object | None = None
    failures: int = 0

    @property
    def created(self) -> bool:
        return self.status == "created"


def failed_samplings_in(start: datetime.date, end: datetime.date):
    """Samplings that failed (over the limit or a prohibited substance), not voided, in the
    period — the same set `UnqualifiedNoticePage.failed_samplings()` shows."""
    from credit.models import CheckResult, Sampling

    return (
        Sampling.objects.active()
        .exclude(result=CheckResult.PASS)
        .filter(date__gte=start, date__lte=end)
    )


def notice_index():
    """The 不合格通报 section of the default language (the one drafts are written in)."""
    from wagtail.models import Locale

    from portal.models import NoticeIndexPage

    indexes = NoticeIndexPage.objects.order_by("path")
    try:
        default = indexes.filter(locale=Locale.get_default()).first()
    except Locale.DoesNotExist:
        default = None
    return default or indexes.first()


def _period_label(start: datetime.date, end: datetime.date) -> str:
    if start.day == 1 and end == month_period(start.year, start.month)[1]:
        return f"{start.year}年{start.month}月"
    return f"{start.isoformat()}至{end.isoformat()}"


def _issuer(index) -> str:
    from wagtail.models import Site

    from portal.models import PortalSettings

    site = index.get_site() or Site.objects.filter(is_default_site=True).first()
    if site is not None:
        organiser = PortalSettings.for_site(site).organiser
        if organiser:
            return organiser
    return "农业农村部门"


def _unique_slug(index, base: str) -> str:
    from wagtail.models import Page

    slug, n = base, 2
    while Page.objects.child_of(index).filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def draft_unqualified_notice(
    start: datetime.date, end: datetime.date, user=None, today: datetime.date | None = None
) -> NoticeDraftResult:
    """Create an UnqualifiedNoticePage DRAFT for the period's failed samplings under the
    不合格通报 index and submit it to the moderation workflow. Never publishes.

    Idempotent per period: when a notice for exactly this period (and all regions) already
    exists under the index — draft, in review or live — nothing is created.
    """
    from django.db import transaction
    from django.utils import timezone
    from django.utils.html import escape
    from wagtail.models import Page

    from credit.models import CheckResult
    from portal.models import UnqualifiedNoticePage

    today = today or timezone.localdate()
    with transaction.atomic():
        index = notice_index()
        if index is None:
            return NoticeDraftResult("no_index")
        # Serialise concurrent runs (beat + a staff click) on the index row.
        Page.objects.select_for_update().filter(pk=index.pk).first()
        existing = (
            UnqualifiedNoticePage.objects.child_of(index)
            .filter(period_start=start, period_end=end, region__isnull=True)
            .order_by("pk")
            .first()
        )
        failures = failed_samplings_in(start, end)
        count = failures.count()
        if existing is not None:
            return NoticeDraftResult("exists", existing, count)
        if count == 0:
            return NoticeDraftResult("no_failures", None, 0)
        prohibited = failures.filter(result=CheckResult.PROHIBITED).count()
        label = _period_label(start, end)
        intro = (
            f"<p>{escape(label)}，各地农业农村部门开展农产品质量安全例行监测和监督抽查，"
            f"发现不合格产品{count}批次"
            + (f"，其中检出禁限用药物或非法添加物{prohibited}批次" if prohibited else "")
            + "。现将不合格产品通报如下。</p>"
            "<p>不合格产品所在地农业农村部门已依法开展核查处置，相关信息已记入生产经营主体信用档案。</p>"
        )
        page = UnqualifiedNoticePage(
            title=f"{label}农产品质量安全抽检不合格产品通报",
            slug=_unique_slug(index, f"{start:%Y-%m}" if start.day == 1 else f"{start}-{end}"),
            date=today,
            issuer=_issuer(index),
            period_start=start,
            period_end=end,
            intro=intro,
            live=False,
            owner=user,
        )
        index.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=True)
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, user)
        else:
            log.warning("no moderation workflow for %s: draft left unsubmitted", page.url_path)
        log.info("drafted notice %s (revision %s, %s failures)", page.pk, revision.pk, count)
        return NoticeDraftResult("created", page, count)
