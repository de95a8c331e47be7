"""SQLAlchemy Core tables: the one definition of the store, shared by SQLite and PostgreSQL.

Money is integer pence (BigInteger), FTE integer hundredths, dates ``Date``, instants UTC.
Every editable row has a ``version`` that a write must match (no lost updates).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _provenance() -> list[Column]:
    return [
        Column("source", String(400), nullable=False),
        Column("source_kind", String(20), nullable=False),
        Column("as_at", Date, nullable=False),
        Column("basis", String(20), nullable=False),
        Column("loaded_by", String(254), nullable=False),
        Column("loaded_at", DateTime(timezone=True), nullable=False),
        Column("version", Integer, nullable=False, server_default="1"),
    ]


# the tables of person-level datasets (``cases``, ``cld``): written in bulk and audited once per
# import, never row by row (data_access/person_rows.py, data_access/cld_store.py)
PERSON_LEVEL_TABLES = ("cases", "cld_events")


def _person_level_provenance() -> list[Column]:
    return [
        # the UK day the row was first loaded (kept when a later file changes it): an as-at
        # read counts the row from that day
        Column("first_loaded_on", Date),
        # a hash of the row's values as last loaded: a file's unchanged rows are found by it
        # without reading the stored values back (null: compare the values)
        Column("row_hash", BigInteger),
    ]


areas = Table(
    "areas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("title", String(4000), nullable=False),
    Column("lead", String(4000)),
    Column("status", String(100), nullable=False),
    Column("rag", String(10)),
    Column("commentary", Text),
    Column("last_updated", Date),
    *_provenance(),
)

milestones = Table(
    "milestones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("area_code", String(40), ForeignKey("areas.code"), nullable=False, index=True),
    Column("title", String(4000), nullable=False),
    Column("owner", String(4000)),
    Column("due_date", Date),
    Column("status", String(100), nullable=False),
    Column("completed_date", Date),
    Column("evidence", Text),
    *_provenance(),
)

savings_lines = Table(
    "savings_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("title", String(4000), nullable=False),
    Column("workstream", String(4000), nullable=False),
    Column("cohort", String(20), nullable=False),
    Column("owner", String(4000)),
    Column("brag_override", String(10)),
    Column("override_reason", Text),
    *_provenance(),
)

savings_years = Table(
    "savings_years",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_code", String(40), ForeignKey("savings_lines.code"), nullable=False),
    Column("financial_year", String(7), nullable=False),
    Column("target_pence", BigInteger, nullable=False),
    Column("forecast_pence", BigInteger),
    Column("delivered_pence", BigInteger),
    # a year that stopped (withdrawn, deferred, replaced) is kept out of the totals tracked;
    # blank status: the year is tracked (data_access.vocab.SavingsStatus)
    Column("status", String(20)),
    Column("status_date", Date),
    Column("status_reason", Text),
    Column("deferred_to", String(7)),
    Column("replaced_by", String(40)),
    *_provenance(),
    UniqueConstraint("line_code", "financial_year"),
)

# a budget-monitoring bridge as a report states it: "projected overspend £8.646m, less savings
# achieved £1.422m, less other actions £0.660m, leaves £6.564m"; one row per step (kind
# start, less, plus or result), listed in the order loaded
budget_bridge_steps = Table(
    "budget_bridge_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report", String(200), nullable=False),
    Column("label", String(150), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    *_provenance(),
    UniqueConstraint("report", "label"),
)

savings_components = Table(
    "savings_components",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("line_code", String(40), ForeignKey("savings_lines.code"), nullable=False),
    Column("title", String(4000), nullable=False),
    Column("amount_pence", BigInteger),
    *_provenance(),
)

mtfs_requirements = Table(
    "mtfs_requirements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("period", String(4000), nullable=False),
    Column("required_pence", BigInteger, nullable=False),
    Column("forecast_pence", BigInteger, nullable=False),
    Column("reported_shortfall_pence", BigInteger),
    *_provenance(),
)

review_programmes = Table(
    "review_programmes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("title", String(4000), nullable=False),
    Column("financial_year", String(7), nullable=False),
    Column("reviews_planned", Integer, nullable=False),
    Column("cost_pence", BigInteger, nullable=False),
    Column("savings_pence", BigInteger, nullable=False),
    Column("agency_cost_pence", BigInteger),
    *_provenance(),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("area_of_support", String(4000), nullable=False),
    Column("post_title", String(4000), nullable=False),
    Column("band", String(4000)),
    Column("fte_hundredths", Integer, nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("period_label", String(4000)),
    Column("cost_pence", BigInteger, nullable=False),
    Column("unit_cost_pence", BigInteger),
    Column("funding_source", String(4000)),
    Column("workstream", String(4000)),
    *_provenance(),
)

backlog = Table(
    "backlog",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("measure", String(40), nullable=False),
    Column("month", Date, nullable=False),
    Column("team", String(200), nullable=False),
    Column("priority_band", String(200), nullable=False),
    Column("value", Integer, nullable=False),
    Column("target", Integer),
    *_provenance(),
    UniqueConstraint("measure", "month", "team", "priority_band"),
)

# a case-management census extract: one row per person at an extract date (the ``cases``
# dataset). No direct identifier is ever stored (data_access/identifiers.py): person_id is the
# council's own id. A corrected extract for the same date that leaves a person out marks their
# row removed_on (the UK day of that import) rather than deleting it: the app's database role
# has no DELETE, and the history stays whole; readers skip removed rows.
cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("extract_date", Date, nullable=False),
    Column("person_id", String(40), nullable=False),
    Column("team", String(200), nullable=False),
    Column("age_band", String(10), nullable=False),
    Column("primary_support_reason", String(4000)),
    Column("setting", String(4000)),
    Column("support_start", Date),
    Column("last_review", Date),
    Column("next_review_due", Date),
    Column("waiting_assessment_since", Date),
    Column("waiting_ot_since", Date),
    Column("waiting_service_since", Date),
    Column("safeguarding_open", Boolean, nullable=False),
    Column("provider_concern", Boolean, nullable=False),
    Column("lives_alone", Boolean, nullable=False),
    Column("has_unpaid_carer", Boolean, nullable=False),
    Column("last_contact", Date),
    Column("removed_on", Date),
    *_person_level_provenance(),
    *_provenance(),
    UniqueConstraint("extract_date", "person_id"),
    Index("ix_cases_team_extract", "team", "extract_date"),
)

# cld_events: the council's Client Level Data return (as made for DHSC), kept as loads. A CLD
# file is about a million events, and a row per event cost 15-25 s to write; instead each import
# adds one row holding the events it added or changed as a Parquet file (``data``), and the
# events are the loads read in order, a later load's row for an event winning
# (data_access/cld_store.py, which also gives the events' columns). Loads are only ever added:
# an as-at read takes the loads made by then, so an event's earlier values are kept. No direct
# identifier is among the events' columns: the importer works out the age at each event from the
# date of birth and drops it, with the NHS number, postcode, GP practice and any name.
cld_events = Table(
    "cld_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file", String(400), nullable=False),
    # of the file's bytes, as the import's audit event names it
    Column("sha256", String(64), nullable=False),
    Column("events", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("data_sha256", String(64), nullable=False),
    Column("loaded_by", String(254), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    # the UK day of the load: an as-at read of a day takes the loads made by its end
    Column("loaded_on", Date, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

# the columns of the events a load of ``cld_events`` holds: not a table of the database (a load is
# a Parquet file of them) but described as one, so that the models, the limits and the readers
# agree on one definition (``cld_store.EVENT_SCHEMA``)
load_contents = MetaData()
cld_event_columns = Table(
    "cld_events",
    load_contents,
    Column("person_id", String(40), nullable=False),
    Column("event_reference", String(200), nullable=False),
    Column("client_type", String(200)),
    Column("age_at_event", Integer),
    Column("primary_support_reason", String(200)),
    Column("event_type", String(200), nullable=False),
    Column("event_start_date", Date, nullable=False),
    Column("event_end_date", Date),
    Column("event_description", String(4000)),
    Column("event_outcome", String(200)),
    Column("service_type", String(200)),
    Column("review_reason", String(200)),
    Column("assessment_type", String(200)),
    Column("team", String(200)),
    Column("reporting_period_start", Date),
    Column("reporting_period_end", Date),
    # each coded field holds its value on DHSC's list (or "Invalid and not mapped"); its
    # ``*_raw`` column keeps what the file said where that differs (data_access/cld_codes.py)
    Column("client_type_raw", String(200)),
    Column("primary_support_reason_raw", String(200)),
    Column("event_type_raw", String(200)),
    Column("event_outcome_raw", String(200)),
    Column("service_type_raw", String(200)),
    Column("review_reason_raw", String(200)),
    Column("assessment_type_raw", String(200)),
    *_person_level_provenance(),
    *_provenance(),
    UniqueConstraint("person_id", "event_reference"),
)


def polars_dtype(column: Column) -> pl.DataType:
    """The polars type a column's values are read as."""
    kind = column.type
    if isinstance(kind, DateTime):
        return pl.Datetime("us", "UTC")
    if isinstance(kind, Date):
        return pl.Date()
    if isinstance(kind, BigInteger | Integer):
        return pl.Int64()
    if isinstance(kind, Boolean):
        # SQLite hands back 0 and 1, PostgreSQL true and false: both are read as booleans
        return pl.Boolean()
    return pl.String()


