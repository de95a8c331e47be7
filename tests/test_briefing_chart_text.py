"""No text in a pack's charts is cut off: each chart is drawn by kaleido as the pack draws it
(same size, same browser), as SVG, and every piece of its text is laid out by the Debian
chromium and must fall inside the image and inside the plot area that clips it.

The Briefing page makes packs in the app's process, where importing Streamlit makes its own
plotly template the default (one without room-making margins): the BRAG chart's rating names
were cut to "ed: at risk" there. So each chart is drawn under both defaults. Text drawn over
the text of another part of the chart counts as cut too: a national council's long team names
ran under the legend."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

import plotly.io as pio
import pytest

from dashboard.briefing import content, images, make
from dashboard.charts import figures as figures_module
from dashboard.views import plan as plan_view
from data_access import days
from tests.briefing_support import cut_text, need

TODAY = days.today()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The demo council with a census extract and a CLD return loaded (the Reviews
    section's charts)."""
    from data_access.store import Store
    from tests.conftest import with_demo_council
    from tests.reviews_support import load_extract
    from tests.test_page_reviews import _load_cld

    folder = tmp_path_factory.mktemp("chart-text")
    store = Store("sqlite:///" + str((folder / "store.sqlite3").resolve()))
    store.upgrade()
    with_demo_council(store)
    load_extract(store, folder)
    _load_cld(store, folder)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """A council of the synthetic national dataset: its teams' long names under the bars."""
    import sys

    from data_access.store import Store
    from tests.conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    import generate_national
    from bench_store import import_council

    folder = tmp_path_factory.mktemp("national")
    generate_national.generate(1, folder, quiet=True)
    [council] = [p for p in folder.iterdir() if p.is_dir()]
    store = Store("sqlite:///" + str(folder / "council.sqlite3"))
    store.upgrade()
    import_council(store, council)
    yield store
    store.dispose()


def every_chart(store) -> list:
    """Every chart of the pack, and an improvement plan area's timeline."""
    options = make.options_for(store)
    figures = content.gather(store, TODAY)
    pack = content.build(figures, options)
    statuses = options.statuses["milestone_statuses"]
    tracker = plan_view.tracker(figures["areas"], figures["milestones"], TODAY, statuses=statuses)
    detail = plan_view.area_detail(
        tracker.rows, figures["milestones"], "IP09", TODAY, statuses=statuses
    )
    return [*pack.charts(), detail.timeline]


@pytest.mark.parametrize("template", ["plotly", "streamlit"])
def test_no_chart_text_is_cut_off(store, national, template, monkeypatch):
    if template == "streamlit":
        import streamlit.elements.plotly_chart  # noqa: F401 - registers Streamlit's template
    browser = images.find_browser() or need("chromium")
    # a figure takes the default template as it is built: built afresh under this one
    monkeypatch.setattr(pio.templates, "default", template)
    monkeypatch.setattr(figures_module, "_BUILT", OrderedDict())
    monkeypatch.setattr(figures_module, "_INERT", OrderedDict())
    others = [c for c in pack_charts(national) if c.key.startswith("parts-")]
    charts = [*every_chart(store), *(replace(c, key=f"national-{c.key}") for c in others)]
    drawn = images.draw(charts, browser=browser, fmt="svg")
    assert drawn.reason is None, drawn.reason
    keys = [c.key for c in charts]
    assert len(keys) >= 16 and {"brag-split", "projection", "timeline"} <= set(keys)
    assert cut_text(drawn.pictures) == {key: [] for key in keys}


def pack_charts(store) -> list:
    return content.build(content.gather(store, TODAY), make.options_for(store)).charts()
