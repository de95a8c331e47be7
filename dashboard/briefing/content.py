"""The figures of a briefing pack for one as-at date, from the same functions the pages call.

``gather`` reads the store as it stood at the end of the as-at day; ``build`` turns that into
sections. Each section says what its page says: the same tables (``plan.tracker_table``,
``savings.lines_table``, ``adults.savings_table`` ...), sentences and charts, for that date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

import polars as pl

from dashboard.briefing.sections import SECTIONS
from dashboard.domain import (
    changes,
    formatting,
    headlines,
    overview,
    savings,
)
from dashboard.domain.census import in_force
from dashboard.domain.disclosure import NHS_ENGLAND, DisclosureRule
from dashboard.domain.ratings import Thresholds
from dashboard.domain.reconciliation import Finding, reconcile
from dashboard.views import adults as adults_view
from dashboard.views import backlog as backlog_view
from dashboard.views import data_quality, printed
from dashboard.views import overview as overview_view
from dashboard.views import plan as plan_view
from dashboard.views import savings as savings_view
from dashboard.views.blocks import (
    Block,
    Heading,
    Pack,
    Paragraph,
    Section,
)
from data_access import days
from data_access.frames import actions_frame, reconciliation_frames_from, savings_frame
from data_access.loaders import change_events, cld_events_frame, load_table, table_schema
from data_access.measures import Registry, measures_in_force
from data_access.statuses import StatusList, default_statuses
from data_access.store import Store

_TABLES = (
    "areas",
    "milestones",
    "mtfs_requirements",
    "backlog",
    "review_programmes",
    "posts",
    "savings_components",
    "reported_totals",
    "budget_bridge_steps",
)


@dataclass(frozen=True)
class Options:
    council: str
    thresholds: Thresholds = field(default_factory=Thresholds)
    # the pack is for members: its counts of people are always disclosed by this rule
    disclosure: DisclosureRule = NHS_ENGLAND
    # the status lists in force, each status with its meaning
    statuses: dict[str, StatusList] = field(default_factory=default_statuses)
    sections: tuple[str, ...] = tuple(SECTIONS)
    meeting_id: int | None = None


@dataclass(frozen=True)
class Figures:
    """The store's frames as they stood at the end of ``as_at``, the meeting the pack is for,
    and the changes recorded since the meeting before it (audit events); ``measures`` is the
    registry in force (built in and added by an administrator), which names the backlog's
    figures."""

    as_at: date
    frames: dict[str, pl.DataFrame]
    savings: pl.DataFrame
    actions: pl.DataFrame
    meeting: Meeting
    events: pl.DataFrame
    new_rows: pl.DataFrame  # new rows of the datasets whose new rows are counted, not listed
    measures: Registry
    # person-level: the census extract in force and the CLD events at the pack's day; only
    # their disclosed aggregates are ever printed
    census: pl.DataFrame
    cld_events: pl.DataFrame

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]


def gather(
    store: Store,
    as_at: date,
    *,
    meeting_id: int | None = None,
    today: date | None = None,
    until: datetime | None = None,
) -> Figures:
    """The figures as they stood at the end of the UK day ``as_at``. Today or later reads the live
    tables, as the pages do: rebuilding today from the history gives the same rows, slowly.
    With ``until`` (a kept meeting pack: the instant its figures were read, on or before the
    end of ``as_at``), everything is read from the history as it stood at that instant, so
    that the pack can be made again later with the same figures."""
    live = until is None and as_at >= (today or days.today())
    day = None if live else as_at
    # what the tables are read as at: live, the as-at day, or the instant a kept pack's
    # figures were read
    read_at = day if until is None else min(until, days.end_of(as_at))
    # every meeting recorded, whenever it was recorded: a meeting held before its record
    # was made is still the one before a later meeting (a kept pack's, those recorded by then);
    # an unknown one is refused first
    meetings = load_table(store, "meetings", as_at=until)
    meeting = meeting_for(meetings, meeting_id, as_at)
    frames = {name: load_table(store, name, as_at=read_at) for name in _TABLES}
    events = pl.DataFrame(schema=table_schema("audit_events"))
    new_rows = None
    if meeting.previous is not None:
        start, end = changes.since_meeting(meeting.previous, day)
        if until is not None:
            end = read_at
        events, new_rows = change_events(
            store, start, changes.WATCHED, counted=changes.COUNTED_NEW, until=end
        )
    savings_lines, actions = savings_frame(store, read_at), actions_frame(store, read_at)
    # measures are only ever added, so the registry in force names every figure of any day
    measures = measures_in_force(store)
    census = in_force(load_table(store, "cases", as_at=read_at), as_at)
    cld = cld_events_frame(store, as_at=read_at)
    return Figures(
        as_at, frames, savings_lines, actions, meeting, events, new_rows, measures, census, cld
    )


def pack_day(store: Store, meeting_id: int | None, asked: date | None, today: date) -> date:
    """The day a pack's figures are as at: the day asked for; else the chosen meeting's day
    (today for a meeting still to come: the figures cannot be later than today); else today."""
    if asked is not None:
        return asked
    if meeting_id is None:
        return today
    meeting = meeting_for(load_table(store, "meetings"), meeting_id, today)
    return min(meeting.date, today)


class UnknownMeeting(ValueError):
    pass


@dataclass(frozen=True)
class Meeting:
    """The meeting a pack is for (if chosen) and the one before it, which changes are
    counted from (the latest held on or before the as-at day when none is chosen)."""

    committee: str | None
    date: date | None
    previous: date | None

    def disagreement(self, as_at: date) -> str | None:
        """What the cover must say when its figures are not as at the meeting's day, since
        a reader takes a meeting's pack for what the meeting saw; None when they agree."""
        if self.date is None or self.date == as_at:
            return None
        meeting, figures = _long_day(self.date), _long_day(as_at)
        if as_at > self.date:
            return (
                f"The figures are as at {figures}, after the meeting of {meeting}: they are "
                "not the figures the meeting saw."
            )
        before = formatting.counted((self.date - as_at).days, "day")
        return f"The figures are as at {figures}, {before} before the meeting of {meeting}."


