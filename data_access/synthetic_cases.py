"""A synthetic but realistic council's case-level history, for the demo and the benchmarks.

Nobody in it is real. Every person id starts ``SYN-``; every CLD event's description starts
"SYNTHETIC"; the census rows' ``source`` says they were generated; NHS numbers start with 999 (the
range NHS England keeps for testing) *and* carry a wrong check digit, so they fail the NHS check;
postcodes are in the ``XX`` area, which Royal Mail does not use; GP practice codes start ``SYNGP``
and provider locations ``SYN-LOC``; dates of birth are drawn at random.

The council (``generate``): ``people`` people with long-term support at the extract date
(30 November 2023, the date of the demo's published backlog figures), about 65% aged 65 or over,
in 15 teams (the demo's three among them), in community, residential and nursing settings, with
risk factors at plausible rates; people whose support ended in the three years before (died,
moved, NHS-funded); people who asked for help and were given advice, reablement or short-term
support; carers; and people waiting at the extract date. Three years of CLD events
(1 December 2020 to 30 November 2023) come from the same people: the request, assessment and
reablement that led to each new package, service rows split at each price uplift and change,
annual and unplanned reviews.

The census extract reproduces the demo's published November 2023 figures exactly, by
construction: ``OVERDUE_REVIEWS`` (460) people overdue a review by the Care Act clock
(``dashboard.domain.review_clock``: 12 months after the last review, or 8 weeks after support
started when there has been none) and ``OT_WAITING`` (692) waiting for an occupational-therapy
assessment. Everyone else with support was reviewed in the 12 months to the extract date, or
started support less than 8 weeks before it. The census's last review is the person's last
CLD review, so the two files agree.

Generation is vectorised (numpy draws, polars frames) and deterministic for a seed: the same
``people`` and ``seed`` give the same rows. About 40 CLD rows per person with support: 25,000
people give about 1M rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from data_access.datasets import age_at

EXTRACT_DATE = date(2023, 11, 30)
WINDOW_START = date(2020, 12, 1)  # three years of CLD events up to the extract date
OVERDUE_REVIEWS = 460  # the demo's published "waiting for a review", November 2023
OT_WAITING = 692  # the demo's published "waiting for an OT assessment", November 2023
DEFAULT_PEOPLE = 25_000
DEFAULT_SEED = 20231130
MIN_PEOPLE = 1_000  # fewer could not hold 460 overdue reviews among realistic others
# said on members' pages beside every figure from it: words, no file or module name
SOURCE = "Synthetic demo council, generated people, not real"
LA_CODE = "E99999999"  # not an ONS code any council has

TEAMS = (
    "North locality",
    "South locality",
    "Central reviewing team",
    "East locality",
    "West locality",
    "City centre locality",
    "Hospital discharge team",
    "Learning disability team",
    "Mental health team",
    "Transitions team",
    "Occupational therapy team",
    "Sensory support team",
    "Reablement team",
    "Complex care team",
    "Carers and community team",
)
_TEAM_WEIGHTS = np.array([12, 11, 9, 10, 9, 8, 7, 7, 6, 3, 4, 2, 5, 5, 2], dtype=float)

# (census wording, CLD wording); weights for 18-64 and for 65+
_REASONS = (
    ("Physical support", "Physical Support: Personal care support"),
    ("Physical support", "Physical Support: Access & mobility only"),
    ("Support with memory and cognition", "Support with Memory & Cognition"),
    ("Learning disability support", "Learning Disability Support"),
    ("Mental health support", "Mental Health Support"),
    ("Sensory support", "Sensory Support: Support for visual impairment"),
    ("Social support", "Social Support: Substance misuse support"),
)
_REASON_WEIGHTS = {
    False: np.array([16, 6, 2, 42, 24, 4, 6], dtype=float),
    True: np.array([50, 13, 22, 2, 6, 4, 3], dtype=float),
}
SETTINGS = ("Community", "Residential care", "Nursing care")
_SETTING_WEIGHTS = {False: np.array([83, 14, 3.0]), True: np.array([66, 22, 12.0])}
_LONG_TERM = {
    "Community": "Long term support: Community",
    "Residential care": "Long term support: Residential care",
    "Nursing care": "Long term support: Nursing care",
}
# (component, delivery mechanism, unit cost in pounds at 2020/21 prices, frequency, units)
_COMMUNITY_COMPONENTS = (
    ("Home care", "CASSR Managed Personal Budget", 19.80, "Hourly", 9.0),
    ("Day care", "CASSR Managed Personal Budget", 48.00, "Daily", 2.0),
    ("Direct payment", "Direct Payment", 16.50, "Hourly", 12.0),
    ("Supported living", "CASSR Managed Personal Budget", 18.20, "Hourly", 30.0),
    ("Equipment & adaptations", "CASSR Commissioned Support", 35.00, "Weekly", 1.0),
)
_CARE_HOME = {
    "Residential care": ("Residential care", "CASSR Managed Personal Budget", 640.0, "Weekly"),
    "Nursing care": ("Nursing care", "CASSR Managed Personal Budget", 790.0, "Weekly"),
}
_UPLIFT = 1.05  # each April's fee uplift
_APRILS = (date(2021, 4, 1), date(2022, 4, 1), date(2023, 4, 1))

TO_ASSESSMENT = "Progress to assessment, review or reassessment"
TO_SERVICES = "Progress to support planning or services"
TO_REABLEMENT = "Progress to reablement/ST-Max"
CONTINUATION = "Continuation of support or services"
_ENDINGS = (
    ("NFA - Deceased", 0.58),
    ("NFA - Moved to another LA", 0.12),
    ("NFA - NHS funded care", 0.14),
    ("NFA - Self-funded client (inc. 12wk disregard)", 0.10),
    ("NFA - Support declined", 0.06),
)
_FIRST_CONTACT = (  # a new person's request, and what follows it
    ("NFA - Information & Advice / Signposting only", 0.40),
    ("NFA - Support declined", 0.05),
    ("NFA - Self-funded client (inc. 12wk disregard)", 0.04),
    ("Admitted to hospital", 0.02),
    (TO_REABLEMENT, 0.17),
    (TO_ASSESSMENT, 0.32),
)
_ROUTES = (
    ("Community / Other route", 0.62),
    ("Discharge from hospital", 0.24),
    ("Diversion from hospital services", 0.07),
    ("Self-funder with depleted funds", 0.03),
    ("Planned entry (transition)", 0.03),
    ("Prison", 0.01),
)
_UNPLANNED = (
    "Unplanned - Hospital",
    "Unplanned - Carer related",
    "Unplanned - Safeguarding",
    "Unplanned - Provider failure",
    "Unplanned - Other",
)
_ETHNICITIES = (
    ("White: English/Welsh/Scottish/Northern Irish/British", 0.74),
    ("White: Any other White background", 0.05),
    ("Asian / Asian British: Pakistani", 0.05),
    ("Asian / Asian British: Indian", 0.04),
    ("Black / African / Caribbean / Black British: Caribbean", 0.04),
    ("Black / African / Caribbean / Black British: African", 0.03),
    ("Mixed / Multiple ethnic groups: Any other", 0.02),
    ("Other ethnic group: Any other ethnic group", 0.01),
    ("Refused", 0.01),
    ("Undeclared / Not known", 0.01),
)

# the columns of a CLD file in DHSC's Release 2 layout, in order; ``Team`` is the council's
# own addition (DHSC's layout has no team; reviews per month are counted by it)
CLD_COLUMNS = (
    "LA_Code",
    "Reporting_Period_Start_Date",
    "Reporting_Period_End_Date",
    "NHS_Number",
    "LA_Person_Unique_Identifier",
    "GP_Practice_Code",
    "Gender",
    "Ethnicity",
    "Date_of_Birth",
    "Date_of_Death",
    "Client_Type",
    "Primary_Support_Reason",
    "Postcode",
    "Accommodation_Status",
    "Employment_Status",
    "Has_Unpaid_Carer",
    "Autism_Spectrum_Disorder_ASD",
    "Visual_Impairment",
    "Hearing_Impairment",
    "Dementia",
    "Client_Funding_Status",
    "Total_Hrs_Caring_per_week",
    "No_of_adults_being_cared_for",
    "Adult_1_Linked_Person_ID",
    "Adult_2_Linked_Person_ID",
    "Adult_3_Linked_Person_ID",
    "Event_Type",
    "Event_Reference",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Description",
    "Event_Outcome",
    "Request_Route_of_Access",
    "Assessment_Type",
    "Eligible_Needs_Identified",
    "Method_of_Assessment",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
    "Provider_CQC_Location_ID",
    "Unit_Cost",
    "Cost_Frequency_Unit_Type",
    "Planned_units_per_week",
    "Review_Reason",
    "Review_Outcomes_Achieved",
    "Method_of_Review",
    "Team",
)

_EPOCH = date(1970, 1, 1)


def _day(value: date) -> int:
    return (value - _EPOCH).days


EXTRACT = _day(EXTRACT_DATE)
START = _day(WINDOW_START)
YEAR = 365


@dataclass(frozen=True)
class SyntheticCouncil:
    """The generated council: ``census`` in the ``cases`` template's columns (one row per
    person at ``EXTRACT_DATE``) and ``cld``, its CLD events in ``CLD_COLUMNS`` (dates as Date),
    empty when generated without events."""

    census: pl.DataFrame
    cld: pl.DataFrame


def generate(
    people: int = DEFAULT_PEOPLE, *, seed: int = DEFAULT_SEED, events: bool = True
) -> SyntheticCouncil:
    """The synthetic council with ``people`` people with long-term support at the extract date.

    ``events=False`` skips the CLD events (the census alone is quick at any size).

    >>> council = generate(1_000, seed=1, events=False)
    >>> council.census["person_id"].str.starts_with("SYN-").all()
    True
    """
    if people < MIN_PEOPLE:
        raise ValueError(f"people must be at least {MIN_PEOPLE}, not {people}")
    rng = np.random.default_rng(seed)
    supported = _supported(rng, people)
    ended = _ended(rng, round(0.3 * people))
    waiting = _waiting(rng, people, supported)
    contacts = _contacts(rng, round(6.5 * people)) if events else None
    groups = [g for g in (supported, ended, waiting, contacts) if g is not None]
    offset = 0
    for group in groups:
        height = group.people.height
        group.people = group.people.with_columns(
            pl.int_range(offset, offset + height, dtype=pl.Int64).alias("index")
        )
        offset += height
    persons = _identities(rng, pl.concat([g.people for g in groups], how="diagonal"))
    census = _census(persons)
    if not events:
        return SyntheticCouncil(census, pl.DataFrame(schema=dict.fromkeys(CLD_COLUMNS)))
    frames = [frame for g in groups for frame in g.events(rng)]
    return SyntheticCouncil(census, _cld(rng, persons, frames))


# people ----------------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, options, n: int) -> np.ndarray:
    """``n`` draws from (value, weight) pairs, as an array of values."""
    values = np.array([v for v, _ in options], dtype=object)
    weights = np.array([w for _, w in options], dtype=float)
    return values[rng.choice(len(values), size=n, p=weights / weights.sum())]


def _ages(rng: np.random.Generator, older: np.ndarray) -> np.ndarray:
    """Whole years at the extract date: 65+ peaking in the early eighties, 18-64 spread."""
    old = 65 + np.minimum(rng.gamma(2.4, 7.0, older.size), 39)
    young = 18 + rng.beta(1.5, 1.3, older.size) * 46.99
    return np.where(older, old, young).astype(np.int64)


def _base(rng: np.random.Generator, n: int, group: str, older_share: float) -> dict:
    """What every person has: group, age band, age, reason, team, setting."""
    older = rng.random(n) < older_share
    reason = np.where(
        older,
        rng.choice(len(_REASONS), n, p=_REASON_WEIGHTS[True] / _REASON_WEIGHTS[True].sum()),
        rng.choice(len(_REASONS), n, p=_REASON_WEIGHTS[False] / _REASON_WEIGHTS[False].sum()),
    )
    setting = np.where(
        older,
        rng.choice(3, n, p=_SETTING_WEIGHTS[True] / _SETTING_WEIGHTS[True].sum()),
        rng.choice(3, n, p=_SETTING_WEIGHTS[False] / _SETTING_WEIGHTS[False].sum()),
    )
    return {
        "group": np.full(n, group, dtype=object),
        "older": older,
        "age": _ages(rng, older),
        "reason": reason,
        "team": _teams(rng, reason),
        "setting": setting,
    }


def _teams(rng: np.random.Generator, reason: np.ndarray) -> np.ndarray:
    """Most people with a learning disability or a mental illness are with the specialist team;
    everyone else with a locality or other team."""
    general = _TEAM_WEIGHTS.copy()
    general[[TEAMS.index("Learning disability team"), TEAMS.index("Mental health team")]] = 0
    team = rng.choice(len(TEAMS), reason.size, p=general / general.sum())
    specialist = rng.random(reason.size) < 0.7
    for label, name in (
        ("Learning Disability Support", "Learning disability team"),
        ("Mental Health Support", "Mental health team"),
    ):
        which = [i for i, r in enumerate(_REASONS) if r[1] == label]
        team = np.where(np.isin(reason, which) & specialist, TEAMS.index(name), team)
    return team


@dataclass
class _Group:
    """One kind of person: their rows (``people``) and how their CLD events are made."""

    people: pl.DataFrame
    make: object  # (rng, people) -> list of event frames

    def events(self, rng: np.random.Generator) -> list[pl.DataFrame]:
        return self.make(rng, self.people)


def _durations(rng: np.random.Generator, older: np.ndarray) -> np.ndarray:
    """Days of long-term support so far: older people's packages are shorter."""
    mean = np.where(older, 2.6 * YEAR, 6.5 * YEAR)
    return np.minimum(rng.exponential(mean), 25 * YEAR).astype(np.int64)


