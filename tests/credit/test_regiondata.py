"""Tests for credit.regiondata and the shipped GB/T 2260 list (credit/data/regions.csv)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from credit.identifiers import IdentifierError
from credit.regiondata import (
    REGIONS_CSV,
    RegionRow,
    index_regions,
    load_regions,
    region_ancestors,
    validate_region_code,
)


@pytest.fixture(scope="module")
def rows() -> list[RegionRow]:
    return load_regions()


@pytest.fixture(scope="module")
def index(rows: list[RegionRow]) -> dict[str, RegionRow]:
    return index_regions(rows)


def test_csv_header_is_plain() -> None:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["code", "name", "level", "parent_code"]


def test_row_counts(rows: list[RegionRow]) -> None:
    counts = Counter(row.level for row in rows)
    # 31 mainland provincial units + 台湾, 香港, 澳门.
    assert counts["province"] == 34
    assert 320 <= counts["city"] <= 345
    assert 2800 <= counts["county"] <= 2900


def test_no_duplicate_codes(rows: list[RegionRow]) -> None:
    codes = [row.code for row in rows]
    assert len(codes) == len(set(codes))


def test_every_parent_exists_and_comes_first(rows: list[RegionRow]) -> None:
    seen: set[str] = set()
    for row in rows:
        if row.level == "province":
            assert row.parent_code == ""
        else:
            assert row.parent_code in seen, row
        seen.add(row.code)


def test_code_shapes_match_levels(index: dict[str, RegionRow]) -> None:
    for row in index.values():
        assert len(row.code) == 6 and row.code.isdigit()
        if row.level == "province":
            assert row.code.endswith("0000")
        elif row.level == "city":
            assert row.code.endswith("00") and not row.code.endswith("0000")
            assert row.parent_code == row.code[:2] + "0000"
            assert index[row.parent_code].level == "province"
        else:
            assert not row.code.endswith("00")
            # Under its city, or directly under the province (municipality districts and
            # province-administered county-level units).
            assert row.parent_code in (row.code[:4] + "00", row.code[:2] + "0000")
            assert index[row.parent_code].level in ("city", "province")


@pytest.mark.parametrize(
    ("code", "name", "level", "parent"),
    [
        ("140000", "山西省", "province", ""),
        ("520000", "贵州省", "province", ""),
        ("140700", "晋中市", "city", "140000"),
        # 太谷县 (140726) became 太谷区 in 2019 and was given the district code 140703.
        ("140703", "太谷区", "county", "140700"),
        ("220122", "农安县", "county", "220100"),
        ("361100", "上饶市", "city", "360000"),
        ("110101", "东城区", "county", "110000"),
        ("500101", "万州区", "county", "500000"),
        ("419001", "济源市", "county", "410000"),
        ("429004", "仙桃市", "county", "420000"),
        ("469001", "五指山市", "county", "460000"),
        ("441900", "东莞市", "city", "440000"),
        ("442000", "中山市", "city", "440000"),
        ("460400", "儋州市", "city", "460000"),
        ("620200", "嘉峪关市", "city", "620000"),
        ("810000", "香港特别行政区", "province", ""),
        ("820000", "澳门特别行政区", "province", ""),
        ("710000", "台湾省", "province", ""),
    ],
)
def test_named_examples(
    index: dict[str, RegionRow], code: str, name: str, level: str, parent: str
) -> None:
    assert index[code] == RegionRow(code, name, level, parent)


def test_recent_changes_present(index: dict[str, RegionRow]) -> None:
    # Changes after 2021 that stale packages miss: 会理市 (2021), 白杨市 (2023), 和安县/和康县 (2024).
    assert index["513402"].name == "会理市"
    assert index["659012"].name == "白杨市"
    assert index["653228"].name == "和康县"
    assert index["653229"].name == "和安县"
    assert "140726" not in index  # retired 太谷县 code


def test_cities_without_counties(rows: list[RegionRow]) -> None:
    parents = {row.parent_code for row in rows}
    for code in ("441900", "442000", "460400", "620200"):
        assert code not in parents


def test_region_ancestors(index: dict[str, RegionRow]) -> None:
    assert region_ancestors("220122", index) == ["220000", "220100"]
    assert region_ancestors("220100", index) == ["220000"]
    assert region_ancestors("220000", index) == []
    assert region_ancestors("110105", index) == ["110000"]
    assert region_ancestors("429004", index) == ["420000"]
    with pytest.raises(KeyError):
        region_ancestors("999999", index)


@pytest.mark.parametrize("value", ["220122", " 220122 ", "２２０１２２"])
def test_validate_region_code_ok(value: str) -> None:
    assert validate_region_code(value) == "220122"


@pytest.mark.parametrize("value", ["", None, "22012", "2201220", "22012A", "220-22"])
def test_validate_region_code_bad(value: str | None) -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_region_code(value)
    assert exc.value.field == "region_code"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_regions_custom_path(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ok.csv",
        ["code,name,level,parent_code", "220000,吉林省,province,", "220100,长春市,city,220000"],
    )
    assert load_regions(path) == [
        RegionRow("220000", "吉林省", "province", ""),
        RegionRow("220100", "长春市", "city", "220000"),
    ]


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        (["code,name,level,parent_code", "220100,长春市,city,220000"], "must come first"),
        (
            ["code,name,level,parent_code", "220000,吉林省,province,", "220000,吉林,province,"],
            "duplicate",
        ),
        (["code,name,level,parent_code", "22000,吉林省,province,"], "malformed"),
        (["code,name,level,parent_code", "220000,吉林省,state,"], "malformed"),
        (["code,name,level", "220000,吉林省,province"], "header"),
    ],
)
def test_load_regions_rejects_bad_files(tmp_path: Path, lines: list[str], fragment: str) -> None:
    path = _write(tmp_path / "bad.csv", lines)
    with pytest.raises(ValueError, match=fragment):
        load_regions(path)
