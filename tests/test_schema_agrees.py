"""The three descriptions of the store agree: the migrations, the schema and the models.

``data_access/schema.py`` is what the code reads and writes; the migrations are what a store
actually gets; the pydantic models are what an import, a form or ``ascgov`` accepts. A change
to one that is not made to the others fails here rather than on a council's store.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, DateTime, Integer, String

from data_access import models, schema
from data_access.datasets import DATASETS
from tests.model_columns import (
    DERIVED,
    NOT_STORED,
    PAIR_IDS,
    PAIRS,
    STORE_SETS,
    TABLES,
    USER_STORE_SETS,
)


def test_a_freshly_migrated_store_is_the_schema(store):
    """Alembic's own comparison (what ``alembic revision --autogenerate`` would write) finds
    nothing between the migrated store and ``schema.metadata``: types and server defaults too."""
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, schema.metadata)
    assert differences == []


# --- the models against the tables (the mapping: tests/model_columns.py) ----------------------


def test_every_model_field_is_stored():
    stored = {(model, field) for model, field, _ in PAIRS}
    for spec in DATASETS.values():
        for field in spec.model.model_fields:
            if (spec.model.__name__, field) in NOT_STORED:
                assert not any(field in TABLES[t].c for t in spec.tables), (
                    f"{spec.model.__name__}.{field} is stored"
                )
                continue
            assert (spec.model, field) in stored, f"{spec.model.__name__}.{field}: no column"
    assert {field for model, field, _ in PAIRS if model is models.User} == set(
        models.User.model_fields
    )


def test_every_column_is_a_model_field_or_set_by_the_store():
    filled = {_key(column) for _, _, column in PAIRS}
    filled |= {_key(column) for column in [*DERIVED, *USER_STORE_SETS]}
    tables = {name for spec in DATASETS.values() for name in spec.tables} | {"users", "user_scopes"}
    for name in sorted(tables):
        for column in TABLES[name].c:
            assert _key(column) in filled or column.name in STORE_SETS, (
                f"{name}.{column.name}: no model field fills it"
            )


def _key(column: Column) -> tuple[str, str]:
    return column.table.name, column.name


def _value_type(annotation) -> tuple[type, bool]:
    """The Python type a field holds, and whether it may be None."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            kept = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            optional = optional or len(kept) < len(typing.get_args(annotation))
            (annotation,) = kept
        elif origin is tuple:  # an assignment list: each value is a row
            annotation = typing.get_args(annotation)[0]
        elif origin is dict:
            return dict, optional
        else:
            return annotation, optional


def _column_kind(model: type, field: str, kind: type) -> type:
    """The column type a field's values need: money and reported figures are 64-bit pence."""
    if kind is bool:
        return Boolean
    if kind is int:
        return BigInteger if field.endswith("_pence") or field == "reported_value" else Integer
    if kind is datetime:
        return DateTime
    if kind is date:
        return Date
    if issubclass(kind, str):  # text, or one of a vocabulary's words
        return String
    if kind is dict:
        return JSON
    raise AssertionError(f"{model.__name__}.{field}: no column type for {kind}")


@pytest.mark.parametrize(("model", "field", "column"), PAIRS, ids=PAIR_IDS)
def test_each_field_and_its_column_agree_on_type_and_on_none(model, field, column):
    kind, optional = _value_type(model.model_fields[field].annotation)
    expected = _column_kind(model, field, kind)
    assert isinstance(column.type, expected), f"{column.type!r} holds no {kind.__name__}"
    if expected is Integer:  # a count in a 64-bit column would be a size nobody chose
        assert not isinstance(column.type, BigInteger), f"{column.type!r} for a count"
    if expected is DateTime:
        assert column.type.timezone, "instants are stored with their zone"
    # an optional field may leave its column empty; a required one (or one with a default)
    # always fills it; an assignment list's empty tuple is no row at all
    assert column.nullable == optional, "nullable" if column.nullable else "NOT NULL"


def test_each_tables_entity_key_is_its_unique_constraint():
    """datasets.KEYS, which the importer, the edit commands and the audit rows read, names the
    columns the schema holds unique for each table (a unique column or a unique constraint)."""
    from sqlalchemy import UniqueConstraint

    from data_access.datasets import DATASETS, KEYS

    for name, key in KEYS.items():
        table = TABLES[name]
        unique = {
            tuple(c.name for c in constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        } | {(c.name,) for c in table.columns if c.unique}
        unique |= {(i.columns[0].name,) for i in table.indexes if i.unique and len(i.columns) == 1}
        unique |= {tuple(c.name for c in i.columns) for i in table.indexes if i.unique}
        assert key in unique, name
    assert {t for spec in DATASETS.values() for t in spec.tables} == set(KEYS)
