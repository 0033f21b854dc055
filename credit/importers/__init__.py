"""Bulk import of producers and credit facts from CSV/XLSX files (DESIGN §9).

from credit.importers import run_import
result = run_import("samplings", uploaded_file, "抽检.xlsx", user=request.user)
"""

from credit.importers.columns import KINDS, SPECS
from credit.importers.importer import ImportResult, default_report_path, run_import
from credit.importers.report import REPORT_HEADER, RowError

__all__ = [
    "KINDS",
    "REPORT_HEADER",
    "SPECS",
    "ImportResult",
    "RowError",
    "default_report_path",
    "run_import",
]
