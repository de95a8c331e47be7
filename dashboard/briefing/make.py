"""Making a pack: read the store as at a date, build the content, draw the charts, lay it out.

The CLI (``ascgov brief``) and the Briefing page both come here, after checking that the person
asking may produce a pack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from dashboard.briefing import content, docx, images, pdf
from dashboard.domain.disclosure import DisclosureRule
from dashboard.domain.ratings import Thresholds
from dashboard.views.blocks import Pack
from data_access import days
from data_access.app_settings import configured_lists
from data_access.settings import get_settings
from data_access.store import Store

FORMATS = ("pdf", "docx")
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Made:
    data: bytes
    pack: Pack
    drawn: images.Drawn
    # seconds spent reading and building, waiting for the charts, and laying out (for the bench)
    timings: dict[str, float]


def options_for(
    store: Store, *, meeting_id: int | None = None, sections: tuple[str, ...] | None = None
) -> content.Options:
    """The pack's options from the settings in force."""
    settings = get_settings()
    return content.Options(
        council=settings.council_name,
        thresholds=Thresholds.from_settings(settings),
        disclosure=DisclosureRule.from_settings(settings),
        statuses=configured_lists(store),
        sections=sections or tuple(content.SECTIONS),
        meeting_id=meeting_id,
    )


def make(
    store: Store,
    *,
    as_at: date | None,
    fmt: str,
    options: content.Options,
    browser: str | None = None,
    painter: images.Painter | None = None,
) -> Made:
    """The pack for ``as_at`` as PDF or Word bytes; with no ``as_at``, for the chosen meeting's
    day (``content.pack_day``). Charts are drawn by ``painter`` when given (a browser started
    earlier), else by ``browser`` (None: tables in place of charts)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    started = time.perf_counter()
    as_at = content.pack_day(store, options.meeting_id, as_at, days.today())
    layout = pdf.render if fmt == "pdf" else docx.render
    waited = []

    def pictures() -> images.Drawn:
        began = time.perf_counter()
        drawn = painter.result()
        waited.append(time.perf_counter() - began)
        return drawn

    # the browser starts while the figures are read, and draws while the rest is laid out
    with painter or images.Painter(browser) as painter:
        figures = content.gather(store, as_at, meeting_id=options.meeting_id)
        pack = content.build(figures, options)
        built = time.perf_counter()
        painter.start(pack.charts())
        data = layout(pack, pictures if painter.drawing else painter.result())
    timings = {
        "figures": built - started,
        "layout": time.perf_counter() - built - sum(waited),
        "waiting for charts": sum(waited),
    }
    return Made(data, pack, painter.result(), timings)


def file_name(pack: Pack, fmt: str) -> str:
    return f"briefing-{pack.as_at.isoformat()}.{fmt}"
