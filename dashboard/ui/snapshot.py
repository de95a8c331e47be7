"""What one script run reads: the store, the version of every dataset, and the as-at day.

Each run reads the versions table once (``begin_run``) and every cached read is keyed by the
snapshot it was handed, so a rerun with nothing changed costs one small query, and a write by
anyone (another viewer, the CLI, an import) shows on the next run, which reads new versions.

A run begins in one place: the app's entry (``app_run``, around navigation and the page it
runs), or, for a page run on its own as the tests and the benchmark run it, the page's sign-in
check (``page_run``). The snapshot is held in the session's state for the rest of the run; no
cached function reads it (or any other session state): the wrappers in ``dashboard.ui.data``
pass its fields in as keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

import streamlit as st

from dashboard.views.as_at import read_day
from data_access import days
from data_access.settings import default_database_url
from data_access.store import Store, normalise_url

# the query parameter that shows every page as the figures stood at the end of a past day
AS_AT_PARAM = "as_at"
_RUN = "ascgov_run_snapshot"
# set while the app's entry holds a run open for the page it runs
_APP_RUN = "ascgov_app_run"


@st.cache_resource
def store_for(url: str) -> Store:
    return Store(url)


def get_store() -> Store:
    """The store this server is configured for (one engine per database URL)."""
    # normalised first, so the key is the URL the store itself reports (one engine, not two)
    return store_for(normalise_url(default_database_url()))


@dataclass(frozen=True)
class Snapshot:
    """The store's URL, dataset versions as (name, version) pairs, and the as-at day (None:
    live). Hashable: a cached read takes one narrowed to what it reads (``only``) as its key,
    and asking it for a version it was not given is an error, not a stale read."""

    url: str
    versions: tuple[tuple[str, int], ...]
    day: date | None

    def version(self, name: str) -> int:
        for dataset, version in self.versions:
            if dataset == name:
                return version
        raise KeyError(f"{name} is not among the datasets this read is keyed by")

    def only(self, *names: str, dated: bool = True) -> Snapshot:
        """The same snapshot keyed by just these datasets (and, unless ``dated`` is False,
        the as-at day): a change elsewhere keeps the read's cache entry."""
        return replace(
            self,
            versions=tuple((name, self.version(name)) for name in sorted(set(names))),
            day=self.day if dated else None,
        )


def chosen_day() -> date | None:
    """The day chosen in the sidebar (or ``?as_at=2024-03-12`` when no control is drawn, as
    when a page runs on its own); None for live. Today or a later day is live; a day that
    cannot be read is ignored (the as-at control says so), never an error page."""
    if AS_AT_PARAM in st.session_state:
        # the control's value, read before it is drawn this run: the URL may still hold a
        # day the person has just cleared
        day = st.session_state[AS_AT_PARAM]
        if not isinstance(day, date):
            day = read_day(day if isinstance(day, str) else None)
    else:
        day = read_day(str(st.query_params.get(AS_AT_PARAM) or ""))
    return None if day is None or day >= days.today() else day


def begin_run() -> Snapshot:
    """Read every dataset's version (one query) and the as-at day, and hold them for this
    run."""
    store = get_store()
    versions = tuple(sorted(store.dataset_versions().items()))
    snapshot = Snapshot(store.url, versions, chosen_day())
    st.session_state[_RUN] = snapshot
    return snapshot


@contextmanager
def app_run() -> Iterator[Snapshot]:
    """The app's entry: one snapshot for its own reads (who is signed in) and the page's."""
    snapshot = begin_run()
    st.session_state[_APP_RUN] = True
    try:
        yield snapshot
    finally:
        # st.stop and st.rerun end a run by raising: the next run begins its own
        st.session_state.pop(_APP_RUN, None)


def page_run() -> Snapshot:
    """A page's start: the app's snapshot for this run, or a new one for a page run on its
    own."""
    if st.session_state.get(_APP_RUN):
        return current()
    return begin_run()


def current() -> Snapshot:
    """This run's snapshot (begun by ``app_run`` or ``page_run``).

    A widget's callback runs before the run begins, so it would see the last run's: callbacks
    write, and read what they need fresh (``data.history``); the run after them shows the write.
    """
    snapshot = st.session_state.get(_RUN)
    return snapshot if isinstance(snapshot, Snapshot) else begin_run()
