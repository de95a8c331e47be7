"""Tables as CSV and XLSX files that open safely in a spreadsheet: the writers the exports and
the page downloads share. No store here: a frame in, a file out.

Text that a spreadsheet would run as a formula is prefixed with an apostrophe
(``data_access.formulas``); numbers stay numbers, so a negative amount is still a number.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

import polars as pl

from data_access.formulas import escape_formula, escape_formula_expr

MONEY_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"
# instants as Python's isoformat writes them in UTC: the fraction only when there is one
_SECONDS = "%Y-%m-%dT%H:%M:%S+00:00"
_MICROSECONDS = "%Y-%m-%dT%H:%M:%S%.6f+00:00"


def write_csv(frame: pl.DataFrame, target: Path | IO[bytes]) -> None:
    """The frame as CSV that a spreadsheet opens safely, written by polars.

    UTF-8 with a byte-order mark (Excel then reads '£' right), CRLF line ends, quotes only
    where a cell needs them, text escaped, money as exact decimals, dates as ISO dates, instants
    as ISO text in UTC; ``True``/``False`` as Python writes them. A missing value and empty
    text are both an empty cell. Byte for byte what the csv-module writer it replaced wrote
    (``tests/test_export_escaping.py``), except floats, written polars' way (no export holds
    one), and instants without a zone, taken as UTC rather than as the machine's local time.
    """
    cells = [_csv_column(name, dtype) for name, dtype in frame.schema.items()]
    if len(cells) == 1:
        # a row of one empty cell would be a blank line, which readers skip: quote it ("")
        cells = [cells[0].cast(pl.String).fill_null("")]
    frame.select(cells).write_csv(
        target,
        include_bom=True,
        line_terminator="\r\n",
        quote_style="necessary",
        null_value="",
        date_format="%Y-%m-%d",
        check_extension=False,  # a file named .gz is still written plain, as asked
    )


def _csv_column(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        text = column.cast(pl.String)
        # polars quotes empty text to tell it from a missing value; a spreadsheet cannot
        return pl.when(text != "").then(escape_formula_expr(text)).alias(name)
    if isinstance(dtype, pl.Datetime):
        moment = column.dt.cast_time_unit("us")
        if dtype.time_zone is None:
            moment = moment.dt.replace_time_zone("UTC")  # the store holds instants in UTC
        moment = moment.dt.convert_time_zone("UTC")
        whole = moment.dt.microsecond() == 0
        return (
            pl.when(whole)
            .then(moment.dt.strftime(_SECONDS))
            .otherwise(moment.dt.strftime(_MICROSECONDS))
            .alias(name)
        )
    if dtype == pl.Boolean:
        return pl.when(column).then(pl.lit("True")).when(~column).then(pl.lit("False")).alias(name)
    if dtype.is_numeric() or dtype in (pl.Date, pl.Null):
        return column
    raise TypeError(f"column '{name}' holds {dtype}, which the CSV export does not write")


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
