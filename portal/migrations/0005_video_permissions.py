"""Give 宣传编辑 and 宣传审核 their permissions on videos (portal.Video snippets); the same
idempotent setup as 0002_moderation, now with MODEL_PERMISSIONS."""

from django.db import migrations


def forwards(apps, schema_editor):
    from portal.workflows import ensure_moderation

    ensure_moderation(apps)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_claim_origin_videos_address_en")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
