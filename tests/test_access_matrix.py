"""Who may do what: every action for every role, allowed exactly where the rule says.

The expectation is the table below, written out by hand from the issue's rule (members read;
officers edit and import what is assigned to them; directors edit and import everything and
record meetings; administrators keep users and settings), not read from ``data_access.access``.
Each cell is checked three ways:

- the command layer, called directly, on SQLite and PostgreSQL: an allowed action is saved with
  its audit event; a refused one raises, changes nothing, and leaves a ``refused`` audit event
  naming the person and the permission;
- the ``ascgov`` command: every cell through the Typer app the console script runs (in
  process, so the whole matrix stays fast), and a cross-section through the installed binary
  itself in a subprocess, with ``ASCGOV_AS`` and with ``--as``;
- the Updates page under AppTest with ``at.user`` set: members and administrators get no form,
  an officer's pick lists hold only their items, a director's everything, and each kind of
  item is saved through its form.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from data_access import commands, schema
from data_access.access import NotPermitted, Principal, principal_for
from data_access.app_settings import configured_lists, set_list
from data_access.exporter import export_frame, write_csv
from data_access.importer import import_file
from data_access.models import User
from data_access.problems import ImportRejected
from data_access.sample_data import load_sample_data
from data_access.statuses import read_entries
from data_access.store import Store
from data_access.users import add_user, set_password
from data_access.vocab import Measure
from tests.conftest import REPO
from tests.pages_support import signed_in_as
from tests.store_snapshots import copy_sqlite, fresh_pg_store, sqlite_url

# --- the rule, as a table --------------------------------------------------------------------
# officer_in acts on items assigned to the demo officer, officer_out on items that are not;
# "rows" is a refusal of the file row by row (each row outside the assignment named)
MATRIX = """
action                    member  officer_in  officer_out  director  admin
edit_area                 no      yes         no           yes       no
edit_milestone            no      yes         no           yes       no
edit_savings_year         no      yes         no           yes       no
set_brag_override         no      yes         no           yes       no
edit_backlog_month        no      yes         no           yes       no
edit_action               no      yes         no           yes       no
record_meeting            no      no          no           yes       no
import_areas              no      yes         rows         yes       no
import_milestones         no      yes         rows         yes       no
import_savings            no      yes         rows         yes       no
import_backlog            no      yes         rows         yes       no
import_actions            no      yes         rows         yes       no
import_components         no      no          no           yes       no
import_mtfs               no      no          no           yes       no
import_programmes         no      no          no           yes       no
import_posts              no      no          no           yes       no
import_reported_totals    no      no          no           yes       no
import_cases              no      yes         rows         yes       no
add_user                  no      no          no           no        yes
set_password              no      no          no           no        yes
set_status_list           no      no          no           no        yes
"""


def _parse(table: str) -> tuple[tuple[str, ...], dict[tuple[str, str], str]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    roles = tuple(header[1:])
    return roles, {
        (row[0], role): cell for row in rows for role, cell in zip(roles, row[1:], strict=True)
    }


ROLES, EXPECTED = _parse(MATRIX)
ACTIONS = tuple(dict.fromkeys(action for action, _ in EXPECTED))
CELLS = [(action, role) for action in ACTIONS for role in ROLES]

# what the refusal says each person may not do (the wording members of staff will read)
REFUSED_VERB = {
    "edit_area": "edit an accountability area",
    "edit_milestone": "edit a milestone",
    "edit_savings_year": "edit a savings line",
    "set_brag_override": "edit a savings line",
    "edit_backlog_month": "edit backlog figures",
    "edit_action": "edit a committee action",
    "record_meeting": "record a committee meeting",
    "add_user": "manage users",
    "set_password": "manage users",
    "set_status_list": "manage settings",
    **{a: "import a file" for a in ACTIONS if a.startswith("import_")},
}
# the permission named in the refused audit event
REFUSED_PERMISSION = {
    "edit_area": "edit_area",
    "edit_milestone": "edit_milestone",
    "edit_savings_year": "edit_savings",
    "set_brag_override": "edit_savings",
    "edit_backlog_month": "edit_backlog",
    "edit_action": "edit_action",
    "record_meeting": "record_meeting",
    "add_user": "manage_users",
    "set_password": "manage_users",
    "set_status_list": "manage_settings",
    **{a: "import" for a in ACTIONS if a.startswith("import_")},
}
OUTSIDE = "outside the areas, workstreams, teams or actions assigned to you"
# the edits checked against an officer's assignment (the others need a role, not a scope)
SCOPED_ACTIONS = {
    "edit_area",
    "edit_milestone",
    "edit_savings_year",
    "set_brag_override",
    "edit_backlog_month",
    "edit_action",
}

# the demo officer's assignment (data_access/demo_accounts.py), written out again here
OFFICER_AREAS = {"IP09", "IP10", "IP18", "IP19"}
OFFICER_WORKSTREAMS = {"Reviews programme (Nottingham City)"}
OFFICER_TEAMS = {"North locality", "All teams"}
OFFICER_ACTIONS = {"ROT-A1"}

DEMO = "demo.example"


def email_of(role: str) -> str:
    return f"{role.split('_')[0]}@{DEMO}"


def scope_of(role: str) -> str:
    return "out" if role == "officer_out" else "in"


# --- stores ----------------------------------------------------------------------------------
def _fill(store: Store) -> Store:
    from data_access.demo_accounts import create_demo_accounts

    load_sample_data(store)
    create_demo_accounts(store, with_passwords=False)
    return store


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """A SQLite file holding the demo council and its users, copied by each CLI and page test."""
    path = tmp_path_factory.mktemp("matrix") / "template.sqlite3"
    store = Store(sqlite_url(path))
    store.upgrade()
    _fill(store)
    store.dispose()
    return path


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def matrix_store(request, demo_template, tmp_path_factory) -> Iterator[Store]:
    """One demo store per database for the whole command-layer matrix.

    Every cell reads the versions it needs, writes values no other cell writes, and checks its
    own effect against a snapshot taken just before, so the cells do not depend on each
    other's order (a fresh PostgreSQL database per cell would cost a quarter of a second each).
    """
    if request.param == "sqlite":
        store = copy_sqlite(demo_template, tmp_path_factory.mktemp("cmd") / "store.sqlite3")
        yield store
        store.dispose()
        return
    with fresh_pg_store(request.getfixturevalue("pg_template")) as store:
        yield _fill(store)


# --- what each action does, and how to see that it did ---------------------------------------
_unique = itertools.count(1)


@dataclass
class Plan:
    """One attempt at an action, prepared against the store as it is now."""

    call: Callable[[Principal], Any]  # the command, called directly
    argv: list[str]  # the same through ``ascgov`` (without --as / --db)
    table: str  # where an allowed attempt shows
    where: dict[str, Any]
    field: str
    value: Any
    audit: tuple[str, str]  # (dataset, entity_key) of the audit event an allowed attempt writes
    stdin: str | None = None


def _row(store: Store, table: str, **where: Any) -> dict[str, Any] | None:
    t = schema.metadata.tables[table]
    with store.engine.connect() as conn:
        found = conn.execute(select(t).where(*(t.c[k] == v for k, v in where.items()))).first()
    return None if found is None else dict(found._mapping)


def _pounds(pence: int | None) -> str:
    return "-" if pence is None else f"{pence / 100:.2f}"


def _other(options: tuple[str, ...] | list[str], current: str) -> str:
    return next(o for o in options if o != current)


def plan_edit_area(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    code = {"in": "IP10", "out": "IP01"}[scope]
    row = _row(store, "areas", code=code)
    text = f"Commentary from the matrix ({tag})"
    return Plan(
        lambda who: commands.edit_area(
            store,
            who,
            code,
            version=row["version"],
            status=row["status"],
            rag=row["rag"],
            commentary=text,
        ),
        ["edit", "area", code, "--version", str(row["version"]), "--status", row["status"]]
        + ["--rag", row["rag"] or "-", "--commentary", text],
        "areas",
        {"code": code},
        "commentary",
        text,
        ("areas", code),
    )


def plan_edit_milestone(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    code = {"in": "IP19-M2", "out": "IP16-M1"}[scope]
    row = _row(store, "milestones", code=code)
    text = f"Evidence from the matrix ({tag})"
    return Plan(
        lambda who: commands.edit_milestone(
            store,
            who,
            code,
            version=row["version"],
            status=row["status"],
            due_date=row["due_date"],
            completed_date=row["completed_date"],
            evidence=text,
        ),
        ["edit", "milestone", code, "--version", str(row["version"]), "--status", row["status"]]
        + ["--due", row["due_date"].isoformat(), "--completed", "-", "--evidence", text],
        "milestones",
        {"code": code},
        "evidence",
        text,
        ("milestones", code),
    )


def plan_edit_savings_year(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    code, year = {"in": ("NCITY-REV", "2023/24"), "out": ("LCC-W2", "2024/25")}[scope]
    row = _row(store, "savings_years", line_code=code, financial_year=year)
    forecast = 100_000_00 + next(_unique) * 100  # whole pounds: the CLI takes pounds
    return Plan(
        lambda who: commands.edit_savings_year(
            store,
            who,
            code,
            year,
            version=row["version"],
            forecast_pence=forecast,
            delivered_pence=row["delivered_pence"],
        ),
        ["edit", "savings", code, year, "--version", str(row["version"])]
        + ["--forecast", _pounds(forecast), "--delivered", _pounds(row["delivered_pence"])],
        "savings_years",
        {"line_code": code, "financial_year": year},
        "forecast_pence",
        forecast,
        ("savings_years", f"{code}|{year}"),
    )


def plan_set_brag_override(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    code = {"in": "NCITY-REV", "out": "LCC-W3"}[scope]
    row = _row(store, "savings_lines", code=code)
    reason = f"Set by hand in the matrix ({tag})"
    return Plan(
        lambda who: commands.set_brag_override(
            store, who, code, version=row["version"], brag_override="Amber", override_reason=reason
        ),
        ["edit", "override", code, "--version", str(row["version"]), "--reason", reason]
        + ["--brag", "Amber"],
        "savings_lines",
        {"code": code},
        "override_reason",
        reason,
        ("savings_lines", code),
    )


BACKLOG_MONTH = date(2023, 11, 1)
HIGH = "High: risk or safeguarding"


def plan_edit_backlog_month(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    team = {"in": "North locality", "out": "South locality"}[scope]
    measure = Measure.OVERDUE_ANNUAL_REVIEWS
    where = {"measure": measure.value, "month": BACKLOG_MONTH, "team": team, "priority_band": HIGH}
    row = _row(store, "backlog", **where)
    value = 1000 + next(_unique)
    figure = commands.BacklogFigure(measure, value, row["target"], row["version"])
    target = [] if row["target"] is None else ["--target", str(row["target"])]
    return Plan(
        lambda who: commands.edit_backlog_month(
            store, who, month=BACKLOG_MONTH, team=team, priority_band=HIGH, figures=[figure]
        ),
        ["edit", "backlog", measure.value, "2023-11", team, HIGH, "--value", str(value)]
        + ["--version", str(row["version"]), *target],
        "backlog",
        where,
        "value",
        value,
        ("backlog", f"{measure.value}|2023-11-01|{team}|{HIGH}"),
    )


def plan_edit_action(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    code = {"in": "ROT-A1", "out": "ROT-R2"}[scope]
    row = _row(store, "committee_actions", code=code)
    status = _other(("In progress", "Done"), row["status"])
    return Plan(
        lambda who: commands.edit_action(store, who, code, version=row["version"], status=status),
        ["edit", "action", code, "--version", str(row["version"]), "--status", status],
        "committee_actions",
        {"code": code},
        "status",
        status,
        ("committee_actions", code),
    )


def plan_record_meeting(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    committee = "Matrix scrutiny committee"
    day = date(2030, 1, 1) + timedelta(days=next(_unique))
    return Plan(
        lambda who: commands.record_meeting(store, who, committee, day),
        ["meetings", "add", committee, day.isoformat()],
        "meetings",
        {"committee": committee, "meeting_date": day},
        "committee",
        committee,
        ("meetings", f"{committee}|{day.isoformat()}"),
    )


# the row each import changes: (table, key columns in the file -> in the table), in / out
IMPORT_TARGETS: dict[str, tuple[str, dict[str, str], dict[str, dict[str, Any]]]] = {
    "areas": ("areas", {"code": "code"}, {"in": {"code": "IP18"}, "out": {"code": "IP02"}}),
    "milestones": (
        "milestones",
        {"code": "code"},
        {"in": {"code": "IP18-M2"}, "out": {"code": "IP01-M1"}},
    ),
    "savings": (
        "savings_years",
        {"code": "line_code", "financial_year": "financial_year"},
        {
            "in": {"code": "NCITY-REV", "financial_year": "2023/24"},
            "out": {"code": "LCC-W4", "financial_year": "2024/25"},
        },
    ),
    "backlog": (
        "backlog",
        {"measure": "measure", "month": "month", "team": "team", "priority_band": "priority_band"},
        {
            scope: {
                "measure": "overdue_annual_reviews",
                "month": BACKLOG_MONTH,
                "team": team,
                "priority_band": "Low: routine",
            }
            for scope, team in (("in", "North locality"), ("out", "Central reviewing team"))
        },
    ),
    "actions": (
        "committee_actions",
        {"code": "code"},
        {"in": {"code": "ROT-A1"}, "out": {"code": "ROT-R3"}},
    ),
    "components": ("savings_components", {"code": "code"}, {"in": {"code": "NCC-YA-C1"}}),
    "mtfs": ("mtfs_requirements", {"code": "code"}, {"in": {"code": "NCITY-MTFS-ASC"}}),
    "programmes": ("review_programmes", {"code": "code"}, {"in": {"code": "NCITY-REV-2324"}}),
    "posts": ("posts", {"code": "code"}, {"in": {"code": "NCC-P01"}}),
    "reported_totals": ("reported_totals", {"code": "code"}, {"in": {"code": "RT-NCC-YA"}}),
}


def plan_import(dataset: str) -> Callable[[Store, str, str, Path], Plan]:
    def plan(store: Store, scope: str, tag: str, tmp: Path) -> Plan:
        table, columns, targets = IMPORT_TARGETS[dataset]
        wanted = targets.get(scope, targets["in"])
        frame = export_frame(store, dataset).filter(
            *(pl.col(column) == value for column, value in wanted.items())
        )
        assert frame.height == 1, (dataset, wanted)
        source = f"Matrix import ({tag})"
        path = tmp / f"{dataset}-{next(_unique)}.csv"
        write_csv(frame.with_columns(pl.lit(source).alias("source")), path)
        return Plan(
            lambda who: import_file(store, dataset, path, actor=who),
            ["import", dataset, str(path)],
            table,
            {columns[column]: value for column, value in wanted.items()},
            "source",
            source,
            ("imports", f"{dataset}:{path.name}"),
        )

    return plan


CASES_HEADER = "extract_date,person_id,team,age_band,source"


def plan_import_cases(store: Store, scope: str, tag: str, tmp: Path) -> Plan:
    """A census extract of one person (the demo has none): in the officer's team, or not. Each
    attempt its own extract date, so that none corrects another's."""
    team = {"in": "North locality", "out": "South locality"}[scope]
    n = next(_unique)
    day, person = date(2024, 1, 1) + timedelta(days=n), f"MATRIX-{n}"
    source = f"Matrix import ({tag})"
    path = tmp / f"cases-{n}.csv"
    path.write_text(f"{CASES_HEADER}\n{day.isoformat()},{person},{team},65+,{source}\n")
    return Plan(
        lambda who: import_file(store, "cases", path, actor=who),
        ["import", "cases", str(path)],
        "cases",
        {"extract_date": day, "person_id": person},
        "source",
        source,
        ("imports", f"cases:{path.name}"),
    )


