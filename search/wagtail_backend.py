"""Wagtail's search backend (admin search of pages, snippets, images, documents) over the
project's Chinese analysis, on SQLite FTS5 and PostgreSQL: ``WAGTAILSEARCH_BACKENDS``.

Why: Wagtail's database backend keeps a run of Han characters as one token, so 绿源 never
finds 太谷区绿源种植专业合作社 (DESIGN §8). Here the index columns store ``search.analysis``
tokens (unigrams then overlapping bigrams, Latin/digit runs whole; the autocomplete column,
holding the titles and names the admin searches, also the pinyin syllable streams), and a
query goes through the same analysis: a Han run becomes a phrase of its bigrams (a true
substring), one character its unigram, a Latin run one whole token (the last one a prefix in
autocomplete), and letters that split into syllables may match as pinyin. FTS5 ``unicode61``
and PostgreSQL's ``'simple'`` configuration keep each token whole (``'simple'`` is forced: a
stemming configuration would drop syllables such as "he" as stop words).

The stored format differs from the stock backend's: run ``manage.py update_index`` once on an
existing database. Saves and publishes keep the index current as before (Wagtail's signal
handlers call the index's ``add_items``).

Seams (modelsearch 1.3, which Wagtail 7.4 wraps): ``add_items`` is re-written (it builds the
indexer from a module global) and the compilers' ``build_search_query_content`` /
``build_tsquery_content`` return our MATCH / tsquery strings. ``fields=`` (snippet viewsets'
``search_fields``) maps to the index columns holding those fields: the stock SQLite backend
would use field names as FTS5 columns (an error) and PostgreSQL would re-parse the raw model
columns (no analysis).
"""

from __future__ import annotations

from functools import cache

from django.db.models import F, FloatField, Value
from django.db.models.expressions import Expression
from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends.database import SearchBackend as _stock_backend
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search.analysis import (
    QueryPlan,
    _ts_lexeme,
    fts_token,
    index_streams,
    pinyin_query_terms,
    pinyin_streams,
    query_terms,
)

# tsvector positions stop at 16,383: a field's uni + bi streams stay below (as in pg_store).
PG_STREAM_TOKENS = 8000


# --- what is stored ----------------------------------------------------------------------


def index_text(text: str, *, pinyin: bool = False, limit: int | None = None) -> str:
    """Tokens for one index column: uni then bi (then pinyin uni and bi), space-separated.

    Concatenating the streams is phrase-safe (search.analysis): bigram tokens exist only in
    the bi part, and no unigram or Latin token can sit inside a bigram phrase. (A syllable-pair
    phrase could only straddle the text/pinyin seam after a Latin word spelling that pair.)
    """
    streams = [index_streams(text)]
    if pinyin:
        streams.append(pinyin_streams(text))
    return " ".join(" ".join(s[k][:limit]) for s in streams for k in ("uni", "bi")).strip()


# --- queries -------------------------------------------------------------------------------


def leaf_plans(query: PlainText | Phrase) -> list[QueryPlan]:
    """Alternatives for one user string: its text plan, and its pinyin plan for letters.

    A quoted phrase must keep its runs in order: one phrase over the unigram stream.
    Initials ("lyzz") are not indexed here, so only a syllable split counts as pinyin.
    """
    text = query.query_string
    if isinstance(query, Phrase):
        uni = index_streams(text)["uni"]
        plans = [QueryPlan([uni], ["uni"])] if uni else []
    else:
        plan = query_terms(text)
        plans = [] if plan.is_empty else [plan]
    py = pinyin_query_terms(text)
    if py is not None and py.source == "pinyin":
        plans.append(py)
    return plans


class Fts5Syntax:
    AND, OR, NEXT, PREFIX = " AND ", " OR ", " + ", "*"
    token = staticmethod(fts_token)

    @staticmethod
    def not_(part: str) -> str:
        # FTS5 has only a binary NOT; modelsearch's normalize() turns Not into AndNot.
        raise NotImplementedError("a lone NOT is not supported by SQLite FTS5")


