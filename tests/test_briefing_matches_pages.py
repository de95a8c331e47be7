"""The pack and the pages, built for the same day from the same store, show the same figures."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.briefing import content, make
from dashboard.domain.table import Table
from dashboard.views import printed
from dashboard.views.blocks import Chart, Headlines, Paragraph, Section
from data_access import days
from data_access.measures import MEASURES
from tests.pages_support import page_text, run_page, tables

TODAY = days.today()


@pytest.fixture
def pack(app_env):
    """The demo council's pack for today (the pages show the live figures, which are today's)."""
    return content.build(content.gather(app_env, TODAY), make.options_for(app_env))


def _section(pack, key: str):
    return next(s for s in pack.sections if s.key == key)


def _tables(pack, key: str) -> dict[str, pl.DataFrame]:
    """The section's tables as printed (the words, not the values)."""
    return {b.title: b.shown() for b in _section(pack, key).blocks if isinstance(b, Table)}


def _typed_tables(pack, key: str) -> dict[str, Table]:
    return {b.title: b for b in _section(pack, key).blocks if isinstance(b, Table)}


def _same_table(page: Table, printed: Table) -> None:
    """One table: the same columns of the same kinds, the same values and the same words."""
    assert [(c.name, c.kind) for c in page.columns] == [(c.name, c.kind) for c in printed.columns]
    assert_frame_equal(page.frame, printed.frame)
    assert_frame_equal(page.shown(), printed.shown())


def _page_table(at, first_column: str, *, index: int = 0) -> pl.DataFrame:
    found = [t for t in tables(at) if t.columns[0] == first_column]
    return pl.from_pandas(found[index])


def _same(page: pl.DataFrame, printed: pl.DataFrame) -> None:
    assert_frame_equal(
        page.select(printed.columns).cast(pl.String).fill_null(""),
        printed.cast(pl.String).fill_null(""),
    )


def test_summary_headlines_are_the_overview_cards(pack):
    at = run_page("pages/overview.py")
    cards = {(m.label, m.value) for m in at.metric}
    headlines = {
        (h.label, h.value)
        for block in _section(pack, "summary").blocks
        if isinstance(block, Headlines)
        for h in block.items
    }
    assert cards == headlines
    assert ("Forecast", "£54.43m") in headlines and ("People waiting for a review", "460") in cards


def test_changes_since_the_last_meeting_are_the_overviews(app_env):
    from data_access import commands
    from data_access.access import principal_for
    from data_access.loaders import load_table

    area = load_table(app_env, "areas").filter(code="IP09").row(0, named=True)
    commands.edit_area(
        app_env,
        principal_for(app_env, "director@demo.example"),
        "IP09",
        version=area["version"],
        status=area["status"],
        rag="Red",
        commentary="Reviews are behind plan.",
    )
    pack = content.build(content.gather(app_env, TODAY), make.options_for(app_env))
    at = run_page("pages/overview.py")
    said = [b.text for b in _section(pack, "summary").blocks if isinstance(b, Paragraph)]
    assert "1 change since the meeting on 12 Mar 2024: 1 new red item." in said
    assert "1 change since the meeting on 12 Mar 2024: 1 new red item." in page_text(at)
    printed = _tables(pack, "attention")["Changes since the last meeting"]
    _same(_page_table(at, "Kind"), printed)
    assert printed["Item"].to_list() == ["Area IP09: Reviews of care and support plans"]


def test_improvement_plan_table_is_the_trackers(pack):
    page = _page_table(run_page("pages/improvement_plan.py"), "Area")
    _same(page, _tables(pack, "plan")["Accountability areas"])


def test_savings_lines_and_totals_are_the_savings_pages(pack):
    at = run_page("pages/savings.py")
    printed = _tables(pack, "savings")
    lines = printed["Savings lines with their BRAG ratings, worst first"]
    _same(_page_table(at, "BRAG"), lines)
    assert lines["BRAG"][0] == "■ Red: at risk" and "£1.293m" in lines["Target"].to_list()
    _same(_page_table(at, "Workstream"), printed["Totals by workstream"])
    _same(_page_table(at, "Cohort"), printed["Totals by cohort"])


