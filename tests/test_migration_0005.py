"""Migration 0005 on a store that already holds savings: the years keep their figures and are
all tracked; downgrading and upgrading again gives the same store (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from data_access.frames import savings_frame
from data_access.loaders import load_table
from data_access.sample_data import load_sample_data
from data_access.store import MIGRATIONS_DIR


def _migrate(store, direction: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


def test_0005_keeps_every_savings_year_and_tracks_it(store):
    load_sample_data(store)
    before = savings_frame(store).drop("status", "status_date", "status_reason")
    before = before.drop("deferred_to", "replaced_by")
    _migrate(store, "downgrade", "0004")
    _migrate(store, "upgrade", "0005")
    after = savings_frame(store)
    assert after["status"].null_count() == after.height == before.height
    assert after.drop(
        "status", "status_date", "status_reason", "deferred_to", "replaced_by"
    ).equals(before)
    assert load_table(store, "budget_bridge_steps").is_empty()
    assert store.dataset_versions()["budget_bridge_steps"] >= 1
