"""The embedded engine's storage on PostgreSQL: ``tsvector('simple')`` over pre-analysed
tokens, GIN-indexed.

``search_doc`` holds, besides the display and ranking columns the SQLite store has, the
token streams as text and generated ``tsvector`` columns over them:

* ``tv_uni`` / ``tv_bi``: title + names (weight A) then body (weight D); the title tier of a
  large result is queried with ``:A`` lexemes. Concatenation is phrase-safe: every stream
  ends a run with a lone unigram, which no bigram phrase contains.
* ``tv_pu`` / ``tv_pb`` / ``tv_iu`` / ``tv_ib``: pinyin and initials, one tsvector per stream
  (a syllable pair such as xi+an could equal a single syllable, so they are never mixed).
* ``tv_f``: facet tokens, so filters are GIN look-ups too.

tsvector positions stop at 16,383, so the body streams are cut at ``BODY_TOKENS`` here
(SQLite and Elasticsearch index a page's whole text; only very long pages differ).
Matching, ranking, sampling and facets are the shared logic of ``search.engines.embedded``;
the look-ups and row reading both stores share are in ``store_base``.
"""

from __future__ import annotations

import secrets
import time

from django.db import connection, transaction

from search.analysis import _ts_lexeme
from search.fields import ALL_TOKEN, STREAM_COLUMNS, facet_token
from search.query import ParsedQuery
from search.ranking import Candidate

from .store_base import (
    DOC_COLUMNS,
    ID_BITS,
    StoreBase,
    candidates,
    displayed,
    doc_row,
)

BODY_TOKENS = 8000
_TSV = {
    "tv_uni": "setweight(to_tsvector('simple'::regconfig, t_uni || ' ' || n_uni), 'A') || "
    "to_tsvector('simple'::regconfig, b_uni)",
    "tv_bi": "setweight(to_tsvector('simple'::regconfig, t_bi || ' ' || n_bi), 'A') || "
    "to_tsvector('simple'::regconfig, b_bi)",
    "tv_pu": "to_tsvector('simple'::regconfig, p_uni)",
    "tv_pb": "to_tsvector('simple'::regconfig, p_bi)",
    "tv_iu": "to_tsvector('simple'::regconfig, i_uni)",
    "tv_ib": "to_tsvector('simple'::regconfig, i_bi)",
    "tv_f": "to_tsvector('simple'::regconfig, f)",
}
_FAMILY_TSV = {
    ("text", "uni"): "tv_uni",
    ("text", "bi"): "tv_bi",
    ("pinyin", "uni"): "tv_pu",
    ("pinyin", "bi"): "tv_pb",
    ("initials", "uni"): "tv_iu",
    ("initials", "bi"): "tv_ib",
}


def doc_table_sql(name: str) -> str:
    streams = ",\n        ".join(f"{c} text NOT NULL DEFAULT ''" for c in (*STREAM_COLUMNS, "f"))
    tsv = ",\n        ".join(
        f"{c} tsvector GENERATED ALWAYS AS ({e}) STORED" for c, e in _TSV.items()
    )
    return f"""CREATE TABLE {name} (
        id bigint PRIMARY KEY,
        key text COLLATE "C" NOT NULL,
        type text NOT NULL,
        title text NOT NULL,
        title_key text COLLATE "C" NOT NULL,
        title_py text COLLATE "C" NOT NULL,
        title_ini text COLLATE "C" NOT NULL,
        title_len integer NOT NULL,
        type_rank integer NOT NULL,
        lens text NOT NULL,
        sort_date text,
        url text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        data text NOT NULL DEFAULT '{{}}',
        {streams},
        {tsv}
    )"""


def doc_index_sql(table: str, suffix: str) -> list[str]:
    out = [
        f"CREATE UNIQUE INDEX search_doc_key{suffix} ON {table} (key)",
        f"CREATE INDEX search_doc_title_key{suffix} ON {table} (title_key)",
        f"CREATE INDEX search_doc_title_py{suffix} ON {table} (title_py)",
        f"CREATE INDEX search_doc_title_ini{suffix} ON {table} (title_ini)",
    ]
    out += [f"CREATE INDEX search_doc_{c}{suffix} ON {table} USING gin ({c})" for c in _TSV]
    return out


def ident_table_sql(name: str) -> str:
    return (
        f'CREATE TABLE {name} (ident text COLLATE "C" NOT NULL, doc bigint NOT NULL, '
        f"PRIMARY KEY (ident, doc))"
    )


