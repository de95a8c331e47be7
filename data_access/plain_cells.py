"""Plain cells, read a column at a time.

Most cells of a large file are in the form exports and council systems write them:
``476100.00``, ``2025-03-31``, ``2023/24``, ``older``, a name with nothing odd in it. polars reads
those a whole column at a time. A row with any other form (``£1.5m``, ``31/03/2024``, a value
with spaces around it, a cell an export escaped with an apostrophe, anything refused) is left to
the model (pydantic), row by row, which holds every rule and every message. So each plain form
is a strict subset of what its field accepts, read to the value the field would give it; the
tests compare the two over the import corpus and generated cells (tests/test_plain_cells.py).

A field opts in by a ``Plain`` marker in its type (``data_access.models``). A model with
validators across its fields opts in only by naming, in ``plain_when_blank``, the fields that
leave those validators nothing to check when they are blank; its rows with any of them filled
take the model.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import annotated_types
import polars as pl

from data_access.measures import BACKLOG
from data_access.vocab import FLAG_WORDS

# a character that is not a space, a separator or a control or format character (which
# includes every invisible character the name rule refuses): text starting and ending with one
# is the same after Python's strip() as before, whatever Python or Rust count as a space
_EDGE = r"[^\s\p{Z}\p{C}]"
_PLAIN_NAME = rf"^{_EDGE}(?:[^\p{{C}}]*{_EDGE})?$"
_PLAIN_LONG_TEXT = rf"(?s)^{_EDGE}(?:.*{_EDGE})?$"
# years from 1900 to 2199: outside them, the model says what it makes of the date
_ISO_DAY = r"^(?:19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"
# a month, or a day in it (as exports write a month: its first day)
_ISO_MONTH = r"^(?:19|20|21)[0-9]{2}-[0-9]{2}(?:-[0-9]{2})?$"
_FY = r"^(?:199|20[0-9])[0-9]/[0-9]{2}$"
_POUNDS = r"^[0-9]{1,15}(?:\.[0-9]{1,2})?$"
_WHOLE = r"^[0-9]{1,10}$"
_VERSION = r"^[0-9]{1,10}(?:\.0)?$"
_ASCII = r"^[!-~](?:[ -~]*[!-~])?$"


@dataclass(frozen=True)
class Plain:
    """Marks a field type whose plain form polars reads (``kind``: name, code, long_text, day,
    month, financial_year, pence, count, enum, measure, flag)."""

    kind: str


@dataclass(frozen=True)
class _Field:
    name: str
    column: str
    kind: str | None
    required: bool
    default: Any
    max_length: int | None
    ge: int | None
    le: int | None
    pattern: str | None
    enum: type[Enum] | None
    dtype: pl.DataType


def _metadata(annotation: Any, found: list[Any]) -> type | None:
    """Collect the metadata of ``annotation`` and of any ``Annotated`` inside an optional;
    returns the base type."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for item in extra:
            found.append(item)
            found.extend(getattr(item, "metadata", ()))
        return _metadata(base, found)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        bases = [_metadata(a, found) for a in typing.get_args(annotation) if a is not type(None)]
        return bases[0] if len(bases) == 1 else None
    return annotation


# how each stored value is held in a frame (an enum is stored as its value: text)
_DTYPES = {date: pl.Date(), int: pl.Int64(), str: pl.String(), bool: pl.Boolean()}


@functools.cache
def fields_of(model: type) -> list[_Field]:
    fields = []
    for name, info in model.model_fields.items():
        found: list[Any] = list(info.metadata)
        base = _metadata(info.annotation, found)
        kinds = [m.kind for m in found if isinstance(m, Plain)]
        fields.append(
            _Field(
                name=name,
                column=info.alias or name,
                kind=kinds[0] if kinds else None,
                required=info.is_required(),
                default=None if info.is_required() else info.default,
                max_length=next(
                    (m.max_length for m in found if isinstance(m, annotated_types.MaxLen)), None
                ),
                ge=next((m.ge for m in found if isinstance(m, annotated_types.Ge)), None),
                le=next((m.le for m in found if isinstance(m, annotated_types.Le)), None),
                pattern=next((m.pattern for m in found if getattr(m, "pattern", None)), None),
                enum=base if _is_enum(base) else None,
                dtype=_DTYPES.get(base, pl.String() if _is_enum(base) else pl.Object()),
            )
        )
    return fields


def _is_enum(base: Any) -> bool:
    return isinstance(base, type) and issubclass(base, Enum)


def typed_schema(model: type) -> dict[str, pl.DataType]:
    """The columns of a file's checked rows: its row number, each field, the version named."""
    return {
        "row": pl.Int64(),
        **{f.name: f.dtype for f in fields_of(model)},
        "version": pl.Int64(),
    }


def reads_plainly(model: type) -> bool:
    """Whether the model's plain rows may be read by polars: every required field has a plain
    form, and validators across fields, if any, are gated by ``plain_when_blank``."""
    decorators = model.__pydantic_decorators__
    checks = decorators.model_validators or decorators.field_validators
    if checks and not getattr(model, "plain_when_blank", ()):
        return False
    return all(f.kind is not None for f in fields_of(model) if f.required)


