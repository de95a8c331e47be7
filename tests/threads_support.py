"""Many script threads at once, as Streamlit runs them: some format tables, others convert
multi-chunk frames for display. Run as ``python -m tests.threads_support SECONDS``; it prints
how many tables each kind of thread made and exits 0, or hangs if polars deadlocks (issue 9:
a Python callback on polars' pool waiting for the GIL held by a thread waiting for that pool).
A deadlocked process cannot run Python at all, so whoever runs it must time it out.
"""

from __future__ import annotations

import io
import sys
import threading
import time
from datetime import date, timedelta

import polars as pl

from dashboard.domain import adults, backlog, definitions, plan, savings
from dashboard.domain.disclosure import NHS_ENGLAND

# small frames in many chunks: each table is quick, so threads meet in polars often (on the code
# before issue 9 this deadlocked within 2 seconds in 9 runs of 9 on a 2-core machine)
CHUNKS = 20
ROWS = 50


def _chunked(make) -> pl.DataFrame:
    """A frame of CHUNKS chunks, as ``pl.concat`` leaves the frames the app builds."""
    return pl.concat([make(i) for i in range(CHUNKS)], rechunk=False)


def _day(i: int, j: int) -> date | None:
    return None if j % 7 == 0 else date(2020, 1, 1) + timedelta(days=(i * ROWS + j) % 1500)


def _areas(i: int) -> pl.DataFrame:
    ratings = ["Green", "Amber", "Red", "Not rated", None]
    return pl.DataFrame(
        {
            "code": [f"A{i}-{j}" for j in range(ROWS)],
            "title": ["t"] * ROWS,
            "status": ["In progress"] * ROWS,
            "rag": [ratings[j % 5] for j in range(ROWS)],
            "lead": ["X"] * ROWS,
            "last_updated": [_day(i, j) for j in range(ROWS)],
            "milestones": [j for j in range(ROWS)],
            "overdue": [0] * ROWS,
            "commentary": ["c"] * ROWS,
        }
    )


def _long(i: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [date(2000 + j % 25, 1 + j % 12, 1) for j in range(ROWS)],
            "series": ["Overdue reviews"] * ROWS,
            "value": [None if j % 11 == 0 else i * ROWS + j for j in range(ROWS)],
            "basis": ["published"] * ROWS,
        }
    )


def _sums(i: int) -> pl.DataFrame:
    cohorts = ["younger", "older", "all-age", None]
    return pl.DataFrame(
        {
            "cohort": [cohorts[j % 4] for j in range(ROWS)],
            "target_pence": [(i * ROWS + j) * 9_999 for j in range(ROWS)],
            "forecast_pence": [None if j % 3 else j * 12_345_678 for j in range(ROWS)],
            "delivered_pence": [j for j in range(ROWS)],
            "forecasting": [None if j % 3 else (i * ROWS + j) * 9_999 for j in range(ROWS)],
            "delivering": [(i * ROWS + j) * 9_999 for j in range(ROWS)],
            "entries": [1] * ROWS,
            "reported": [1] * ROWS,
        }
    )


def _actions(i: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "meeting_date": [_day(i, j + 1) for j in range(ROWS)],
            "committee": ["Adults"] * ROWS,
            "code": [f"R{i}-{j}" for j in range(ROWS)],
            "kind": ["action"] * ROWS,
            "text": ["t"] * ROWS,
            "owner": ["o"] * ROWS,
            "due_date": [_day(i, j) for j in range(ROWS)],
            "status": ["Open"] * ROWS,
        }
    )


def _cohort_years(i: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": ["Younger adults"] * ROWS,
            "2018/19": [None if j % 5 == 0 else (i * ROWS + j) * 777 for j in range(ROWS)],
            "total": [(i * ROWS + j) * 1_001 for j in range(ROWS)],
        }
    )


def formatters() -> list:
    """The page functions that write text from figures, each on its own multi-chunk frame."""
    areas, long, sums = _chunked(_areas), _chunked(_long), _chunked(_sums)
    actions, years = _chunked(_actions), _chunked(_cohort_years)
    stale = areas.select("code", "title", "last_updated", as_at=pl.lit(date(2024, 1, 1)))
    no_lines = pl.DataFrame(schema={"code": pl.String, "title": pl.String, "as_at": pl.Date})
    return [
        lambda: plan.tracker_table(areas).shown(),
        lambda: backlog._long_table(long, NHS_ENGLAND).shown(),
        lambda: savings.totals_table(sums, "cohort", "Cohort").shown(),
        lambda: plan.actions_table(actions).shown(),
        lambda: adults.savings_table(years),
        lambda: definitions.stale_items(stale, no_lines, today=date(2030, 1, 1), after_days=1),
    ]


def converters() -> list:
    """What showing a table does with a multi-chunk frame: Arrow, one chunk, pandas, CSV."""
    frame = pl.concat([_chunked(_areas), _chunked(_long).cast(pl.String)], how="horizontal")
    steps = [
        lambda: frame.to_arrow(),
        lambda: frame.rechunk(),
        lambda: frame.write_csv(io.StringIO()),
    ]
    try:
        import pandas  # noqa: F401 - only to know whether to_pandas can run
    except ImportError:
        return steps
    return [*steps, lambda: frame.to_pandas()]


def run(seconds: float, formatting_threads: int = 8, display_threads: int = 4) -> dict[str, int]:
    """Both kinds of thread for ``seconds``; how many tables each kind made."""
    jobs = [("formatted", formatters())] * formatting_threads
    jobs += [("converted", converters())] * display_threads
    made = {"formatted": 0, "converted": 0}
    failed: list[BaseException] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(kind: str, steps: list) -> None:
        # every thread makes at least one table, so a slow start cannot count none
        k = 0
        try:
            while k == 0 or time.monotonic() < stop:
                steps[k % len(steps)]()
                k += 1
        except BaseException as error:  # a thread's error is otherwise only printed
            with lock:
                failed.append(error)
        with lock:
            made[kind] += k

    threads = [threading.Thread(target=work, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]
    return made


if __name__ == "__main__":
    made = run(float(sys.argv[1]))
    print(f"formatted {made['formatted']} converted {made['converted']}", flush=True)