class TsquerySyntax:
    AND, OR, NEXT, PREFIX = " & ", " | ", " <-> ", ":*"
    token = staticmethod(_ts_lexeme)

    @staticmethod
    def not_(part: str) -> str:
        return f"!{part}"


def plan_expression(plan: QueryPlan, syntax, prefix: bool, operator: str = "and") -> str:
    """AND (or OR) of the plan's phrases; ``prefix``: the last token, if Latin, as a prefix."""
    phrases = []
    for i, phrase in enumerate(plan.phrases):
        tokens = [syntax.token(t) for t in phrase]
        if prefix and i == len(plan.phrases) - 1 and phrase[-1].isascii():
            tokens[-1] += syntax.PREFIX
        phrases.append(tokens[0] if len(tokens) == 1 else "(" + syntax.NEXT.join(tokens) + ")")
    joiner = syntax.OR if operator == "or" else syntax.AND
    return phrases[0] if len(phrases) == 1 else "(" + joiner.join(phrases) + ")"


def compile_query(query, syntax, prefix: bool = False) -> str | None:
    """A modelsearch query as an FTS5 MATCH or tsquery string; None when nothing is searchable.

    A part without letters, digits or Han characters ("!!") is left out of its AND/OR, as
    a search engine drops stop words; a query made only of such parts finds nothing.
    """
    if isinstance(query, (PlainText, Phrase)):
        operator = getattr(query, "operator", "and")
        alternatives = [plan_expression(p, syntax, prefix, operator) for p in leaf_plans(query)]
        return _join(alternatives, syntax.OR)
    if isinstance(query, Boost):
        return compile_query(query.subquery, syntax, prefix)
    if isinstance(query, (And, Or)):
        parts = [compile_query(q, syntax, prefix) for q in query.subqueries]
        return _join([p for p in parts if p], syntax.AND if isinstance(query, And) else syntax.OR)
    if isinstance(query, Not):
        inner = compile_query(query.subquery, syntax, prefix)
        return syntax.not_(inner) if inner else None
    if hasattr(query, "subquery_b"):  # sqlite's AndNot (importable on SQLite only)
        kept = compile_query(query.subquery_a, syntax, prefix)
        dropped = compile_query(query.subquery_b, syntax, prefix)
        return f"({kept} NOT {dropped})" if kept and dropped else kept
    raise NotImplementedError(f"{type(query).__name__} is not supported by the Chinese backend")


def _join(parts: list[str], joiner: str) -> str | None:
    parts = list(dict.fromkeys(parts))  # "lvyuan" as a Latin word and as pinyin: one term
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def finds_nothing(query, syntax, columns: list[str]) -> bool:
    """True when there is nothing to match: no searchable part or no index column.

    The stock search() would send an empty MATCH / tsquery; the caller returns no results.
    """
    if isinstance(query, Not):
        query = query.subquery
    if isinstance(query, (MatchAll, Fuzzy)):  # handled by the stock search()
        return False
    return not columns or compile_query(query, syntax) is None


def index_columns(model, fields, autocomplete: bool) -> list[str]:
    """The index columns that hold ``fields`` (modelsearch stores only three per object).

    A SearchField named "title" lives in ``title``, any other in ``body``, an
    AutocompleteField in ``autocomplete``; autocomplete also searches the other fields named,
    so e.g. an English name indexed only as a SearchField is still found.
    """
    if fields is None:
        return ["autocomplete"] if autocomplete else ["title", "body"]
    columns = set()
    for field in model.get_search_fields():
        if field.field_name not in fields:
            continue
        if isinstance(field, AutocompleteField):
            if autocomplete:
                columns.add("autocomplete")
        elif isinstance(field, SearchField):
            columns.add("title" if field.field_name == "title" else "body")
    return sorted(columns)