def _text(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    pattern = {"name": _PLAIN_NAME, "long_text": _PLAIN_LONG_TEXT}.get(field.kind, field.pattern)
    plain = cell.str.contains(pattern or _PLAIN_NAME)
    if field.max_length is not None:
        plain = plain & (cell.str.len_chars() <= field.max_length)
    return cell, plain


def _day(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    value = cell.str.to_date("%Y-%m-%d", strict=False)
    return value, cell.str.contains(_ISO_DAY) & value.is_not_null()


def _month(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    # a day must be one the calendar has, as the model's date reading says; stored: the month
    day = pl.when(cell.str.len_chars() == len("2024-03")).then(cell + "-01").otherwise(cell)
    value = day.str.to_date("%Y-%m-%d", strict=False)
    return value.dt.month_start(), cell.str.contains(_ISO_MONTH) & value.is_not_null()


def _financial_year(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    start = cell.str.slice(0, 4).cast(pl.Int64, strict=False)
    end = cell.str.slice(5, 2).cast(pl.Int64, strict=False)
    plain = cell.str.contains(_FY) & ((start + 1) % 100 == end) & start.is_between(1990, 2100)
    return cell, plain


def _bounded(field: _Field, value: pl.Expr, plain: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    if field.ge is not None:
        plain = plain & (value >= field.ge)
    if field.le is not None:
        plain = plain & (value <= field.le)
    return value, plain & value.is_not_null()


def _pence(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    pounds = cell.str.extract(r"^([0-9]+)", 1).cast(pl.Int64, strict=False)
    pence = cell.str.extract(r"\.([0-9]+)$", 1).fill_null("").str.pad_end(2, "0")
    value = pounds * 100 + pence.cast(pl.Int64, strict=False)
    return _bounded(field, value, cell.str.contains(_POUNDS))


def _count(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    return _bounded(field, cell.cast(pl.Int64, strict=False), cell.str.contains(_WHOLE))


def _named(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    """An enum's value or a measure of the registry in force, in any case, as stored."""
    if field.kind == "enum":
        names = {m.value.lower(): m.value for m in field.enum}
    else:
        names = {code.lower(): code for code in context["measures"].codes(BACKLOG)}
    value = cell.str.to_lowercase().replace_strict(names, default=None, return_dtype=pl.String)
    return value, cell.str.contains(_ASCII) & value.is_not_null()


def _flag(field: _Field, cell: pl.Expr, context) -> tuple[pl.Expr, pl.Expr]:
    """A yes/no cell in one of its spellings, in any case (``vocab.FLAG_WORDS``)."""
    words = cell.str.to_lowercase()
    value = words.replace_strict(FLAG_WORDS, default=None, return_dtype=pl.Boolean)
    return value, cell.str.contains(_ASCII) & value.is_not_null()


# (value, plain) for a non-null cell of a field of each kind: plain false where the model reads
_READERS = {
    "name": _text,
    "code": _text,
    "long_text": _text,
    "day": _day,
    "month": _month,
    "financial_year": _financial_year,
    "pence": _pence,
    "count": _count,
    "enum": _named,
    "measure": _named,
    "flag": _flag,
}


@dataclass(frozen=True)
class PlainRead:
    """The rows read plainly (``typed``: a ``row`` column, each model field as its stored
    value, and ``version``), and the numbers of the rows the model must read."""

    typed: pl.DataFrame
    others: list[int]


def read_plain(
    model: type,
    cells: pl.DataFrame,
    defaults: Mapping[str, str],
    context: Mapping[str, Any],
) -> PlainRead:
    """``cells``: a ``row`` column and the file's columns as text (null where blank)."""
    fields = fields_of(model)
    gated = set(getattr(model, "plain_when_blank", ()))
    values: list[pl.Expr] = []
    checks: list[pl.Expr] = []
    for field in fields:
        if field.column in cells.columns:
            cell = pl.col(field.column)
            # an export's escaped formula: the model reads it. (A cell of spaces fails every
            # plain form, each starting with a visible character: the model reads it too.)
            checks.append(cell.is_null() | ~cell.str.starts_with("'"))
        else:
            cell = pl.lit(None, dtype=pl.String)
        if field.column in defaults:
            cell = cell.fill_null(pl.lit(defaults[field.column]))
        if field.name in gated or field.kind is None:
            checks.append(cell.is_null())
            values.append(pl.lit(_stored(field.default)).alias(field.name))
            continue
        value, plain = _READERS[field.kind](field, cell, context)
        if field.required:
            checks.append(cell.is_not_null() & plain)
            values.append(value.alias(field.name))
        else:
            checks.append(cell.is_null() | plain)
            default = pl.lit(_stored(field.default))
            values.append(pl.when(cell.is_null()).then(default).otherwise(value).alias(field.name))
    if "version" in cells.columns:
        version = pl.col("version")
        checks.append(version.is_null() | version.str.contains(_VERSION))
        values.append(
            version.str.replace(r"\.0$", "").cast(pl.Int64, strict=False).alias("version")
        )
    else:
        values.append(pl.lit(None, dtype=pl.Int64).alias("version"))
    plain = pl.all_horizontal(checks).fill_null(False).alias("_plain")
    dtypes = {f.name: f.dtype for f in fields}
    # lazily: polars then reads a cell used by both its check and its value once (a date)
    read = cells.lazy().select("row", plain, *values).cast(dtypes).collect()
    others = read.filter(~pl.col("_plain"))["row"].to_list()
    return PlainRead(read.filter(pl.col("_plain")).drop("_plain"), others)


def _stored(value: Any) -> Any:
    """A field's default as the writers store it (an enum as its value)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value
    return value
