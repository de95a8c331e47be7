"""Long-lived processes for the durability and kill tests (``python -m tests.store_processes``).

``app URL``: the app's own write and read code in one process, obeying stdin. ``save N`` sets
area ``AREA``'s commentary to ``save N`` through the app's edit command as a director, prints
``saved N VERSION``, then reads the areas back through the loaders the pages use and prints
``read N COMMENTARY VERSION``. ``quit`` ends it.

``reader URL``: a separate process answering ``read`` with ``read COMMENTARY VERSION``, through
the same loaders, with a fresh store (engine) for every read, disposed after it.

``stream URL START``: saves without pause until killed, as an officer's browser would, each save
first reading what it edits through the loaders; prints ``saved N`` once save N is committed.
Saves are numbered from START; odd ones set AREA's commentary to ``stream N``; even ones set
the three backlog figures ``BACKLOG_MEASURES`` to N in one transaction.
"""

from __future__ import annotations

import sys
from datetime import date

import polars as pl

from data_access.access import Principal
from data_access.commands import BacklogFigure, edit_area, edit_backlog_month
from data_access.loaders import load_table
from data_access.store import Store
from data_access.vocab import Measure, Role

AREA = "IP01"
DIRECTOR = Principal(email="director@demo.example", name="Demo Director", role=Role.DIRECTOR)
BACKLOG_MONTH = date(2023, 8, 1)
BACKLOG_TEAM, BACKLOG_BAND = "All teams", "All priorities"
BACKLOG_MEASURES = (
    Measure.WAITING_REVIEW,
    Measure.WAITING_OT_ASSESSMENT,
    Measure.REVIEWS_COMPLETED,
)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def area_row(store: Store) -> dict:
    """The area as the pages see it: through the loaders."""
    frame = load_table(store, "areas").filter(pl.col("code") == AREA)
    return frame.row(0, named=True)


def save_commentary(store: Store, text: str) -> int:
    row = area_row(store)
    saved = edit_area(
        store,
        DIRECTOR,
        AREA,
        version=row["version"],
        status=row["status"],
        rag=row["rag"],
        commentary=text,
    )
    return saved.version


def save_backlog(store: Store, value: int) -> None:
    frame = load_table(store, "backlog").filter(
        (pl.col("month") == BACKLOG_MONTH)
        & (pl.col("team") == BACKLOG_TEAM)
        & (pl.col("priority_band") == BACKLOG_BAND)
    )
    versions = dict(zip(frame["measure"], frame["version"], strict=True))
    figures = [BacklogFigure(m, value, version=versions[m.value]) for m in BACKLOG_MEASURES]
    edit_backlog_month(
        store,
        DIRECTOR,
        month=BACKLOG_MONTH,
        team=BACKLOG_TEAM,
        priority_band=BACKLOG_BAND,
        figures=figures,
    )


def run_app(store: Store) -> None:
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "quit":
            return
        try:
            version = save_commentary(store, f"save {arg}")
        except Exception as exc:  # noqa: BLE001 - the test reports what the app was told
            _say(f"refused {arg} {type(exc).__name__}: {exc}")
            continue
        _say(f"saved {arg} {version}")
        row = area_row(store)
        _say(f"read {arg} {row['commentary']} {row['version']}")


def run_reader(url: str) -> None:
    for line in sys.stdin:
        if line.strip() == "quit":
            return
        store = Store(url)
        try:
            row = area_row(store)
        finally:
            store.dispose()
        _say(f"read {row['commentary']} {row['version']}")


def run_stream(store: Store, start: int) -> None:
    n = start - 1
    while True:
        n += 1
        if n % 2:
            save_commentary(store, f"stream {n}")
        else:
            save_backlog(store, n)
        _say(f"saved {n}")


def main(argv: list[str]) -> None:
    mode, url, *rest = argv
    _say("ready")
    if mode == "reader":
        run_reader(url)
    elif mode == "app":
        run_app(Store(url))
    else:
        run_stream(Store(url), int(rest[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
