"""The store: engine set-up, migrations, and the one write path.

Every write happens inside ``Store.write(actor)``: one transaction that also appends the audit
events and bumps the version of each dataset it touched, so cached reads see the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url

from data_access import days, schema
from data_access.bulk import insert_rows
from data_access.settings import default_database_url

# versions are kept per table; every write bumps the tables it changed and audit_events
DATASETS = tuple(name for name in schema.metadata.tables if name != "dataset_versions")
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class StaleVersionError(Exception):
    """A save was based on a version of a row that someone else has since changed."""

    def __init__(self, dataset: str, key: str, expected: int, current: dict[str, Any] | None):
        self.dataset, self.key, self.expected, self.current = dataset, key, expected, current
        found = (
            "it no longer exists"
            if current is None
            else f"it is now at version {current.get('version')}"
        )
        super().__init__(
            f"{dataset} {key} was changed by someone else since you opened it "
            f"(you had version {expected}; {found})"
        )


_PLAIN = frozenset((str, int, float, bool, type(None)))


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO text, enums as their value."""
    kind = type(value)
    if kind in _PLAIN:  # most values of most rows: nothing to do (enums are subclasses)
        return value
    if kind is dict:
        return {k: v if type(v) in _PLAIN else jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def normalise_url(url: str) -> str:
    """SQLAlchemy URL for a user-given URL; bare ``postgresql://`` gets the psycopg driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # relative SQLite paths have silently created empty files elsewhere: always resolve
        parsed = parsed.set(database=str(Path(parsed.database).resolve()))
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover
        # take the write lock up front so two writers queue instead of failing mid-transaction
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class WriteTx:
    """What one write transaction has done so far: its connection, audit events, datasets."""

    conn: Connection
    actor: str
    now: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    # an import's preview: writers compare and count as for real, but write nothing
    # (``writes.upsert``); the caller rolls the transaction back all the same
    rehearsal: bool = False
    # the file an import is writing: its name and SHA-256 (``cld_store`` records them on a load)
    importing: tuple[str, str] | None = None

    @property
    def today(self) -> date:
        """The UK day this write happens on, which edits are dated by (00:30 BST on 1 April
        is 1 April, though it is still 31 March in UTC)."""
        return days.day_of(self.now)

    def audit(
        self,
        action: str,
        dataset: str,
        key: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None = None,
    ) -> None:
        self.touched.add(dataset)
        self.events.append(
            {
                "occurred_at": self.now,
                "actor": self.actor,
                "action": action,
                "dataset": dataset,
                "entity_key": key,
                "before": jsonable(before),
                "after": jsonable(after),
                "reason": reason,
            }
        )

    def finish(self) -> None:
        if not self.events:
            return
        insert_rows(self.conn, schema.audit_events, self.events)
        for dataset in sorted(self.touched | {"audit_events"}):
            self.conn.execute(
                update(schema.dataset_versions)
                .where(schema.dataset_versions.c.dataset == dataset)
                .values(version=schema.dataset_versions.c.version + 1)
            )


class Store:
    """A handle on one database: SQLite file (embedded default) or PostgreSQL by URL."""

    def __init__(self, url: str | None = None):
        self.url = normalise_url(url or default_database_url())
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(self.url, pool_pre_ping=self.dialect != "sqlite")
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)

    @property
    def sqlite_path(self) -> Path | None:
        if self.dialect != "sqlite":
            return None
        return Path(make_url(self.url).database)

    def upgrade(self) -> None:
        """Apply every migration not yet applied (``ascgov db upgrade``)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def write(self, actor: str, *, at: datetime | None = None) -> Iterator[WriteTx]:
        """One transaction: yields a ``WriteTx``; audit rows and version bumps go in with it.

        ``at`` backdates the transaction; only the demo loader uses it, so that the demo's
        history starts when its papers were published rather than when it was installed.
        """
        if not actor:
            raise ValueError("every write needs an actor (who is making it)")
        with self.engine.begin() as conn:
            # SQLite keeps an instant's wall time as text: an aware time in another zone
            # would be read back as UTC and so hours out
            tx = WriteTx(conn=conn, actor=actor, now=(at or datetime.now(UTC)).astimezone(UTC))
            yield tx
            tx.finish()

    def dataset_versions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.dataset_versions)).all()
        return {row.dataset: int(row.version) for row in rows}

    def dispose(self) -> None:
        self.engine.dispose()


def settings_value(conn: Connection, key: str, default: Any) -> Any:
    row = conn.execute(
        select(schema.app_settings.c.value).where(schema.app_settings.c.key == key)
    ).first()
    if row is None:
        return default
    value = row[0]
    return json.loads(value) if isinstance(value, str) else value
