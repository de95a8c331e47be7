"""Any table on any page as a file a member can open in a spreadsheet: CSV or Excel.

Pages show money and dates as words (``£1.29m``, ``9 Oct 2017``). A download holds the same
table's values (``Table.values``): money as exact pounds (a £ number format in Excel), dates as
dates, counts and percentages as numbers, so a download never holds a rounded figure as text.
Text cells go through the exporter's formula escaping, and the workbook has a notes sheet saying
what the figures are and where they are from.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.table import Table
from data_access.formulas import escape_formula
from data_access.spreadsheet_files import write_csv, write_xlsx

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def notes(
    *,
    title: str,
    as_at: date | None,
    source: str | None,
    definitions: Iterable[tuple[str, str]] = (),
    now: datetime | None = None,
) -> dict[str, str]:
    """The notes sheet: which table, as at when, from where, and what its measures mean."""
    now = now or datetime.now(UTC)
    when = (
        f"{as_at.day} {as_at:%B %Y} (the store as it stood at the end of that day)"
        if as_at
        else f"the latest figures in the store on {now.day} {now:%B %Y} (live view)"
    )
    rows = {
        "Table": title,
        "Figures as at": when,
        "Source": source or "the sources named on the page and on Definitions and data quality",
        "Downloaded": formatting.stamp(now),
        "Money": "Pounds, exact to the penny (shown with a £ number format).",
        "Dates": "Dates are dates; months are written as on the page (Nov 2023).",
    }
    return rows | {label: meaning for label, meaning in definitions}


def sheet_name(title: str) -> str:
    """An Excel sheet name: at most 31 characters, none of the characters Excel refuses."""
    name = _SHEET_FORBIDDEN.sub(" ", title).strip() or "Table"
    return name[:31]


def file_stem(title: str) -> str:
    """``Savings by financial year`` -> ``savings-by-financial-year``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "table"


def _through_file(write, suffix: str) -> bytes:
    # the exporter writes to a path (xlsxwriter needs one to build the zip): write, read back
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table{suffix}"
        write(path)
        return path.read_bytes()


def _for_file(table: Table) -> pl.DataFrame:
    values = table.values()
    # headings can come from the store too (a column per financial year): escape them as well
    return values.rename({name: escape_formula(name) for name in values.columns})


def csv_bytes(table: Table) -> bytes:
    buffer = io.BytesIO()
    write_csv(_for_file(table), buffer)
    return buffer.getvalue()


def xlsx_bytes(table: Table, *, notes: dict[str, str]) -> bytes:
    return _through_file(
        lambda path: write_xlsx(_for_file(table), path, sheet=sheet_name(table.title), notes=notes),
        ".xlsx",
    )
