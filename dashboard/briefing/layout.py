"""What the PDF and Word layouts share: what the pack says about its charts, and the charts
being drawn meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.briefing.images import Drawn
from dashboard.views.blocks import Chart

# sections on pages of their own: the summary (one page), then the changes and what needs
# attention; the rest follow on
OWN_PAGES = 2


def charts_note(drawn: Drawn) -> str:
    if drawn.reason:
        return (
            f"Charts are not drawn in this pack: {drawn.reason}. Each chart's figures are "
            "given as a table in its place."
        )
    return (
        "Each chart is followed by a sentence saying what it shows and by its figures as a "
        "table. Ratings are named in words, never shown by colour alone."
    )


class Charts:
    """The charts as a layout sees them: drawn already, or still being drawn (a callable that
    waits for them). A layout that is handed a callable reserves each chart's place, lays out
    everything else meanwhile and puts the pictures in at the end; if the drawing then fails,
    it lays the pack out again with tables in place of the charts."""

    def __init__(self, drawn: Drawn | Callable[[], Drawn]):
        self._wait = drawn if callable(drawn) else None
        self._drawn = None if callable(drawn) else drawn
        # the places a layout kept for charts still being drawn, in its own terms
        self.reserved: list[tuple] = []

    @property
    def pending(self) -> bool:
        return self._wait is not None

    @property
    def reason(self) -> str | None:
        return None if self._drawn is None else self._drawn.reason

    def shows(self, chart: Chart) -> bool:
        return self.pending or self.picture(chart) is not None

    def picture(self, chart: Chart) -> bytes | None:
        return None if self._drawn is None else self._drawn.picture(chart)

    def finish(self, charts: list[Chart]) -> Drawn | None:
        """The drawn charts once they are all there; None when some are missing (the caller
        lays out again without pictures, as ``Drawn.reason`` explains)."""
        drawn = self._wait() if self._wait else self._drawn
        self._wait, self._drawn = None, drawn
        return drawn if all(drawn.picture(c) is not None for c in charts) else None

    def drawn(self) -> Drawn:
        return self._drawn
