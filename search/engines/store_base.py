"""What the embedded engine's two stores (``sqlite_store``, ``pg_store``) do alike: the
``search_doc`` row, the upsert/delete flow, the look-ups whose SQL is the same on both, and
rows read back into the shapes ``search.engines.embedded`` ranks and displays. How token
streams are stored, matched and how id lists are passed stays in each store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import transaction

from search.query import ParsedQuery
from search.ranking import Candidate

ID_BITS = 40
DOC_COLUMNS = (
    "id",
    "key",
    "type",
    "title",
    "title_key",
    "title_py",
    "title_ini",
    "title_len",
    "type_rank",
    "lens",
    "sort_date",
    "url",
    "body",
    "data",
)


def _lens(fields) -> str:
    return " ".join(map(str, fields.lengths))


def doc_row(doc, fields, doc_id: int) -> tuple:
    """The ``DOC_COLUMNS`` values of one (document, analysed fields) pair."""
    return (
        doc_id,
        fields.key,
        fields.type,
        doc.title,
        fields.title_key,
        fields.title_py,
        fields.title_ini,
        fields.title_len,
        fields.type_rank,
        _lens(fields),
        doc.date.isoformat() if doc.date else None,
        doc.url or "",
        doc.body or "",
        json.dumps(doc.fields, ensure_ascii=False, default=str),
    )


def candidates(rows: Iterable[tuple], columns: tuple[str, ...]) -> list[Candidate]:
    """Rows of the stores' ``_HEAD`` columns followed by the token stream ``columns``."""
    out = []
    n = len(columns)
    for row in rows:
        (rid, key, type_rank, title_len, tkey, tpy, tini, lens, sort_date, f) = row[:10]
        out.append(
            Candidate(
                id=rid,
                key=key,
                type_rank=type_rank,
                title_len=title_len,
                title_key=tkey,
                title_py=tpy,
                title_ini=tini,
                raw_streams=dict(zip(columns, row[10 : 10 + n], strict=True)),
                facet_tokens=f or "",
                lens=lens,
                sort_date=sort_date,
            )
        )
    return out


def displayed(rows: Iterable[tuple]) -> dict[int, dict]:
    """(id, key, type, title, url, body, data) rows by id, for hits and highlighting."""
    return {
        r[0]: {
            "key": r[1],
            "type": r[2],
            "title": r[3],
            "url": r[4],
            "body": r[5],
            "fields": json.loads(r[6] or "{}"),
        }
        for r in rows
    }


class StoreBase:
    """Writing and look-ups common to both stores; each store supplies the methods below
    that raise NotImplementedError."""

    doc_table, ident_table = "search_doc", "search_ident"

    def cursor(self):
        raise NotImplementedError

    def _insert_live(self, cur, pairs, ids) -> None:
        """Insert (document, fields) pairs under ``ids`` into the live tables."""
        raise NotImplementedError

    def _new_ids(self, cur, n: int, table: str, taken: set[int] | None = None) -> list[int]:
        raise NotImplementedError

    def _ids_for_keys(self, cur, keys: list[str]) -> dict[str, int]:
        raise NotImplementedError

    def _delete_ids(self, cur, ids: list[int]) -> None:
        raise NotImplementedError

    # -- writing ----------------------------------------------------------------------------

    def write(self, pairs: list) -> int:
        """Upsert (document, fields) pairs; a key keeps its id."""
        if not pairs:
            return 0
        pairs = list({f.key: (d, f) for d, f in pairs}.values())
        with transaction.atomic(), self.cursor() as cur:
            existing = self._ids_for_keys(cur, [f.key for _d, f in pairs])
            self._delete_ids(cur, list(existing.values()))
            fresh = iter(
                self._new_ids(
                    cur, sum(1 for _d, f in pairs if f.key not in existing), self.doc_table
                )
            )
            ids = [existing.get(f.key) or next(fresh) for _d, f in pairs]
            self._insert_live(cur, pairs, ids)
        return len(pairs)

    def delete(self, keys: Iterable[str]) -> int:
        keys = list(dict.fromkeys(keys))
        with transaction.atomic(), self.cursor() as cur:
            ids = self._ids_for_keys(cur, keys)
            self._delete_ids(cur, list(ids.values()))
        return len(ids)

    # -- reading ----------------------------------------------------------------------------

    def ids_by_ident(self, ident: str) -> list[int]:
        with self.cursor() as cur:
            cur.execute(f"SELECT doc FROM {self.ident_table} WHERE ident = %s LIMIT 200", [ident])
            return [r[0] for r in cur.fetchall()]

    def ids_by_title(self, q: ParsedQuery, limit: int) -> list[int]:
        """Documents whose title key / pinyin / initials equal or start with the query's."""
        probes = []
        if q.key:
            probes.append(("title_key", q.key))
        if q.pinyin is not None and q.letters:
            probes.append(("title_py" if q.pinyin.source == "pinyin" else "title_ini", q.letters))
        out: list[int] = []
        with self.cursor() as cur:
            for column, value in probes:
                cur.execute(
                    f"SELECT id FROM {self.doc_table} WHERE {column} >= %s AND "
                    f"{column} < %s ORDER BY {column} LIMIT %s",
                    [value, value + "\U0010ffff", limit],
                )
                out.extend(r[0] for r in cur.fetchall())
        return out

    def counts_by_type(self) -> dict[str, int]:
        with self.cursor() as cur:
            cur.execute(f"SELECT type, count(*) FROM {self.doc_table} GROUP BY type")
            return dict(cur.fetchall())

    def keys_of_type(self, doc_type: str) -> set[str]:
        with self.cursor() as cur:
            cur.execute(
                f"SELECT key FROM {self.doc_table} WHERE key >= %s AND key < %s",
                [f"{doc_type}:", f"{doc_type};"],
            )
            return {r[0].partition(":")[2] for r in cur.fetchall()}
