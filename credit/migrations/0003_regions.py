"""Load the complete county-level GB/T 2260 list shipped in credit/data/regions.csv."""

from django.db import migrations


def forwards(apps, schema_editor):
    from credit.reference import load_regions

    load_regions(apps.get_model("credit", "Region"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_policy_v1")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
