""" "As at" that tells the truth, under AppTest on the demo council: the overview dates the
figures it shows, a day before the figures begin says when they begin, a typed day applies,
each page has one as-at control, a timeline's line is the as-at day, and "since the last
meeting" can be counted from any recorded meeting."""

from __future__ import annotations

import json

import polars as pl
import pytest

from dashboard.navigation import PAGES
from data_access import days
from data_access.commands import edit_area
from data_access.importer import import_file
from data_access.loaders import first_figures_day, load_table
from tests.conftest import DIRECTOR
from tests.pages_support import page_text, run_page, tables

APP = "dashboard/streamlit_app.py"
OVERVIEW = "pages/overview.py"
DATES = (
    "Figures as at: improvement plan 23 Jan 2024, savings lines 12 Mar 2024, savings required "
    "30 Nov 2023, backlog Nov 2023. Each figure's source is shown with it."
)
BEFORE = (
    "There are no figures as at 1 March 2024: the dashboard holds none from before then. The "
    "figures begin on 12 March 2024; choose that day or later."
)
MEETINGS = [
    "12 Mar 2024: Health and Social Care Scrutiny Commission (Leicester)",
    "6 Feb 2024: Health and Social Care Scrutiny Commission (Leicester)",
    "23 Jan 2024: Adult Social Care Improvement Board (Rotherham)",
]


# the date of the figures shown ------------------------------------------------------------------


def test_the_overview_dates_the_figures_it_shows(app_env):
    assert DATES in page_text(run_page(OVERVIEW))
    # as at a past day: the dates of the figures as they stood then, not the day chosen
    assert DATES in page_text(run_page(OVERVIEW, query={"as_at": "2024-03-20"}))


def test_a_load_today_of_an_older_month_dates_the_backlog_by_its_month(app_env, tmp_path):
    """Loaded today with no as-at date of its own, December 2023's figures are still
    December's: the overview said "Figures as at" the day of the load."""
    path = tmp_path / "backlog.csv"
    path.write_text(
        "measure,month,team,priority_band,value\n"
        "waiting_review,2023-12-01,All teams,All priority bands,470\n",
        encoding="utf-8",
    )
    import_file(app_env, "backlog", path, actor=DIRECTOR)
    text = page_text(run_page(OVERVIEW))
    assert "backlog Dec 2023." in text
    assert days.today().strftime("%b %Y") not in text.split("Each figure")[0]


# a day before the figures begin ----------------------------------------------------------------


def test_the_store_knows_the_day_its_figures_begin(store):
    """On both databases: none before a figure is loaded (users and settings are no
    figures), then the UK day of the first load (the demo's: 12 March 2024)."""
    from data_access.access import system_principal
    from data_access.models import User
    from data_access.sample_data import load_sample_data
    from data_access.users import add_user
    from data_access.vocab import Role

    someone = User(email="admin@demo.example", name="Admin", role=Role.ADMIN)
    add_user(store, someone, actor=system_principal("tests"))
    assert first_figures_day(store) is None
    load_sample_data(store)
    assert first_figures_day(store).isoformat() == "2024-03-12"


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/backlog.py", "pages/savings.py"])
def test_a_day_before_the_figures_begin_names_the_first_day(app_env, page):
    at = run_page(APP, query={"as_at": "2024-03-01"})
    if page != OVERVIEW:
        at.switch_page(f"../{page}").run()
    assert [i.value for i in at.info] == [BEFORE]
    text = page_text(at)
    assert "No figures" not in text and "No backlog figures" not in text
    assert "ascgov" not in text and not at.title


def test_the_first_day_itself_shows_the_figures(app_env):
    at = run_page(APP, query={"as_at": "2024-03-12"})
    assert not at.info and DATES in page_text(at)


# the control --------------------------------------------------------------------------------


