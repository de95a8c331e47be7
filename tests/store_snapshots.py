"""Helpers for the import tests: a demo-council SQLite file built once and copied per test,
fresh PostgreSQL databases from the session template, and snapshots of a store's state."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select

from data_access import schema
from data_access.sample_data import load_sample_data
from data_access.store import Store
from tests.conftest import PG_ADMIN_URL


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(Path(path).resolve())


def build_demo_sqlite(path: Path) -> Path:
    """A migrated SQLite file holding the demo council, fully checkpointed (no -wal/-shm)."""
    store = Store(sqlite_url(path))
    store.upgrade()
    load_sample_data(store)
    store.dispose()  # the last connection to close checkpoints the WAL into the main file
    assert not Path(f"{path}-wal").exists()
    return path


def copy_sqlite(template: Path, target: Path) -> Store:
    shutil.copyfile(template, target)
    return Store(sqlite_url(target))


@contextmanager
def fresh_pg_store(pg_template: str) -> Iterator[Store]:
    """A migrated, empty PostgreSQL database copied from the session template, dropped after."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"ascgov_imp_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    store = Store(engine.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield store
    finally:
        store.dispose()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


@contextmanager
def demo_pg_database(pg_template: str) -> Iterator[str]:
    """A PostgreSQL database holding the demo council, for ``fresh_pg_store`` to copy; dropped
    after. Copying a database is much faster than loading the council into each one."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"ascgov_demo_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    store = Store(engine.url.set(database=name).render_as_string(hide_password=False))
    try:
        load_sample_data(store)
        store.dispose()  # a template database must have no connections
        yield name
    finally:
        store.dispose()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in schema.metadata.tables.items()
        }


def sqlite_file_hashes(store: Store) -> dict[str, str]:
    """sha256 of the database file and of its -wal and -shm files (those that exist)."""
    path = store.sqlite_path
    assert path is not None
    hashes = {}
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            hashes[part.name] = hashlib.sha256(part.read_bytes()).hexdigest()
    return hashes


@dataclass(frozen=True)
class Snapshot:
    versions: dict[str, int]
    counts: dict[str, int]
    file_hashes: dict[str, str] | None  # SQLite only: PostgreSQL's bytes cannot be hashed


def snapshot(store: Store) -> Snapshot:
    versions = store.dataset_versions()
    counts = row_counts(store)
    hashes = sqlite_file_hashes(store) if store.dialect == "sqlite" else None
    return Snapshot(versions, counts, hashes)


def settle(store: Store) -> None:
    """Read once so SQLite's WAL index holds this connection's read mark before hashing.

    A WAL-mode reader records where it read up to in the -shm file; the first read after a
    write moves that mark. Later reads of an unchanged database leave every byte alone.
    """
    store.dataset_versions()
    row_counts(store)