def _supported(rng: np.random.Generator, n: int) -> _Group:
    """People with long-term support at the extract date; exactly ``OVERDUE_REVIEWS`` of them
    overdue a review, the rest reviewed in the last 12 months or started within 8 weeks."""
    base = _base(rng, n, "supported", 0.65)
    start = EXTRACT - 1 - _durations(rng, base["older"])
    older_plan = np.flatnonzero(start < EXTRACT - 56)
    overdue = np.zeros(n, dtype=bool)
    overdue[rng.choice(older_plan, OVERDUE_REVIEWS, replace=False)] = True
    # days overdue: a realistic spread over the ageing bands (40% up to 3 months ...)
    band = rng.choice(4, n, p=[0.40, 0.27, 0.20, 0.13])
    low, high = np.array([1, 93, 185, 367]), np.array([92, 184, 366, 900])
    late = rng.integers(low[band], high[band] + 1)
    never_reviewed = overdue & (rng.random(n) < 0.1)
    # a first review 8 weeks after the start, ``late`` days ago
    start = np.where(never_reviewed, EXTRACT - 56 - np.minimum(late, 300), start)
    # a periodic review due 12 months after it (2022 to 2023 has no 29 February)
    periodic = overdue & ~never_reviewed
    last = np.where(periodic, EXTRACT - YEAR - late, -1)
    start = np.where(periodic & (start >= last - 60), last - 61 - rng.integers(0, 700, n), start)
    # everyone else: reviewed in the 12 months to the extract date, after their start
    recent = ~overdue & (start < EXTRACT - 56)
    earliest = np.maximum(start + 1, EXTRACT - YEAR + 1)
    drawn = earliest + (rng.random(n) * (EXTRACT - earliest)).astype(np.int64)
    last = np.where(recent, drawn, last)
    reviewed = last >= 0
    community = base["setting"] == 0
    flags = _risk_flags(rng, n, community, base["older"], overdue)
    # no contact for over a year goes with an overdue review (Leicester's factor)
    stale = overdue & (rng.random(n) < 0.55)
    since = np.where(reviewed, last, start)
    contact = np.where(
        stale,
        np.minimum(since + rng.integers(0, 60, n), EXTRACT - YEAR - 1),
        np.maximum(since, EXTRACT - YEAR) + (rng.random(n) * 300).astype(np.int64),
    )
    people = pl.DataFrame(
        {
            **base,
            "support_start": start,
            "last_review": np.where(reviewed, last, -1),
            "council_date": rng.random(n) < 0.85,
            "last_contact": np.minimum(np.maximum(contact, since), EXTRACT),
            **flags,
        }
    ).with_columns(pl.when(pl.col("last_review") >= 0).then(pl.col("last_review")).name.keep())
    return _Group(people, _supported_events)


