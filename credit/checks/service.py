"""Batch credit checks: validate entries, match them to producers, grade the matched
producers as of the check date, and store the issued check.

Everything is batched: one query (per 2,000) for USCCs and ID numbers, an in-memory name
index shared between checks (rebuilt only when producers change), one query per fact kind
for all matched producers (credit.services.facts.load_facts) and pure scoring
(credit.scoring.compute_grade). Restrictions are derived exactly as the producer API
derives them (credit.services.grading.restrictions_as_of), in bulk.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from credit.checks import matching
from credit.checks.matching import Match, ProducerRef
from credit.identifiers import (
    IdentifierError,
    is_valid_id_number,
    mask_id_number,
    normalize_uscc,
    validate_uscc,
)
from credit.models import (
    BatchCheck,
    BlacklistEntry,
    Producer,
    Region,
    Restriction,
    RestrictionSource,
    Scenario,
)
from credit.scoring import ProducerFacts, active_blacklist, compute_grade
from credit.services.facts import load_facts
from credit.services.grading import _desired_restrictions, policy_for

MAX_ENTRIES = 20_000
MAX_NAME = 200
CHUNK = 2000
VERDICTS = ("allowed", "restricted", "not_found", "ambiguous")
MATCHED_BY = ("uscc", "id_number", "name", "former_name", "fuzzy")
CONTENT_VERSION = 1
FIELDS = ("uscc", "name", "region_code")
_REGION_RE = re.compile(r"^\d{6}$")


class EntriesInvalid(Exception):
    """Row errors: a list of {"field": "entries[3].uscc", "message": "..."}."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} invalid entries")
        self.errors = errors


@dataclass(frozen=True)
class Entry:
    uscc: str = ""
    name: str = ""
    region_code: str = ""

    def as_input(self) -> dict:
        return {"uscc": self.uscc, "name": self.name, "region_code": self.region_code}

    def public_input(self) -> dict:
        """``as_input`` as stored in the issued check, whose content anyone holding the
        verification code can download: an ID number given instead of a USCC is masked."""
        data = self.as_input()
        if self.uscc:
            try:
                validate_uscc(self.uscc)
            except IdentifierError:
                data["uscc"] = mask_id_number(self.uscc)
        return data


# -- validation ----------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip()


def validate_entries(raw, field: str = "entries", row_label=None) -> list[Entry]:
    """Check every entry; raise EntriesInvalid listing all problems (field entries[i].x).

    ``row_label(i)`` names a row in messages (uploads say 第 i+2 行, the API entries[i]).
    """
    if not isinstance(raw, list):
        raise EntriesInvalid([{"field": field, "message": "应为列表 / must be a list"}])
    if not raw:
        raise EntriesInvalid([{"field": field, "message": "名单为空 / no entries"}])
    if len(raw) > MAX_ENTRIES:
        raise EntriesInvalid(
            [{"field": field, "message": f"最多 {MAX_ENTRIES} 条 / at most {MAX_ENTRIES} entries"}]
        )
    known_regions = set(Region.objects.values_list("code", flat=True))
    errors: list[dict] = []
    entries: list[Entry] = []

    def error(i, name, message):
        errors.append(
            {"field": f"{field}[{i}].{name}" if name else f"{field}[{i}]", "message": message}
        )

    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            error(i, None, "应为对象 / must be an object with uscc, name, region_code")
            entries.append(Entry())
            continue
        values = {}
        for name in FIELDS:
            value = _text(item.get(name))
            if value is None:
                error(i, name, "应为字符串 / must be a string")
                value = ""
            values[name] = value
        uscc, name, region = values["uscc"], values["name"], values["region_code"]
        if not uscc and not name:
            error(i, None, "统一社会信用代码和名称至少填写一项 / give a uscc or a name")
        if uscc:
            try:
                uscc = validate_uscc(uscc)
            except IdentifierError as exc:
                # Family farms and growers may be identified by an ID number (GB 11643).
                if is_valid_id_number(uscc):
                    uscc = normalize_uscc(uscc)
                else:
                    error(i, "uscc", exc.message)
        if len(name) > MAX_NAME:
            error(i, "name", f"名称过长（最多 {MAX_NAME} 字）/ name too long")
        if region:
            region = normalize_uscc(region)
            if not _REGION_RE.match(region) or region not in known_regions:
                error(i, "region_code", f"行政区划代码“{region}”不存在 / unknown region code")
        entries.append(Entry(uscc, name, region))
    if errors:
        raise EntriesInvalid(errors)
    return entries


# -- the name index, shared between checks ---------------------------------------------------

_index_lock = threading.Lock()
_index_cache: dict = {"fingerprint": None, "index": None}


