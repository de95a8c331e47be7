"""A straightforward pandas implementation of the case-level derivations, for the benchmark.

The same rules as ``dashboard.domain.review_clock`` (clock, ageing bands, waiting lists, OT
waits) and ``dashboard.domain.cld`` (DHSC's two waits by quarter and age band, reviews per
month), written the way an analyst would in pandas: ``bench_cases.py`` times it beside the
polars code and checks that both give the same figures. Not used by the dashboard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.domain import cld
from dashboard.domain.review_clock import DEFAULT_RULES, LONG_WAIT_MONTHS

DAY = np.timedelta64(1, "D")


def _months(series: pd.Series, months: int) -> pd.Series:
    return series + pd.DateOffset(months=months)


# census ----------------------------------------------------------------------------------------


def clock(cases: pd.DataFrame, rules=DEFAULT_RULES) -> pd.DataFrame:
    """Every row with ``review_due``, ``days_overdue`` and ``band`` (NaN/None without support)."""
    start, extract = cases["support_start"], cases["extract_date"]
    last, council = cases["last_review"], cases["next_review_due"]
    counted = last.where((last > start) & (last <= extract))
    statutory = (start + pd.Timedelta(weeks=rules.first_review_weeks)).where(
        counted.isna(), _months(counted, rules.review_months)
    )
    live = np.where(counted.isna(), council >= start, council > counted)
    wins = council.notna() & (council < statutory) & live
    support = start.notna() & (start <= extract)
    due = council.where(wins, statutory).where(support)
    overdue = ((extract - due) / DAY).clip(lower=0)
    soon = extract + pd.Timedelta(days=rules.due_soon_days)
    labels = rules.bands
    band = np.select(
        [
            due.isna(),
            due > soon,
            due >= extract,
            extract <= _months(due, 3),
            extract <= _months(due, 6),
            extract <= _months(due, 12),
        ],
        [None, labels[0], labels[1], labels[2], labels[3], labels[4]],
        default=labels[5],
    )
    return cases.assign(review_due=due, days_overdue=overdue, band=band)


def band_counts(cases: pd.DataFrame) -> pd.DataFrame:
    clocked = clock(cases)
    counts = clocked["band"].dropna().value_counts()
    return pd.DataFrame({"band": counts.index, "people": counts.to_numpy()}).sort_values("band")


def waiting(cases: pd.DataFrame) -> dict[str, int]:
    clocked = clock(cases)
    extract = clocked["extract_date"]
    assessment_since = clocked["waiting_assessment_since"]
    assessment = assessment_since.notna() & (assessment_since <= extract)
    long_wait = assessment & (_months(assessment_since, LONG_WAIT_MONTHS) < extract)
    service = clocked["waiting_service_since"].notna() & (
        clocked["waiting_service_since"] <= extract
    )
    overdue = clocked["days_overdue"].fillna(0) > 0
    return {
        "awaiting_assessment": int(assessment.sum()),
        "awaiting_assessment_over_six_months": int(long_wait.sum()),
        "awaiting_service": int(service.sum()),
        "overdue_review": int(overdue.sum()),
        "people_waiting": int((assessment | service | overdue).sum()),
    }


def ot(cases: pd.DataFrame) -> dict[str, float]:
    since, extract = cases["waiting_ot_since"], cases["extract_date"]
    days = ((extract - since) / DAY)[since.notna() & (since <= extract)]
    return {
        "ot_waiting": int(days.size),
        "ot_median_days": float(days.median()),
        "ot_longest_days": int(days.max()),
    }


# CLD -------------------------------------------------------------------------------------------


def _cohort(events: pd.DataFrame) -> pd.DataFrame:
    ev = events.assign(_row=np.arange(len(events)))
    requests = ev[
        (ev["event_type"] == cld.REQUEST)
        & (ev["client_type"].str.lower() == cld.SERVICE_USER)
        & (ev["event_start_date"] >= pd.Timestamp(cld.COHORT_START))
        & (ev["age_at_event"] >= cld.MIN_AGE)
    ]
    services = ev[
        (ev["event_type"] == cld.SERVICE)
        & ev["service_type"].isin([*cld.LONG_TERM, *cld.RECENT_SHORT_TERM])
    ]
    services = pd.DataFrame(
        {
            "person_id": services["person_id"],
            "long": services["service_type"].isin(cld.LONG_TERM),
            "s_start": services["event_start_date"],
            "s_end": services["event_end_date"],
        }
    )
    both = requests[["_row", "person_id", "event_start_date"]].merge(services, on="person_id")
    since = _months(both["event_start_date"], -cld.LONG_TERM_LOOKBACK_MONTHS).where(
        both["long"], _months(both["event_start_date"], -cld.SHORT_TERM_LOOKBACK_MONTHS)
    )
    existing = both[
        (both["s_start"] < both["event_start_date"])
        & (both["s_end"].isna() | (both["s_end"] >= since))
    ]["_row"].unique()
    outcome = requests["event_outcome"]
    stopped = (
        outcome.str.startswith(cld.NO_FURTHER_ACTION) | (outcome == cld.ADMITTED_TO_HOSPITAL)
    ).fillna(False)
    return requests[~requests["_row"].isin(existing) & ~stopped.astype(bool)]


def _ordered(requests: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    answering = events[
        (
            (events["event_type"] == cld.ASSESSMENT)
            | (
                (events["event_type"] == cld.SERVICE)
                & events["service_type"].isin(cld.ANSWERING_SERVICES)
            )
        )
        & (events["age_at_event"] >= cld.MIN_AGE)
    ]
    columns = ["person_id", "event_type", "event_reference", "event_start_date"]
    columns += ["age_at_event", "event_outcome"]
    both = pd.concat([requests[columns], answering[columns]], ignore_index=True)
    both["_rank"] = both["event_type"].map({cld.REQUEST: 1, cld.ASSESSMENT: 2, cld.SERVICE: 3})
    both = both.sort_values(
        ["person_id", "event_start_date", "_rank", "event_reference"], na_position="last"
    ).reset_index(drop=True)
    both["order"] = np.arange(len(both))
    is_assessment = both["event_type"] == cld.ASSESSMENT
    both["_block"] = (~is_assessment).astype(int).groupby(both["person_id"]).cumsum()
    progress = is_assessment & both["event_outcome"].isin(cld.PROGRESS_TO_SERVICE)
    both["_block_progress"] = progress.groupby([both["person_id"], both["_block"]]).transform("any")
    return both


def _next(ordered: pd.DataFrame, left: pd.DataFrame, event_type: str, prefix: str):
    later = ordered[ordered["event_type"] == event_type]
    later = pd.DataFrame(
        {
            "person_id": later["person_id"],
            f"{prefix}_order": later["order"],
            f"{prefix}_date": later["event_start_date"],
            f"{prefix}_age": later["age_at_event"],
            f"{prefix}_progress": later["_block_progress"],
        }
    )
    return pd.merge_asof(
        left,
        later,
        left_on="order",
        right_on=f"{prefix}_order",
        by="person_id",
        direction="forward",
        allow_exact_matches=False,
    )


def _band(age: pd.Series) -> np.ndarray:
    return np.select(
        [age >= cld.OLDER_AGE, age >= cld.MIN_AGE], [cld.OLDER_BAND, cld.YOUNGER_BAND], None
    )


def request_waits(events: pd.DataFrame) -> pd.DataFrame:
    ordered = _ordered(_cohort(events), events)
    requests = ordered[ordered["event_type"] == cld.REQUEST]
    linked = pd.DataFrame(
        {
            "person_id": requests["person_id"],
            "order": requests["order"],
            "request_date": requests["event_start_date"],
        }
    )
    linked = _next(ordered, linked, cld.ASSESSMENT, "a")
    linked = _next(ordered, linked, cld.SERVICE, "s").sort_values("order")
    linked = linked.reset_index(drop=True)
    service_first = linked["s_order"].notna() & (
        linked["a_order"].isna() | (linked["s_order"] < linked["a_order"])
    )
    answered = linked["a_order"].notna() | linked["s_order"].notna()
    linked["r_order"] = linked["s_order"].where(service_first, linked["a_order"])
    linked["response_date"] = linked["s_date"].where(service_first, linked["a_date"])
    linked["r_age"] = linked["s_age"].where(service_first, linked["a_age"])
    kind = np.select([service_first, answered], [cld.SERVICE, cld.ASSESSMENT], None)
    nowhere = (kind == cld.ASSESSMENT) & ~linked["a_progress"].fillna(False).astype(bool)
    for column in ("s_order", "s_date", "s_age"):
        linked[column] = linked[column].where(~nowhere)
    person = linked["person_id"]
    previous_end = linked[["r_order", "s_order"]].max(axis=1).groupby(person).shift(1)

    def claimed(column: str) -> pd.Series:
        earlier = linked[column].fillna(0).groupby(person).cummax()
        earlier = earlier.groupby(person).shift(1).fillna(0)
        return (linked[column] <= earlier) & linked[column].notna()

    inside = (previous_end > linked["order"]).fillna(False) | claimed("r_order")
    inside = inside | claimed("s_order")
    kept = linked[~inside.astype(bool)]
    return pd.DataFrame(
        {
            "response_date": kept["response_date"],
            "response_days": (kept["response_date"] - kept["request_date"]) / DAY,
            "response_band": _band(kept["r_age"]),
            "service_date": kept["s_date"],
            "service_days": (kept["s_date"] - kept["request_date"]) / DAY,
            "service_band": _band(kept["s_age"]),
        }
    )


def _quarter_name(day: pd.Series) -> pd.Series:
    first = day.dt.year - (day.dt.month < 4).astype(int)
    quarter = (day.dt.month + 8) % 12 // 3 + 1
    return (
        first.astype(str)
        + "/"
        + ((first + 1) % 100).astype(str).str.zfill(2)
        + " Q"
        + quarter.astype(str)
    )


def dhsc_waits(events: pd.DataFrame) -> pd.DataFrame:
    waits = request_waits(events)
    parts = []
    for measure, days, day, band in (
        (cld.RESPONSE, "response_days", "response_date", "response_band"),
        (cld.FIRST_SERVICE, "service_days", "service_date", "service_band"),
    ):
        chosen = waits[waits[days].notna() & waits[band].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "quarter_start": chosen[day].dt.to_period("Q").dt.start_time,
                    "quarter": _quarter_name(chosen[day]),
                    "age_band": chosen[band],
                    "days": chosen[days],
                }
            )
        )
    grouped = pd.concat(parts).groupby(["measure", "quarter_start", "quarter", "age_band"])
    table = grouped["days"].agg(median_days="median", waits="size").reset_index()
    return table.sort_values(["measure", "quarter_start", "age_band"]).reset_index(drop=True)


def reviews_per_month(events: pd.DataFrame) -> pd.DataFrame:
    reviews = events[(events["event_type"] == cld.REVIEW) & events["event_end_date"].notna()]
    reason = reviews["review_reason"].str.strip().str.lower()
    kind = np.select(
        [reason.str.startswith("unplanned") == True, reason.str.startswith("planned") == True],  # noqa: E712
        [cld.UNPLANNED, cld.PLANNED],
        cld.NOT_STATED,
    )
    frame = pd.DataFrame(
        {
            "month": reviews["event_end_date"].dt.to_period("M").dt.start_time,
            "team": reviews["team"],
            "kind": kind,
        }
    )
    table = pd.crosstab([frame["month"], frame["team"]], frame["kind"])
    table = table.reindex(columns=[cld.PLANNED, cld.UNPLANNED, cld.NOT_STATED], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.reset_index().sort_values(["month", "team"]).reset_index(drop=True)