def plan_add_user(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    email = f"new.member.{next(_unique)}@council.example"
    user = User(email=email, name="New Member", role="member")
    return Plan(
        lambda who: add_user(store, user, actor=who),
        ["users", "add", email, "--role", "member", "--name", "New Member"],
        "users",
        {"email": email},
        "role",
        "member",
        ("users", email),
    )


def plan_set_password(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    email = f"member@{DEMO}"
    row = _row(store, "users", email=email)
    password = f"a long new passphrase {next(_unique)}"
    return Plan(
        lambda who: set_password(store, email, password, actor=who),
        ["users", "set-password", email],
        "users",
        {"email": email},
        "version",
        row["version"] + 1,
        ("users", email),
        stdin=password + "\n",
    )


def plan_set_status_list(store: Store, scope: str, tag: str, _tmp: Path) -> Plan:
    statuses = [*configured_lists(store)["action_statuses"], f"Parked {next(_unique)}"]
    return Plan(
        lambda who: set_list(store, "action_statuses", statuses, actor=who),
        ["settings", "set-list", "action_statuses", *statuses],
        "app_settings",
        {"key": "action_statuses"},
        "value",
        # stored with each status's meaning (here its word's)
        read_entries(statuses)[0].stored(),
        ("app_settings", "action_statuses"),
    )


PLANS: dict[str, Callable[[Store, str, str, Path], Plan]] = {
    "edit_area": plan_edit_area,
    "edit_milestone": plan_edit_milestone,
    "edit_savings_year": plan_edit_savings_year,
    "set_brag_override": plan_set_brag_override,
    "edit_backlog_month": plan_edit_backlog_month,
    "edit_action": plan_edit_action,
    "record_meeting": plan_record_meeting,
    **{f"import_{dataset}": plan_import(dataset) for dataset in IMPORT_TARGETS},
    "import_cases": plan_import_cases,
    "add_user": plan_add_user,
    "set_password": plan_set_password,
    "set_status_list": plan_set_status_list,
}


def test_the_table_covers_every_action_and_role():
    assert set(PLANS) == set(ACTIONS)
    assert ROLES == ("member", "officer_in", "officer_out", "director", "admin")
    assert set(EXPECTED.values()) == {"yes", "no", "rows"}


# --- checking an outcome ---------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    versions: dict[str, int]  # every dataset but the audit log
    counts: dict[str, int]
    last_event: int


def state(store: Store) -> State:
    versions = {k: v for k, v in store.dataset_versions().items() if k != "audit_events"}
    with store.engine.connect() as conn:
        counts = {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in schema.metadata.tables.items()
            if name != "audit_events"
        }
        last = conn.execute(select(func.coalesce(func.max(schema.audit_events.c.id), 0)))
        return State(versions, counts, last.scalar_one())


def events_after(store: Store, event_id: int) -> list[dict[str, Any]]:
    table = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.id > event_id).order_by(table.c.id))
        return [dict(r._mapping) for r in rows]


