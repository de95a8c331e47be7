"""Reading rules that depend on the dataset: units, dates a workbook holds as numbers, and
savings laid out one column (or one block of columns) per financial year.

``with_rules`` takes a file's ``RawTable`` and the dataset it is loaded as, and returns the table
as the importer validates it (cells as text, in pounds and ISO dates) with each rule applied
stated in ``reading``, plus the problems found. Nothing is changed silently.
"""

from __future__ import annotations

import re
import typing
from dataclasses import replace
from datetime import date

import polars as pl

from data_access import models, parsing
from data_access.datasets import DatasetSpec
from data_access.files import RawTable, Unit, is_financial_year
from data_access.problems import Problem

# the savings fields a file may give once per financial year
YEAR_FIELDS = ("target", "forecast", "delivered", "brag_override", "override_reason")
_YEAR = r"(?:fy_?)?(?P<fy>\d{4}[/-]\d{2}(?:\d{2})?)"
_WIDE = (
    re.compile(rf"^{_YEAR}_(?P<field>[a-z_]+)$", re.ASCII),
    re.compile(rf"^(?P<field>[a-z_]+?)_{_YEAR}$", re.ASCII),
)
_EXAMPLE = {
    1_000: "1,500 means £1,500,000",
    1_000_000: "1.5 means £1,500,000",
}
# a value a thousand times smaller or larger than the middle of its column
WRONG_UNIT_FACTOR = 1000
# the fewest values whose middle a value is set against: with three, the middle is one other
# line, and a real £1m line beside two of £1,000 was named; five put two values either side
# of the middle, so one line far from the rest is weighed against a run of them
WRONG_UNIT_MIN_VALUES = 5


def with_rules(spec: DatasetSpec, table: RawTable) -> tuple[RawTable, list[Problem]]:
    problems: list[Problem] = []
    wide = _wide_columns(spec, table)
    if table.years_above and spec.name != "savings":
        problems.append(_years_above_problem(table))
        return table, problems
    table, found = _apply_units(spec, table, wide)
    problems += found
    table = _serial_dates(spec, table)
    if wide:
        table, found = _one_row_per_year(table, wide)
        problems += found
    return _wrong_unit(spec, table), problems


# savings one column per year ------------------------------------------------------------------


def _wide_columns(spec: DatasetSpec, table: RawTable) -> dict[int, tuple[str, str]]:
    """Position -> (financial year, field) of each column given per year, for savings."""
    if spec.name != "savings":
        return {}
    wide: dict[int, tuple[str, str]] = {}
    for position, name in enumerate(table.columns):
        above = table.years_above[position] if position < len(table.years_above) else None
        if above is not None and name in YEAR_FIELDS:
            wide[position] = (parsing.parse_financial_year(_fy_text(above)), name)
            continue
        for pattern in _WIDE:
            match = pattern.match(name)
            if match and match.group("field") in YEAR_FIELDS:
                try:
                    year = parsing.parse_financial_year(match.group("fy"))
                except ValueError:
                    break  # named like a year but not one: an unknown column, reported as such
                wide[position] = (year, match.group("field"))
                break
    return wide


def _fy_text(text: str) -> str:
    return re.sub(r"(?i)^\s*fy\s*", "", text)


def _one_row_per_year(table: RawTable, wide) -> tuple[RawTable, list[Problem]]:
    problems: list[Problem] = []
    line_positions = [i for i in range(len(table.columns)) if i not in wide]
    if "financial_year" in table.columns:
        problems.append(
            Problem(
                table.file,
                "the file has a financial_year column and columns per year: use one layout",
                sheet=table.sheet,
                row=table.header_row,
                column="financial_year",
            )
        )
        return table, problems
    years = list(dict.fromkeys(year for year, _ in wide.values()))
    fields = [f for f in YEAR_FIELDS if any(f == field for _, field in wide.values())]
    columns = (*(table.columns[i] for i in line_positions), "financial_year", *fields)
    by_year = {(year, field): position for position, (year, field) in wide.items()}
    rows = []
    for number, cells in table.all_rows:
        line = tuple(cells[i] for i in line_positions)
        for year in years:
            values = tuple(
                cells[by_year[(year, f)]] if (year, f) in by_year else None for f in fields
            )
            if any(v is not None for v in values):
                rows.append((number, (*line, year, *values)))
    lines = table.row_count
    how = (
        "a block of columns per financial year"
        if table.years_above
        else "one column per financial year"
    )
    note = (
        f"savings laid out with {how} ({', '.join(years)}): read as one row per line and year, "
        f"{lines} line{'s' * (lines != 1)} into {len(rows)} row{'s' * (len(rows) != 1)}"
    )
    named = tuple(
        ((year, field), _heading(table, position)) for position, (year, field) in wide.items()
    )
    return replace(
        table,
        columns=columns,
        rows=tuple(rows),
        frame=None,
        reading=(*table.reading, note),
        headers=tuple(_heading(table, i) for i in line_positions) + ("",) * (1 + len(fields)),
        year_columns=named,
    ), problems