# cld_lookups: an administrator's extra spellings of a coded CLD field, each to a value on DHSC's
# list; read with the built-in spellings (data_access/cld_codes.py) at every CLD import
cld_lookups = Table(
    "cld_lookups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("field", String(40), nullable=False),
    Column("raw", String(400), nullable=False),
    Column("clean", String(200), nullable=False),
    Column("added_by", String(254), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("field", "raw"),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee", String(400), nullable=False),
    Column("meeting_date", Date, nullable=False),
    UniqueConstraint("committee", "meeting_date"),
)

committee_actions = Table(
    "committee_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", String(4000)),
    Column("due_date", Date),
    Column("status", String(100), nullable=False),
    *_provenance(),
)

reported_totals = Table(
    "reported_totals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("label", String(4000), nullable=False),
    Column("dataset", String(40), nullable=False),
    Column("scope", JSON, nullable=False),
    Column("reported_value", BigInteger, nullable=False),
    *_provenance(),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(4000), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(400)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    # set when an administrator disables the user: sign-in is refused, their history stays
    Column("disabled_at", DateTime(timezone=True)),
)

# what an officer may edit: areas (and their milestones), savings workstreams, backlog teams,
# committee actions (kinds in ``data_access.access.ScopeKind``)
user_scopes = Table(
    "user_scopes",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("value", String(400), primary_key=True),
    # set when the assignment is taken away (never deleted: the app's role has no DELETE)
    Column("removed_at", DateTime(timezone=True)),
)