def assert_saved(store: Store, plan: Plan, before: State, email: str) -> None:
    row = _row(store, plan.table, **plan.where)
    assert row is not None and row[plan.field] == plan.value, (plan.table, plan.where, row)
    events = events_after(store, before.last_event)
    assert events, "an allowed change writes audit events"
    assert {e["actor"] for e in events} == {email}
    assert "refused" not in {e["action"] for e in events}
    assert any((e["dataset"], e["entity_key"]) == plan.audit for e in events), [
        (e["action"], e["dataset"], e["entity_key"]) for e in events
    ]
    assert state(store).versions != before.versions


def assert_refused(store: Store, plan: Plan, before: State, email: str, action: str) -> None:
    after = state(store)
    assert after.versions == before.versions, "a refused action changes nothing"
    assert after.counts == before.counts
    row = _row(store, plan.table, **plan.where)
    assert row is None or row[plan.field] != plan.value
    events = events_after(store, before.last_event)
    assert [(e["actor"], e["action"], e["dataset"]) for e in events] == [
        (email, "refused", "access")
    ], events
    event = events[0]
    assert event["entity_key"] == REFUSED_PERMISSION[action]
    assert event["after"]["role"] == email.split("@")[0]
    assert REFUSED_VERB[action] in event["reason"]


