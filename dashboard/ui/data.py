"""Cached reads for the app: keyed by dataset version, so a write shows on the next rerun.

Each public function takes this run's snapshot (``dashboard.ui.snapshot``: the store, the
dataset versions read once per run, the as-at day) and hands a cached function the part of it
that function reads. Cached functions take only hashable keys and read only through other
cached functions, never the session's state or the URL.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from dashboard.ui.snapshot import AS_AT_PARAM as AS_AT_PARAM  # re-exported for the pages
from dashboard.ui.snapshot import Snapshot, current, store_for
from dashboard.ui.snapshot import get_store as get_store  # re-exported: the forms write with it
from data_access import frames as shaped
from data_access.loaders import load_table
from data_access.rating_scales import RED
from data_access.statuses import StatusList

_SAVINGS = ("savings_lines", "savings_years")
# the backlog's figures and the measures in force (built in and added), which name them
_BACKLOG = ("backlog", "measures")
_USERS = ("users", "user_scopes")

if TYPE_CHECKING:
    from dashboard.domain.disclosure import DisclosureRule
    from dashboard.domain.ratings import Thresholds
    from data_access.access import Principal


def as_at() -> date | None:
    """The day the pages show the figures as at (``?as_at=2024-03-12``); None for live."""
    return current().day


@st.cache_resource(max_entries=8, show_spinner=False)
def _first_figures_day(url: str, version: int) -> date | None:
    from data_access.loaders import first_figures_day as first

    return first(store_for(url))


def first_figures_day() -> date | None:
    """The day the store's figures begin (None: none loaded), read once per audit version."""
    reads = current()
    return _first_figures_day(reads.url, reads.version("audit_events"))


# cache_resource, not cache_data: cache_data pickles a copy out on every hit, which for a
# national backlog (2.2M rows, ~500 MB) costs seconds per rerun. Polars frames are never changed
# in place here (every operation returns a new frame), so sharing one is safe; a new dataset
# version is a new key, and max_entries lets old versions go.
@st.cache_resource(max_entries=64, show_spinner=False)
def _table(url: str, name: str, version: int, day: date | None = None) -> pl.DataFrame:
    return load_table(store_for(url), name, as_at=day)


def _read(reads: Snapshot, name: str) -> pl.DataFrame:
    return _table(reads.url, name, reads.version(name), reads.day)


@st.cache_resource(max_entries=16, show_spinner=False)
def _savings(reads: Snapshot) -> pl.DataFrame:
    return shaped.savings_frame(store_for(reads.url), reads.day)


def table(name: str, *, live: bool = False) -> pl.DataFrame:
    """A dataset as at the sidebar's day; ``live``: as it is now, whatever the day."""
    return _read(current().only(name, dated=not live), name)


def savings() -> pl.DataFrame:
    return _savings(current().only(*_SAVINGS))


def _reconciliation_inputs(reads: Snapshot) -> dict[str, pl.DataFrame]:
    return shaped.reconciliation_frames_from(
        lambda name: _read(reads, name), _savings(reads.only(*_SAVINGS))
    )


def reconciliation_inputs() -> dict[str, pl.DataFrame]:
    return _reconciliation_inputs(current())


@st.cache_data(max_entries=8, show_spinner=False)
def _lists(url: str, version: int) -> dict[str, StatusList]:
    from data_access.app_settings import configured_lists

    return configured_lists(store_for(url))


def status_lists() -> dict[str, StatusList]:
    """The status lists in force, each status with its meaning (an administrator may change
    them): logic asks a status's meaning, never its word."""
    reads = current()
    return _lists(reads.url, reads.version("app_settings"))


@st.cache_resource(max_entries=8, show_spinner=False)
def _rated(reads: Snapshot, thresholds: Thresholds) -> pl.DataFrame:
    from dashboard.domain.savings import rate_lines

    return rate_lines(_savings(reads), thresholds)


def rated_savings() -> pl.DataFrame:
    """Savings lines with their BRAG ratings, rated once per dataset version and thresholds
    (the rule runs line by line, which at national scale takes seconds)."""
    from dashboard.domain.ratings import Thresholds
    from data_access.settings import get_settings

    return _rated(current().only(*_SAVINGS), Thresholds.from_settings(get_settings()))


