"""Cached reads for the app: keyed by dataset version, so a write shows on the next rerun."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from data_access import frames as shaped
from data_access.loaders import load_table
from data_access.settings import default_database_url
from data_access.statuses import StatusList
from data_access.store import Store


@st.cache_resource
def _store_for(url: str) -> Store:
    return Store(url)


def get_store() -> Store:
    """The store this server is configured for (one engine per database URL)."""
    return _store_for(default_database_url())


def _versions() -> dict[str, int]:
    return get_store().dataset_versions()


# cache_resource, not cache_data: cache_data pickles a copy out on every hit, which for a
# national backlog (2.2M rows, ~500 MB) costs seconds per rerun. Polars frames are never changed
# in place here (every operation returns a new frame), so sharing one is safe; a new dataset
# version is a new key, and max_entries lets old versions go.
# the query parameter that shows every page as the figures stood at the end of a past day
AS_AT_PARAM = "as_at"


def as_at() -> date | None:
    """The day the pages show the figures as at (``?as_at=2024-03-12``); None for live.

    Today or a later day is live. A day that cannot be read is ignored (and said so by the
    as-at control), never an error page.
    """
    # the sidebar control's value when the app drew it; the URL when a page runs on its own
    chosen = st.session_state.get(AS_AT_PARAM)
    if isinstance(chosen, date):
        day = chosen
    else:
        try:
            day = date.fromisoformat(str(st.query_params.get(AS_AT_PARAM) or ""))
        except ValueError:
            return None
    return None if day >= date.today() else day


@st.cache_resource(max_entries=64, show_spinner=False)
def _table(url: str, name: str, version: int, day: date | None = None) -> pl.DataFrame:
    return load_table(_store_for(url), name, as_at=day)


@st.cache_resource(max_entries=16, show_spinner=False)
def _savings(url: str, versions: tuple[int, int], day: date | None = None) -> pl.DataFrame:
    return shaped.savings_frame(_store_for(url), day)


def table(name: str) -> pl.DataFrame:
    store = get_store()
    return _table(store.url, name, _versions()[name], as_at())


def savings() -> pl.DataFrame:
    store = get_store()
    versions = _versions()
    return _savings(store.url, (versions["savings_lines"], versions["savings_years"]), as_at())


def reconciliation_inputs() -> dict[str, pl.DataFrame]:
    return shaped.reconciliation_frames_from(table, savings())


@st.cache_data(max_entries=8, show_spinner=False)
def _lists(url: str, version: int) -> dict[str, StatusList]:
    from data_access.app_settings import configured_lists

    return configured_lists(_store_for(url))


def status_lists() -> dict[str, StatusList]:
    """The status lists in force, each status with its meaning (an administrator may change
    them): logic asks a status's meaning, never its word."""
    return _lists(get_store().url, _versions()["app_settings"])


@st.cache_resource(max_entries=8, show_spinner=False)
def _rated(
    url: str, versions: tuple[int, int], green_at: int, amber_at: int, day: date | None = None
) -> pl.DataFrame:
    from dashboard.ratings import Thresholds
    from dashboard.savings import rate_lines

    return rate_lines(_savings(url, versions, day), Thresholds(green_at, amber_at))


def rated_savings() -> pl.DataFrame:
    """Savings lines with their BRAG ratings, rated once per dataset version and thresholds
    (the rule runs line by line, which at national scale takes seconds)."""
    from data_access.settings import get_settings

    settings, versions = get_settings(), _versions()
    return _rated(
        get_store().url,
        (versions["savings_lines"], versions["savings_years"]),
        settings.brag_green_at_percent,
        settings.brag_amber_at_percent,
        as_at(),
    )


_RECONCILED_TABLES = (
    "mtfs_requirements",
    "reported_totals",
    "savings_lines",
    "savings_years",
    "savings_components",
    "posts",
    "backlog",
)


@st.cache_resource(max_entries=8, show_spinner=False)
def _findings(url: str, versions: tuple[int, ...], day: date | None = None) -> list:
    from dashboard.reconciliation import reconcile

    return reconcile(reconciliation_inputs())


def findings() -> list:
    """Reconciliation findings, checked once per version of the tables they read."""
    versions = _versions()
    return _findings(get_store().url, tuple(versions[t] for t in _RECONCILED_TABLES), as_at())


@st.cache_resource(max_entries=8, show_spinner=False)
def _latest_backlog(url: str, version: int, meeting_date, day: date | None = None) -> list:
    from dashboard.headlines import latest_backlog

    return latest_backlog(table("backlog"), meeting_date=meeting_date)


def latest_backlog(meeting_date) -> list:
    """Each measure's latest figures, worked out once per backlog version and meeting date."""
    return _latest_backlog(get_store().url, _versions()["backlog"], meeting_date, as_at())


def audit_version() -> int:
    return _versions()["audit_events"]


