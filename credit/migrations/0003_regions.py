"""Load the complete county-level GB/T 2260 list shipped in credit/data/regions.csv."""

from django.db import migrations


def forwards(apps, schema_editor):
    from credit.regiondata import load_regions

    Region = apps.get_model("credit", "Region")
    existing = set(Region.objects.values_list("code", flat=True))
    rows = [r for r in load_regions() if r.code not in existing]
    # Parents come first in the file, so one ordered bulk insert keeps every FK valid.
    Region.objects.bulk_create(
        [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent_code or None)
         for r in rows],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_policy_v1")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