# --- (a) the command layer, on both databases ------------------------------------------------
@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_command_layer(matrix_store, tmp_path, action, role):
    store = matrix_store
    who = principal_for(store, email_of(role))
    assert who is not None
    plan = PLANS[action](store, scope_of(role), f"{role} {action}", tmp_path)
    before = state(store)
    expected = EXPECTED[(action, role)]
    if expected == "yes":
        plan.call(who)
        assert_saved(store, plan, before, who.email)
    elif expected == "rows":
        with pytest.raises(ImportRejected) as refused:
            plan.call(who)
        assert "outside what you may edit" in str(refused.value)
        assert len(refused.value.problems) == 1
        assert_refused(store, plan, before, who.email, action)
    else:
        with pytest.raises(NotPermitted) as refused:
            plan.call(who)
        message = str(refused.value)
        assert message.startswith(f"{who.email} ({who.role.value}) may not {REFUSED_VERB[action]}")
        assert (OUTSIDE in message) == (role == "officer_out" and action in SCOPED_ACTIONS)
        assert_refused(store, plan, before, who.email, action)


# --- (b) the CLI -----------------------------------------------------------------------------
ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"


@pytest.fixture
def cli_store(demo_template, tmp_path) -> Iterator[Store]:
    store = copy_sqlite(demo_template, tmp_path / "cli.sqlite3")
    yield store
    store.dispose()


