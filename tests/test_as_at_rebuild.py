"""The as-at rebuild decodes the audit history's JSON with polars (issue 10) and gives the same
frames as the ``json.loads``-per-row rebuild it replaced (``bench/library_baselines.py``), for
every table of the demo council on both databases, at national-like size, and for the JSON
columns, which stay text."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bench.library_baselines import backlog_states, rebuild_by_rows
from data_access.loaders import load_table, rebuild_from_states
from data_access.schema import PERSON_LEVEL_TABLES
from data_access.store import DATASETS


def _last_states(store, name: str) -> pl.Series:
    """Each row's last state in the history, read without the rebuild's own query."""
    return (
        load_table(store, "audit_events")
        .filter(pl.col("dataset") == name)
        .sort("id")
        .group_by("entity_key", maintain_order=True)
        .last()
        .filter(pl.col("after").is_not_null())
        .get_column("after")
    )


def test_as_at_rebuild_gives_the_row_by_row_frame_for_every_table(demo_store):
    # two days on: every event counts, wherever the end of a day is drawn
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)
    rebuilt = set()
    # the person-level tables keep no per-row states: their as-at reads are tested with them
    # (test_person_level_audit, test_cld_loads)
    for name in (n for n in DATASETS if n not in PERSON_LEVEL_TABLES):
        states = _last_states(demo_store, name)
        expected = rebuild_by_rows(states, name)

        assert_frame_equal(load_table(demo_store, name, as_at=later), expected)
        assert_frame_equal(rebuild_from_states(states, name), expected)
        if states.len():
            rebuilt.add(name)
    assert {"areas", "savings_years", "backlog", "reported_totals"} <= rebuilt


def test_as_at_rebuild_gives_the_row_by_row_frame_at_national_size():
    states = backlog_states(50_000)

    assert_frame_equal(rebuild_from_states(states, "backlog"), rebuild_by_rows(states, "backlog"))


def _state(**values) -> str:
    base = {"id": 1, "key": "brag_green_at_percent", "value": 95, "version": 1}
    return json.dumps(base | values)


@pytest.mark.parametrize(
    "value",
    [95, "95", ["Open", "Done"], {"green": 95, "amber": [80, "x"]}, "caf\u00e9 \u00a3", None, True],
)
def test_json_columns_come_back_as_the_text_load_table_gives(value):
    states = pl.Series([_state(value=value), _state(id=2, key="other")], dtype=pl.String)

    rebuilt = rebuild_from_states(states, "app_settings")

    assert_frame_equal(rebuilt, rebuild_by_rows(states, "app_settings"))
    assert rebuilt["value"][0] == (None if value is None else json.dumps(value))


def test_a_state_missing_columns_or_holding_a_number_as_text_reads_as_before():
    # a state written before a column was added, and one with a count as text
    states = pl.Series(
        [
            json.dumps({"id": 2, "measure": "m", "month": "2024-03-01", "value": 5}),
            json.dumps({"id": 1, "measure": "m", "month": "2024-04-01", "value": "7"}),
        ]
    )

    rebuilt = rebuild_from_states(states, "backlog")

    assert_frame_equal(rebuilt, rebuild_by_rows(states, "backlog"))
    assert rebuilt.select("id", "value").rows() == [(1, 7), (2, 5)]


@pytest.mark.parametrize("version", [1, "1"])  # a count as text takes the lenient path
def test_a_null_state_is_no_row(version):
    states = pl.Series([_state(version=version), "null"], dtype=pl.String)

    rebuilt = rebuild_from_states(states, "app_settings")

    assert rebuilt.select("key", "version").rows() == [("brag_green_at_percent", 1)]
