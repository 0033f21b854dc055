"""A dataset as a download: CSV (UTF-8 with BOM, so Excel opens Chinese text correctly),
XLSX (openpyxl: the table, then a sheet describing it) or JSON (keys and raw numbers)."""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext, pgettext

from .metrics import Dataset, Scope

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _header(column) -> str:
    label = str(column.label)
    if not column.unit:
        return label
    return f"{label}{pgettext('punctuation', '（')}{column.unit}{pgettext('punctuation', '）')}"


def _plain(value, kind: str):
    """A cell for CSV/XLSX: numbers stay numbers, booleans become 是/否, None empty."""
    if value is None:
        return ""
    if kind == "bool":
        return gettext("是") if value else gettext("否")
    return value


def filename(dataset: Dataset, scope: Scope, fmt: str) -> str:
    return f"{dataset.slug}_{scope.code or 'all'}_{scope.year}.{fmt}"


def to_csv(dataset: Dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_header(c) for c in dataset.columns])
    for row in dataset.all_rows():
        writer.writerow([_plain(row.get(c.key), c.kind) for c in dataset.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(dataset: Dataset, scope: Scope) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = dataset.slug[:31]
    sheet.append([_header(c) for c in dataset.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {"percent": "0.0", "decimal": "0.00", "int": "#,##0"}
    for row in dataset.all_rows():
        sheet.append([_plain(row.get(c.key), c.kind) for c in dataset.columns])
    for index, column in enumerate(dataset.columns, start=1):
        number_format = formats.get(column.kind)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(_header(column)) * 2 + 2)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    about = book.create_sheet(gettext("说明"))
    about.append([gettext("数据集"), str(dataset.title)])
    about.append([gettext("地区"), scope.label])
    about.append([gettext("年份"), scope.year])
    if dataset.goal:
        about.append([gettext("目标"), str(dataset.goal.text)])
    for note in dataset.notes:
        about.append([gettext("说明"), note])
    about.append([gettext("生成日期"), scope.today.isoformat()])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(dataset: Dataset, scope: Scope) -> bytes:
    data = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "region": {"code": scope.code, "name": scope.label} if scope.region else None,
        "year": scope.year,
        "as_of": scope.reference_date.isoformat(),
        "target": (
            {"low": dataset.goal.low, "high": dataset.goal.high, "text": str(dataset.goal.text)}
            if dataset.goal
            else None
        ),
        "columns": [
            {"key": c.key, "label": str(c.label), "type": c.kind, "unit": c.unit or None}
            for c in dataset.columns
        ],
        "rows": dataset.rows,
        "total": dataset.total,
        "notes": dataset.notes,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def render(dataset: Dataset, scope: Scope, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(dataset)
    if fmt == "xlsx":
        return to_xlsx(dataset, scope)
    return to_json(dataset, scope)
