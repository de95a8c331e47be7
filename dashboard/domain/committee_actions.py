"""Committee resolutions and agreed actions: which are open, which are overdue, and the table.

One rule for "open" and "overdue", used by the Committee actions page, the overview's items
needing attention, its "since the last meeting" and the briefing pack: an action is **open**
while its status means open or slipped (the action status list in force, so an administrator's
"Done" counts as finished), and **overdue** when it is open, has a due date, and that date is
before the day the figures are shown as at. An action with no due date is never overdue: the
minutes set none, and the page says "no date set" rather than inventing one.

>>> from datetime import date
>>> actions = pl.DataFrame(
...     {
...         "code": ["A1", "A2", "A3", "A4"],
...         "status": ["Open", "Open", "Complete", "Open"],
...         "due_date": [date(2024, 3, 1), date(2024, 6, 1), date(2024, 3, 1), None],
...     },
...     schema_overrides={"due_date": pl.Date},
... )
>>> flagged = flag_actions(actions, date(2024, 4, 1))
>>> flagged.select("code", "open", "overdue").rows()
[('A1', True, True), ('A2', True, False), ('A3', False, False), ('A4', True, False)]
>>> overdue_sentence(flagged, date(2024, 4, 1))
'1 committee action is open and past its due date as at 1 Apr 2024.'
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.formatting import counted_column
from dashboard.domain.table import Column, Kind, Table
from data_access.statuses import STILL_OPEN, StatusList, default_statuses

DEFAULT_STATUSES = default_statuses()["action_statuses"]
NO_DATE = "no date set"
OVERDUE = "Overdue"  # the flag's words: a member reads it, never only a colour


def flag_actions(
    actions: pl.DataFrame, today: date, *, statuses: StatusList = DEFAULT_STATUSES
) -> pl.DataFrame:
    """Actions with ``open`` and ``overdue`` (booleans) and ``days_overdue`` (Int64, 0 unless
    overdue) as at ``today``."""
    is_open = pl.col("status").is_in(list(statuses.having(*STILL_OPEN)))
    overdue = is_open & pl.col("due_date").is_not_null() & (pl.col("due_date") < today)
    return actions.with_columns(
        open=is_open,
        overdue=overdue,
        days_overdue=pl.when(overdue)
        .then((pl.lit(today) - pl.col("due_date")).dt.total_days())
        .otherwise(0)
        .cast(pl.Int64),
    )


def with_meetings(actions: pl.DataFrame, meetings: pl.DataFrame) -> pl.DataFrame:
    """Each action with its meeting's committee and date, in meeting order."""
    held = meetings.select(pl.col("id").alias("meeting_id"), "committee", "meeting_date")
    return actions.join(held, on="meeting_id", how="left").sort("meeting_date", "code")


def _labelled(flagged: pl.DataFrame) -> pl.DataFrame:
    """Each action with ``meeting``: how a meeting is chosen and shown ("Adult Care and Housing
    Scrutiny, 12 Mar 2024", as ``formatting.day`` writes a day)."""
    return flagged.with_columns(
        meeting=pl.concat_str(
            [
                pl.col("committee").fill_null("Committee"),
                pl.lit(", "),
                pl.col("meeting_date").dt.day().cast(pl.String),
                pl.lit(" "),
                pl.col("meeting_date").dt.strftime("%b %Y"),
            ]
        )
    )


def filter_actions(
    flagged: pl.DataFrame,
    *,
    meeting: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    overdue_only: bool = False,
) -> pl.DataFrame:
    """The flagged actions one meeting (by its label), status and owner at a time; None keeps
    all of that kind."""
    rows = _labelled(flagged)
    for column, value in (("meeting", meeting), ("status", status), ("owner", owner)):
        if value is not None:
            rows = rows.filter(pl.col(column) == value)
    if overdue_only:
        rows = rows.filter(pl.col("overdue"))
    return rows


def choices(flagged: pl.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """The meetings (in date order), statuses and owners to filter by."""
    labelled = _labelled(flagged).sort("meeting_date")
    meetings = labelled["meeting"].unique(maintain_order=True).to_list()
    statuses = sorted(flagged["status"].drop_nulls().unique().to_list())
    owners = sorted(flagged["owner"].drop_nulls().unique().to_list())
    return meetings, statuses, owners


def actions_table(flagged: pl.DataFrame) -> Table:
    """Resolutions and agreed actions by meeting as a committee reads them: overdue said in
    words, an action with no due date says so."""
    rows = _labelled(flagged).sort("meeting_date", "due_date", "code", nulls_last=True)
    overdue_words = (
        pl.when(pl.col("overdue"))
        .then(
            pl.concat_str(pl.lit(f"{OVERDUE} by "), counted_column(pl.col("days_overdue"), "day"))
        )
        .otherwise(pl.lit(""))
    )
    frame = rows.select(
        pl.col("meeting").alias("Meeting"),
        pl.col("kind").str.to_titlecase().alias("Kind"),
        pl.col("text").alias("Resolution or action"),
        pl.col("owner").fill_null("not named").alias("Owner"),
        pl.col("due_date").cast(pl.Date).alias("Due"),
        pl.col("status").alias("Status"),
        overdue_words.alias("Overdue"),
    )
    return Table.of("Resolutions and agreed actions", frame, {"Due": Column("Due", Kind.DATE)})


def counts(flagged: pl.DataFrame) -> tuple[int, int, int]:
    """(all, open, overdue)."""
    return flagged.height, int(flagged["open"].sum()), int(flagged["overdue"].sum())


def summary(flagged: pl.DataFrame, today: date) -> str:
    """``12 resolutions and actions from 3 meetings: 9 open, 2 overdue as at 7 Dec 2026.``"""
    total, still_open, overdue = counts(flagged)
    if not total:
        return "No committee resolutions or actions have been recorded."
    meetings = flagged["meeting_id"].n_unique() if "meeting_id" in flagged.columns else 0
    noun = "resolution or action" if total == 1 else "resolutions and actions"
    text = f"{total:,} {noun} from {formatting.counted(meetings, 'meeting')}: {still_open:,} open"
    return text + f", {overdue:,} overdue as at {formatting.day(today)}."


def overdue_sentence(flagged: pl.DataFrame, today: date) -> str | None:
    """The sentence "since the last meeting" adds: None when no action is overdue."""
    overdue = int(flagged["overdue"].sum())
    if not overdue:
        return None
    verb, its = ("is", "its") if overdue == 1 else ("are", "their")
    return (
        f"{formatting.counted(overdue, 'committee action')} {verb} open and past {its} due "
        f"date as at {formatting.day(today)}."
    )


def attention_rows(flagged: pl.DataFrame) -> list[tuple[str, str, str]]:
    """The overview's "needs attention" rows: one per overdue action, longest overdue first."""
    overdue = flagged.filter(pl.col("overdue")).sort(
        "days_overdue", "code", descending=[True, False]
    )
    return [
        (
            "Overdue committee action",
            r["text"],
            f"due {formatting.day(r['due_date'])}, {r['status'].lower()}"
            + (f"; owner {r['owner']}" if r["owner"] else ""),
        )
        for r in overdue.iter_rows(named=True)
    ]
