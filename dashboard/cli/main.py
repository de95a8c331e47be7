"""``ascgov``: the command line for administrators and officers.

It uses the same repositories, validation and rules as the app. Exit status 0 on success;
non-zero with a clear message on stderr otherwise.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dashboard.cli import meeting_packs  # noqa: F401 - adds the record's commands to meetings
from dashboard.cli.brief import brief
from dashboard.cli.edits import edit_app, meetings_app
from dashboard.cli.serve import serve
from dashboard.cli.support import AsOption, DbOption, _fail, _parse_day, _principal, _store
from data_access.access import NotPermitted
from data_access.datasets import DATASETS
from data_access.problems import ImportRejected
from data_access.store import StaleVersionError
from data_access.synthetic_cases import DEFAULT_PEOPLE, DEFAULT_SEED, MIN_PEOPLE

app = typer.Typer(
    help="Adult social care governance dashboard: store, data and checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database set-up.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo council from the published papers.", no_args_is_help=True)
users_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
settings_app = typer.Typer(help="Status lists an administrator can change.", no_args_is_help=True)
measures_app = typer.Typer(help="Backlog measures: built in, and added.", no_args_is_help=True)
weights_app = typer.Typer(
    help="The review queue's weights: the points each factor adds to a person's place.",
    no_args_is_help=True,
)
cld_lookup_app = typer.Typer(
    help="Spellings of CLD codes mapped to DHSC's lists: built in, and added.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(settings_app, name="settings")
app.add_typer(measures_app, name="measures")
app.add_typer(weights_app, name="queue-weights")
app.add_typer(cld_lookup_app, name="cld-lookup")
app.add_typer(edit_app, name="edit")
app.add_typer(meetings_app, name="meetings")
app.command("brief")(brief)
app.command("serve")(serve)


@app.callback()
def _usable_settings() -> None:
    """Adult social care governance dashboard: store, data and checks."""
    from data_access.settings import SettingsError, get_settings

    # read before any command, so a setting that cannot be used is one line, not a traceback;
    # afresh, so a command run in-process (a test's CliRunner) sees the environment it was given
    get_settings.cache_clear()
    try:
        get_settings()
    except SettingsError as exc:
        _fail(str(exc), 2)


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _dataset(name: str) -> str:
    if name not in DATASETS:
        _fail(f"unknown dataset '{name}'; choose from {', '.join(DATASETS)}", 2)
    return name


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the store or apply the migrations it has not had."""
    store = _store(db)
    typer.echo(f"database is up to date: {store.engine.url.render_as_string(hide_password=True)}")


