"""The overview's figures: what a councillor reads first, from the same functions as the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.reconciliation import DIFFERS, Finding
from dashboard.domain.table import Kind, Table
from dashboard.domain.tables import first_names


@dataclass(frozen=True)
class SavingsTotals:
    target: int
    forecast: int | None
    delivered: int | None
    lines: int
    stopped: int = 0  # target of the years withdrawn, deferred or replaced (not counted)

    def sentence(self) -> str:
        said = (
            f"{formatting.counted(self.lines, 'savings line')}: "
            f"{formatting.money(self.target)} targeted, "
            f"{formatting.money(self.forecast)} forecast, "
            f"{formatting.money(self.delivered)} delivered."
        )
        if self.stopped:
            said += (
                f" A further {formatting.money(self.stopped)} was withdrawn, deferred or "
                "replaced and is not counted."
            )
        return said


def savings_totals(savings: pl.DataFrame) -> SavingsTotals:
    """Totals over the lines and years still tracked; forecast and delivered only where
    reported. Years withdrawn, deferred or replaced are only named by their value."""
    stopped = 0
    if "status" in savings.columns:
        stopped = int(savings.filter(pl.col("status").is_not_null())["target_pence"].sum())
        savings = savings.filter(pl.col("status").is_null())

    def total(column: str) -> int | None:
        values = savings[column].drop_nulls()
        return int(values.sum()) if values.len() else None

    return SavingsTotals(
        int(savings["target_pence"].sum()),
        total("forecast_pence"),
        total("delivered_pence"),
        savings["code"].n_unique(),
        stopped,
    )


def differing_labels(findings: list[Finding]) -> list[str]:
    return [
        f"{f.label} (reported {f.shown(f.reported)}, parts {f.shown(f.computed)})"
        for f in findings
        if f.status == DIFFERS
    ]


def figures_as_at_table(frames: dict[str, pl.DataFrame]) -> Table:
    """For each set of figures: the latest as-at date and the sources it came from."""
    rows = [
        {
            "Figures": name,
            "As at": frame["as_at"].max(),
            # polars finds the distinct sources: a national backlog has millions of rows
            "Source": first_names(
                frame["source"].unique().str.split(" (").list.first().unique().sort().to_list()
            ),
        }
        for name, frame in frames.items()
        if not frame.is_empty()
    ]
    frame = pl.DataFrame(rows, schema={"Figures": pl.String, "As at": pl.Date, "Source": pl.String})
    return Table.of("Where the figures come from", frame, {"Source": Kind.SOURCE})


def figures_dates(frames: dict[str, pl.DataFrame]) -> tuple[tuple[str, str], ...]:
    """Each set of figures loaded with the date its figures describe: the latest as-at date
    of its rows, or for monthly figures (with a ``month``) the latest month, the month the
    overview's cards show."""
    return tuple(
        (
            name,
            formatting.month(frame["month"].max())
            if "month" in frame.columns
            else formatting.day(frame["as_at"].max()),
        )
        for name, frame in frames.items()
        if not frame.is_empty()
    )


def latest_as_at(frames: dict[str, pl.DataFrame]) -> date | None:
    dates = [frame["as_at"].max() for frame in frames.values() if not frame.is_empty()]
    return max(dates) if dates else None
