"""The Briefing page's pack: made on request (it takes seconds), kept for this session's
download button, and made only for those who may brief."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from dashboard.briefing import images, make
from dashboard.briefing.content import SECTIONS as SECTIONS  # re-exported for the page
from dashboard.briefing.content import meeting_choices, meeting_days
from dashboard.briefing.pdf import MissingFont
from dashboard.domain.formatting import plain
from dashboard.ui.components import XLSX_MIME
from dashboard.ui.data import get_store
from data_access import days
from data_access.access import NotPermitted, Permission, Principal, authorise
from data_access.datasets import DATASETS
from data_access.exporter import export_bytes

PACK_KEY = "briefing-pack"
NO_MEETING = "None chosen"
MEETING_KEY = "briefing-meeting"


def choose_meeting(meetings, today: date, *, sidebar_day: date | None) -> tuple[int | None, date]:
    """The meeting the pack is for and the day its figures are as at. Choosing a meeting sets
    the day to the meeting's (today for one still to come), so cover and figures agree; with no
    meeting the day is the sidebar's "Figures as at" (the page's one as-at control), else today.
    """
    labels = {label: id_ for id_, label in meeting_choices(meetings).items()}
    label = st.selectbox(
        "Meeting the pack is for (shown on the cover)", [NO_MEETING, *labels], key=MEETING_KEY
    )
    meeting = labels.get(label)
    if meeting is None:
        day = sidebar_day or today
        st.markdown(pack_day_sentence(day, live=sidebar_day is None))
        return None, day
    held = meeting_days(meetings)[meeting]
    day = min(held, today)
    st.markdown(meeting_day_sentence(day, held))
    if sidebar_day is not None and sidebar_day != day:
        st.info(
            f"The day chosen in “Figures as at” in the sidebar, {_long(sidebar_day)}, is not "
            "used: a pack for a meeting holds the figures as at the meeting's day."
        )
    return meeting, day


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def meeting_day_sentence(day: date, held: date) -> str:
    if day == held:
        return (
            f"The pack holds the figures as they stood at the end of {_long(day)}, the day of "
            "the meeting."
        )
    return (
        f"The meeting is on {_long(held)}, still to come: the pack holds the figures as they "
        f"stand at the end of today, {_long(day)}."
    )


def make_pack(
    who: Principal, *, day: date, fmt: str, meeting: int | None, sections: tuple[str, ...]
) -> None:
    """Make the pack into the session, or say why not."""
    st.session_state.pop(PACK_KEY, None)
    if not sections:
        st.error("Choose at least one section.")
        return
    store = get_store()
    try:
        # the page was offered by role; the pack itself is checked (and a refusal logged) here
        authorise(store, who, Permission.BRIEF, target="briefing page")
        options = make.options_for(store, meeting_id=meeting, sections=sections)
        with st.spinner("Making the briefing pack: reading the figures and drawing the charts"):
            made = make.make(
                store, as_at=day, fmt=fmt, options=options, browser=images.find_browser()
            )
    except (NotPermitted, ValueError, MissingFont) as exc:
        st.error(plain(str(exc)))
        return
    st.session_state[PACK_KEY] = (make.file_name(made.pack, fmt), made.data, fmt, made.drawn.reason)


def pack_day_sentence(day: date, *, live: bool) -> str:
    """Which day's figures the pack holds: the day chosen in the sidebar's "Figures as at" (the
    page's one as-at control), or today's live figures."""
    when = _long(day)
    if live:
        return (
            f"The pack holds the live figures, as they stand at the end of today, {when}. For "
            "the figures as they stood on a past day, choose it in “Figures as at” in the "
            "sidebar."
        )
    return (
        f"The pack holds the figures as they stood at the end of {when}, the day chosen in "
        "“Figures as at” in the sidebar."
    )


def pack_download() -> None:
    name, payload, fmt, reason = st.session_state[PACK_KEY]
    if reason:
        st.warning(plain(f"Charts are not drawn in this pack: {reason}. Their tables are."))
    st.success(plain(f"The pack is ready: {name} ({len(payload) / 1_000_000:.1f} MB)."))
    st.download_button(
        f"Download the briefing pack ({'PDF' if fmt == 'pdf' else 'Word'})",
        data=payload,
        file_name=name,
        mime=make.MIME[fmt],
        key="briefing-download",
        on_click="ignore",
        icon=":material/download:",
        type="primary",
    )


def dataset_downloads(day: date | None) -> None:
    """Every dataset as CSV and Excel, as it stood at the end of ``day`` (live when None);
    each file is made when its button is pressed."""
    store = get_store()
    when = f"as at {day.day} {day:%B %Y}" if day else "now (live)"
    for name, spec in DATASETS.items():
        if spec.person_level:
            # a row per person: never among the whole-dataset downloads (members and
            # administrators may open this page); officers and directors export it with
            # ``ascgov export cases --as EMAIL``
            continue
        st.markdown(f"**{plain(spec.title)}**: {plain(spec.description)}")
        stem = f"{name}-{day.isoformat() if day else 'live'}"
        with st.container(horizontal=True):
            for fmt, label, mime in (("csv", "CSV", "text/csv"), ("xlsx", "Excel", XLSX_MIME)):
                st.download_button(
                    f"Download {label}",
                    data=partial(export_bytes, store, name, fmt, as_at=day),
                    file_name=f"{stem}.{fmt}",
                    mime=mime,
                    key=f"dataset-{name}-{fmt}",
                    on_click="ignore",
                    icon=":material/download:",
                    help=f"{spec.title} {when}, as a {label} file",
                )


def uk_today():
    """Today in the UK: the latest day a pack can be made for."""
    return days.today()
