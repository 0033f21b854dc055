"""The public search page ``/search/``: its parameters, the engine queries, and the answer
shaped for the template — tabs per type with counts, facet groups with links, hits with
their facts.

One value per facet keeps the links simple (a click sets or clears a filter); the engine
itself would take several. Tab counts come from a query without the type restriction, so
every tab shows what it would find.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit.models import (
    CaseSeverity,
    CertificationType,
    GradeChoices,
    ProducerKind,
    ProductCategory,
)
from search import facets as facet_labels
from search.doc import DOC_TYPES
from search.engines import SearchRequest, get_engine
from search.paging import engine_page, page_number

log = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGES = 50  # 500 ranked results: well inside what an engine ranks per query
MAX_Q = 100
FACET_VISIBLE = 8

TABS = (
    ("", gettext_lazy("全部")),
    ("producer", gettext_lazy("主体")),
    ("product", gettext_lazy("认证产品")),
    ("blacklist", gettext_lazy("黑名单")),
    ("case", gettext_lazy("案件")),
    ("page", gettext_lazy("文章页面")),
)
FACET_GROUPS = (
    ("region", gettext_lazy("所在地区")),
    ("kind", gettext_lazy("主体类型")),
    ("category", gettext_lazy("产品类别")),
    ("grade", gettext_lazy("信用等级")),
    ("cert", gettext_lazy("认证类型")),
    ("year", gettext_lazy("年份")),
    ("locale", gettext_lazy("语言")),
)
_PATTERNS = {"region": re.compile(r"^\d{6}$"), "year": re.compile(r"^\d{4}$")}
_CHOICES = {
    "kind": set(ProducerKind.values),
    "category": set(ProductCategory.values),
    "grade": set(GradeChoices.values),
    "cert": set(CertificationType.values),
    "locale": {code for code, _name in settings.LANGUAGES},
}
SEVERITY_TONE = {"serious": "danger", "general": "warning"}


# --- parameters --------------------------------------------------------------------------


def _valid(name: str, value: str) -> bool:
    if name in _PATTERNS:
        return bool(_PATTERNS[name].match(value))
    return value in _CHOICES.get(name, ())


@dataclass
class Params:
    q: str = ""
    type: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1

    @classmethod
    def from_get(cls, get) -> Params:
        """Unknown types and malformed filter values are ignored, as a typo in a link
        should give results rather than an error page."""
        q = " ".join((get.get("q") or "").split())[:MAX_Q]
        doc_type = (get.get("type") or "").strip()
        filters = {}
        for name, _label in FACET_GROUPS:
            value = (get.get(name) or "").strip()
            if value and _valid(name, value):
                filters[name] = value
        return cls(
            q=q,
            type=doc_type if doc_type in DOC_TYPES else "",
            filters=filters,
            page=page_number(get.get("page"), MAX_PAGES),
        )

    @property
    def searched(self) -> bool:
        return bool(self.q or self.type or self.filters)

    def url(self, **changes) -> str:
        """This search's URL with some parameters changed (None or "" removes one); any
        change but the page's goes back to page 1."""
        values = {"q": self.q, "type": self.type, **self.filters}
        if "page" not in changes:
            changes["page"] = None
        values["page"] = self.page if self.page > 1 else None
        values.update(changes)
        return "?" + urlencode({k: v for k, v in values.items() if v not in (None, "", 1)})

    def request(self, with_type: bool = True, page: int | None = None, **kwargs) -> SearchRequest:
        kwargs.setdefault("page_size", PAGE_SIZE)
        return SearchRequest(
            q=self.q,
            types=[self.type] if with_type and self.type else [],
            filters={name: [value] for name, value in self.filters.items()},
            page=page or self.page,
            **kwargs,
        )


# --- running the search ------------------------------------------------------------------


@dataclass
class Outcome:
    params: Params
    error: bool = False
    resp: object = None  # SearchResponse of the shown tab
    counts: object = None  # SearchResponse without the type restriction (tab counts)


