"""Row errors and the error report (CSV with a UTF-8 BOM so Excel opens it correctly).

Errors stream to a temporary file as they are found, so a file with a million bad rows
does not fill memory; the first few are kept for display.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPORT_HEADER = ("行号/row", "列/column", "值/value", "原因/reason")
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1; 0 = the file as a whole
    column: str
    value: str
    reason: str

    def line(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        col = f"，列“{self.column}”" if self.column else ""
        val = f"，值“{self.value}”" if self.value else ""
        return f"{where}{col}{val}：{self.reason}"


class ErrorSink:
    def __init__(self, keep: int = 1000):
        self.keep = keep
        self.count = 0
        self.first: list[RowError] = []
        self._pending: list[RowError] = []
        self._file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._file)

    def add(self, row: int, column: str, value, reason: str) -> None:
        value = "" if value is None else str(value)
        if len(value) > MAX_VALUE_CHARS:
            value = value[:MAX_VALUE_CHARS] + "…"
        self._pending.append(RowError(row, column or "", value, reason))

    def flush(self) -> None:
        """Write pending errors in row order (a batch may find them out of order)."""
        if not self._pending:
            return
        self._pending.sort(key=lambda e: e.row)
        for e in self._pending:
            self._writer.writerow((e.row or "", e.column, e.value, e.reason))
            if len(self.first) < self.keep:
                self.first.append(e)
        self.count += len(self._pending)
        self._pending.clear()

    def __bool__(self) -> bool:
        return bool(self.count or self._pending)

    def write_csv(self, path: str | os.PathLike) -> Path:
        self.flush()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file.flush()
        self._file.seek(0)
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out).writerow(REPORT_HEADER)
            shutil.copyfileobj(self._file, out)
        self._file.seek(0, os.SEEK_END)
        return path

    def close(self) -> None:
        self._file.close()