def _check_cli(store: Store, plan: Plan, before: State, action: str, role: str, done) -> None:
    """The exit code and message of one ``ascgov`` run, and its effect on the store."""
    email = email_of(role)
    expected = EXPECTED[(action, role)]
    if expected == "yes":
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert_saved(store, plan, before, email)
        return
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""
    if expected == "rows":
        assert "import refused, nothing written (1 problem)" in done.stderr
        assert "outside what you may edit" in done.stderr
    else:
        shown = email.split("@")[0]
        assert f"{email} ({shown}) may not {REFUSED_VERB[action]}" in done.stderr
        assert (OUTSIDE in done.stderr) == (role == "officer_out" and action in SCOPED_ACTIONS)
    assert_refused(store, plan, before, email, action)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_cli(cli_store, tmp_path, action, role):
    """Every cell through the Typer app that the ``ascgov`` console script runs."""
    from dashboard.cli.main import app

    plan = PLANS[action](cli_store, scope_of(role), f"{role} {action} cli", tmp_path)
    before = state(cli_store)
    result = CliRunner().invoke(
        app,
        [*plan.argv, "--db", cli_store.url],
        input=plan.stdin,
        env={"ASCGOV_AS": email_of(role), "ASCGOV_DATABASE_URL": cli_store.url},
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    _check_cli(
        cli_store, plan, before, action, role, Ran(result.exit_code, result.stdout, result.stderr)
    )


# the installed binary: each role, allowed and refused, both ways of saying who you are
BINARY_CELLS = [
    ("edit_area", "member", "env"),
    ("edit_milestone", "officer_in", "flag"),
    ("edit_milestone", "officer_out", "env"),
    ("import_areas", "officer_out", "flag"),
    ("record_meeting", "director", "env"),
    ("add_user", "admin", "flag"),
]


def test_cli_binary(demo_template, tmp_path):
    """A cross-section of the matrix through ``.venv/bin/ascgov`` itself (a subprocess costs
    about two seconds of start-up, so not all hundred cells), run side by side."""
    prepared = []
    for number, (action, role, how) in enumerate(BINARY_CELLS):
        folder = tmp_path / str(number)
        folder.mkdir()
        store = copy_sqlite(demo_template, folder / "store.sqlite3")
        plan = PLANS[action](store, scope_of(role), f"{role} {action} binary", folder)
        prepared.append((store, plan, state(store), action, role, how))

    def run(item) -> subprocess.CompletedProcess:
        store, plan, _, _, role, how = item
        env = {**os.environ, "ASCGOV_DATABASE_URL": store.url}
        env.pop("ASCGOV_AS", None)
        argv = list(plan.argv)
        if how == "env":
            env["ASCGOV_AS"] = email_of(role)
        else:
            argv += ["--as", email_of(role)]
        return subprocess.run(
            [ASCGOV, *argv], input=plan.stdin, capture_output=True, text=True, env=env, timeout=120
        )

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(run, prepared))
    for (store, plan, before, action, role, _), done in zip(prepared, results, strict=True):
        _check_cli(store, plan, before, action, role, done)
        store.dispose()
    assert {role for _, role, _ in BINARY_CELLS} == set(ROLES)