def _risk_flags(rng, n, community, older, overdue) -> dict[str, np.ndarray]:
    draw = rng.random((4, n))
    return {
        "safeguarding_open": draw[0] < np.where(overdue, 0.06, 0.035),
        "provider_concern": draw[1] < np.where(community, 0.015, 0.08),
        "lives_alone": community & (draw[2] < np.where(older, 0.48, 0.30)),
        "has_unpaid_carer": draw[3] < np.where(community, 0.42, 0.08),
    }


def _ended(rng: np.random.Generator, n: int) -> _Group:
    """People whose long-term support ended in the three years (not in the census)."""
    base = _base(rng, n, "ended", 0.78)
    end = START + (rng.random(n) * (EXTRACT - START - 1)).astype(np.int64)
    start = end - 30 - _durations(rng, base["older"])
    ending = _pick(rng, _ENDINGS, n)
    people = pl.DataFrame({**base, "support_start": start, "support_end": end, "ending": ending})
    return _Group(people, _ended_events)


def _waiting(rng: np.random.Generator, people: int, supported: _Group) -> _Group:
    """People waiting at the extract date who have no support yet: for a first assessment,
    for a service after one, for an OT assessment; and OT waits of people with support
    (added to ``supported``), ``OT_WAITING`` in all."""
    assessment, service = round(0.035 * people), round(0.012 * people)
    existing_ot = round(0.3 * OT_WAITING)
    new_ot = OT_WAITING - existing_ot
    n = assessment + service + new_ot
    kind = np.repeat(
        np.array(["assessment", "service", "ot"], dtype=object), [assessment, service, new_ot]
    )
    # waits in days: a first assessment's about 15% over six months
    mean = np.select([kind == "assessment", kind == "service"], [95, 40], default=120)
    wait = np.minimum(rng.exponential(mean), 700).astype(np.int64)
    base = _base(rng, n, "waiting", 0.7)
    people_rows = pl.DataFrame({**base, "wait_kind": kind, "waiting_since": EXTRACT - wait})
    chosen = rng.choice(supported.people.height, existing_ot, replace=False)
    ot_wait = np.minimum(rng.exponential(120, existing_ot), 700).astype(np.int64)
    ot_since = np.full(supported.people.height, -1)
    ot_since[chosen] = EXTRACT - ot_wait
    since = pl.Series("waiting_ot_since", ot_since)
    supported.people = supported.people.with_columns(
        pl.when(since >= 0).then(since).alias(since.name)
    )
    return _Group(people_rows, _waiting_events)


