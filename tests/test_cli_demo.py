"""``ascgov demo load`` through the installed console script: it fills an empty store and
refreshes an untouched demo, but never overwrites a store that holds anything else unless an
administrator asks for it by name (``--replace --as``), after seeing what it will change.

The stores are prepared in process (the demo, its users, an officer's edits) so that only
the command under test pays for a subprocess."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from data_access.access import principal_for
from data_access.exporter import export_frame, write_csv
from data_access.importer import import_file
from data_access.loaders import load_audit
from tests.conftest import with_demo_council
from tests.test_cli import ADMIN, DIRECTOR, run

EDITED = 6
REVISED = " (revised by the council)"


@pytest.fixture
def demo_store(sqlite_store):
    return with_demo_council(sqlite_store)


@pytest.fixture
def edited_store(demo_store, tmp_path):
    """The demo with six milestone titles changed by the director, through an import."""
    rows = export_frame(demo_store, "milestones")
    revised = rows.with_columns(
        pl.when(pl.int_range(pl.len()) < EDITED)
        .then(pl.col("title") + REVISED)
        .otherwise(pl.col("title"))
    )
    write_csv(revised, tmp_path / "milestones.csv")
    director = principal_for(demo_store, DIRECTOR)
    report = import_file(demo_store, "milestones", tmp_path / "milestones.csv", actor=director)
    assert (report.inserted, report.updated) == (0, EDITED)
    return demo_store


def _history_size(store) -> int:
    return load_audit(store).height


def test_demo_load_fills_an_empty_store(sqlite_store):
    done = run(sqlite_store.url, "demo", "load", as_=None)
    assert done.stdout.splitlines() == [
        "demo council loaded: areas 19, milestones 13, savings 11, components 6, mtfs 1, "
        "programmes 1, posts 7, backlog 96, actions 12, reported_totals 10, bridges 0, cases 0, "
        "cld 0"
    ]
    assert export_frame(sqlite_store, "areas").row(0, named=True)["title"] == (
        "Safeguarding Adults"
    )


def test_demo_load_on_the_untouched_demo_changes_nothing(demo_store):
    before = _history_size(demo_store)
    done = run(demo_store.url, "demo", "load", as_=None)
    assert "the store already held the demo council: nothing changed" in done.stdout
    assert _history_size(demo_store) == before


def test_demo_load_refuses_a_store_with_edited_rows_and_leaves_them(edited_store):
    before, history = export_frame(edited_store, "milestones"), _history_size(edited_store)
    done = run(edited_store.url, "demo", "load", ok=False, as_=None)
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        "refused: this store holds more than the demo council, and loading the demo would "
        "overwrite it:",
        f"  milestones: {EDITED} rows differ from the demo (put back to the demo's values)",
    ]
    assert "nothing was written" in done.stderr
    assert "an administrator runs `ascgov demo load --replace --as EMAIL`" in done.stderr
    after = export_frame(edited_store, "milestones")
    assert_frame_equal(after, before)
    assert after["title"].str.ends_with(REVISED).sum() == EDITED
    assert _history_size(edited_store) == history


def test_demo_load_refuses_a_store_holding_rows_the_demo_does_not_have(demo_store, tmp_path):
    extra = tmp_path / "areas.csv"
    extra.write_text("code,title,status\nZ1,Our own area,Routine activity\n", encoding="utf-8")
    import_file(demo_store, "areas", extra, actor=principal_for(demo_store, DIRECTOR))
    done = run(demo_store.url, "demo", "load", ok=False, as_=None)
    assert "  areas: 1 row the demo does not have (kept as they are)" in done.stderr.splitlines()


def test_replace_without_an_administrator_is_refused(edited_store):
    before = export_frame(edited_store, "milestones")
    nobody = run(edited_store.url, "demo", "load", "--replace", ok=False, as_=None)
    assert nobody.returncode == 2 and "say who you are: --as EMAIL" in nobody.stderr
    director = run(edited_store.url, "demo", "load", "--replace", ok=False, as_=DIRECTOR)
    assert director.returncode == 1
    assert director.stderr.strip() == (
        "director@demo.example (director) may not replace the figures with the demo council"
    )
    refusal = load_audit(edited_store).row(-1, named=True)
    assert (refusal["actor"], refusal["action"], refusal["entity_key"]) == (
        DIRECTOR,
        "refused",
        "replace_with_demo",
    )
    assert_frame_equal(export_frame(edited_store, "milestones"), before)


def test_replace_dry_run_prints_the_counts_and_writes_nothing(edited_store):
    before, history = export_frame(edited_store, "milestones"), _history_size(edited_store)
    done = run(edited_store.url, "demo", "load", "--replace", "--dry-run", "--as", ADMIN)
    assert done.stdout.splitlines() == [
        "replacing this store's figures with the demo council would change:",
        f"  milestones: {EDITED} rows differ from the demo (put back to the demo's values)",
        "dry run: nothing was written",
    ]
    assert_frame_equal(export_frame(edited_store, "milestones"), before)
    assert _history_size(edited_store) == history


def test_replace_as_an_administrator_prints_the_counts_and_restores_the_demo(edited_store):
    done = run(edited_store.url, "demo", "load", "--replace", "--as", ADMIN)
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "replacing this store's figures with the demo council changed:",
        f"  milestones: {EDITED} rows differ from the demo (put back to the demo's values)",
    ]
    assert lines[2].startswith("demo council loaded: areas 19, milestones 13")
    assert not export_frame(edited_store, "milestones")["title"].str.ends_with(REVISED).any()
    restores = load_audit(edited_store).filter(pl.col("actor") == ADMIN)
    assert restores["action"].to_list() == ["import:update"] * EDITED
    # the store is the demo again, so a plain load is a refresh once more
    again = run(edited_store.url, "demo", "load", as_=None)
    assert "nothing changed" in again.stdout
