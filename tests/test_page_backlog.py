"""The backlog and reviews page under AppTest: demo figures, filters, the what-if, odd data."""

from __future__ import annotations

import json

import pytest

from data_access.importer import import_file
from data_access.settings import get_settings
from tests.conftest import DIRECTOR
from tests.pages_support import page_text, run_page, tables

PAGE = "pages/backlog.py"
HIGH_BAND = "High: risk or safeguarding"
HEADER = "measure,month,team,priority_band,value,target,source,as_at,basis\n"


def _specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _titles(at) -> list[str]:
    return [spec["layout"]["title"]["text"] for spec in _specs(at)]


def _subtitles(at) -> list[str | None]:
    return [spec["layout"]["title"].get("subtitle", {}).get("text") for spec in _specs(at)]


def _load(store, tmp_path, lines: list[str]) -> None:
    path = tmp_path / "backlog.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    import_file(store, "backlog", path, actor=DIRECTOR)


def test_demo_shows_published_figures_trends_and_sources(app_env):
    at = run_page(PAGE, role="director")  # exact counts: a director's own work
    text = page_text(at)
    for expected in (
        "People waiting for a review 460",
        "People waiting for an OT assessment 692",
        "Reviews completed 2,398",
        # Apr 2023 is modelled, Nov 2023 published: the sentence says which
        "People waiting for a review rose 45% from 318 in Apr 2023 (modelled) to 460 in Nov 2023.",
        # Jan and Aug 2023 are published: the change between them, though Jul was modelled
        "Reviews completed rose 220% from 750 in Jan 2023 to 2,398 in Aug 2023.",
        "Overdue annual reviews rose 21% from 619 in Apr 2023 (modelled) to 746 in Nov 2023 "
        "(modelled).",
        "In Nov 2023, the team with the most overdue annual reviews was North locality "
        "(299 of 746, modelled).",
        "Care Act 2014",
        "Source: Nottingham City Council: local news report on review backlogs, 2023 "
        "(cumulative reviews in 2023 as reported). Figures as at 30 Nov 2023.",
    ):
        assert expected in text
    # each card's change on the month before rests on a modelled month, and says so
    assert {m.label: m.delta for m in at.metric[:4]} == {
        "People waiting for a review": "+24 since Oct 2023 (modelled)",
        "People waiting for an OT assessment": "+24 since Oct 2023 (modelled)",
        "Reviews completed": "+235 since Jul 2023 (modelled)",
        "Overdue annual reviews": "+19 since Oct 2023 (modelled)",
    }
    assert _titles(at) == [
        "People waiting for a review, Apr to Nov 2023",
        "People waiting for an OT assessment, Apr to Nov 2023",
        "Reviews completed, Jan to Aug 2023",
        "Overdue annual reviews, Apr to Nov 2023",
        "Overdue annual reviews by team and priority band, Nov 2023",
        "People waiting for a review: recorded, and projected to Apr 2026",
    ]
    whole = "All teams, all priority bands"
    assert _subtitles(at) == [whole, whole, whole, whole, None, whole]
    assert all("Basis" in table.columns for table in tables(at))


def test_published_and_modelled_points_look_different(app_env):
    at = run_page(PAGE, query={"measure": "Reviews completed"}, role="director")
    trace = _specs(at)[0]["data"][0]
    assert trace["y"][0] == 750 and trace["y"][-1] == 2398
    symbols = trace["marker"]["symbol"]
    assert symbols[0] == symbols[-1] == "circle" and set(symbols[1:-1]) == {"circle-open"}
    table = tables(at)[0]
    assert list(table["Count"])[::7] == ["750", "2,398"]
    assert list(table["Basis"])[::7] == ["published", "published"]