@demo_app.command("load")
def demo_load(
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Put the demo's rows back over a store that holds other figures "
            "(administrators, with --as); prints what it changes per dataset.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what it would change; write nothing.")
    ] = False,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Load the demo council from the five published papers into an empty store, or refresh
    a store that holds only the demo; any other store is refused unless --replace."""
    from data_access.sample_data import DemoRefused, load_demo

    store = _store(db)
    who = _principal(as_, store) if replace else None
    try:
        load = load_demo(store, replace_as=who, dry_run=dry_run)
    except (DemoRefused, NotPermitted) as exc:
        _fail(str(exc))
    except StaleVersionError as exc:  # an edit saved while the demo was being written
        _fail(f"refused: {exc}; nothing was written")
    if replace:
        verb = "changed" if load.written else "would change"
        typer.echo(f"replacing this store's figures with the demo council {verb}:")
        for line in load.lines() or ["nothing: the store holds the demo council"]:
            typer.echo(f"  {line}")
    if not load.written:
        typer.echo("dry run: nothing was written")
        return
    typer.echo("demo council loaded: " + ", ".join(f"{n} {c}" for n, c in load.rows.items()))
    if not load.changed:
        typer.echo("the store already held the demo council: nothing changed")


@demo_app.command("cases")
def demo_cases(
    people: Annotated[
        int,
        typer.Option(help="People with long-term support at 30 November 2023 (at least 1,000)."),
    ] = DEFAULT_PEOPLE,
    seed: Annotated[int, typer.Option(help="The generator's seed.")] = DEFAULT_SEED,
    db: DbOption = None,
) -> None:
    """Load the demo council's synthetic case history (census extract at 30 November 2023 and
    three years of CLD events) into a store holding the demo council; run again, it changes
    nothing. Every person in it is generated, none real."""
    from data_access.demo_cases import DemoCasesRefused, load_demo_cases

    if people < MIN_PEOPLE:
        _fail(f"--people must be at least {MIN_PEOPLE:,}, not {people:,}", 2)
    store = _store(db)
    typer.echo(f"generating a synthetic council of {people:,} people and loading it...")
    try:
        load = load_demo_cases(store, people=people, seed=seed)
    except (DemoCasesRefused, ImportRejected) as exc:
        _fail(str(exc))
    for line in load.lines():
        typer.echo(line)
    if not load.changed:
        typer.echo("the store already held this case history: nothing changed")


@app.command("import")
def import_(
    dataset: Annotated[str, typer.Argument(help=f"One of: {', '.join(DATASETS)}")],
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    as_at: Annotated[str | None, typer.Option(help="As-at date for rows without one.")] = None,
    source: Annotated[str | None, typer.Option(help="Source for rows without one.")] = None,
    sheet: Annotated[
        str | None, typer.Option(help="The workbook sheet to read (else the visible one).")
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Import a file: every row is written, or none and every problem is listed."""
    from dashboard.domain.case_counts import backlog_counts
    from data_access.importer import import_file

    store = _store(db)
    try:
        report = import_file(
            store,
            _dataset(dataset),
            file,
            actor=_principal(as_, store),
            as_at=_parse_day(as_at, "--as-at"),
            source=source,
            dry_run=dry_run,
            sheet=sheet,
            derive=backlog_counts,  # a census extract's counts feed the backlog series
        )
    except (ImportRejected, NotPermitted) as exc:
        _fail(str(exc))
    typer.echo(str(report))
    for line in report.reading:  # what was read and how
        typer.echo(f"  {line}")


