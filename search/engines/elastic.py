"""The Elasticsearch engine (``ELASTICSEARCH_URL``), built with ``elasticsearch.dsl``.

Mapping (DESIGN §8) — one index per document type, ``<prefix>-<type>-<timestamp>``, read and
written through the alias ``<prefix>-<type>``:

* ``title`` / ``names`` / ``body``: the *normalised* text (NFKC, lower case, traditional →
  simplified, as ``search.analysis.normalize``), index analyzer ``standard`` + ``cjk_width``
  + ``lowercase`` + ``cjk_bigram(output_unigrams: true)``, search analyzer the same chain
  without unigrams, so ``match_phrase`` of a Han run is the phrase of its bigrams (a true
  substring) and a lone character is its unigram; ``title.keyword`` keyword subfield.
* ``p_uni``/``p_bi``/``i_uni``/``i_bi``: our Python pinyin / initials streams, whitespace
  analysed, so both engines match pinyin identically.
* ``title_key``/``title_py``/``title_ini`` (keywords) for the exact-name and prefix
  bonuses, ``identifiers`` (keyword, normalised), ``facet_*`` keywords for filters and
  aggregations, ``type_rank``/``title_len``/``key`` for tie-breaks, ``sort_date``.
* Ranking: each family has a scripted similarity computing ``search.ranking.tf_norm``
  (BM25 saturation + length normalisation, no IDF) times the clause boost, so a query gets
  the scores the embedded engine computes in Python (``tests/search/test_contract.py``).

Rebuilds write new timestamped indices with refresh off, then move every alias in one
``update_aliases`` call and delete the old indices: readers never see a partial index.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime

from elasticsearch.dsl import (
    A,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)

from search.analysis import QueryPlan, pinyin_full
from search.doc import DOC_TYPES, SearchDocument
from search.facets import FACETS, present, region_facet_values, valid_filters
from search.fields import analyse
from search.query import ParsedQuery, parse
from search.ranking import AVG_LEN, EXACT_BONUS, K1, PREFIX_BONUS, WEIGHTS, B
from search.results import highlights, hit_url

from .base import TRACK_TOTAL_HITS, Progress, SearchEngine, SearchHit, SearchRequest, SearchResponse

# --- analysis ----------------------------------------------------------------------------

cjk_bigram_index = token_filter("nongan_cjk_bigram_index", type="cjk_bigram", output_unigrams=True)
cjk_bigram_search = token_filter(
    "nongan_cjk_bigram_search", type="cjk_bigram", output_unigrams=False
)
cjk_index = analyzer(
    "nongan_cjk_index", tokenizer="standard", filter=["cjk_width", "lowercase", cjk_bigram_index]
)
cjk_search = analyzer(
    "nongan_cjk_search", tokenizer="standard", filter=["cjk_width", "lowercase", cjk_bigram_search]
)
pre_analysed = analyzer("nongan_tokens", tokenizer="whitespace")


def similarity_script(family: str) -> str:
    """Painless for ``search.ranking.tf_norm`` (doc.length is Lucene's decoded norm)."""
    return (
        "double tf = doc.freq; "
        f"double norm = {1 - B!r} + {B!r} * doc.length / {AVG_LEN[family]!r}; "
        f"return query.boost * tf * {K1 + 1!r} / (tf + {K1!r} * norm);"
    )


SIMILARITY = {
    f"nongan_{family}": {"type": "scripted", "script": {"source": similarity_script(family)}}
    for family in WEIGHTS
}


def _cjk_text(family: str, **kwargs) -> Text:
    return Text(
        analyzer=cjk_index, search_analyzer=cjk_search, similarity=f"nongan_{family}", **kwargs
    )


def _tokens(family: str) -> Text:
    return Text(analyzer=pre_analysed, similarity=f"nongan_{family}")


class SearchDoc(Document):
    key = Keyword()
    type = Keyword()
    obj_id = Keyword()
    title = _cjk_text("title", fields={"keyword": Keyword(ignore_above=256)})
    names = _cjk_text("names")
    body = _cjk_text("body")
    p_uni = _tokens("pinyin")
    p_bi = _tokens("pinyin")
    i_uni = _tokens("initials")
    i_bi = _tokens("initials")
    title_key = Keyword()
    title_py = Keyword()
    title_ini = Keyword()
    title_len = Integer()
    type_rank = Integer()
    sort_date = Date()
    identifiers = Keyword()
    facet_region = Keyword()
    facet_kind = Keyword()
    facet_category = Keyword()
    facet_grade = Keyword()
    facet_cert = Keyword()
    facet_year = Keyword()
    facet_locale = Keyword()
    display_title = Keyword(index=False, doc_values=False)
    display_body = Text(index=False)
    url = Keyword(index=False, doc_values=False)
    fields = Object(enabled=False)

    class Index:
        name = "nongan-search-mapping"  # never written: engines pass real index names


def facet_field(name: str) -> str:
    return "type" if name == "type" else f"facet_{name}"


def index_definition(name: str, replicas: int = 1) -> Index:
    index = Index(name)
    index.settings(
        number_of_shards=1,
        number_of_replicas=replicas,
        similarity=SIMILARITY,
        max_result_window=TRACK_TOTAL_HITS,
    )
    index.document(SearchDoc)
    return index


def to_source(doc: SearchDocument) -> dict:
    fields = analyse(doc)
    source = {
        "key": fields.key,
        "type": fields.type,
        "obj_id": doc.id,
        "title": fields.title_norm,
        "names": fields.names_norm,
        "body": fields.body_norm,
        "p_uni": fields.stream_text("p_uni"),
        "p_bi": fields.stream_text("p_bi"),
        "i_uni": fields.stream_text("i_uni"),
        "i_bi": fields.stream_text("i_bi"),
        "title_key": fields.title_key,
        "title_py": fields.title_py,
        "title_ini": fields.title_ini,
        "title_len": fields.title_len,
        "type_rank": fields.type_rank,
        "sort_date": doc.date.isoformat() if doc.date else None,
        "identifiers": fields.identifiers,
        "display_title": doc.title,
        "display_body": doc.body,
        "url": doc.url or "",
        "fields": doc.fields,
    }
    for name, values in fields.facets.items():
        if name != "type":
            source[facet_field(name)] = values
    return source


# --- queries -----------------------------------------------------------------------------

_TEXT_FIELDS = ("title", "names", "body")


def _run_text(phrase: list[str], stream: str) -> str:
    """The query text whose search analysis yields this phrase (a run of the query)."""
    if stream == "uni":
        return phrase[0]
    return phrase[0] + "".join(t[-1] for t in phrase[1:])


def plan_query(plan: QueryPlan) -> Q:
    musts = []
    for phrase, stream in zip(plan.phrases, plan.streams, strict=True):
        if plan.source == "text":
            text = _run_text(phrase, stream)
            musts.append(
                Q(
                    "bool",
                    minimum_should_match=1,
                    should=[
                        Q("match_phrase", **{f: {"query": text, "boost": WEIGHTS[f]}})
                        for f in _TEXT_FIELDS
                    ],
                )
            )
        else:
            prefix = "p" if plan.source == "pinyin" else "i"
            field = f"{prefix}_{'bi' if stream == 'bi' else 'uni'}"
            musts.append(
                Q(
                    "match_phrase",
                    **{field: {"query": " ".join(phrase), "boost": WEIGHTS[plan.source]}},
                )
            )
    return Q("bool", must=musts)


def bonus_queries(q: ParsedQuery) -> list[Q]:
    out = []
    probes = []
    if q.key:
        probes.append(("title_key", q.key))
    if q.pinyin is not None and q.letters:
        probes.append(("title_py" if q.pinyin.source == "pinyin" else "title_ini", q.letters))
    for field, value in probes:
        out.append(Q("constant_score", filter=Q("term", **{field: value}), boost=EXACT_BONUS))
        out.append(Q("constant_score", filter=Q("prefix", **{field: value}), boost=PREFIX_BONUS))
    return out


def filter_queries(filters: dict[str, list[str]]) -> list[Q]:
    return [
        Q("terms", **{facet_field(name): sorted(set(values))})
        for name, values in sorted(filters.items())
    ]


TIE_BREAK = [{"type_rank": "asc"}, {"title_len": "asc"}, {"key": "asc"}]


def text_search(s: Search, q: ParsedQuery, filters) -> Search:
    alternatives = [plan_query(p) for p in q.plans()]
    query = Q(
        "bool",
        must=[Q("bool", should=alternatives, minimum_should_match=1)],
        should=bonus_queries(q),
        filter=filter_queries(filters),
    )
    return s.query(query).sort({"_score": "desc"}, *TIE_BREAK)


def identifier_search(s: Search, ident: str, filters) -> Search:
    query = Q(
        "constant_score",
        boost=EXACT_BONUS,
        filter=Q("bool", filter=[Q("term", identifiers=ident), *filter_queries(filters)]),
    )
    return s.query(query).sort({"_score": "desc"}, *TIE_BREAK)


def browse_search(s: Search, filters) -> Search:
    return s.query(Q("bool", filter=filter_queries(filters))).sort(
        {"sort_date": {"order": "desc", "missing": "_last"}}, *TIE_BREAK
    )


def with_aggregations(s: Search, filters) -> Search:
    from search.facets import FACET_SIZE, REGION_FACET_SIZE

    for name in FACETS:
        if name == "region":
            include = region_facet_values(filters)
            agg = (
                A("terms", field=facet_field(name), size=max(1, len(include)), include=include)
                if include
                else A("terms", field=facet_field(name), size=REGION_FACET_SIZE)
            )
        else:
            agg = A("terms", field=facet_field(name), size=FACET_SIZE)
        s.aggs.bucket(name, agg)
    return s


# --- the engine --------------------------------------------------------------------------


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "nongan", client=None, replicas: int | None = None):
        from django.conf import settings

        self.url = url
        self.prefix = prefix
        self._client = client
        self.replicas = (
            replicas if replicas is not None else getattr(settings, "SEARCH_ELASTIC_REPLICAS", 1)
        )

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=30)
        return self._client

    def alias(self, doc_type: str) -> str:
        return f"{self.prefix}-{doc_type}"

    def aliases(self, types: Iterable[str] = ()) -> list[str]:
        return [self.alias(t) for t in (list(types) or DOC_TYPES)]

    def new_index_name(self, doc_type: str, stamp: str | None = None) -> str:
        return f"{self.alias(doc_type)}-{stamp or datetime.now().strftime('%Y%m%d%H%M%S%f')}"

    # -- writing ----------------------------------------------------------------------------

    def ensure_indices(self) -> None:
        """Create an empty index behind every missing alias (first use)."""
        if getattr(self, "_ensured", False):
            return
        stamp = datetime.now().strftime("%Y%m%d%H%M%S%f")
        for doc_type in DOC_TYPES:
            alias = self.alias(doc_type)
            if not self.client.indices.exists_alias(name=alias):
                name = self.new_index_name(doc_type, stamp)
                index_definition(name, self.replicas).aliases(**{alias: {}}).create(
                    using=self.client
                )
        self._ensured = True

    @staticmethod
    def _actions(documents: Iterable[SearchDocument], index_for, progress: Progress):
        n = 0
        for doc in documents:
            yield {
                "_op_type": "index",
                "_index": index_for(doc.type),
                "_id": doc.key,
                "_source": to_source(doc),
            }
            n += 1
            if progress and n % 500 == 0:
                progress(500)
        if progress and n % 500:
            progress(n % 500)

    def index_documents(
        self, documents: Iterable[SearchDocument], progress: Progress = None
    ) -> int:
        from elasticsearch.helpers import streaming_bulk

        self.ensure_indices()
        count = 0
        for ok, _item in streaming_bulk(
            self.client,
            self._actions(documents, self.alias, progress),
            chunk_size=1000,
            raise_on_error=True,
            refresh=False,
        ):
            count += ok
        return count

    def delete_documents(self, keys: Iterable[str]) -> int:
        from elasticsearch.helpers import bulk

        actions = [
            {"_op_type": "delete", "_index": self.alias(k.partition(":")[0]), "_id": k}
            for k in keys
        ]
        if actions:
            bulk(self.client, actions, raise_on_error=False, refresh=False)
        return len(actions)

    def rebuild(self, documents, progress: Progress = None) -> int:
        """Bulk-load new timestamped indices, then swap every alias atomically."""
        from elasticsearch.helpers import streaming_bulk

        stamp = datetime.now().strftime("%Y%m%d%H%M%S%f")
        new = {t: self.new_index_name(t, stamp) for t in DOC_TYPES}
        for name in new.values():
            idx = index_definition(name, 0)  # replicas after the load: faster bulk indexing
            idx.settings(refresh_interval="-1")
            idx.create(using=self.client)
        flat = (doc for batch in documents for doc in batch)
        count = 0
        try:
            for ok, _item in streaming_bulk(
                self.client,
                self._actions(flat, new.get, progress),
                chunk_size=1000,
                raise_on_error=True,
            ):
                count += ok
            for name in new.values():
                self.client.indices.put_settings(
                    index=name,
                    settings={
                        "index": {"refresh_interval": "1s", "number_of_replicas": self.replicas}
                    },
                )
                self.client.indices.refresh(index=name)
        except Exception:
            for name in new.values():
                self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        self.swap_aliases(new)
        return count

    def swap_aliases(self, new: dict[str, str]) -> None:
        actions, old = [], []
        for doc_type, name in new.items():
            alias = self.alias(doc_type)
            if self.client.indices.exists_alias(name=alias):
                current = list(self.client.indices.get_alias(name=alias).body)
                old += current
                actions += [{"remove": {"index": i, "alias": alias}} for i in current]
            elif self.client.indices.exists(index=alias):
                # A concrete index squats on the alias name (created by hand): replace it.
                actions.append({"remove_index": {"index": alias}})
            actions.append({"add": {"index": name, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)

    def clear(self) -> None:
        self.rebuild([])

    # -- status -----------------------------------------------------------------------------

    def status(self) -> dict:
        out = {
            "engine": self.name,
            "url": self.url,
            "prefix": self.prefix,
            "by_type": {},
            "indices": {},
        }
        try:
            out["cluster"] = self.client.cluster.health().body.get("status")
            for doc_type in DOC_TYPES:
                alias = self.alias(doc_type)
                if self.client.indices.exists_alias(name=alias):
                    out["indices"][doc_type] = list(self.client.indices.get_alias(name=alias).body)
                    out["by_type"][doc_type] = self.client.count(index=alias).body["count"]
            out["documents"] = sum(out["by_type"].values())
            out["ready"] = len(out["indices"]) == len(DOC_TYPES)
        except Exception as exc:  # noqa: BLE001 - status must report, not raise
            out["ready"] = False
            out["error"] = str(exc)
        return out

    def indexed_keys(self, doc_type: str) -> set[str]:
        from elasticsearch.helpers import scan

        alias = self.alias(doc_type)
        if not self.client.indices.exists_alias(name=alias):
            return set()
        return {
            hit["_id"].partition(":")[2]
            for hit in scan(self.client, index=alias, query={"_source": False}, size=5000)
        }

    # -- searching --------------------------------------------------------------------------

    def build(self, request: SearchRequest, q: ParsedQuery | None = None) -> Search:
        """The search body for a text query (exposed for tests: ``.to_dict()``)."""
        q = q or parse(request.q)
        filters = valid_filters(request.all_filters())
        s = Search(using=self.client, index=self.aliases())
        s = text_search(s, q, filters) if not q.is_empty else browse_search(s, filters)
        s = s.extra(from_=request.offset, size=request.page_size, track_total_hits=TRACK_TOTAL_HITS)
        if request.facets:
            s = with_aggregations(s, filters)
        return s

    def search(self, request: SearchRequest) -> SearchResponse:
        began = time.perf_counter()
        q = parse(request.q)
        filters = valid_filters(request.all_filters())
        response = None
        base = Search(using=self.client, index=self.aliases()).params(ignore_unavailable=True)
        if q.ident:
            s = identifier_search(base, q.ident, filters).extra(
                from_=request.offset, size=request.page_size, track_total_hits=TRACK_TOTAL_HITS
            )
            if request.facets:
                s = with_aggregations(s, filters)
            result = s.execute()
            if result.hits.total.value:
                response = self._response(request, q, filters, result)
        if response is None:
            if q.is_empty and not filters:
                return SearchResponse(
                    hits=[],
                    total=0,
                    page=request.page,
                    page_size=request.page_size,
                    engine=self.name,
                )
            s = self.build(request, q).params(ignore_unavailable=True)
            response = self._response(request, q, filters, s.execute())
            if response.total == 0 and request.page == 1 and not q.is_empty:
                response.suggestion = self._suggest(q, filters)
        response.engine = f"{self.name} {1000 * (time.perf_counter() - began):.1f}ms"
        return response

    def _response(self, request, q, filters, result) -> SearchResponse:
        hits = []
        for hit in result.hits:
            src = hit.to_dict()
            doc_type, _, obj_id = src["key"].partition(":")
            fields = src.get("fields") or {}
            hits.append(
                SearchHit(
                    type=doc_type,
                    id=obj_id,
                    title=src.get("display_title", ""),
                    url=hit_url(doc_type, src.get("url", ""), fields, obj_id),
                    score=round(float(hit.meta.score or 0.0), 4),
                    highlight=(
                        highlights(src.get("display_title", ""), src.get("display_body", ""), q)
                        if request.highlight
                        else {}
                    ),
                    fields=fields,
                )
            )
        total = result.hits.total
        facets = {}
        if request.facets and "aggregations" in result.to_dict():
            raw = {
                name: {b.key: b.doc_count for b in getattr(result.aggregations, name).buckets}
                for name in FACETS
            }
            facets = present(raw, filters)
        return SearchResponse(
            hits=hits,
            total=total.value,
            page=request.page,
            page_size=request.page_size,
            facets=facets,
            total_exact=total.relation == "eq",
            facets_exact=True,
        )

    def _suggest(self, q: ParsedQuery, filters) -> str | None:
        from dataclasses import replace

        from .embedded import suggestion_from_title

        if not q.key or q.key.isascii() or len(q.key) > 12:
            return None
        if filters:
            # The words match; the filters emptied the results, not a typo.
            s = text_search(Search(using=self.client, index=self.aliases()), q, {})
            found = s.extra(size=0, terminate_after=1).params(ignore_unavailable=True).execute()
            if found.hits.total.value:
                return None
        letters = pinyin_full(q.key)
        alt = parse(letters)
        if alt.pinyin is None or alt.pinyin.source != "pinyin":
            return None
        alt = replace(alt, text=QueryPlan())
        s = text_search(Search(using=self.client, index=self.aliases()), alt, filters)
        result = s.extra(size=1).params(ignore_unavailable=True).execute()
        for hit in result.hits:
            return suggestion_from_title(hit.display_title, letters, len(q.key))
        return None
