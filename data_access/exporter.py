"""``ascgov export``: a dataset to CSV or XLSX that opens safely in a spreadsheet.

Text that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or CR) is
prefixed with an apostrophe; numbers stay numbers, so a negative amount is still a number.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from data_access.datasets import DATASETS
from data_access.store import Store

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"


def escape_formula(text: str) -> str:
    """Make text inert in a spreadsheet: ``=1+1`` becomes ``'=1+1``.

    Text already made of apostrophes before a trigger (``'=1``) gets one more (``''=1``): the
    importer removes one, so what was stored comes back.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_TRIGGERS) else text


def export_frame(store: Store, dataset: str, *, as_at: date | None = None) -> pl.DataFrame:
    spec = DATASETS.get(dataset)
    if spec is None:
        raise ValueError(f"unknown dataset '{dataset}'; choose from {', '.join(DATASETS)}")
    return spec.export(store, as_at)


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    text_columns = {n for n, t in frame.schema.items() if t == pl.String}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(frame.columns)
        for row in frame.iter_rows():
            writer.writerow(
                _csv_cell(value, name in text_columns)
                for name, value in zip(frame.columns, row, strict=True)
            )


def _csv_cell(value: object, is_text: bool) -> str:
    if value is None:
        return ""
    if is_text:
        return escape_formula(str(value))
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_xlsx(
    frame: pl.DataFrame, path: Path, *, sheet: str, notes: dict[str, str] | None = None
) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_numbers": False, "remove_timezone": True},
    )
    bold = workbook.add_format({"bold": True})
    formats = {
        "money": workbook.add_format({"num_format": MONEY_FORMAT}),
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"}),
    }
    sheet_ = workbook.add_worksheet(sheet[:31])
    sheet_.write_row(0, 0, frame.columns, bold)
    sheet_.freeze_panes(1, 0)
    for c, (name, dtype) in enumerate(frame.schema.items()):
        sheet_.set_column(c, c, max(12, min(60, len(name) + 4)))
        for r, value in enumerate(frame.get_column(name).to_list(), start=1):
            _write_cell(sheet_, r, c, value, dtype, formats)
    if notes:
        notes_sheet = workbook.add_worksheet("Notes")
        for r, (key, text) in enumerate(notes.items()):
            notes_sheet.write_string(r, 0, key, bold)
            notes_sheet.write_string(r, 1, escape_formula(text))
        notes_sheet.set_column(0, 0, 22)
        notes_sheet.set_column(1, 1, 100)
    workbook.close()


def _write_cell(sheet, r: int, c: int, value, dtype, formats) -> None:
    if value is None:
        return
    if isinstance(value, Decimal):
        sheet.write_number(r, c, float(value), formats["money"])
    elif isinstance(value, datetime):
        sheet.write_datetime(r, c, value.astimezone(UTC).replace(tzinfo=None), formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), formats["date"])
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, escape_formula(str(value)))


def export_file(
    store: Store, dataset: str, path: Path, *, fmt: str, as_at: date | None = None
) -> int:
    """Write the dataset to ``path``; returns the number of rows written."""
    frame = export_frame(store, dataset, as_at=as_at)
    if fmt == "csv":
        write_csv(frame, path)
    elif fmt == "xlsx":
        spec = DATASETS[dataset]
        notes = {
            "Dataset": f"{dataset}: {spec.description}",
            "Figures as at": as_at.isoformat() if as_at else "latest",
            "Exported at (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "Money": "Pounds, exact to the penny.",
            "Provenance": "source, source_kind, as_at and basis say where each row came from; "
            "loaded_by and loaded_at who loaded it and when.",
        }
        write_xlsx(frame, path, sheet=dataset, notes=notes)
    else:
        raise ValueError("format must be csv or xlsx")
    return frame.height
