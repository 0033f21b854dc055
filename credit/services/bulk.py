"""Bulk writes without the ORM compiler's per-value overhead.

A full recompute writes a grade row, an audit event and a producer update per producer;
Django's bulk_create/bulk_update spend most of that time building SQL expressions. These
helpers prepare each value with its field's own DB conversion and run one prepared
statement per batch (executemany), which works the same on SQLite and PostgreSQL.
"""

from collections.abc import Sequence

from django.db import connection

# Fields whose Python values the database drivers take as they are; every other field goes
# through its own get_db_prep_save (dates, decimals, JSON…). Skipping the call for these
# halves the preparation time of a full recompute's writes.
_PASS_THROUGH = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _converters(fields):
    """Per field: None when values pass through as they are, else its DB conversion."""

    def convert(f):
        base = f.target_field if f.is_relation else f
        return None if base.get_internal_type() in _PASS_THROUGH else f.get_db_prep_save

    return [convert(f) for f in fields]


def _prepare(converters, values):
    return [
        v if conv is None or v is None else conv(v, connection)
        for conv, v in zip(converters, values, strict=True)
    ]


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
    convert = _converters(fields)
    params = [_prepare(convert, [getattr(o, f.attname) for f in fields]) for o in objs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one round trip: several times faster than
            # executemany, and audit events are inserted while the chain's lock is held.
            _copy(cursor, f"{qn(opts.db_table)} ({columns})", params)
            return
        sql = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES ({marks})"
        cursor.executemany(sql, params)


def _copy(cursor, target: str, rows) -> None:
    with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def update_rows(model, field_names: Sequence[str], rows: Sequence[tuple]) -> None:
    """UPDATE ... SET fields WHERE pk = last item of each row tuple."""
    if not rows:
        return
    opts = model._meta
    fields = [opts.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    table, pk = qn(opts.db_table), qn(opts.pk.column)
    convert = _converters(fields)
    params = [_prepare(convert, row[:-1]) + [row[-1]] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _update_from_copy(cursor, opts, fields, params)
            return
        assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
        cursor.executemany(sql, params)


def _update_from_copy(cursor, opts, fields, params) -> None:
    """COPY the new values into a temporary table, then one UPDATE … FROM joins them in."""
    qn = connection.ops.quote_name
    temp = qn(f"_bulk_{opts.db_table}")
    columns = [qn(f.column) for f in fields]
    definitions = ", ".join(
        f"{col} {f.db_type(connection)}" for col, f in zip(columns, fields, strict=True)
    )
    pk_type = opts.pk.rel_db_type(connection)
    cursor.execute(f"CREATE TEMPORARY TABLE {temp} (_pk {pk_type}, {definitions}) ON COMMIT DROP")
    try:
        _copy(cursor, f"{temp} ({', '.join(columns)}, _pk)", params)
        assignments = ", ".join(f"{col} = u.{col}" for col in columns)
        cursor.execute(
            f"UPDATE {qn(opts.db_table)} AS t SET {assignments} FROM {temp} AS u "
            f"WHERE t.{qn(opts.pk.column)} = u._pk"
        )
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
