"""The audit log is append-only, whoever asks and however.

``tests/test_store.py`` already shows that the app's own connection cannot UPDATE or DELETE the
whole log. Here: single events through raw SQL from outside the app (the ``sqlite3`` module on
the file; a PostgreSQL superuser), the sideways routes (``INSERT ... ON CONFLICT DO UPDATE``,
SQLite's ``REPLACE``, PostgreSQL's ``TRUNCATE``), PostgreSQL's permissions for a role granted
what docs/deployment.md grants the app (and that the app still works as that role), and that
no code in the app, the pages or the CLI offers to change the log at all.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from data_access import commands, schema
from data_access.access import principal_for
from data_access.store import Store
from data_access.users import SignInRefused, check_password, set_password
from tests.conftest import DIRECTOR, PG_ADMIN_URL, REPO, _ddl

REFUSAL = "audit events cannot be changed or deleted"

# raw SQL someone with a database prompt might try on event :id
COMMON = {
    "update one event": "UPDATE audit_events SET actor = 'mallory' WHERE id = :id",
    "update what it recorded": "UPDATE audit_events SET after = NULL, reason = 'x' WHERE id = :id",
    "delete one event": "DELETE FROM audit_events WHERE id = :id",
    "delete the newest": "DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)",
    "upsert over an event": "INSERT INTO audit_events "
    "(id, occurred_at, actor, action, dataset, entity_key) "
    "VALUES (:id, '2020-01-01 00:00:00+00', 'mallory', 'x', 'y', 'z') "
    "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
}
ONLY = {
    "sqlite": {
        "replace an event": "REPLACE INTO audit_events "
        "(id, occurred_at, actor, action, dataset, entity_key) "
        "VALUES (:id, '2020-01-01 00:00:00', 'mallory', 'x', 'y', 'z')",
        "insert or replace": "INSERT OR REPLACE INTO audit_events "
        "(id, occurred_at, actor, action, dataset, entity_key) "
        "VALUES (:id, '2020-01-01 00:00:00', 'mallory', 'x', 'y', 'z')",
    },
    "postgresql": {
        "truncate": "TRUNCATE audit_events",
        "truncate cascade": "TRUNCATE TABLE audit_events RESTART IDENTITY CASCADE",
    },
}


def _events(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(schema.audit_events).order_by("id"))]


def _raw(store: Store, sql: str, params: dict[str, Any]) -> None:
    """Run ``sql`` as someone at a database prompt would: for SQLite, the ``sqlite3`` module on
    the file (none of the app's connection set-up); for PostgreSQL, a superuser session."""
    if store.dialect == "sqlite":
        conn = sqlite3.connect(store.sqlite_path, isolation_level=None)
        try:
            conn.execute(sql, params)
        finally:
            conn.close()
        return
    engine = create_engine(store.url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def test_raw_sql_cannot_change_replace_or_remove_audit_events(demo_store):
    store = demo_store
    history = _events(store)
    assert len(history) > 100
    middle = history[len(history) // 2][0]
    statements = {**COMMON, **ONLY[store.dialect]}
    for name, sql in statements.items():
        with pytest.raises(Exception) as refused:  # noqa: PT011 - sqlite3 and psycopg differ
            _raw(store, sql, {"id": middle})
        assert REFUSAL in str(refused.value), (name, refused.value)
    assert _events(store) == history


def test_a_refused_tamper_inside_a_write_takes_the_write_with_it(demo_store):
    """A write that tries to rewrite history as well is rolled back as a whole."""
    store = demo_store
    history = _events(store)
    row = next(r for r in _areas(store) if r["code"] == "IP09")
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the driver's own error
        with store.write(DIRECTOR.email) as tx:
            tx.conn.execute(
                schema.areas.update().where(schema.areas.c.code == "IP09").values(lead="mallory")
            )
            tx.conn.execute(text("DELETE FROM audit_events WHERE entity_key = 'IP09'"))
    assert REFUSAL in str(refused.value)
    assert next(r for r in _areas(store) if r["code"] == "IP09") == row
    assert _events(store) == history


def _areas(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(schema.areas))]


# --- PostgreSQL: the app's role may not even try ---------------------------------------------
DOCUMENTED_GRANTS = (
    # docs/deployment.md, "PostgreSQL for shared deployments", for a role named {role}
    'GRANT USAGE ON SCHEMA public TO "{role}"',
    'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO "{role}"',
    'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
    'REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM "{role}"',
    'REVOKE UPDATE, DELETE, TRUNCATE ON meeting_packs FROM "{role}"',
    'REVOKE UPDATE, DELETE, TRUNCATE ON cld_events FROM "{role}"',
)


def app_store(app_role) -> Store:
    """A store signed in as the documented app role (``app_role``'s role and database)."""
    role, database = app_role
    url = create_engine(PG_ADMIN_URL).url.set(username=role, password=None, database=database)
    return Store(url.render_as_string(hide_password=False))


def assert_only_added_to(app: Store, table: str, column: str) -> None:
    """The documented app role may add to ``table`` but not change, delete or empty it."""
    for name, sql in {
        "update": f"UPDATE {table} SET {column} = 'x'",
        "delete": f"DELETE FROM {table}",
        "truncate": f"TRUNCATE {table}",
    }.items():
        with pytest.raises(ProgrammingError) as denied:
            with app.engine.begin() as conn:
                conn.execute(text(sql))
        assert f"permission denied for table {table}" in str(denied.value), name


@pytest.fixture
def app_role(pg_store):
    """A login role holding exactly the documented grants on this test's database; dropped
    after (with everything granted to it) so no role outlives the test."""
    with pg_store.engine.begin() as conn:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
    role = f"ascgov_app_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(_ddl('CREATE ROLE "{role}" LOGIN', role=role))
    try:
        with pg_store.engine.begin() as conn:
            for grant in DOCUMENTED_GRANTS:
                conn.execute(_ddl(grant, role=role))
        yield role, database
    finally:
        with pg_store.engine.begin() as conn:
            conn.execute(_ddl('DROP OWNED BY "{role}"', role=role))
        pg_store.engine.dispose()  # no pooled session may still hold the role
        with admin.connect() as conn:
            conn.execute(_ddl('DROP ROLE IF EXISTS "{role}"', role=role))
            left = conn.execute(
                text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).scalar_one()
        admin.dispose()
        assert left == 0


@pytest.mark.postgres
def test_the_app_role_has_no_update_delete_or_truncate_on_audit_events(pg_store, app_role):
    from tests.conftest import with_demo_council

    role, _ = app_role
    store = with_demo_council(pg_store)
    history = _events(store)
    attempts = {
        "update": "UPDATE audit_events SET actor = 'mallory'",
        "delete": "DELETE FROM audit_events",
        "truncate": "TRUNCATE audit_events",
    }
    for name, sql in attempts.items():
        with pytest.raises(ProgrammingError) as denied:
            with store.engine.begin() as conn:
                conn.execute(_ddl('SET LOCAL ROLE "{role}"', role=role))
                conn.execute(text(sql))
        assert "permission denied for table audit_events" in str(denied.value), name
    # the same role may read the log and add to it: the app needs nothing more
    with store.engine.begin() as conn:
        conn.execute(_ddl('SET LOCAL ROLE "{role}"', role=role))
        assert conn.execute(select(func.count()).select_from(schema.audit_events)).scalar_one()
        conn.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor, action, dataset, entity_key) "
                "VALUES (now(), 'test', 'note', 'tests', 'granted')"
            )
        )
    assert _events(store)[: len(history)] == history
    assert len(_events(store)) == len(history) + 1


