"""Reports of an issued check: PDF (WeasyPrint, cached in storage), XLSX and CSV.

All three show the same rows. The PDF carries the verification code, a QR code opening
/verify/<code>/ on the portal and, in every page footer, the SHA-256 of the check's
canonical JSON (BatchCheck.content; see credit.checks.service.create_check).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import secrets
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from credit.models import BatchCheck, GradeChoices, Scenario

VERDICT_LABELS = {
    "allowed": "未受限",
    "restricted": "受限",
    "not_found": "未找到",
    "ambiguous": "待人工确认",
}
MATCHED_BY_LABELS = {
    "uscc": "统一社会信用代码",
    "id_number": "身份证号码",
    "name": "名称",
    "former_name": "曾用名",
    "fuzzy": "近似名称",
}
SCENARIO_LABELS = dict(Scenario.choices)
GRADE_LABELS = dict(GradeChoices.choices)

COLUMNS = (
    ("index", "序号"),
    ("input_uscc", "输入统一社会信用代码"),
    ("input_name", "输入名称"),
    ("input_region_code", "输入行政区划代码"),
    ("verdict", "结论"),
    ("matched_by", "匹配方式"),
    ("confidence", "置信度"),
    ("producer_name", "匹配主体名称"),
    ("producer_key", "匹配主体代码"),
    ("producer_region_code", "匹配主体行政区划"),
    ("grade", "信用等级"),
    ("blacklisted", "黑名单"),
    ("restrictions", "联合惩戒"),
    ("candidates", "候选主体"),
)


def portal_base_url() -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/")


def verify_path(code: str) -> str:
    try:
        return reverse("credit-check-verify", args=[code])
    except NoReverseMatch:
        return f"/verify/{code}/"


def verify_url(check: BatchCheck) -> str:
    return portal_base_url() + verify_path(check.verification_code)


def restriction_text(r: dict) -> str:
    period = f"{r['start']}～{r['end'] or '长期'}"
    return f"{SCENARIO_LABELS.get(r['scenario'], r['scenario'])} {period} {r['basis']}"


def candidate_text(c: dict) -> str:
    return f"{c['name']}（{c['key'] or '—'}，{c['score']:g}）"


def flat_row(row: dict) -> dict:
    producer = row["producer"] or {}
    return {
        "index": row["index"] + 1,
        "input_uscc": row["input"]["uscc"],
        "input_name": row["input"]["name"],
        "input_region_code": row["input"]["region_code"],
        "verdict": VERDICT_LABELS[row["verdict"]],
        "matched_by": MATCHED_BY_LABELS.get(row["matched_by"], ""),
        "confidence": row["confidence"] if row["matched_by"] else "",
        "producer_name": producer.get("name", ""),
        "producer_key": producer.get("key", "") or "",
        "producer_region_code": producer.get("region_code", ""),
        "grade": row["grade"] or "",
        "blacklisted": "" if row["blacklisted"] is None else ("是" if row["blacklisted"] else "否"),
        "restrictions": "；".join(restriction_text(r) for r in row["restrictions"]),
        "candidates": ""
        if row["verdict"] in ("allowed", "restricted")
        else "；".join(candidate_text(c) for c in row["candidates"]),
    }


def meta(check: BatchCheck) -> dict:
    doc = check.document
    return {
        "check": check,
        "organisation": doc["organisation"],
        "programme": doc["programme"],
        "scenario": doc["scenario"],
        "scenario_label": str(SCENARIO_LABELS.get(doc["scenario"], doc["scenario"])),
        "date": doc["date"],
        "created": doc["created"],
        "summary": doc["summary"],
        "verification_code": check.verification_code,
        "display_code": check.display_code,
        "sha256": check.content_sha256,
        "verify_url": verify_url(check),
        "verdict_labels": VERDICT_LABELS,
    }


# -- CSV / XLSX ----------------------------------------------------------------------------


def csv_bytes(check: BatchCheck) -> bytes:
    """UTF-8 with BOM (Excel on Chinese Windows opens it correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _key, label in COLUMNS])
    for row in check.results:
        flat = flat_row(row)
        writer.writerow([flat[key] for key, _label in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(check: BatchCheck) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("核查结果")
    ws.append([label for _key, label in COLUMNS])
    for row in check.results:
        flat = flat_row(row)
        ws.append([flat[key] for key, _label in COLUMNS])
    info = meta(check)
    about = wb.create_sheet("报告信息")
    for label, value in (
        ("核查机构", info["organisation"]),
        ("展会/评选/项目", info["programme"] or ""),
        ("惩戒场景", info["scenario_label"]),
        ("核查基准日", info["date"]),
        ("生成时间（UTC）", info["created"]),
        ("验证码", info["display_code"]),
        ("内容 SHA-256", info["sha256"]),
        ("验证网址", info["verify_url"]),
        *((f"{VERDICT_LABELS[v]}", info["summary"][v]) for v in VERDICT_LABELS),
        ("合计", info["summary"]["total"]),
    ):
        about.append([label, value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- PDF ---------------------------------------------------------------------------------


def css_string(value: str) -> str:
    """A CSS string literal (for @page margin boxes), safe to put in the template."""
    from django.utils.safestring import mark_safe

    out = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&' or ord(ch) < 32 else ch for ch in str(value))
    return mark_safe(f'"{out}"')


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


# The PDF's table is a grid of monospaced lines (one or more per row): WeasyPrint lays out an
# HTML table cell by cell (~11 ms a row, two minutes for 10,000 rows) but a line of text in
# well under 1 ms. The grid font is "DejaVu Sans Mono" (Latin, 0.602em) falling back to
# "WenQuanYi Micro Hei" for wide characters (east-asian W/F, including the ideographic
# space U+3000: 1em), so widths are exact in units of 0.2em (to 0.3 %), and any gap of at
# least 1.6em is filled exactly with spaces (3 units) and ideographic spaces (5 units).
# (Tabs would be simpler, but WeasyPrint 70 draws a tab 2.4 % wider than it lays it out,
# so columns drift. "WenQuanYi Micro Hei Mono" alone would be ~5-10 % faster, one font, but
# ~350 of its ambiguous-width symbols (①, Ⅱ, ℃, arrows) are 1em where this model says 0.6em.)
GRID = (
    # key, header, width in em (the next column starts at a whole em)
    ("index", "序号", 5),
    ("input", "输入（名称 / 代码 区划）", 22),
    ("verdict", "结论", 7),
    ("producer_name", "匹配主体", 19),
    ("producer_key", "主体代码", 13),
    ("method", "匹配方式", 8),
    ("grade", "等级", 4),
    ("blacklisted", "黑名单", 5),
    ("detail", "联合惩戒（本场景）/ 候选主体", 46),
)
GRID_WIDTH = sum(w for _k, _h, w in GRID)  # em: 129em of 6pt = 273mm, A4 landscape
SHORT_METHOD = {
    "uscc": "代码",
    "id_number": "证件号",
    "name": "名称",
    "former_name": "曾用名",
    "fuzzy": "近似",
}


@functools.cache
def _units(ch: str) -> int:
    return 5 if unicodedata.east_asian_width(ch) in "WF" else 3


MIN_GAP = 8  # units of 0.2em: every gap >= 8 is 3p + 5q


_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _width(text: str) -> int:
    """Width in units of 0.2em."""
    if text.isascii():
        return 3 * len(text)
    return sum(_units(ch) for ch in text)


def _wrap(text: str, width_em: int) -> list[str]:
    """Cut text into pieces that leave at least MIN_GAP before the next column."""
    text = _CONTROL.sub(" ", text)
    limit = width_em * 5 - MIN_GAP
    if 5 * len(text) <= limit or _width(text) <= limit:  # fits (the common case)
        return [text]
    lines, cur, used = [], [], 0
    for ch in text:
        u = _units(ch)
        if used + u > limit and cur:
            lines.append("".join(cur))
            cur, used = [], 0
        cur.append(ch)
        used += u
    if cur or not lines:
        lines.append("".join(cur))
    return lines


@functools.cache
def _gap(units: int) -> str:
    for wide in range(units // 5, -1, -1):
        rest = units - 5 * wide
        if rest % 3 == 0:
            return "\u3000" * wide + " " * (rest // 3)
    raise ValueError(f"gap of {units} units cannot be filled")


_LAST = len(GRID) - 1


def _grid_line(cells: list[str]) -> str:
    """One physical line: each cell's text padded exactly to the next column start."""
    out = []
    for i, ((_key, _head, width), text) in enumerate(zip(GRID, cells, strict=True)):
        out.append(text)
        if i == _LAST:
            break
        out.append(_gap(width * 5 - _width(text)) if text else _gap(width * 5))
    return "".join(out).rstrip()


def grid_header() -> str:
    return _grid_line([head for _k, head, _w in GRID])


def grid_row(row: dict, flat: dict) -> str:
    if row["verdict"] in ("allowed", "restricted"):
        detail = [restriction_text(r) for r in row["restrictions"]]
    else:
        detail = [f"{c['name']} {c['key'] or ''} {c['score']:g}" for c in row["candidates"]]
    given = " ".join(
        v for v in (flat["input_name"], flat["input_uscc"], flat["input_region_code"]) if v
    )
    values = {
        **flat,
        "index": str(flat["index"]),
        "input": given,
        "method": ""
        if not row["matched_by"]
        else f"{SHORT_METHOD.get(row['matched_by'], '')} {row['confidence']:.2f}",
    }
    columns = [
        [piece for text in detail for piece in _wrap(text, width)] or [""]
        if key == "detail"
        else _wrap(str(values[key] or ""), width)
        for key, _h, width in GRID
    ]
    height = max(len(c) for c in columns)
    return "\n".join(
        _grid_line([c[i] if i < len(c) else "" for c in columns]) for i in range(height)
    )


# The grid is paginated here rather than by WeasyPrint. Every grid line is exactly LINE_PT
# high (one font size, a fixed line-height), so a page holds LINES_PER_PAGE lines and each
# page's rows go into ONE block: WeasyPrint's per-element work (cascade, boxes, block
# layout) then happens per page instead of per row, about a third of the render time for
# 10,000 rows. Zebra stripes are one background image per page; verdict colours one block
# per run of same-coloured rows. A row never splits across pages.
FONT_PT = 6
LINE_PT = 9
PAGE_MARGINS_MM = (16, 12, 14, 12)  # top, right, bottom, left of A4 landscape (210mm high)
_CONTENT_PT = (210 - PAGE_MARGINS_MM[0] - PAGE_MARGINS_MM[2]) / 25.4 * 72
LINES_PER_PAGE = int(_CONTENT_PT // LINE_PT)
ZEBRA = "#eef3f0"
COLOURED = ("restricted", "ambiguous", "not_found")


def _zebra(stripes: list[tuple[int, int]]) -> str:
    """A style attribute painting the (first line, end line) spans in ZEBRA.

    One SVG path per page: a CSS gradient with hard stops or one <rect> per stripe cost
    WeasyPrint several times more to draw.
    """
    if not stripes:
        return ""
    height = stripes[-1][1] * LINE_PT
    path = "".join(f"M0 {a * LINE_PT}h1v{(b - a) * LINE_PT}h-1z" for a, b in stripes)
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='1' height='{height}' "
        f"viewBox='0 0 1 {height}' preserveAspectRatio='none'>"
        f"<path fill='{ZEBRA}' d='{path}'/></svg>"
    )
    url = f"data:image/svg+xml,{quote(svg)}"
    return f' style="background:url(&quot;{url}&quot;) no-repeat 0 0 / 100% {height}pt"'


def _page_html(rows: list[tuple[int, str, str, bool]]) -> str:
    """One page block from (line count, verdict, escaped text, zebra) per row."""
    runs: list[list] = []  # [verdict class or "", [texts]]
    stripes, line = [], 0
    for height, verdict, text, zebra in rows:
        if zebra:
            stripes.append((line, line + height))
        line += height
        cls = verdict if verdict in COLOURED else ""
        if runs and runs[-1][0] == cls:
            runs[-1][1].append(text)
        else:
            runs.append([cls, [text]])
    body = "".join(
        f'<div class="v-{cls}">{chr(10).join(texts)}</div>'
        if cls
        else f"<div>{chr(10).join(texts)}</div>"
        for cls, texts in runs
    )
    return f'<div class="pg"{_zebra(stripes)}>{body}</div>'


def page_blocks(results: list[dict]) -> list[str]:
    """The grid as page blocks of at most LINES_PER_PAGE lines (see above)."""
    from django.utils.html import escape

    pages, page, used = [], [], 0
    for i, row in enumerate(results):
        text = grid_row(row, flat_row(row))
        height = text.count("\n") + 1
        if page and used + height > LINES_PER_PAGE:
            pages.append(_page_html(page))
            page, used = [], 0
        page.append((height, row["verdict"], escape(text), i % 2 == 1))
        used += height
    if page:
        pages.append(_page_html(page))
    return pages


def grid_pages(results: list[dict]) -> str:
    return "".join(page_blocks(results))


# Reports of more than PAGES_PER_PART pages render in parts on up to PDF_WORKERS cores
# (credit.checks.pdfparts); below that a second process costs more than it saves.
PAGES_PER_PART = 40


def pdf_workers() -> int:
    return max(1, getattr(settings, "CHECK_PDF_WORKERS", None) or min(2, os.cpu_count() or 1))


def part_sizes(pages: int, parts: int) -> list[int]:
    """Grid pages per part: the first part also holds the cover page, so together the
    parts are as even as possible over ``pages + 1`` pages."""
    total = pages + 1
    sizes = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    sizes[0] -= 1
    return sizes


def render_pdf(check: BatchCheck, workers: int | None = None) -> bytes:
    from django.utils.safestring import mark_safe

    from credit.checks import pdfparts

    context = meta(check)
    context["qr"] = qr_data_uri(context["verify_url"])
    context["css_footer"] = css_string(
        f"验证码 {context['display_code']}　内容 SHA-256：{context['sha256']}"
    )
    context["css_header"] = css_string(
        f"{context['organisation']} · {context['scenario_label']} · {context['date']}"
    )
    context["columns"] = grid_header()
    context["grid_width"] = GRID_WIDTH
    context["page_margins"] = " ".join(f"{mm}mm" for mm in PAGE_MARGINS_MM)
    context["font_pt"], context["line_pt"] = FONT_PT, LINE_PT
    pages = page_blocks(check.results)
    context["total_pages"] = len(pages) + 1  # the cover, then one page per block
    parts = max(1, min(workers or pdf_workers(), len(pages) // PAGES_PER_PART))
    htmls, start = [], 0
    for i, size in enumerate(part_sizes(len(pages), parts)):
        htmls.append(
            render_to_string(
                "credit/checks/report_pdf.html",
                {
                    **context,
                    "continuation": i > 0,
                    "first_page": start + 2,  # page 1 is the cover
                    "grid": mark_safe("".join(pages[start : start + size])),
                },
            )
        )
        start += size
    return pdfparts.render_parts(htmls, str(settings.BASE_DIR))


def pdf_bytes(check: BatchCheck) -> bytes:
    """The PDF, rendered once and then served from storage (issued reports never change)."""
    if check.pdf and default_storage.exists(check.pdf.name):
        with default_storage.open(check.pdf.name, "rb") as fh:
            return fh.read()
    data = render_pdf(check)
    # An unguessable file name: the media folder may be served without authentication.
    name = default_storage.save(
        f"credit/checks/{check.verification_code}-{secrets.token_hex(8)}.pdf", ContentFile(data)
    )
    updated = BatchCheck.objects.filter(pk=check.pk, pdf="").update(pdf=name)
    if updated:
        check.pdf.name = name
    else:  # another request stored one first: keep that one
        default_storage.delete(name)
        check.refresh_from_db(fields=["pdf"])
    return data