_RECONCILED_TABLES = (
    "mtfs_requirements",
    "reported_totals",
    "savings_lines",
    "savings_years",
    "savings_components",
    "posts",
    "backlog",
    "budget_bridge_steps",
)


@st.cache_resource(max_entries=8, show_spinner=False)
def _findings(reads: Snapshot) -> list:
    from dashboard.domain.reconciliation import reconcile

    return reconcile(_reconciliation_inputs(reads))


def findings() -> list:
    """Reconciliation findings, checked once per version of the tables they read."""
    return _findings(current().only(*_RECONCILED_TABLES))


@st.cache_resource(max_entries=8, show_spinner=False)
def _latest_backlog(reads: Snapshot, meeting_date) -> list:
    from dashboard.domain.headlines import latest_backlog

    return latest_backlog(
        _read(reads, "backlog"),
        measures=_measures(reads.only("measures", dated=False)),
        meeting_date=meeting_date,
    )


def latest_backlog(meeting_date) -> list:
    """Each measure's latest figures, worked out once per version of the backlog and the
    measures in force, and meeting date."""
    return _latest_backlog(current().only(*_BACKLOG), meeting_date)


# the audit trail, the milestone statuses in force, and the measures whose labels name figures
_CHANGES_READ = ("audit_events", "app_settings", "measures")


@st.cache_resource(max_entries=16, show_spinner=False)
def _changes(reads: Snapshot, meeting: date, thresholds: Thresholds):
    from dashboard.domain.changes import COUNTED_NEW, WATCHED, changes_since, since_meeting
    from data_access.loaders import change_events

    start, end = since_meeting(meeting, reads.day)
    store = store_for(reads.url)
    events, new_rows = change_events(store, start, WATCHED, counted=COUNTED_NEW, until=end)
    return changes_since(
        events,
        thresholds=thresholds,
        measures=_measures(reads.only("measures", dated=False)),
        new_rows=new_rows,
        milestone_statuses=_lists(reads.url, reads.version("app_settings"))["milestone_statuses"],
    )


def changes_since_meeting(meeting: date) -> list:
    """What changed after the meeting (up to the as-at day), once per audit version."""
    from dashboard.domain.ratings import Thresholds
    from data_access.settings import get_settings

    return _changes(
        current().only(*_CHANGES_READ),
        meeting,
        Thresholds.from_settings(get_settings()),
    )


def history(dataset: str, key: str):
    """Every change to one item, oldest first (read fresh: it is short and must be current)."""
    from data_access.loaders import item_history

    return item_history(get_store(), dataset, key)


def backlog_rule(viewer: Principal, team: str | None) -> DisclosureRule:
    """How the backlog's counts of people are disclosed to ``viewer``: exact for a director and
    for an officer looking at one of their own teams (their own work; all teams when they are
    assigned "All teams"); otherwise, for members, administrators and an officer looking at
    another's team, the disclosure rule in force (``ASCGOV_DISCLOSURE_*``)."""
    from dashboard.domain.disclosure import DisclosureRule
    from data_access.access import ScopeKind
    from data_access.settings import get_settings
    from data_access.vocab import ALL_TEAMS, Role

    # an officer assigned "All teams" keeps the council-wide figures: all teams are their own
    shown_team = ALL_TEAMS if team is None else team
    own = viewer.role is Role.OFFICER and shown_team in viewer.scope_values(ScopeKind.TEAM)
    exact = viewer.role is Role.DIRECTOR or own
    return DisclosureRule.from_settings(get_settings()).for_viewer(exact)


@st.cache_resource(max_entries=8, show_spinner=False)
def _backlog_options(reads: Snapshot) -> tuple[list[str], list[str]]:
    from dashboard.domain.backlog import filter_options

    return filter_options(_read(reads, "backlog"))


def backlog_options() -> tuple[list[str], list[str]]:
    """The teams and priority bands to choose from, found once per backlog version and as-at
    day (a national store has 1,530 teams in 2.2M rows)."""
    return _backlog_options(current().only("backlog"))


@st.cache_resource(max_entries=64, show_spinner=False)
def _backlog_view(reads: Snapshot, team: str | None, band: str | None, rule: DisclosureRule):
    from dashboard.views.backlog import view

    return view(
        _read(reads, "backlog"),
        team=team,
        band=band,
        rule=rule,
        measures=_measures(reads.only("measures", dated=False)),
    )