def _fingerprint() -> tuple:
    agg = Producer.objects.aggregate(n=Count("id"), last=Max("id"), touched=Max("updated_at"))
    return (agg["n"], agg["last"], agg["touched"], Region.objects.count())


def _ref(pid, uscc, id_number, name, region_id) -> ProducerRef:
    return ProducerRef(pid, uscc, uscc or mask_id_number(id_number), name, region_id)


def name_index() -> matching.NameIndex:
    """The index of current producers' names; rebuilt when any producer was added, removed
    or saved since (names, former names, regions and merges all touch updated_at)."""
    fp = _fingerprint()
    with _index_lock:
        if _index_cache["fingerprint"] == fp:
            return _index_cache["index"]
        divisions = matching.DivisionNames.build(Region.objects.values_list("name", flat=True))
        rows = (
            (_ref(pid, uscc, idn, name, region), name, former)
            for pid, uscc, idn, name, region, former in Producer.objects.filter(
                merged_into__isnull=True
            )
            .order_by("id")
            .values_list("id", "uscc", "id_number", "name", "region_id", "former_names")
            .iterator(chunk_size=5000)
        )
        index = matching.NameIndex(list(rows), divisions)
        _index_cache.update(fingerprint=fp, index=index)
        return index


def _region_prefixes(codes) -> dict[str, str]:
    regions = Region.objects.in_bulk([c for c in codes if c])
    return {code: region.prefix for code, region in regions.items()}


# -- matching -----------------------------------------------------------------------------


def _lookup_identifiers(entries: list[Entry]) -> dict[str, ProducerRef]:
    """USCC / ID number → the producer (a merged producer resolves to its survivor)."""
    usccs = sorted({e.uscc for e in entries if len(e.uscc) == 18})
    found: dict[str, tuple] = {}
    fields = ("id", "uscc", "id_number", "name", "region_id", "merged_into_id")
    for start in range(0, len(usccs), CHUNK):
        part = usccs[start : start + CHUNK]
        for row in Producer.objects.filter(uscc__in=part).values_list(*fields):
            found[row[1]] = row
        for row in Producer.objects.filter(id_number__in=part).values_list(*fields):
            found.setdefault(row[2], row)
    # Follow merges (identifiers are never reused; a merged producer's credit is its
    # survivor's, as in the producer API).
    merged = {row[5] for row in found.values() if row[5]}
    survivors: dict[int, tuple] = {}
    while merged:
        rows = {row[0]: row for row in Producer.objects.filter(id__in=merged).values_list(*fields)}
        survivors.update(rows)
        merged = {row[5] for row in rows.values() if row[5] and row[5] not in survivors}

    out = {}
    for key, row in found.items():
        seen = 0
        while row[5] and row[5] in survivors and seen < 20:
            row, seen = survivors[row[5]], seen + 1
        out[key] = _ref(row[0], row[1], row[2], row[3], row[4])
    return out


def match_entries(entries: list[Entry]) -> list[Match]:
    by_identifier = _lookup_identifiers(entries)
    prefixes = _region_prefixes({e.region_code for e in entries})
    index = None
    matches: list[Match] = []
    need_names = [e.name for e in entries if e.name and not by_identifier.get(e.uscc)]
    keys = iter(matching.name_keys(need_names))
    for e in entries:
        ref = by_identifier.get(e.uscc) if e.uscc else None
        if ref is not None:
            via = "uscc" if ref.uscc == e.uscc else "id_number"
            matches.append(
                Match(
                    "matched", ref, via, matching.CONF_USCC, [matching.Candidate(ref, 100.0, via)]
                )
            )
            continue
        if not e.name:
            matches.append(Match("not_found"))
            continue
        if index is None:
            index = name_index()
        m = index.match_name(e.name, prefixes.get(e.region_code), key=next(keys))
        if e.uscc and m.producer is not None and m.producer.uscc and m.producer.uscc != e.uscc:
            # The name points at a producer with another USCC than the one given: a person
            # must decide which is meant.
            m = Match("ambiguous", None, m.matched_by, min(m.confidence, 0.5), m.candidates)
        matches.append(m)
    return matches


