"""Any table on any page as a file a member can open in a spreadsheet: CSV or Excel.

Pages show money and dates as words (``£429,000``, ``9 Oct 2017``). A download holds them as
values: money as exact pounds (a £ number format in Excel), dates as dates, counts as numbers.
``typed`` turns back only what a page writes exactly; a table whose page rounds money
(``£1.29m``) passes its exact figures instead (``savings.lines_data`` and the like), so a
download never holds a rounded figure as text. Text cells go through the exporter's formula
escaping, and the workbook has a notes sheet saying what the figures are and where they are from.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from data_access.exporter import export_file, write_csv, write_xlsx
from data_access.formulas import escape_formula
from data_access.store import Store

MONEY = pl.Decimal(38, 2)
_MONEY_TEXT = re.compile(r"-?£\d{1,3}(?:,\d{3})*(?:\.\d{2})?")
_DAY_TEXT = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}")
# whole numbers as pages write them; no leading zeros, which would mean a code, not a count
_COUNT_TEXT = re.compile(r"-?(?:0|[1-9]\d{0,2}(?:,\d{3})*)")
# how pages write a figure that is missing, in a column that is otherwise numbers or dates
_MISSING = frozenset({"", "–", "not published"})
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def pounds(pence: str, alias: str | None = None) -> pl.Expr:
    """Integer pence as exact pounds (a decimal with two places), for a money column."""
    return (pl.col(pence).cast(MONEY) / 100).alias(alias or pence)


def _column(values: pl.Series) -> pl.Series:
    """One column as values when every figure in it reads exactly as one kind, else as is."""
    present = values.filter(~values.is_in(list(_MISSING)) & values.is_not_null())
    if present.is_empty():
        return values
    known = values.is_in(list(_MISSING)) | values.is_null()

    def blank_missing(converted: pl.Series) -> pl.Series:
        return pl.select(pl.when(known).then(None).otherwise(converted)).to_series()

    if present.str.contains(f"^(?:{_MONEY_TEXT.pattern})$").all():
        amounts = values.str.replace_all("[£,]", "")
        return blank_missing(amounts.cast(MONEY, strict=False)).alias(values.name)
    if present.str.contains(f"^(?:{_DAY_TEXT.pattern})$").all():
        days = values.str.to_date("%d %b %Y", strict=False)
        return blank_missing(days).alias(values.name)
    if present.str.contains(f"^(?:{_COUNT_TEXT.pattern})$").all():
        counts = values.str.replace_all(",", "").cast(pl.Int64, strict=False)
        return blank_missing(counts).alias(values.name)
    return values


def typed(frame: pl.DataFrame) -> pl.DataFrame:
    """A table as shown, with money, dates and counts written as words turned back into values.

    >>> typed(pl.DataFrame({"Cost": ["£578,026", "-£1.50"], "Due": ["9 Oct 2017", ""]})).rows()
    [(Decimal('578026.00'), datetime.date(2017, 10, 9)), (Decimal('-1.50'), None)]
    """
    return frame.with_columns(
        _column(frame.get_column(name))
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def rounded_money_columns(frame: pl.DataFrame) -> list[str]:
    """Text columns holding money rounded for reading (``£1.29m``): never right in a download."""
    rounded = r"-?£\d[\d,]*(?:\.\d+)?m"
    return [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String and frame.get_column(name).str.contains(f"^{rounded}$").any()
    ]


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
        "Downloaded (UTC)": now.strftime("%Y-%m-%d %H:%M:%S"),
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


def _for_file(frame: pl.DataFrame) -> pl.DataFrame:
    # headings can come from the store too (a column per financial year): escape them as well
    return typed(frame).rename({name: escape_formula(name) for name in frame.columns})


def csv_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(_for_file(frame), buffer)
    return buffer.getvalue()


def xlsx_bytes(frame: pl.DataFrame, *, title: str, notes: dict[str, str]) -> bytes:
    return _through_file(
        lambda path: write_xlsx(_for_file(frame), path, sheet=sheet_name(title), notes=notes),
        ".xlsx",
    )


def dataset_bytes(store: Store, dataset: str, fmt: str, *, as_at: date | None) -> bytes:
    """A whole dataset as ``ascgov export`` writes it (CSV, or Excel with its notes sheet)."""
    return _through_file(
        lambda path: export_file(store, dataset, path, fmt=fmt, as_at=as_at), f".{fmt}"
    )
