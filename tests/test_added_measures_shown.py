"""A measure an administrator adds (``ascgov measures add``) and whose figures are imported
(``ascgov import backlog``) is shown wherever the built-in ones are: the Backlog page (its
card, its trend with its label and unit, the measure filter), the Definitions table, the
Updates page's backlog form and the briefing pack."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.briefing import content, make
from dashboard.views.blocks import Chart, Heading, Headlines
from data_access import days
from data_access.loaders import load_table
from data_access.measures import ADDED_OWNER
from tests.conftest import REPO
from tests.pages_support import page_text, run_page, signed_in_as, tables
from tests.test_cli import run

ADMIN = "admin@demo.example"
LABEL = "Carers assessed"
DEFINITION = "Carers whose own needs were assessed in the month."
SOURCE = "carers.csv"
HEADER = "measure,month,team,priority_band,value,source,as_at\n"


@pytest.fixture
def carers(app_env, tmp_path):
    """The demo council with the measure added and two months of its figures imported, both
    through the ``ascgov`` command an administrator and a director would run."""
    url = app_env.url
    run(
        url,
        "measures",
        "add",
        "carers_assessed",
        "--label",
        LABEL,
        "--definition",
        DEFINITION,
        "--unit",
        "carers",
        "--rise-is-good",
        "yes",
        as_=ADMIN,
    )
    path = tmp_path / SOURCE
    path.write_text(
        HEADER
        + "carers_assessed,2024-02,All teams,All priorities,31,carers.csv,2024-02-29\n"
        + "carers_assessed,2024-03,All teams,All priorities,47,carers.csv,2024-03-31\n",
        encoding="utf-8",
    )
    run(url, "import", "backlog", str(path))
    return app_env


def _specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_the_backlog_page_shows_an_added_measure_with_its_label_figure_and_unit(carers):
    # a director reads exact counts; a member the same figure disclosed (47 -> 45)
    assert f"{LABEL} 45" in page_text(run_page("pages/backlog.py"))
    at = run_page("pages/backlog.py", role="director")
    text = page_text(at)
    assert f"{LABEL} 47" in text  # its headline card
    assert DEFINITION in text
    assert f"{LABEL} rose 52% from 31 in Feb 2024 to 47 in Mar 2024." in text
    trend = next(s for s in _specs(at) if s["layout"]["title"]["text"].startswith(LABEL))
    assert trend["layout"]["title"]["text"] == f"{LABEL}, Feb to Mar 2024"
    assert trend["layout"]["yaxis"]["title"]["text"] == "Carers"
    assert LABEL in at.selectbox(key="measure").options
    only = run_page("pages/backlog.py", query={"measure": LABEL}, role="director")
    assert [h.value for h in only.header][0] == LABEL
    assert [s["layout"]["title"]["text"] for s in _specs(only)][0] == f"{LABEL}, Feb to Mar 2024"


def test_the_definitions_table_has_an_added_measure(carers):
    at = run_page("pages/data_quality.py")
    frame = tables(at)[0]
    rows = {m: i for i, m in enumerate(frame["Measure"])}
    assert LABEL in rows
    i = rows[LABEL]
    assert list(frame["What it means"])[i] == DEFINITION
    assert list(frame["Unit"])[i] == "carers"
    assert list(frame["Source"])[i] == SOURCE
    assert list(frame["Owner"])[i] == ADDED_OWNER


def test_the_updates_page_offers_an_added_measure_and_saves_its_figure(carers):
    at = signed_in_as(
        AppTest.from_file(str(REPO / "pages/updates.py"), default_timeout=60), "director"
    )
    at.run()
    at.radio(key="kind").set_value("Backlog figures").run()
    at.selectbox(key="pick-team").set_value("All teams").run()
    at.selectbox(key="pick-band").set_value("All priorities")
    at.date_input(key="pick-month").set_value(date(2024, 3, 15)).run()
    assert not at.exception, [e.value for e in at.exception]
    key = "backlog:2024-03|All teams|All priorities:carers_assessed:value"
    field = at.number_input(key=key)
    assert (field.label, field.value) == (LABEL, 47)
    field.set_value(49)
    next(b for b in at.button if b.label == "Save figures").click().run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    stored = load_table(carers, "backlog").filter(pl.col("measure") == "carers_assessed")
    assert sorted(stored["value"]) == [31, 49]


def test_the_briefing_pack_lists_an_added_measure(carers):
    pack = content.build(content.gather(carers, days.today()), make.options_for(carers))
    backlog = next(s for s in pack.sections if s.key == "backlog")
    assert Heading(LABEL) in backlog.blocks
    charts = [b.title for b in backlog.blocks if isinstance(b, Chart)]
    assert f"{LABEL}, Feb to Mar 2024" in charts
    definitions = next(s for s in pack.sections if s.key == "definitions")
    table = next(b for b in definitions.blocks if hasattr(b, "frame"))
    assert LABEL in list(table.frame["Measure"])


def _restate(env, tmp_path, value: int) -> None:
    """A director restates the added measure's March figure (an update, listed by name among
    the changes since the last meeting)."""
    path = tmp_path / "restated.csv"
    path.write_text(
        HEADER
        + f"carers_assessed,2024-03,All teams,All priorities,{value},carers.csv,2024-03-31\n",
        encoding="utf-8",
    )
    run(env.url, "import", "backlog", str(path))


def test_the_overview_has_a_card_for_an_added_measure(carers):
    at = run_page("pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    card = next(m for m in at.metric if m.label == LABEL)
    assert card.value == "47"
    assert card.delta.startswith("up 16 on the month before")
    assert "People waiting for a review 460" in page_text(at)  # the built-in cards stay


def test_the_change_list_names_an_added_measure_by_its_label(carers, tmp_path):
    _restate(carers, tmp_path, 52)
    at = run_page("pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    changed = tables(at)[0]
    items = list(changed["Item"])
    assert f"{LABEL}, Mar 2024, All teams, All priorities" in items, items
    assert not any("carers_assessed" in item for item in items)
    i = items.index(f"{LABEL}, Mar 2024, All teams, All priorities")
    assert list(changed["What changed"])[i] == "47 → 52"


def test_the_packs_summary_has_a_card_for_an_added_measure(carers, tmp_path):
    _restate(carers, tmp_path, 52)
    pack = content.build(content.gather(carers, days.today()), make.options_for(carers))
    summary = next(s for s in pack.sections if s.key == "summary")
    cards = {h.label: h.value for b in summary.blocks if isinstance(b, Headlines) for h in b.items}
    assert cards[LABEL] == "52"
    assert cards["People waiting for a review"] == "460"
    # the pack counts a figure imported and restated since the meeting as new (it reads
    # inserts too); its summary names no internal code
    assert "carers_assessed" not in repr(summary.blocks)