def test_younger_and_older_adults_tables_are_the_pages(pack):
    at = run_page("pages/younger_older_adults.py")
    printed = _tables(pack, "adults")
    by_year = printed["Savings by financial year (£000s)"]
    _same(_page_table(at, "£000s"), by_year)
    assert by_year.row(-1)[-1] == "2,808"
    posts = printed["Posts funded to deliver the savings"]
    _same(_page_table(at, "Area of support"), posts)
    assert posts.row(-1)[posts.columns.index("Cost")] == "£578,026"


@pytest.fixture
def rendered(monkeypatch):
    """The typed tables a page hands to ``render.table``, recorded as it runs."""
    from dashboard.ui import render

    seen: list[Table] = []
    original = render.table

    def record(block, *, key=None, **options):
        seen.append(block)
        original(block, key=key, **options)

    monkeypatch.setattr(render, "table", record)
    return seen


def test_adults_page_and_pack_render_the_same_view(pack, rendered):
    run_page("pages/younger_older_adults.py")
    page = {t.title: t for t in rendered}
    printed = _typed_tables(pack, "adults")
    for on_page, in_print in (
        ("Savings by financial year", "Savings by financial year (£000s)"),
        ("Savings components", "What each line is made of"),
        ("Funded posts", "Posts funded to deliver the savings"),
    ):
        _same_table(page[on_page], printed[in_print])
    by_year = printed["Savings by financial year (£000s)"]
    assert by_year.values().row(-1)[-1] == Decimal("2808000")


def test_data_quality_page_and_pack_render_the_same_view(pack, rendered):
    run_page("pages/data_quality.py")
    page = {t.title: t for t in rendered}
    _same_table(
        page["Reconciliation checks"],
        _typed_tables(pack, "reconciliation")["Reported totals checked"],
    )
    _same_table(page["Definitions"], _typed_tables(pack, "definitions")["What each measure means"])


def test_backlog_chart_tables_are_the_pages(pack):
    at = run_page("pages/backlog.py")
    charts = [b for b in _section(pack, "backlog").blocks if isinstance(b, Chart)]
    # the four trends, then the projection with the what-if's starting inputs
    by_month = [c for c in charts if c.key.startswith("trend-") or c.key == "projection"]
    page_tables = [pl.from_pandas(t) for t in tables(at) if t.columns[0] == "Month"]
    assert len(by_month) == 5
    for chart, page in zip(by_month, page_tables, strict=True):
        # a long table is printed short (views.printed): its rows are the page's, in order
        if page.height <= printed.PRINT_ROWS:
            _same(page, chart.table.shown())
            continue
        rows = chart.table.shown().rows()
        kept = set(rows)
        on_page = page.select(chart.table.shown().columns).cast(pl.String).fill_null("").rows()
        assert rows == [row for row in on_page if row in kept]
        assert chart.key == "projection" and 12 < len(rows) < page.height
    by_team = [c for c in charts if c.key.startswith("parts-")]
    page_parts = [pl.from_pandas(t) for t in tables(at) if t.columns[0] == "Team"]
    assert len(by_team) == len(page_parts) > 0
    for chart, page in zip(by_team, page_parts, strict=True):
        _same(page, chart.table.shown())


