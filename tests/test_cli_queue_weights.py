"""``ascgov queue-weights`` through its real entry point (the installed console script): the
weights in force, a change by an administrator (version-checked, audited), refusals in words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_access import schema
from data_access.app_settings import queue_weights
from data_access.store import Store
from tests.test_cli import ADMIN, DIRECTOR, run

DEFAULTS = (
    "safeguarding_open\t100\topen safeguarding enquiry\n"
    "no_contact_12_months\t40\tno contact for over 12 months\n"
    "lives_alone_without_carer\t30\tlives alone without an unpaid carer\n"
    "provider_concern_care_home\t20\tprovider concern in a care home\n"
    "per_30_days_overdue\t5\teach whole 30 days overdue\n"
)


@pytest.fixture
def db_url(tmp_path) -> str:
    url = "sqlite:///" + str(tmp_path / "cli.sqlite3")
    run(url, "db", "upgrade", as_=None)
    return url


def _users(url: str) -> None:
    run(url, "users", "add", ADMIN, "--role", "admin", as_=None)
    run(url, "users", "add", DIRECTOR, "--role", "director", as_=ADMIN)


def _audited(url: str) -> list[tuple]:
    store = Store(url)
    events = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.actor, events.c.before, events.c.after).where(
                events.c.action == "settings:set", events.c.entity_key == "queue_weights"
            )
        ).all()
    store.dispose()
    return [tuple(r) for r in rows]


def test_show_lists_the_defaults_until_an_administrator_sets_them(db_url):
    out = run(db_url, "queue-weights", "show", as_=None).stdout
    assert out == DEFAULTS + "(the defaults, never changed)\n"


def test_an_administrator_sets_a_weight_and_it_is_audited(db_url):
    _users(db_url)
    done = run(db_url, "queue-weights", "set", "lives_alone_without_carer", "45", as_=ADMIN)
    assert done.stdout == "lives_alone_without_carer set to 45 (version 1)\n"
    shown = run(db_url, "queue-weights", "show").stdout
    assert "lives_alone_without_carer\t45\tlives alone without an unpaid carer\n" in shown
    assert shown.endswith("(version 1)\n")
    ((actor, before, after),) = _audited(db_url)
    assert actor == ADMIN
    assert before["value"]["lives_alone_without_carer"] == 30
    assert after["value"] == {
        "safeguarding_open": 100,
        "no_contact_12_months": 40,
        "lives_alone_without_carer": 45,
        "provider_concern_care_home": 20,
        "per_30_days_overdue": 5,
    }
    # the same value again changes nothing and writes nothing
    again = run(db_url, "queue-weights", "set", "lives_alone_without_carer", "45", as_=ADMIN)
    assert again.stdout == "lives_alone_without_carer is already 45: nothing changed\n"
    assert len(_audited(db_url)) == 1


def test_a_stale_version_is_refused_and_nothing_is_written(db_url):
    _users(db_url)
    run(db_url, "queue-weights", "set", "safeguarding_open", "150", as_=ADMIN)
    stale = run(
        db_url,
        "queue-weights",
        "set",
        "per_30_days_overdue",
        "10",
        "--version",
        "0",
        ok=False,
        as_=ADMIN,
    )
    assert stale.returncode == 1
    assert stale.stderr == (
        "refused: the review queue weighting was changed by someone else since you opened it "
        "(you had version 0; it is now at version 1); nothing was written\n"
    )
    weights = queue_weights(Store(db_url))
    assert (weights.weights.per_30_days_overdue, weights.version) == (5, 1)


def test_weights_that_are_not_whole_numbers_from_0_to_1000_are_refused_in_words(db_url):
    _users(db_url)
    cases = {
        ("per_30_days_overdue", "2.5"): "per_30_days_overdue (each whole 30 days overdue) must "
        "be a whole number from 0 to 1000, not '2.5'",
        ("safeguarding_open", "-1"): "safeguarding_open (open safeguarding enquiry) must be a "
        "whole number from 0 to 1000, not -1",
        ("safeguarding_open", "1001"): "safeguarding_open (open safeguarding enquiry) must be a "
        "whole number from 0 to 1000, not 1001",
        ("lives_alone", "10"): "no factor called lives_alone; the factors are safeguarding_open, "
        "no_contact_12_months, lives_alone_without_carer, provider_concern_care_home, "
        "per_30_days_overdue",
    }
    from data_access.queue_weights import QueueWeights, WeightRefusedError, changed_weights

    # the words of each refusal come from the one rule; two go through the real command (a
    # negative number after "--", which is otherwise read as an option, and an unknown factor)
    through_command = {("safeguarding_open", "-1"), ("lives_alone", "10")}
    for (factor, points), said in cases.items():
        if (factor, points) in through_command:
            done = run(db_url, "queue-weights", "set", "--", factor, points, ok=False, as_=ADMIN)
            assert (done.returncode, done.stderr) == (1, f"refused: {said}\n")
        else:
            value = int(points) if points.lstrip("-").isdigit() else points
            with pytest.raises(WeightRefusedError) as refused:
                changed_weights(QueueWeights(), {factor: value})
            assert str(refused.value) == said
    assert _audited(db_url) == []


def test_only_administrators_set_weights(db_url):
    _users(db_url)
    done = run(db_url, "queue-weights", "set", "safeguarding_open", "50", ok=False)
    assert done.returncode == 1
    assert done.stderr == (
        "refused: director@demo.example (director) may not manage settings (queue_weights)\n"
    )
    assert queue_weights(Store(db_url)).version == 0
