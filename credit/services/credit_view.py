"""A producer's credit as of a day, in the shape the API and the public pages show."""

from datetime import date

from credit.scoring import active_blacklist, compute_grade, explain
from credit.services.facts import load_facts
from credit.services.grading import policy_for, restrictions_as_of

ADJUSTMENT_LABELS = {
    "penalty_general": "一般行政处罚",
    "penalty_serious": "严重行政处罚",
    "false_certificate": "虚假开证或冒用他人名义开证",
    "certification_bonus": "有效认证加分",
}


def _number(value):
    return None if value is None else float(value)


def producer_credit(producer, as_of: date) -> dict:
    facts = load_facts([producer.id])[producer.id]
    result = compute_grade(facts, policy_for(as_of), as_of)
    return {
        "uscc": producer.uscc,
        "name": producer.name,
        "kind": producer.kind,
        "region_code": producer.region_id,
        "grade": result.grade,
        "score": _number(result.score),
        "as_of": as_of,
        "policy_version": result.policy_version,
        "subscores": {k: _number(v.value) for k, v in result.subscores.items()},
        "adjustments": [
            {
                "reason": a.code,
                "points": a.points,
                "count": a.count,
                "label": ADJUSTMENT_LABELS.get(a.code, a.code),
            }
            for a in result.adjustments
        ],
        "hard_rules": list(result.hard_rules),
        "restrictions": restrictions_as_of(producer.id, result, facts, as_of),
        "blacklisted": bool(active_blacklist(facts, as_of)),
        "explanation": [str(line) for line in explain(result)],
    }
