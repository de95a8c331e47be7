"""The Committee actions page: every resolution and agreed action by meeting, open and overdue
counted, filtered by meeting, status and owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain import committee_actions as actions
from dashboard.domain import formatting
from dashboard.domain.table import Table
from dashboard.views.blocks import Headline, Headlines

NO_ACTIONS = "No committee resolutions or actions have been recorded yet."
EXPLAINED = (
    "An action is overdue when it is still open and its due date has passed; one with no due "
    "date in the minutes is shown as having none, never as overdue."
)


@dataclass(frozen=True)
class ActionsPage:
    flagged: pl.DataFrame  # every action, flagged as at ``today``
    today: date
    summary: str
    counts: Headlines
    meetings: tuple[str, ...]
    statuses: tuple[str, ...]
    owners: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.flagged.is_empty()

    def shown(
        self,
        *,
        meeting: str | None = None,
        status: str | None = None,
        owner: str | None = None,
        overdue_only: bool = False,
    ) -> tuple[str, Table]:
        """The sentence saying how many are shown, and their table."""
        rows = actions.filter_actions(
            self.flagged, meeting=meeting, status=status, owner=owner, overdue_only=overdue_only
        )
        total = self.flagged.height
        noun = "resolution or action" if total == 1 else "resolutions and actions"
        return f"Showing {rows.height:,} of {total:,} {noun}.", actions.actions_table(rows)


def page(flagged: pl.DataFrame, today: date) -> ActionsPage:
    total, still_open, overdue = actions.counts(flagged)
    meetings, statuses, owners = actions.choices(flagged)
    return ActionsPage(
        flagged=flagged,
        today=today,
        summary=actions.summary(flagged, today),
        counts=Headlines(
            (
                Headline("Resolutions and actions", formatting.count(total)),
                Headline("Open", formatting.count(still_open)),
                Headline(
                    "Overdue",
                    formatting.count(overdue),
                    note=f"open and past the due date, as at {formatting.day(today)}",
                ),
            )
        ),
        meetings=tuple(meetings),
        statuses=tuple(statuses),
        owners=tuple(owners),
    )
