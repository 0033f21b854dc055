"""The embedded engine's storage on SQLite: FTS5 over pre-analysed tokens.

Tables (created by ``search/migrations/0001_initial.py``; ``rebuild`` recreates them):

* ``search_doc`` — one row per document, ``id`` = a random 40-bit integer (see below):
  key, type, display title/url/body/fields, the keys for exact/prefix bonuses
  (``title_key``/``title_py``/``title_ini``, each B-tree indexed), tie-break values and
  the field lengths.
* ``search_fts`` — FTS5, ``tokenize='unicode61 remove_diacritics 0'``, ``columnsize=0``
  (no bm25(): see ``search.ranking``), rowid = ``search_doc.id``. Columns: the stream pairs
  ``t_uni t_bi n_uni n_bi b_uni b_bi p_uni p_bi i_uni i_bi`` (title, names, body, pinyin,
  initials) and ``f``: facet tokens (``search.fields.facet_token``) plus ``all``. Filters are
  FTS terms (an AND with a facet token seeks through its doclist), and facet counts come from
  the candidates' own ``f`` column, so neither needs another table.
* ``search_ident`` — (normalised identifier, doc id): USCC, certificate, case and decision
  numbers, matched exactly before any text search.

Why random ids: FTS5 returns matches in rowid order, so ``LIMIT n`` without ``ORDER BY``
stops early *and* yields a uniform random sample of a huge match set (合作社 matches
~240,000 of 1,000,000 producers). The engine ranks and counts facets on such samples
instead of scanning every match (``search.engines.embedded``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable

from django.db import connection, transaction

from search.analysis import fts_token
from search.fields import ALL_TOKEN, FAMILY_COLUMNS, STREAM_COLUMNS, facet_token
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

FTS_OPTIONS = "tokenize='unicode61 remove_diacritics 0', columnsize=0"


def doc_table_sql(name: str) -> str:
    return f"""CREATE TABLE {name} (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        title TEXT NOT NULL,
        title_key TEXT NOT NULL,
        title_py TEXT NOT NULL,
        title_ini TEXT NOT NULL,
        title_len INTEGER NOT NULL,
        type_rank INTEGER NOT NULL,
        lens TEXT NOT NULL,
        sort_date TEXT,
        url TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{{}}'
    )"""


def doc_index_sql(table: str, suffix: str) -> list[str]:
    return [
        f"CREATE UNIQUE INDEX search_doc_key{suffix} ON {table} (key)",
        f"CREATE INDEX search_doc_title_key{suffix} ON {table} (title_key)",
        f"CREATE INDEX search_doc_title_py{suffix} ON {table} (title_py)",
        f"CREATE INDEX search_doc_title_ini{suffix} ON {table} (title_ini)",
    ]


def fts_table_sql(name: str) -> str:
    return f"CREATE VIRTUAL TABLE {name} USING fts5({', '.join(STREAM_COLUMNS)}, f, {FTS_OPTIONS})"


def ident_table_sql(name: str) -> str:
    return (
        f"CREATE TABLE {name} (ident TEXT NOT NULL, doc INTEGER NOT NULL, "
        f"PRIMARY KEY (ident, doc)) WITHOUT ROWID"
    )


def ident_index_sql(table: str, suffix: str) -> str:
    return f"CREATE INDEX search_ident_doc{suffix} ON {table} (doc)"


# --- MATCH expressions -------------------------------------------------------------------


def _phrase(columns: tuple[str, ...], phrase: list[str]) -> str:
    return "{" + " ".join(columns) + "} : " + " + ".join(fts_token(t) for t in phrase)


def plan_expression(q: ParsedQuery, title_only: bool = False) -> str:
    """(text plan) OR (pinyin plan); ``title_only`` leaves the body family out."""
    families = ("title", "names") if title_only else ("title", "names", "body")
    alternatives = []
    for plan in q.plans():
        fams = families if plan.source == "text" else (plan.source,)
        parts = []
        for phrase, stream in zip(plan.phrases, plan.streams, strict=True):
            cols = tuple(FAMILY_COLUMNS[f][1 if stream == "bi" else 0] for f in fams)
            parts.append(_phrase(cols, phrase))
        alternatives.append("(" + " AND ".join(parts) + ")")
    return " OR ".join(alternatives)


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def filter_expression(filters: dict[str, list[str]]) -> str:
    parts = []
    for name, values in sorted(filters.items()):
        tokens = " OR ".join(_quoted(facet_token(name, v)) for v in sorted(set(values)))
        parts.append(f"f : ({tokens})")
    return " AND ".join(parts)


def match_expression(
    q: ParsedQuery | None, filters: dict[str, list[str]], title_only: bool = False
) -> str:
    plan = plan_expression(q, title_only) if q is not None and not q.is_empty else ""
    filt = filter_expression(filters)
    if not plan:
        return f'f : "{ALL_TOKEN}"' + (f" AND {filt}" if filt else "")
    return f"({plan})" + (f" AND {filt}" if filt else "")


# --- the store ---------------------------------------------------------------------------


class SqliteStore(StoreBase):
    vendor = "sqlite"
    fts_table = "search_fts"

    def __init__(self):
        self._tuned: set[int] = set()

    # connection set-up: the index is read at random, so give it memory-mapped pages
    def cursor(self):
        cur = connection.cursor()
        raw = connection.connection
        if raw is not None and id(raw) not in self._tuned:
            self._tuned.add(id(raw))
            cur.execute("PRAGMA mmap_size=4294967296")
            cur.execute("PRAGMA cache_size=-131072")
        return cur

    def ready(self) -> bool:
        with self.cursor() as cur:
            cur.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [self.fts_table])
            return cur.fetchone() is not None

    # -- writing ----------------------------------------------------------------------------

    _row = staticmethod(doc_row)

    @staticmethod
    def _fts_row(fields, doc_id: int) -> tuple:
        return (
            doc_id,
            *(fields.stream_text(c) for c in STREAM_COLUMNS),
            " ".join(fields.facet_tokens),
        )

    def _insert(self, cur, pairs, ids, doc_table, fts_table, ident_table):
        marks = ", ".join(["%s"] * len(DOC_COLUMNS))
        cur.executemany(
            f"INSERT INTO {doc_table} ({', '.join(DOC_COLUMNS)}) VALUES ({marks})",
            [self._row(d, f, i) for (d, f), i in zip(pairs, ids, strict=True)],
        )
        fts_marks = ", ".join(["%s"] * (len(STREAM_COLUMNS) + 2))
        rows = sorted(self._fts_row(f, i) for (_d, f), i in zip(pairs, ids, strict=True))
        cur.executemany(
            f"INSERT INTO {fts_table} (rowid, {', '.join(STREAM_COLUMNS)}, f) VALUES ({fts_marks})",
            rows,
        )
        cur.executemany(
            f"INSERT OR IGNORE INTO {ident_table} (ident, doc) VALUES (%s, %s)",
            [(ident, i) for (_d, f), i in zip(pairs, ids, strict=True) for ident in f.identifiers],
        )

    def _new_ids(self, cur, n: int, table: str, taken: set[int] | None = None) -> list[int]:
        out: list[int] = []
        taken = taken if taken is not None else set()
        while len(out) < n:
            want = [secrets.randbits(ID_BITS) + 1 for _ in range(n - len(out))]
            want = [i for i in dict.fromkeys(want) if i not in taken]
            if table:
                clash = set()
                for start in range(0, len(want), 900):
                    chunk = want[start : start + 900]
                    cur.execute(
                        f"SELECT id FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                        chunk,
                    )
                    clash.update(r[0] for r in cur.fetchall())
                want = [i for i in want if i not in clash]
            taken.update(want)
            out.extend(want)
        return out

    def _insert_live(self, cur, pairs, ids) -> None:
        self._insert(cur, pairs, ids, self.doc_table, self.fts_table, self.ident_table)

    def _ids_for_keys(self, cur, keys: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            cur.execute(
                f"SELECT key, id FROM {self.doc_table} WHERE key IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            out.update(cur.fetchall())
        return out

    def _delete_ids(self, cur, ids: list[int]) -> None:
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"DELETE FROM {self.fts_table} WHERE rowid IN ({marks})", chunk)
            cur.execute(f"DELETE FROM {self.ident_table} WHERE doc IN ({marks})", chunk)
            cur.execute(f"DELETE FROM {self.doc_table} WHERE id IN ({marks})", chunk)

    def rebuild(self, batches, progress=None, on_phase=None) -> int:
        """Build new tables beside the live ones, then swap them in one short transaction.

        Rows are staged in a plain table first and copied into FTS5 in rowid order: FTS5
        flushes its pending terms whenever a rowid is not larger than the previous one, so
        random-order inserts would write one segment per row.
        """
        gen = f"_{int(time.time() * 1000):x}"
        doc_new, fts_new, ident_new, stage = (
            "search_doc_new",
            "search_fts_new",
            "search_ident_new",
            "search_stage",
        )
        with self.cursor() as cur:
            for t in (fts_new, doc_new, ident_new, stage):
                cur.execute(f"DROP TABLE IF EXISTS {t}")
            cur.execute(doc_table_sql(doc_new))
            cur.execute(ident_table_sql(ident_new))
            cur.execute(
                f"CREATE TABLE {stage} (id INTEGER PRIMARY KEY, "
                f"{', '.join(c + ' TEXT' for c in STREAM_COLUMNS)}, f TEXT)"
            )
        total, taken = 0, set()
        for batch in batches:  # lists of (document, fields)
            pairs = list({f.key: (d, f) for d, f in batch}.values())
            if not pairs:
                continue
            with transaction.atomic(), self.cursor() as cur:
                ids = self._new_ids(cur, len(pairs), "", taken)
                self._insert(cur, pairs, ids, doc_new, stage, ident_new)
            total += len(pairs)
            if progress:
                progress(len(pairs))
        if on_phase:
            on_phase("fts", total)
        with self.cursor() as cur:
            cur.execute(fts_table_sql(fts_new))
            # Bulk load: a 64 MB pending-terms buffer and no incremental merging (one
            # 'optimize' at the end) — measured 40 % faster; defaults restored afterwards.
            cur.execute(
                f"INSERT INTO {fts_new}({fts_new}, rank) VALUES ('hashsize', %s)", [64 << 20]
            )
            cur.execute(f"INSERT INTO {fts_new}({fts_new}, rank) VALUES ('automerge', 0)")
        last, cols = 0, ", ".join(STREAM_COLUMNS)
        while True:
            with transaction.atomic(), self.cursor() as cur:
                cur.execute(
                    f"SELECT max(id), count(*) FROM (SELECT id FROM {stage} WHERE id > %s "
                    f"ORDER BY id LIMIT 50000)",
                    [last],
                )
                top, n = cur.fetchone()
                if not n:
                    break
                cur.execute(
                    f"INSERT INTO {fts_new} (rowid, {cols}, f) SELECT id, {cols}, f "
                    f"FROM {stage} WHERE id > %s AND id <= %s ORDER BY id",
                    [last, top],
                )
                last = top
            if on_phase:
                on_phase("fts-rows", n)
        with self.cursor() as cur:
            cur.execute(f"INSERT INTO {fts_new}({fts_new}) VALUES ('optimize')")
            cur.execute(f"INSERT INTO {fts_new}({fts_new}, rank) VALUES ('automerge', 4)")
            cur.execute(
                f"INSERT INTO {fts_new}({fts_new}, rank) VALUES ('hashsize', %s)", [1 << 20]
            )
            for sql in doc_index_sql(doc_new, gen):
                cur.execute(sql)
            cur.execute(ident_index_sql(ident_new, gen))
            cur.execute(f"DROP TABLE {stage}")
        with transaction.atomic(), self.cursor() as cur:
            for live, new in (
                (self.fts_table, fts_new),
                (self.doc_table, doc_new),
                (self.ident_table, ident_new),
            ):
                cur.execute(f"DROP TABLE IF EXISTS {live}")
                cur.execute(f"ALTER TABLE {new} RENAME TO {live}")
        return total

    # -- reading ----------------------------------------------------------------------------

    def _candidates(self, cur, sql: str, params, columns: tuple[str, ...]) -> list[Candidate]:
        cur.execute(sql, params)
        return candidates(cur.fetchall(), columns)

    _HEAD = (
        "d.id, d.key, d.type_rank, d.title_len, d.title_key, d.title_py, d.title_ini, "
        "d.lens, d.sort_date, x.f"
    )

    def match(
        self,
        q: ParsedQuery | None,
        filters,
        limit: int,
        columns: tuple[str, ...],
        title_only: bool = False,
    ) -> list[Candidate]:
        """The first ``limit`` matches in rowid order (a uniform sample of a large set)."""
        expr = match_expression(q, filters, title_only)
        cols = "".join(f", x.{c}" for c in columns)
        sql = (
            f"SELECT {self._HEAD}{cols} FROM {self.fts_table} x "
            f"JOIN {self.doc_table} d ON d.id = x.rowid "
            f"WHERE {self.fts_table} MATCH %s LIMIT %s"
        )
        with self.cursor() as cur:
            return self._candidates(cur, sql, [expr, limit], columns)

    def sample(self, q: ParsedQuery | None, filters, limit: int) -> list[int]:
        """The first ``limit`` matches' ids (one FTS5 pass; no row is read)."""
        expr = match_expression(q, filters)
        with self.cursor() as cur:
            cur.execute(
                f"SELECT rowid FROM {self.fts_table} WHERE {self.fts_table} MATCH %s LIMIT %s",
                [expr, limit],
            )
            return [r[0] for r in cur.fetchall()]

    def facet_tokens(self, ids: list[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        with self.cursor() as cur:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cur.execute(
                    f"SELECT rowid, f FROM {self.fts_table} "
                    f"WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                out.update((i, f or "") for i, f in cur.fetchall())
        return out

    def count(self, q: ParsedQuery | None, filters, cap: int) -> int:
        expr = match_expression(q, filters)
        with self.cursor() as cur:
            cur.execute(
                f"SELECT count(*) FROM (SELECT rowid FROM {self.fts_table} "
                f"WHERE {self.fts_table} MATCH %s LIMIT %s)",
                [expr, cap],
            )
            return cur.fetchone()[0]

    def by_ids(self, ids: Iterable[int], columns: tuple[str, ...]) -> list[Candidate]:
        ids = list(dict.fromkeys(ids))
        out: list[Candidate] = []
        cols = "".join(f", x.{c}" for c in columns)
        with self.cursor() as cur:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                sql = (
                    f"SELECT {self._HEAD}{cols} FROM {self.doc_table} d "
                    f"JOIN {self.fts_table} x ON x.rowid = d.id "
                    f"WHERE d.id IN ({', '.join(['%s'] * len(chunk))})"
                )
                out.extend(self._candidates(cur, sql, chunk, columns))
        return out

    def display(self, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        with self.cursor() as cur:
            cur.execute(
                f"SELECT id, key, type, title, url, body, data FROM {self.doc_table} "
                f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            return displayed(cur.fetchall())

    # -- status -----------------------------------------------------------------------------

    def size_bytes(self) -> int | None:
        with self.cursor() as cur:
            try:
                cur.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%%'")
                return cur.fetchone()[0]
            except Exception:  # noqa: BLE001 - dbstat is optional
                return None