def _long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def meeting_for(meetings: pl.DataFrame, meeting_id: int | None, as_at: date) -> Meeting:
    if meeting_id is None:
        return Meeting(None, None, headlines.last_meeting(meetings, as_at))
    chosen = meetings.filter(pl.col("id") == meeting_id)
    if chosen.is_empty():
        known = ", ".join(
            f"{r['id']} ({r['committee']}, {formatting.day(r['meeting_date'])})"
            for r in meetings.sort("meeting_date").iter_rows(named=True)
        )
        raise UnknownMeeting(f"no meeting {meeting_id}; meetings: {known or 'none recorded'}")
    row = chosen.row(0, named=True)
    earlier = meetings.filter(pl.col("meeting_date") < row["meeting_date"])
    previous = earlier["meeting_date"].max() if earlier.height else None
    return Meeting(row["committee"], row["meeting_date"], previous)


def meeting_days(meetings: pl.DataFrame) -> dict[int, date]:
    """Each meeting's day, by its id."""
    return dict(meetings.select("id", "meeting_date").iter_rows())


def meeting_choices(meetings: pl.DataFrame) -> dict[int, str]:
    """Meetings a pack can be for, latest first: ``{3: "12 Mar 2024, Health and ..."}``."""
    ordered = meetings.sort("meeting_date", "id", descending=True)
    return {
        row["id"]: f"{formatting.day(row['meeting_date'])}, {row['committee']}"
        for row in ordered.iter_rows(named=True)
    }


@dataclass(frozen=True)
class _Worked:
    """What several sections share, worked out once."""

    figures: Figures
    options: Options
    rated: pl.DataFrame
    findings: list[Finding]
    changes: list[changes.Change]

    @property
    def meeting(self) -> Meeting:
        return self.figures.meeting

    @property
    def as_at(self) -> date:
        return self.figures.as_at

    @property
    def rule(self) -> DisclosureRule:
        return self.options.disclosure

    @property
    def actions(self) -> pl.DataFrame:
        """The committee actions flagged open and overdue as at the pack's day."""
        from dashboard.domain.committee_actions import flag_actions

        statuses = self.options.statuses["action_statuses"]
        return flag_actions(self.figures.actions, self.as_at, statuses=statuses)

    @cached_property
    def overview(self) -> overview_view.Overview:
        return overview_for(self)


