"""Text in charts is shown, never read as markup: plotly renders a subset of HTML in every
label (links, bold, line breaks, styled spans), so a milestone titled ``<a href=...>`` became a
live link in the timeline. Every figure the pages send to the browser and every figure the
briefing pack hands to the chart browser is checked, built from a council whose every text
field is hostile (``tests/hostile_store.py``)."""

from __future__ import annotations

import json
import re
import sys

import plotly.io as pio
import pytest

from dashboard.briefing import content, images, make
from dashboard.charts import figures as charts
from data_access import days
from tests.conftest import REPO
from tests.hostile_store import SHORT_PAYLOAD, hostile, write_hostile_council
from tests.pages_support import run_page

# the only markup a figure may carry is plotly's own, written in the code: the tag that hides
# the trace name box in a hover template
OWN_MARKUP = "<extra></extra>"
# each page (with the query that opens its charts), and which of its charts carry text from
# the store: the others are worded by the code alone (ratings, cohorts, "Recorded")
F, T = False, True
PAGES = [
    ("pages/overview.py", {}, [F]),
    ("pages/improvement_plan.py", {"area": "IP09"}, [T]),
    ("pages/savings.py", {}, [T, F, F]),
    ("pages/backlog.py", {}, [F, F, F, F, T, F]),
    ("pages/backlog.py", {"team": hostile("North locality", SHORT_PAYLOAD)}, [T, T]),
    ("pages/younger_older_adults.py", {}, [F, F]),
]


@pytest.fixture
def hostile_env(sqlite_store, monkeypatch):
    """The app pointed at a store holding the hostile council and the demo users."""
    from data_access.demo_accounts import create_demo_accounts
    from data_access.settings import get_settings

    write_hostile_council(sqlite_store)
    create_demo_accounts(sqlite_store, with_passwords=False)
    monkeypatch.setenv("ASCGOV_DATABASE_URL", sqlite_store.url)
    get_settings.cache_clear()
    yield sqlite_store
    get_settings.cache_clear()


def _strings(value, key: str = ""):
    """(key, text) for every string in a figure's JSON."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def _markup(figure: dict) -> list[tuple[str, str]]:
    """Every string in the figure (its theme aside) that holds a raw < or >."""
    figure = {**figure, "layout": {k: v for k, v in figure["layout"].items() if k != "template"}}
    return [
        (key, text)
        for key, text in _strings(figure)
        if "<" in text.replace(OWN_MARKUP, "") or ">" in text.replace(OWN_MARKUP, "")
    ]


def _carries_store_text(figure: dict) -> bool:
    """Whether hostile text reached the figure, escaped (the payload's link, as entities)."""
    return any('&lt;a href="https://evil.example/"&gt;' in text for _, text in _strings(figure))


@pytest.mark.parametrize(("path", "query", "carrying"), PAGES)
def test_every_chart_a_page_sends_shows_hostile_text_as_text(hostile_env, path, query, carrying):
    at = run_page(path, query=query, role="director")
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert [_markup(f) for f in figures] == [[] for _ in figures]
    # the hostile text is there, as entities that plotly shows as the characters typed
    assert [_carries_store_text(f) for f in figures] == carrying


def test_every_chart_of_the_briefing_pack_shows_hostile_text_as_text(hostile_env, monkeypatch):
    import kaleido

    drawn: list[dict] = []

    class Recorder:
        """Kaleido as the pack drives it: what it is asked to draw is kept."""

        def __init__(self, *args, **kwargs):
            pass

        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc_info):
            return False

        async def calc_fig(self, figure, opts):
            drawn.append(json.loads(pio.to_json(figure)))
            return b"png"

    monkeypatch.setattr(kaleido, "Kaleido", Recorder)
    today = days.today()
    pack = content.build(content.gather(hostile_env, today), make.options_for(hostile_env))
    result = images.draw(pack.charts(), browser=sys.executable)
    assert result.reason is None
    assert [c.key for c in pack.charts()] == [
        "mtfs-NCITY-MTFS-ASC",
        "brag-split",
        "progress",
        "trend-waiting_review",
        "trend-waiting_ot_assessment",
        "trend-reviews_completed",
        "trend-overdue_annual_reviews",
        "parts-overdue_annual_reviews",
        "projection",
    ]
    assert [_markup(f) for f in drawn] == [[] for _ in drawn]
    # the MTFS bridge's title (its period) and the overdue reviews by team and band
    assert [_carries_store_text(f) for f in drawn] == [T, F, F, F, F, F, F, T, F]


def test_inert_text_keeps_the_characters_and_plotly_templates():
    assert charts.inert("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    shown = charts.inert_figure(
        charts.bridge_chart(
            [("<i>Required</i>", 1.0, "absolute")], title="<b>T</b>", y_title="£m"
        ).update_traces(hovertemplate="%{x}: %{y}<extra></extra>")
    )
    assert shown.data[0].x == ("&lt;i&gt;Required&lt;/i&gt;",)
    assert shown.layout.title.text == "&lt;b&gt;T&lt;/b&gt;"
    assert shown.data[0].hovertemplate == "%{x}: %{y}<extra></extra>"


def test_charts_leave_the_app_only_where_their_text_is_made_inert():
    """A chart is drawn in two places: the pages' ``chart_with_table`` and the pack's chart
    browser; both pass the figure through ``charts.inert_figure``. A third would not."""
    drawing = re.compile(r"\.plotly_chart\(|calc_fig\(|write_image\(|to_image\(|to_html\(")
    sources = [*(REPO / "dashboard").rglob("*.py"), *(REPO / "pages").glob("*.py")]
    found = {
        str(path.relative_to(REPO)): "inert_figure(" in path.read_text(encoding="utf-8")
        for path in sources
        if drawing.search(path.read_text(encoding="utf-8"))
    }
    assert found == {"dashboard/ui/components.py": True, "dashboard/briefing/images.py": True}