def run(params: Params) -> Outcome:
    outcome = Outcome(params)
    if not params.searched:
        return outcome
    engine = get_engine()
    try:
        resp = engine.search(params.request())
        if not resp.hits and params.page > 1 and resp.total:
            # Past the last page (a stale link): show the last one instead.
            last = min(MAX_PAGES, -(-resp.total // PAGE_SIZE))
            params.page = last
            resp = engine.search(params.request(page=last))
        counts = resp
        if params.type:
            # Only the counts are read: the total and the type facet.
            counts = engine.search(
                params.request(with_type=False, page=1, page_size=1, highlight=False)
            )
    except Exception:  # noqa: BLE001 - an engine outage is a message, not a server error
        log.exception("search: the public search failed")
        outcome.error = True
        return outcome
    outcome.resp, outcome.counts = resp, counts
    return outcome


# --- presentation ------------------------------------------------------------------------


def tabs(outcome: Outcome) -> list[dict]:
    params, counts = outcome.params, outcome.counts
    by_type = {v: c for v, _label, c in (counts.facets.get("type") or [])} if counts else {}
    # Without a query or a filter the engine counts nothing: tabs then show no numbers.
    counted = bool(counts) and (bool(params.q) or bool(params.filters))
    out = []
    for value, label in TABS:
        count = (counts.total if value == "" else by_type.get(value, 0)) if counted else None
        out.append(
            {
                "value": value,
                "label": label,
                "count": count,
                "approx": counted
                and not (counts.total_exact if value == "" else counts.facets_exact),
                "url": params.url(type=value),
                "current": value == params.type,
            }
        )
    return out


def _region_chain(code: str) -> list[tuple[str, str]]:
    try:
        index = facet_labels.region_index()
    except Exception:  # noqa: BLE001 - regions unreadable: show the code alone
        return [(code, code)]
    return [(c, index.name(c)) for c in index.ancestors(code)]


def facet_groups(outcome: Outcome) -> list[dict]:
    params, resp = outcome.params, outcome.resp
    values = resp.facets if resp is not None else {}
    groups = []
    for name, label in FACET_GROUPS:
        chosen = params.filters.get(name, "")
        items = [
            {
                "label": item_label,
                "count": count,
                # Clicking the chosen value clears it; region values drill down instead.
                "url": params.url(**{name: "" if value == chosen and name != "region" else value}),
                "current": value == chosen,
            }
            for value, item_label, count in values.get(name) or []
        ]
        chain = []
        if name == "region" and chosen:
            chain = [
                {"label": region_name, "url": params.url(region=code), "current": code == chosen}
                for code, region_name in _region_chain(chosen)
            ]
        elif chosen and not any(i["current"] for i in items):
            items.insert(
                0,
                {
                    "label": facet_labels.label(name, chosen),
                    "count": 0,
                    "url": params.url(**{name: ""}),
                    "current": True,
                },
            )
        if items or chain:
            # A long list shows its first values; the chosen one always among them.
            items.sort(key=lambda i: not i["current"])
            groups.append(
                {
                    "name": name,
                    "label": label,
                    "items": items[:FACET_VISIBLE],
                    "more": items[FACET_VISIBLE:],
                    "chain": chain,
                    "clear_url": params.url(**{name: ""}) if chosen else "",
                }
            )
    return groups


def active_filters(params: Params) -> list[dict]:
    """The chosen filters, each with the link that removes it."""
    labels = dict(FACET_GROUPS)
    return [
        {
            "label": f"{labels[name]}：{facet_labels.label(name, value)}",
            "url": params.url(**{name: ""}),
        }
        for name, value in params.filters.items()
    ]


def _fact(label, value) -> tuple[str, str] | None:
    return (str(label), value) if value not in (None, "", []) else None


def _choice(choices, value: str) -> str:
    return str(dict(choices).get(value, value or ""))


def _facts_producer(f: dict) -> list:
    key_label = _("统一社会信用代码") if f.get("uscc") else _("身份证号码（已脱敏）")
    products = "、".join(f.get("certified_products") or [])
    return [
        _fact(key_label, f.get("key")),
        _fact(_("主体类型"), _choice(ProducerKind.choices, f.get("kind"))),
        _fact(_("所在地区"), f.get("region_name")),
        _fact(_("认证产品"), products),
    ]


def _facts_product(f: dict) -> list:
    validity = ""
    if f.get("valid_from") and f.get("valid_to"):
        validity = _("%(start)s 至 %(end)s") % {"start": f["valid_from"], "end": f["valid_to"]}
    return [
        _fact(_("认证类型"), _choice(CertificationType.choices, f.get("cert_type"))),
        _fact(_("证书编号"), f.get("number")),
        _fact(_("获证主体"), f.get("producer_name")),
        _fact(_("所在地区"), f.get("region_name")),
        _fact(_("有效期"), validity),
    ]


def _facts_blacklist(f: dict) -> list:
    return [
        _fact(_("决定文号"), f.get("decision_number")),
        _fact(_("列入日期"), f.get("start_date")),
        _fact(_("期满日期"), f.get("end_date") or _("未定")),
        _fact(_("所在地区"), f.get("region_name")),
    ]


def _facts_case(f: dict) -> list:
    if f.get("case_number"):
        return [
            _fact(_("案号"), f.get("case_number")),
            _fact(_("处罚决定日期"), f.get("decision_date")),
            _fact(_("处罚机关"), f.get("agency")),
            _fact(_("所在地区"), f.get("region_name")),
        ]
    # A typical-case announcement (a page sharing the case type).
    return [
        _fact(_("发布日期"), f.get("date")),
        _fact(_("案件类别"), f.get("category")),
        _fact(_("发布机关"), f.get("agency")),
        _fact(_("所在地区"), f.get("region_name")),
    ]


def _facts_page(f: dict) -> list:
    # page_type_label was stored in the default language; its msgid is that text.
    page_type = f.get("page_type_label")
    return [
        _fact(_("栏目"), _(page_type) if page_type else ""),
        _fact(_("发布日期"), f.get("date")),
    ]


_FACTS = {
    "producer": _facts_producer,
    "product": _facts_product,
    "blacklist": _facts_blacklist,
    "case": _facts_case,
    "page": _facts_page,
}
_SNIPPET_TYPES = {"blacklist", "case", "page"}  # producer/product bodies repeat their facts


def _badges(hit) -> list[tuple[str, str]]:
    f = hit.fields
    badges = []
    if hit.type == "producer" and f.get("blacklisted"):
        badges.append((_("已列入黑名单"), "danger"))
    if hit.type == "case" and f.get("severity"):
        severity = _choice(CaseSeverity.choices, f["severity"])
        badges.append(
            (
                _("%(severity)s违法") % {"severity": severity},
                SEVERITY_TONE.get(f["severity"], "neutral"),
            )
        )
    if hit.type == "page" and f.get("locale") and f["locale"] != settings.LANGUAGE_CODE:
        badges.append((facet_labels.label("locale", f["locale"]), "neutral"))
    return badges


def hit_view(hit) -> dict:
    tab_labels = dict(TABS)
    title = hit.highlight.get("title")
    snippet = hit.highlight.get("snippet") if hit.type in _SNIPPET_TYPES else ""
    grade = hit.fields.get("grade") if hit.type == "producer" else None
    return {
        "type": hit.type,
        "type_label": tab_labels.get(hit.type, hit.type),
        "url": hit.url,
        # Highlight values are HTML-escaped text with <mark> (search.results).
        "title_html": mark_safe(title) if title else escape(hit.title),  # noqa: S308
        "snippet_html": mark_safe(snippet) if snippet else "",  # noqa: S308
        "facts": [f for f in _FACTS[hit.type](hit.fields) if f] if hit.type in _FACTS else [],
        "badges": _badges(hit),
        "grade": grade,
        "grade_label": _choice(GradeChoices.choices, grade) if grade else "",
    }


def context(outcome: Outcome) -> dict:
    """Everything ``search/search.html`` shows."""
    params, resp = outcome.params, outcome.resp
    ctx = {
        "params": params,
        "q": params.q,
        "searched": params.searched,
        "error": outcome.error,
        "tabs": tabs(outcome) if params.searched else [],
        "facet_groups": facet_groups(outcome),
        "hits": [],
        "page_obj": None,
        "suggestion": None,
    }
    if resp is None:
        return ctx
    ctx.update(
        hits=[hit_view(h) for h in resp.hits],
        page_obj=engine_page(resp.total, params.page, resp.hits, PAGE_SIZE, MAX_PAGES),
        total=resp.total,
        total_exact=resp.total_exact,
        facets_exact=resp.facets_exact,
        active_filters=active_filters(params),
        clear_filters_url=Params(q=params.q, type=params.type).url(),
    )
    if resp.suggestion:
        ctx["suggestion"] = {
            "text": resp.suggestion,
            "url": Params(q=resp.suggestion, type=params.type).url(),
        }
    return ctx
