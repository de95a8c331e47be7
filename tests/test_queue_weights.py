"""The review queue's weights as a stored setting, on SQLite and PostgreSQL: the defaults until
an administrator changes them, each change version-checked and audited, nothing written when
nothing changes; and the census extract's flags read back as booleans, which the queue ranks by.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import select

from data_access import days, schema
from data_access.access import NotPermitted, Principal
from data_access.app_settings import (
    SavedWeights,
    SettingRefusedError,
    queue_weights,
    set_queue_weights,
)
from data_access.importer import import_file
from data_access.loaders import load_table
from data_access.queue_weights import DEFAULT_WEIGHTS, QueueWeights
from data_access.store import StaleVersionError
from data_access.vocab import Role
from tests.conftest import DIRECTOR

ADMIN = Principal(email="admin@demo.example", name="Admin", role=Role.ADMIN)


def _events(store) -> list[tuple]:
    events = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.actor, events.c.before, events.c.after).where(
                events.c.dataset == "app_settings", events.c.entity_key == "queue_weights"
            )
        ).all()
    return [tuple(r) for r in rows]


def test_the_defaults_are_in_force_until_an_administrator_changes_them(store):
    assert queue_weights(store) == SavedWeights(DEFAULT_WEIGHTS, 0)


def test_a_change_is_versioned_and_audited(store):
    first = set_queue_weights(store, {"per_30_days_overdue": 20}, version=0, actor=ADMIN)
    assert first == SavedWeights(QueueWeights(per_30_days_overdue=20), 1)
    second = set_queue_weights(store, {"safeguarding_open": "90"}, version=1, actor=ADMIN)
    assert second == SavedWeights(QueueWeights(safeguarding_open=90, per_30_days_overdue=20), 2)
    assert queue_weights(store) == second
    events = _events(store)
    assert [(e[1]["version"], e[2]["version"]) for e in events] == [(0, 1), (1, 2)]
    assert events[1][2]["value"]["safeguarding_open"] == 90
    assert events[1][1]["value"]["safeguarding_open"] == 100


def test_a_stale_version_is_refused_and_nothing_is_written(store):
    set_queue_weights(store, {"per_30_days_overdue": 20}, version=0, actor=ADMIN)
    with pytest.raises(StaleVersionError, match="you had version 0; it is now at version 1"):
        set_queue_weights(store, {"safeguarding_open": 10}, version=0, actor=ADMIN)
    assert queue_weights(store).weights.safeguarding_open == 100
    assert len(_events(store)) == 1


def test_changing_nothing_writes_nothing(store):
    kept = set_queue_weights(store, {"safeguarding_open": 100}, version=0, actor=ADMIN)
    assert kept == SavedWeights(DEFAULT_WEIGHTS, 0)
    assert _events(store) == []


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"safeguarding_open": 1001}, "from 0 to 1000, not 1001"),
        ({"safeguarding_open": True}, "from 0 to 1000, not True"),
        ({"lives_alone_without_carer": "thirty"}, "not 'thirty'"),
        ({"nobody": 1}, "no factor called nobody"),
    ],
)
def test_a_weight_that_is_not_a_whole_number_from_0_to_1000_is_refused(store, changes, said):
    with pytest.raises(SettingRefusedError, match=said):
        set_queue_weights(store, changes, version=0, actor=ADMIN)
    assert queue_weights(store).version == 0


def test_only_administrators_change_the_weights(store):
    with pytest.raises(NotPermitted):
        set_queue_weights(store, {"safeguarding_open": 1}, version=0, actor=DIRECTOR)
    assert queue_weights(store).version == 0


def test_the_census_flags_are_read_back_as_booleans(store, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(
        "extract_date,person_id,team,age_band,safeguarding_open,provider_concern,lives_alone,"
        "has_unpaid_carer\n2024-03-31,P1,North,65+,yes,no,,1\n",
        encoding="utf-8",
    )
    import_file(store, "cases", path, actor=DIRECTOR, as_at=date(2024, 4, 2))
    flags = ("safeguarding_open", "provider_concern", "lives_alone", "has_unpaid_carer")
    frame = load_table(store, "cases").select(flags)
    assert frame.schema == pl.Schema(dict.fromkeys(flags, pl.Boolean))
    assert frame.row(0) == (True, False, False, True)
    # and as the table stood at the end of a day (rebuilt from the audit history)
    assert load_table(store, "cases", as_at=days.today()).select(flags).row(0) == (
        True,
        False,
        False,
        True,
    )