def _contacts(rng: np.random.Generator, n: int) -> _Group:
    """People who asked for help in the three years and have no support now: advice,
    reablement, short-term support, carers' support."""
    base = _base(rng, n, "contact", 0.68)
    carer = rng.random(n) < 0.07
    people = pl.DataFrame({**base, "carer": carer})
    return _Group(people, _contact_events)


def _identities(rng: np.random.Generator, people: pl.DataFrame) -> pl.DataFrame:
    """Ids, synthetic identifiers and what CLD says about each person."""
    n = people.height
    numbers = rng.permutation(n) + 1
    width = max(7, len(str(n)))
    born = EXTRACT - people["age"].to_numpy() * YEAR - rng.integers(0, YEAR, n) - 1
    is_carer = people["carer"].fill_null(False) if "carer" in people.columns else False
    return people.with_columns(
        pl.Series("number", numbers),
        (pl.lit("SYN-") + pl.Series(numbers).cast(pl.String).str.zfill(width)).alias("person_id"),
        pl.Series("nhs_number", _failing_nhs_numbers(rng, n)),
        pl.Series("dob", born).cast(pl.Int32).cast(pl.Date),
        pl.Series("gender", _pick(rng, (("Female", 0.58), ("Male", 0.41), ("Other", 0.01)), n)),
        pl.Series("ethnicity", _pick(rng, _ETHNICITIES, n)),
        pl.format(
            "XX{} {}{}{}",
            pl.Series(rng.integers(1, 21, n)),
            pl.Series(rng.integers(0, 10, n)),
            pl.Series(_letters(rng, n)),
            pl.Series(_letters(rng, n)),
        ).alias("postcode"),
        pl.format("SYNGP{}", pl.Series(rng.integers(1, 60, n)).cast(pl.String).str.zfill(3)).alias(
            "gp_practice"
        ),
        pl.when(pl.Series(is_carer) if not isinstance(is_carer, bool) else pl.lit(False))
        .then(pl.lit("Carer"))
        .otherwise(pl.lit("Service User"))
        .alias("client_type"),
    )


def _letters(rng: np.random.Generator, n: int) -> np.ndarray:
    alphabet = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)  # as postcodes' inward part
    return alphabet[rng.integers(0, alphabet.size, n)]


def _failing_nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ten digits starting 999 (NHS England's test range) whose last digit is NOT the modulus 11
    check digit of the other nine, so no check accepts them as NHS numbers."""
    digits = np.concatenate(
        [np.full((n, 3), 9), rng.integers(0, 10, (n, 6))], axis=1
    )  # nine digits
    total = (digits * np.arange(10, 1, -1)).sum(axis=1)
    check = (11 - total % 11) % 11  # 10 means no valid number has these nine digits
    wrong = (check + rng.integers(1, 10, n)) % 10
    wrong = np.where(check == 10, rng.integers(0, 10, n), wrong)
    full = np.concatenate([digits, wrong[:, None]], axis=1)
    return (full * (10 ** np.arange(9, -1, -1))).sum(axis=1).astype(np.int64).astype(str)


# census ----------------------------------------------------------------------------------------


def _date(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Int32).cast(pl.Date)


def _census(persons: pl.DataFrame) -> pl.DataFrame:
    """The extract in the ``cases`` template's columns: the supported and the waiting."""
    kind = pl.col("wait_kind")
    frame = persons.filter(pl.col("group").is_in(["supported", "waiting"]))
    support = pl.col("group") == "supported"
    dob = pl.col("dob")
    birthday_to_come = (
        dob.dt.month().cast(pl.Int32) * 100 + dob.dt.day()
        > EXTRACT_DATE.month * 100 + EXTRACT_DATE.day
    )
    age = EXTRACT_DATE.year - dob.dt.year() - birthday_to_come.cast(pl.Int32)
    last_review = _date("last_review")
    statutory = (
        pl.when(last_review.is_null())
        .then(_date("support_start") + pl.duration(weeks=8))
        .otherwise(last_review.dt.offset_by("12mo"))
    )
    census = frame.select(
        pl.lit(EXTRACT_DATE).alias("extract_date"),
        "person_id",
        pl.col("team").replace_strict(dict(enumerate(TEAMS)), return_dtype=pl.String),
        pl.when(age >= 65).then(pl.lit("65+")).otherwise(pl.lit("18-64")).alias("age_band"),
        pl.col("reason")
        .replace_strict({i: r[0] for i, r in enumerate(_REASONS)}, return_dtype=pl.String)
        .alias("primary_support_reason"),
        pl.when(support)
        .then(pl.col("setting").replace_strict(dict(enumerate(SETTINGS)), return_dtype=pl.String))
        .alias("setting"),
        pl.when(support).then(_date("support_start")).alias("support_start"),
        last_review.alias("last_review"),
        pl.when(support & pl.col("council_date")).then(statutory).alias("next_review_due"),
        pl.when(kind == "assessment")
        .then(_date("waiting_since"))
        .alias("waiting_assessment_since"),
        pl.when(kind == "ot")
        .then(_date("waiting_since"))
        .otherwise(_date("waiting_ot_since"))
        .alias("waiting_ot_since"),
        pl.when(kind == "service").then(_date("waiting_since")).alias("waiting_service_since"),
        *(
            pl.col(flag).fill_null(False)
            for flag in ("safeguarding_open", "provider_concern", "lives_alone", "has_unpaid_carer")
        ),
        pl.coalesce(_date("last_contact"), _date("waiting_since")).alias("last_contact"),
        pl.lit(SOURCE).alias("source"),
        pl.lit("system extract").alias("source_kind"),
        pl.lit(EXTRACT_DATE).alias("as_at"),
        pl.lit("illustrative").alias("basis"),
    )
    return census.sort("person_id")


# events ----------------------------------------------------------------------------------------
# Each builder returns frames of (index: the person, event_type, start, end: days since 1970,
# and the event's own fields); ``_cld`` joins the person and writes DHSC's columns.


def _events(kind: str, index, start, end=None, **fields) -> pl.DataFrame:
    """Events of one type; ``end`` -1 (or None for all) for an open service."""
    index = np.asarray(index, dtype=np.int64)
    start = np.asarray(start, dtype=np.int64)
    end = start if end is None else np.asarray(end, dtype=np.int64)
    columns = [
        pl.Series("index", index),
        pl.Series("event_type", [kind] * index.size, dtype=pl.String),
        pl.Series("start", start),
        pl.Series("end", end),
    ]
    for name, value in fields.items():
        if not isinstance(value, np.ndarray) or value.ndim == 0:
            value = np.full(index.size, value, dtype=object if value is None else None)
        # object arrays hold text with None for missing: polars reads them from a list
        columns.append(pl.Series(name, value.tolist() if value.dtype == object else value))
    frame = pl.DataFrame(columns)
    return frame.with_columns(pl.when(pl.col("end") >= 0).then(pl.col("end")).name.keep())


def _wait(rng, n: int, median: float, sigma: float = 0.8, cap: int = 250) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median), sigma, n), 0, cap).astype(np.int64)