# -- credit of the matched producers ---------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def credit_of(producer_ids, day: date) -> dict[int, dict]:
    """grade, blacklisted and restrictions (all scenarios) as of `day`, per producer — the
    same values GET /api/v1/producers/{uscc}/?as_of=day shows."""
    policy = policy_for(day)
    ids = sorted(set(producer_ids))
    out: dict[int, dict] = {}
    # compute_grade is pure: every producer without facts gets the same result.
    no_facts = ProducerFacts()
    unrated = compute_grade(no_facts, policy, day)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        facts = load_facts(part)
        results = {
            pid: unrated if facts[pid] == no_facts else compute_grade(facts[pid], policy, day)
            for pid in part
        }
        active = {pid: active_blacklist(facts[pid], day) for pid in part}
        entry_ids = {int(f.ref.split(":")[1]) for bl in active.values() for f in bl}
        entries = BlacklistEntry.objects.in_bulk(entry_ids) if entry_ids else {}
        started: dict[int, dict[str, date]] = {}
        # Same query and order as restrictions_as_of: the earliest open start wins.
        for pid, scenario, begun in (
            Restriction.objects.filter(
                producer_id__in=part, source=RestrictionSource.GRADE, start__lte=day
            )
            .exclude(end__lt=day)
            .values_list("producer_id", "scenario", "start")
        ):
            started.setdefault(pid, {})[scenario] = begun
        for pid in part:
            want = _desired_restrictions(results[pid], facts[pid], day, entries)
            restrictions = []
            for (scenario, source, _entry), spec in sorted(
                want.items(), key=lambda kv: (kv[0][0], kv[0][1])
            ):
                begun = spec["start"]
                if source == RestrictionSource.GRADE:
                    begun = started.get(pid, {}).get(scenario, day)
                restrictions.append(
                    {
                        "scenario": scenario,
                        "start": _iso(begun),
                        "end": _iso(spec["end"]),
                        "basis": spec["basis"],
                    }
                )
            out[pid] = {
                "grade": results[pid].grade,
                "blacklisted": bool(active[pid]),
                "restrictions": restrictions,
            }
    return out


# -- the check ------------------------------------------------------------------------------


def run(entries: list[Entry], scenario: str, day: date) -> tuple[list[dict], dict]:
    """Result rows (in entry order) and summary counts. Reads only."""
    matches = match_entries(entries)
    credit = credit_of({m.producer.id for m in matches if m.producer}, day)
    rows = []
    summary = {"total": len(entries), **dict.fromkeys(VERDICTS, 0)}
    by = dict.fromkeys(MATCHED_BY, 0)
    for i, (entry, m) in enumerate(zip(entries, matches, strict=True)):
        row = {
            "index": i,
            "input": entry.public_input(),
            "verdict": "not_found",
            "matched_by": m.matched_by,
            "confidence": round(m.confidence, 3),
            "producer": None,
            "grade": None,
            "blacklisted": None,
            "restrictions": [],
            "candidates": [c.as_dict() for c in m.candidates],
        }
        if m.status == "matched":
            info = credit[m.producer.id]
            in_force = [r for r in info["restrictions"] if r["scenario"] == scenario]
            row.update(
                verdict="restricted" if in_force else "allowed",
                producer={
                    "uscc": m.producer.uscc,
                    "key": m.producer.key,
                    "name": m.producer.name,
                    "region_code": m.producer.region_code,
                },
                grade=info["grade"],
                blacklisted=info["blacklisted"],
                restrictions=in_force,
            )
            by[m.matched_by] += 1
        elif m.status == "ambiguous":
            row["verdict"] = "ambiguous"
        else:
            row["matched_by"] = None
        summary[row["verdict"]] += 1
        rows.append(row)
    summary["matched_by"] = by
    return rows, summary


def canonical_json(document: dict) -> str:
    """The hashed form: keys sorted, no insignificant whitespace, UTF-8 (not \\u-escaped)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_check(
    organisation,
    scenario: str,
    day: date,
    entries: list[Entry],
    source: str,
    *,
    user=None,
    token=None,
    programme=None,
) -> BatchCheck:
    """Run and store a check. The stored canonical JSON is what the SHA-256 covers:

    {"version": 1, "verification_code", "organisation", "programme" (name or null),
     "scenario", "date", "created" (UTC, seconds, ...Z), "summary", "results"}
    """
    if scenario not in Scenario.values:
        raise ValueError(f"unknown scenario {scenario!r}")
    results, summary = run(entries, scenario, day)
    created = timezone.now().astimezone(UTC).replace(microsecond=0)
    check = BatchCheck(
        organisation=organisation,
        programme=programme,
        scenario=scenario,
        date=day,
        created=created,
        source=source,
        created_by=user if user is not None and user.is_authenticated else None,
        token=token,
        entry_count=len(entries),
        summary=summary,
    )
    with transaction.atomic():
        while BatchCheck.objects.filter(verification_code=check.verification_code).exists():
            check.verification_code = BatchCheck._meta.get_field("verification_code").default()
        document = {
            "version": CONTENT_VERSION,
            "verification_code": check.verification_code,
            "organisation": organisation.name,
            "programme": programme.name if programme else None,
            "scenario": scenario,
            "date": day.isoformat(),
            "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "summary": summary,
            "results": results,
        }
        check.content = canonical_json(document)
        check.content_sha256 = sha256_hex(check.content)
        check.save()
    check._document = document
    return check
