"""Documents for credit records the public may see today: certified products, blacklist
entries in force and published, and enforcement cases within their publicity period
(minor cases never). Typical-case pages share the ``case`` type (see ``pages``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from credit.models import (
    BlacklistEntry,
    CaseSeverity,
    Certification,
    EnforcementCase,
    Producer,
)
from credit.publicity import blacklist_published, case_published

from .base import DocType, SearchDocument, register
from .context import BuildContext, choice_labels
from .producers import CERT_LABELS, KIND_LABELS, public_key, public_name

SEVERITY_LABELS = choice_labels(CaseSeverity.choices)
_PRODUCER_FIELDS = (
    "id",
    "uscc",
    "id_number",
    "name",
    "former_names",
    "kind",
    "region_id",
    "categories",
)


def _producers(ids, ctx: BuildContext) -> dict[int, dict]:
    ids = sorted(set(ids))
    out = {}
    for start in range(0, len(ids), 900):
        for row in Producer.objects.filter(
            id__in=ids[start : start + 900], merged_into__isnull=True
        ).values(*_PRODUCER_FIELDS):
            out[row["id"]] = row
    return out


def _producer_part(p: dict, ctx: BuildContext) -> tuple[dict, dict]:
    """Facets and display fields every record document takes from its producer."""
    region = p.get("region_id") or ""
    facets = {
        "region": list(ctx.regions.ancestors(region)),
        "kind": [p["kind"]],
        "category": [c for c in p.get("categories") or [] if c],
    }
    fields = {
        "producer_id": p["id"],
        "producer_name": public_name(p["name"], p["kind"]),
        "producer_key": public_key(p),
        "uscc": p.get("uscc") or None,
        "kind": p["kind"],
        "region_code": region,
        "region_name": ctx.regions.path_name(region),
    }
    return facets, fields


def _other_names(p: dict) -> list[str]:
    return [] if p["kind"] == "grower" else [n for n in p.get("former_names") or [] if n]


def _chunks(qs, batch: int):
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id")[:batch])
        if not rows:
            return
        last = rows[-1]["id"]
        yield rows


# --- certified products ------------------------------------------------------------------

_CERT_FIELDS = ("id", "producer_id", "number", "type", "product", "valid_from", "valid_to")


def _certifications(ctx: BuildContext):
    return (
        Certification.objects.active()
        .filter(
            valid_from__lte=ctx.today, valid_to__gte=ctx.today, producer__merged_into__isnull=True
        )
        .values(*_CERT_FIELDS)
    )


def build_product(c: dict, p: dict, ctx: BuildContext) -> SearchDocument:
    facets, fields = _producer_part(p, ctx)
    label = CERT_LABELS.get(c["type"], c["type"])
    producer_name = fields["producer_name"]
    return SearchDocument(
        type="product",
        id=str(c["id"]),
        title=c["product"],
        names=[producer_name, *_other_names(p)],
        body=f"{label} {fields['region_name']} {KIND_LABELS.get(p['kind'], '')}",
        identifiers=[c["number"]] + ([p["uscc"]] if p.get("uscc") else []),
        facets={
            "type": ["product"],
            **facets,
            "cert": [c["type"]],
            "year": [str(c["valid_from"].year)],
        },
        fields={
            **fields,
            "number": c["number"],
            "cert_type": c["type"],
            "cert_label": label,
            "product": c["product"],
            "valid_from": c["valid_from"].isoformat(),
            "valid_to": c["valid_to"].isoformat(),
        },
        date=c["valid_from"],
    )


def _build_products(rows, ctx):
    producers = _producers([r["producer_id"] for r in rows], ctx)
    return [
        build_product(r, producers[r["producer_id"]], ctx)
        for r in rows
        if r["producer_id"] in producers
    ]


def _iter_products(batch: int, ctx: BuildContext | None = None) -> Iterator[list[SearchDocument]]:
    ctx = ctx or BuildContext()
    for rows in _chunks(_certifications(ctx), batch):
        yield _build_products(rows, ctx)


def _load_products(ids: Iterable[str], ctx: BuildContext | None = None):
    ctx = ctx or BuildContext()
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    rows = []
    for start in range(0, len(wanted), 900):
        rows += list(_certifications(ctx).filter(id__in=wanted[start : start + 900]))
    return _build_products(rows, ctx)


register(
    DocType(
        "product",
        count=lambda: _certifications(BuildContext()).count(),
        iter_all=_iter_products,
        load=_load_products,
        public_ids=lambda: {
            str(i) for i in _certifications(BuildContext()).values_list("id", flat=True)
        },
    )
)


# --- blacklist ---------------------------------------------------------------------------

_BLACK_FIELDS = (
    "id",
    "producer_id",
    "decision_number",
    "start_date",
    "end_date",
    "reason",
    "legal_basis",
    "removed_on",
)


def _blacklist_rows(ctx: BuildContext):
    return (
        BlacklistEntry.objects.active()
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=ctx.today), start_date__lte=ctx.today)
        .values(*_BLACK_FIELDS)
    )


def _published_blacklist(rows, ctx) -> list[dict]:
    repaired = ctx.repairs(BlacklistEntry, [r["id"] for r in rows])
    return [
        r
        for r in rows
        if blacklist_published(
            r["start_date"],
            r["end_date"],
            ctx.today,
            ctx.policy,
            removed_on=r["removed_on"],
            repaired_on=repaired.get(r["id"]),
        )
    ]


def build_blacklist(e: dict, p: dict, ctx: BuildContext) -> SearchDocument:
    facets, fields = _producer_part(p, ctx)
    return SearchDocument(
        type="blacklist",
        id=str(e["id"]),
        title=fields["producer_name"],
        names=_other_names(p),
        body=f"{e['reason']} {e['legal_basis']} {fields['region_name']}",
        identifiers=[e["decision_number"]] + ([p["uscc"]] if p.get("uscc") else []),
        facets={"type": ["blacklist"], **facets, "year": [str(e["start_date"].year)]},
        fields={
            **fields,
            "decision_number": e["decision_number"],
            "start_date": e["start_date"].isoformat(),
            "end_date": e["end_date"].isoformat() if e["end_date"] else None,
            "reason": e["reason"],
            "legal_basis": e["legal_basis"],
        },
        date=e["start_date"],
    )


def _build_blacklist(rows, ctx):
    rows = _published_blacklist(rows, ctx)
    producers = _producers([r["producer_id"] for r in rows], ctx)
    return [
        build_blacklist(r, producers[r["producer_id"]], ctx)
        for r in rows
        if r["producer_id"] in producers
    ]


def _iter_blacklist(batch: int, ctx: BuildContext | None = None):
    ctx = ctx or BuildContext()
    for rows in _chunks(_blacklist_rows(ctx), batch):
        yield _build_blacklist(rows, ctx)


def _load_blacklist(ids: Iterable[str], ctx: BuildContext | None = None):
    ctx = ctx or BuildContext()
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    rows = []
    for start in range(0, len(wanted), 900):
        rows += list(_blacklist_rows(ctx).filter(id__in=wanted[start : start + 900]))
    return _build_blacklist(rows, ctx)


def _blacklist_public_ids() -> set[str]:
    ctx = BuildContext()
    return {str(d.id) for batch in _iter_blacklist(5000, ctx) for d in batch}


register(
    DocType(
        "blacklist",
        count=lambda: _blacklist_rows(BuildContext()).count(),
        iter_all=_iter_blacklist,
        load=_load_blacklist,
        public_ids=_blacklist_public_ids,
    )
)


# --- enforcement cases (+ typical-case pages) --------------------------------------------

_CASE_FIELDS = (
    "id",
    "producer_id",
    "case_number",
    "decision_date",
    "agency",
    "severity",
    "legal_basis",
    "facts",
    "penalty",
    "fine_amount",
)


def _case_rows(ctx: BuildContext):
    # Publicity never lasts beyond the longest period of the policy: older cases need no look.
    longest = max(ctx.policy.publicity_months.values(), default=0)
    return (
        EnforcementCase.objects.active()
        .exclude(severity=CaseSeverity.MINOR)
        .filter(
            decision_date__lte=ctx.today,
            decision_date__gt=ctx.today - relativedelta(months=longest),
        )
        .values(*_CASE_FIELDS)
    )


def _published_cases(rows, ctx) -> list[dict]:
    repaired = ctx.repairs(EnforcementCase, [r["id"] for r in rows])
    return [
        r
        for r in rows
        if case_published(
            r["decision_date"],
            r["severity"],
            ctx.today,
            ctx.policy,
            repaired_on=repaired.get(r["id"]),
        )
    ]


def build_case(c: dict, p: dict, ctx: BuildContext) -> SearchDocument:
    facets, fields = _producer_part(p, ctx)
    fine = c.get("fine_amount")
    return SearchDocument(
        type="case",
        id=str(c["id"]),
        title=fields["producer_name"],
        names=_other_names(p),
        body=" ".join(
            x
            for x in (
                c["facts"],
                c["penalty"],
                c["legal_basis"],
                c["agency"],
                fields["region_name"],
            )
            if x
        ),
        identifiers=[c["case_number"]] + ([p["uscc"]] if p.get("uscc") else []),
        facets={"type": ["case"], **facets, "year": [str(c["decision_date"].year)]},
        fields={
            **fields,
            "case_number": c["case_number"],
            "decision_date": c["decision_date"].isoformat(),
            "agency": c["agency"],
            "severity": c["severity"],
            "severity_label": SEVERITY_LABELS.get(c["severity"]),
            "penalty": c["penalty"],
            "fine_amount": None if fine is None else float(fine),
        },
        date=c["decision_date"],
    )


def _build_cases(rows, ctx):
    rows = _published_cases(rows, ctx)
    producers = _producers([r["producer_id"] for r in rows], ctx)
    return [
        build_case(r, producers[r["producer_id"]], ctx)
        for r in rows
        if r["producer_id"] in producers
    ]


def _iter_cases(batch: int, ctx: BuildContext | None = None):
    from . import pages

    ctx = ctx or BuildContext()
    for rows in _chunks(_case_rows(ctx), batch):
        yield _build_cases(rows, ctx)
    yield from pages.iter_typical_cases(batch)


def _load_cases(ids: Iterable[str], ctx: BuildContext | None = None):
    from . import pages

    ctx = ctx or BuildContext()
    ids = set(map(str, ids))
    page_ids = {i for i in ids if i.startswith("page-")}
    wanted = sorted({int(i) for i in ids - page_ids if i.isdigit()})
    rows = []
    for start in range(0, len(wanted), 900):
        rows += list(_case_rows(ctx).filter(id__in=wanted[start : start + 900]))
    return _build_cases(rows, ctx) + pages.load_typical_cases(page_ids)


def _case_public_ids() -> set[str]:
    from . import pages

    ctx = BuildContext()
    out = {str(d.id) for batch in _iter_cases_only(5000, ctx) for d in batch}
    return out | pages.typical_case_ids()


def _iter_cases_only(batch, ctx):
    for rows in _chunks(_case_rows(ctx), batch):
        yield _build_cases(rows, ctx)


register(
    DocType(
        "case",
        count=lambda: _case_rows(BuildContext()).count(),
        iter_all=_iter_cases,
        load=_load_cases,
        public_ids=_case_public_ids,
    )
)