def backlog_view(team: str | None, band: str | None, rule: DisclosureRule):
    """The backlog page's trends, breakdowns and projection for a team and band, worked out
    once per backlog version, as-at day and choice: every rerun (each what-if change) reuses
    them."""
    return _backlog_view(current().only(*_BACKLOG), team, band, rule)


@st.cache_resource(max_entries=8, show_spinner=False)
def _backlog_programme(reads: Snapshot):
    from dashboard.views.backlog import programme

    return programme(_read(reads, "review_programmes"))


def backlog_programme():
    """The reviews programme's cost and the what-if's inputs, once per programmes version."""
    return _backlog_programme(current().only("review_programmes"))


@st.cache_resource(max_entries=64, show_spinner=False)
def _backlog_what_if(reads: Snapshot, team, band, rule: DisclosureRule, inputs: tuple[int, ...]):
    from dashboard.views.backlog import what_if

    projection = _backlog_view(reads, team, band, rule).projection.projection
    return what_if(projection, *inputs, rule=rule)


def backlog_what_if(
    team: str | None, band: str | None, rule: DisclosureRule, inputs: tuple[int, ...]
):
    """The what-if for the chosen team, band and inputs (None without a projection), once per
    backlog version and choice: a rerun with the same inputs rebuilds no chart or table."""
    return _backlog_what_if(
        current().only(*_BACKLOG), team, band, rule, tuple(int(i) for i in inputs)
    )


# app_settings: the milestone statuses, which say what is finished and so not overdue
_ACTIONS = ("committee_actions", "meetings", "app_settings")
_ATTENTION_TABLES = ("areas", "milestones", *_ACTIONS, *_RECONCILED_TABLES)


@st.cache_resource(max_entries=8, show_spinner=False)
def _flagged_actions(reads: Snapshot, today: date) -> pl.DataFrame:
    from dashboard.domain.committee_actions import flag_actions, with_meetings

    statuses = _lists(reads.url, reads.version("app_settings"))["action_statuses"]
    joined = with_meetings(_read(reads, "committee_actions"), _read(reads, "meetings"))
    return flag_actions(joined, today, statuses=statuses)


@st.cache_resource(max_entries=8, show_spinner=False)
def _attention(reads: Snapshot, today: date, thresholds: Thresholds):
    from dashboard.domain import headlines, overview

    rated = _rated(reads.only(*_SAVINGS), thresholds)
    return headlines.attention_items(
        _read(reads, "areas"),
        _read(reads, "milestones"),
        today=today,
        red_lines=rated.filter(rated["rating"] == RED),
        differing=overview.differing_labels(_findings(reads.only(*_RECONCILED_TABLES))),
        statuses=_lists(reads.url, reads.version("app_settings"))["milestone_statuses"],
        actions=_flagged_actions(reads.only(*_ACTIONS), today),
    )


