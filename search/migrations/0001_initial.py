"""Search bookkeeping models and the embedded engine's index tables.

The index tables are raw SQL, one set per database vendor (``VendorSQL`` runs only on its
vendor): SQLite gets FTS5 (``search_fts``), PostgreSQL tsvector columns with GIN indexes.
``search.engines.sqlite_store`` / ``pg_store`` hold the same DDL for rebuilds (which build
new tables and swap them in); ``tests/search/test_schema.py`` checks they agree.
"""

from django.db import migrations, models


class VendorSQL(migrations.RunSQL):
    """RunSQL for one database vendor only."""

    def __init__(self, vendor, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SQLITE = [
    """CREATE TABLE search_doc (
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
        data TEXT NOT NULL DEFAULT '{}'
    )""",
    'CREATE UNIQUE INDEX search_doc_key ON search_doc (key)',
    'CREATE INDEX search_doc_title_key ON search_doc (title_key)',
    'CREATE INDEX search_doc_title_py ON search_doc (title_py)',
    'CREATE INDEX search_doc_title_ini ON search_doc (title_ini)',
    "CREATE VIRTUAL TABLE search_fts USING fts5(t_uni, t_bi, n_uni, n_bi, b_uni, b_bi, p_uni, p_bi, i_uni, i_bi, f, tokenize='unicode61 remove_diacritics 0', columnsize=0)",
    'CREATE TABLE search_ident (ident TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (ident, doc)) WITHOUT ROWID',
    'CREATE INDEX search_ident_doc ON search_ident (doc)',
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_fts",
    "DROP TABLE IF EXISTS search_ident",
    "DROP TABLE IF EXISTS search_doc",
]

POSTGRES = [
    """CREATE TABLE search_doc (
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
        data text NOT NULL DEFAULT '{}',
        t_uni text NOT NULL DEFAULT '',
        t_bi text NOT NULL DEFAULT '',
        n_uni text NOT NULL DEFAULT '',
        n_bi text NOT NULL DEFAULT '',
        b_uni text NOT NULL DEFAULT '',
        b_bi text NOT NULL DEFAULT '',
        p_uni text NOT NULL DEFAULT '',
        p_bi text NOT NULL DEFAULT '',
        i_uni text NOT NULL DEFAULT '',
        i_bi text NOT NULL DEFAULT '',
        f text NOT NULL DEFAULT '',
        tv_uni tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, t_uni || ' ' || n_uni), 'A') || to_tsvector('simple'::regconfig, b_uni)) STORED,
        tv_bi tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, t_bi || ' ' || n_bi), 'A') || to_tsvector('simple'::regconfig, b_bi)) STORED,
        tv_pu tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, p_uni)) STORED,
        tv_pb tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, p_bi)) STORED,
        tv_iu tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, i_uni)) STORED,
        tv_ib tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, i_bi)) STORED,
        tv_f tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, f)) STORED
    )""",
    'CREATE UNIQUE INDEX search_doc_key ON search_doc (key)',
    'CREATE INDEX search_doc_title_key ON search_doc (title_key)',
    'CREATE INDEX search_doc_title_py ON search_doc (title_py)',
    'CREATE INDEX search_doc_title_ini ON search_doc (title_ini)',
    'CREATE INDEX search_doc_tv_uni ON search_doc USING gin (tv_uni)',
    'CREATE INDEX search_doc_tv_bi ON search_doc USING gin (tv_bi)',
    'CREATE INDEX search_doc_tv_pu ON search_doc USING gin (tv_pu)',
    'CREATE INDEX search_doc_tv_pb ON search_doc USING gin (tv_pb)',
    'CREATE INDEX search_doc_tv_iu ON search_doc USING gin (tv_iu)',
    'CREATE INDEX search_doc_tv_ib ON search_doc USING gin (tv_ib)',
    'CREATE INDEX search_doc_tv_f ON search_doc USING gin (tv_f)',
    'CREATE TABLE search_ident (ident text COLLATE "C" NOT NULL, doc bigint NOT NULL, PRIMARY KEY (ident, doc))',
    'CREATE INDEX search_ident_doc ON search_ident (doc)',
]
POSTGRES_REVERSE = [
    "DROP TABLE IF EXISTS search_ident",
    "DROP TABLE IF EXISTS search_doc",
]


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexState",
            fields=[
                ("name", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("value", models.CharField(blank=True, max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "索引状态", "verbose_name_plural": "索引状态"},
        ),
        migrations.CreateModel(
            name="PendingKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.CharField(max_length=120, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
            options={"verbose_name": "待索引文档", "verbose_name_plural": "待索引文档"},
        ),
        VendorSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
    ]
