"""The Meetings page's widgets: a meeting's kept packs to download, and for directors, keeping
the pack (or a corrected one) and checking a kept pack against its record."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard.briefing import images, make
from dashboard.briefing.pdf import MissingFont
from dashboard.domain.formatting import plain
from dashboard.ui.data import get_store
from dashboard.views import meetings as view
from data_access.access import NotPermitted, Permission, Principal
from data_access.commands import EditRejected, NotFound
from data_access.meeting_record import kept_file

_DONE = "meetings-kept"  # what the last keep did, said after the rerun that shows it


def kept_packs(page: view.MeetingsPage, meeting_id: int) -> None:
    """Each kept version with its PDF and Word downloads, newest first; the files are read
    (and their checksums checked) when a button is pressed."""
    kept = page.kept(meeting_id)
    if not kept:
        st.markdown(view.NOT_KEPT)
        return
    store = get_store()
    for pack in kept:
        st.markdown(plain(pack.sentence))
        with st.container(horizontal=True):
            for fmt, label in (("pdf", "PDF"), ("docx", "Word")):
                st.download_button(
                    f"Download version {pack.version} ({label})",
                    data=partial(kept_file, store, pack.id, fmt),
                    file_name=f"{pack.stem}.{fmt}",
                    mime=make.MIME[fmt],
                    key=f"kept-{pack.id}-{fmt}",
                    on_click="ignore",
                    icon=":material/download:",
                )
        with st.expander(f"Checksums of version {pack.version}"):
            st.markdown(plain(pack.checksums))


def said_after_keeping() -> None:
    said = st.session_state.pop(_DONE, None)
    if said:
        st.success(said)


def keep_form(who: Principal, page: view.MeetingsPage, meeting_id: int) -> None:
    """Keep the meeting's pack, or a corrected one with its reason (directors)."""
    if not who.has(Permission.FINALISE_PACK):
        return
    latest = page.latest_version(meeting_id)
    st.subheader("Keep the pack" if latest == 0 else "Keep a corrected pack")
    st.markdown(view.KEEPING)
    with st.form(f"keep-{meeting_id}"):
        reason = None
        if latest:
            reason = st.text_area(
                "Why the kept pack is being corrected (kept with it, and shown to every reader)",
                max_chars=2000,
            )
        label = "Keep the pack for this meeting" if latest == 0 else "Keep the corrected pack"
        asked = st.form_submit_button(label, type="primary")
    if asked:
        _keep(who, meeting_id, latest, reason)


def _keep(who: Principal, meeting_id: int, latest: int, reason: str | None) -> None:
    from dashboard.briefing import record

    try:
        with st.spinner("Making the pack (PDF and Word) and keeping it"):
            kept = record.finalise(
                get_store(),
                who,
                meeting_id,
                expected=latest,
                reason=reason,
                browser=images.find_browser(),
            )
    except EditRejected as exc:
        for message in exc.problems.values():
            st.error(plain(message[:1].upper() + message[1:] + "."))
        return
    except (NotPermitted, NotFound, MissingFont) as exc:
        st.error(plain(str(exc)))
        return
    st.session_state[_DONE] = f"Version {kept.version} of this meeting's pack is kept."
    st.rerun()


def check_button(who: Principal, page: view.MeetingsPage, meeting_id: int) -> None:
    """Make the newest kept pack again from its record and say whether its figures agree."""
    if not who.has(Permission.FINALISE_PACK):
        return
    kept = page.kept(meeting_id)
    if not kept:
        return
    newest = kept[0]
    if not st.button(f"Check version {newest.version} against its record", key="kept-check"):
        return
    from dashboard.briefing import record

    with st.spinner("Making the pack again from its record"):
        result = record.compare(get_store(), newest.id)
    (st.success if result.same else st.warning)(result.sentence())
    if not result.same:
        with st.expander("The lines that differ (kept, then made again)"):
            st.code("\n".join(result.changed_lines()[:200]), language=None)