# --- (c) the Updates page --------------------------------------------------------------------
@pytest.fixture
def page_store(demo_template, tmp_path, monkeypatch) -> Iterator[Store]:
    """The app pointed at a fresh copy of the demo store."""
    from data_access.settings import get_settings

    store = copy_sqlite(demo_template, tmp_path / "page.sqlite3")
    monkeypatch.setenv("ASCGOV_DATABASE_URL", store.url)
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()
    store.dispose()


def updates_page(role: str) -> AppTest:
    at = signed_in_as(AppTest.from_file(str(REPO / "pages/updates.py"), default_timeout=60), role)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _rerun(changed) -> AppTest:
    """Run again after changing a widget (or the AppTest itself); fail on any exception."""
    at = changed.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at: AppTest, kind: str) -> AppTest:
    return _rerun(at.radio(key="kind").set_value(kind))


def _codes(at: AppTest, key: str) -> list[str]:
    return [option.split(":", 1)[0] for option in at.selectbox(key=key).options]


def _choose(at: AppTest, key: str, code: str) -> AppTest:
    box = at.selectbox(key=key)
    return _rerun(box.set_value(next(o for o in box.options if o.split(":", 1)[0] == code)))


def _press(at: AppTest, label: str) -> AppTest:
    return _rerun(next(b for b in at.button if b.label == label).click())


ALL_KINDS = [
    "Accountability area",
    "Milestone",
    "Savings line",
    "Backlog figures",
    "Committee action",
    "Committee meeting",
]


@pytest.mark.parametrize("role", ["member", "admin"])
def test_page_members_and_administrators_get_no_forms(page_store, role):
    at = updates_page(role)
    assert [i.value for i in at.info] == [
        "Your role does not include editing. Members read the figures; officers and directors "
        "keep them up to date."
    ]
    for kind in ("radio", "selectbox", "text_area", "text_input", "number_input", "date_input"):
        assert not at.get(kind), kind
    assert not at.button


def _items(store: Store) -> dict[str, pl.DataFrame]:
    from data_access.loaders import load_table

    names = ("areas", "milestones", "savings_lines", "committee_actions", "backlog")
    return {name: load_table(store, name) for name in names}


def _pick_lists(at: AppTest) -> dict[str, list[str]]:
    lists = {}
    for kind, key in (
        ("Accountability area", "pick-area"),
        ("Milestone", "pick-milestone"),
        ("Savings line", "pick-line"),
        ("Committee action", "pick-action"),
    ):
        lists[kind] = _codes(_open(at, kind), key)
    lists["Backlog figures"] = list(_open(at, "Backlog figures").selectbox(key="pick-team").options)
    return lists