def _request(rng, index, day, outcome) -> pl.DataFrame:
    return _events(
        "Request",
        index,
        day,
        outcome=outcome,
        route=_pick(rng, _ROUTES, np.size(index)),
        description="SYNTHETIC - request for support",
    )


def _assessment(rng, index, start, outcome, kind="Long Term Support") -> pl.DataFrame:
    n = np.size(index)
    outcome = np.broadcast_to(np.asarray(outcome, dtype=object), (n,))
    end = np.minimum(np.asarray(start) + rng.integers(0, 15, n), EXTRACT)
    return _events(
        "Assessment",
        index,
        start,
        end,
        outcome=outcome,
        assessment_type=kind,
        eligible=np.where(np.isin(outcome, [TO_SERVICES, TO_REABLEMENT]), "Yes", "No"),
        method=_pick(rng, (("Face to face", 0.7), ("Telephone", 0.25), ("Video", 0.05)), n),
        description="SYNTHETIC - assessment",
    )


def _short_term(rng, index, start, days, kind, outcome) -> pl.DataFrame:
    """Short-term services, open (no end) when they run past the extract date."""
    start = np.asarray(start)
    end = start + days
    n = start.size
    return _events(
        "Service",
        index,
        start,
        np.where(end > EXTRACT, -1, end),
        outcome=np.where(end > EXTRACT, None, outcome),
        service_type=kind,
        component="Reablement" if kind.endswith("ST-Max") else "Home care",
        delivery="CASSR Commissioned Support",
        unit_cost=np.round(rng.uniform(21, 27, n), 2),
        frequency="Hourly",
        units=np.round(rng.uniform(3, 14, n), 1),
        description="SYNTHETIC - short term support",
    )


def _new_package(rng, index, start, older) -> list[pl.DataFrame]:
    """The request, assessment and (for some) reablement before a package starting in the
    window: DHSC's waits are measured on these."""
    keep = start >= START + 150
    index, start, older = index[keep], start[keep], older[keep]
    n = index.size
    stmax = rng.random(n) < np.where(older, 0.4, 0.1)
    st_start = start - 1 - rng.integers(35, 57, n)
    assess = np.where(stmax, st_start - rng.integers(0, 11, n), start - _wait(rng, n, 30, 0.7))
    request = assess - _wait(rng, n, 18, 0.9)
    ok = request >= START
    frames = [
        _request(rng, index[ok], request[ok], TO_ASSESSMENT),
        _assessment(rng, index[ok], assess[ok], np.where(stmax[ok], TO_REABLEMENT, TO_SERVICES)),
    ]
    st = ok & stmax
    days = start[st] - 1 - st_start[st]
    frames.append(
        _short_term(rng, index[st], st_start[st], days, "Short term support: ST-Max", TO_SERVICES)
    )
    return frames


def _components(rng, people: pl.DataFrame, end) -> pl.DataFrame:
    """One row per service component of each person's long-term support."""
    n = people.height
    setting = people["setting"].to_numpy()
    start = people["support_start"].to_numpy()
    count = np.where(setting == 0, 1 + rng.binomial(3, 0.35, n), 1)
    owner = np.repeat(np.arange(n), count)
    first = np.r_[True, owner[1:] != owner[:-1]]
    span = np.maximum((np.where(end < 0, EXTRACT, end) - start)[owner], 1)
    # later components were added to a package after it started
    added = np.where(first, 0, (rng.random(owner.size) * span * 0.7).astype(np.int64))
    choice = rng.choice(len(_COMMUNITY_COMPONENTS), owner.size, p=[0.45, 0.15, 0.2, 0.1, 0.1])
    return pl.DataFrame(
        {
            "component_id": np.arange(owner.size),
            "owner": owner,
            "index": people["index"].to_numpy()[owner],
            "setting": setting[owner],
            "choice": choice,
            "cs": start[owner] + added,
            "ce": end[owner],
            "scale": rng.lognormal(0, 0.3, owner.size),
            "provider": rng.integers(1, 400, owner.size),
        }
    )


