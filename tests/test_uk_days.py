"""UK days: an as-at read, "since the last meeting", the briefing pack and the CLI all turn the
day over at midnight in London, on the financial-year edge (31 March / 1 April) and on both
clock-change days (31 March 2024 lasted 23 hours, 27 October 2024 lasted 25)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dashboard.briefing.content import gather
from dashboard.domain import changes
from data_access import schema
from data_access.loaders import audit_since, load_table
from data_access.store import Store
from data_access.writes import upsert

LONDON = ZoneInfo("Europe/London")
BEFORE, LATE, EARLY = "before@council.gov.uk", "late@council.gov.uk", "early@council.gov.uk"

# (the day, how long it lasted in hours)
DAYS = {
    "31-march-2024-spring-forward": (date(2024, 3, 31), 23),
    "30-march-2024-next-day-springs": (date(2024, 3, 30), 24),
    "31-march-2025-in-summer-time": (date(2025, 3, 31), 24),
    "26-october-2024-next-day-falls-back": (date(2024, 10, 26), 24),
    "27-october-2024-fall-back": (date(2024, 10, 27), 25),
}
CASES = pytest.mark.parametrize("day", [d for d, _ in DAYS.values()], ids=list(DAYS))


def local(day: date, hour: int, minute: int) -> datetime:
    """A wall-clock time in London on ``day``, in UTC as the app's clock gives it."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def _area(commentary: str) -> dict:
    return {
        "code": "X1",
        "title": "Reviews",
        "lead": None,
        "status": "In progress",
        "rag": None,
        "commentary": commentary,
        "last_updated": None,
        "source": "test",
        "source_kind": "officer",
        "as_at": date(2024, 3, 1),
        "basis": "published",
    }


def _edit(store: Store, who: str, at: datetime) -> None:
    with store.write(who, at=at) as tx:
        upsert(tx, schema.areas, [_area(f"written by {who}")], ["code"])


KEY = ["committee", "meeting_date"]


def edits_around(store: Store, day: date, *, meeting: date | None = None) -> None:
    """The area made at noon the day before ``day``, edited at 23:30 on ``day`` and at 00:30
    the day after (London time); each edit is told apart by who made it."""
    if meeting is not None:
        with store.write("clerk", at=local(meeting, 9, 0)) as tx:
            upsert(tx, schema.meetings, [{"committee": "ASC", "meeting_date": meeting}], KEY)
    _edit(store, BEFORE, local(day - timedelta(days=1), 12, 0))
    _edit(store, LATE, local(day, 23, 30))
    _edit(store, EARLY, local(day + timedelta(days=1), 0, 30))


def _by(frame) -> str:
    """Who made the version of the area in ``frame``."""
    [row] = frame.filter(frame["code"] == "X1").iter_rows(named=True)
    return row["loaded_by"]


# --- the as-at read, on both databases --------------------------------------------------------


@CASES
def test_as_at_a_day_holds_its_late_evening_and_not_the_next_small_hours(store, day):
    edits_around(store, day)
    assert _by(load_table(store, "areas", as_at=day - timedelta(days=1))) == BEFORE
    assert _by(load_table(store, "areas", as_at=day)) == LATE
    assert _by(load_table(store, "areas", as_at=day + timedelta(days=1))) == EARLY


# --- since the last meeting -------------------------------------------------------------------


def _window_actors(store: Store, meeting: date, as_at: date | None) -> list[str]:
    start, end = changes.since_meeting(meeting, as_at)
    return audit_since(store, start, ("areas",), until=end)["actor"].to_list()


@CASES
def test_since_a_meeting_leaves_out_its_evening_and_counts_the_next_small_hours(store, day):
    edits_around(store, day)
    # the edit at 23:30 on the meeting day was known to the meeting; 00:30 the next day was not
    assert _window_actors(store, day, None) == [EARLY]


@CASES
def test_since_a_meeting_up_to_an_as_at_day_ends_at_its_midnight(store, day):
    edits_around(store, day)
    assert _window_actors(store, day - timedelta(days=2), day) == [BEFORE, LATE]


@CASES
def test_the_pack_as_at_a_day_reads_its_evening_and_not_the_next_small_hours(store, day):
    meeting = day - timedelta(days=1)
    edits_around(store, day, meeting=meeting)
    figures = gather(store, day, today=day + timedelta(days=30))
    assert figures.meeting.previous == meeting
    assert _by(figures["areas"]) == LATE
    # changes since the meeting: the area made on the meeting day was known to it
    assert figures.events["actor"].to_list() == [LATE]


# --- the command line, whatever the server's zone ---------------------------------------------

ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"


def _ascgov(url: str, *args: str, zone: str) -> str:
    env = {**os.environ, "ASCGOV_DATABASE_URL": url, "TZ": zone}
    done = subprocess.run([ASCGOV, *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def cli_store(sqlite_store) -> str:
    edits_around(sqlite_store, date(2024, 3, 31))
    sqlite_store.dispose()
    return sqlite_store.url


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_cli_export_as_at_31_march_ends_at_midnight_in_london(cli_store, tmp_path, zone):
    out = tmp_path / "areas.csv"
    _ascgov(
        cli_store,
        "export",
        "areas",
        "--format",
        "csv",
        "-o",
        str(out),
        "--as-at",
        "2024-03-31",
        zone=zone,
    )
    with out.open(encoding="utf-8-sig") as f:
        rows = [row for row in csv.DictReader(f) if row.get("code") == "X1"]
    assert [row["commentary"] for row in rows] == [f"written by {LATE}"]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_cli_history_since_1_april_starts_at_midnight_in_london(cli_store, zone):
    out = _ascgov(cli_store, "history", "--since", "2024-04-01", zone=zone)
    assert [line.split("\t")[1] for line in out.splitlines()] == [EARLY]


# --- the helper itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "hours"), list(DAYS.values()), ids=list(DAYS))
def test_a_uk_day_runs_from_its_midnight_to_the_next(day, hours):
    from data_access import days

    assert days.start_of(day) == local(day, 0, 0)
    assert days.end_of(day) == local(day + timedelta(days=1), 0, 0)
    assert days.end_of(day) - days.start_of(day) == timedelta(hours=hours)
    assert days.end_of(day).tzinfo == UTC
    assert days.day_of(local(day, 23, 30)) == day
    assert days.day_of(local(day + timedelta(days=1), 0, 30)) == day + timedelta(days=1)


def test_an_edit_at_half_past_midnight_in_summer_is_dated_that_day(sqlite_store):
    # officers' edits record the UK day as their as-at and last-updated date
    with sqlite_store.write("a", at=local(date(2024, 4, 1), 0, 30)) as tx:
        assert tx.today == date(2024, 4, 1)
