"""Compute grades from facts (policy v1 is pure code in credit.scoring) and keep the stored
grade, the restrictions and the joint-punishment feed in step with them.

Everything works on a batch of producers so a single recompute and a full recompute of
100,000 producers share one path: one query per fact kind, pure scoring in Python, bulk
writes only where something changed.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from credit import events
from credit.models import (
    BlacklistEntry,
    ChangeKind,
    CreditGrade,
    Producer,
    Restriction,
    RestrictionChange,
    RestrictionSource,
    ScoringPolicy,
)
from credit.policy import DEFAULT_POLICY, SCENARIOS, PolicyParams
from credit.scoring import Adjustment, GradeResult, SubScore, active_blacklist, compute_grade
from credit.services.audit import Event, lock_chain
from credit.services.audit import append as append_events
from credit.services.audit import prepare as prepare_events
from credit.services.bulk import insert_rows, update_rows
from credit.services.facts import load_facts, producer_filter

GRADE_FIELDS = ("producer", "as_of", "policy_version", "score", "grade", "breakdown", "computed_at")


def policy_for(day: date) -> PolicyParams:
    row = ScoringPolicy.in_force(day)
    return row.params() if row else DEFAULT_POLICY


def result_from_breakdown(data: dict) -> GradeResult:
    """Rebuild a stored grade's result, so its explanation renders in today's language."""
    from decimal import Decimal

    def dec(value):
        return None if value is None else Decimal(str(value))

    policy_row = ScoringPolicy.objects.filter(version=data["policy_version"]).first()
    return GradeResult(
        as_of=date.fromisoformat(data["as_of"]),
        policy_version=data["policy_version"],
        score=dec(data["score"]),
        grade=data["grade"],
        subscores={
            k: SubScore(dec(v["value"]), v["passed"], v["total"])
            for k, v in data["subscores"].items()
        },
        base=dec(data["base"]),
        adjustments=tuple(
            Adjustment(a["code"], a["points"], a["count"], tuple(a["refs"]))
            for a in data["adjustments"]
        ),
        hard_rules=tuple(data["hard_rules"]),
        hard_rule_refs={k: tuple(v) for k, v in data["hard_rule_refs"].items()},
        restrictions=tuple(data["restrictions"]),
        supervision_per_year=data["supervision_per_year"],
        honour=data["honour"],
        window_start=date.fromisoformat(data["window_start"]),
        window_end=date.fromisoformat(data["window_end"]),
        policy=policy_row.params() if policy_row else DEFAULT_POLICY,
    )


_DATED_KEYS = ("as_of", "window_start", "window_end")


def fingerprint(result: GradeResult, data: dict | None = None) -> str:
    """What a grade says, without the day it was computed: equal fingerprints, no new row.

    `data` is `result.to_dict()` when the caller already has it (a full recompute builds it
    once per producer for both the fingerprint and the stored breakdown)."""
    data = result.to_dict() if data is None else data
    undated = {k: v for k, v in data.items() if k not in _DATED_KEYS}
    blob = json.dumps(undated, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def compute_for(producer_id: int, as_of: date) -> GradeResult:
    """The grade as of any day, recomputed from the facts; nothing is written."""
    facts = load_facts([producer_id])[producer_id]
    return compute_grade(facts, policy_for(as_of), as_of)


@dataclass
class RecomputeStats:
    producers: int = 0
    grades_changed: int = 0
    restrictions_imposed: int = 0
    restrictions_lifted: int = 0
    restrictions_amended: int = 0
    change_ids: list[int] = field(default_factory=list, repr=False)
    results: dict[int, GradeResult] = field(default_factory=dict, repr=False)

    def add(self, other: "RecomputeStats") -> None:
        for name in (
            "producers",
            "grades_changed",
            "restrictions_imposed",
            "restrictions_lifted",
            "restrictions_amended",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def recompute(
    producer_ids,
    as_of: date | None = None,
    actor: str = "system",
    reason: str = "",
    keep_results: bool = False,
) -> RecomputeStats:
    """Recompute and store grades for these producers as of `as_of` (default today).

    Runs in one transaction holding the producers' row locks, and reads the facts after
    taking them: when two recomputes race for one producer, the second waits and then sees
    every fact the first saw, so the stored grade always reflects the newest facts.
    Restrictions are only kept for the current day; a past `as_of` only writes history.
    """
    today = timezone.localdate()
    as_of = as_of or today
    ids = sorted(set(producer_ids))
    stats = RecomputeStats()
    if not ids:
        return stats
    policy = policy_for(as_of)
    with transaction.atomic():
        producers = {
            p.id: p
            for p in Producer.objects.select_for_update()
            .filter(id__in=ids)
            .only("id", "grade", "score", "graded_on", "grade_fingerprint")
            .order_by("id")
        }
        facts = load_facts(producers)
        results = {pid: compute_grade(facts[pid], policy, as_of) for pid in producers}
        stats.producers = len(results)
        events = _store_grades(producers, results, as_of, actor, reason, stats)
        changes = []
        if as_of == today:
            changes = _sync_restrictions(producers, results, facts, today, stats)
            events += _restriction_events(changes, actor)
        prepared = prepare_events(events)
        # Feed rows get their ids under the audit chain's lock, which is held to commit, so
        # ids commit in order and a reader's `since=<id>` cursor never skips one. Everything
        # above runs in parallel across workers; only this tail is serialised.
        if changes or prepared.rows:
            lock_chain()
            stats.change_ids = _write_feed(changes)
            append_events(prepared)
        _announce(
            changed_ids=[pid for pid, p in producers.items() if p.public_changed],
            change_ids=stats.change_ids,
        )
    if keep_results:
        stats.results = results
    return stats


def _announce(changed_ids: list[int], change_ids: list[int]) -> None:
    """Tell listeners (search index, webhooks) once the transaction has committed."""
    if changed_ids:
        transaction.on_commit(
            lambda: events.grades_changed.send(sender=Producer, producer_ids=changed_ids)
        )
    if change_ids:
        transaction.on_commit(
            lambda: events.restriction_changes_created.send(
                sender=RestrictionChange, change_ids=change_ids
            )
        )


def _store_grades(producers, results, as_of, actor, reason, stats) -> list[Event]:
    new_rows, changed, events = [], [], []
    for pid, result in results.items():
        data = result.to_dict()
        fp = fingerprint(result, data)
        producer = producers[pid]
        producer.public_changed = False
        if fp == producer.grade_fingerprint:
            continue
        new_rows.append(
            CreditGrade(
                producer_id=pid,
                as_of=as_of,
                policy_version=result.policy_version,
                score=result.score,
                grade=result.grade,
                breakdown=data,
            )
        )
        events.append(
            Event(
                "grade.changed",
                "producer",
                str(pid),
                actor=actor,
                reason=reason,
                producer_id=pid,
                data={
                    "from": producer.grade,
                    "to": result.grade,
                    "score": None if result.score is None else str(result.score),
                    "as_of": as_of.isoformat(),
                    "policy": result.policy_version,
                },
            )
        )
        # Listeners (search documents, cached pages) show the grade and score only; a new
        # breakdown with the same two (say, one more passed sampling) leaves them as they are.
        producer.public_changed = (producer.grade, producer.score) != (result.grade, result.score)
        producer.grade, producer.score = result.grade, result.score
        producer.graded_on, producer.grade_fingerprint = as_of, fp
        changed.append(producer)
    insert_rows(CreditGrade, new_rows, GRADE_FIELDS)
    update_rows(
        Producer,
        ["grade", "score", "graded_on", "grade_fingerprint"],
        [(p.grade, p.score, p.graded_on, p.grade_fingerprint, p.pk) for p in changed],
    )
    stats.grades_changed = len(changed)
    return events


def grade_basis(result: GradeResult) -> str:
    return f"信用等级 {result.grade}（评分政策 v{result.policy_version}）"


def _desired_restrictions(result, facts, today, entries) -> dict[tuple, dict]:
    """(scenario, source, entry id) → start, end, basis, for the restrictions due today."""
    want = {}
    # The grade's own scenarios; the blacklist's come below with their own dates and basis.
    for scenario in result.policy.restrictions_by_grade[result.grade]:
        want[(scenario, RestrictionSource.GRADE, None)] = {
            "start": today,
            "end": None,
            "basis": grade_basis(result),
        }
    for fact in active_blacklist(facts, today):
        entry = entries[int(fact.ref.split(":")[1])]
        end = fact.end
        for stop in (fact.removed_on, fact.repaired_on):
            if stop is not None:
                end = min(end, stop - timedelta(days=1)) if end else stop - timedelta(days=1)
        for scenario in SCENARIOS:
            want[(scenario, RestrictionSource.BLACKLIST, entry.id)] = {
                "start": entry.start_date,
                "end": end,
                "basis": f"列入黑名单（{entry.decision_number}）",
            }
    return want


def _sync_restrictions(producers, results, facts, today, stats) -> list[tuple]:
    """Bring the open restrictions in line with today's grades; returns (row, change) pairs."""
    open_rows: dict[int, dict[tuple, Restriction]] = {pid: {} for pid in producers}
    for r in Restriction.objects.filter(lifted_at__isnull=True, **producer_filter(list(producers))):
        if r.producer_id not in open_rows:
            continue
        open_rows[r.producer_id][(r.scenario, r.source, r.blacklist_entry_id)] = r
    entry_ids = {
        int(f.ref.split(":")[1]) for pid in producers for f in active_blacklist(facts[pid], today)
    }
    entries = BlacklistEntry.objects.in_bulk(entry_ids) if entry_ids else {}

    now = timezone.now()
    to_create, to_update, changes = [], [], []
    for pid in producers:
        want = _desired_restrictions(results[pid], facts[pid], today, entries)
        have = open_rows[pid]
        for key, spec in want.items():
            row = have.get(key)
            if row is None:
                row = Restriction(
                    producer_id=pid,
                    scenario=key[0],
                    source=key[1],
                    blacklist_entry_id=key[2],
                    **spec,
                )
                to_create.append(row)
                changes.append((row, ChangeKind.IMPOSED))
            elif (row.end, row.basis) != (spec["end"], spec["basis"]):
                row.end, row.basis = spec["end"], spec["basis"]
                to_update.append(row)
                changes.append((row, ChangeKind.AMENDED))
        for key, row in have.items():
            if key not in want:
                row.end, row.lifted_at = today - timedelta(days=1), now
                to_update.append(row)
                changes.append((row, ChangeKind.LIFTED))

    Restriction.objects.bulk_create(to_create, batch_size=2000)
    update_rows(
        Restriction,
        ["end", "basis", "lifted_at"],
        [(r.end, r.basis, r.lifted_at, r.pk) for r in to_update],
    )
    for _row, kind in changes:
        attr = f"restrictions_{kind}"
        setattr(stats, attr, getattr(stats, attr) + 1)
    return changes


