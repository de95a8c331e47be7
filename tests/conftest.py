"""Shared fixtures: stores on SQLite and PostgreSQL, empty or holding the demo council.

PostgreSQL tests use ASCGOV_TEST_PG_URL (default: the local server on 127.0.0.1:5432). Locally
they skip, saying so, when no server answers; under CI (CI=true) a missing server is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.access import Principal
from data_access.sample_data import load_sample_data
from data_access.store import Store
from data_access.vocab import Role

PG_ADMIN_URL = os.environ.get(
    "ASCGOV_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    group = parser.getgroup("ascgov", "durability and kill tests (test_durability, test_kills)")
    group.addoption(
        "--durability-rounds",
        type=int,
        default=50,
        help="saves the long-lived app makes between separate ascgov processes (default 50)",
    )
    group.addoption(
        "--kill-rounds",
        type=int,
        default=None,
        help="SIGKILLs per kill test and database (default: a few, to keep the suite quick; "
        "50 or more on demand)",
    )


def _ddl(statement: str, **names: str):
    """DDL naming databases (identifiers cannot be bound parameters): names must be plain."""
    for value in names.values():
        if not re.fullmatch(r"[a-z0-9_]+", value):
            raise ValueError(f"unsafe database name {value!r}")
    return text(statement.format(**names))


def _pg_admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template():
    """A migrated PostgreSQL database that each test's database is copied from."""
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means no server
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__})"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run the PostgreSQL tests")
        hint = message + ": start it with pg_ctlcluster --skip-systemctl-redirect 15 main start"
        pytest.skip(reason=hint)
    name = f"ascgov_tmpl_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.execute(_ddl('CREATE DATABASE "{name}"', name=name))
    url = engine.url.set(database=name)
    store = Store(url.render_as_string(hide_password=False))
    store.upgrade()
    store.dispose()
    yield name
    with engine.connect() as conn:
        conn.execute(_ddl('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', name=name))
    engine.dispose()


# fixtures after which a test's store holds the demo council: such a store is copied from a
# template that holds it already (migrating and loading it took 0.7-1.5 s a test)
DEMO_FIXTURES = frozenset({"demo_store", "sqlite_demo_store", "app_env"})
# stores copied with the demo council in them, by URL: `with_demo_council` leaves them as they are
_HOLD_DEMO: set[str] = set()


def _wants_demo(request) -> bool:
    return not DEMO_FIXTURES.isdisjoint(request.fixturenames)


@pytest.fixture(scope="session")
def pg_demo_template(pg_template):
    """A copy of ``pg_template`` holding the demo council, made the first time a test needs it."""
    engine = _pg_admin_engine()
    name = f"ascgov_demo_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.execute(
            _ddl('CREATE DATABASE "{name}" TEMPLATE "{tmpl}"', name=name, tmpl=pg_template)
        )
    store = Store(engine.url.set(database=name).render_as_string(hide_password=False))
    _load_demo(store)
    store.dispose()
    yield name
    with engine.connect() as conn:
        conn.execute(_ddl('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', name=name))
    engine.dispose()


@pytest.fixture
def pg_store(pg_template, request):
    engine = _pg_admin_engine()
    name = f"ascgov_test_{uuid.uuid4().hex[:10]}"
    demo = _wants_demo(request)
    template = request.getfixturevalue("pg_demo_template") if demo else pg_template
    with engine.connect() as conn:
        conn.execute(_ddl('CREATE DATABASE "{name}" TEMPLATE "{tmpl}"', name=name, tmpl=template))
    store = Store(engine.url.set(database=name).render_as_string(hide_password=False))
    if demo:
        _HOLD_DEMO.add(store.url)
    yield store
    store.dispose()
    with engine.connect() as conn:
        conn.execute(_ddl('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', name=name))
    engine.dispose()


def _sqlite_template(folder: Path, *, demo: bool) -> Path:
    path = folder / "store.sqlite3"
    store = Store("sqlite:///" + str(path))
    store.upgrade()
    if demo:
        _load_demo(store)
    store.dispose()  # the last connection closed: SQLite has folded its WAL into the file
    assert not path.with_name(path.name + "-wal").exists(), "template left a WAL file"
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated, empty SQLite store file that each test's store is copied from."""
    return _sqlite_template(tmp_path_factory.mktemp("sqlite_template"), demo=False)


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory):
    return _sqlite_template(tmp_path_factory.mktemp("sqlite_demo_template"), demo=True)