@st.cache_resource(max_entries=16, show_spinner=False)
def _changes(
    url: str,
    version: int,
    meeting: date,
    day: date | None,
    green: int,
    amber: int,
    lists_version: int,
):
    from datetime import UTC, datetime, time, timedelta

    import polars as pl

    from dashboard.changes import COUNTED_NEW, WATCHED, changes_since
    from dashboard.ratings import Thresholds
    from data_access.loaders import audit_since, new_rows_since

    store = _store_for(url)
    # changes made on the meeting day were known to it: count from the end of that day
    start = datetime.combine(meeting + timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) if day else None
    listed = tuple(d for d in WATCHED if d not in COUNTED_NEW)
    events = pl.concat(
        [
            audit_since(store, start, WATCHED, until=end, updates_only=True),
            audit_since(store, start, listed, until=end).filter(
                pl.col("action").str.ends_with(":insert")
            ),
        ]
    )
    return changes_since(
        events,
        thresholds=Thresholds(green, amber),
        new_rows=new_rows_since(store, start, COUNTED_NEW, until=end),
        milestone_statuses=_lists(url, lists_version)["milestone_statuses"],
    )


def changes_since_meeting(meeting: date) -> list:
    """What changed after the meeting (up to the as-at day), once per audit version."""
    from data_access.settings import get_settings

    settings, versions = get_settings(), _versions()
    return _changes(
        get_store().url,
        versions["audit_events"],
        meeting,
        as_at(),
        settings.brag_green_at_percent,
        settings.brag_amber_at_percent,
        versions["app_settings"],
    )


def history(dataset: str, key: str):
    """Every change to one item, oldest first (read fresh: it is short and must be current)."""
    from data_access.loaders import item_history

    return item_history(get_store(), dataset, key)


@st.cache_resource(max_entries=8, show_spinner=False)
def _backlog_options(url: str, version: int, day: date | None) -> tuple[list[str], list[str]]:
    from dashboard.backlog import filter_options

    return filter_options(table("backlog"))


def backlog_options() -> tuple[list[str], list[str]]:
    """The teams and priority bands to choose from, found once per backlog version and as-at
    day (a national store has 1,530 teams in 2.2M rows)."""
    return _backlog_options(get_store().url, _versions()["backlog"], as_at())


@st.cache_resource(max_entries=64, show_spinner=False)
def _backlog_view(
    url: str, version: int, day: date | None, team: str | None, band: str | None, threshold: int
):
    from dashboard.backlog import view

    return view(table("backlog"), team=team, band=band, threshold=threshold)


def backlog_view(team: str | None, band: str | None, threshold: int):
    """The backlog page's trends, breakdowns and projection for a team and band, worked out
    once per backlog version, as-at day and choice: every rerun (each what-if change) reuses
    them."""
    return _backlog_view(get_store().url, _versions()["backlog"], as_at(), team, band, threshold)


# app_settings: the milestone statuses, which say what is finished and so not overdue
_ATTENTION_TABLES = ("areas", "milestones", "app_settings", *_RECONCILED_TABLES)


@st.cache_resource(max_entries=8, show_spinner=False)
def _attention(url: str, versions: tuple[int, ...], today: date, day: date | None):
    from dashboard import headlines, overview

    rated = rated_savings()
    return headlines.attention_items(
        table("areas"),
        table("milestones"),
        today=today,
        red_lines=rated.filter(rated["rating"] == "Red"),
        differing=overview.differing_labels(findings()),
        statuses=status_lists()["milestone_statuses"],
    )


def attention(today: date) -> pl.DataFrame:
    """The items needing attention on ``today``, worked out once per version of what they
    read (a national store has tens of thousands of overdue milestones)."""
    versions = _versions()
    return _attention(
        get_store().url, tuple(versions[t] for t in _ATTENTION_TABLES), today, as_at()
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _savings_lines(key: tuple, filters: tuple[tuple[str, str | None], ...]):
    from dashboard import savings as logic

    shown = logic.filter_lines(rated_savings(), **dict(filters))
    return shown, logic.lines_table(shown), logic.lines_data(shown)


def savings_lines(**filters: str | None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The rated lines matching the filters, as members read them and as downloads hold them;
    formatted once per dataset version and filter choice (150,000 rows nationally)."""
    from data_access.settings import get_settings

    settings, versions = get_settings(), _versions()
    key = (
        get_store().url,
        versions["savings_lines"],
        versions["savings_years"],
        settings.brag_green_at_percent,
        settings.brag_amber_at_percent,
        as_at(),
    )
    return _savings_lines(key, tuple(sorted(filters.items())))


@st.cache_resource(max_entries=256, show_spinner=False)
def _principal(url: str, versions: tuple[int, int], email: str):
    from data_access.access import principal_for

    return principal_for(_store_for(url), email)


def principal(email: str):
    """The user with this email and their role and assignments (None if unknown), read once per
    version of the users tables rather than on every rerun of every page."""
    versions = _versions()
    return _principal(get_store().url, (versions["users"], versions["user_scopes"]), email)