def test_page_officer_pick_lists_hold_only_items_in_scope(page_store):
    items = _items(page_store)
    at = updates_page("officer")
    assert at.radio(key="kind").options == ALL_KINDS[:-1]  # no meetings for officers
    expected = {
        "Accountability area": sorted(OFFICER_AREAS),
        "Milestone": sorted(
            items["milestones"].filter(pl.col("area_code").is_in(OFFICER_AREAS))["code"]
        ),
        "Savings line": sorted(
            items["savings_lines"].filter(pl.col("workstream").is_in(OFFICER_WORKSTREAMS))["code"]
        ),
        "Backlog figures": sorted(OFFICER_TEAMS),
        "Committee action": sorted(OFFICER_ACTIONS),
    }
    assert expected["Milestone"] == [
        "IP09-M1",
        "IP09-M2",
        "IP09-M3",
        "IP10-M1",
        "IP10-M2",
        "IP18-M1",
        "IP18-M2",
        "IP19-M1",
        "IP19-M2",
    ]
    assert expected["Savings line"] == ["NCITY-REV"]
    assert _pick_lists(at) == expected


def test_page_director_pick_lists_hold_everything(page_store):
    items = _items(page_store)
    at = updates_page("director")
    assert at.radio(key="kind").options == ALL_KINDS
    expected = {
        "Accountability area": sorted(items["areas"]["code"]),
        "Milestone": sorted(items["milestones"]["code"]),
        "Savings line": sorted(items["savings_lines"]["code"]),
        "Backlog figures": sorted(set(items["backlog"]["team"])),
        "Committee action": sorted(items["committee_actions"]["code"]),
    }
    assert [len(v) for v in expected.values()] == [19, 13, 7, 4, 12]
    assert _pick_lists(at) == expected
    meeting = _open(at, "Committee meeting")
    assert meeting.text_input(key="meeting:committee") is not None


def _audit_by(store: Store, dataset: str, key: str) -> list[tuple[str, str]]:
    table = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.actor, table.c.action)
            .where(table.c.dataset == dataset, table.c.entity_key == key)
            .where(table.c.actor.like(f"%@{DEMO}"))
            .order_by(table.c.id)
        )
        return [tuple(r) for r in rows]


def _saved_message(at: AppTest) -> str:
    """What the success notices say (as a reader sees them), after checking nothing failed."""
    assert not at.error, [e.value for e in at.error]
    assert not at.warning, [w.value for w in at.warning]
    assert at.success
    # the page escapes text for markdown
    return "\n".join(re.sub(r"\\(.)", r"\1", s.value) for s in at.success)


def test_page_officer_saves_an_area(page_store):
    at = _choose(_open(updates_page("officer"), "Accountability area"), "pick-area", "IP09")
    at.text_area(key="area:IP09:commentary").set_value("Saved through the form.")
    at = _press(at, "Save")
    assert "IP09 is now at version 2" in _saved_message(at)
    assert _row(page_store, "areas", code="IP09")["commentary"] == "Saved through the form."
    assert _audit_by(page_store, "areas", "IP09") == [(f"officer@{DEMO}", "edit:update")]


def test_page_officer_saves_a_milestone(page_store):
    at = _choose(_open(updates_page("officer"), "Milestone"), "pick-milestone", "IP19-M1")
    form = "milestone:IP19-M1"
    at.selectbox(key=f"{form}:status").set_value("Complete")
    at.date_input(key=f"{form}:completed").set_value(date(2024, 3, 28))
    at.text_area(key=f"{form}:evidence").set_value("Signed off by the board.")
    at = _press(at, "Save")
    assert "IP19-M1 is now at version 2" in _saved_message(at)
    row = _row(page_store, "milestones", code="IP19-M1")
    assert (row["status"], row["completed_date"], row["evidence"]) == (
        "Complete",
        date(2024, 3, 28),
        "Signed off by the board.",
    )
    assert _audit_by(page_store, "milestones", "IP19-M1") == [(f"officer@{DEMO}", "edit:update")]


def test_page_officer_saves_a_savings_year_and_an_override(page_store):
    at = _choose(_open(updates_page("officer"), "Savings line"), "pick-line", "NCITY-REV")
    assert at.selectbox(key="pick-year").options == ["2023/24"]
    at.text_input(key="savings:NCITY-REV|2023/24:fc").set_value("£1,250,000.50")
    at = _press(at, "Save forecast and delivered")
    assert "NCITY-REV|2023/24 is now at version 2" in _saved_message(at)
    year = _row(page_store, "savings_years", line_code="NCITY-REV", financial_year="2023/24")
    assert year["forecast_pence"] == 125_000_050

    at.selectbox(key="override:NCITY-REV:brag").set_value("Amber")
    at.text_area(key="override:NCITY-REV:reason").set_value("Finance expect a late start.")
    at = _press(at, "Save rating")
    assert "NCITY-REV is now at version 2" in _saved_message(at)
    line = _row(page_store, "savings_lines", code="NCITY-REV")
    assert (line["brag_override"], line["override_reason"]) == (
        "Amber",
        "Finance expect a late start.",
    )
    assert _audit_by(page_store, "savings_years", "NCITY-REV|2023/24") == [
        (f"officer@{DEMO}", "edit:update")
    ]
    assert _audit_by(page_store, "savings_lines", "NCITY-REV") == [
        (f"officer@{DEMO}", "edit:update")
    ]