def _write_feed(changes) -> list[int]:
    """The joint-punishment feed's rows; call under the chain lock (ids commit in order)."""
    rows = RestrictionChange.objects.bulk_create(
        [
            RestrictionChange(
                restriction=row,
                change=kind,
                scenario=row.scenario,
                start=row.start,
                end=row.end,
                basis=row.basis,
            )
            for row, kind in changes
        ],
        batch_size=2000,
    )
    return [row.pk for row in rows]


def _restriction_events(changes, actor) -> list[Event]:
    return [
        Event(
            f"restriction.{kind}",
            "restriction",
            str(row.pk),
            actor=actor,
            producer_id=row.producer_id,
            data={
                "scenario": row.scenario,
                "start": row.start.isoformat(),
                "end": row.end.isoformat() if row.end else None,
                "basis": row.basis,
            },
        )
        for row, kind in changes
    ]


def restrictions_as_of(producer_id: int, result: GradeResult, facts, day: date) -> list[dict]:
    """The restrictions in force on `day` as the public API shows them."""
    entries = BlacklistEntry.objects.in_bulk(
        [int(f.ref.split(":")[1]) for f in active_blacklist(facts, day)]
    )
    want = _desired_restrictions(result, facts, day, entries)
    # A grade restriction runs from the day the stored one began, when we have it.
    started = {
        r.scenario: r.start
        for r in Restriction.objects.filter(
            producer_id=producer_id, source=RestrictionSource.GRADE, start__lte=day
        ).exclude(end__lt=day)
    }
    out = []
    for (scenario, source, _entry), spec in sorted(
        want.items(), key=lambda kv: (kv[0][0], kv[0][1])
    ):
        start = spec["start"]
        if source == RestrictionSource.GRADE:
            start = started.get(scenario, day)
        out.append(
            {
                "scenario": scenario,
                "start": start,
                "end": spec["end"],
                "basis": spec["basis"],
                "source": source,
            }
        )
    return out
