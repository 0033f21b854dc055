"""Store credit policy v1 (DESIGN §5) as data: every number, with its effective date."""

from django.db import migrations


def forwards(apps, schema_editor):
    from credit.reference import load_policy_v1

    load_policy_v1(apps.get_model("credit", "ScoringPolicy"))


def backwards(apps, schema_editor):
    apps.get_model("credit", "ScoringPolicy").objects.filter(version="1").delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