def test_page_officer_saves_backlog_figures(page_store):
    at = _open(updates_page("officer"), "Backlog figures")
    at.selectbox(key="pick-team").set_value("North locality")
    at = _rerun(at)
    at.selectbox(key="pick-band").set_value(HIGH)
    at.date_input(key="pick-month").set_value(date(2023, 11, 20))
    at = _rerun(at)
    key = f"backlog:2023-11|North locality|{HIGH}:overdue_annual_reviews:value"
    assert at.number_input(key=key).value == 60
    at.number_input(key=key).set_value(57)
    at = _press(at, "Save figures")
    entity = f"overdue_annual_reviews|2023-11-01|North locality|{HIGH}"
    assert f"{entity} is now at version 2" in _saved_message(at)
    row = _row(
        page_store,
        "backlog",
        measure="overdue_annual_reviews",
        month=date(2023, 11, 1),
        team="North locality",
        priority_band=HIGH,
    )
    assert row["value"] == 57
    assert _audit_by(page_store, "backlog", entity) == [(f"officer@{DEMO}", "edit:update")]


def test_page_officer_saves_a_committee_action(page_store):
    at = _choose(_open(updates_page("officer"), "Committee action"), "pick-action", "ROT-A1")
    at.selectbox(key="action:ROT-A1:status").set_value("Done")
    at = _press(at, "Save")
    assert "ROT-A1 is now at version 2" in _saved_message(at)
    assert _row(page_store, "committee_actions", code="ROT-A1")["status"] == "Done"
    assert _audit_by(page_store, "committee_actions", "ROT-A1") == [
        (f"officer@{DEMO}", "edit:update")
    ]


def test_page_director_records_a_meeting_and_edits_any_area(page_store):
    at = _open(updates_page("director"), "Committee meeting")
    at.text_input(key="meeting:committee").set_value("Adult Social Care Scrutiny Panel")
    at.date_input(key="meeting:date").set_value(date(2024, 6, 4))
    at = _press(at, "Record meeting")
    _saved_message(at)
    assert _row(
        page_store,
        "meetings",
        committee="Adult Social Care Scrutiny Panel",
        meeting_date=date(2024, 6, 4),
    )
    # an area no officer has: only a director may change it
    at = _choose(_open(at, "Accountability area"), "pick-area", "IP01")
    at.text_area(key="area:IP01:commentary").set_value("Checked by the director.")
    at = _press(at, "Save")
    assert "IP01 is now at version 2" in _saved_message(at)
    assert _audit_by(page_store, "areas", "IP01") == [(f"director@{DEMO}", "edit:update")]


# --- a dataset of people: never exported to members or administrators -------------------------
@pytest.mark.parametrize("role", ["member", "officer", "director", "admin"])
def test_export_cases_is_refused_to_members_and_administrators(cli_store, tmp_path, role):
    """``ascgov export cases``: refused to members and administrators (and the refusal kept);
    an officer gets their teams' people only, a director everyone; without --as, no one."""
    from dashboard.cli.main import app

    extract = tmp_path / "extract.csv"
    extract.write_text(
        f"{CASES_HEADER}\n2024-03-31,MATRIX-N,North locality,65+,x\n"
        "2024-03-31,MATRIX-S,South locality,18-64,x\n"
    )
    director = principal_for(cli_store, email_of("director"))
    import_file(cli_store, "cases", extract, actor=director)
    out = tmp_path / "cases-out.csv"
    env = {"ASCGOV_AS": email_of(role), "ASCGOV_DATABASE_URL": cli_store.url}
    argv = ["export", "cases", "--format", "csv", "-o", str(out), "--db", cli_store.url]
    before = state(cli_store)
    result = CliRunner().invoke(app, argv, env=env)
    if role in ("member", "admin"):
        assert result.exit_code == 1, result.stdout
        assert "may not work with case records (export cases)" in result.stderr
        assert not out.exists()
        events = events_after(cli_store, before.last_event)
        assert [(e["action"], e["entity_key"]) for e in events] == [("refused", "cases")]
    else:
        assert result.exit_code == 0, result.stderr
        people = pl.read_csv(out)["person_id"].to_list()
        assert people == (["MATRIX-N"] if role == "officer" else ["MATRIX-N", "MATRIX-S"])
    # no one at all: refused before anything is read
    nobody = CliRunner().invoke(app, argv, env={"ASCGOV_DATABASE_URL": cli_store.url})
    assert nobody.exit_code == 2 and "--as EMAIL" in nobody.stderr
