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
        [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent_code or None)
         for r in rows],
        batch_size=1000,
    )
    return len(rows)


def load_policy_v1(ScoringPolicy) -> None:
    from credit.policy import DEFAULT_POLICY

    params = DEFAULT_POLICY.to_dict()
    params.pop("version")
    ScoringPolicy.objects.get_or_create(
        version="1",
        defaults={"effective_from": datetime.date(2020, 1, 1), "parameters": params,
                  "notes": POLICY_V1_NOTES},
    )


def ensure_reference_data() -> None:
    from credit.models import Region, ScoringPolicy

    load_regions(Region)
    load_policy_v1(ScoringPolicy)
