"""Small census extracts for the review clock and queue tests, in the ``cases`` dataset's shape."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

# the census extract's columns and types as the cases dataset delivers them (written out here, not
# taken from the code under test, so a change to either is noticed)
SCHEMA = {
    "person_id": pl.String,
    "team": pl.String,
    "age_band": pl.String,
    "primary_support_reason": pl.String,
    "setting": pl.String,
    "support_start": pl.Date,
    "last_review": pl.Date,
    "next_review_due": pl.Date,
    "waiting_assessment_since": pl.Date,
    "waiting_ot_since": pl.Date,
    "waiting_service_since": pl.Date,
    "safeguarding_open": pl.Boolean,
    "provider_concern": pl.Boolean,
    "lives_alone": pl.Boolean,
    "has_unpaid_carer": pl.Boolean,
    "last_contact": pl.Date,
    "extract_date": pl.Date,
}

EXTRACT = date(2025, 6, 30)
LONG_AGO = date(2020, 1, 1)

DEFAULTS: dict[str, Any] = {
    "team": "North",
    "age_band": "65+",
    "primary_support_reason": "Physical support",
    "setting": "community",
    "support_start": None,
    "last_review": None,
    "next_review_due": None,
    "waiting_assessment_since": None,
    "waiting_ot_since": None,
    "waiting_service_since": None,
    "safeguarding_open": False,
    "provider_concern": False,
    "lives_alone": False,
    "has_unpaid_carer": True,
    "last_contact": date(2025, 6, 1),
    "extract_date": EXTRACT,
}


def census(*people: dict[str, Any]) -> pl.DataFrame:
    """One row per person: ``person_id`` and whatever differs from ``DEFAULTS``."""
    rows = [{**DEFAULTS, **person} for person in people]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
