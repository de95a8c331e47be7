"""``ascgov meetings list|finalise|download|check``: the record of each meeting, the pack a
director kept as what the committee saw (the Meetings page does the same)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dashboard.cli.brief import PackFormat
from dashboard.cli.edits import meetings_app
from dashboard.cli.support import AsOption, DbOption, _fail, _principal, _store


@meetings_app.command("list")
def meetings_list(db: DbOption = None) -> None:
    """Every meeting recorded, with the versions of its kept pack."""
    from dashboard.views.meetings import latest_first
    from data_access.loaders import load_table
    from data_access.meeting_record import kept_packs

    store = _store(db)
    packs = kept_packs(store)
    for meeting in latest_first(load_table(store, "meetings")).iter_rows(named=True):
        typer.echo(f"{meeting['id']}\t{meeting['meeting_date']}\t{meeting['committee']}")
        kept = packs.filter(meeting_id=meeting["id"])
        if kept.is_empty():
            typer.echo("\tno pack kept")
        for pack in kept.iter_rows(named=True):
            why = f"; corrected: {pack['reason']}" if pack["reason"] else ""
            typer.echo(
                f"\tpack {pack['id']}: version {pack['version']}, figures as at "
                f"{pack['as_at']}, kept {pack['built_at']:%Y-%m-%d %H:%M} UTC by "
                f"{pack['finalised_by']}{why}; pdf sha256 {pack['pdf_sha256']}, "
                f"docx sha256 {pack['docx_sha256']}"
            )


@meetings_app.command("finalise")
def meetings_finalise(
    meeting: Annotated[int, typer.Argument(help="The meeting's id (ascgov meetings list)")],
    version: Annotated[
        int,
        typer.Option(
            "--version",
            help="The newest kept version you have seen (0 when none is kept): refused if "
            "another has been kept since.",
        ),
    ] = 0,
    reason: Annotated[
        str | None, typer.Option(help="Why a kept pack is corrected (needed after version 1)")
    ] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Keep the meeting's pack (PDF and Word) as what the committee saw (directors)."""
    from dashboard.briefing import record
    from dashboard.briefing.images import find_browser
    from data_access.access import NotPermitted
    from data_access.commands import EditRejected, NotFound

    store = _store(db)
    who = _principal(as_, store)
    try:
        kept = record.finalise(
            store, who, meeting, expected=version, reason=reason, browser=find_browser()
        )
    except EditRejected as exc:
        _fail("refused: " + "; ".join(f"{f}: {m}" for f, m in exc.problems.items()))
    except (NotPermitted, NotFound, ValueError) as exc:
        _fail(f"refused: {exc}")
    typer.echo(f"kept pack {kept.id}: version {kept.version} of meeting {kept.meeting_id}'s pack")


@meetings_app.command("download")
def meetings_download(
    pack: Annotated[int, typer.Argument(help="The kept pack's id (ascgov meetings list)")],
    fmt: Annotated[PackFormat, typer.Option("--format", help="pdf or docx")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    db: DbOption = None,
) -> None:
    """Write a kept pack's file, checked against the checksum taken when it was kept."""
    from data_access.commands import NotFound
    from data_access.meeting_record import DamagedFile, kept_file

    try:
        data = kept_file(_store(db), pack, fmt.value)
    except (NotFound, DamagedFile) as exc:
        _fail(str(exc))
    output.write_bytes(data)
    typer.echo(f"wrote kept pack {pack} ({fmt.value}, {len(data):,} bytes) to {output}")


@meetings_app.command("check")
def meetings_check(
    pack: Annotated[int, typer.Argument(help="The kept pack's id (ascgov meetings list)")],
    db: DbOption = None,
) -> None:
    """Make a kept pack again from its record and compare its figures with those kept."""
    from dashboard.briefing.record import compare
    from data_access.commands import NotFound

    try:
        result = compare(_store(db), pack)
    except NotFound as exc:
        _fail(str(exc))
    typer.echo(result.sentence())
    if not result.same:
        for line in result.differences[:60]:
            typer.echo(line)
        raise typer.Exit(1)
