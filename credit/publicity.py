"""Publicity periods and repair eligibility (DESIGN §5) — pure functions over dates.

Minor penalties are never published; general ones for at most `publicity_months['general']`
months from the decision date; serious ones and blacklist entries for at most their own
maximum. An approved repair ends publication from its approval date.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from credit.policy import PolicyParams


def publication_end(decision: date, months: int) -> date | None:
    """The first day a record is no longer published (None: never published)."""
    if months <= 0:
        return None
    return decision + relativedelta(months=months)


def case_published(
    decision: date,
    severity: str,
    today: date,
    policy: PolicyParams,
    repaired_on: date | None = None,
    voided: bool = False,
) -> bool:
    end = publication_end(decision, policy.publicity_months.get(severity, 0))
    if voided or end is None or not decision <= today < end:
        return False
    return repaired_on is None or today < repaired_on


def blacklist_published(
    start: date,
    end: date | None,
    today: date,
    policy: PolicyParams,
    removed_on: date | None = None,
    repaired_on: date | None = None,
    voided: bool = False,
) -> bool:
    """Shown while in force, and never beyond the blacklist's maximum publicity period."""
    limit = publication_end(start, policy.blacklist_publicity_months)
    if voided or limit is None or not start <= today < limit:
        return False
    if end is not None and today > end:
        return False
    return all(stop is None or today < stop for stop in (removed_on, repaired_on))


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    earliest: date | None
    reasons: tuple[str, ...]


def repair_eligibility(
    kind: str,
    since: date,
    today: date,
    policy: PolicyParams,
    later_violations: int = 0,
    already_repaired: bool = False,
    obligations_met: bool = True,
) -> Eligibility:
    """Whether a record may be repaired now.

    kind: 'general', 'serious' (case severity) or 'blacklist'; since: decision or listing
    date; later_violations: new cases decided after `since` (a repeat bars repair).
    """
    reasons = []
    months = policy.repair_wait_months.get(kind)
    if months is None:
        return Eligibility(False, None, ("该类记录不公示，无需信用修复",))
    earliest = since + relativedelta(months=months)
    if today < earliest:
        reasons.append(f"最短公示期未满：{earliest.isoformat()} 起可申请")
    if later_violations:
        reasons.append(f"公示期内再次发生违法行为 {later_violations} 起")
    if already_repaired:
        reasons.append("该记录已修复")
    if not obligations_met:
        reasons.append("尚未履行行政处罚决定规定的义务")
    return Eligibility(not reasons, earliest, tuple(reasons))