# --- SQLite FTS5 ---------------------------------------------------------------------------
# modelsearch's SQLite modules need the FTS5 model, which exists only on SQLite: import late.


@cache
def sqlite_backend_class():
    from modelsearch.backends.database.sqlite import sqlite as lite
    from modelsearch.backends.database.sqlite.query import (
        SearchQueryCombinable,
        SearchQueryField,
        normalize,
    )

    class RawMatch(SearchQueryCombinable, Expression):
        """A ready MATCH string; modelsearch's MatchExpression puts the column filter round it."""

        def __init__(self, text: str):
            super().__init__(output_field=SearchQueryField())
            self.text = text

        def as_sql(self, compiler, connection):
            return "%s", [self.text]

    class SQLiteIndex(lite.SQLiteIndex):
        def add_items(self, model, objs):
            # modelsearch's add_items with analysed text (same queries, same upsert).
            if not model.get_search_fields():
                return
            rows = {}
            for obj in objs:
                indexer = lite.ObjectIndexer(obj, self.backend)
                rows[indexer.id] = {
                    "title": index_text(indexer.title),
                    "autocomplete": index_text(indexer.autocomplete, pinyin=True),
                    "body": index_text(indexer.body),
                }
            if not rows:
                return
            content_type_pk = get_content_type_pk(model)
            entries = self.entries.filter(content_type_id=content_type_pk)
            existing = set(entries.filter(object_id__in=rows).values_list("object_id", flat=True))
            for object_id in existing:
                entries.filter(object_id=object_id).update(**rows[object_id])
            self.entries.bulk_create(
                lite.IndexEntry(content_type_id=content_type_pk, object_id=object_id, **values)
                for object_id, values in rows.items()
                if object_id not in existing
            )
            self._refresh_title_norms()

    class SQLiteSearchQueryCompiler(lite.SQLiteSearchQueryCompiler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            autocomplete = self.TARGET_SEARCH_FIELD_TYPE is AutocompleteField
            self.columns = index_columns(self.queryset.model, self.fields, autocomplete)

        def build_search_query_content(self, query, config=None):
            return RawMatch(compile_query(query, Fts5Syntax, self.LAST_TERM_IS_PREFIX))

        def search(self, config, start, stop, score_field=None):
            if finds_nothing(normalize(self.query), Fts5Syntax, self.columns):
                return self.queryset.none()
            # The stock search() takes ``self.fields`` as FTS5 column names: give it columns.
            fields, self.fields, self.FTS_TABLE_FIELDS = self.fields, None, self.columns
            try:
                return super().search(config, start, stop, score_field)
            finally:
                self.fields = fields

    class SQLiteAutocompleteQueryCompiler(
        SQLiteSearchQueryCompiler, lite.SQLiteAutocompleteQueryCompiler
    ):
        """The stock autocomplete settings (prefix, AutocompleteFields), the methods above."""

    class SQLiteSearchBackend(lite.SQLiteSearchBackend):
        query_compiler_class = SQLiteSearchQueryCompiler
        autocomplete_query_compiler_class = SQLiteAutocompleteQueryCompiler
        index_class = SQLiteIndex

    return SQLiteSearchBackend


# --- PostgreSQL ----------------------------------------------------------------------------


@cache
def postgres_backend_class():
    from django.contrib.postgres.search import SearchQuery
    from modelsearch.backends.database.postgres import postgres as pg

    class PostgresIndexer(pg.ObjectIndexer):
        def as_vector(self, texts, for_autocomplete=False):
            texts = [
                (index_text(text, pinyin=for_autocomplete, limit=PG_STREAM_TOKENS), weight)
                for text, weight in texts
            ]
            return super().as_vector(texts, for_autocomplete=for_autocomplete)

    class PostgresIndex(pg.PostgresIndex):
        def add_items(self, model, objs):
            # modelsearch's add_items with PostgresIndexer (same single upsert statement).
            if not model.get_search_fields():
                return
            indexers = [PostgresIndexer(obj, self.backend) for obj in objs]
            if not indexers:
                return
            content_type_pk = get_content_type_pk(model)
            compiler = InsertQuery(pg.IndexEntry).get_compiler(connection=self.write_connection)
            rows, params = [], []
            for indexer in indexers:
                params += [content_type_pk, indexer.id]
                vectors = []
                for column in ("title", "autocomplete", "body"):
                    value = compiler.prepare_value(
                        pg.IndexEntry._meta.get_field(column), getattr(indexer, column)
                    )
                    sql, value_params = value.as_sql(compiler, self.write_connection)
                    vectors.append(sql)
                    params += value_params
                params += [indexer.title_text, indexer.body_text]  # raw text: fuzzy search
                rows.append(f"(%s, %s, {', '.join(vectors)}, 1.0, %s, %s)")
            with self.write_connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {pg.IndexEntry._meta.db_table} (content_type_id, object_id, "
                    f"title, autocomplete, body, title_norm, title_text, body_text) "
                    f"(VALUES {', '.join(rows)}) "
                    f"ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                    f"title = EXCLUDED.title, title_norm = 1.0, "
                    f"autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
                    f"title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
                    params,
                )
            self._refresh_title_norms()

    class PostgresSearchQueryCompiler(pg.PostgresSearchQueryCompiler):
        VECTORS = {
            "title": (F("index_entries__title"), F("index_entries__title_norm")),
            "body": (F("index_entries__body"), 1.0),
            "autocomplete": (F("index_entries__autocomplete"), 1.0),
        }

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            autocomplete = self.TARGET_SEARCH_FIELD_TYPE is AutocompleteField
            self.columns = index_columns(self.queryset.model, self.fields, autocomplete)

        def build_tsquery_content(self, query, config=None, invert=False):
            query = Not(query) if invert else query
            text = compile_query(query, TsquerySyntax, self.LAST_TERM_IS_PREFIX)
            return SearchQuery(text or "", search_type="raw", config="simple")

        def build_tsrank(self, vector, query, config=None, boost=1.0):
            # A part with nothing searchable is left out of the query: it scores nothing.
            leaf = isinstance(query, (Phrase, PlainText, Not))
            if leaf and compile_query(query, TsquerySyntax) is None:
                return Value(0.0, output_field=FloatField())
            return super().build_tsrank(vector, query, config=config, boost=boost)

        def get_fields_vectors(self, search_query):
            # The stock method re-parses the raw model columns, which hold no analysed tokens.
            return [self.VECTORS[c] for c in self.columns]

        def search(self, config, start, stop, score_field=None, backend=None):
            if finds_nothing(self.query, TsquerySyntax, self.columns):
                return self.queryset.none()
            return super().search(config, start, stop, score_field=score_field, backend=backend)

    class PostgresAutocompleteQueryCompiler(
        PostgresSearchQueryCompiler, pg.PostgresAutocompleteQueryCompiler
    ):
        """The stock autocomplete settings (prefix, AutocompleteFields), the methods above."""

    class PostgresSearchBackend(pg.PostgresSearchBackend):
        query_compiler_class = PostgresSearchQueryCompiler
        autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
        index_class = PostgresIndex

        def __init__(self, params):
            super().__init__(params)
            self.config = "simple"  # tokens are analysed already; stemming would alter them

    return PostgresSearchBackend


# --- selection -----------------------------------------------------------------------------

_CHINESE = {
    "SQLiteSearchBackend": sqlite_backend_class,
    "PostgresSearchBackend": postgres_backend_class,
}


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks up in a backend module
    """The backend for the default database's vendor, as ``wagtail.search.backends.database``
    picks it (FTS5 detection included); vendors without a Chinese variant get the stock one."""
    stock = _stock_backend(params)
    chinese = _CHINESE.get(type(stock).__name__)
    return chinese()(params) if chinese else stock
