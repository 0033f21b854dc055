"""The 编辑 → 审核 moderation workflow and the 宣传编辑 / 宣传审核 groups (DESIGN §1: publicity
staff write, review and publish with moderation). Idempotent; load_demo runs the same
function again, so a database flushed by tests or built without this data still gets it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from portal.workflows import ensure_moderation

    ensure_moderation(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
