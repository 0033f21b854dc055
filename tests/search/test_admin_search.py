"""Admin search in Chinese (issue #4 item 7): real admin requests as a superuser.

Pages and Indexed snippets go through Wagtail's search backend (``search.wagtail_backend``:
analysed tokens, a Han run matched as a phrase of its bigrams); the credit listings filter
with ``icontains``. Any two consecutive characters of a title or name must find it, on
SQLite and on PostgreSQL (``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.db.models import TextField, Value
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.search.query import And, Not, PlainText

from portal.models import StandardPage, Topic
from search.wagtail_backend import (
    Fts5Syntax,
    TsquerySyntax,
    compile_query,
    index_text,
)
from tests.credit.factories import ProducerFactory, next_uscc

TITLE = "太谷区绿源种植专业合作社 GreenSource 2025"
OTHER = "德惠市丰收粮食种植专业合作社"

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    root = Page.get_first_root_node()
    out = {}
    for key, title in (("taigu", TITLE), ("dehui", OTHER)):
        page = StandardPage(title=title, slug=f"admin-search-{key}")
        root.add_child(instance=page)
        page.save_revision().publish()  # as an editor would: Wagtail's signals index it
        out[key] = page
    return out


def found(admin_client, url_name, q, *needles) -> list[bool]:
    response = admin_client.get(reverse(url_name), {"q": q})
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return [needle in html for needle in needles]


def page_search(admin_client, q):
    return found(admin_client, "wagtailadmin_pages:search", q, TITLE, OTHER)


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "绿源",  # two characters inside a run
        "太谷",  # at the start
        "谷",  # one character
        "綠源",  # traditional folds to simplified
        "绿源 合作社",  # every part must match
        "greensource",  # Latin word, any case
        "GREENSOURCE",
        "green",  # autocomplete: a prefix of the last Latin word
        "2025",
        "lvyuan",  # pinyin of 绿源
        "taiguqu",  # three syllables: a phrase of syllable pairs
    ],
)
def test_page_explorer_search_finds_substrings(admin_client, pages, q):
    assert page_search(admin_client, q) == [True, False]


@pytest.mark.parametrize(
    "q",
    [
        "苹果",  # unrelated
        "合社",  # both characters occur, but not next to each other
        "源谷",
        "绿源 苹果",  # one part matches, the other does not
        "source",  # Latin words match whole (or as a prefix), not inside
        "!!",  # nothing searchable
    ],
)
def test_page_explorer_search_rejects_non_substrings(admin_client, pages, q):
    assert page_search(admin_client, q) == [False, False]


@pytest.mark.parametrize("q", ["合作", "合作社", "种植专业", "专业 合作社"])
def test_common_substring_finds_both(admin_client, pages, q):
    assert page_search(admin_client, q) == [True, True]


def test_page_chooser_search(admin_client, pages):
    url = "wagtailadmin_choose_page_search"
    assert found(admin_client, url, "绿源", TITLE, OTHER) == [True, False]
    assert found(admin_client, url, "丰收", TITLE, OTHER) == [False, True]


def test_publishing_a_new_title_reindexes(admin_client, pages):
    page = pages["dehui"]
    page.title = "德惠市金穗粮食种植专业合作社"
    page.save_revision().publish()
    html = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "金穗"}).content.decode()
    assert page.title in html
    html = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "丰收"}).content.decode()
    assert page.title not in html


def stored_tokens(entry) -> set[str]:
    # SQLite stores the token text; PostgreSQL a tsvector, read back as "'绿源':18 ...".
    if connection.vendor == "postgresql":
        return set(re.findall(r"'((?:[^']|'')*)'", entry.autocomplete))
    return set(entry.autocomplete.split())


def test_update_index_rewrites_entries_in_the_old_format(admin_client, pages):
    entries = IndexEntry.objects.filter(pk=pages["taigu"].index_entries.get().pk)
    raw = TITLE  # what the stock backend stored: raw text, one token per Han run
    if connection.vendor == "postgresql":
        raw = SearchVector(Value(TITLE, output_field=TextField()), config="simple")
    entries.update(title=raw, autocomplete=raw, body=raw)
    assert page_search(admin_client, "绿源") == [False, False]

    call_command("update_index", verbosity=0)

    assert page_search(admin_client, "绿源") == [True, False]
    assert {"绿", "绿源", "lvyuan", "greensource"} <= stored_tokens(entries.get())


def test_backend_search_api(pages):
    backend = get_search_backend()
    taigu, dehui = pages["taigu"].pk, pages["dehui"].pk
    assert [p.pk for p in backend.search("绿源", Page)] == [taigu]
    assert [p.pk for p in backend.autocomplete("丰", Page)] == [dehui]
    assert list(backend.search("合社", Page)) == []
    # fields= (as snippet viewsets pass search_fields) maps to the index columns holding them
    assert [p.pk for p in backend.search("绿源", Page, fields=["title"])] == [taigu]
    assert [p.pk for p in backend.autocomplete("丰收", Page, fields=["title"])] == [dehui]
    assert {p.pk for p in backend.search("绿源 丰收", Page, operator="or")} == {taigu, dehui}
    assert list(backend.search("绿源 丰收", Page)) == []  # "and" by default
    query = And([PlainText("合作社"), Not(PlainText("丰收"))])
    assert [p.pk for p in backend.search(query, Page)] == [taigu]


def test_document_listing_search(admin_client):
    Document.objects.create(title="绿源合作社章程", file=ContentFile(b"x", name="charter.txt"))
    Document.objects.create(title="丰收合作社章程", file=ContentFile(b"x", name="other.txt"))
    url = "wagtaildocs:index"
    assert found(admin_client, url, "绿源", "绿源合作社章程", "丰收合作社章程") == [True, False]


# --- snippets (Indexed) and credit listings (icontains) -------------------------------------


@pytest.fixture
def topics():
    return [
        Topic.objects.create(name="农药残留", name_en="Pesticide residues", slug="residues"),
        Topic.objects.create(name="兽药与瘦肉精", name_en="Veterinary drugs", slug="vet-drugs"),
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("农药", [True, False]),
        ("残留", [True, False]),
        ("瘦肉", [False, True]),
        ("药", [True, True]),
        ("pesticide", [True, False]),  # the English name (a SearchField, not autocomplete)
        ("nongyao", [True, False]),  # pinyin
        ("药农", [False, False]),
    ],
)
def test_topic_snippet_listing_search(admin_client, topics, q, expected):
    url = "wagtailsnippets_portal_topic:list"
    assert found(admin_client, url, q, "农药残留", "兽药与瘦肉精") == expected


@pytest.fixture
def producers():
    return [
        ProducerFactory(
            name="太谷区绿源种植专业合作社", region_id="140703", uscc=next_uscc(region="140703")
        ),
        ProducerFactory(
            name="德惠市丰收粮食种植专业合作社", region_id="220183", uscc=next_uscc(region="220183")
        ),
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("绿源", [True, False]),
        ("綠源", [True, False]),  # traditional, folded for the listing search
        ("合作", [True, True]),
        ("丰收", [False, True]),
        ("苹果", [False, False]),
    ],
)
def test_producer_listing_search(admin_client, producers, q, expected):
    names = [p.name for p in producers]
    assert found(admin_client, "credit_producer:index", q, *names) == expected


# --- query compilation (no database) ---------------------------------------------------------


def compiled(q, syntax, prefix=False):
    return compile_query(PlainText(q), syntax, prefix)


def test_query_compilation():
    assert compiled("绿源种", Fts5Syntax) == '("绿源" + "源种")'
    assert compiled("绿源种", TsquerySyntax) == "('绿源' <-> '源种')"
    assert compiled("社", Fts5Syntax) == '"社"'
    assert compiled("绿源 社", TsquerySyntax) == "('绿源' & '社')"
    assert compiled("coop", Fts5Syntax, prefix=True) == '"coop"*'
    assert compiled("coop", TsquerySyntax, prefix=True) == "'coop':*"
    assert compiled("lvyuan", Fts5Syntax) == '"lvyuan"'  # Latin word and pinyin pair coincide
    assert compiled("!!", Fts5Syntax) is None


def test_index_text_streams():
    assert index_text("绿源种") == "绿 源 种 绿源 源种 种"
    assert index_text("绿源", pinyin=True) == "绿 源 绿源 源 lv yuan lvyuan yuan"
    assert index_text("") == ""