def build(figures: Figures, options: Options, *, now: datetime | None = None) -> Pack:
    """The pack: a section for each of ``options.sections``, in the pack's order."""
    rated = savings.rate_lines(figures.savings, options.thresholds)
    findings = reconcile(reconciliation_frames_from(figures.frames.__getitem__, figures.savings))
    changed = changes.changes_since(
        figures.events,
        thresholds=options.thresholds,
        measures=figures.measures,
        new_rows=figures.new_rows,
        milestone_statuses=options.statuses["milestone_statuses"],
    )
    worked = _Worked(figures, options, rated, findings, changed)
    meeting = figures.meeting
    sections = tuple(
        printed.for_print(_BUILDERS[key](worked), PAGES[key])
        for key in SECTIONS
        if key in options.sections
    )
    made = (now or datetime.now(UTC)).strftime("%d %b %Y %H:%M UTC")
    notes = tuple(n for n in (meeting.disagreement(figures.as_at),) if n)
    return Pack(
        options.council, figures.as_at, meeting.committee, meeting.date, sections, made, notes
    )


# summary ---------------------------------------------------------------------------------------


def overview_frames(figures: Figures, rated_source: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The frames the overview dates its figures by, under the names it shows."""
    return {
        "Improvement plan": figures["areas"],
        "Savings lines": rated_source,
        "MTFS requirement": figures["mtfs_requirements"],
        "Backlog": figures["backlog"],
    }


def attention(worked: _Worked) -> pl.DataFrame:
    figures = worked.figures
    return overview_view.attention_items(
        figures["areas"],
        figures["milestones"],
        today=worked.as_at,
        rated=worked.rated,
        findings=worked.findings,
        statuses=worked.options.statuses["milestone_statuses"],
        actions=worked.actions,
    )


def overview_for(worked: _Worked) -> overview_view.Overview:
    """The overview page's view for the pack's day: the summary and attention sections print
    it."""
    figures = worked.figures
    return overview_view.build(
        areas=figures["areas"],
        lines=figures.savings,
        rated=worked.rated,
        mtfs=figures["mtfs_requirements"],
        backlog=figures["backlog"],
        area_statuses=worked.options.statuses["area_statuses"],
        latest_backlog=headlines.latest_backlog(
            figures["backlog"], measures=figures.measures, meeting_date=worked.meeting.previous
        ),
        meeting=worked.meeting.previous,
        changed=worked.changes,
        attention=attention(worked),
        actions=worked.actions,
        today=worked.as_at,
    )


# the summary names the most telling changes; the next section lists them all
SUMMARY_CHANGES = 5


def changed_lines(part: overview_view.ChangesPart | None) -> list[Block]:
    """What changed since the last meeting in a few lines: the overview's sentence, then the
    most telling changes (new red items first)."""
    if part is None:
        return [Heading("What changed since the last meeting"), Paragraph(overview_view.NO_MEETING)]
    blocks: list[Block] = [
        Heading(f"What changed since the last meeting ({formatting.day(part.meeting)})"),
        Paragraph(part.summary),
    ]
    blocks += [Paragraph(f"{c.kind}: {c.item}: {c.what}.") for c in part.changes[:SUMMARY_CHANGES]]
    if len(part.changes) > SUMMARY_CHANGES:
        blocks.append(Paragraph(f"All {len(part.changes)} are listed in the next section.", "note"))
    return blocks


def summary(worked: _Worked) -> Section:
    """One page: the overview's headline figures and what changed since the last meeting."""
    view = worked.overview
    blocks: list[Block] = [
        Paragraph(
            f"The figures in this pack are those in the dashboard at the end of "
            f"{formatting.day(worked.as_at)}. {view.dates_sentence}"
        ),
        Heading("Improvement plan"),
        Paragraph(view.plan_sentence),
        view.plan,
        Heading("Savings"),
        *view.mtfs_blocks(),
    ]
    if view.savings_sentence is not None:
        blocks.append(Paragraph(view.savings_sentence))
    # how status and rating go together is said with the rating rule in the savings section: here
    # its three lines pushed the summary's last heading onto a second page
    blocks.append(Heading("Backlog"))
    if view.backlog_words:
        blocks.append(Paragraph(view.backlog_words, "note"))
    blocks += [view.backlog_printed, *changed_lines(view.changes)]
    listed = {0: "", 1: " It is listed in the next section."}.get(
        view.attention.count, " They are listed in the next section."
    )
    blocks.append(Paragraph(f"{view.attention.sentence}{listed}", "note"))
    return Section("summary", SECTIONS["summary"], tuple(blocks))


CHANGES_WIDTHS = (1.2, 2, 3, 1.5, 1.2)
ATTENTION_WIDTHS = (1, 2.2, 2.4)


def attention_section(worked: _Worked) -> Section:
    """Every change since the last meeting and everything that needs attention, as tables."""
    view = worked.overview
    blocks: list[Block] = []
    part = view.changes
    if part is not None:
        blocks += [
            Heading(f"Changes since the last meeting ({formatting.day(part.meeting)})"),
            Paragraph(part.summary),
        ]
        if part.cut:
            blocks.append(Paragraph(part.cut, "note"))
        if part.table is not None:
            blocks.append(part.table.select(part.table.frame.columns, widths=CHANGES_WIDTHS))
    table = view.attention.table
    blocks += [Heading("Needs attention"), Paragraph(view.attention.sentence)]
    if not table.is_empty():
        blocks.append(table.select(table.frame.columns, widths=ATTENTION_WIDTHS))
    return Section("attention", SECTIONS["attention"], tuple(blocks))


# improvement plan ------------------------------------------------------------------------------


def plan_section(worked: _Worked) -> Section:
    areas, milestones = worked.figures["areas"], worked.figures["milestones"]
    if areas.is_empty():
        return _empty("plan", "No accountability areas have been loaded.")
    view = plan_view.tracker(
        areas, milestones, worked.as_at, statuses=worked.options.statuses["milestone_statuses"]
    )
    return Section("plan", SECTIONS["plan"], view.blocks())


def _empty(key: str, message: str) -> Section:
    return Section(key, SECTIONS[key], (Paragraph(message),))


# savings ---------------------------------------------------------------------------------------


def _mtfs_part(worked: _Worked, placed: list[savings.Placed]) -> list[Block]:
    mtfs = worked.figures["mtfs_requirements"]
    if mtfs.is_empty():
        return [
            Heading(savings_view.MTFS_HEADING),
            Paragraph("No MTFS savings requirement has been loaded."),
        ]
    blocks: list[Block] = [Heading(savings_view.MTFS_HEADING)]
    for part in savings_view.mtfs_parts(mtfs, placed, worked.figures.savings):
        blocks += part.blocks()
    return blocks


def savings_section(worked: _Worked) -> Section:
    if worked.figures.savings.is_empty() and worked.figures["mtfs_requirements"].is_empty():
        return _empty("savings", "No savings figures have been loaded.")
    frames = reconciliation_frames_from(worked.figures.frames.__getitem__, worked.figures.savings)
    placed = savings.place_findings(worked.findings, frames)
    blocks = _mtfs_part(worked, placed)
    steps = worked.figures["budget_bridge_steps"]
    if not steps.is_empty():
        blocks += savings_view.budget_bridge_blocks(savings_view.budget_bridge_parts(steps, placed))
    if not worked.rated.is_empty():
        view = savings_view.lines_part(
            worked.rated, worked.rated, placed, worked.options.thresholds
        )
        blocks += view.blocks()
    return Section("savings", SECTIONS["savings"], tuple(blocks))


# backlog ---------------------------------------------------------------------------------------


def backlog_section(worked: _Worked) -> Section:
    """The backlog page for all teams and bands, with the what-if at its starting inputs: the
    page's own view objects (``dashboard.views.backlog``)."""
    figures = worked.figures["backlog"]
    if figures.is_empty():
        return _empty("backlog", backlog_view.NO_FIGURES.replace("`", ""))
    rule = worked.rule
    shown = backlog_view.view(
        figures, team=None, band=None, rule=rule, measures=worked.figures.measures
    )
    costs = backlog_view.programme(worked.figures["review_programmes"])
    blocks = backlog_view.pack_blocks(shown, costs, rule)
    return Section("backlog", SECTIONS["backlog"], blocks)


# reviews and waiting lists ---------------------------------------------------------------------


def reviews_section(worked: _Worked) -> Section:
    """The Reviews and waiting lists page for all teams, from the census extract in force and
    the CLD return, disclosed by the pack's rule: the page's own view objects."""
    from dashboard.domain.case_picture import case_picture
    from dashboard.domain.reviews_done import reviews_done
    from dashboard.views import reviews as reviews_view

    figures, rule = worked.figures, worked.rule
    picture = case_picture(figures.census, rule)
    done = None
    if not figures.cld_events.is_empty():
        done = reviews_done(figures.cld_events, worked.as_at, rule)
    if picture is None and done is None:
        return _empty("reviews", reviews_view.NO_EXTRACT)
    blocks: list[Block] = []
    if picture is not None:
        shown = reviews_view.view(picture, team=None)
        blocks += [Paragraph(f"{shown.source}.", "note"), shown.headlines, *shown.blocks]
        if shown.note:
            blocks.append(Paragraph(shown.note, "note"))
    blocks += reviews_view.reviews_done_blocks(done, rule)
    return Section("reviews", SECTIONS["reviews"], tuple(blocks))


# younger and older adults ----------------------------------------------------------------------


def workstream_blocks(worked: _Worked, workstream: str) -> list[Block]:
    """One workstream as the younger and older adults page shows it (``views.adults``)."""
    figures = worked.figures
    placed = savings.place_findings(
        worked.findings, reconciliation_frames_from(figures.frames.__getitem__, figures.savings)
    )
    view = adults_view.workstream_view(
        figures.savings, figures["savings_components"], figures["posts"], placed, workstream
    )
    return list(view.blocks())


def adults_section(worked: _Worked) -> Section:
    workstreams = adults_view.workstreams_with_both(worked.figures.savings)
    if not workstreams:
        return _empty(
            "adults", "No workstream has savings lines for both younger and older adults."
        )
    blocks: list[Block] = []
    for workstream in workstreams:
        blocks += workstream_blocks(worked, workstream)
    return Section("adults", SECTIONS["adults"], tuple(blocks))


# committee actions, reconciliation, definitions ------------------------------------------------


def actions_section(worked: _Worked) -> Section:
    actions = worked.figures.actions
    if actions.is_empty():
        return _empty("actions", "No committee actions have been recorded.")
    blocks = plan_view.actions_blocks(actions, worked.options.statuses["action_statuses"])
    return Section("actions", SECTIONS["actions"], blocks)


CHECKED = " of reported totals against their parts"


def reconciliation_section(worked: _Worked) -> Section:
    """The data quality page's checks (``views.data_quality``), every one that needs attention
    said in full."""
    findings = worked.findings
    view = data_quality.checks_view(findings)
    blocks: list[Block] = [
        Paragraph(data_quality.counts_sentence(findings, CHECKED)),
        *view.warnings,
    ]
    if findings:
        blocks.append(
            view.table.titled("Reported totals checked").select(
                view.table.frame.columns, widths=data_quality.PRINTED_CHECK_WIDTHS
            )
        )
    return Section("reconciliation", SECTIONS["reconciliation"], tuple(blocks))


def definitions_section(worked: _Worked) -> Section:
    figures = worked.figures
    frames = {"committee_actions": figures.actions, "savings": figures.savings}
    frames |= {name: figures[name] for name in ("backlog", "mtfs_requirements", "areas", "posts")}
    table = data_quality.definitions_view(worked.options.thresholds, frames, figures.measures)
    sources = overview.figures_as_at_table(overview_frames(figures, figures.savings))
    note = worked.rule.note
    blocks: list[Block] = [
        table.titled("What each measure means").select(
            table.frame.columns, widths=data_quality.PRINTED_DEFINITION_WIDTHS
        ),
        sources.select(sources.frame.columns, widths=(1, 1, 3)),
    ]
    if note:
        blocks.append(Paragraph(note, "note"))
    return Section("definitions", SECTIONS["definitions"], tuple(blocks))


# the dashboard page whose downloads hold each section's tables whole
PAGES = {
    "summary": "Overview",
    "attention": "Overview",
    "plan": "Improvement plan",
    "savings": "Savings programme",
    "backlog": "Backlog and reviews",
    "reviews": "Reviews and waiting lists",
    "adults": "Younger and older adults",
    "actions": "Committee actions",
    "reconciliation": "Definitions and data quality",
    "definitions": "Definitions and data quality",
}

_BUILDERS = {
    "summary": summary,
    "attention": attention_section,
    "plan": plan_section,
    "savings": savings_section,
    "backlog": backlog_section,
    "reviews": reviews_section,
    "adults": adults_section,
    "actions": actions_section,
    "reconciliation": reconciliation_section,
    "definitions": definitions_section,
}