def _segments(rng, comps: pl.DataFrame) -> pl.DataFrame:
    """Each component split at every April's uplift and at its changes within the window."""
    last = pl.when(pl.col("ce") < 0).then(EXTRACT + 1).otherwise(pl.col("ce"))
    comps = comps.with_columns(pl.max_horizontal("cs", pl.lit(START)).alias("w0"), last.alias("w1"))
    years = np.maximum((comps["w1"] - comps["w0"]).to_numpy(), 0) / YEAR
    rate = np.where(comps["setting"].to_numpy() == 0, 4.0, 0.5)
    changes = rng.poisson(rate * years)
    which = np.repeat(np.arange(comps.height), changes)
    w0, w1 = comps["w0"].to_numpy()[which], comps["w1"].to_numpy()[which]
    points = [
        pl.DataFrame(
            {"component_id": which, "day": w0 + 1 + (rng.random(which.size) * (w1 - w0 - 1))}
        ),
        comps.select("component_id", pl.col("cs").alias("day")),
    ]
    for april in _APRILS:
        points.append(
            comps.filter((pl.col("w0") < _day(april)) & (_day(april) < pl.col("w1"))).select(
                "component_id", pl.lit(_day(april)).alias("day")
            )
        )
    cuts = pl.concat([p.with_columns(pl.col("day").cast(pl.Int64)) for p in points])
    cuts = cuts.unique().sort("component_id", "day")
    following = pl.col("day").shift(-1).over("component_id")
    return cuts.join(comps, on="component_id").with_columns(
        pl.col("day").alias("start"),
        pl.when(following.is_null())
        .then(pl.when(pl.col("ce") < 0).then(None).otherwise(pl.col("ce")))
        .otherwise(following - 1)
        .alias("end"),
        following.is_null().alias("final"),
    )


def _long_term(rng, people: pl.DataFrame, end, ending) -> pl.DataFrame:
    """Long-term service rows: ``end`` -1 for open support; ``ending`` the final outcome."""
    seg = _segments(rng, _components(rng, people, end))
    n = seg.height
    setting = seg["setting"].to_numpy()
    community = setting == 0
    choice = seg["choice"].to_numpy()
    comp = np.array([c[0] for c in _COMMUNITY_COMPONENTS], dtype=object)
    delivery = np.array([c[1] for c in _COMMUNITY_COMPONENTS], dtype=object)
    cost = np.array([c[2] for c in _COMMUNITY_COMPONENTS])
    freq = np.array([c[3] for c in _COMMUNITY_COMPONENTS], dtype=object)
    units = np.array([c[4] for c in _COMMUNITY_COMPONENTS])
    care = {1: _CARE_HOME["Residential care"], 2: _CARE_HOME["Nursing care"]}
    start = seg["start"].to_numpy()
    uplifts = sum((start >= _day(a)).astype(int) for a in _APRILS)
    base_cost = np.where(community, cost[choice], np.where(setting == 1, care[1][2], care[2][2]))
    scale = seg["scale"].to_numpy()
    unit_cost = np.round(base_cost * _UPLIFT**uplifts * np.where(community, 1, scale), 2)
    planned = np.where(
        community, np.round(units[choice] * scale * rng.uniform(0.85, 1.15, n), 1), 1.0
    )
    final = seg["final"].to_numpy()
    closed = ~seg["end"].is_null().to_numpy()
    owner_ending = ending[seg["owner"].to_numpy()] if ending is not None else None
    outcome = np.where(closed & ~final, CONTINUATION, None)
    if owner_ending is not None:
        outcome = np.where(closed & final, owner_ending, outcome)
    return _events(
        "Service",
        seg["index"].to_numpy(),
        start,
        seg["end"].fill_null(-1).to_numpy(),
        outcome=outcome,
        service_type=np.array([_LONG_TERM[s] for s in SETTINGS], dtype=object)[setting],
        component=np.where(community, comp[choice], np.where(setting == 1, care[1][0], care[2][0])),
        delivery=np.where(community, delivery[choice], care[1][1]),
        unit_cost=unit_cost,
        frequency=np.where(community, freq[choice], "Weekly"),
        units=planned,
        provider=seg["provider"].to_numpy(),
        description="SYNTHETIC - long term support",
    )


def _review_frame(rng, index, day, planned) -> pl.DataFrame:
    n = np.size(index)
    reason = np.where(planned, "Planned", _UNPLANNED[0])
    unplanned = rng.choice(len(_UNPLANNED), n, p=[0.4, 0.2, 0.15, 0.05, 0.2])
    reason = np.where(planned, reason, np.array(_UNPLANNED, dtype=object)[unplanned])
    return _events(
        "Review",
        index,
        np.asarray(day) - rng.integers(0, 22, n),
        day,
        outcome=_pick(rng, ((CONTINUATION, 0.82), (TO_SERVICES, 0.18)), n),
        review_reason=reason,
        review_outcome=_pick(
            rng, (("Fully achieved", 0.55), ("Partially achieved", 0.35), ("Not achieved", 0.1)), n
        ),
        review_method=_pick(rng, (("Face to face", 0.6), ("Telephone", 0.3), ("Video", 0.1)), n),
        description="SYNTHETIC - review",
    )


def _reviews(rng, index, start, latest, until) -> pl.DataFrame:
    """The last review ``latest`` (-1: none), the yearly ones before it inside the window and
    after the start, and unplanned ones between the start and ``until``."""
    n = index.size
    has = latest >= 0
    days, who, planned = [], [], []
    for k in range(4):
        day = latest - k * YEAR + (rng.integers(-30, 46, n) if k else 0)
        keep = has & (day >= START) & (day > start + (30 if k else 0))
        days.append(day[keep])
        who.append(index[keep])
        planned.append(rng.random(keep.sum()) < (0.85 if k == 0 else 0.9))
    low = np.maximum(start + 1, START)
    years = np.maximum(until - low, 0) / YEAR
    extra = rng.poisson(0.2 * years)
    owner = np.repeat(np.arange(n), extra)
    day = low[owner] + (rng.random(owner.size) * (until - low)[owner]).astype(np.int64)
    days.append(day)
    who.append(index[owner])
    planned.append(np.zeros(owner.size, dtype=bool))
    return _review_frame(rng, np.concatenate(who), np.concatenate(days), np.concatenate(planned))


def _change_requests(rng, index, start, until) -> list[pl.DataFrame]:
    """Existing clients asking again (needs changed): a request and a reassessment."""
    low = np.maximum(start + 1, START)
    count = rng.poisson(0.3 * np.maximum(until - low, 0) / YEAR)
    owner = np.repeat(np.arange(index.size), count)
    day = low[owner] + (rng.random(owner.size) * (until - low)[owner]).astype(np.int64)
    later = day + _wait(rng, owner.size, 20)
    done = later < until[owner]
    return [
        _request(rng, index[owner], day, TO_ASSESSMENT),
        _assessment(rng, index[owner][done], later[done], CONTINUATION),
    ]


