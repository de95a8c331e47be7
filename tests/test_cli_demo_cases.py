"""``ascgov demo cases`` through the installed console script, on a small synthetic council
(1,000 people with support, the generator's least): it loads the census extract and the CLD
events into the demo store, the members' page then shows the extract's figures and a
director's review queue lists its people; run again it changes nothing; a store that is not
the demo is refused with nothing written."""

from __future__ import annotations

import polars as pl
import pytest

from data_access.loaders import load_audit, load_table
from data_access.synthetic_cases import EXTRACT_DATE, SOURCE, generate
from tests.conftest import with_demo_council
from tests.pages_support import page_text, run_page, tables
from tests.test_cli import run

PEOPLE, SEED = 1_000, 7


@pytest.fixture(scope="module")
def council():
    return generate(PEOPLE, seed=SEED)


@pytest.fixture
def loaded(app_env):
    """The demo store (the app pointed at it) after one ``ascgov demo cases``."""
    done = run(app_env.url, "demo", "cases", f"--people={PEOPLE}", f"--seed={SEED}", as_=None)
    return app_env, done.stdout


def _stored(store) -> tuple[pl.DataFrame, pl.DataFrame]:
    return load_table(store, "cases"), load_table(store, "cld_events")


def test_demo_cases_loads_the_extract_and_the_events(loaded, council):
    store, printed = loaded
    cases, events = _stored(store)
    # the generator's council for this size and seed: 1,531 people in the extract (those with
    # support, and those waiting without), 39,104 events
    assert (cases.height, events.height) == (council.census.height, council.cld.height)
    assert (cases.height, events.height) == (1_531, 39_104)
    assert f"census extract at 30 November 2023: {council.census.height:,} people" in printed
    assert f"CLD events: {council.cld.height:,} in " in printed
    assert cases["extract_date"].unique().to_list() == [EXTRACT_DATE]
    assert set(cases["source"]) == {SOURCE} and set(events["source"]) == {SOURCE}
    assert set(cases["basis"]) == {"illustrative"} and set(events["basis"]) == {"illustrative"}
    assert set(cases["loaded_by"]) == {"system:sample-data"}
    # no backlog figure comes from the synthetic extract: November 2023 stays the paper's
    backlog = load_table(store, "backlog")
    assert not backlog["source"].str.contains("extract").any()


def test_the_pages_then_show_the_extract(loaded):
    """Loading is the slow part: one load, then the member's page and the queue of a director
    and of the demo officer (assigned "All teams" as well as North locality)."""
    at = run_page("pages/reviews_and_waiting.py", role="member")
    text = page_text(at)
    # the published 460 overdue and 692 waiting for an OT assessment, rounded to fives for
    # members (692 to 690; 460 already is)
    assert "Overdue a review 460" in text
    assert "Waiting for an OT assessment 690" in text
    # invented people are said to be so beside their figures: members quote what they read
    assert (
        "Census extract as at 30 November 2023. Illustrative, not published figures: "
        "Synthetic demo council, generated people, not real."
    ) in text
    assert "SYN-" not in text and all("SYN-" not in t.to_csv() for t in tables(at))
    for role in ("director", "officer"):
        at = run_page("pages/review_queue.py", role=role)
        queue = tables(at)[0]
        # everyone overdue (the published 460, exact for them) and those due within 28 days
        assert "people in the queue in all teams: 460 overdue," in page_text(at)
        assert (queue["Days overdue"].astype(int) > 0).sum() == 460
        assert queue["Person id"].str.startswith("SYN-").all()
        assert {"North locality", "South locality", "Central reviewing team"} <= set(queue["Team"])


def test_a_second_run_changes_nothing(loaded):
    store, _ = loaded
    before = (*_stored(store), load_audit(store).height, store.dataset_versions())
    done = run(store.url, "demo", "cases", f"--people={PEOPLE}", f"--seed={SEED}", as_=None)
    after = (*_stored(store), load_audit(store).height, store.dataset_versions())
    assert "the store already held this case history: nothing changed" in done.stdout
    assert before[0].equals(after[0]) and before[1].equals(after[1])
    assert before[2:] == after[2:]


def test_a_store_that_is_not_the_demo_is_refused(sqlite_store, tmp_path):
    done = run(sqlite_store.url, "demo", "cases", f"--people={PEOPLE}", ok=False, as_=None)
    assert done.returncode == 1
    assert "does not hold the demo council" in done.stderr
    with_demo_council(sqlite_store)
    (tmp_path / "area.csv").write_text(
        "code,title,status,source,as_at\nX01,A council's own area,Routine activity,paper,"
        "2024-01-01\n",
        encoding="utf-8",
    )
    run(sqlite_store.url, "import", "areas", str(tmp_path / "area.csv"))
    done = run(sqlite_store.url, "demo", "cases", f"--people={PEOPLE}", ok=False, as_=None)
    assert done.returncode == 1
    assert "holds other figures" in done.stderr and "areas: 1 row" in done.stderr
    assert _stored(sqlite_store)[0].height == 0 and _stored(sqlite_store)[1].height == 0
