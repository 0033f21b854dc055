"""Credit officers (信用管理人员, credit/migrations/0008) triage the complaints of their
region: the group gets add/change/view on portal.Complaint. Here rather than in credit,
which knows nothing of the portal (DESIGN §3)."""

from django.db import migrations

from credit.reference import OFFICER_GROUP, ensure_officer_group

COMPLAINTS = [("portal", "complaint")]


def forwards(apps, schema_editor):
    ensure_officer_group(apps, managed=COMPLAINTS)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OFFICER_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="portal", codename__endswith="_complaint"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_video_permissions"),
        ("credit", "0008_credit_officer_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
