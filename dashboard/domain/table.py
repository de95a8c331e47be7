"""A table as a page, a download and the briefing pack all show it: values, and the kind of each
column.

The frame holds values (money in integer pence, dates as dates, counts as integers, ratings by
name); each column's ``Kind`` says how it is written for reading (``shown``: £1.29m, 9 Oct 2017,
"not published") and how a file holds it (``values``: exact pounds, dates, numbers). Nothing is
parsed back from display text: the screen, the CSV/XLSX download and the printed pack format
from this one specification.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.disclosure import DisclosureRule
from data_access import papers
from data_access.rating_scales import BRAG, RAG, Scale
from data_access.text_columns import text_per_value

MONEY_IN_FILES = pl.Decimal(38, 2)
SCALES: Mapping[str, Scale] = {"RAG": RAG, "BRAG": BRAG}


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"  # whole numbers
    MONEY = "money"  # integer pence; written per the column's money style
    PERCENT = "percent"  # a number of percent (42 means 42%)
    DATE = "date"
    MONTH = "month"  # a date standing for its month
    MOMENT = "moment"  # a UTC datetime, written in UK time
    RATING = "rating"  # a rating by name, written with its shape (the column names the scale)
    # where a figure comes from: a paper by its title on screen and in print; a file holds the
    # title and the paper's file reference (data_access.papers)
    SOURCE = "source"


NUMERIC = frozenset({Kind.COUNT, Kind.MONEY, Kind.PERCENT})
_WHOLE = (pl.Int64, pl.Int32, pl.Int16, pl.Int8, pl.UInt64, pl.UInt32, pl.UInt16, pl.UInt8)
_DTYPES = {
    Kind.RATING: (pl.String,),
    Kind.SOURCE: (pl.String,),
    Kind.COUNT: _WHOLE,
    Kind.MONEY: (pl.Int64, pl.Int32),
    Kind.PERCENT: (pl.Int64, pl.Int32, pl.Float64, pl.Decimal),
    Kind.DATE: (pl.Date,),
    Kind.MONTH: (pl.Date,),
    Kind.MOMENT: (pl.Datetime, pl.Datetime("us", "UTC"), pl.Datetime("us")),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    # for MONEY on screen and in print: "auto" (£1.29m, £1.293m, £429,000), "exact" or
    # "thousands"; every amount exact, and a column's £m figures to the same places
    money: str = "auto"
    scale: str = ""  # for RATING: "RAG" or "BRAG"
    file_name: str = ""  # the heading in a download, where the screen's would mislead
    # for COUNT of people: the disclosure rule for the viewer (None: exact). A suppressed count
    # is written "fewer than 8" on screen and in print and left empty in files; the others are
    # rounded everywhere, and ``Table.note`` says so. A count already suppressed by ``protect``
    # (secondary suppression) is null in the frame, and the column's ``missing`` is the rule's
    # ``suppressed_words``.
    disclosure: DisclosureRule | None = None
    # what a missing value reads as on screen and in print, where the column's own words say
    # it better than its kind's (a problem's row: "whole file"); None: the kind's, which
    # ``formatting`` keeps ("not published" for a figure, empty for a date). Files hold any
    # missing value as an empty cell.
    missing: str | None = None
    # on screen, in a long table's grid: the column's width in pixels, its text wrapping onto
    # further lines within it (None: one line as wide as the grid makes it). A reason a
    # person is listed ran off a tablet's screen on one line.
    screen_width: int | None = None

    @property
    def heading_in_file(self) -> str:
        if self.file_name:
            return self.file_name
        return f"{self.name} (%)" if self.kind is Kind.PERCENT else self.name


def _writer(column: Column, frame: pl.DataFrame):
    write = _kind_writer(column, frame)
    if column.missing is None:
        return write
    said, plain = column.missing, write or str
    return lambda value: said if value is None else plain(value)


def _kind_writer(column: Column, frame: pl.DataFrame):
    kind = column.kind
    if kind is Kind.MONEY:
        places = formatting.money_places(frame[column.name], style=column.money)
        return lambda pence: formatting.money(pence, style=column.money, places=places)
    if kind is Kind.COUNT:
        if column.disclosure is not None and not column.disclosure.is_exact:
            return column.disclosure.words
        return formatting.count
    if kind is Kind.PERCENT:
        return formatting.percent
    if kind is Kind.DATE:
        return formatting.day
    if kind is Kind.MONTH:
        return formatting.month
    if kind is Kind.MOMENT:
        return formatting.moment
    if kind is Kind.RATING:
        return lambda name: SCALES[column.scale].style(name).label
    if kind is Kind.SOURCE:
        return papers.titled
    return None


def _kind_of(dtype: pl.DataType) -> Kind:
    """What a column holds, from its type alone: whole numbers are counts, dates are days;
    money, months, percentages and ratings are always named (their values do not say)."""
    if any(dtype == d for d in _WHOLE):
        return Kind.COUNT
    if dtype == pl.Date:
        return Kind.DATE
    if isinstance(dtype, pl.Datetime):
        return Kind.MOMENT
    return Kind.TEXT


@dataclass(frozen=True, eq=False)
class Table:
    title: str
    frame: pl.DataFrame
    columns: tuple[Column, ...]
    # relative column widths in print; the layouts work them out from the text when empty
    widths: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        names = tuple(c.name for c in self.columns)
        if names != tuple(self.frame.columns):
            raise ValueError(f"{self.title}: columns {names} for a frame of {self.frame.columns}")
        for column in self.columns:
            dtype = self.frame.schema[column.name]
            allowed = _DTYPES.get(column.kind)
            if allowed and dtype != pl.Null and not any(dtype == d for d in allowed):
                raise TypeError(f"{self.title}: {column.name} is {dtype}, not {column.kind}")
            if column.kind is Kind.RATING and column.scale not in SCALES:
                raise ValueError(f"{self.title}: {column.name} names no rating scale")

    @classmethod
    def of(
        cls,
        title: str,
        frame: pl.DataFrame,
        kinds: Mapping[str, Kind | Column] | None = None,
        *,
        widths: Sequence[float] = (),
    ) -> Table:
        """A table whose columns are of the kind ``kinds`` names, else the kind their type
        says (whole numbers: counts; dates: days; otherwise text).

        >>> t = Table.of("T", pl.DataFrame({"Line": ["A"], "Cost": [12_345]}), {"Cost": Kind.MONEY})
        >>> t.shown().rows(), t.values().rows()
        ([('A', '£123.45')], [('A', Decimal('123.45'))])
        """
        kinds = kinds or {}
        columns = []
        for name in frame.columns:
            given = kinds.get(name) or _kind_of(frame.schema[name])
            columns.append(given if isinstance(given, Column) else Column(name, given))
        return cls(title, frame, tuple(columns), tuple(widths))

    @property
    def height(self) -> int:
        return self.frame.height

    def is_empty(self) -> bool:
        return self.frame.is_empty()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def select(self, names: Iterable[str], *, widths: Sequence[float] = ()) -> Table:
        names = list(names)
        return replace(
            self,
            frame=self.frame.select(names),
            columns=tuple(self.column(n) for n in names),
            widths=tuple(widths),
        )

    def head(self, rows: int) -> Table:
        return replace(self, frame=self.frame.head(rows))

    def titled(self, title: str) -> Table:
        """The same table under another title, keeping what was already written for reading
        (a chart's table is re-titled on every rerun)."""
        if title == self.title:
            return self
        self.shown()  # written once, on this table, and shared with the re-titled one
        titled = replace(self, title=title)
        for name in ("_shown", "_screen"):
            if name in self.__dict__:
                titled.__dict__[name] = self.__dict__[name]
        return titled

    @property
    def note(self) -> str | None:
        """How the counts are disclosed (rounded, small ones suppressed), for a note under the
        table on screen, in print and in a download; None when every count is exact."""
        for column in self.columns:
            if column.kind is Kind.COUNT and column.disclosure is not None:
                return column.disclosure.note
        return None

    def aligns(self) -> tuple[str, ...]:
        """``R`` for figures, ``L`` for words, as a printed table sets them."""
        return tuple("R" if c.kind in NUMERIC else "L" for c in self.columns)

    def shown(self) -> pl.DataFrame:
        """Every column as members read it: words, with missing figures said in words. Written
        once per table: a cached table (150,000 savings lines nationally) is shown on every
        rerun."""
        return self._shown

    def screen(self, rows: int):
        """The first ``rows`` rows as shown, as an Arrow table: what a page sends to the
        browser, made once per table (Streamlit otherwise converts a polars frame through
        pandas on every rerun)."""
        cached = self.__dict__.get("_screen")
        if cached is None or cached[0] != rows:
            cached = (rows, self.shown().head(rows).to_arrow())
            self.__dict__["_screen"] = cached
        return cached[1]

    @cached_property
    def _shown(self) -> pl.DataFrame:
        exprs = []
        for column in self.columns:
            write = _writer(column, self.frame)
            if write is None:
                exprs.append(pl.col(column.name).cast(pl.String))
            else:
                exprs.append(
                    text_per_value(self.frame, column.name, write, skip_nulls=False).alias(
                        column.name
                    )
                )
        return self.frame.select(exprs)

    def values(self) -> pl.DataFrame:
        """Every column as a file holds it: money in exact pounds, dates as dates, counts and
        percentages as numbers, ratings by their label; headings as ``heading_in_file``."""
        exprs = []
        for column in self.columns:
            value = pl.col(column.name)
            if column.kind is Kind.MONEY:
                value = value.cast(MONEY_IN_FILES) / 100
            elif column.kind is Kind.RATING:
                write = _writer(column, self.frame)
                value = text_per_value(self.frame, column.name, write, skip_nulls=False)
            elif column.kind is Kind.SOURCE:
                value = text_per_value(self.frame, column.name, papers.referenced)
            elif column.kind is Kind.COUNT and column.disclosure is not None:
                value = column.disclosure.expr(column.name)
            elif column.kind is Kind.MOMENT:
                value = value.dt.convert_time_zone(formatting.UK.key).dt.replace_time_zone(None)
            exprs.append(value.alias(column.heading_in_file))
        return self.frame.select(exprs)
