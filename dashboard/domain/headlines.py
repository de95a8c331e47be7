"""Headline figures for the overview, computed from loader frames (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain import figure_basis, formatting
from dashboard.domain.ratings import RED
from data_access import papers
from data_access.measures import Registry
from data_access.statuses import StatusList


@dataclass(frozen=True)
class Latest:
    measure: str
    label: str
    month: date
    value: int
    basis: str
    source: str  # as members read it: a paper by its title
    previous_value: int | None
    meeting_date: date | None = None
    meeting_value: int | None = None
    rise_is_good: bool | None = None  # the registry's, for the colour of the change
    previous_basis: str | None = None  # the month before's: a change from a modelled month says so
    meeting_basis: str | None = None  # the basis of the figure the meeting saw

    @property
    def higher_is_better(self) -> bool:
        return bool(self.rise_is_good)

    @property
    def change(self) -> int | None:
        return None if self.previous_value is None else self.value - self.previous_value

    @property
    def change_since_meeting(self) -> int | None:
        return None if self.meeting_value is None else self.value - self.meeting_value

    def month_change(self) -> str:
        """ "up 24 on the month before", with "(modelled)" when either month's figure was
        modelled: members quote it, and a change from or to a modelled figure is not a
        published change."""
        if self.change is None:
            return ""
        modelled = figure_basis.said(self.basis, self.previous_basis)
        return f"{_movement(self.change)} on the month before{modelled}"

    def meeting_change(self) -> str:
        """ "no change since the meeting on 23 Jan 2024", with "(modelled)" as
        ``month_change``."""
        if self.meeting_date is None:
            return ""
        since = self.change_since_meeting
        if since is None:
            return f"no figure since the meeting on {formatting.day(self.meeting_date)}"
        modelled = figure_basis.said(self.basis, self.meeting_basis)
        return (
            f"{_movement(since)} since the meeting on {formatting.day(self.meeting_date)}{modelled}"
        )

    def direction(self) -> str:
        """ "up 24 on the month before (modelled); no change since the meeting on 23 Jan
        2024"."""
        return "; ".join(part for part in (self.month_change(), self.meeting_change()) if part)


def _movement(change: int) -> str:
    if change == 0:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):,}"


def areas_by_status(areas: pl.DataFrame, statuses: Sequence[str]) -> list[tuple[str, int]]:
    """Counts of areas in each status, in the configured order, omitting empty statuses."""
    counts = dict(areas.group_by("status").len().iter_rows())
    return [(status, counts[status]) for status in statuses if counts.get(status)]


def latest_backlog(
    backlog: pl.DataFrame, *, measures: Registry, meeting_date: date | None = None
) -> list[Latest]:
    """Each measure's latest month (all teams and bands added up), the month before it, and the
    figure members saw at the last meeting (the latest month on or before its date); labels
    from ``measures``, the registry in force.

    The Overview's backlog cards (and the pack's summary, which prints them) are the measures
    the Backlog page shows (``backlog.shown_measures``) that have figures, in the registry's
    order: the four every council reports, any ADASS survey measure once loaded, and every
    measure an administrator added (added to be reported, so it is a headline like the four)
    once its first figures are loaded. A measure with no figures has no card: the Overview is a
    short summary, and the Backlog page says which measures have none."""
    from dashboard.domain.backlog import monthly, shown_measures  # backlog builds on these

    if backlog.is_empty():
        return []
    latest = []
    for measure in shown_measures(backlog, measures):
        rows = monthly(backlog, measure)
        if rows.is_empty():
            continue
        last = rows.row(-1, named=True)
        before = rows.row(-2, named=True) if rows.height > 1 else None
        previous = None if before is None else before["value"]
        seen = rows.filter(pl.col("month") <= meeting_date) if meeting_date else rows.clear()
        latest.append(
            Latest(
                measure,
                measures.label(measure),
                last["month"],
                last["value"],
                last["basis"],
                papers.titled(last["source"]),
                previous,
                meeting_date,
                seen["value"][-1] if seen.height else None,
                measures[measure].rise_is_good,
                None if before is None else before["basis"],
                seen["basis"][-1] if seen.height else None,
            )
        )
    return latest


def last_meeting(meetings: pl.DataFrame, today: date) -> date | None:
    """The date of the most recent committee meeting on or before today."""
    held = meetings.filter(pl.col("meeting_date") <= today)
    return held["meeting_date"].max() if held.height else None


# each kind of item needing attention as a count takes it: "1 red area", "2 red areas"
ATTENTION_NOUNS = {
    "Red area": ("red area", "red areas"),
    "Overdue milestone": ("overdue milestone", "overdue milestones"),
    "Overdue committee action": ("overdue committee action", "overdue committee actions"),
    "Savings at risk": ("savings line at risk", "savings lines at risk"),
    "Figures do not add up": ("total that does not add up", "totals that do not add up"),
}
ATTENTION = ("item needs attention", "items need attention")


def attention_items(
    areas: pl.DataFrame,
    milestones: pl.DataFrame,
    *,
    today: date,
    red_lines: pl.DataFrame | None = None,
    differing: list[str] = (),
    statuses: StatusList | None = None,
    actions: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The red items a member should ask about: red areas, overdue milestones (by the
    milestone ``statuses`` in force; default, the default list), overdue committee actions
    (``actions`` flagged by ``committee_actions.flag_actions``), savings lines at risk,
    reported totals that do not equal their parts."""
    from dashboard.domain.committee_actions import attention_rows
    from dashboard.domain.plan import DEFAULT_STATUSES, milestones_with_flags

    rows = [
        ("Red area", f"{r['code']}: {r['title']}", r["commentary"] or "")
        for r in areas.filter(pl.col("rag") == RED).iter_rows(named=True)
    ]
    if statuses is None:
        statuses = DEFAULT_STATUSES
    flagged = milestones_with_flags(milestones, today, statuses=statuses)
    overdue = flagged.filter(pl.col("overdue"))
    rows += [
        (
            "Overdue milestone",
            f"{r['area_code']}: {r['title']}",
            f"due {r['due_date'].day} {r['due_date']:%b %Y}, {r['status'].lower()}",
        )
        for r in overdue.sort("due_date").iter_rows(named=True)
    ]
    if actions is not None:
        rows += attention_rows(actions)
    if red_lines is not None:
        rows += [
            ("Savings at risk", f"{r['code']}: {r['title']}", r["reason"])
            for r in red_lines.iter_rows(named=True)
        ]
    rows += [
        ("Figures do not add up", text, "see Definitions and data quality") for text in differing
    ]
    return pl.DataFrame(rows, schema=["Kind", "Item", "Why"], orient="row")