def _supported_events(rng, people: pl.DataFrame) -> list[pl.DataFrame]:
    index = people["index"].to_numpy()
    start = people["support_start"].to_numpy()
    latest = people["last_review"].fill_null(-1).to_numpy()
    # unplanned reviews before the last review (it is the last), or none without one
    until = np.where(latest >= 0, latest - 1, start)
    ot = people["waiting_ot_since"].fill_null(-1).to_numpy()
    asked = ot >= 0
    open_end = np.full(people.height, -1)
    return [
        *_new_package(rng, index, start, people["older"].to_numpy()),
        _long_term(rng, people, open_end, None),
        _reviews(rng, index, start, latest, until),
        *_change_requests(rng, index, start, np.minimum(until, EXTRACT - 30)),
        _request(rng, index[asked], ot[asked], TO_ASSESSMENT),
    ]


def _ended_events(rng, people: pl.DataFrame) -> list[pl.DataFrame]:
    index = people["index"].to_numpy()
    start = people["support_start"].to_numpy()
    end = people["support_end"].to_numpy()
    ending = people["ending"].to_numpy()
    latest = end - rng.integers(20, 330, people.height)
    latest = np.where(latest > start, latest, -1)
    return [
        *_new_package(rng, index, start, people["older"].to_numpy()),
        _long_term(rng, people, end, ending),
        _reviews(rng, index, start, latest, np.where(latest >= 0, latest - 1, start)),
        *_change_requests(rng, index, start, end),
    ]


def _waiting_events(rng, people: pl.DataFrame) -> list[pl.DataFrame]:
    index = people["index"].to_numpy()
    since = people["waiting_since"].to_numpy()
    kind = people["wait_kind"].to_numpy()
    service = kind == "service"
    assessed = since[service] - rng.integers(0, 11, service.sum())
    return [
        _request(rng, index[~service], since[~service], TO_ASSESSMENT),
        _request(rng, index[service], assessed - _wait(rng, service.sum(), 18), TO_ASSESSMENT),
        _assessment(rng, index[service], assessed, TO_SERVICES).with_columns(
            pl.Series("end", since[service])
        ),
    ]


def _contact_events(rng, people: pl.DataFrame) -> list[pl.DataFrame]:
    """Requests from people with no long-term support, and what came of them."""
    count = 1 + rng.poisson(0.3, people.height)
    owner = np.repeat(np.arange(people.height), count)
    index = people["index"].to_numpy()[owner]
    carer = people["carer"].to_numpy()[owner]
    n = owner.size
    outcome = np.where(carer, TO_ASSESSMENT, _pick(rng, _FIRST_CONTACT, n))
    day = START + (rng.random(n) * (EXTRACT - START)).astype(np.int64)
    # what follows a request late in the window would still be under way: those people are
    # the census's waiting list, so here a late request was answered with advice
    late = (outcome == TO_ASSESSMENT) & (day > EXTRACT - 150) | (day > EXTRACT - 30)
    outcome = np.where(late, "NFA - Information & Advice / Signposting only", outcome)
    frames = [_request(rng, index, day, outcome)]
    reable = outcome == TO_REABLEMENT
    frames.append(
        _short_term(
            rng,
            index[reable],
            day[reable] + rng.integers(1, 11, reable.sum()),
            rng.integers(28, 57, reable.sum()),
            "Short term support: ST-Max",
            "NFA - Support ended as planned",
        )
    )
    assessed = outcome == TO_ASSESSMENT
    a_day = day[assessed] + _wait(rng, assessed.sum(), 20, 0.9, 150)
    result = np.where(
        carer[assessed],
        TO_SERVICES,
        _pick(
            rng,
            (
                ("NFA - Information & Advice / Signposting only", 0.3),
                ("NFA - Support declined", 0.1),
                (TO_SERVICES, 0.4),
                (TO_REABLEMENT, 0.2),
            ),
            assessed.sum(),
        ),
    )
    kind = np.where(carer[assessed], "Carer's assessment", "Long Term Support")
    frames.append(_assessment(rng, index[assessed], a_day, result, kind))
    frames.extend(_after_assessment(rng, index[assessed], a_day, result, carer[assessed]))
    return frames


def _after_assessment(rng, index, day, result, carer) -> list[pl.DataFrame]:
    """Short-term support or a carer's direct payment after a contact's assessment."""
    gap = _wait(rng, index.size, 25, 0.7, 120)
    st = (result == TO_REABLEMENT) & ~carer
    low = (result == TO_SERVICES) & ~carer
    kind = np.where(
        rng.random(index.size) < 0.6,
        "Short term support: Ongoing low level",
        "Short term support: Other short term",
    )
    frames = [
        _short_term(
            rng,
            index[st],
            day[st] + gap[st],
            rng.integers(28, 57, st.sum()),
            "Short term support: ST-Max",
            "NFA - Support ended as planned",
        )
    ]
    for name in np.unique(kind[low]):
        pick = low & (kind == name)
        frames.append(
            _short_term(
                rng,
                index[pick],
                day[pick] + gap[pick],
                rng.integers(30, 181, pick.sum()),
                str(name),
                "NFA - Support ended as planned",
            )
        )
    paid = carer & (result == TO_SERVICES)
    frames.append(
        _events(
            "Service",
            index[paid],
            day[paid] + gap[paid],
            outcome="NFA - Support ended as planned",
            service_type="Unpaid carer support: Direct to unpaid carer",
            component="Direct payment",
            delivery="Direct Payment",
            unit_cost=300.0,
            frequency="One-off",
            units=1.0,
            description="SYNTHETIC - carer's direct payment",
        )
    )
    return frames


# the CLD file ----------------------------------------------------------------------------------

_TYPE_RANK = {"Request": 1, "Assessment": 2, "Service": 3, "Review": 4}


