"""The importable datasets: their file columns, keys, how rows reach the tables, and back.

A dataset is a file format (one row per area, per savings line and year, per backlog cell ...);
it may fill more than one table. Export then import gives back the same data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import polars as pl
from pydantic import BaseModel
from sqlalchemy import select

from data_access import models, schema
from data_access.cld_codes import CODED_FIELDS, lookup_frame, map_codes
from data_access.cld_columns import dropped as cld_dropped
from data_access.cld_store import write_events
from data_access.frames import LINE_FIELDS, actions_frame, savings_frame
from data_access.identifiers import squashed
from data_access.loaders import load_table
from data_access.person_rows import Replaces, write_person_rows
from data_access.plain_cells import typed_schema
from data_access.store import Store, WriteTx
from data_access.text_columns import text_per_value
from data_access.writes import CHANGED, SAME, UpsertResult, upsert_frame

PROVENANCE_COLUMNS = ("source", "source_kind", "as_at", "basis")
# a savings year's status: stored on the year, so "withdrawn for 2025/26" names one year
YEAR_STATUS_FIELDS = ("status", "status_date", "status_reason", "deferred_to", "replaced_by")

# Each table's entity key: the columns that name one item (its unique constraint in the
# schema). The importer and the edit commands match rows on it, and the audit trail names each
# item by it (``writes.entity_key``: the values joined with "|"), which the histories read.
KEYS: dict[str, tuple[str, ...]] = {
    "areas": ("code",),
    "milestones": ("code",),
    "savings_lines": ("code",),
    "savings_years": ("line_code", "financial_year"),
    "savings_components": ("code",),
    "mtfs_requirements": ("code",),
    "review_programmes": ("code",),
    "posts": ("code",),
    "backlog": ("measure", "month", "team", "priority_band"),
    "meetings": ("committee", "meeting_date"),
    "committee_actions": ("code",),
    "reported_totals": ("code",),
    "budget_bridge_steps": ("report", "label"),
    "cases": ("extract_date", "person_id"),
    "cld_events": ("person_id", "event_reference"),
}
# written by exports for traceability; accepted back on import but set by the store
SYSTEM_COLUMNS = ("loaded_by", "loaded_at", "version")


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    model: type[models.Provenance]
    key: tuple[str, ...]
    tables: tuple[str, ...]
    write: Callable[..., UpsertResult]
    export: Callable[[Store, date | None], pl.DataFrame]
    description: str
    # what the figures are, in words, where a member or director reads of them (the briefing
    # page's downloads): the dataset's name is for files and the command line
    title: str
    # one row per person (a case-management extract): refused with any direct identifier
    # (data_access.identifiers), never offered to members, exported only to officers (their
    # teams) and directors (data_access.exporter)
    person_level: bool = False
    # its counts feed the backlog series in the same transaction (data_access.backlog_feed)
    feeds_backlog: bool = False

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """File columns in template order: the dataset's own, then provenance."""
        names = [f.alias or n for n, f in self.model.model_fields.items()]
        own = [n for n in names if n not in PROVENANCE_COLUMNS]
        return (*own, *PROVENANCE_COLUMNS)

    @property
    def row_table(self) -> str:
        """The table holding one row per file row (a savings line's years, not the line): the
        one a file's version column and its counts refer to."""
        return self.tables[-1]

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(f.alias or n for n, f in self.model.model_fields.items() if f.is_required())

    @cached_property
    def money_columns(self) -> tuple[str, ...]:
        return tuple(
            f.alias for n, f in self.model.model_fields.items() if n.endswith("_pence") and f.alias
        )

    @cached_property
    def _fields_by_column(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for name, info in self.model.model_fields.items():
            fields.setdefault(info.alias or name, name)
        return fields

    def column_for(self, field: str) -> str:
        """The file column that holds a model field."""
        return self.model.model_fields[field].alias or field

    def field_for(self, column: str) -> str:
        return self._fields_by_column.get(column, column)


def stored_values(record: BaseModel) -> dict:
    """A validated record's fields as stored (an enum as its value)."""
    return {k: getattr(v, "value", v) for k, v in record.model_dump(mode="python").items()}


def stored_frame(model: type[BaseModel], records: Sequence[BaseModel]) -> pl.DataFrame:
    """Validated records as the writers take them: a frame of the model's fields as stored,
    typed as the importer types a file's rows (``plain_cells.typed_schema``)."""
    columns = {k: v for k, v in typed_schema(model).items() if k not in ("row", "version")}
    rows = [stored_values(r) for r in records]
    return pl.DataFrame({name: [row[name] for row in rows] for name in columns}, schema=columns)


def _table_frame(frame: pl.DataFrame, table, **renamed: str) -> pl.DataFrame:
    """The frame's columns that are the table's, after ``renamed`` (table column = field)."""
    frame = frame.rename({field: column for column, field in renamed.items()})
    return frame.select([c for c in frame.columns if c in table.c])


def _pounds(column: str, alias: str | None = None) -> pl.Expr:
    """Pence as exact pounds (Decimal with 2 places) for files: 150050 -> 1500.50."""
    pence = pl.col(column)
    sign = pl.when(pence < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    text = (
        sign
        + (pence.abs() // 100).cast(pl.String)
        + "."
        + (pence.abs() % 100).cast(pl.String).str.zfill(2)
    )
    return text.cast(pl.Decimal(20, 2)).alias(alias or column.removesuffix("_pence"))


def _fte() -> pl.Expr:
    h = pl.col("fte_hundredths")
    text = (h // 100).cast(pl.String) + "." + (h % 100).cast(pl.String).str.zfill(2)
    return text.cast(pl.Decimal(8, 2)).alias("fte")


def _simple_export(table: str, spec_columns: Callable[[], tuple[str, ...]], money=()):
    def export(store: Store, as_at: date | None) -> pl.DataFrame:
        frame = load_table(store, table, as_at=as_at)
        frame = frame.with_columns(_pounds(c) for c in money)
        return frame.select(*spec_columns(), *SYSTEM_COLUMNS)

    return export


# areas ---------------------------------------------------------------------------------------


def _write_areas(tx: WriteTx, frame, expected_versions=None) -> UpsertResult:
    return upsert_frame(
        tx,
        schema.areas,
        _table_frame(frame, schema.areas),
        KEYS["areas"],
        expected_versions=expected_versions,
    )


# milestones ----------------------------------------------------------------------------------


def _write_milestones(tx: WriteTx, frame, expected_versions=None) -> UpsertResult:
    _check_known(tx, frame, "area_code", schema.areas.c.code, "areas")
    return upsert_frame(
        tx,
        schema.milestones,
        _table_frame(frame, schema.milestones),
        KEYS["milestones"],
        expected_versions=expected_versions,
    )


def _check_known(tx: WriteTx, frame, column: str, target, dataset: str, also=()) -> None:
    known = [row[0] for row in tx.conn.execute(select(target))]
    missing = (
        frame.select(pl.col(column).drop_nulls().unique())
        .filter(~pl.col(column).is_in([*known, *also]))[column]
        .sort()
        .to_list()
    )
    if missing:
        raise UnknownReference(column, missing, dataset)


class UnknownReference(Exception):
    """Rows name a parent (an area, a savings line) the store does not hold."""

    def __init__(self, column: str, values: list[str], dataset: str):
        self.column, self.values, self.dataset = column, values, dataset
        super().__init__(
            f"{column} refers to {dataset} not in the store: {', '.join(values)} "
            f"(import {dataset} first)"
        )


# savings -------------------------------------------------------------------------------------


def _write_savings(tx: WriteTx, frame, expected_versions=None) -> UpsertResult:
    # a line's own fields from its first row (the importer refuses a file where they differ)
    lines = frame.unique("code", keep="first", maintain_order=True).select(
        *LINE_FIELDS, *PROVENANCE_COLUMNS
    )
    written = upsert_frame(tx, schema.savings_lines, lines, KEYS["savings_lines"])
    codes = frame["code"].unique().to_list()
    _check_known(tx, frame, "replaced_by", schema.savings_lines.c.code, "savings", codes)
    years = frame.rename({"code": "line_code"}).select(
        "line_code",
        "financial_year",
        "target_pence",
        "forecast_pence",
        "delivered_pence",
        *YEAR_STATUS_FIELDS,
        *PROVENANCE_COLUMNS,
    )
    result = upsert_frame(
        tx,
        schema.savings_years,
        years,
        KEYS["savings_years"],
        expected_versions=expected_versions,
    )
    return _per_year_row(result, written)


def _per_year_row(years: UpsertResult, lines: UpsertResult) -> UpsertResult:
    """The counts of a savings file's rows (one per line and year): a year row whose line's own
    fields changed (its title, say) is changed too, though its year's figures are not; the line
    is not counted again beside it. A rehearsal's changes list both."""
    if lines.changes is not None and years.changes is not None:
        years.changes = pl.concat([lines.changes, years.changes])
    if years.rows is None or lines.rows is None:
        return years
    changed = lines.rows.filter(pl.col("state") == CHANGED)["code"].to_list()
    moved = (pl.col("state") == SAME) & pl.col("line_code").is_in(changed)
    count = years.rows.filter(moved).height
    years.rows = years.rows.with_columns(
        pl.when(moved).then(pl.lit(CHANGED)).otherwise(pl.col("state")).alias("state")
    )
    years.updated += count
    years.unchanged -= count
    return years


def _export_savings(store: Store, as_at: date | None) -> pl.DataFrame:
    frame = savings_frame(store, as_at).with_columns(
        _pounds("target_pence"), _pounds("forecast_pence"), _pounds("delivered_pence")
    )
    return frame.select(*SAVINGS.columns, *SYSTEM_COLUMNS)


# components ----------------------------------------------------------------------------------


def _write_components(tx: WriteTx, frame, expected_versions=None) -> UpsertResult:
    _check_known(tx, frame, "line_code", schema.savings_lines.c.code, "savings")
    return upsert_frame(
        tx,
        schema.savings_components,
        _table_frame(frame, schema.savings_components),
        KEYS["savings_components"],
        expected_versions=expected_versions,
    )


# posts, mtfs, programmes, backlog ------------------------------------------------------------


def _plain_writer(table):
    def write(tx: WriteTx, frame, expected_versions=None) -> UpsertResult:
        return upsert_frame(
            tx,
            table,
            _table_frame(frame, table),
            KEYS[table.name],
            expected_versions=expected_versions,
        )

    return write


def _export_posts(store: Store, as_at: date | None) -> pl.DataFrame:
    frame = load_table(store, "posts", as_at=as_at).with_columns(
        _pounds("cost_pence"), _pounds("unit_cost_pence"), _fte()
    )
    return frame.select(*POSTS.columns, *SYSTEM_COLUMNS)


# actions -------------------------------------------------------------------------------------


def _write_actions(tx: WriteTx, frame, expected_versions=None) -> UpsertResult:
    meetings = frame.select("committee", "meeting_date").unique().sort("committee", "meeting_date")
    held = upsert_frame(tx, schema.meetings, meetings, KEYS["meetings"])
    ids = held.rows.select("committee", "meeting_date", pl.col("id").alias("meeting_id"))
    actions = frame.join(ids, on=["committee", "meeting_date"], how="left", maintain_order="left")
    # a file's rows are its actions: a meeting first named by one is not a row of its own
    return upsert_frame(
        tx,
        schema.committee_actions,
        _table_frame(actions, schema.committee_actions),
        KEYS["committee_actions"],
        expected_versions=expected_versions,
    )


def _export_actions(store: Store, as_at: date | None) -> pl.DataFrame:
    return actions_frame(store, as_at).select(*ACTIONS.columns, *SYSTEM_COLUMNS)


# reported totals -----------------------------------------------------------------------------


def _export_reported(store: Store, as_at: date | None) -> pl.DataFrame:
    frame = load_table(store, "reported_totals", as_at=as_at)
    # money totals in pounds, as every money column of every file; a count as a whole number
    # in the same numeric column (12.00), which reads back as 12
    count = pl.col("reported_value").cast(pl.Decimal(20, 2)) * 100
    pence = pl.when(pl.col("dataset").is_in(models.MONEY_REPORTED_DATASETS)).then(
        pl.col("reported_value")
    )
    frame = frame.with_columns(
        text_per_value(frame, "scope", lambda t: models.scope_text(json.loads(t))),
        pence.otherwise(count.cast(pl.Int64)).alias("reported_value"),
    ).with_columns(_pounds("reported_value", "reported_value"))
    return frame.select(*REPORTED.columns, *SYSTEM_COLUMNS)


def _export_bridges(store: Store, as_at: date | None) -> pl.DataFrame:
    frame = load_table(store, "budget_bridge_steps", as_at=as_at).sort("id")
    return frame.with_columns(_pounds("amount_pence")).select(*BRIDGES.columns, *SYSTEM_COLUMNS)


# cases ---------------------------------------------------------------------------------------


def _write_cases(
    tx: WriteTx, frame, expected_versions=None, *, teams: frozenset[str] | None = None
) -> UpsertResult:
    """A census extract, written in bulk and audited once per import (``person_rows``): its
    rows upserted by (extract_date, person_id), and a corrected extract replaces its dates'
    rows: a person stored for one of the file's extract dates whose row the file no longer
    holds is marked removed (never deleted). A row the file names again is live again. Other
    dates are left alone.

    ``teams`` are the teams the importer may load (``Principal.case_teams``: an officer's
    assigned teams; None, every team, for a director or an officer with "All teams"): an
    officer's North-only extract replaces North's people of its dates, never South's."""
    table, key = schema.cases, KEYS["cases"]
    rows = _table_frame(frame, table).with_columns(pl.lit(None, dtype=pl.Date).alias("removed_on"))
    dates = frame["extract_date"].unique().sort().to_list()
    replaces = Replaces("extract_date", dates, None if teams is None else {"team": sorted(teams)})
    result = write_person_rows(
        tx, table, rows, key, expected_versions=expected_versions, replaces=replaces
    )
    result.covers = {"extract_dates": [d.isoformat() for d in dates]}
    return result


def _export_cases(store: Store, as_at: date | None) -> pl.DataFrame:
    """The people of every extract as stored, without those a corrected extract left out."""
    frame = load_table(store, "cases", as_at=as_at).filter(pl.col("removed_on").is_null())
    return frame.sort("extract_date", "person_id").select(*CASES.columns, *SYSTEM_COLUMNS)


# cld -----------------------------------------------------------------------------------------


def age_at(birth: str, day: str) -> pl.Expr:
    """Whole years from ``birth`` to ``day``: one less before the birthday in ``day``'s year (a
    29 February birthday comes on 1 March in other years)."""
    born, then = pl.col(birth), pl.col(day)

    def month_day(d: pl.Expr) -> pl.Expr:  # month and day are Int8: widen before multiplying
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)

    before = month_day(then) < month_day(born)
    return then.dt.year().cast(pl.Int32) - born.dt.year() - before.cast(pl.Int32)


def cld_lookups(tx: WriteTx) -> pl.DataFrame:
    """The lookup frame of a CLD import: DHSC's lists, the built-in spellings and the
    administrator's rows (``cld_lookups``) as the transaction sees them."""
    table = schema.cld_lookups
    rows = tx.conn.execute(select(table.c.field, table.c.raw, table.c.clean)).all()
    return lookup_frame(tuple(row) for row in rows)


def _write_cld(
    tx: WriteTx, frame, expected_versions=None, *, teams: frozenset[str] | None = None
) -> UpsertResult:
    """A CLD file's events: the age at each event's start worked out from the date of birth
    (or taken from an export's age_at_event) and the date of birth dropped; each coded field
    mapped to DHSC's list (``cld_codes.map_codes``), an unknown value kept as not mapped and
    counted in ``notes``; then upserted by person and event reference, so the rolling 12 months
    sent again each quarter changes only what changed. Events a later file leaves out stay as
    they are (a rolling 12 months drops its oldest events without their having been wrong), so
    ``teams`` (what the importer may load) has nothing to narrow."""
    aged = frame.with_columns(
        pl.when(pl.col("date_of_birth").is_not_null())
        .then(age_at("date_of_birth", "event_start_date"))
        .otherwise(pl.col("age_at_event"))
        .cast(pl.Int64)
        .alias("age_at_event")
    ).drop("date_of_birth")
    mapped, unmapped = map_codes(aged, cld_lookups(tx))
    result = write_events(tx, mapped, expected_versions=expected_versions)
    result.notes = [*result.notes, *(u.sentence() for u in unmapped)]
    result.covers = {"reporting_periods": _periods(mapped)}
    return result


def _periods(events: pl.DataFrame) -> list[str]:
    """A CLD file's reporting periods (``2024-04-01 to 2025-03-31``); without any, the span of
    its events' start dates."""
    named = events.select("reporting_period_start", "reporting_period_end").unique().drop_nulls()
    if named.is_empty():
        named = events.select(
            pl.col("event_start_date").min().alias("reporting_period_start"),
            pl.col("event_start_date").max().alias("reporting_period_end"),
        ).drop_nulls()
    return [f"{start} to {end}" for start, end in named.sort(pl.all()).iter_rows()]


def _export_cld(store: Store, as_at: date | None) -> pl.DataFrame:
    """The events as a CLD file: each coded field as the file wrote it, the age at each event
    in place of the date of birth (never stored)."""
    frame = load_table(store, "cld_events", as_at=as_at)
    written = [pl.coalesce(f"{field}_raw", field).alias(field) for field in CODED_FIELDS]
    frame = frame.sort("person_id", "event_start_date", "event_reference").with_columns(
        *written,
        pl.col("person_id").alias("la_person_unique_identifier"),
        pl.lit(None, dtype=pl.Date).alias("date_of_birth"),
        pl.col("reporting_period_start").alias("reporting_period_start_date"),
        pl.col("reporting_period_end").alias("reporting_period_end_date"),
    )
    return frame.select(*CLD.columns, *SYSTEM_COLUMNS)


AREAS = DatasetSpec(
    "areas",
    models.Area,
    ("code",),
    ("areas",),
    _write_areas,
    _simple_export("areas", lambda: AREAS.columns),
    "Accountability areas of the improvement plan: status, RAG, lead and commentary.",
    title="Accountability areas",
)
MILESTONES = DatasetSpec(
    "milestones",
    models.Milestone,
    ("code",),
    ("milestones",),
    _write_milestones,
    _simple_export("milestones", lambda: MILESTONES.columns),
    "Milestones of each accountability area: owner, due date, status and evidence.",
    title="Milestones",
)
SAVINGS = DatasetSpec(
    "savings",
    models.SavingsYear,
    ("code", "financial_year"),
    ("savings_lines", "savings_years"),
    _write_savings,
    _export_savings,
    "Savings lines, one row per line and financial year: target, forecast, delivered and the "
    "Blue, Red, Amber, Green (BRAG) rating.",
    title="Savings lines",
)
COMPONENTS = DatasetSpec(
    "components",
    models.SavingsComponent,
    ("code",),
    ("savings_components",),
    _write_components,
    _simple_export("savings_components", lambda: COMPONENTS.columns, money=("amount_pence",)),
    "What each savings line is made of, as a paper itemises it.",
    title="Savings components",
)
MTFS = DatasetSpec(
    "mtfs",
    models.MtfsRequirement,
    ("code",),
    ("mtfs_requirements",),
    _plain_writer(schema.mtfs_requirements),
    _simple_export(
        "mtfs_requirements",
        lambda: MTFS.columns,
        money=("required_pence", "forecast_pence", "reported_shortfall_pence"),
    ),
    "MTFS savings requirements: amount required, forecast and any reported shortfall.",
    title="Medium Term Financial Strategy (MTFS) savings requirements",
)
PROGRAMMES = DatasetSpec(
    "programmes",
    models.ReviewProgramme,
    ("code",),
    ("review_programmes",),
    _plain_writer(schema.review_programmes),
    _simple_export(
        "review_programmes",
        lambda: PROGRAMMES.columns,
        money=("cost_pence", "savings_pence", "agency_cost_pence"),
    ),
    "Review programmes: reviews planned in a year, their cost and the savings expected.",
    title="Review programmes",
)
POSTS = DatasetSpec(
    "posts",
    models.Post,
    ("code",),
    ("posts",),
    _plain_writer(schema.posts),
    _export_posts,
    "Posts funded to deliver savings: band, FTE, period and cost.",
    title="Funded posts",
)
BACKLOG = DatasetSpec(
    "backlog",
    models.BacklogObservation,
    ("measure", "month", "team", "priority_band"),
    ("backlog",),
    _plain_writer(schema.backlog),
    _simple_export("backlog", lambda: BACKLOG.columns),
    "Monthly backlog figures by measure, team and priority band.",
    title="Backlog figures",
)
ACTIONS = DatasetSpec(
    "actions",
    models.CommitteeAction,
    ("code",),
    ("meetings", "committee_actions"),
    _write_actions,
    _export_actions,
    "Committee resolutions and agreed actions: meeting, owner, due date and status.",
    title="Committee actions",
)
REPORTED = DatasetSpec(
    "reported_totals",
    models.ReportedTotal,
    ("code",),
    ("reported_totals",),
    _plain_writer(schema.reported_totals),
    _export_reported,
    "Totals as papers report them, checked against the sum of their parts (Definitions and "
    "data quality).",
    title="Totals as reported",
)
BRIDGES = DatasetSpec(
    "bridges",
    models.BridgeStep,
    ("report", "label"),
    ("budget_bridge_steps",),
    _plain_writer(schema.budget_bridge_steps),
    _export_bridges,
    "Budget-monitoring bridges, one row per step: the figure a report starts from, what it "
    "takes off or adds, and what it says that leaves (checked on Definitions and data quality).",
    title="Budget-monitoring bridges",
)

CASES = DatasetSpec(
    "cases",
    models.Case,
    ("extract_date", "person_id"),
    ("cases",),
    _write_cases,
    _export_cases,
    "Case-management census extract, one row per person at an extract date: team, age band, "
    "support, reviews, waits and risk factors. Person-level: no names, NHS numbers, dates of "
    "birth, postcodes or GP practices; members never see it.",
    title="Census extract of people with support",
    person_level=True,
    feeds_backlog=True,
)

CLD = DatasetSpec(
    "cld",
    models.CldEvent,
    ("la_person_unique_identifier", "event_reference"),
    ("cld_events",),
    _write_cld,
    _export_cld,
    "Client Level Data as made for DHSC, one row per event (request, assessment, service, "
    "review), Release 2 columns. Person-level: the NHS number, postcode, GP practice and names "
    "are dropped; the date of birth is read for the age at each event and never stored; codes "
    "are mapped to DHSC's lists, unknown ones kept as not mapped; members never see it.",
    title="Client Level Data events",
    person_level=True,
)

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        AREAS,
        MILESTONES,
        SAVINGS,
        COMPONENTS,
        MTFS,
        PROGRAMMES,
        POSTS,
        BACKLOG,
        ACTIONS,
        REPORTED,
        BRIDGES,
        CASES,
        CLD,
    )
}
# the order that satisfies references when loading several datasets
LOAD_ORDER = (
    "areas",
    "milestones",
    "savings",
    "components",
    "mtfs",
    "programmes",
    "posts",
    "backlog",
    "actions",
    "reported_totals",
    "bridges",
    "cases",
    "cld",
)


# provenance columns a file may leave out (the importer fills them in)
_OPTIONAL_IN_FILES = ("source", "as_at")


@dataclass(frozen=True)
class Recognised:
    """How well a header row matches a dataset: the share of its required columns present,
    and the file's columns it does not know."""

    dataset: str
    present: int  # required columns the header names
    required: int
    unknown: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.present == self.required


def recognise(headers: Sequence[Sequence[str | None]]) -> list[Recognised]:
    """Each dataset's best match among candidate header rows (normalised column names, e.g. a
    file's first rows), best first: most required columns present, then fewest unknown."""
    best: dict[str, Recognised] = {}
    for row in headers:
        names = {name for name in row if name}
        if not names:
            continue
        for spec in DATASETS.values():
            required = [c for c in spec.required if c not in _OPTIONAL_IN_FILES]
            known = set(spec.columns) | set(SYSTEM_COLUMNS)
            seen = names
            if spec.name == "cld":
                # a CLD file's headers are matched as its importer matches them, and the
                # columns it drops are no strangers (data_access.cld_columns)
                seen = {squashed(n) for n in names}
                required = [squashed(c) for c in required]
                known = {squashed(c) for c in known} | cld_dropped(seen)
            match = Recognised(
                spec.name,
                sum(c in seen for c in required),
                len(required),
                tuple(sorted(seen - known)),
            )
            held = best.get(spec.name)
            if held is None or _rank(match) < _rank(held):
                best[spec.name] = match
    return sorted(best.values(), key=_rank)


def _rank(match: Recognised) -> tuple:
    return (match.required - match.present, len(match.unknown), -match.present, match.dataset)
