"""The migration's index tables and the stores' rebuild DDL describe the same tables."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def columns(table: str) -> list[tuple]:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"PRAGMA table_xinfo({table})")
            return [(r[1], r[2].upper(), r[3]) for r in cur.fetchall()]
        cur.execute(
            "SELECT column_name, data_type, is_nullable, is_generated, "
            "generation_expression FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        return cur.fetchall()


def test_store_ddl_matches_the_migration():
    if connection.vendor == "sqlite":
        from search.engines import sqlite_store as store

        tables = {
            "search_doc": store.doc_table_sql,
            "search_ident": store.ident_table_sql,
            "search_fts": store.fts_table_sql,
        }
    else:
        from search.engines import pg_store as store

        tables = {"search_doc": store.doc_table_sql, "search_ident": store.ident_table_sql}
    with connection.cursor() as cur:
        for live, ddl in tables.items():
            cur.execute(ddl(f"{live}_ddlcheck"))
            # An FTS5 table has a hidden column named after the table itself.
            got = [c for c in columns(f"{live}_ddlcheck") if c[0] != f"{live}_ddlcheck"]
            assert got == [c for c in columns(live) if c[0] != live], live
            cur.execute(f"DROP TABLE {live}_ddlcheck")
