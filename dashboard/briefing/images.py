"""Charts as pictures for a pack: plotly figures drawn by kaleido in the Debian chromium.

One browser is started for the whole pack (starting one takes about 3 s; each chart then about
0.3 s) and closed after it; one tab, since a second tab costs more to open than it saves. With
no browser the pack is still made, with each chart's table in its place: ``Drawn.reason`` says
why, and the pack says so.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from dashboard.views.blocks import Chart

log = logging.getLogger("ascgov.briefing")

WIDTH = 900  # CSS pixels; the PDF and Word layouts scale the picture to the text width
SCALE = 1.5  # 1,350 pixels across 17 cm: about 200 dpi in print; 2 costs a third more time
TABS = 1  # a second tab costs more to open (plotly.js parsed again) than it saves on 2 cores


def image_options(chart: Chart, fmt: str = "png") -> dict:
    """How kaleido draws ``chart`` for a pack: its size in CSS pixels and, for PNG, the scale."""
    options = {"format": fmt, "width": WIDTH, "height": chart.height}
    return options | ({"scale": SCALE} if fmt == "png" else {})


@dataclass(frozen=True)
class Drawn:
    pictures: dict[str, bytes] = field(default_factory=dict)  # chart key -> PNG (or SVG)
    reason: str | None = None  # why charts were not drawn

    def picture(self, chart: Chart) -> bytes | None:
        return self.pictures.get(chart.key)


def find_browser() -> str | None:
    """The browser kaleido drives: ``BROWSER_PATH`` (kaleido's own setting) or chromium."""
    named = os.environ.get("BROWSER_PATH")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _usable(browser: str | None) -> bool:
    return bool(browser) and os.path.isfile(browser) and os.access(browser, os.X_OK)


class Painter:
    """A browser started at once, in its own thread, so that it warms up (about 3 s) while the
    pack's figures are read; ``draw`` then hands it the charts. Use it as a context manager:
    leaving the block closes the browser whether or not it drew anything."""

    def __init__(self, browser: str | None, fmt: str = "png"):
        self._fmt = fmt  # "svg" for the tests that measure where the charts' text falls
        self._charts: Future[list[Chart]] = Future()
        self._pictures: Future[dict[str, bytes]] = Future()
        self._thread: threading.Thread | None = None
        self._asked = False
        self.reason = (
            None
            if _usable(browser)
            else (f"no browser to draw them was found ({browser or 'none named'})")
        )
        if self.reason is None:
            self._thread = threading.Thread(target=self._run, args=(browser,), daemon=True)
            self._thread.start()

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._charts.done():
            self._charts.set_result([])
        if self._thread is not None:
            self._thread.join(timeout=60)

    def start(self, charts: list[Chart]) -> None:
        """Hand the charts to the browser; ``result`` waits for the pictures."""
        self._asked = bool(charts)
        if self.reason is None:
            self._charts.set_result(charts)

    @property
    def drawing(self) -> bool:
        """Whether pictures are on their way (a browser, and charts to draw)."""
        return self.reason is None and self._asked

    def draw(self, charts: list[Chart]) -> Drawn:
        """Every chart as a PNG, or none and the reason (no browser, or it failed)."""
        self.start(charts)
        return self.result()

    def result(self) -> Drawn:
        if self.reason is not None:
            return Drawn(reason=self.reason if self._asked else None)
        try:
            return Drawn(self._pictures.result(timeout=300))
        except Exception as exc:  # noqa: BLE001 - a pack without pictures beats no pack
            log.warning("charts not drawn: %s", exc)
            return Drawn(reason=f"the browser that draws them failed ({type(exc).__name__})")

    def _run(self, browser: str) -> None:
        try:
            asyncio.run(self._session(browser))
        except Exception as exc:  # noqa: BLE001 - handed to draw(), which says so in the pack
            if not self._pictures.done():
                self._pictures.set_exception(exc)
            else:
                log.warning("the chart browser did not close cleanly: %s", exc)

    async def _session(self, browser: str) -> None:
        from kaleido import Kaleido

        from dashboard.charts.figures import inert_figure

        # mathjax=False: kaleido would otherwise fetch MathJax from the internet, which these
        # machines cannot reach (and no chart here uses LaTeX)
        async with Kaleido(n=TABS, mathjax=False, path=browser) as kaleido:
            charts = await asyncio.wrap_future(self._charts)
            pictures = {}
            for chart in charts:
                # text from the store is made literal here, where the pack's charts are drawn
                figure = inert_figure(chart.figure)
                options = image_options(chart, self._fmt)
                pictures[chart.key] = await kaleido.calc_fig(figure, opts=options)
            # handed over before the browser closes (half a second), which happens meanwhile
            self._pictures.set_result(pictures)


def draw(charts: list[Chart], *, browser: str | None, fmt: str = "png") -> Drawn:
    """``charts`` drawn by a browser started for them alone."""
    with Painter(browser, fmt) as painter:
        return painter.draw(charts)
