"""Pure pieces of the portal: reading time, blocks, field validation, masking, demo text."""

import pytest
from django.core.exceptions import ValidationError

from pagekit.blocks import DataTableBlock, LinkBlock
from portal.demo.blocks import _paragraphs
from portal.demo.site import quarter_notices
from portal.middleware import is_page_path
from portal.models import CategoryListField, reading_minutes
from portal.models.data import public_producer_name


def test_reading_minutes_counts_chinese_characters_and_latin_words():
    assert reading_minutes("") == 1
    assert reading_minutes("字" * 400) == 1
    assert reading_minutes("字" * 401) == 2
    assert reading_minutes(" ".join(["word"] * 400)) == 2
    assert reading_minutes("字" * 200 + " word" * 100) == 1


def test_table_block_rejects_rows_wider_than_columns():
    block = DataTableBlock()
    value = block.to_python(
        {"caption": "表", "columns": ["甲", "乙"], "rows": [["1", "2"]], "note": ""}
    )
    assert block.clean(value)
    too_wide = block.to_python(
        {"caption": "表", "columns": ["甲"], "rows": [["1", "2"]], "note": ""}
    )
    with pytest.raises(ValidationError):
        block.clean(too_wide)


def test_link_block_needs_a_page_or_a_url():
    block = LinkBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "链接", "page": None, "url": "", "description": ""}))
    assert block.clean(
        block.to_python(
            {"title": "合格证查验", "page": None, "url": "/verify-certificate/", "description": ""}
        )
    )


def test_category_list_field_accepts_only_credit_categories():
    field = CategoryListField()
    field.validate(["vegetables", "tea"], None)
    with pytest.raises(ValidationError):
        field.validate(["vegetables", "durian"], None)


def test_public_producer_name_masks_natural_persons_only():
    class P:
        def __init__(self, name, kind):
            self.name, self.kind = name, kind

    assert public_producer_name(P("李四海", "grower")) == "李**"
    assert (
        public_producer_name(P("农安县绿源蔬菜专业合作社", "cooperative"))
        == "农安县绿源蔬菜专业合作社"
    )


def test_demo_paragraphs_join_chinese_lines_without_spaces():
    assert (
        _paragraphs("第一行\n    第二行 GB\n    2763\n\n新段")
        == "<p>第一行第二行 GB 2763</p><p>新段</p>"
    )


def test_quarter_notices_are_the_last_complete_quarters():
    import datetime

    notices = quarter_notices(datetime.date(2026, 2, 10))
    assert [(n["slug"], n["period_start"], n["period_end"]) for n in notices] == [
        ("2025-q4", datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        ("2025-q3", datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
        ("2025-q2", datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
    ]


def test_only_wagtail_page_urls_count_as_pages():
    assert is_page_path("/")
    assert is_page_path("/science/some-article/")
    assert not is_page_path("/admin/login/")
    assert not is_page_path("/i18n/setlang/")