def _heading(table: RawTable, position: int) -> str:
    """A column's heading as the file writes it: a block's year over its field's heading."""
    written = table.headers[position] if position < len(table.headers) else ""
    written = written or table.columns[position]
    above = table.years_above[position] if position < len(table.years_above) else None
    return f"{above.strip()} {written}" if above else written


def _years_above_problem(table: RawTable) -> Problem:
    return Problem(
        table.file,
        f"rows {table.header_row - 1} and {table.header_row} together look like a two-row "
        "header (financial years over blocks of columns): the header must be one row, one name "
        "per column",
        sheet=table.sheet,
        row=table.header_row - 1,
    )


# units ----------------------------------------------------------------------------------------


def _field(name: str, wide_field: str | None) -> str:
    return wide_field or name


def _apply_units(spec: DatasetSpec, table: RawTable, wide) -> tuple[RawTable, list[Problem]]:
    if not table.units:
        return table, []
    money = set(spec.money_columns)
    if spec.name == "reported_totals":
        money.add("reported_value")
    whole = next((u for u in table.units if u.column is None), None)
    per_column, notes, problems = _column_units(table, wide, money, whole)
    notes = [*_whole_note(spec, table, whole, per_column, money, wide), *notes]
    if problems or not per_column:
        return replace(table, reading=(*table.reading, *notes)), problems
    rows = []
    for number, cells in table.all_rows:
        new = list(cells)
        for position, unit in per_column.items():
            if _is_count(table, cells):
                continue  # a reported total of a count: no unit applies
            column = _heading(table, position) if position in wide else table.columns[position]
            pounds, problem = _in_unit(table, number, column, cells[position], unit)
            if problem is not None:
                problems.append(problem)
            new[position] = pounds
        rows.append((number, tuple(new)))
    return table.with_rows(rows, reading=(*table.reading, *notes)), problems


def _whole_note(spec, table, whole: Unit | None, per_column, money, wide) -> list[str]:
    """What a unit stated above the header did: read every money column in it, or nothing."""
    if whole is None:
        return []
    if any(u.column is None for u in per_column.values()):
        return [f"read as {whole.label}: {_EXAMPLE[whole.multiplier]} ({whole.said})"]
    if not money & set(table.columns) and not wide:
        return [f"{whole.label} ({whole.said}) not applied: {spec.name} holds no money"]
    return []


def _column_units(table: RawTable, wide, money: set[str], whole: Unit | None):
    """Position -> unit of each money column read in a unit; notes; problems."""
    per_column: dict[int, Unit] = {}
    notes: list[str] = []
    problems: list[Problem] = []
    for position, name in enumerate(table.columns):
        field = _field(name, wide.get(position, (None, None))[1])
        stated = next((u for u in table.units if u.column == name), None)
        rule = None
        if stated is not None and field not in money:
            rule = f"the header states a unit ({stated.label}) but {name} is not money"
        elif stated is not None and whole is not None and stated.multiplier != whole.multiplier:
            rule = f"the header states {stated.label} but {whole.said} ({whole.label}): state one"
        if rule is not None:
            problems.append(
                Problem(table.file, rule, sheet=table.sheet, row=table.header_row, column=name)
            )
            continue
        unit = stated or (whole if field in money else None)
        if unit is not None and unit.multiplier != 1:
            per_column[position] = unit
            if stated is not None:
                notes.append(
                    f"{name} read as {unit.label}: {_EXAMPLE[unit.multiplier]} ({unit.said})"
                )
    return per_column, notes, problems


