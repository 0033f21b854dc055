"""The 信用管理人员 (credit officers) group (DESIGN §1, issue #3 item 9).

The group grants Wagtail admin access and model permissions only; an officer's region comes
from their OfficerProfile and is enforced by credit.services.scope and the admin policies.
Idempotent (re-running adds only what is missing); the reverse deletes the group. The
complaints the officers handle are the portal's: portal/migrations/0006 adds those.

Permissions may not exist yet when this runs (Django creates them after all migrations, in
post_migrate), so they are created here like portal/migrations/0002_moderation does; Django
later skips the ones that exist.
"""

from django.db import migrations

from credit.reference import OFFICER_GROUP, ensure_officer_group


def forwards(apps, schema_editor):
    ensure_officer_group(apps)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OFFICER_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0007_grade_breakdown_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
