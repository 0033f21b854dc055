"""Reading a list to check from an uploaded file (CSV in UTF-8/GB18030, or XLSX) or from
pasted text. Columns: uscc, name, region_code (Chinese headers accepted too)."""

import re
import unicodedata

from credit.checks.service import MAX_ENTRIES
from credit.importers.readers import FileFormatError, Source, open_table

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
# Browsers label CSV in many ways (Excel on Windows: application/vnd.ms-excel).
CONTENT_TYPES = {
    ".csv": {
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
        "",
    },
    ".xlsx": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
        "application/zip",
        "",
    },
}
HEADERS = {
    "uscc": ("uscc", "统一社会信用代码", "社会信用代码", "信用代码", "代码"),
    "name": ("name", "名称", "主体名称", "企业名称", "单位名称"),
    "region_code": ("region_code", "行政区划代码", "区划代码", "行政区划"),
}
_ALIASES = {alias: field for field, aliases in HEADERS.items() for alias in aliases}


class UploadError(ValueError):
    """A message for the user (Chinese, then English)."""


def _header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    return text.replace(" ", "_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_upload(upload) -> str:
    """Size, extension and declared content type; returns the extension."""
    name = (upload.name or "").lower()
    ext = next((e for e in EXTENSIONS if name.endswith(e)), None)
    if ext is None:
        raise UploadError("只接受 .csv 或 .xlsx 文件 / only .csv or .xlsx files")
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadError(f"文件不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB / file too large")
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in CONTENT_TYPES[ext]:
        raise UploadError(f"文件类型“{content_type}”与扩展名不符 / unexpected content type")
    return ext


def read_upload(upload) -> tuple[list[dict], list[int]]:
    """Entries and, for each, its row number in the file (header = row 1)."""
    ext = check_upload(upload)
    source = Source(upload, filename=upload.name)
    try:
        with open_table(source) as table:
            if (table.format == "xlsx") != (ext == ".xlsx"):
                raise UploadError("文件内容与扩展名不符 / content does not match the extension")
            columns = {}
            for i, head in enumerate(table.headers or ()):
                field = _ALIASES.get(_header(head))
                if field and field not in columns:
                    columns[field] = i
            if "uscc" not in columns and "name" not in columns:
                raise UploadError(
                    "第 1 行应有列标题 uscc（统一社会信用代码）或 name（名称），可另有 region_code"
                    " / the header row needs a uscc or name column"
                )
            entries, rows = [], []
            for number, cells in table.rows:
                values = {
                    field: _cell(cells[i]) if i < len(cells) else "" for field, i in columns.items()
                }
                if not any(values.values()):
                    continue
                entries.append(values)
                rows.append(number)
                if len(entries) > MAX_ENTRIES:
                    raise UploadError(f"最多 {MAX_ENTRIES} 行 / at most {MAX_ENTRIES} rows")
    except FileFormatError as exc:
        raise UploadError(str(exc)) from exc
    finally:
        source.close()
    if not entries:
        raise UploadError("文件中没有要核查的行 / no rows to check")
    return entries, rows


_USCC_LIKE = re.compile(r"^[0-9A-Za-z]{18}$")
_REGION_LIKE = re.compile(r"^\d{6}$")
_SPLIT = re.compile(r"[\t,，;；|]+")


def parse_pasted(text: str) -> tuple[list[dict], list[int]]:
    """One entry a line: a USCC, a name, or several of them separated by tab/comma/semicolon
    (an 18-character code is the USCC, 6 digits the region code, the rest the name)."""
    entries, lines = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = [p.strip() for p in _SPLIT.split(unicodedata.normalize("NFKC", line))]
        parts = [p for p in parts if p]
        if not parts:
            continue
        entry = {"uscc": "", "name": "", "region_code": ""}
        names = []
        for part in parts:
            compact = part.replace(" ", "")
            if not entry["uscc"] and _USCC_LIKE.match(compact):
                entry["uscc"] = compact
            elif not entry["region_code"] and _REGION_LIKE.match(compact):
                entry["region_code"] = compact
            else:
                names.append(part)
        entry["name"] = " ".join(names)
        entries.append(entry)
        lines.append(number)
        if len(entries) > MAX_ENTRIES:
            raise UploadError(f"最多 {MAX_ENTRIES} 行 / at most {MAX_ENTRIES} lines")
    if not entries:
        raise UploadError("请粘贴要核查的名单 / paste the list to check")
    return entries, lines
