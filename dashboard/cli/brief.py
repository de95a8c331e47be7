"""``ascgov brief``: the briefing pack for an as-at date, as PDF or Word (directors and
administrators)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dashboard.briefing.sections import SECTIONS
from dashboard.cli.support import AsOption, DbOption, _fail, _parse_day, _principal, _store


class PackFormat(StrEnum):
    pdf = "pdf"
    docx = "docx"


def chosen_sections(values: list[str] | None) -> tuple[str, ...]:
    """``--sections summary,savings`` (or the option repeated), in the pack's own order.

    >>> chosen_sections(["savings", "summary,actions"])
    ('summary', 'savings', 'actions')
    """
    if not values:
        return tuple(SECTIONS)
    named = {part.strip() for value in values for part in value.split(",") if part.strip()}
    unknown = sorted(named - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    return tuple(key for key in SECTIONS if key in named)


def brief(
    fmt: Annotated[PackFormat, typer.Option("--format", help="pdf or docx")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    as_at: Annotated[
        str | None,
        typer.Option(
            "--as-at",
            help="The figures as they stood on this date (default: the meeting's day, or today).",
        ),
    ] = None,
    meeting: Annotated[
        int | None, typer.Option(help="Meeting the pack is for, by id (an unknown id lists them).")
    ] = None,
    sections: Annotated[
        list[str] | None,
        typer.Option(help=f"Sections to include, comma-separated: {', '.join(SECTIONS)}"),
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Write the briefing pack for an as-at date or a meeting (directors and administrators)."""
    from dashboard.briefing.images import Painter, find_browser
    from data_access.access import NotPermitted, Permission, authorise

    store = _store(db)
    try:
        authorise(store, _principal(as_, store), Permission.BRIEF, target="ascgov brief")
    except NotPermitted as exc:
        _fail(str(exc))
    day = None if as_at is None else _parse_day(as_at, "--as-at")
    try:
        chosen = chosen_sections(sections)
    except ValueError as exc:
        _fail(str(exc), 2)
    # the browser starts while the pack's libraries load and its figures are read
    with Painter(find_browser()) as painter:
        made = _make(store, day, fmt.value, meeting, chosen, painter)
    output.write_bytes(made.data)
    for note in made.pack.notes:
        typer.echo(f"warning: {note} The cover says so.", err=True)
    charts = len(made.pack.charts())
    drawn = f"{charts} charts" if made.drawn.reason is None else f"no charts ({made.drawn.reason})"
    day = made.pack.as_at.isoformat()
    typer.echo(f"wrote the {fmt.value} briefing pack as at {day} to {output}: {drawn}")


def _make(store, day, fmt: str, meeting: int | None, sections: tuple[str, ...], painter):
    from dashboard.briefing import make
    from dashboard.briefing.pdf import MissingFont

    try:
        options = make.options_for(store, meeting_id=meeting, sections=sections)
        return make.make(store, as_at=day, fmt=fmt, options=options, painter=painter)
    except ValueError as exc:  # an unknown meeting
        _fail(str(exc), 2)
    except MissingFont as exc:
        _fail(str(exc))