def ident_index_sql(table: str, suffix: str) -> str:
    return f"CREATE INDEX search_ident_doc{suffix} ON {table} (doc)"


# --- tsquery building --------------------------------------------------------------------


def _phrase(phrase: list[str], weight: str) -> str:
    lex = [_ts_lexeme(t) + weight for t in phrase]
    return lex[0] if len(lex) == 1 else "(" + " <-> ".join(lex) + ")"


def plan_condition(q: ParsedQuery, title_only: bool = False) -> tuple[str, list[str]]:
    alternatives, params = [], []
    for plan in q.plans():
        by_col: dict[str, list[str]] = {}
        weight = ":A" if title_only and plan.source == "text" else ""
        for phrase, stream in zip(plan.phrases, plan.streams, strict=True):
            col = _FAMILY_TSV[(plan.source, stream)]
            by_col.setdefault(col, []).append(_phrase(phrase, weight))
        parts = []
        for col, exprs in by_col.items():
            parts.append(f"{col} @@ to_tsquery('simple', %s)")
            params.append(" & ".join(exprs))
        alternatives.append("(" + " AND ".join(parts) + ")")
    return "(" + " OR ".join(alternatives) + ")", params


def filter_condition(filters: dict[str, list[str]]) -> tuple[str, list[str]]:
    if not filters:
        return "", []
    parts = []
    for name, values in sorted(filters.items()):
        toks = " | ".join(_ts_lexeme(facet_token(name, v)) for v in sorted(set(values)))
        parts.append(f"({toks})")
    return "tv_f @@ to_tsquery('simple', %s)", [" & ".join(parts)]


def where(q: ParsedQuery | None, filters, title_only: bool = False) -> tuple[str, list[str]]:
    conds, params = [], []
    if q is not None and not q.is_empty:
        c, p = plan_condition(q, title_only)
        conds.append(c)
        params += p
    c, p = filter_condition(filters)
    if c:
        conds.append(c)
        params += p
    if not conds:
        conds.append("tv_f @@ to_tsquery('simple', %s)")
        params.append(_ts_lexeme(ALL_TOKEN))
    return " AND ".join(conds), params


