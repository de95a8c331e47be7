"""Frames shaped for use: tables joined the way the views, checks and exports read them."""

from __future__ import annotations

from collections.abc import Callable
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
    """The frames ``dashboard.domain.reconciliation.reconcile`` checks."""
    return reconciliation_frames_from(
        lambda name: load_table(store, name, as_at=as_at), savings_frame(store, as_at)
    )


def reconciliation_frames_from(
    table: Callable[[str], pl.DataFrame], savings: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The same frames from any table reader (the app passes its cached one)."""
    return {
        "mtfs": table("mtfs_requirements"),
        "reported_totals": table("reported_totals"),
        "savings": savings,
        "components": table("savings_components"),
        "posts": table("posts"),
        "backlog": table("backlog"),
        "bridges": table("budget_bridge_steps"),
    }
