"""An administrator's spellings of CLD codes: add one (audited, version-checked) and list them.

Each row maps a raw value of a coded field, as normalised (``cld_codes.normalised``), to a value
on DHSC's list for that field; every CLD import after it maps that spelling. Adding a spelling
already held changes its clean value (the row's version goes up, the before and after audited).
The rows already stored are not re-mapped: the next import of the file does that.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select

from data_access import schema
from data_access.access import Permission, Principal, authorise
from data_access.cld_codes import BUILT_IN, DEFINED, check_lookup, normalised
from data_access.limits import CLD_CODE_CHARS
from data_access.parsing import check_visible
from data_access.store import StaleVersionError, Store

TABLE = "cld_lookups"


class NewLookup(BaseModel):
    """A spelling as an administrator gives it: checked at the edge before any write."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    field: str = Field(min_length=1, max_length=40)
    raw: str = Field(min_length=1, max_length=CLD_CODE_CHARS)
    clean: str = Field(min_length=1, max_length=CLD_CODE_CHARS)

    @field_validator("raw", "clean")
    @classmethod
    def _visible(cls, value: str) -> str:
        return check_visible(value)


@dataclass(frozen=True)
class SavedLookup:
    field: str
    raw: str  # as normalised
    clean: str
    version: int
    changed: bool  # an existing spelling given another clean value


def add_lookup(
    store: Store,
    field: str,
    raw: str,
    clean: str,
    *,
    actor: Principal,
    based_on: int | None = None,
) -> SavedLookup:
    """Add (or change) the spelling ``raw`` of ``field`` as ``clean``; administrators only.

    ``based_on``: the version of the lookups the administrator read (``lookup_version``); if
    someone has changed them since, ``StaleVersionError`` and nothing is written. ``ValueError``
    for a field that is not coded, a raw value with no letter or digit, or a clean value not on
    DHSC's list for the field.
    """
    authorise(store, actor, Permission.MANAGE_SETTINGS, target=f"cld lookup {field}")
    given = NewLookup(field=field, raw=raw, clean=clean)
    field, key, clean = check_lookup(given.field, given.raw, given.clean)
    table = schema.cld_lookups
    with store.write(actor.email) as tx:
        if based_on is not None:
            held = _version(tx.conn)
            if held != based_on:
                raise StaleVersionError(TABLE, field, based_on, {"version": held})
        row = tx.conn.execute(
            select(table.c.id, table.c.clean, table.c.version).where(
                (table.c.field == field) & (table.c.raw == key)
            )
        ).first()
        entity = f"{field}|{key}"
        after = {"field": field, "raw": key, "clean": clean, "written": given.raw}
        if row is None:
            tx.conn.execute(
                table.insert().values(
                    field=field,
                    raw=key,
                    clean=clean,
                    added_by=actor.email,
                    added_at=tx.now,
                    version=1,
                )
            )
            tx.audit("cld-lookup:add", TABLE, entity, None, after)
            return SavedLookup(field, key, clean, 1, False)
        if row.clean == clean:
            return SavedLookup(field, key, clean, row.version, False)  # nothing to change
        tx.conn.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(clean=clean, added_by=actor.email, added_at=tx.now, version=row.version + 1)
        )
        tx.audit(
            "cld-lookup:change", TABLE, entity, {"clean": row.clean, "version": row.version}, after
        )
        return SavedLookup(field, key, clean, row.version + 1, True)


def _version(conn) -> int:
    versions = schema.dataset_versions
    row = conn.execute(select(versions.c.version).where(versions.c.dataset == TABLE)).first()
    return int(row[0]) if row else 0


def lookup_version(store: Store) -> int:
    """The version of the administrator's lookups, to pass back as ``based_on``."""
    with store.engine.connect() as conn:
        return _version(conn)


def lookups(store: Store) -> pl.DataFrame:
    """Every spelling mapped, by field: ``source`` is ``DHSC list``, ``built in`` or
    ``added by <email>``; raw as normalised."""
    table = schema.cld_lookups
    with store.engine.connect() as conn:
        added = conn.execute(
            select(table.c.field, table.c.raw, table.c.clean, table.c.added_by).order_by(
                table.c.field, table.c.raw
            )
        ).all()
    rows = [(f, normalised(v), v, "DHSC list") for f, values in DEFINED.items() for v in values]
    rows += [(f, normalised(raw), clean, "built in") for f, raw, clean in BUILT_IN]
    rows += [(f, raw, clean, f"added by {who}") for f, raw, clean, who in added]
    frame = pl.DataFrame(rows, schema=["field", "raw", "clean", "source"], orient="row").unique(
        ["field", "raw"], keep="last", maintain_order=True
    )
    return frame.sort("field", "raw", maintain_order=True)
