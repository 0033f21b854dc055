"""Reference data every installation has: the GB/T 2260 regions and credit policy v1.

Loaded by migrations; also callable again where a database was emptied (tests that
truncate tables, a fresh staging copy).
"""

import datetime

POLICY_V1_NOTES = (
    "信用评价政策第 1 版：合格证 30%、抽检 40%、生产档案 30%；一般处罚 -10、严重处罚 -25、"
    "虚假开证 -20、有效认证 +3（上限 +6）；A≥90、B≥75、C≥60；黑名单、检出禁限用物质、"
    "移送司法直接定为 D。 / Credit policy v1 as in DESIGN §5."
)


def load_regions(Region) -> int:
    """Insert the regions that are missing; parents come first in the file."""
    from credit.regiondata import load_regions as read_rows

    existing = set(Region.objects.values_list("code", flat=True))
    rows = [r for r in read_rows() if r.code not in existing]
    Region.objects.bulk_create(
        [
            Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent_code or None)
            for r in rows
        ],
        batch_size=1000,
    )
    return len(rows)


def load_policy_v1(ScoringPolicy) -> None:
    from credit.policy import DEFAULT_POLICY

    params = DEFAULT_POLICY.to_dict()
    params.pop("version")
    ScoringPolicy.objects.get_or_create(
        version="1",
        defaults={
            "effective_from": datetime.date(2020, 1, 1),
            "parameters": params,
            "notes": POLICY_V1_NOTES,
        },
    )


# --- the credit officers' group (credit/migrations/0008) ------------------------------------
# The group grants Wagtail admin access and model permissions only; an officer's region
# comes from their OfficerProfile and is enforced by credit.services.scope and the admin.
# Permissions may not exist yet when the migration runs (Django creates them in
# post_migrate), so they are created here, as portal/migrations/0002_moderation does.

OFFICER_GROUP = "信用管理人员"
ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")

#: (app_label, model): the records officers keep and the cases they handle.
MANAGED = [
    ("credit", "producer"),
    ("credit", "inspection"),
    ("credit", "sampling"),
    ("credit", "certificate"),
    ("credit", "certification"),
    ("credit", "enforcementcase"),
    ("credit", "blacklistentry"),
    ("credit", "objection"),
    ("credit", "repairapplication"),
    ("credit", "producerreply"),
    ("credit", "claimcode"),
]
MANAGED_ACTIONS = ("add", "change", "view")

#: Read-only screens an officer needs to see grades and why (integrity file, audit trail).
VIEWED = [
    ("credit", "creditgrade"),
    ("credit", "restriction"),
    ("credit", "auditevent"),
    ("credit", "region"),
    ("credit", "reviewattachment"),
]


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name[:255]}
    )
    return permission


def _model_permission(apps, app_label, model, action):
    # Same name Django's create_permissions would give it.
    verbose = apps.get_model(app_label, model)._meta.verbose_name_raw
    return _permission(apps, app_label, model, f"{action}_{model}", f"Can {action} {verbose}")


def ensure_officer_group(apps, managed=None) -> None:
    """The 信用管理人员 group and its permissions; `apps`: a migration's or django.apps."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    permissions = [_permission(apps, *ACCESS_ADMIN)]
    for app_label, model in MANAGED if managed is None else managed:
        permissions += [_model_permission(apps, app_label, model, a) for a in MANAGED_ACTIONS]
    permissions += [
        _model_permission(apps, app_label, model, "view") for app_label, model in VIEWED
    ]
    group.permissions.add(*permissions)


def ensure_reference_data() -> None:
    from django.apps import apps

    from credit.models import Region, ScoringPolicy

    load_regions(Region)
    load_policy_v1(ScoringPolicy)
    ensure_officer_group(apps)
