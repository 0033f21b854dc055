"""Store credit policy v1 (DESIGN §5) as data: every number, with its effective date."""

import datetime

from django.db import migrations

NOTES = (
    "信用评价政策第 1 版：合格证 30%、抽检 40%、生产档案 30%；一般处罚 -10、严重处罚 -25、"
    "虚假开证 -20、有效认证 +3（上限 +6）；A≥90、B≥75、C≥60；黑名单、检出禁限用物质、"
    "移送司法直接定为 D。 / Credit policy v1 as in DESIGN §5."
)


def forwards(apps, schema_editor):
    from credit.policy import DEFAULT_POLICY

    ScoringPolicy = apps.get_model("credit", "ScoringPolicy")
    params = DEFAULT_POLICY.to_dict()
    params.pop("version")
    ScoringPolicy.objects.update_or_create(
        version="1",
        defaults={"effective_from": datetime.date(2020, 1, 1), "parameters": params,
                  "notes": NOTES},
    )


def backwards(apps, schema_editor):
    apps.get_model("credit", "ScoringPolicy").objects.filter(version="1").delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
