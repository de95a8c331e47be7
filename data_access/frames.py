"""Frames shaped for use: tables joined the way the views, checks and exports read them."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.loaders import load_table
from data_access.store import Store

LINE_FIELDS = ("code", "title", "workstream", "cohort", "owner", "brag_override", "override_reason")


def savings_frame(store: Store, as_at: date | None = None) -> pl.DataFrame:
    """One row per savings line and financial year, line attributes alongside (pence)."""
    lines = load_table(store, "savings_lines", as_at=as_at).select(
        *LINE_FIELDS, pl.col("version").alias("line_version")
    )
    years = load_table(store, "savings_years", as_at=as_at).rename({"line_code": "code"})
    return years.join(lines, on="code", how="inner").sort("code", "financial_year")


def actions_frame(store: Store, as_at: date | None = None) -> pl.DataFrame:
    meetings = load_table(store, "meetings", as_at=as_at).rename({"id": "meeting_id"})
    actions = load_table(store, "committee_actions", as_at=as_at)
    return actions.join(meetings, on="meeting_id", how="left").sort("meeting_date", "code")


def reconciliation_frames(store: Store, as_at: date | None = None) -> dict[str, pl.DataFrame]:
    """The frames ``dashboard.reconciliation.reconcile`` checks."""
    return {
        "mtfs": load_table(store, "mtfs_requirements", as_at=as_at),
        "reported_totals": load_table(store, "reported_totals", as_at=as_at),
        "savings": savings_frame(store, as_at),
        "components": load_table(store, "savings_components", as_at=as_at),
        "posts": load_table(store, "posts", as_at=as_at),
        "backlog": load_table(store, "backlog", as_at=as_at),
    }