def test_backlog_section_prints_the_pages_view_objects(app_env, pack):
    """The pack's backlog section is the page's view for all teams and bands, block for block,
    with the what-if at the page's starting inputs."""
    from dashboard.views import backlog as backlog_view
    from dashboard.views.blocks import Heading

    figures = content.gather(app_env, TODAY)
    rule = make.options_for(app_env).disclosure  # the pack is for members: always disclosed
    view = backlog_view.view(figures["backlog"], team=None, band=None, rule=rule, measures=MEASURES)
    costs = backlog_view.programme(figures["review_programmes"])
    scenario = backlog_view.what_if(view.projection.projection, *costs.defaults, rule=rule)
    expected = [
        *view.blocks(),
        Paragraph(costs.sentence),
        Paragraph(backlog_view.WHAT_IF_IN_PRINT),
        *scenario.blocks(),
    ]
    # long tables cut for print, each with the sentence saying so
    section = Section("backlog", content.SECTIONS["backlog"], tuple(expected))
    expected = list(printed.for_print(section, "Backlog and reviews").blocks)
    assert len(expected) == len(section.blocks) + 1
    printed_blocks = _section(pack, "backlog").blocks
    assert [type(b) for b in printed_blocks] == [type(b) for b in expected]
    for got, want in zip(printed_blocks, expected, strict=True):
        if isinstance(want, Chart):
            assert (got.key, got.title, got.alt) == (want.key, want.title, want.alt)
            assert [(c.name, c.kind) for c in got.table.columns] == [
                (c.name, c.kind) for c in want.table.columns
            ]
            assert_frame_equal(got.table.values(), want.table.values())
            assert_frame_equal(got.table.shown(), want.table.shown())
        elif isinstance(want, Heading | Paragraph | Headlines):
            assert got == want
    headings = [b.text for b in printed_blocks if isinstance(b, Heading)]
    assert headings[-1] == "When will the review waiting list clear?"
    # the waiting list's chart holds months as dates and counts as numbers in a download
    waiting = next(
        b for b in printed_blocks if isinstance(b, Chart) and b.key == "trend-waiting_review"
    )
    held = waiting.table.values()
    assert held.schema["Month"] == pl.Date and held.schema["Count"] == pl.Int64
    assert held.filter(pl.col("Figure") == "People waiting for a review")["Count"][-1] == 460


def test_the_plan_and_attention_sections_print_the_overview_and_tracker_views(app_env, pack):
    """The page's view and the pack's sections are built by the same functions: the tables
    they hold are the same, column kinds and all."""
    from dashboard.views import plan as plan_view
    from data_access.app_settings import configured_lists
    from data_access.loaders import load_table

    statuses = configured_lists(app_env)["milestone_statuses"]
    areas, milestones = load_table(app_env, "areas"), load_table(app_env, "milestones")
    tracker = plan_view.tracker(areas, milestones, TODAY, statuses=statuses)
    printed = _typed_tables(pack, "plan")["Accountability areas"]
    _same_table(tracker.table, printed)
    assert printed.widths == plan_view.TRACKER_WIDTHS
    assert _section(pack, "plan").blocks[0] == tracker.counts
    # on screen: the same words in the tracker and the attention table
    _same(_page_table(run_page("pages/improvement_plan.py"), "Area"), printed.shown())
    page = [t for t in tables(run_page("pages/overview.py")) if list(t.columns)[-1] == "Why"]
    _same(pl.from_pandas(page[0]), _tables(pack, "attention")["Needs attention"])


def test_reconciliation_notes_are_the_data_quality_checks(pack):
    page = _page_table(run_page("pages/data_quality.py"), "status")
    _same(page, _tables(pack, "reconciliation")["Reported totals checked"])


def test_a_past_day_shows_the_figures_as_they_stood_then(app_env):
    from datetime import date, timedelta

    from data_access import commands
    from data_access.access import principal_for
    from data_access.loaders import load_table

    area = load_table(app_env, "areas").filter(code="IP09").row(0, named=True)
    commands.edit_area(
        app_env,
        principal_for(app_env, "director@demo.example"),
        "IP09",
        version=area["version"],
        status=area["status"],
        rag="Red",
        commentary="Reviews are behind plan.",
    )

    def rag_of_ip09(day):
        pack = content.build(content.gather(app_env, day), make.options_for(app_env))
        tracker = _tables(pack, "plan")["Accountability areas"]
        return tracker.filter(pl.col("Area") == "IP09")["RAG"].item()

    assert rag_of_ip09(TODAY) == "■ Red: off track"
    assert rag_of_ip09(TODAY - timedelta(days=1)) == "▲ Amber: some concerns"
    before_the_demo = content.gather(app_env, date(2024, 3, 1))
    assert before_the_demo["areas"].is_empty() and before_the_demo.savings.is_empty()
