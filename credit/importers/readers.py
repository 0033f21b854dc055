"""Streaming readers for import files: CSV (UTF-8 with or without BOM, or GB18030) and XLSX.

A reader is opened once per pass and yields `(row_number, cells)` with the row number as a
spreadsheet shows it (the header is row 1). Nothing here holds more than one row at a time.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

CHUNK = 1 << 20
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
DELIMITERS = (",", "\t", ";")


class FileFormatError(Exception):
    """The file as a whole cannot be read; the message is for the user (Chinese)."""


@dataclass
class Table:
    headers: list
    rows: Iterator[tuple[int, tuple]]
    format: str
    encoding: str | None = None
    delimiter: str | None = None


class Source:
    """A path or a file object that can be read more than once (one read per pass).

    Seekable binary file objects (Django uploads) are rewound; anything else is spooled
    once to a temporary file.
    """

    def __init__(self, source, filename: str | None = None):
        self._tmp = None
        if isinstance(source, (str, os.PathLike)):
            self.path = os.fspath(source)
            self.fileobj = None
            self.filename = filename or os.path.basename(self.path)
            return
        self.path = None
        self.filename = filename or os.path.basename(getattr(source, "name", "") or "upload")
        probe = source.read(0)
        if isinstance(probe, str) or not _seekable(source):
            self._tmp = tempfile.NamedTemporaryFile(prefix="import-", delete=False)  # noqa: SIM115
            with self._tmp as out:
                if isinstance(probe, str):
                    while chunk := source.read(CHUNK):
                        out.write(chunk.encode("utf-8"))
                else:
                    shutil.copyfileobj(source, out, CHUNK)
            self.path = self._tmp.name
            self.fileobj = None
        else:
            self.fileobj = source

    @contextmanager
    def open(self):
        if self.path is not None:
            with open(self.path, "rb") as fh:
                yield fh
        else:
            self.fileobj.seek(0)
            yield self.fileobj

    def close(self):
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp.name)
            self._tmp = None


def _seekable(fh) -> bool:
    try:
        if hasattr(fh, "seekable") and not fh.seekable():
            return False
        fh.seek(0, io.SEEK_CUR)
        return True
    except (AttributeError, OSError, ValueError):
        return False


def detect_format(source: Source) -> str:
    name = source.filename.lower()
    with source.open() as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise FileFormatError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再导入。")
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if name.endswith((".xlsx", ".xlsm")):
        raise FileFormatError("文件扩展名为 .xlsx，但内容不是有效的 Excel 工作簿。")
    return "csv"


def detect_encoding(fh) -> str:
    """Strict UTF-8 (BOM or not) over the whole file, else GB18030 (checked strictly too).

    Excel's "Unicode text" export (UTF-16 with a BOM) is recognised by its BOM."""
    fh.seek(0)
    if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        fh.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileFormatError("无法识别文件编码：请将 CSV 保存为 UTF-8 或 GB18030（GBK）编码。")


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@contextmanager
def open_table(source: Source):
    fmt = detect_format(source)
    if fmt == "xlsx":
        with _open_xlsx(source) as table:
            yield table
    else:
        with _open_csv(source) as table:
            yield table


@contextmanager
def _open_csv(source: Source):
    with source.open() as fh:
        encoding = detect_encoding(fh)
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")
        try:
            first = text.readline()
            delimiter = sniff_delimiter(first)
            text.seek(0)
            reader = csv.reader(text, delimiter=delimiter)
            try:
                headers = next(reader, None)
            except csv.Error as exc:
                raise FileFormatError(f"第 1 行无法解析：{exc}") from exc
            if headers is None:
                raise FileFormatError("文件为空：第一行应为列标题。")

            def rows():
                number = 1
                try:
                    for number, cells in enumerate(reader, start=2):  # noqa: B007
                        yield number, cells
                except csv.Error as exc:
                    raise FileFormatError(f"第 {number + 1} 行附近无法解析：{exc}") from exc
                except UnicodeDecodeError as exc:
                    raise FileFormatError(f"第 {number + 1} 行附近编码错误：{exc}") from exc

            yield Table(headers, rows(), "csv", encoding, delimiter)
        finally:
            text.detach()  # leave the underlying file to its owner


@contextmanager
def _open_xlsx(source: Source):
    from openpyxl import load_workbook

    with source.open() as fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # zipfile / xml errors from a damaged workbook
            raise FileFormatError(f"无法读取 Excel 工作簿：{exc}") from exc
        try:
            if not wb.worksheets:
                raise FileFormatError("Excel 工作簿中没有工作表。")
            ws = wb.worksheets[0]
            # Some generators write a wrong <dimension>; read to the real end instead.
            ws.reset_dimensions()
            it = ws.iter_rows(values_only=True)
            headers = next(it, None)
            if headers is None:
                raise FileFormatError("文件为空：第一行应为列标题。")

            def rows():
                yield from enumerate(it, start=2)

            yield Table(list(headers), rows(), "xlsx")
        finally:
            wb.close()
