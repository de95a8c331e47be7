"""What every ``ascgov`` command shares: the store, who is running it, and failing clearly."""

from __future__ import annotations

import getpass
import logging
from datetime import date
from typing import Annotated, NoReturn

import typer

from data_access.access import Principal
from data_access.store import Store

# a refused command is reported once, on stderr, by the command itself; the refusal is also
# kept in the audit trail, so the access log need not echo it to the terminal
# (and so is an unlock, in the sign-in log)
for _name in ("ascgov.access", "ascgov.sign_in"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: ASCGOV_DATABASE_URL or the SQLite file)."),
]


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _store(db: str | None, *, upgrade: bool = True) -> Store:
    store = Store(db)
    if upgrade:
        store.upgrade()
    return store


AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Your email, as in the users table: the command runs with your role "
        "(default: ASCGOV_AS).",
    ),
]


def _principal(as_email: str | None, store: Store) -> Principal:
    """The person running a command: a user of the store, or the command is refused."""
    from data_access.access import DISABLED_ACCOUNT, principal_for
    from data_access.settings import get_settings

    email = as_email or get_settings().acting_as
    if not email:
        _fail(
            "say who you are: --as EMAIL (or ASCGOV_AS), a user in the users table "
            f"(running as {getpass.getuser()} on this machine is not enough)",
            2,
        )
    principal = principal_for(store, email)
    if principal is None:
        _fail(f"{email} is not a user of this dashboard: ask an administrator to add you", 2)
    if principal.disabled:
        _fail(f"{principal.email}: {DISABLED_ACCOUNT}", 2)
    return principal


def _parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    from data_access.parsing import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        _fail(f"{option} {text!r}: {exc}", 2)