def test_projection_and_what_if_from_the_reviews_programme(app_env):
    text = page_text(run_page(PAGE))
    for expected in (
        "At the net change of the last 3 months (Sep to Nov 2023), the review waiting list will "
        "not clear at the current rate: it is growing by about 24 a month",
        # the demo's months between its published ones are modelled: no range from them
        "There are too few published months in a row to give a range",
        # the projection and the what-if say what they rest on
        "(+71 over the 3 months, to 460 in Nov 2023). This projection rests on 3 modelled "
        "months (Aug to Oct 2023) and the published figure for Nov 2023.",
        "Reviews programme 2023/24: 2,478 reviews for £1.191m, £480.63 a review. At that rate "
        "a reviewer completing 20 reviews a month costs £9,612.60 a month",
        "the list would fall by about 16 a month and clear in 29 months, by Apr 2026. Like the "
        "projection above, this rests on 3 modelled months (Aug to Oct 2023) and the published "
        "figure for Nov 2023.",
        "with 2 extra reviewers it clears by Apr 2026. The projection rests on 3 modelled months "
        "(Aug to Oct 2023) and the published figure for Nov 2023.",
        "Clears by Apr 2026",
        # one unit cost: the what-if's starts as the programme's (it read £480.65)
        "Cost per extra review £480.63",
        "Extra cost until it clears £557,530.80",
    ):
        assert expected in text
    assert "480.65" not in text


def test_what_if_cost_in_pounds_and_pence_from_the_url(app_env):
    at = run_page(PAGE, query={"cost": "10000.50"})
    assert at.number_input(key="cost").value == 10_000.50
    text = page_text(at)
    assert "Extra cost: £20,001 a month" in text
    assert "Cost per extra review £500.03" in text  # £10,000.50 / 20, to the penny


def test_what_if_inputs_come_from_the_url_and_change_the_answer(app_env):
    at = run_page(PAGE, query={"extra": "1"})
    assert at.number_input(key="extra").value == 1
    assert "the list would still grow by about 4 a month, so it would not clear" in page_text(at)
    at.number_input(key="extra").set_value(5).run()
    assert "clear in 7 months, by Jun 2024" in page_text(at)


def test_team_filter_from_the_url_shows_that_team(app_env):
    at = run_page(PAGE, query={"team": "North locality"}, role="director")
    text = page_text(at)
    assert "Overdue annual reviews 299" in text
    assert (
        "No figures for people waiting for a review for North locality, all priority bands." in text
    )
    assert "so there is nothing to project" in text
    assert _titles(at) == [
        "Overdue annual reviews, Apr to Nov 2023",
        "Overdue annual reviews by priority band, Nov 2023",
    ]
    assert _subtitles(at)[0] == "North locality, all priority bands"


def test_measure_and_band_filters_change_what_is_shown(app_env):
    at = run_page(PAGE, role="director")
    at.selectbox(key="measure").select("Overdue annual reviews").run()
    at.selectbox(key="band").select("High: risk or safeguarding").run()
    assert len(_titles(at)) == 2  # the trend and its breakdown: no waiting list by band
    assert "Overdue annual reviews 149" in page_text(at)
    breakdown = tables(at)[1]
    assert list(breakdown["Count"]) == ["60", "52", "37"]


def test_members_see_counts_rounded_and_percentages_from_the_rounded_figures(app_env):
    at = run_page(PAGE)  # a member: NHS England's rule, the default
    text = page_text(at)
    for expected in (
        "People waiting for a review 460",
        "People waiting for an OT assessment 690",  # 692
        "Reviews completed 2,400",  # 2,398
        # 318 -> 320 and 460: 44% from the rounded figures (45% from the exact ones)
        "People waiting for a review rose 44% from 320 in Apr 2023 (modelled) to 460 in Nov 2023.",
        "In Nov 2023, the team with the most overdue annual reviews was North locality "
        "(300 of 745, modelled).",  # 299 of 746
        "Counts of people are rounded to the nearest 5; counts from 1 to 7 are shown as "
        "'fewer than 8'",
    ):
        assert expected in text
    at = run_page(PAGE, query={"measure": "Overdue annual reviews", "band": HIGH_BAND})
    assert list(tables(at)[1]["Count"]) == ["60", "50", "35"]  # 60, 52, 37


