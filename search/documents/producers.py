"""Producer documents: name, former names, USCC, masked ID, kind, region, grade, blacklist
flag, categories and certified products. Never the full ID number, the phone or the address.

Large growers (种养大户) are natural persons registered under their own name: like the
portal's ``public_producer_name`` the public index only holds their surname (``张**``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from credit.identifiers import mask_id_number, mask_name_person
from credit.models import (
    BlacklistEntry,
    Certification,
    CertificationType,
    GradeChoices,
    Producer,
    ProducerKind,
    ProductCategory,
)
from credit.publicity import blacklist_published

from .base import DocType, SearchDocument, register
from .context import BuildContext, choice_labels

FIELDS = (
    "id",
    "uscc",
    "id_number",
    "name",
    "former_names",
    "kind",
    "region_id",
    "categories",
    "grade",
    "score",
)

KIND_LABELS = choice_labels(ProducerKind.choices)
CATEGORY_LABELS = choice_labels(ProductCategory.choices)
CERT_LABELS = choice_labels(CertificationType.choices)
GRADE_LABELS = choice_labels(GradeChoices.choices)


def public_name(name: str, kind: str) -> str:
    return mask_name_person(name) if kind == ProducerKind.GROWER else name


def public_key(row: dict) -> str:
    """The identifier the public sees: the USCC, else the masked ID number."""
    return row.get("uscc") or mask_id_number(row.get("id_number"))


def build_producer(row: dict, ctx: BuildContext, certs: list[dict] = (), blacklisted=False):
    """One producer's document from plain values (usable without the ORM).

    ``certs``: the producer's certifications valid today, as dicts with ``type``/``product``.
    """
    kind = row["kind"]
    region = row.get("region_id") or ""
    regions = ctx.regions
    categories = [c for c in row.get("categories") or [] if c]
    cert_types = sorted({c["type"] for c in certs})
    products = sorted({c["product"] for c in certs if c.get("product")})
    name = public_name(row["name"], kind)
    former = [] if kind == ProducerKind.GROWER else [n for n in row.get("former_names") or [] if n]
    region_path = regions.path_name(region)
    body = " ".join(
        [region_path, KIND_LABELS.get(kind, kind)]
        + [CATEGORY_LABELS.get(c, c) for c in categories]
        + [CERT_LABELS.get(t, t) for t in cert_types]
        + products
    )
    score = row.get("score")
    return SearchDocument(
        type="producer",
        id=str(row["id"]),
        title=name,
        names=former,
        body=body,
        identifiers=[row["uscc"]] if row.get("uscc") else [],
        facets={
            "type": ["producer"],
            "region": list(regions.ancestors(region)),
            "kind": [kind],
            "category": categories,
            "grade": [row.get("grade") or "U"],
            "cert": cert_types,
        },
        fields={
            "uscc": row.get("uscc") or None,
            "key": public_key(row),
            "kind": kind,
            "region_code": region,
            "region_name": region_path,
            "grade": row.get("grade") or "U",
            "score": None if score is None else float(score),
            "blacklisted": bool(blacklisted),
            "categories": categories,
            "certified_products": products,
            "former_names": former,
        },
    )


def _certs_by_producer(ids, ctx) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    rows = (
        Certification.objects.active()
        .filter(producer_id__in=ids, valid_from__lte=ctx.today, valid_to__gte=ctx.today)
        .values("producer_id", "type", "product")
    )
    for r in rows:
        out[r["producer_id"]].append(r)
    return out


def _blacklisted(ids, ctx) -> set[int]:
    rows = list(
        BlacklistEntry.objects.active()
        .filter(producer_id__in=ids, start_date__lte=ctx.today)
        .values("id", "producer_id", "start_date", "end_date", "removed_on")
    )
    repaired = ctx.repairs(BlacklistEntry, [r["id"] for r in rows])
    return {
        r["producer_id"]
        for r in rows
        if blacklist_published(
            r["start_date"],
            r["end_date"],
            ctx.today,
            ctx.policy,
            removed_on=r["removed_on"],
            repaired_on=repaired.get(r["id"]),
        )
    }


def build_batch(rows: list[dict], ctx: BuildContext) -> list[SearchDocument]:
    ids = [r["id"] for r in rows]
    certs = _certs_by_producer(ids, ctx)
    black = _blacklisted(ids, ctx)
    return [build_producer(r, ctx, certs.get(r["id"], []), r["id"] in black) for r in rows]


def public_producers():
    # A merged producer lives on as its survivor; its own page and entry disappear.
    return Producer.objects.filter(merged_into__isnull=True)


def iter_all(batch: int, ctx: BuildContext | None = None) -> Iterator[list[SearchDocument]]:
    ctx = ctx or BuildContext()
    last = 0
    while True:
        rows = list(public_producers().filter(id__gt=last).order_by("id").values(*FIELDS)[:batch])
        if not rows:
            return
        last = rows[-1]["id"]
        yield build_batch(rows, ctx)


def load(ids: Iterable[str], ctx: BuildContext | None = None) -> list[SearchDocument]:
    ctx = ctx or BuildContext()
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    out: list[SearchDocument] = []
    for start in range(0, len(wanted), 900):
        rows = list(public_producers().filter(id__in=wanted[start : start + 900]).values(*FIELDS))
        out.extend(build_batch(rows, ctx))
    return out


register(
    DocType("producer", count=lambda: public_producers().count(), iter_all=iter_all, load=load)
)