@pytest.fixture
def sqlite_store(tmp_path, request):
    demo = _wants_demo(request)
    template = request.getfixturevalue("sqlite_demo_template" if demo else "sqlite_template")
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(template, path)
    store = Store("sqlite:///" + str(path))
    if demo:
        _HOLD_DEMO.add(store.url)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request):
    """An empty, migrated store on each database."""
    fixture = "sqlite_store" if request.param == "sqlite" else "pg_store"
    return request.getfixturevalue(fixture)


# who the tests act as when what is tested is not the role rule (a director may import and
# edit everything); tests of the rule itself sign in as each demo user
DIRECTOR = Principal(email="director@demo.example", name="Demo Director", role=Role.DIRECTOR)


def _load_demo(store):
    from data_access.demo_accounts import create_demo_accounts

    load_sample_data(store)
    # one user per role (no passwords: hashing is slow; sign-in tests set their own)
    create_demo_accounts(store, with_passwords=False)


def with_demo_council(store):
    """Load the demo council and one demo user per role into ``store`` (a store copied from
    the demo template holds them already)."""
    if store.url not in _HOLD_DEMO:
        _load_demo(store)
    return store


@pytest.fixture
def demo_store(store):
    """A store on each database holding the demo council and one demo user per role."""
    return with_demo_council(store)


@pytest.fixture
def sqlite_demo_store(sqlite_store):
    return with_demo_council(sqlite_store)


@pytest.fixture
def app_env(sqlite_demo_store, monkeypatch):
    """Point the app (run under AppTest) at a SQLite store holding the demo council."""
    from data_access.settings import get_settings

    monkeypatch.setenv("ASCGOV_DATABASE_URL", sqlite_demo_store.url)
    get_settings.cache_clear()
    yield sqlite_demo_store
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def sign_in_demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sign_in") / "template.sqlite3"
    store = Store("sqlite:///" + str(path.resolve()))
    store.upgrade()
    with_demo_council(store)
    store.dispose()
    return path


@pytest.fixture
def app_store(sign_in_demo_file, tmp_path, monkeypatch) -> Iterator[Store]:
    """The app pointed at a fresh copy of the demo store (one demo user per role), copied
    from a file built once per module."""
    from data_access.settings import get_settings
    from tests.store_snapshots import copy_sqlite

    store = copy_sqlite(sign_in_demo_file, tmp_path / "app.sqlite3")
    monkeypatch.setenv("ASCGOV_DATABASE_URL", store.url)
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()
    store.dispose()


@pytest.fixture
def empty_app_env(sqlite_store, monkeypatch):
    from data_access.access import system_principal
    from data_access.demo_accounts import demo_users
    from data_access.models import User
    from data_access.users import add_user

    for user in demo_users():  # an empty store has no areas to assign
        bare = User(email=user.email, name=user.name, role=user.role)
        add_user(sqlite_store, bare, actor=system_principal("tests"))
    from data_access.settings import get_settings

    monkeypatch.setenv("ASCGOV_DATABASE_URL", sqlite_store.url)
    get_settings.cache_clear()
    yield sqlite_store
    get_settings.cache_clear()


def pytest_runtest_logreport(report):
    from tests import corpus_tally

    corpus_tally.collect(report)


def pytest_terminal_summary(terminalreporter):
    from tests import corpus_tally

    corpus_tally.summarise(terminalreporter)


# files of a minute or more (measured with --durations): collected first, so that with two
# workers (`./scripts/run-tests`, one file per worker at a time, in this order: it passes
# --no-loadscope-reorder) neither is left running one of them alone at the end
LONG_FILES = (
    "test_load_smoke_postgres.py",
    "test_load_smoke.py",
    "test_nothing_cut_off.py",
    "test_durability.py",
    "test_xlsx_bombs.py",
    "test_kills.py",
    "test_bench_smoke.py",
    "test_cli_people.py",
    "test_meeting_record.py",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        name = item.path.name
        return LONG_FILES.index(name) if name in LONG_FILES else len(LONG_FILES)

    items.sort(key=rank)  # stable: every other test keeps its place