@app.command("export")
def export(
    dataset: Annotated[str, typer.Argument(help=f"One of: {', '.join(DATASETS)}")],
    fmt: Annotated[Format, typer.Option("--format", help="csv or xlsx")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    as_at: Annotated[str | None, typer.Option(help="Figures as they stood on this date.")] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Export a dataset (optionally as at a past date) to CSV or XLSX. A dataset of people
    (cases) is exported only as an officer (their teams) or a director (--as EMAIL)."""
    from data_access.exporter import export_file

    store = _store(db)
    name = _dataset(dataset)
    actor = _principal(as_, store) if DATASETS[name].person_level else None
    try:
        rows = export_file(
            store, name, output, fmt=fmt.value, as_at=_parse_day(as_at, "--as-at"), actor=actor
        )
    except NotPermitted as exc:
        _fail(str(exc))
    typer.echo(f"wrote {rows} rows of {dataset} to {output}")


@app.command("check")
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    all_checks: Annotated[bool, typer.Option("--all", help="Also list totals that agree.")] = False,
    strict: Annotated[bool, typer.Option(help="Exit 1 when any total differs.")] = False,
    db: DbOption = None,
) -> None:
    """List every reported total that does not equal its parts."""
    from dashboard.domain.reconciliation import counts, needing_attention, reconcile
    from data_access.frames import reconciliation_frames

    findings = reconcile(reconciliation_frames(_store(db)))
    counted = counts(findings)
    shown = findings if all_checks else needing_attention(findings)
    if as_json:
        typer.echo(json.dumps([f.as_dict() for f in shown], indent=2))
    else:
        typer.echo(counted.breakdown())
        for finding in shown:
            typer.echo(f"- [{finding.status}] {finding.describe()} (source: {finding.source})")
    if strict and counted.differ:
        raise typer.Exit(1)


@users_app.command("add")
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="member, officer, director or admin")],
    name: Annotated[str | None, typer.Option(help="Full name (default: from the email)")] = None,
    areas: Annotated[str, typer.Option(help="Officers: area codes they edit (a,b)")] = "",
    workstreams: Annotated[
        str, typer.Option(help="Officers: savings workstreams they edit (separate with ;)")
    ] = "",
    teams: Annotated[str, typer.Option(help="Officers: backlog teams they edit (;)")] = "",
    actions: Annotated[str, typer.Option(help="Officers: committee action codes (a,b)")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a local password from stdin.")
    ] = False,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Add a user with a role and what they may edit (administrators; the first administrator
    of a new store may be added by anyone with access to the server)."""
    from pydantic import ValidationError

    from data_access.access import system_principal
    from data_access.models import User, describe_errors
    from data_access.settings import get_settings
    from data_access.users import (
        UnknownAreaError,
        UserExistsError,
        WeakPasswordError,
        add_user,
        has_admin,
    )

    try:
        user = User(
            email=email,
            name=name or email.split("@")[0],
            role=role,
            areas=_split(areas, ","),
            workstreams=_split(workstreams, ";"),
            teams=_split(teams, ";"),
            actions=_split(actions, ","),
        )
    except ValidationError as exc:
        _fail(describe_errors(exc), 2)
    store = _store(db)
    if as_ is None and not get_settings().acting_as and not has_admin(store):
        if user.role.value != "admin":
            _fail("this store has no administrator yet: add one first (--role admin)", 2)
        actor = system_principal("first-administrator")
    else:
        actor = _principal(as_, store)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        add_user(store, user, actor=actor, password=password)
    except (UserExistsError, UnknownAreaError, WeakPasswordError, NotPermitted) as exc:
        _fail(str(exc))
    typer.echo(f"added {user.email} as {user.role.value}")


@users_app.command("set-password")
def users_set_password(email: str, as_: AsOption = None, db: DbOption = None) -> None:
    """Set a user's local password, read from stdin (administrators)."""
    from data_access.users import UnknownUserError, WeakPasswordError, set_password

    store = _store(db)
    actor = _principal(as_, store)
    password = sys.stdin.readline().rstrip("\n")
    try:
        set_password(store, email, password, actor=actor)
    except (UnknownUserError, WeakPasswordError, NotPermitted) as exc:
        _fail(str(exc))
    typer.echo(f"password set for {email.strip().lower()}")


@users_app.command("lockouts")
def users_lockouts(db: DbOption = None) -> None:
    """List accounts and addresses with failed sign-ins, and until when each is held."""
    from data_access.users import sign_in_lockouts

    frame = sign_in_lockouts(_store(db))
    if frame.is_empty():
        typer.echo("nobody is locked out")
    for row in frame.iter_rows(named=True):
        line = f"{row['what']}\t{row['key']}\t{row['failures']} failed"
        if row["until"] is not None:
            held = "locked until" if row["what"] == "account" else "waits until"
            line += f"\t{held} {row['until']:%Y-%m-%d %H:%M:%S}Z"
        typer.echo(line)


@users_app.command("unlock")
def users_unlock(
    email: Annotated[str | None, typer.Argument(help="The account to unlock.")] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="An address (as `ascgov users lockouts` lists) to clear."),
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Clear an account's or an address's failed sign-ins and any lock (administrators)."""
    from data_access.users import NothingToUnlockError, unlock_account, unlock_source

    if (email is None) == (source is None):
        _fail("name an account (EMAIL) or an address (--source ADDRESS) to unlock", 2)
    store = _store(db)
    actor = _principal(as_, store)
    try:
        if email is not None:
            unlock_account(store, email, actor=actor)
            typer.echo(f"unlocked {email.strip().lower()}")
        else:
            typer.echo(f"cleared the address {unlock_source(store, source, actor=actor)}")
    except (NothingToUnlockError, NotPermitted) as exc:
        _fail(str(exc))


def _split(text: str, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(separator) if part.strip())


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users, their roles and the areas they may edit."""
    from data_access.users import list_users

    frame = list_users(_store(db))
    if frame.is_empty():
        typer.echo("no users")
    for row in frame.iter_rows(named=True):
        line = f"{row['email']}\t{row['role']}\t{row['name']}\t{row['scopes'] or '-'}"
        line += f"\tversion {row['version']}" + ("\tdisabled" if row["disabled"] else "")
        typer.echo(line)


UserVersion = Annotated[
    int,
    typer.Option(
        "--version",
        help="The user's version you are changing (shown by `ascgov users list`); "
        "refused if someone has changed the user since.",
    ),
]


def _change_user(db: str | None, as_: str | None, change) -> int:
    """Run ``change(store, person)``; exit 2 on a value in the wrong form, 1 on a refusal."""
    from pydantic import ValidationError

    from data_access.models import describe_errors
    from data_access.users import LastAdministratorError, UnknownAreaError, UnknownUserError

    store = _store(db)
    actor = _principal(as_, store)
    try:
        return change(store, actor)
    except ValidationError as exc:
        _fail(describe_errors(exc), 2)
    except (
        UnknownUserError,
        UnknownAreaError,
        LastAdministratorError,
        StaleVersionError,
        NotPermitted,
    ) as exc:
        _fail(f"refused: {exc}")


@users_app.command("set-role")
def users_set_role(
    email: str,
    role: Annotated[str, typer.Option(help="member, officer, director or admin")],
    version: UserVersion,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Change a user's role (administrators)."""
    from data_access.users import set_role

    now = _change_user(
        db, as_, lambda store, who: set_role(store, email, role, version=version, actor=who)
    )
    typer.echo(f"{email.strip().lower()} is now {role.strip().lower()} (version {now})")


@users_app.command("assign")
def users_assign(
    email: str,
    version: UserVersion,
    areas: Annotated[str, typer.Option(help="Area codes they edit (a,b)")] = "",
    workstreams: Annotated[str, typer.Option(help="Savings workstreams (separate with ;)")] = "",
    teams: Annotated[str, typer.Option(help="Backlog teams (;)")] = "",
    actions: Annotated[str, typer.Option(help="Committee action codes (a,b)")] = "",
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Replace what an officer may edit: whatever is not named is taken away (administrators)."""
    from data_access.access import assignment_text, scopes_of
    from data_access.users import set_assignment, user_record

    given = {
        "areas": _split(areas, ","),
        "workstreams": _split(workstreams, ";"),
        "teams": _split(teams, ";"),
        "actions": _split(actions, ","),
    }
    now = _change_user(
        db,
        as_,
        lambda store, who: set_assignment(store, email, given, version=version, actor=who),
    )
    record = user_record(_store(db, upgrade=False), email)
    held = assignment_text(scopes_of(_Assigned(**record.assignment))) or "nothing"
    typer.echo(f"{record.email} may now edit {held} (version {now})")


class _Assigned:
    def __init__(self, **fields):
        self.__dict__.update(fields)


@users_app.command("disable")
def users_disable(
    email: str, version: UserVersion, as_: AsOption = None, db: DbOption = None
) -> None:
    """Disable a user: sign-in is refused, their history is kept (administrators)."""
    from data_access.users import disable_user

    now = _change_user(
        db, as_, lambda store, who: disable_user(store, email, version=version, actor=who)
    )
    typer.echo(f"{email.strip().lower()} is disabled: sign-in is refused (version {now})")


@users_app.command("enable")
def users_enable(
    email: str, version: UserVersion, as_: AsOption = None, db: DbOption = None
) -> None:
    """Let a disabled user sign in again (administrators)."""
    from data_access.users import enable_user

    now = _change_user(
        db, as_, lambda store, who: enable_user(store, email, version=version, actor=who)
    )
    typer.echo(f"{email.strip().lower()} may sign in again (version {now})")


class Rise(StrEnum):
    yes = "yes"
    no = "no"
    neither = "neither"


@measures_app.command("list")
def measures_list(db: DbOption = None) -> None:
    """The backlog measures in force: the built-in ones, then those administrators added."""
    from data_access.measures import BACKLOG, measures_in_force

    rises = {True: "rise is good", False: "fall is good", None: "neither"}
    for m in measures_in_force(_store(db)).in_table(BACKLOG):
        typer.echo(f"{m.code}\t{m.label}\t{m.unit}\t{rises[m.rise_is_good]}\t{m.category}")


@measures_app.command("add")
def measures_add(
    code: Annotated[
        str, typer.Argument(help="lower-case letters, digits and _ (e.g. carers_assessed)")
    ],
    label: Annotated[str, typer.Option(help="What members read, e.g. 'Carers assessed'")],
    definition: Annotated[str, typer.Option(help="What it counts, in plain English")],
    unit: Annotated[str, typer.Option(help="e.g. people, reviews")],
    rise_is_good: Annotated[Rise, typer.Option(help="Whether a rise is good")] = Rise.neither,
    category: Annotated[
        str, typer.Option(help="The published category it belongs to")
    ] = "local measure",
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Add a backlog measure (administrators): its figures are then imported and edited under
    its code, like the built-in ones."""
    from pydantic import ValidationError

    from data_access.measures import MeasureRefused, NewMeasure, add_measure
    from data_access.models import describe_errors

    rise = {Rise.yes: True, Rise.no: False, Rise.neither: None}[rise_is_good]
    try:
        measure = NewMeasure(
            code=code,
            label=label,
            definition=definition,
            unit=unit,
            rise_is_good=rise,
            category=category,
        )
    except ValidationError as exc:
        _fail(describe_errors(exc), 2)
    store = _store(db)
    actor = _principal(as_, store)
    try:
        added = add_measure(store, measure, actor=actor)
    except (MeasureRefused, NotPermitted) as exc:
        _fail(f"refused: {exc}")
    typer.echo(f"added measure {added.code} ({added.label})")


@cld_lookup_app.command("list")
def cld_lookup_list(db: DbOption = None) -> None:
    """Every spelling of a CLD code and the value on DHSC's list it maps to (raw values as
    matched: lower case, letters and digits only), then the lookups' version."""
    from data_access.cld_lookups import lookup_version, lookups

    store = _store(db)
    for field, raw, clean, source in lookups(store).iter_rows():
        typer.echo(f"{field}\t{raw}\t{clean}\t{source}")
    typer.echo(f"version {lookup_version(store)}")


@cld_lookup_app.command("add")
def cld_lookup_add(
    field: Annotated[str, typer.Argument(help="e.g. service_type, event_outcome")],
    raw: Annotated[str, typer.Argument(help="the value as files write it")],
    clean: Annotated[str, typer.Argument(help="the value on DHSC's list it means")],
    based_on: Annotated[
        int | None,
        typer.Option(help="the version `ascgov cld-lookup list` showed: refused if changed since"),
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Map a spelling of a CLD code to a value on DHSC's list (administrators; audited). Every
    CLD import after it maps the spelling; load the file again to re-map stored events."""
    from pydantic import ValidationError

    from data_access.cld_lookups import add_lookup
    from data_access.models import describe_errors

    store = _store(db)
    actor = _principal(as_, store)
    try:
        saved = add_lookup(store, field, raw, clean, actor=actor, based_on=based_on)
    except ValidationError as exc:
        _fail(describe_errors(exc), 2)
    except (ValueError, NotPermitted, StaleVersionError) as exc:
        _fail(f"refused: {exc}")
    verb = "changed" if saved.changed else "added"
    typer.echo(f"{verb}: {saved.field} '{raw}' -> '{saved.clean}'")


@settings_app.command("show")
def settings_show(db: DbOption = None) -> None:
    """Show the status lists in force, and what each status means."""
    from data_access.app_settings import configured_lists

    for name, statuses in configured_lists(_store(db)).items():
        typer.echo(f"{name}: {'; '.join(statuses)}")
        typer.echo(f"  meanings: {_meanings(statuses, statuses.assumed)}")
        if statuses.assumed:
            typer.echo(
                "  (saved without meanings: each takes its word's, any other word open; "
                "set the list again to keep them)"
            )


def _meanings(statuses, unsaid: tuple[str, ...]) -> str:
    return "; ".join(
        f"{n}: {m.value}{' (from the word)' if n in unsaid else ''}" for n, m in statuses.pairs()
    )


@settings_app.command("set-list")
def settings_set_list(
    name: Annotated[
        str, typer.Argument(help="area_statuses, milestone_statuses or action_statuses")
    ],
    values: Annotated[
        list[str],
        typer.Argument(
            help="The statuses in display order, each as 'Status: meaning' (open, complete, "
            "closed or slipped); a status without one takes its word's, e.g. Done: complete, "
            "any other word open"
        ),
    ],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Replace a status list and what each status means (administrators; a status some row
    still uses cannot go)."""
    from data_access.app_settings import SettingRefusedError, set_list

    store = _store(db)
    try:
        saved = set_list(store, name, values, actor=_principal(as_, store))
    except (SettingRefusedError, NotPermitted) as exc:
        _fail(str(exc))
    typer.echo(f"{name}: {_meanings(saved.statuses, saved.unsaid)}")


@weights_app.command("show")
def queue_weights_show(db: DbOption = None) -> None:
    """Show the review queue's weights in force: each factor, its points and what it is."""
    from data_access.app_settings import queue_weights
    from data_access.queue_weights import FACTOR_WORDS

    saved = queue_weights(_store(db))
    for name, points in saved.weights.as_dict().items():
        typer.echo(f"{name}\t{points}\t{FACTOR_WORDS[name]}")
    said = "the defaults, never changed" if saved.version == 0 else f"version {saved.version}"
    typer.echo(f"({said})")


@weights_app.command("set")
def queue_weights_set(
    factor: Annotated[str, typer.Argument(help="The factor, as `queue-weights show` names it")],
    points: Annotated[str, typer.Argument(help="Whole number of points from 0 to 1000")],
    version: Annotated[
        int | None,
        typer.Option(
            help="The version you saw (`queue-weights show`): refused if someone has changed "
            "the weights since. Default: the version in force now."
        ),
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Change the points one factor adds (administrators), audited."""
    from data_access.app_settings import SettingRefusedError, queue_weights, set_queue_weights

    store = _store(db)
    actor = _principal(as_, store)
    seen = queue_weights(store).version if version is None else version
    try:
        saved = set_queue_weights(store, {factor: points}, version=seen, actor=actor)
    except (SettingRefusedError, NotPermitted) as exc:
        _fail(f"refused: {exc}")
    except StaleVersionError as exc:
        _fail(f"refused: {exc}; nothing was written")
    if saved.version == seen:
        typer.echo(f"{factor} is already {saved.weights.as_dict()[factor]}: nothing changed")
        return
    typer.echo(f"{factor} set to {saved.weights.as_dict()[factor]} (version {saved.version})")


@app.command("history")
def history(
    since: Annotated[
        str | None, typer.Option(help="Only changes on or after this date (UK time).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Most recent N events (0 for all).")] = 200,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """Print the audit history: who changed what, when (UTC)."""
    from data_access import days
    from data_access.loaders import load_audit

    start = _parse_day(since, "--since")
    frame = load_audit(
        _store(db),
        since=days.start_of(start) if start else None,
    )
    if limit:
        frame = frame.tail(limit)
    if as_json:
        typer.echo(frame.write_json())
        return
    for row in frame.iter_rows(named=True):
        typer.echo(
            f"{row['occurred_at']:%Y-%m-%d %H:%M:%S}Z\t{row['actor']}\t{row['action']}\t"
            f"{row['dataset']}\t{row['entity_key']}"
        )


def main() -> None:  # pragma: no cover - console script
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
