"""Literal CLD event frames for the CLD logic tests, in the columns the importer stores."""

from __future__ import annotations

from datetime import date

import polars as pl

SCHEMA = {
    "person_id": pl.String,
    "client_type": pl.String,
    "age_at_event": pl.Int64,
    "event_type": pl.String,
    "event_reference": pl.String,
    "event_start_date": pl.Date,
    "event_end_date": pl.Date,
    "event_outcome": pl.String,
    "service_type": pl.String,
    "review_reason": pl.String,
    "team": pl.String,
}
TO_ASSESSMENT = "Progress to assessment, review or reassessment"
TO_SERVICES = "Progress to support planning or services"
COMMUNITY = "Long term support: Community"
ST_MAX = "Short term support: ST-Max"


def request(person, day, *, outcome=TO_ASSESSMENT, age=70, client="Service User", ref=None):
    return dict(
        person_id=person,
        client_type=client,
        age_at_event=age,
        event_type="Request",
        event_reference=ref,
        event_start_date=day,
        event_end_date=day,
        event_outcome=outcome,
    )


def assessment(person, day, *, outcome=TO_SERVICES, age=70, ref=None):
    return dict(
        person_id=person,
        client_type="Service User",
        age_at_event=age,
        event_type="Assessment",
        event_reference=ref,
        event_start_date=day,
        event_end_date=day,
        event_outcome=outcome,
    )


def service(person, start, end=None, *, kind=COMMUNITY, age=70, team=None, ref=None):
    return dict(
        person_id=person,
        client_type="Service User",
        age_at_event=age,
        event_type="Service",
        event_reference=ref,
        event_start_date=start,
        event_end_date=end,
        service_type=kind,
        team=team,
    )


def review(person, end, reason="Planned", *, team=None, start=None, ref=None):
    return dict(
        person_id=person,
        client_type="Service User",
        age_at_event=70,
        event_type="Review",
        event_reference=ref,
        event_start_date=start or end,
        event_end_date=end,
        review_reason=reason,
        team=team,
    )


def events(*rows: dict) -> pl.DataFrame:
    """A CLD events frame; events with no reference get e1, e2 ... in the order given."""
    full = [
        {name: row.get(name) for name in SCHEMA}
        | {"event_reference": row.get("event_reference") or f"e{i}"}
        for i, row in enumerate(rows, start=1)
    ]
    return pl.DataFrame(full, schema=SCHEMA)


def d(year: int, month: int, day: int) -> date:
    return date(year, month, day)
