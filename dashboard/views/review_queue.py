"""The review queue page as officers and directors read it, built once per choice.

``queue_for`` ranks the people of the census extract in force whom the viewer may see (an
officer their teams, a director all); ``view`` is what the page shows for one choice of team,
setting and ageing band: the lead (what the queue is for, what the score weighs, the extract it
rests on), a sentence of counts and the ranked table with its downloads. The page lays them
out with its filters. Person-level: never for members (the page is offered only with
``Permission.CASES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain.formatting import counted
from dashboard.domain.review_clock import DEFAULT_RULES, ClockRules
from dashboard.domain.review_queue import review_queue
from dashboard.domain.table import Column, Kind, Table
from data_access.queue_weights import QueueWeights, weights_in_words

TITLE = "Review queue"
NOT_PERMITTED = (
    "The review queue lists individual people from the council's case records, so it is only "
    "for officers (the people of the teams assigned to them) and directors. Your role does "
    "not include working with case records."
)
NO_EXTRACT = (
    "No census extract has been loaded yet, so there is nobody to list. An officer or director "
    "loads the council's census extract (the list of people with support from the case "
    "management system) on the Load a file page."
)
NO_EXTRACT_AT = (
    "No census extract dated on or before {day} has been loaded, so there is nobody to list "
    "for that day. Clear “Figures as at” in the sidebar to see the latest extract."
)
NOBODY_DUE = (
    "Nobody {where} is overdue a review or due one within {days} days at the census extract's date."
)
NOBODY_MATCHES = "Nobody in the queue matches these filters."
RANK_NOTE = (
    "Rank is the place among the people shown, by score, then days overdue (most first), then "
    "the earliest due date. The download holds every row shown."
)
NOT_RECORDED = "not recorded"

# who, why and how urgent first: at 1366 pixels (and on a tablet) the columns after these may
# need scrolling sideways, and the reason is what a team manager acts on
SHOWN_COLUMNS = {
    "rank": "Rank",
    "person_id": "Person id",
    "reason": "Why here",
    "score": "Score",
    "days_overdue": "Days overdue",
    "review_due": "Review due",
    "band": "Ageing band",
    "team": "Team",
    "setting": "Setting",
    "age_band": "Age band",
}


# pixels: at 768 the rank, person id, reason (over two or three lines), score and days
# overdue fit side by side
WHY_WIDTH = 280


def long_day(day: date) -> str:
    """``31 March 2024``."""
    return f"{day.day} {day:%B %Y}"


def extract_date_of(census: pl.DataFrame) -> date:
    """The date of the census extract in force (``census`` holds one extract's people)."""
    return census["extract_date"].max()


def source(extract_date: date) -> str:
    return f"Census extract from the case management system as at {long_day(extract_date)}"


def no_extract(as_at: date | None) -> str:
    return NO_EXTRACT if as_at is None else NO_EXTRACT_AT.format(day=long_day(as_at))


def scope_words(teams: frozenset[str] | None) -> str:
    """Whose people the viewer sees: ``in all teams``, ``in North``, ``in East, North and
    South``."""
    if teams is None:
        return "in all teams"
    named = sorted(teams)
    if len(named) < 2:
        return f"in {''.join(named) or 'no team'}"
    return f"in {', '.join(named[:-1])} and {named[-1]}"


def lead(weights: QueueWeights, extract_date: date, rules: ClockRules = DEFAULT_RULES) -> str:
    """What the queue is for, what its score weighs and the extract it rests on."""
    return (
        "The queue is a tool for professional judgement, not a substitute for it. It lists "
        f"everyone whose review is overdue or due within {rules.due_soon_days} days, highest "
        "score first, and says why each person is where they are; a practitioner who knows the "
        "person decides who is reviewed first. The score adds points for each of these, as an "
        f"administrator has set them: {weights_in_words(weights)}. It can weigh only what the "
        f"census extract records: census extract as at {long_day(extract_date)}."
    )


def queue_for(
    census: pl.DataFrame,
    teams: frozenset[str] | None,
    weights: QueueWeights,
    rules: ClockRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """The ranked queue of the people in ``teams`` (None: every team)."""
    if teams is not None:
        census = census.filter(pl.col("team").is_in(sorted(teams)))
    return review_queue(census, weights, rules)


def options(
    queue: pl.DataFrame, rules: ClockRules = DEFAULT_RULES
) -> tuple[list[str], list[str], list[str]]:
    """The teams, settings and ageing bands in the queue to filter by: teams and settings in
    name order, bands from the soonest due to the longest overdue."""

    def names(column: str) -> list[str]:
        return queue[column].drop_nulls().unique().sort().to_list()

    present = set(queue["band"].unique().to_list())
    return names("team"), names("setting"), [b for b in rules.bands if b in present]


@dataclass(frozen=True)
class QueueView:
    counts: str  # how many people are shown, of how many in the queue
    table: Table | None  # None: nobody to show, and ``message`` says why
    message: str | None = None
    rank_note: str = RANK_NOTE


def _chosen(queue: pl.DataFrame, team: str | None, setting: str | None, band: str | None):
    for column, value in (("team", team), ("setting", setting), ("band", band)):
        if value is not None:
            queue = queue.filter(pl.col(column) == value)
    return queue


def counts_sentence(
    shown: pl.DataFrame, total: int, where: str, filtered: bool, rules: ClockRules
) -> str:
    """``3 people shown: 2 overdue, 1 due within 28 days (of 12 people in the queue in all
    teams).``"""
    overdue = int((shown["days_overdue"] > 0).sum())
    due = shown.height - overdue
    parts = f"{overdue:,} overdue, {due:,} {rules.due_soon_band}"
    if not filtered:
        return f"{counted(shown.height, 'person', 'people')} in the queue {where}: {parts}."
    return (
        f"{counted(shown.height, 'person', 'people')} shown: {parts} (of "
        f"{counted(total, 'person', 'people')} in the queue {where})."
    )


def queue_table(shown: pl.DataFrame) -> Table:
    frame = shown.select(
        pl.int_range(1, shown.height + 1, dtype=pl.Int64).alias("rank"),
        *[c for c in SHOWN_COLUMNS if c != "rank"],
    ).rename(SHOWN_COLUMNS)
    missing = Column("Setting", Kind.TEXT, missing=NOT_RECORDED)
    # wrapped within a width that leaves rank, person, score and days overdue on a tablet
    why = Column("Why here", Kind.TEXT, screen_width=WHY_WIDTH)
    return Table.of("Review queue", frame, {"Setting": missing, "Why here": why})


def view(
    queue: pl.DataFrame,
    *,
    teams: frozenset[str] | None,
    team: str | None = None,
    setting: str | None = None,
    band: str | None = None,
    rules: ClockRules = DEFAULT_RULES,
) -> QueueView:
    """What the page shows of ``queue`` (from ``queue_for``) for one choice of filters."""
    where = scope_words(teams)
    shown = _chosen(queue, team, setting, band)
    filtered = any(v is not None for v in (team, setting, band))
    counts = counts_sentence(shown, queue.height, where, filtered, rules)
    if queue.is_empty():
        message = NOBODY_DUE.format(where=where, days=rules.due_soon_days)
        return QueueView(counts, None, message)
    if shown.is_empty():
        return QueueView(counts, None, NOBODY_MATCHES)
    return QueueView(counts, queue_table(shown))