def _is_count(table: RawTable, cells) -> bool:
    if "dataset" not in table.columns or "reported_value" not in table.columns:
        return False
    return cells[table.columns.index("dataset")] not in models.MONEY_REPORTED_DATASETS


def _in_unit(table: RawTable, number: int, column: str, text: str | None, unit: Unit):
    """The cell as exact pounds, read in ``unit``; or the problem with it."""
    if text is None or not text.strip():
        return text, None
    try:
        pence = parsing.parse_money_pence(text, allow_negative=True, unit=unit.multiplier)
    except ValueError as exc:
        problem = Problem(
            table.file,
            f"{exc} (read as {unit.label})",
            sheet=table.sheet,
            row=number,
            column=column,
            value=text,
        )
        return text, problem
    return parsing.pounds_text(pence), None


def _wrong_unit(spec: DatasetSpec, table: RawTable) -> RawTable:
    """Name each value a thousand times smaller or larger than the middle of its money column:
    stated in ``reading`` for the preview, as it may be right (a £50 line among millions)."""
    notes: list[str] = []
    # a file of a column per year was turned into rows: each value's year names its heading
    year = table.columns.index("financial_year") if table.year_columns else None
    if len(set(table.columns)) != len(table.columns):
        return table  # a column named twice: the file is refused for it (importer)
    cells = table.cells()
    for column in spec.money_columns:
        if column not in table.columns:
            continue
        frame = cells.select(
            "row",
            pl.col(column).alias("text"),
            (pl.lit(None, pl.String) if year is None else pl.col("financial_year")).alias("year"),
        )
        # exact decimals, whole columns at once: text that is not a plain amount is left to
        # the row checks
        amount = (
            pl.col("text")
            .str.replace_all(r"[£,\s]", "")
            .cast(pl.Decimal(38, 2), strict=False)
            .alias("amount")
        )
        values = frame.with_columns(amount).filter(pl.col("amount") > 0)
        if values.height < WRONG_UNIT_MIN_VALUES:
            continue
        middle = values["amount"].sort()[(values.height - 1) // 2]
        odd = values.filter(
            (pl.col("amount") * WRONG_UNIT_FACTOR <= middle)
            | (pl.col("amount") >= middle * WRONG_UNIT_FACTOR)
        )
        pence = int(middle * 100)
        # the middle is of every year's values of the field, not of one heading's
        of = "the column" if year is None else f"the {column} columns"
        for number, text, fy in odd.select("row", "text", "year").iter_rows():
            notes.append(
                f'row {number}, {table.column_in_file(column, fy)} "{text.strip()}" looks like '
                f"the wrong unit: a thousand times or more from the middle of {of} "
                f"({_pounds(pence)}); check it is in the same unit as the rest"
            )
    return replace(table, reading=(*table.reading, *notes)) if notes else table


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}" + (f".{pence % 100:02d}" if pence % 100 else "")


# dates a workbook holds as numbers ------------------------------------------------------------


def _date_columns(spec: DatasetSpec) -> set[str]:
    columns = set()
    for name, info in spec.model.model_fields.items():
        # date, Annotated[date, ...] or Optional[Annotated[date, ...]]
        kinds = [info.annotation, *typing.get_args(info.annotation)]
        kinds += [typing.get_args(k)[0] for k in kinds if typing.get_origin(k) is typing.Annotated]
        if date in kinds:
            columns.add(info.alias or name)
    return columns


def _serial_dates(spec: DatasetSpec, table: RawTable) -> RawTable:
    """In a workbook, a date column's number is Excel's date serial: read it as the date."""
    if not table.workbook:
        return table
    positions = [i for i, c in enumerate(table.columns) if c in _date_columns(spec)]
    if not positions:
        return table
    example = None
    rows = []
    for number, cells in table.all_rows:
        new = list(cells)
        for position in positions:
            text = cells[position]
            if text is not None and parsing.is_serial(text):
                day = parsing.parse_date(text, serial=True)
                example = example or (table.columns[position], text.strip(), day)
                new[position] = day.isoformat()
        rows.append((number, tuple(new)))
    if example is None:
        return table
    column, text, day = example
    note = f"dates held as Excel numbers read as dates (e.g. {column} {text} is {day:%d/%m/%Y})"
    return table.with_rows(rows, reading=(*table.reading, note))


__all__ = ["with_rules", "is_financial_year"]