@pytest.mark.parametrize(
    ("team", "role", "headline"),
    [
        ("North locality", "officer", "Overdue annual reviews 299\n"),  # the officer's own team
        (None, "officer", "Overdue annual reviews 746\n"),  # the demo officer has "All teams"
        ("South locality", "officer", "Overdue annual reviews 260\n"),  # another team: 261 rounded
        ("North locality", "admin", "Overdue annual reviews 300\n"),
        ("North locality", "director", "Overdue annual reviews 299\n"),
    ],
)
def test_officers_see_exact_counts_for_their_own_teams(app_env, team, role, headline):
    query = {"measure": "Overdue annual reviews"} | ({"team": team} if team else {})
    assert headline in page_text(run_page(PAGE, query=query, role=role))


def test_small_counts_are_suppressed(app_env, monkeypatch):
    monkeypatch.setenv("ASCGOV_SMALL_NUMBER_THRESHOLD", "55")
    get_settings.cache_clear()
    at = run_page(
        PAGE, query={"measure": "Overdue annual reviews", "band": "High: risk or safeguarding"}
    )
    assert list(tables(at)[1]["Count"]) == ["60", "fewer than 55", "fewer than 55"]
    bars = _specs(at)[1]["data"]
    assert [trace["y"] for trace in bars] == [[60, None, None]]


def test_empty_store_says_no_figures(empty_app_env):
    at = run_page(PAGE)
    assert "No backlog figures have been loaded yet." in page_text(at)
    assert not at.get("plotly_chart")


def test_single_month_says_there_is_no_trend_yet(empty_app_env, tmp_path):
    _load(
        empty_app_env,
        tmp_path,
        [
            "waiting_review,2023-11,All teams,All priorities,460,,Paper,2023-11-30,published",
            "waiting_ot_assessment,2023-11,All teams,All priorities,692,,Paper,2023-11-30,"
            "published",
        ],
    )
    text = page_text(run_page(PAGE, role="director"))
    assert "Only one month of figures so far (Nov 2023: 460), so there is no trend" in text
    assert "People waiting for an OT assessment 692" in text
    assert "The projection needs at least two months of figures" in text
    assert "No figures for overdue annual reviews have been loaded." in text


@pytest.mark.parametrize("missing", ["waiting_review", "reviews_completed"])
def test_missing_measure_says_so(empty_app_env, tmp_path, missing):
    lines = [
        f"{measure},2023-{m:02d},All teams,All priorities,{value + m},,Paper,2023-11-30,published"
        for measure, value in (("waiting_review", 400), ("reviews_completed", 700))
        if measure != missing
        for m in (9, 10, 11)
    ]
    _load(empty_app_env, tmp_path, lines)
    at = run_page(PAGE)
    text = page_text(at)
    label = {
        "waiting_review": "people waiting for a review",
        "reviews_completed": "reviews completed",
    }[missing]
    assert f"No figures for {label} have been loaded." in text
    assert "No reviews programme has been loaded" in text
    if missing == "waiting_review":
        assert "The what-if needs a projection of the review waiting list" in text
    else:
        assert "growing by 1 a month" in text


def test_many_teams_chart_the_largest_and_say_how_many_are_not_shown(empty_app_env, tmp_path):
    _load(
        empty_app_env,
        tmp_path,
        [
            f"overdue_annual_reviews,2023-{m},Team {t:02d},Low: routine,{t * 10 + m},,Paper,"
            "2023-11-30,published"
            for t in range(1, 15)
            for m in (10, 11)
        ],
    )
    at = run_page(PAGE, query={"measure": "Overdue annual reviews"})
    text = page_text(at)
    assert (
        "14 teams have figures for Nov 2023: the 12 with the most overdue annual reviews are "
        "shown, 2 more teams are not. Choose a team to see its figures." in text
    )
    assert _titles(at)[1] == (
        "Overdue annual reviews by team and priority band, Nov 2023: the 12 teams with the most"
    )
    assert _specs(at)[1]["data"][0]["x"] == [f"Team {t:02d}" for t in range(14, 2, -1)]
    assert len(tables(at)[1]) == 12
    # every team can still be chosen, and a chosen team is shown whatever its size
    at = run_page(PAGE, query={"measure": "Overdue annual reviews", "team": "Team 01"})
    assert "Overdue annual reviews 20" in page_text(at)  # a member: 21 rounded to the nearest 5
    assert list(tables(at)[1]["Count"]) == ["20"]