def attention(today: date) -> pl.DataFrame:
    """The items needing attention on ``today``, worked out once per version of what they
    read (a national store has tens of thousands of overdue milestones)."""
    from dashboard.domain.ratings import Thresholds
    from data_access.settings import get_settings

    return _attention(
        current().only(*_ATTENTION_TABLES), today, Thresholds.from_settings(get_settings())
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _savings_lines(
    reads: Snapshot, thresholds: Thresholds, filters: tuple[tuple[str, str | None], ...]
):
    from dashboard.domain import savings as logic
    from dashboard.views.savings import lines_part

    rated = _rated(reads.only(*_SAVINGS), thresholds)
    shown = logic.filter_lines(rated, **dict(filters))
    placed = logic.place_findings(
        _findings(reads.only(*_RECONCILED_TABLES)), _reconciliation_inputs(reads)
    )
    return shown, lines_part(
        shown, rated, placed, thresholds, workstream=dict(filters).get("workstream")
    )


def savings_lines(**filters: str | None):
    """The rated lines matching the filters, and the page's view of them (table, split,
    bridge, totals, findings); built once per dataset version, thresholds and filter choice
    (150,000 rows nationally)."""
    from dashboard.domain.ratings import Thresholds
    from data_access.settings import get_settings

    return _savings_lines(
        current().only(*_SAVINGS, *_RECONCILED_TABLES),
        Thresholds.from_settings(get_settings()),
        tuple(sorted(filters.items())),
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def _mtfs_parts(reads: Snapshot):
    from dashboard.domain import savings as logic
    from dashboard.views.savings import mtfs_parts

    placed = logic.place_findings(
        _findings(reads.only(*_RECONCILED_TABLES)), _reconciliation_inputs(reads)
    )
    lines = _savings(reads.only(*_SAVINGS))
    return mtfs_parts(_read(reads, "mtfs_requirements"), placed, lines)


def mtfs_parts():
    """The MTFS gap as the page shows it, once per version of the tables it reads."""
    return _mtfs_parts(current().only(*_RECONCILED_TABLES))


@st.cache_resource(max_entries=8, show_spinner=False)
def _budget_bridge_parts(reads: Snapshot):
    from dashboard.domain import savings as logic
    from dashboard.views.savings import budget_bridge_parts

    placed = logic.place_findings(
        _findings(reads.only(*_RECONCILED_TABLES)), _reconciliation_inputs(reads)
    )
    return budget_bridge_parts(_read(reads, "budget_bridge_steps"), placed)


def budget_bridge_parts():
    """The budget-monitoring bridges, each with the check of its result, once per version."""
    return _budget_bridge_parts(current().only(*_RECONCILED_TABLES))


@st.cache_resource(max_entries=256, show_spinner=False)
def _principal(reads: Snapshot, email: str):
    from data_access.access import principal_for

    return principal_for(store_for(reads.url), email)


def principal(email: str):
    """The user with this email and their role and assignments (None if unknown), read once per
    version of the users tables rather than on every rerun of every page."""
    return _principal(current().only(*_USERS, dated=False), email)


_ADULTS_TABLES = (*_SAVINGS, *_RECONCILED_TABLES)


@st.cache_resource(max_entries=8, show_spinner=False)
def _adult_workstreams(reads: Snapshot) -> list[str]:
    from dashboard.views.adults import workstreams_with_both

    return workstreams_with_both(_savings(reads))


def adult_workstreams() -> list[str]:
    """The workstreams with lines for both younger and older adults, in name order."""
    return _adult_workstreams(current().only(*_SAVINGS))


@st.cache_resource(max_entries=16, show_spinner=False)
def _adults_view(reads: Snapshot, workstream: str):
    from dashboard.domain import savings as logic
    from dashboard.views.adults import workstream_view

    inputs = _reconciliation_inputs(reads)
    placed = logic.place_findings(_findings(reads.only(*_RECONCILED_TABLES)), inputs)
    return workstream_view(
        _savings(reads.only(*_SAVINGS)),
        _read(reads, "savings_components"),
        _read(reads, "posts"),
        placed,
        workstream,
    )


def adults_view(workstream: str):
    """One workstream on the younger and older adults page, built once per version of the
    tables it reads."""
    return _adults_view(current().only(*_ADULTS_TABLES), workstream)


_DEFINED_TABLES = (
    "areas",
    "backlog",
    "mtfs_requirements",
    "posts",
    "committee_actions",
    "measures",
)


@st.cache_resource(max_entries=8, show_spinner=False)
def _definitions_view(reads: Snapshot, thresholds: Thresholds):
    from dashboard.views.data_quality import DEFINITION_TABLES, definitions_view

    frames = {name: _read(reads, name) for name in DEFINITION_TABLES}
    frames["savings"] = _savings(reads.only(*_SAVINGS))
    return definitions_view(thresholds, frames, _measures(reads.only("measures", dated=False)))


def definitions_view():
    """What each measure means, with the dates and sources of the figures loaded."""
    from dashboard.domain.ratings import Thresholds
    from data_access.settings import get_settings

    return _definitions_view(
        current().only(*_DEFINED_TABLES, *_SAVINGS), Thresholds.from_settings(get_settings())
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def _checks_view(reads: Snapshot):
    from dashboard.views.data_quality import checks_view

    return checks_view(_findings(reads))


def checks_view():
    """Every reconciliation check as the data quality page shows it."""
    return _checks_view(current().only(*_RECONCILED_TABLES))


@st.cache_resource(max_entries=8, show_spinner=False)
def _stale_view(reads: Snapshot, today: date, after_days: int):
    from dashboard.views.data_quality import stale_view

    return stale_view(
        _read(reads, "areas"),
        _savings(reads.only(*_SAVINGS)),
        today=today,
        after_days=after_days,
    )


def stale_view(after_days: int):
    """The items with no update for more than ``after_days`` days before today."""
    from data_access import days

    return _stale_view(current().only("areas", *_SAVINGS), days.today(), after_days)


# overview and improvement plan -----------------------------------------------------------------


def as_at_or_today() -> date:
    """The day the figures are shown as at: the chosen as-at day, else today (UK)."""
    from data_access import days

    return current().day or days.today()


_OVERVIEW_TABLES = ("meetings", *_CHANGES_READ, *_BACKLOG, *_ATTENTION_TABLES)


@st.cache_resource(max_entries=8, show_spinner=False)
def _meeting_choices(reads: Snapshot, today: date) -> dict[str, date]:
    from dashboard.views.overview import meeting_choices

    return meeting_choices(_read(reads, "meetings"), today)


def meeting_choices() -> dict[str, date]:
    """The meetings held by the page's day to compare with, latest first, by their labels."""
    return _meeting_choices(current().only("meetings"), as_at_or_today())


@st.cache_resource(max_entries=16, show_spinner=False)
def _overview(reads: Snapshot, today: date, thresholds: Thresholds, chosen: date | None):
    from dashboard.domain.headlines import last_meeting
    from dashboard.views.overview import build

    meeting = chosen or last_meeting(_read(reads, "meetings"), today)
    changed = [] if meeting is None else _changes(reads.only(*_CHANGES_READ), meeting, thresholds)
    return build(
        areas=_read(reads, "areas"),
        lines=_savings(reads.only(*_SAVINGS)),
        rated=_rated(reads.only(*_SAVINGS), thresholds),
        mtfs=_read(reads, "mtfs_requirements"),
        backlog=_read(reads, "backlog"),
        area_statuses=_lists(reads.url, reads.version("app_settings"))["area_statuses"],
        latest_backlog=_latest_backlog(reads.only(*_BACKLOG), meeting),
        meeting=meeting,
        changed=changed,
        attention=_attention(reads.only(*_ATTENTION_TABLES), today, thresholds),
        actions=_flagged_actions(reads.only(*_ACTIONS), today),
        today=today,
    )


def overview(meeting: date | None = None):
    """The overview page's view (headline figures, changes since ``meeting``, by default the
    last one held, what needs attention), built once per version of what it reads, the day
    and the meeting."""
    from dashboard.domain.ratings import Thresholds
    from data_access.settings import get_settings

    return _overview(
        current().only(*_OVERVIEW_TABLES),
        as_at_or_today(),
        Thresholds.from_settings(get_settings()),
        meeting,
    )


_PLAN_TABLES = ("areas", "milestones", "app_settings")


@st.cache_resource(max_entries=8, show_spinner=False)
def _plan_tracker(reads: Snapshot, today: date):
    from dashboard.views.plan import tracker

    return tracker(
        _read(reads, "areas"),
        _read(reads, "milestones"),
        today,
        statuses=_lists(reads.url, reads.version("app_settings"))["milestone_statuses"],
    )


def plan_tracker():
    """Every accountability area with its milestone counts, once per version and day."""
    return _plan_tracker(current().only(*_PLAN_TABLES), as_at_or_today())


@st.cache_resource(max_entries=32, show_spinner=False)
def _plan_areas(reads: Snapshot, today: date, status: str | None, rag: str | None, lead):
    from dashboard.views.plan import areas_part

    rows = _plan_tracker(reads, today).rows
    return areas_part(rows, status=status, rag=rag, lead=lead)


def plan_areas(*, status: str | None, rag: str | None, lead: str | None):
    """The areas a member filtered to, as a table, once per version, day and choice."""
    return _plan_areas(current().only(*_PLAN_TABLES), as_at_or_today(), status, rag, lead)


@st.cache_resource(max_entries=32, show_spinner=False)
def _area_detail(reads: Snapshot, today: date, code: str):
    from dashboard.views.plan import area_detail

    return area_detail(
        _plan_tracker(reads, today).rows,
        _read(reads, "milestones"),
        code,
        today,
        statuses=_lists(reads.url, reads.version("app_settings"))["milestone_statuses"],
        live=reads.day is None,
    )


def area_detail(code: str):
    """One area with its milestones' timeline, once per version, day and area."""
    return _area_detail(current().only(*_PLAN_TABLES), as_at_or_today(), code)


def history_table(dataset: str, key: str, label: str):
    """An item's changes as a table, newest first (read fresh, as ``history``)."""
    from dashboard.views.plan import history as history_view

    return history_view(label, history(dataset, key))


@st.cache_resource(max_entries=8, show_spinner=False)
def _users(reads: Snapshot) -> pl.DataFrame:
    from data_access.users import list_users

    return list_users(store_for(reads.url))


def users() -> pl.DataFrame:
    """Every user with their role and assignments (the Administration page's table), read once
    per version of the users tables: a write to them is a new version, so it shows at once."""
    return _users(current().only(*_USERS, dated=False))


_ASSIGNABLE = ("areas", "savings_lines", "backlog", "committee_actions")


@st.cache_resource(max_entries=8, show_spinner=False)
def _assignable(reads: Snapshot) -> tuple[list[str], list[str], list[str], list[str]]:
    # unique in polars first: a national backlog has 2.2M rows and 1,530 teams
    def names(frame: pl.DataFrame, column: str) -> list[str]:
        return sorted(set(frame[column].unique().to_list()))

    return (
        _read(reads, "areas")["code"].sort().to_list(),
        names(_read(reads, "savings_lines"), "workstream"),
        names(_read(reads, "backlog"), "team"),
        _read(reads, "committee_actions")["code"].sort().to_list(),
    )


def assignable() -> tuple[list[str], list[str], list[str], list[str]]:
    """What an officer can be given to edit: area codes, savings workstreams, backlog teams and
    committee action codes, each sorted; found once per version of those tables."""
    return _assignable(current().only(*_ASSIGNABLE))


@st.cache_resource(max_entries=64, show_spinner=False)
def _user_record(reads: Snapshot, email: str):
    from data_access.users import user_record

    return user_record(store_for(reads.url), email)


def user_record(email: str):
    """One user's role, assignment, state and version for the change forms, read once per
    version of the users tables (a save is a new version, so the form shows it at once)."""
    return _user_record(current().only(*_USERS, dated=False), email)


@st.cache_resource(max_entries=8, show_spinner=False)
def _measures(reads: Snapshot):
    from data_access.measures import measures_in_force

    return measures_in_force(store_for(reads.url))


def measures():
    """The measures in force (built in, and those an administrator added), once per version
    of the measures table."""
    return _measures(current().only("measures", dated=False))


@st.cache_resource(max_entries=8, show_spinner=False)
def _census(reads: Snapshot) -> pl.DataFrame:
    from dashboard.domain.census import in_force

    return in_force(_read(reads, "cases"), reads.day)


def census() -> pl.DataFrame:
    """Every person of the census extract in force at the as-at day (the latest extract when
    live), person-level: only for pages whose viewer may work with case records
    (``Permission.CASES``); a member's page reads aggregates made from it, never these rows."""
    return _census(current().only("cases"))


@st.cache_resource(max_entries=8, show_spinner=False)
def _committee_actions(reads: Snapshot, today: date):
    from dashboard.views.committee_actions import page

    return page(_flagged_actions(reads, today), today)


def committee_actions():
    """The Committee actions page's view: every resolution and action flagged open or overdue
    as at the page's day, with what to filter by."""
    return _committee_actions(current().only(*_ACTIONS), as_at_or_today())


# reviews and waiting lists: aggregates only ---------------------------------------------------


@st.cache_resource(max_entries=8, show_spinner=False)
def _case_teams(reads: Snapshot) -> list[str]:
    return sorted(_census(reads)["team"].drop_nulls().unique().to_list())


def case_teams() -> list[str]:
    """The teams of the census extract in force, to choose from (names, not people)."""
    return _case_teams(current().only("cases"))


@st.cache_resource(max_entries=64, show_spinner=False)
def _reviews_view(reads: Snapshot, team: str | None, rule: DisclosureRule):
    from dashboard.domain.case_picture import case_picture
    from dashboard.views.reviews import view

    people = _census(reads)
    if team is not None:
        people = people.filter(pl.col("team") == team)
    picture = case_picture(people, rule)
    return None if picture is None else view(picture, team=team)


def reviews_view(team: str | None, rule: DisclosureRule):
    """The Reviews and waiting lists page for ``team`` (None: all teams), built here from the
    person-level extract and disclosed by ``rule``, so the page's script (and the browser) only
    ever receive the aggregates; None when no extract is in force."""
    return _reviews_view(current().only("cases"), team, rule)


@st.cache_resource(max_entries=4, show_spinner=False)
def _cld_events(reads: Snapshot) -> pl.DataFrame:
    from data_access.loaders import CLD_EVENT_COLUMNS

    return _read(reads, "cld_events").select(CLD_EVENT_COLUMNS)


def cld_events() -> pl.DataFrame | None:
    """The Client Level Data events as stored at the as-at day (``dashboard.domain.cld``'s
    frame), or None when no CLD return has been loaded. Person-level: aggregates are made from
    it here, never handed to a member's page."""
    events = _cld_events(current().only("cld_events"))
    return None if events.is_empty() else events


@st.cache_resource(max_entries=16, show_spinner=False)
def _reviews_done(reads: Snapshot, at: date, rule: DisclosureRule):
    from dashboard.domain.reviews_done import reviews_done as done
    from dashboard.views.reviews import reviews_done_blocks

    events = _cld_events(reads)
    figures = None if events.is_empty() else done(events, at, rule)
    return reviews_done_blocks(figures, rule)


def reviews_done(rule: DisclosureRule):
    """The block of reviews done against the 12-month duty, from the CLD return when one is
    loaded (else the words saying none is), worked out once per CLD version, day and rule."""
    return _reviews_done(current().only("cld_events"), as_at_or_today(), rule)


# the review queue (person-level: only for pages whose viewer may work with case records) -------


@st.cache_data(max_entries=8, show_spinner=False)
def _weights(url: str, version: int):
    from data_access.app_settings import queue_weights as stored

    return stored(store_for(url))


def queue_weights():
    """The review queue's weights in force and their version (``SavedWeights``), read once per
    version of the settings: an administrator's change shows on everyone's next run."""
    reads = current()
    return _weights(reads.url, reads.version("app_settings"))


@st.cache_resource(max_entries=16, show_spinner=False)
def _review_queue(reads: Snapshot, teams: frozenset[str] | None, weights) -> pl.DataFrame:
    from dashboard.views.review_queue import queue_for

    return queue_for(_census(reads), teams, weights)


def review_queue(viewer: Principal) -> pl.DataFrame:
    """The ranked review queue of the people ``viewer`` may see (an officer their teams, a
    director every team), by the weights in force, once per extract and weights version."""
    weights = queue_weights().weights
    return _review_queue(current().only("cases"), viewer.case_teams(), weights)


@st.cache_resource(max_entries=64, show_spinner=False)
def _review_queue_view(reads: Snapshot, teams, weights, team, setting, band):
    from dashboard.views.review_queue import view

    queue = _review_queue(reads, teams, weights)
    return view(queue, teams=teams, team=team, setting=setting, band=band)


def review_queue_view(viewer: Principal, team: str | None, setting: str | None, band: str | None):
    """The queue as the page shows it for one choice of filters (counts and the ranked table),
    built once per extract, weights and choice: a rerun with the same choice reuses it."""
    weights = queue_weights().weights
    teams = viewer.case_teams()
    return _review_queue_view(current().only("cases"), teams, weights, team, setting, band)


# the record of each meeting -------------------------------------------------------------------


@st.cache_resource(max_entries=8, show_spinner=False)
def _meetings_page(reads: Snapshot, today: date):
    from dashboard.views.meetings import page
    from data_access.meeting_record import kept_packs

    # meetings and people as they are now: a kept pack is listed whatever the page's day
    people = _users(reads.only(*_USERS, dated=False))
    names = dict(zip(people["email"].to_list(), people["name"].to_list(), strict=True))
    return page(
        _table(reads.url, "meetings", reads.version("meetings")),
        kept_packs(store_for(reads.url)),
        _flagged_actions(reads.only(*_ACTIONS), today),
        names,
        today,
    )


def meetings_page():
    """The Meetings page's view: every meeting recorded (whatever the page's day: a kept pack
    is for ever), its kept packs, and its actions flagged as at the page's day."""
    return _meetings_page(
        current().only("meetings", "meeting_packs", *_ACTIONS, *_USERS), as_at_or_today()
    )