# measures an administrator added to the built-in ones (data_access/measures.py): backlog
# figures may then be given under their codes
measures = Table(
    "measures",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label", String(4000), nullable=False, unique=True),
    Column("definition", Text, nullable=False),
    Column("unit", String(40), nullable=False),
    Column("rise_is_good", Boolean),
    Column("category", String(4000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

# failed sign-ins per account (known or not), for throttling local passwords
sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("email", String(254), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_failure_at", DateTime(timezone=True)),
)

# failed sign-ins per source (an IP address, an IPv6 /64): see data_access/throttle.py
sign_in_sources = Table(
    "sign_in_sources",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("blocked_until", DateTime(timezone=True)),
    Column("last_failure_at", DateTime(timezone=True)),
)

# local sign-ins that last across reloads and tabs (data_access/sign_in_sessions.py): the
# browser holds a random token in a cookie, the store only its SHA-256. A row waits (no
# token_hash) until the browser that signed in, known by the hash of its browser cookie,
# collects its token; it ends by revoked_at (the app's role has no DELETE) or by its limits
sign_in_sessions = Table(
    "sign_in_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), unique=True),
    Column("browser_hash", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("handed_over_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_because", String(40)),
)

# what a committee was shown: a meeting's pack as finalised, both files and what they were built
# from; append-only (the database refuses UPDATE and DELETE): a correction is a new version
meeting_packs = Table(
    "meeting_packs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("as_at", Date, nullable=False),
    # the instant the figures were read: the rebuild reads the history up to it
    Column("built_at", DateTime(timezone=True), nullable=False),
    Column("finalised_by", String(254), nullable=False),
    Column("reason", Text),  # why a correction replaced the version before; none for the first
    Column("options", JSON, nullable=False),  # council, thresholds, disclosure, status lists
    Column("dataset_versions", JSON, nullable=False),
    Column("figures", Text, nullable=False),  # the pack's figures as text, compared on rebuild
    Column("figures_sha256", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("docx", LargeBinary, nullable=False),
    Column("docx_sha256", String(64), nullable=False),
    UniqueConstraint("meeting_id", "version", name="uq_meeting_packs_meeting_version"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(254), nullable=False),
    Column("action", String(40), nullable=False),
    Column("dataset", String(40), nullable=False),
    Column("entity_key", String(400), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Column("reason", Text),
    Index("ix_audit_events_dataset_entity", "dataset", "entity_key", "id"),
)

dataset_versions = Table(
    "dataset_versions",
    metadata,
    Column("dataset", String(40), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

app_settings = Table(
    "app_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)
