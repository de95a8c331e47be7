"""``data_access.demo_cases`` in process: the synthetic history loads on SQLite and PostgreSQL
and refuses to be mixed with one of another size; the CLD events are split into files that
each pass an import's limits, and together hold every event once."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from data_access.demo_cases import DemoCasesRefused, cld_files, load_demo_cases
from data_access.files import ReadLimits
from data_access.loaders import load_table
from data_access.sample_data import load_demo
from data_access.workbook_checks import WorkbookLimits


def _limits(*, max_bytes: int, max_rows: int, max_cells: int = 1_000) -> ReadLimits:
    sheet = WorkbookLimits(1, 1, 1, 1, max_rows=max_rows, max_columns=10, max_cells=max_cells)
    return ReadLimits(max_bytes=max_bytes, workbook=sheet)


EVENTS = pl.DataFrame({"a": [f"r{n}" for n in range(10)]})  # 'a\n' then 3 bytes a row


@pytest.mark.parametrize(
    ("max_bytes", "max_rows", "max_cells", "sizes"),
    [
        (1_000, 5, 1_000, [4, 4, 2]),  # the header is a row: 4 events a file
        (1_000, 100, 4, [3, 3, 3, 1]),  # 4 cells, the header's among them
        # 4 rows are 14 bytes, over 9: 14 -> 4 * 9 / 14 * 0.9 = 2 rows (8 bytes) a file
        (9, 5, 1_000, [2, 2, 2, 2, 2]),
    ],
)
def test_cld_files_each_pass_the_limits_and_hold_every_event_once(
    tmp_path, max_bytes, max_rows, max_cells, sizes
):
    limits = _limits(max_bytes=max_bytes, max_rows=max_rows, max_cells=max_cells)
    parts = [pl.read_csv(path) for path in cld_files(EVENTS, tmp_path, limits)]
    assert [part.height for part in parts] == sizes
    assert_frame_equal(pl.concat(parts), EVENTS)
    assert all(path.stat().st_size <= max_bytes for path in tmp_path.iterdir())


def test_the_history_loads_is_the_demos_own_and_another_size_is_refused(demo_store):
    load = load_demo_cases(demo_store, people=1_000, seed=7)
    cases, events = load_table(demo_store, "cases"), load_table(demo_store, "cld_events")
    assert (cases.height, events.height) == (load.cases.rows, load.events)
    assert load.cases.inserted == load.cases.rows and load.changed
    # the history is the demo's own: refreshing the demo council is not refused because of it
    assert load_demo(demo_store, dry_run=True).holds_only_demo
    with pytest.raises(DemoCasesRefused, match="would mix two councils' events"):
        load_demo_cases(demo_store, people=1_100, seed=7)
    assert load_table(demo_store, "cases").height == cases.height
