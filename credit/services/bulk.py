"""Bulk writes without the ORM compiler's per-value overhead.

A full recompute writes a grade row, an audit event and a producer update per producer;
Django's bulk_create/bulk_update spend most of that time building SQL expressions. These
helpers prepare each value with its field's own DB conversion and run one prepared
statement per batch (executemany), which works the same on SQLite and PostgreSQL.
"""

from collections.abc import Sequence

from django.db import connection


def _prepare(fields, values):
    return [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]


def insert_rows(model, objs: Sequence, field_names: Sequence[str]) -> None:
    """INSERT objs (no primary keys returned; use bulk_create when you need them)."""
    if not objs:
        return
    opts = model._meta
    fields = [opts.get_field(name) for name in field_names]
    for f in fields:  # auto_now_add and friends, as save() would do
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            for obj in objs:
                f.pre_save(obj, add=True)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES ({marks})"
    params = [_prepare(fields, [getattr(o, f.attname) for f in fields]) for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def update_rows(model, field_names: Sequence[str], rows: Sequence[tuple]) -> None:
    """UPDATE ... SET fields WHERE pk = last item of each row tuple."""
    if not rows:
        return
    opts = model._meta
    fields = [opts.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = f"UPDATE {qn(opts.db_table)} SET {assignments} WHERE {qn(opts.pk.column)} = %s"
    params = [_prepare(fields, row[:-1]) + [row[-1]] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
