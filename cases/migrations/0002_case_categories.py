"""The initial case categories. Staff may rename or add more in the admin (snippets)."""

from django.db import migrations

CATEGORIES = [
    # slug, 名称, English, 说明
    ("prohibited-drugs", "禁限用药物", "Prohibited or restricted drugs",
     "使用或销售禁用、限用的农药、兽药及其他化合物，如在畜禽养殖中使用“瘦肉精”。"),
    ("residue-over-limit", "农兽药残留超标", "Pesticide or veterinary drug residues over limit",
     "农产品中农药、兽药残留超过食品安全国家标准规定的最大残留限量。"),
    ("illegal-slaughter", "私屠滥宰", "Illegal slaughter",
     "未经定点从事生猪屠宰活动，或屠宰、销售病死畜禽。"),
    ("water-injection", "注水注药", "Water or drug injection",
     "对畜禽或其产品注水、注入其他物质以增加重量或改变外观。"),
    ("counterfeit-inputs", "农资打假", "Counterfeit farm inputs",
     "生产、经营假劣农药、兽药、肥料、种子、饲料等农业投入品。"),
    ("certificate-violation", "合格证违规", "Compliance certificate violations",
     "未按规定开具承诺达标合格证，或虚假开具、冒用他人名义开具合格证。"),
    ("other", "其他", "Other", "不属于以上类别的农产品质量安全违法行为。"),
]


def forwards(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    for order, (slug, name, name_en, description) in enumerate(CATEGORIES, start=1):
        CaseCategory.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "description": description,
                      "sort_order": order * 10},
        )


def backwards(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    CaseCategory.objects.filter(slug__in=[c[0] for c in CATEGORIES], pages__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
