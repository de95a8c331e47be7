"""The record of each meeting: the pack a director finalised for it, kept as the committee saw
it. A kept pack is never changed or deleted (the database refuses both, migration 0011); a
corrected pack is the next version, with its reason, and every version stays downloadable.

The pack itself is made in ``dashboard.briefing.record``; this module only keeps and reads it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import func, select

from data_access import schema
from data_access.access import Permission, Principal, authorise
from data_access.commands import EditRejected, NotFound
from data_access.store import Store

FORMATS = ("pdf", "docx")
REASON_LIMIT = 2000


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class Built:
    """A pack made for keeping: both files and what they were made from."""

    meeting_id: int
    as_at: date
    built_at: datetime
    options: dict[str, Any]
    dataset_versions: dict[str, int]
    figures: str
    pdf: bytes
    docx: bytes


@dataclass(frozen=True)
class Kept:
    id: int
    meeting_id: int
    version: int


class ChangedSinceRead(EditRejected):
    """Another version was kept after the person asking last looked."""


def _latest_version(conn, meeting_id: int) -> int:
    table = schema.meeting_packs
    query = select(func.coalesce(func.max(table.c.version), 0)).where(
        table.c.meeting_id == meeting_id
    )
    return int(conn.execute(query).scalar_one())


def checked_reason(expected: int, reason: str | None) -> str | None:
    """The reason for keeping the version after ``expected``, trimmed; a correction (a version
    after the first) must give one."""
    reason = (reason or "").strip() or None
    if expected > 0 and reason is None:
        raise EditRejected({"reason": "say why the kept pack is being corrected"})
    if reason is not None and len(reason) > REASON_LIMIT:
        raise EditRejected({"reason": f"keep the reason under {REASON_LIMIT:,} characters"})
    return reason


def keep(store: Store, who: Principal, built: Built, *, expected: int, reason: str | None) -> Kept:
    """Keep ``built`` as the next version of its meeting's pack, in one transaction with its
    audit event. ``expected`` is the newest version the person asking saw (0 for none): if
    another was kept since, nothing is written. A correction (a version after the first) needs
    a reason."""
    authorise(store, who, Permission.FINALISE_PACK, target=f"meeting {built.meeting_id}")
    reason = checked_reason(expected, reason)
    table = schema.meeting_packs
    with store.write(who.email) as tx:
        meetings = schema.meetings
        meeting = tx.conn.execute(select(meetings).where(meetings.c.id == built.meeting_id)).first()
        if meeting is None:
            raise NotFound(f"no meeting is recorded with id {built.meeting_id}")
        current = _latest_version(tx.conn, built.meeting_id)
        if current != expected:
            raise ChangedSinceRead(
                {
                    "version": f"version {current} of this meeting's pack was kept since you "
                    f"looked (you saw {expected or 'none'}): look at it before keeping another"
                }
            )
        values = {
            "meeting_id": built.meeting_id,
            "version": current + 1,
            "as_at": built.as_at,
            "built_at": built.built_at,
            "finalised_by": who.email,
            "reason": reason,
            "options": built.options,
            "dataset_versions": built.dataset_versions,
            "figures": built.figures,
            "figures_sha256": sha256(built.figures),
            "pdf": built.pdf,
            "pdf_sha256": sha256(built.pdf),
            "docx": built.docx,
            "docx_sha256": sha256(built.docx),
        }
        new_id = tx.conn.execute(table.insert().values(**values)).inserted_primary_key[0]
        described = {k: v for k, v in values.items() if k not in ("pdf", "docx", "figures")}
        described |= {"id": new_id, "pdf_bytes": len(built.pdf), "docx_bytes": len(built.docx)}
        tx.audit(
            "finalise" if current == 0 else "correct",
            "meeting_packs",
            f"{built.meeting_id}/{current + 1}",
            None,
            described,
            reason,
        )
        return Kept(int(new_id), built.meeting_id, current + 1)


# every column but the files and the figures' text: what lists and checks need
_LISTED = tuple(c for c in schema.meeting_packs.columns if c.name not in ("pdf", "docx", "figures"))


_FRAME = {
    "id": pl.Int64,
    "meeting_id": pl.Int64,
    "version": pl.Int64,
    "as_at": pl.Date,
    "built_at": pl.Datetime("us", "UTC"),
    "finalised_by": pl.String,
    "reason": pl.String,
    "figures_sha256": pl.String,
    "pdf_sha256": pl.String,
    "docx_sha256": pl.String,
    "pdf_bytes": pl.Int64,
    "docx_bytes": pl.Int64,
}


def kept_packs(store: Store) -> pl.DataFrame:
    """Every kept pack, by meeting, newest version first, without the files."""
    table = schema.meeting_packs
    sizes = {"pdf_bytes": func.length(table.c.pdf), "docx_bytes": func.length(table.c.docx)}
    query = select(
        *(sizes[name].label(name) if name in sizes else table.c[name] for name in _FRAME)
    ).order_by(table.c.meeting_id, table.c.version.desc())
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    return pl.DataFrame(rows, schema=_FRAME, orient="row")


class DamagedFile(Exception):
    """A kept file no longer matches the checksum taken when it was kept."""


def kept_file(store: Store, pack_id: int, fmt: str) -> bytes:
    """One kept file, checked against its checksum: what is handed out is what was kept."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    table = schema.meeting_packs
    query = select(table.c[fmt], table.c[f"{fmt}_sha256"]).where(table.c.id == pack_id)
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no kept pack has id {pack_id}")
    data = bytes(row[0])
    if sha256(data) != row[1]:
        raise DamagedFile(f"the kept {fmt} file of pack {pack_id} does not match its checksum")
    return data


def kept_record(store: Store, pack_id: int) -> dict[str, Any]:
    """What a kept pack was built from (no files): for rebuilding and comparing it."""
    table = schema.meeting_packs
    query = select(*_LISTED, table.c.figures).where(table.c.id == pack_id)
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no kept pack has id {pack_id}")
    record = dict(row._mapping)
    if record["built_at"].tzinfo is None:  # SQLite hands back UTC without its zone
        record["built_at"] = record["built_at"].replace(tzinfo=UTC)
    return record
