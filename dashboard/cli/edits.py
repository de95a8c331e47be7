"""``ascgov edit ...`` and ``ascgov meetings add``: the Updates page's edits from a terminal.

Each calls the same command as the page, so the role rule, the version check and the
validation are the ones the page gets.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dashboard.cli.support import AsOption, DbOption, _fail, _parse_day, _principal, _store
from data_access import commands
from data_access.access import NotPermitted
from data_access.rating_scales import BRAG, RAG
from data_access.store import StaleVersionError

edit_app = typer.Typer(
    help="Change one item, as the Updates page does (needs --as and the version you saw).",
    no_args_is_help=True,
)
meetings_app = typer.Typer(help="Committee meetings.", no_args_is_help=True)

VersionOption = Annotated[
    int,
    typer.Option(
        "--version",
        help="The item's version you are changing (shown by `ascgov export`); "
        "refused if someone has changed it since.",
    ),
]


def _run(db: str | None, as_: str | None, action) -> None:
    """Run ``action(store, person)`` as the person named by ``--as``; report what was saved, or
    why not (exit 1)."""
    store = _store(db)
    who = _principal(as_, store)
    try:
        saved = action(store, who)
    except commands.EditRejected as exc:
        _fail("refused: " + "; ".join(f"{f}: {m}" for f, m in exc.problems.items()))
    except (NotPermitted, StaleVersionError, commands.NotFound) as exc:
        _fail(f"refused: {exc}")
    for item in saved if isinstance(saved, list) else [saved]:
        typer.echo(f"saved {item.dataset} {item.key}: now version {item.version}")


def _text(value: str | None) -> str | None:
    # "-" clears a field from the command line
    return None if value in (None, "-") else value


@edit_app.command("area")
def edit_area(
    code: str,
    version: VersionOption,
    status: Annotated[str, typer.Option()],
    rag: Annotated[
        str | None, typer.Option(help=f"{', '.join(RAG.names)} (any case); - for none")
    ] = None,
    commentary: Annotated[str | None, typer.Option()] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """An accountability area's status, RAG and commentary."""
    _run(
        db,
        as_,
        lambda store, who: commands.edit_area(
            store,
            who,
            code,
            version=version,
            status=status,
            rag=_text(rag),
            commentary=_text(commentary),
        ),
    )


@edit_app.command("milestone")
def edit_milestone(
    code: str,
    version: VersionOption,
    status: Annotated[str, typer.Option()],
    due: Annotated[str | None, typer.Option(help="Due date")] = None,
    completed: Annotated[str | None, typer.Option(help="Completed date")] = None,
    evidence: Annotated[str | None, typer.Option()] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """A milestone's status, due date, completed date and evidence."""
    _run(
        db,
        as_,
        lambda store, who: commands.edit_milestone(
            store,
            who,
            code,
            version=version,
            status=status,
            due_date=_parse_day(_text(due), "--due"),
            completed_date=_parse_day(_text(completed), "--completed"),
            evidence=_text(evidence),
        ),
    )


def _pence(text: str | None, option: str) -> int | None:
    from data_access.parsing import parse_money_pence

    if _text(text) is None:
        return None
    try:
        return parse_money_pence(text)
    except ValueError as exc:
        _fail(f"{option} {text!r}: {exc}", 2)


@edit_app.command("savings")
def edit_savings(
    code: str,
    year: Annotated[str, typer.Argument(help="Financial year, e.g. 2023/24")],
    version: VersionOption,
    forecast: Annotated[str | None, typer.Option(help="Pounds; - for none")] = None,
    delivered: Annotated[str | None, typer.Option(help="Pounds; - for none")] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """A savings line's forecast and delivered amount for one financial year."""
    _run(
        db,
        as_,
        lambda store, who: commands.edit_savings_year(
            store,
            who,
            code,
            year,
            version=version,
            forecast_pence=_pence(forecast, "--forecast"),
            delivered_pence=_pence(delivered, "--delivered"),
        ),
    )


@edit_app.command("override")
def edit_override(
    code: str,
    version: VersionOption,
    reason: Annotated[str, typer.Option(help="Why (required)")],
    brag: Annotated[
        str | None, typer.Option(help=f"{', '.join(BRAG.names)} (any case); - to clear")
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Set or clear a savings line's BRAG override."""
    _run(
        db,
        as_,
        lambda store, who: commands.set_brag_override(
            store, who, code, version=version, brag_override=_text(brag), override_reason=reason
        ),
    )


@edit_app.command("savings-status")
def edit_savings_status(
    code: str,
    year: Annotated[str, typer.Argument(help="Financial year, e.g. 2025/26")],
    version: VersionOption,
    status: Annotated[
        str, typer.Option(help="withdrawn, deferred or replaced; - to track the year again")
    ],
    date: Annotated[
        str | None, typer.Option("--date", help="When it was withdrawn, deferred or replaced")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required with a status)")] = None,
    deferred_to: Annotated[
        str | None, typer.Option(help="The later year a deferred saving moves to")
    ] = None,
    replaced_by: Annotated[
        str | None, typer.Option(help="Code of the line that replaces it")
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Withdraw, defer or replace a savings line for one financial year: it leaves the totals
    tracked, is listed on its own with its value, and is not rated."""
    _run(
        db,
        as_,
        lambda store, who: commands.set_savings_status(
            store,
            who,
            code,
            year,
            version=version,
            status=_text(status),
            status_date=_parse_day(_text(date), "--date"),
            status_reason=_text(reason),
            deferred_to=_text(deferred_to),
            replaced_by=_text(replaced_by),
        ),
    )


@edit_app.command("backlog")
def edit_backlog(
    measure: Annotated[
        str,
        typer.Argument(
            help="A measure code: a built-in one (e.g. waiting_review) or one an "
            "administrator added (`ascgov measures list`)"
        ),
    ],
    month: Annotated[str, typer.Argument(help="e.g. 2024-03")],
    team: Annotated[str, typer.Argument()],
    band: Annotated[str, typer.Argument(help="Priority band")],
    value: Annotated[int, typer.Option()],
    target: Annotated[int | None, typer.Option()] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The figure's version; omit for a new one")
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """One backlog figure for a month, team and priority band (new or restated)."""
    from data_access.parsing import parse_month

    try:
        first = parse_month(month)
    except ValueError as exc:
        _fail(f"month {month!r}: {exc}", 2)
    figure = commands.BacklogFigure(measure, value, target, version)
    _run(
        db,
        as_,
        lambda store, who: commands.edit_backlog_month(
            store, who, month=first, team=team, priority_band=band, figures=[figure]
        ),
    )


@edit_app.command("action")
def edit_action(
    code: str,
    version: VersionOption,
    status: Annotated[str, typer.Option()],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """A committee action's status."""
    _run(
        db,
        as_,
        lambda store, who: commands.edit_action(store, who, code, version=version, status=status),
    )


@meetings_app.command("add")
def meetings_add(
    committee: str,
    meeting_date: Annotated[str, typer.Argument(help="e.g. 2024-04-16")],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Record a committee meeting (directors)."""
    day = _parse_day(meeting_date, "date")
    _run(db, as_, lambda store, who: commands.record_meeting(store, who, committee, day))
