"""The Meetings page: every committee meeting recorded, the pack kept as what it saw (every
version, downloadable for ever), its resolutions and actions, and what has changed since it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain import committee_actions as actions
from dashboard.domain import formatting
from dashboard.domain.table import Kind, Table

INTRO = (
    "Every committee meeting recorded: the briefing pack kept as what the committee saw, its "
    "resolutions and agreed actions, and what has changed since it. A kept pack is never "
    "changed or deleted: a corrected pack is kept as a new version, with the reason, and "
    "both stay."
)
NO_MEETINGS = "No committee meetings have been recorded yet."
NOT_KEPT = "No pack has been kept for this meeting yet."
STILL_TO_COME = "This meeting is still to come: nothing has changed since it yet."
KEEPING = (
    "Keeping the pack makes it afresh, PDF and Word, with the figures as at the meeting's day "
    "(today's, for a meeting still to come), and keeps both files with the day and the "
    "versions of the figures they were made from. A kept pack cannot be changed or deleted."
)


@dataclass(frozen=True)
class KeptPack:
    id: int
    version: int
    sentence: str
    checksums: str
    stem: str  # the downloads' file name, without its extension


@dataclass(frozen=True)
class MeetingsPage:
    meetings: pl.DataFrame  # id, committee, meeting_date; latest first
    packs: pl.DataFrame  # data_access.meeting_record.kept_packs
    flagged: pl.DataFrame  # every committee action, flagged open or overdue as at ``today``
    names: dict[str, str]  # a person's name by their email, for who kept a pack
    today: date

    @property
    def empty(self) -> bool:
        return self.meetings.is_empty()

    def choices(self) -> dict[str, int]:
        """Each meeting by the label a reader picks, latest first."""
        return {
            f"{formatting.day(row['meeting_date'])}: {row['committee']}": row["id"]
            for row in self.meetings.iter_rows(named=True)
        }

    def meeting(self, meeting_id: int) -> dict:
        return self.meetings.filter(id=meeting_id).row(0, named=True)

    def listing(self) -> Table:
        """Every meeting with its kept pack and its resolutions and actions, in one table."""
        latest = self.packs.group_by("meeting_id").agg(
            pl.col("version").max().alias("latest"), pl.col("as_at").first()
        )
        flagged = self.flagged.group_by("meeting_id").agg(
            pl.len().alias("all"),
            pl.col("open").sum().alias("open"),
            pl.col("overdue").sum().alias("overdue"),
        )
        rows = (
            self.meetings.join(latest, left_on="id", right_on="meeting_id", how="left")
            .join(flagged, left_on="id", right_on="meeting_id", how="left")
            .with_columns(pl.col("all", "open", "overdue").fill_null(0))
        )
        frame = rows.select(
            pl.col("meeting_date").alias("Meeting"),
            pl.col("committee").alias("Committee"),
            pl.when(pl.col("latest").is_null())
            .then(pl.lit("Not kept"))
            .when(pl.col("latest") == 1)
            .then(pl.lit("Kept"))
            .otherwise(pl.format("Kept, corrected (version {})", pl.col("latest")))
            .alias("Pack"),
            pl.format(
                "{} ({} open, {} overdue)",
                formatting.counted_column(pl.col("all"), "item"),
                pl.col("open"),
                pl.col("overdue"),
            ).alias("Resolutions and actions"),
        )
        return Table.of("Committee meetings", frame, {"Meeting": Kind.DATE})

    def kept(self, meeting_id: int) -> tuple[KeptPack, ...]:
        """The meeting's kept packs, newest version first."""
        meeting = self.meeting(meeting_id)
        return tuple(
            _kept(row, meeting, self.names.get(row["finalised_by"], row["finalised_by"]))
            for row in self.packs.filter(meeting_id=meeting_id).iter_rows(named=True)
        )

    def latest_version(self, meeting_id: int) -> int:
        versions = self.packs.filter(meeting_id=meeting_id)["version"]
        return int(versions.max()) if versions.len() else 0

    def actions(self, meeting_id: int) -> tuple[str, Table]:
        rows = self.flagged.filter(meeting_id=meeting_id)
        if rows.is_empty():
            return (
                "No resolutions or actions are recorded for this meeting.",
                actions.actions_table(rows),
            )
        total, still_open, overdue = actions.counts(rows)
        said = (
            f"{formatting.counted(total, 'resolution or action', 'resolutions and actions')}: "
            f"{still_open:,} open, {overdue:,} overdue as at {formatting.day(self.today)}."
        )
        return said, actions.actions_table(rows)


def _kept(row: dict, meeting: dict, who: str) -> KeptPack:
    kept_on = formatting.day(row["built_at"].date())
    sentence = (
        f"Version {row['version']}, kept on {kept_on} by {who}: the figures as at "
        f"{formatting.day(row['as_at'])}."
    )
    if row["reason"]:
        sentence += f" Corrected because: {row['reason']}"
    checksums = (
        f"SHA-256 of the PDF: {row['pdf_sha256']}. SHA-256 of the Word file: "
        f"{row['docx_sha256']}. A copy whose checksum matches is the kept file."
    )
    stem = f"pack-{meeting['meeting_date'].isoformat()}-version-{row['version']}"
    return KeptPack(row["id"], row["version"], sentence, checksums, stem)


def latest_first(meetings: pl.DataFrame) -> pl.DataFrame:
    """Meetings in the order the page and ``ascgov meetings list`` give them."""
    return meetings.sort("meeting_date", "committee", descending=True)


def page(
    meetings: pl.DataFrame,
    packs: pl.DataFrame,
    flagged: pl.DataFrame,
    names: dict[str, str],
    today: date,
) -> MeetingsPage:
    return MeetingsPage(latest_first(meetings), packs, flagged, names, today)
