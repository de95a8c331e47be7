"""Client Level Data (CLD): DHSC's two waits, reviews completed per month, and the share of
long-term clients reviewed in the last 12 months.

Pure polars over the CLD events frame as the importer stores it, one row per event:

==================  =======  ================================================================
column              type     meaning
==================  =======  ================================================================
person_id           String   LA_Person_Unique_Identifier
client_type         String   "Service User" or "Carer"
age_at_event        Int64    whole years at the event's start date (the date of birth is never
                             stored)
event_type          String   "Request", "Assessment", "Service" or "Review"
event_reference     String   the council's reference for the event
event_start_date    Date
event_end_date      Date     null while a service is open
event_outcome       String   a clean outcome ("NFA - Self-funded", "Admitted to hospital" ...)
service_type        String   "Long term support: Community", "Short term support: ST-Max" ...
review_reason       String   "Planned" or "Unplanned - <reason>"
team                String
==================  =======  ================================================================

DHSC's waiting-time method
--------------------------
DHSC publishes its method as SQL (DataS-DHSC/ASC-CLD-LA-Dashboard,
``Waiting_times/waiting_times_method.sql``, v1.1, 19 May 2026, provisional). This module
follows it stage by stage; where our frame lacks a field DHSC uses, the decision is written
down here and at the code.

1. **Cohort.** Request events of service users starting on or after 1 April 2023, aged 25 or
   over at the request (DHSC: ``Der_Age_Event_Start_Date >= 25``).
2. **Existing clients are dropped** (DHSC stage 1.3c). A request is dropped when the same person
   has a Service that *started strictly before the request day* and is either
   - long-term support (Community, Nursing care, Residential care, Prison) that is still open,
     ends on or after the request, or ended on or after the day 12 months before the request;
   - short-term support of type ST-Max or Other short term that is still open or ended on or
     after the day 3 months before the request ("Ongoing low level" never excludes).

   Two consequences worth knowing. A service starting *on* the request day is not existing
   support: it is the response to the request (otherwise a same-day request and service could
   never be counted). And DHSC looks back 12 months for long-term support, not only at support
   open on the request day; ``long_term_lookback_months=0`` gives "open at the request" alone.
   Months are calendar months, clamped at month end (29 February less 12 months is 28 February),
   as SQL Server's ``DATEADD(MONTH, ...)`` and polars' ``offset_by`` both do; a service that ended
   exactly 3 (or 12) months before is still recent, so the request is dropped.
3. **Outcomes.** Requests whose outcome is no further action (any outcome starting "NFA") or
   "Admitted to hospital" are dropped (DHSC stage 1.4, on its grouped outcome). DHSC's cleaned
   outcome is never empty (unmapped values are kept as "Invalid and not mapped"), so a request
   with no outcome here is kept: only the two named outcomes drop a request.
4. **Events that can answer a request** (stage 1.2 and 2.1): every Assessment, and Services of
   the seven long- and short-term support types (unpaid carer support never answers a request),
   for anyone aged 25 or over at the event, whatever their client type. DHSC also limits
   assessments to the short- and long-term assessment types; the stored frame has no assessment
   type, so every assessment counts.
5. **Order** (stage 2.1). Each person's valid requests and answering events are put in one order:
   by start date, then Request before Assessment before Service on the same day, then by event
   reference (DHSC breaks the remaining ties by import date and record id, which we do not hold).
   "Later" means later in this order, so an assessment or service on the request day follows
   the request (a wait of 0 days), and an assessment on the day of a service precedes it.
6. **Linking** (stage 2.4, 3.2). Each request is linked to the person's first later Assessment and
   first later Service. The *first response* is whichever of the two comes first; the *first
   service* is the first later Service.
7. **No service after an assessment that led nowhere** (stage 2.3b, 3.3). Assessments next to
   each other in the order (no request or service between them) form a block. When the first
   response is an assessment and no assessment in its block has an outcome that progresses to a
   service ("Progress to reablement/ST-Max", "Progress to support planning or services",
   "Continuation of support or services"), the request has no wait to first service: a later
   service answers something else.
8. **One wait per episode** (stage 3.4). A request is dropped when it comes before the previous
   request's follow-up has ended (the previous request's first response or service comes after
   it), or when its first response or first service is one a previous request of the person
   already claimed. So two requests before one assessment give one wait, from the first request.
9. **Waits.** Days from the request's start date to the first response's start date, and to the
   first service's start date.
10. **Reporting** (stage 4). Each wait is reported in the financial-year quarter of the event that
    ends it (the response, or the service), named like "2023/24 Q1" (April to June 2023), and in
    the age band of the person at that event: 25-64 or 65+ (DHSC: ``Der_Working_Age_Band``, its
    "18 to 64" renamed "25 to 64"). The figure is the median in days with the number of waits.

    The median is DHSC's ``PERCENTILE_CONT(0.5)``: the middle wait of an odd number, and halfway
    between the middle two of an even number (waits of 10 and 15 days give 12.5). That is what
    polars' ``median`` does, so it is used as is, giving a float.

Not followed, for want of the field: DHSC's stage 3.1 lets a Release 1 request flagged as a
"conversation 1" that progressed stand as its own first response (``Der_Conversation``); the
stored frame has no conversation flag, so a request is never its own response.

Reviews
-------
A review counts once it is complete, on the month of its end date (CLD records reviews only once
they are complete). "Planned" and "Unplanned - <reason>" are told apart by the reason's first
word; a review with no reason (or another) is counted as "not stated" rather than dropped.

A long-term client at a date has a Service of a long-term support type that started on or before
the date and has not ended before it. They were reviewed in the last 12 months when they have a
Review completed in the 12 months up to and including the date: from the same day 12 months
earlier (a review on 31 March 2024 counts on 31 March 2025: the Care Act duty is a review at
least every 12 months, so that person is due that day, not overdue) to the date itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import polars as pl

REQUEST, ASSESSMENT, SERVICE, REVIEW = "Request", "Assessment", "Service", "Review"
SERVICE_USER = "service user"  # compared in lower case: files spell it "Service User"
COHORT_START = date(2023, 4, 1)  # CLD began in April 2023
MIN_AGE = 25
OLDER_AGE = 65
YOUNGER_BAND, OLDER_BAND = "25-64", "65+"

LONG_TERM = (
    "Long term support: Community",
    "Long term support: Nursing care",
    "Long term support: Residential care",
    "Long term support: Prison",
)
# short-term support that makes a recent client (DHSC leaves out "Ongoing low level")
RECENT_SHORT_TERM = ("Short term support: ST-Max", "Short term support: Other short term")
SHORT_TERM = (*RECENT_SHORT_TERM, "Short term support: Ongoing low level")
# the services that can answer a request: every long- and short-term type, no carer support
ANSWERING_SERVICES = (*LONG_TERM, *SHORT_TERM)
LONG_TERM_LOOKBACK_MONTHS = 12
SHORT_TERM_LOOKBACK_MONTHS = 3

NO_FURTHER_ACTION = "NFA"  # every no-further-action outcome starts with it
ADMITTED_TO_HOSPITAL = "Admitted to hospital"
# an assessment outcome that leads to a service (DHSC stage 2.3a)
PROGRESS_TO_SERVICE = (
    "Progress to reablement/ST-Max",
    "Progress to support planning or services",
    "Continuation of support or services",
)

RESPONSE, FIRST_SERVICE = "Wait to first response", "Wait to first service"
PLANNED, UNPLANNED, NOT_STATED = "planned", "unplanned", "not_stated"
_KINDS = (PLANNED, UNPLANNED, NOT_STATED)

_RANK = {REQUEST: 1, ASSESSMENT: 2, SERVICE: 3}

WAIT_COLUMNS = {
    "person_id": pl.String,
    "request_reference": pl.String,
    "request_date": pl.Date,
    "response_type": pl.String,
    "response_date": pl.Date,
    "response_band": pl.String,
    "response_days": pl.Int64,
    "service_date": pl.Date,
    "service_band": pl.String,
    "service_days": pl.Int64,
}


# helpers ---------------------------------------------------------------------------------------


def _months_before(column: str, months: int) -> pl.Expr:
    """The same day ``months`` calendar months before, clamped at month end."""
    return pl.col(column).dt.offset_by(f"-{months}mo")


def financial_quarter(column: str) -> pl.Expr:
    """The financial-year quarter of a date, named like "2023/24 Q1" (April to June 2023).

    >>> frame = pl.DataFrame({"d": [date(2024, 3, 31), date(2024, 4, 1), date(2024, 7, 1)]})
    >>> frame.select(financial_quarter("d"))["d"].to_list()
    ['2023/24 Q4', '2024/25 Q1', '2024/25 Q2']
    """
    day = pl.col(column)
    first_year = day.dt.year() - (day.dt.month() < 4).cast(pl.Int32)
    quarter = (day.dt.month() + 8) % 12 // 3 + 1
    next_year = ((first_year + 1) % 100).cast(pl.String).str.zfill(2)
    return pl.format("{}/{} Q{}", first_year, next_year, quarter)


def quarter_start(column: str) -> pl.Expr:
    """The first day of the quarter a date is in (financial quarters start with calendar ones)."""
    day = pl.col(column)
    return pl.date(day.dt.year(), (day.dt.month() - 1) // 3 * 3 + 1, 1)


def _band(age: str) -> pl.Expr:
    return (
        pl.when(pl.col(age) >= OLDER_AGE)
        .then(pl.lit(OLDER_BAND))
        .when(pl.col(age) >= MIN_AGE)
        .then(pl.lit(YOUNGER_BAND))
    )


def _is_no_further_action_or_hospital() -> pl.Expr:
    outcome = pl.col("event_outcome")
    stopped = outcome.str.starts_with(NO_FURTHER_ACTION) | (outcome == ADMITTED_TO_HOSPITAL)
    return stopped.fill_null(False)


# DHSC's two waits ------------------------------------------------------------------------------


def cohort_requests(
    events: pl.DataFrame,
    *,
    since: date = COHORT_START,
    long_term_lookback_months: int = LONG_TERM_LOOKBACK_MONTHS,
    short_term_lookback_months: int = SHORT_TERM_LOOKBACK_MONTHS,
) -> pl.DataFrame:
    """The requests whose waits DHSC measures (steps 1 to 3 of the module's method).

    Service users' requests from ``since``, aged 25 or over, from people who were not already
    receiving support, whose outcome is neither no further action nor admission to hospital.
    Keeps the events' columns, in the events' order.
    """
    indexed = events.with_row_index("_row")
    # requests first: the tests of the rest then look at a few per cent of a large file's rows
    requests = indexed.filter(pl.col("event_type") == REQUEST).filter(
        (pl.col("client_type").str.to_lowercase() == SERVICE_USER)
        & (pl.col("event_start_date") >= since)
        & (pl.col("age_at_event") >= MIN_AGE)
    )
    services = indexed.filter(
        (pl.col("event_type") == SERVICE)
        & pl.col("service_type").is_in([*LONG_TERM, *RECENT_SHORT_TERM])
    ).select(
        "person_id",
        pl.col("service_type").is_in(LONG_TERM).alias("_long_term"),
        pl.col("event_start_date").alias("_service_start"),
        pl.col("event_end_date").alias("_service_end"),
    )
    recent_since = (
        pl.when(pl.col("_long_term"))
        .then(_months_before("event_start_date", long_term_lookback_months))
        .otherwise(_months_before("event_start_date", short_term_lookback_months))
    )
    existing = (
        requests.select("_row", "person_id", "event_start_date")
        .join(services, on="person_id")
        .filter(
            (pl.col("_service_start") < pl.col("event_start_date"))
            & (pl.col("_service_end").is_null() | (pl.col("_service_end") >= recent_since))
        )
        .select("_row")
        .unique()
    )
    return (
        requests.join(existing, on="_row", how="anti")
        .filter(~_is_no_further_action_or_hospital())
        .sort("_row")
        .drop("_row")
    )


def _ordered_events(requests: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """The cohort's requests and the events that can answer them, in each person's order."""
    # only the events of people with a counted request: no one else's can answer one, and the
    # order and the blocks are each person's own (a large file's other events are most of it)
    answering = events.filter(
        (
            (pl.col("event_type") == ASSESSMENT)
            | ((pl.col("event_type") == SERVICE) & pl.col("service_type").is_in(ANSWERING_SERVICES))
        )
        & (pl.col("age_at_event") >= MIN_AGE)
    ).join(requests.select("person_id").unique(), on="person_id", how="semi")
    columns = ["person_id", "event_type", "event_reference", "event_start_date"]
    columns += ["age_at_event", "event_outcome"]
    both = pl.concat([requests.select(columns), answering.select(columns)])
    rank = pl.col("event_type").replace_strict(_RANK, return_dtype=pl.Int8)
    ordered = (
        both.with_columns(rank.alias("_rank"))
        .sort(["person_id", "event_start_date", "_rank", "event_reference"], nulls_last=True)
        .with_row_index("order")
    )
    # a block: assessments with no request or service between them (DHSC stage 2.3b)
    is_assessment = pl.col("event_type") == ASSESSMENT
    block = (~is_assessment).cast(pl.Int64).cum_sum().over("person_id")
    progress = is_assessment & pl.col("event_outcome").is_in(PROGRESS_TO_SERVICE).fill_null(False)
    return ordered.with_columns(block.alias("_block")).with_columns(
        progress.any().over("person_id", "_block").alias("_block_progress")
    )


def _next(ordered: pl.DataFrame, requests: pl.DataFrame, event_type: str, prefix: str):
    """Each request joined to the person's first ``event_type`` after it in the order."""
    later = ordered.filter(pl.col("event_type") == event_type).select(
        "person_id",
        pl.col("order").alias(f"{prefix}_order"),
        pl.col("event_start_date").alias(f"{prefix}_date"),
        pl.col("age_at_event").alias(f"{prefix}_age"),
        pl.col("_block_progress").alias(f"{prefix}_progress"),
    )
    return requests.join_asof(
        later,
        left_on="order",
        right_on=f"{prefix}_order",
        by="person_id",
        strategy="forward",
        allow_exact_matches=False,
        check_sortedness=False,  # "order" increases with person_id, the sort the join needs
    )


def request_waits(
    events: pl.DataFrame,
    *,
    since: date = COHORT_START,
    long_term_lookback_months: int = LONG_TERM_LOOKBACK_MONTHS,
    short_term_lookback_months: int = SHORT_TERM_LOOKBACK_MONTHS,
) -> pl.DataFrame:
    """One row per counted request (``WAIT_COLUMNS``): its first response and first service.

    ``response_days`` is null while nothing has answered the request; ``service_days`` is null
    when no service followed (or the first response was an assessment that led to no service).
    Requests dropped at step 8 of the method (one wait per episode) are not listed.
    """
    requests = cohort_requests(
        events,
        since=since,
        long_term_lookback_months=long_term_lookback_months,
        short_term_lookback_months=short_term_lookback_months,
    )
    ordered = _ordered_events(requests, events)
    linked = ordered.filter(pl.col("event_type") == REQUEST).select(
        "person_id",
        "order",
        pl.col("event_reference").alias("request_reference"),
        pl.col("event_start_date").alias("request_date"),
    )
    linked = _next(ordered, linked, ASSESSMENT, "a")
    linked = _next(ordered, linked, SERVICE, "s").sort("order")
    return _episodes(_responses(linked)).select(
        pl.col(name).cast(dtype) for name, dtype in WAIT_COLUMNS.items()
    )


def _responses(linked: pl.DataFrame) -> pl.DataFrame:
    """The first response (assessment or service, whichever is first) and the first service."""
    service_first = pl.col("s_order").is_not_null() & (
        pl.col("a_order").is_null() | (pl.col("s_order") < pl.col("a_order"))
    )
    answered = pl.col("a_order").is_not_null() | pl.col("s_order").is_not_null()
    pick = pl.when(service_first)
    responded = linked.with_columns(
        pick.then(pl.col("s_order")).otherwise(pl.col("a_order")).alias("r_order"),
        pick.then(pl.col("s_date")).otherwise(pl.col("a_date")).alias("response_date"),
        pick.then(pl.col("s_age")).otherwise(pl.col("a_age")).alias("r_age"),
        pl.when(service_first)
        .then(pl.lit(SERVICE))
        .when(answered)
        .then(pl.lit(ASSESSMENT))
        .alias("response_type"),
    )
    # an assessment block that led to no service: the later service answers something else
    led_nowhere = (pl.col("response_type") == ASSESSMENT) & ~pl.col("a_progress")
    keep = pl.when(~led_nowhere.fill_null(False))
    return responded.with_columns(
        keep.then(pl.col("s_order")).alias("s_order"),
        keep.then(pl.col("s_date")).alias("service_date"),
        keep.then(pl.col("s_age")).alias("s_age"),
    )


def _episodes(responded: pl.DataFrame) -> pl.DataFrame:
    """Drop requests inside a previous request's episode (DHSC stage 3.4); work out the waits."""
    previous_end = pl.max_horizontal("r_order", "s_order").shift(1).over("person_id")

    def claimed(column: str) -> pl.Expr:
        earlier = pl.col(column).fill_null(0).cum_max().shift(1, fill_value=0).over("person_id")
        return pl.col(column) <= earlier

    inside = (
        (previous_end > pl.col("order")).fill_null(False)
        | claimed("r_order").fill_null(False)
        | claimed("s_order").fill_null(False)
    )
    days = (pl.col("response_date") - pl.col("request_date")).dt.total_days()
    service_days = (pl.col("service_date") - pl.col("request_date")).dt.total_days()
    return (
        responded.filter(~inside)
        .with_columns(
            days.alias("response_days"),
            _band("r_age").alias("response_band"),
            service_days.alias("service_days"),
            _band("s_age").alias("service_band"),
        )
        .sort("order")
    )


def waits_by_quarter(waits: pl.DataFrame) -> pl.DataFrame:
    """DHSC's median waits from ``request_waits``: per measure, quarter and age band.

    Columns: measure (``RESPONSE`` or ``FIRST_SERVICE``), quarter_start (Date), quarter
    ("2023/24 Q1"), age_band ("25-64" or "65+"), median_days (Float64: the middle wait, or
    halfway between the middle two), waits (how many waits the median is of). A wait belongs to
    the quarter and age band of the event that ends it.
    """
    parts = []
    for measure, days, day, band in (
        (RESPONSE, "response_days", "response_date", "response_band"),
        (FIRST_SERVICE, "service_days", "service_date", "service_band"),
    ):
        parts.append(
            waits.filter(pl.col(days).is_not_null() & pl.col(band).is_not_null()).select(
                pl.lit(measure).alias("measure"),
                quarter_start(day).alias("quarter_start"),
                financial_quarter(day).alias("quarter"),
                pl.col(band).alias("age_band"),
                pl.col(days).alias("days"),
            )
        )
    return (
        pl.concat(parts)
        .group_by("measure", "quarter_start", "quarter", "age_band")
        .agg(
            pl.col("days").median().cast(pl.Float64).alias("median_days"),
            pl.len().cast(pl.Int64).alias("waits"),
        )
        .sort("measure", "quarter_start", "age_band")
    )


def dhsc_waits(events: pl.DataFrame, **options) -> pl.DataFrame:
    """``waits_by_quarter(request_waits(events, **options))``: the figures DHSC publishes."""
    return waits_by_quarter(request_waits(events, **options))


# reviews ---------------------------------------------------------------------------------------


def reviews_per_month(events: pl.DataFrame) -> pl.DataFrame:
    """Reviews completed per month and team: planned, unplanned, reason not stated, total.

    A review counts in the month of its end date (reviews with no end date are not complete).
    Columns: month (Date, the first of the month), team (String, null when not recorded),
    planned, unplanned, not_stated, total (Int64); sorted by month and team.
    """
    reason = pl.col("review_reason").str.strip_chars().str.to_lowercase()
    kind = (
        pl.when(reason.str.starts_with("unplanned"))
        .then(pl.lit(UNPLANNED))
        .when(reason.str.starts_with("planned"))
        .then(pl.lit(PLANNED))
        .otherwise(pl.lit(NOT_STATED))
    )
    counted = (
        events.filter((pl.col("event_type") == REVIEW) & pl.col("event_end_date").is_not_null())
        .select(
            pl.col("event_end_date").dt.month_start().alias("month"),
            "team",
            kind.alias("kind"),
        )
        .group_by("month", "team")
        .agg(
            *((pl.col("kind") == k).sum().cast(pl.Int64).alias(k) for k in _KINDS),
            pl.len().cast(pl.Int64).alias("total"),
        )
    )
    return counted.sort("month", "team", nulls_last=True)


def long_term_clients(events: pl.DataFrame, at: date) -> pl.DataFrame:
    """People with long-term support open at ``at``, with their last review completed by then.

    Columns: person_id, last_review (Date, null if none by ``at``), reviewed (Boolean: a review
    completed in the 12 months up to and including ``at``); sorted by person.
    """
    clients = (
        events.filter(
            (pl.col("event_type") == SERVICE)
            & pl.col("service_type").is_in(LONG_TERM)
            & (pl.col("event_start_date") <= at)
            & (pl.col("event_end_date").is_null() | (pl.col("event_end_date") >= at))
        )
        .select("person_id")
        .unique()
    )
    reviews = (
        events.filter((pl.col("event_type") == REVIEW) & (pl.col("event_end_date") <= at))
        .group_by("person_id")
        .agg(pl.col("event_end_date").max().alias("last_review"))
    )
    since = pl.lit(at).dt.offset_by(f"-{LONG_TERM_LOOKBACK_MONTHS}mo")
    return (
        clients.join(reviews, on="person_id", how="left")
        .with_columns((pl.col("last_review") >= since).fill_null(False).alias("reviewed"))
        .sort("person_id")
    )


@dataclass(frozen=True)
class ReviewCoverage:
    """Long-term clients at a date and how many were reviewed in the 12 months up to it."""

    at: date
    clients: int
    reviewed: int

    @property
    def share(self) -> Fraction | None:
        """Reviewed over clients, exactly; None when there are no long-term clients."""
        return Fraction(self.reviewed, self.clients) if self.clients else None


def review_coverage(events: pl.DataFrame, at: date) -> ReviewCoverage:
    """The share of long-term clients at ``at`` with a review completed in the 12 months to it."""
    clients = long_term_clients(events, at)
    return ReviewCoverage(at=at, clients=clients.height, reviewed=int(clients["reviewed"].sum()))