@pytest.mark.postgres
def test_the_app_works_as_a_role_with_only_the_documented_grants(pg_store, app_role):
    """Edits, sign-in and password changes run as the restricted role (nothing needs DELETE)."""
    from tests.conftest import with_demo_council

    role, database = app_role
    with_demo_council(pg_store)
    url = create_engine(PG_ADMIN_URL).url.set(username=role, password=None, database=database)
    app = Store(url.render_as_string(hide_password=False))
    try:
        app.upgrade()  # as every CLI command does: already at head, so only reads
        director = principal_for(app, DIRECTOR.email)
        row = next(r for r in _areas(app) if r["code"] == "IP09")
        saved = commands.edit_area(
            app,
            director,
            "IP09",
            version=row["version"],
            status=row["status"],
            rag=row["rag"],
            commentary="Saved as the app's role.",
        )
        assert saved.version == row["version"] + 1
        admin = principal_for(app, "admin@demo.example")
        set_password(app, "member@demo.example", "a long passphrase for tests", actor=admin)
        with pytest.raises(SignInRefused):
            check_password(app, "member@demo.example", "not the passphrase at all")
        assert check_password(app, "member@demo.example", "a long passphrase for tests").email
        # resetting the password clears the failed attempt (an UPDATE, not a DELETE)
        set_password(app, "member@demo.example", "another long passphrase", actor=admin)
        with app.engine.connect() as conn:
            failures = conn.execute(
                select(schema.sign_in_attempts.c.failures).where(
                    schema.sign_in_attempts.c.email == "member@demo.example"
                )
            ).scalar_one()
        assert failures == 0
    finally:
        app.dispose()