def test_the_worked_out_figures_follow_the_as_at_day(app_env, tmp_path):
    _load(
        app_env,
        tmp_path,
        [
            "waiting_review,2023-12,All teams,All priorities,500,,Paper,2023-12-31,published",
        ],
    )
    # live, then as at a day before the import, then live again: each from its own figures
    assert "People waiting for a review 500" in page_text(run_page(PAGE))
    before = page_text(run_page(PAGE, query={"as_at": "2024-06-01"}))
    assert "People waiting for a review 460" in before
    assert "People waiting for a review 500" in page_text(run_page(PAGE))


def test_every_backlog_table_downloads_its_values(app_env, monkeypatch):
    """Each table on the page is a typed table: the files hold months as dates and counts as
    numbers (a suppressed count left empty), never the words on screen."""
    import io

    import openpyxl
    import polars as pl

    from dashboard.domain.table import Kind, Table
    from dashboard.ui import components
    from dashboard.views import downloads

    offered = []
    original = components.download_buttons

    def record(table, *, key, source=None):
        offered.append((key, table))
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    at = run_page(PAGE)
    keys = [key for key, _ in offered]
    assert len(tables(at)) == len(offered) > 0 and len(set(keys)) == len(keys)
    assert "projection-table" in keys and "trend-waiting_review-table" in keys
    for key, table in offered:
        assert isinstance(table, Table), key
        assert table.column("Count").kind is Kind.COUNT
        held = table.values()
        assert held.schema["Count"] == pl.Int64, key
        if "Month" in held.columns:
            assert held.schema["Month"] == pl.Date, key
        assert downloads.csv_bytes(table).startswith("\ufeff".encode())
        book = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, notes={})))
        assert book.worksheets[0].max_row == table.height + 1
    waiting = dict(offered)["trend-waiting_review-table"].values()
    assert waiting.filter(pl.col("Figure") == "People waiting for a review")["Count"][-1] == 460


def test_a_cached_rerun_builds_no_view_table_or_chart_again(app_env, monkeypatch):
    from dashboard.views import backlog as backlog_view

    built = []
    for name in ("view", "programme", "what_if"):
        original = getattr(backlog_view, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            built.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(backlog_view, name, counted)
    at = run_page(PAGE)
    assert sorted(built) == ["programme", "view", "what_if"]
    built.clear()
    at.run()
    assert not at.exception and built == []
    # a new what-if input builds the what-if only
    at.number_input(key="extra").set_value(3).run()
    assert not at.exception and built == ["what_if"]


CASES_HEADER = (
    "extract_date,person_id,team,age_band,primary_support_reason,setting,support_start,"
    "last_review,next_review_due,waiting_assessment_since,waiting_ot_since,"
    "waiting_service_since,safeguarding_open,provider_concern,lives_alone,has_unpaid_carer,"
    "last_contact\n"
)


def test_the_projection_rests_on_loaded_extracts_and_gives_its_range(empty_app_env, tmp_path):
    from dashboard.domain.case_counts import backlog_counts

    # everyone supported since 2020 and never reviewed: each is overdue a review. 6 people at
    # the end of January, 4 in February, 3 in March: changes -2 and -1, net -3 over 2 months
    for day, people in (("2024-01-31", 6), ("2024-02-29", 4), ("2024-03-31", 3)):
        rows = "".join(f"{day},P{n},North,65+,,,2020-01-01,,,,,,,,,,\n" for n in range(people))
        path = tmp_path / f"extract-{day}.csv"
        path.write_text(CASES_HEADER + rows, encoding="utf-8")
        import_file(empty_app_env, "cases", path, actor=DIRECTOR, derive=backlog_counts)
    text = page_text(run_page(PAGE, role="director"))
    assert "is falling by about 2 a month and would clear in 2 months, by May 2024" in text
    # 3 at 2 a month: 2 months (May); at 1 a month: 3 months (Jun)
    assert (
        "The range rests on published figures: the last 2 month-to-month changes between "
        "published months (Feb to Mar 2024) went from a fall of 2 to a fall of 1" in text
    )
    assert "the list would clear between May and Jun 2024 at recent rates." in text
    assert "case-system extract as at 31 March 2024 (derived from 3 people)" in text
