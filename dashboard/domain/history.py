"""An item's history in words: who changed what, when, from what to what, and why."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.table import Kind, Table

# bookkeeping every change touches: not news to a reader
_QUIET = {
    "id",
    "version",
    "loaded_by",
    "loaded_at",
    "source",
    "source_kind",
    "as_at",
    "last_updated",
}


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    """``field: old → new`` for each field that differs, bookkeeping left out."""
    if after is None:
        return ["removed"]
    if before is None:
        return ["created"]
    return [
        f"{field}: {_show(before.get(field))} → {_show(value)}"
        for field, value in after.items()
        if field not in _QUIET and before.get(field) != value
    ]


WHEN = "When (UK time)"


def history_table(events: pl.DataFrame, title: str = "History") -> Table:
    """Audit events of one item (oldest first) as rows a person reads, newest first."""
    rows = []
    for event in events.sort("id", descending=True).iter_rows(named=True):
        before = json.loads(event["before"]) if event["before"] else None
        after = json.loads(event["after"]) if event["after"] else None
        rows.append(
            {
                WHEN: _utc(event["occurred_at"]),
                "Who": event["actor"],
                "What changed": "; ".join(changed_fields(before, after)) or "no visible change",
                "Version": str(after.get("version", "")) if after else "",
                "Reason": event["reason"] or "",
            }
        )
    schema = {WHEN: pl.Datetime("us", "UTC")}
    schema |= {c: pl.String for c in ("Who", "What changed", "Version", "Reason")}
    return Table.of(title, pl.DataFrame(rows, schema=schema), {WHEN: Kind.MOMENT})


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def changes_after(events: pl.DataFrame, version: int) -> list[str]:
    """What others changed since ``version`` of an item: one line per later save, its time in
    UK time."""
    lines = []
    for event in events.sort("id").iter_rows(named=True):
        after = json.loads(event["after"]) if event["after"] else None
        if after is None or int(after.get("version", 0)) <= version:
            continue
        before = json.loads(event["before"]) if event["before"] else None
        when = formatting.stamp(_utc(event["occurred_at"]))
        lines.append(f"{event['actor']} at {when}: " + "; ".join(changed_fields(before, after)))
    return lines