def test_a_day_typed_in_the_sidebar_applies(app_env):
    at = run_page(APP)
    at.sidebar.text_input(key="as_at").set_value("20/03/2024").run()
    assert (
        "You are looking at the figures as they stood at the end of 20 Mar 2024, not the live "
        "figures." in page_text(at)
    )
    at.sidebar.text_input(key="as_at").set_value("01/03/2024").run()
    assert [i.value for i in at.info] == [BEFORE]


def test_a_day_that_cannot_be_read_says_so_and_shows_the_live_figures(app_env):
    at = run_page(APP)
    at.sidebar.text_input(key="as_at").set_value("31/02/2024").run()
    assert [e.value for e in at.sidebar.error] == [
        "“31/02/2024” is not a day the dashboard can read, so the live figures are shown\\. "
        "Type a day as day/month/year, e\\.g\\. 12/03/2024, and press Enter\\."
    ]
    assert "You are looking at the figures as they stood" not in page_text(at)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.title)
def test_each_page_has_one_as_at_control(app_env, page):
    at = run_page(APP, role="admin" if page.path == "pages/administration.py" else "director")
    at.switch_page(f"../{page.path}").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [w.label for kind in ("text_input", "date_input") for w in getattr(at, kind)]
    assert [label for label in labels if "as at" in label.lower()] == ["Figures as at"]


def test_the_briefing_pack_takes_the_sidebar_day(app_env, monkeypatch, tmp_path):
    from tests.briefing_support import pdf_pages

    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser"))
    at = run_page("pages/briefing.py", role="director", query={"as_at": "2024-03-20"})
    assert not at.date_input
    assert (
        "The pack holds the figures as they stood at the end of 20 March 2024, the day chosen "
        "in “Figures as at” in the sidebar." in page_text(at)
    )
    at.button[0].click().run()
    summary = " ".join("\n".join(pdf_pages(at.session_state["briefing-pack"][1])).split())
    assert (
        "The figures in this pack are those in the dashboard at the end of 20 Mar 2024. Figures "
        "as at: improvement plan 23 Jan 2024, savings lines 12 Mar 2024, savings required 30 "
        "Nov 2023, backlog Nov 2023." in summary
    )


# the timeline's line --------------------------------------------------------------------------


def _marker(at) -> tuple[str, str]:
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    return layout["annotations"][0]["text"], layout["shapes"][0]["x0"][:10]


def test_the_timeline_marks_the_as_at_day(app_env):
    at = run_page("pages/improvement_plan.py", query={"area": "IP09", "as_at": "2024-03-20"})
    assert _marker(at) == ("As at 20 Mar 2024", "2024-03-20")
    at = run_page("pages/improvement_plan.py", query={"area": "IP09"})
    assert _marker(at) == ("Today", days.today().isoformat())


# since which meeting ---------------------------------------------------------------------------


def _red_today(store) -> None:
    """An officer's change after the last meeting: IP09 turned Red."""
    row = load_table(store, "areas").filter(pl.col("code") == "IP09").row(0, named=True)
    edit_area(
        store,
        DIRECTOR,
        "IP09",
        version=row["version"],
        status=row["status"],
        rag="Red",
        commentary="Reviews behind plan.",
    )


def test_since_the_last_meeting_by_default_and_any_meeting_chosen(app_env):
    _red_today(app_env)
    at = run_page(OVERVIEW)
    choice = at.selectbox(key="since-meeting")
    assert (choice.options, choice.value) == (MEETINGS, MEETINGS[0])
    assert "Since the last meeting" in [h.value for h in at.header]
    assert "1 change since the meeting on 12 Mar 2024: 1 new red item." in page_text(at)
    assert len(tables(at)[0]) == 1
    choice.select(MEETINGS[2]).run()
    text = page_text(at)
    assert "Since the meeting on 23 Jan 2024" in [h.value for h in at.header]
    # the demo's load on 12 Mar 2024 came after that meeting: its figures are new since then
    assert "10 changes since the meeting on 23 Jan 2024: 3 new red items" in text
    assert len(tables(at)[0]) == 10
    assert "No change since the meeting on 23 Jan 2024. Nov 2023 (published)." in text