def _quarter_bounds(day: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    first = pl.date(day.dt.year(), (day.dt.month() - 1) // 3 * 3 + 1, 1)
    return first, first.dt.offset_by("3mo").dt.offset_by("-1d")


def _cld(rng, persons: pl.DataFrame, frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The events with their people, in DHSC's Release 2 columns, ordered by person and date."""
    events = (
        pl.concat([f for f in frames if f.height], how="diagonal_relaxed")
        .filter(pl.col("start") <= EXTRACT)
        .with_columns(
            pl.when(pl.col("end") > EXTRACT).then(None).otherwise(pl.col("end")).alias("end"),
            pl.col("event_type").replace_strict(_TYPE_RANK, return_dtype=pl.Int8).alias("_rank"),
        )
        .join(persons.select("index", "number"), on="index", how="left")
        .sort("number", "start", "_rank", maintain_order=True)
        .join(persons, on="index", how="left", maintain_order="left")
    )
    reported = pl.when(pl.col("end").is_null()).then(pl.lit(EXTRACT)).otherwise(pl.col("end"))
    period_start, period_end = _quarter_bounds(reported.cast(pl.Int32).cast(pl.Date))
    width = len(str(events.height))
    return events.select(
        pl.lit(LA_CODE).alias("LA_Code"),
        period_start.alias("Reporting_Period_Start_Date"),
        period_end.alias("Reporting_Period_End_Date"),
        pl.col("nhs_number").alias("NHS_Number"),
        pl.col("person_id").alias("LA_Person_Unique_Identifier"),
        pl.col("gp_practice").alias("GP_Practice_Code"),
        pl.col("gender").alias("Gender"),
        pl.col("ethnicity").alias("Ethnicity"),
        pl.col("dob").alias("Date_of_Birth"),
        pl.when(pl.col("ending") == "NFA - Deceased")
        .then(_date("support_end"))
        .alias("Date_of_Death"),
        pl.col("client_type").alias("Client_Type"),
        pl.col("reason")
        .replace_strict({i: r[1] for i, r in enumerate(_REASONS)}, return_dtype=pl.String)
        .alias("Primary_Support_Reason"),
        pl.col("postcode").alias("Postcode"),
        pl.when(pl.col("setting") == 0)
        .then(pl.lit("Owner occupier or shared ownership scheme"))
        .otherwise(pl.lit("Registered care home"))
        .alias("Accommodation_Status"),
        pl.when(pl.col("older"))
        .then(pl.lit("Retired"))
        .otherwise(pl.lit("Unknown"))
        .alias("Employment_Status"),
        pl.when(pl.col("has_unpaid_carer").fill_null(False))
        .then(pl.lit("Yes"))
        .otherwise(pl.lit("No"))
        .alias("Has_Unpaid_Carer"),
        pl.lit("Unknown").alias("Autism_Spectrum_Disorder_ASD"),
        pl.lit("Unknown").alias("Visual_Impairment"),
        pl.lit("Unknown").alias("Hearing_Impairment"),
        pl.when(pl.col("reason") == 2)
        .then(pl.lit("Yes"))
        .otherwise(pl.lit("No"))
        .alias("Dementia"),
        pl.lit("Fully local authority funded").alias("Client_Funding_Status"),
        pl.when(pl.col("client_type") == "Carer")
        .then(pl.lit(35))
        .alias("Total_Hrs_Caring_per_week"),
        pl.when(pl.col("client_type") == "Carer")
        .then(pl.lit(1))
        .alias("No_of_adults_being_cared_for"),
        pl.lit(None, dtype=pl.String).alias("Adult_1_Linked_Person_ID"),
        pl.lit(None, dtype=pl.String).alias("Adult_2_Linked_Person_ID"),
        pl.lit(None, dtype=pl.String).alias("Adult_3_Linked_Person_ID"),
        pl.col("event_type").alias("Event_Type"),
        pl.format("SYN-E{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(width)).alias(
            "Event_Reference"
        ),
        _date("start").alias("Event_Start_Date"),
        _date("end").alias("Event_End_Date"),
        pl.col("description").alias("Event_Description"),
        pl.col("outcome").alias("Event_Outcome"),
        pl.col("route").alias("Request_Route_of_Access"),
        pl.col("assessment_type").alias("Assessment_Type"),
        pl.col("eligible").alias("Eligible_Needs_Identified"),
        pl.col("method").alias("Method_of_Assessment"),
        pl.col("service_type").alias("Service_Type"),
        pl.col("component").alias("Service_Component"),
        pl.col("delivery").alias("Delivery_Mechanism"),
        pl.format("SYN-LOC-{}", pl.col("provider").cast(pl.String).str.zfill(4)).alias(
            "Provider_CQC_Location_ID"
        ),
        pl.col("unit_cost").alias("Unit_Cost"),
        pl.col("frequency").alias("Cost_Frequency_Unit_Type"),
        pl.col("units").alias("Planned_units_per_week"),
        pl.col("review_reason").alias("Review_Reason"),
        pl.col("review_outcome").alias("Review_Outcomes_Achieved"),
        pl.col("review_method").alias("Method_of_Review"),
        pl.col("team").replace_strict(dict(enumerate(TEAMS)), return_dtype=pl.String).alias("Team"),
    )


def events_as_stored(cld: pl.DataFrame) -> pl.DataFrame:
    """A CLD file in DHSC's columns as the frame ``dashboard.domain.cld`` reads: the person's
    own id, age in whole years at each event's start (the importer's rule, ``datasets.age_at``;
    the date of birth dropped), the event. The benchmarks and tests read a generated file so,
    without a store."""
    return cld.select(
        pl.col("LA_Person_Unique_Identifier").alias("person_id"),
        pl.col("Client_Type").alias("client_type"),
        age_at("Date_of_Birth", "Event_Start_Date").cast(pl.Int64).alias("age_at_event"),
        pl.col("Event_Type").alias("event_type"),
        pl.col("Event_Reference").alias("event_reference"),
        pl.col("Event_Start_Date").alias("event_start_date"),
        pl.col("Event_End_Date").alias("event_end_date"),
        pl.col("Event_Outcome").alias("event_outcome"),
        pl.col("Service_Type").alias("service_type"),
        pl.col("Review_Reason").alias("review_reason"),
        pl.col("Team").alias("team"),
    )