class PostgresStore(StoreBase):
    vendor = "postgresql"
    _HEAD = "id, key, type_rank, title_len, title_key, title_py, title_ini, lens, sort_date, f"

    def cursor(self):
        return connection.cursor()

    def ready(self) -> bool:
        with self.cursor() as cur:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", [self.doc_table])
            return bool(cur.fetchone()[0])

    # -- writing ----------------------------------------------------------------------------

    @staticmethod
    def _row(doc, fields, doc_id: int) -> tuple:
        streams = []
        for c in STREAM_COLUMNS:
            text = fields.stream_text(c)
            if c.startswith("b_") and text.count(" ") >= BODY_TOKENS:
                text = " ".join(text.split()[:BODY_TOKENS])
            streams.append(text)
        return (*doc_row(doc, fields, doc_id), *streams, " ".join(fields.facet_tokens))

    def _insert(self, cur, pairs, ids, doc_table, ident_table):
        cols = (*DOC_COLUMNS, *STREAM_COLUMNS, "f")
        marks = ", ".join(["%s"] * len(cols))
        cur.executemany(
            f"INSERT INTO {doc_table} ({', '.join(cols)}) VALUES ({marks})",
            [self._row(d, f, i) for (d, f), i in zip(pairs, ids, strict=True)],
        )
        idents = [
            (ident, i) for (_d, f), i in zip(pairs, ids, strict=True) for ident in f.identifiers
        ]
        if idents:
            cur.executemany(
                f"INSERT INTO {ident_table} (ident, doc) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                idents,
            )

    def _new_ids(self, cur, n: int, table: str, taken: set[int] | None = None) -> list[int]:
        out: list[int] = []
        taken = taken if taken is not None else set()
        while len(out) < n:
            want = [
                i
                for i in dict.fromkeys(secrets.randbits(ID_BITS) + 1 for _ in range(n - len(out)))
                if i not in taken
            ]
            if table and want:
                cur.execute(f"SELECT id FROM {table} WHERE id = ANY(%s)", [want])
                clash = {r[0] for r in cur.fetchall()}
                want = [i for i in want if i not in clash]
            taken.update(want)
            out.extend(want)
        return out

    def _ids_for_keys(self, cur, keys: list[str]) -> dict[str, int]:
        cur.execute(f"SELECT key, id FROM {self.doc_table} WHERE key = ANY(%s)", [keys])
        return dict(cur.fetchall())

    def _delete_ids(self, cur, ids: list[int]) -> None:
        if ids:
            cur.execute(f"DELETE FROM {self.ident_table} WHERE doc = ANY(%s)", [ids])
            cur.execute(f"DELETE FROM {self.doc_table} WHERE id = ANY(%s)", [ids])

    def _insert_live(self, cur, pairs, ids) -> None:
        self._insert(cur, pairs, ids, self.doc_table, self.ident_table)

    def rebuild(self, batches, progress=None, on_phase=None) -> int:
        """Load a new table (indexes afterwards), then swap it in one short transaction."""
        gen = f"_{int(time.time() * 1000):x}"
        doc_new, ident_new = "search_doc_new", "search_ident_new"
        with self.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {doc_new}")
            cur.execute(f"DROP TABLE IF EXISTS {ident_new}")
            cur.execute(doc_table_sql(doc_new))
            cur.execute(ident_table_sql(ident_new))
        total, taken = 0, set()
        for batch in batches:  # lists of (document, fields)
            pairs = list({f.key: (d, f) for d, f in batch}.values())
            if not pairs:
                continue
            with transaction.atomic(), self.cursor() as cur:
                ids = self._new_ids(cur, len(pairs), "", taken)
                # Physical order = random id order: LIMIT without ORDER BY samples uniformly.
                order = sorted(range(len(pairs)), key=lambda k: ids[k])
                self._insert(
                    cur, [pairs[k] for k in order], [ids[k] for k in order], doc_new, ident_new
                )
            total += len(pairs)
            if progress:
                progress(len(pairs))
        if on_phase:
            on_phase("indexes", total)
        with self.cursor() as cur:
            for sql in doc_index_sql(doc_new, gen):
                cur.execute(sql)
            cur.execute(ident_index_sql(ident_new, gen))
        with transaction.atomic(), self.cursor() as cur:
            for live, new in ((self.doc_table, doc_new), (self.ident_table, ident_new)):
                cur.execute(f"DROP TABLE IF EXISTS {live}")
                cur.execute(f"ALTER TABLE {new} RENAME TO {live}")
        with self.cursor() as cur:
            cur.execute(f"ANALYZE {self.doc_table}")
        return total

    # -- reading ----------------------------------------------------------------------------

    def _candidates(self, cur, columns) -> list[Candidate]:
        return candidates(cur.fetchall(), columns)

    def match(self, q, filters, limit: int, columns: tuple[str, ...], title_only=False):
        cond, params = where(q, filters, title_only)
        cols = "".join(f", {c}" for c in columns)
        with self.cursor() as cur:
            cur.execute(
                f"SELECT {self._HEAD}{cols} FROM {self.doc_table} WHERE {cond} LIMIT %s",
                [*params, limit],
            )
            return self._candidates(cur, columns)

    def sample(self, q, filters, limit: int) -> list[int]:
        cond, params = where(q, filters)
        with self.cursor() as cur:
            cur.execute(f"SELECT id FROM {self.doc_table} WHERE {cond} LIMIT %s", [*params, limit])
            return [r[0] for r in cur.fetchall()]

    def facet_tokens(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        with self.cursor() as cur:
            cur.execute(f"SELECT id, f FROM {self.doc_table} WHERE id = ANY(%s)", [ids])
            return {i: f or "" for i, f in cur.fetchall()}

    def count(self, q, filters, cap: int) -> int:
        cond, params = where(q, filters)
        with self.cursor() as cur:
            cur.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {self.doc_table} WHERE {cond} LIMIT %s) s",
                [*params, cap],
            )
            return cur.fetchone()[0]

    def by_ids(self, ids, columns):
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        cols = "".join(f", {c}" for c in columns)
        with self.cursor() as cur:
            cur.execute(
                f"SELECT {self._HEAD}{cols} FROM {self.doc_table} WHERE id = ANY(%s)", [ids]
            )
            return self._candidates(cur, columns)

    def display(self, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        with self.cursor() as cur:
            cur.execute(
                f"SELECT id, key, type, title, url, body, data FROM {self.doc_table} "
                f"WHERE id = ANY(%s)",
                [list(ids)],
            )
            return displayed(cur.fetchall())

    def size_bytes(self) -> int | None:
        with self.cursor() as cur:
            cur.execute(
                "SELECT pg_total_relation_size(%s) + pg_total_relation_size(%s)",
                [self.doc_table, self.ident_table],
            )
            return cur.fetchone()[0]