# --- nothing in the product offers to change the log -----------------------------------------
PRODUCT = [
    path
    for folder in ("data_access", "dashboard", "pages")
    for path in sorted((REPO / folder).rglob("*.py"))
    if "migrations" not in path.parts
]
# any way of writing to audit_events other than appending: SQLAlchemy or SQL text
TAMPERING = re.compile(
    r"(update|delete)\(\s*(schema\.)?audit_events"
    r"|audit_events\.(update|delete)\("
    r"|\b(update|delete\s+from|truncate(\s+table)?|replace\s+into)\s+[\"`]?audit_events"
    r"|tables\[\s*[\"']audit_events[\"']\s*\]",
    re.IGNORECASE,
)


def test_no_product_code_updates_deletes_or_truncates_audit_events():
    assert len(PRODUCT) > 30
    offending = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in PRODUCT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TAMPERING.search(line)
    ]
    assert offending == []
    # and the pattern does catch what it is meant to
    for sample in (
        "conn.execute(update(schema.audit_events).values(actor='x'))",
        "schema.audit_events.delete()",
        'text("DELETE FROM audit_events WHERE id = 1")',
        "TRUNCATE TABLE audit_events",
        "REPLACE INTO audit_events VALUES (1)",
    ):
        assert TAMPERING.search(sample), sample


def test_the_cli_has_no_command_that_writes_the_log(sqlite_store, tmp_path):
    from dashboard.cli.main import app
    from data_access.datasets import DATASETS

    # no dataset an import or export handles is the audit log
    assert all("audit_events" not in spec.tables for spec in DATASETS.values())
    forged = tmp_path / "audit.csv"
    forged.write_text("id,actor\n1,mallory\n", encoding="utf-8")
    done = CliRunner().invoke(
        app, ["import", "audit_events", str(forged), "--db", sqlite_store.url, "--as", "x@y.z"]
    )
    assert done.exit_code == 2
    assert "unknown dataset 'audit_events'" in done.stderr
    # the one command about history only reads it
    names = _command_names(app)
    assert "history" in names
    assert not [n for n in names if re.search(r"audit|purge|prune|erase|forget", n)], names


def _command_names(app) -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    found = []

    def walk(command, prefix: str) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append(f"{prefix}{name}")
            walk(sub, f"{prefix}{name} ")

    walk(group, "")
    return found


def test_sqlite_triggers_live_in_the_file(sqlite_store):
    """The refusal does not depend on the app's connection set-up: it is in the database."""
    path = Path(sqlite_store.sqlite_path)
    conn = sqlite3.connect(path)
    try:
        triggers = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_events'"
            )
        }
    finally:
        conn.close()
    assert triggers == {
        "audit_events_no_update",
        "audit_events_no_delete",
        "audit_events_no_replace",
    }
