"""What changed since the last meeting, in the words a member reads: ratings that moved,
milestones that slipped, figures restated, new red items, and other updates.

Works on audit events (each holds a row's full state before and after), so it needs nothing
but the history. Several changes to one item since the meeting count as one: from the state at
the meeting to the state now (a rating that went Red and back to Amber did not move).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.ratings import RED, Thresholds, brag
from dashboard.domain.table import Kind, Table
from data_access import days
from data_access.measures import Registry
from data_access.statuses import Meaning, StatusList, default_statuses

NEW_RED = "New red item"
RATING = "Rating moved"
SLIPPED = "Milestone slipped"
RESTATED = "Figure restated"
NEW_FIGURES = "New figures"
UPDATED = "Other update"
WHEN = "When (UK time)"
KINDS = (NEW_RED, RATING, SLIPPED, RESTATED, NEW_FIGURES, UPDATED)
# each kind as a count takes it: "1 new red item", "17 new figures" (never "figuress")
KIND_NOUNS = {
    NEW_RED: ("new red item", "new red items"),
    RATING: ("rating moved", "ratings moved"),
    SLIPPED: ("milestone slipped", "milestones slipped"),
    RESTATED: ("figure restated", "figures restated"),
    NEW_FIGURES: ("set of new figures", "sets of new figures"),
    UPDATED: ("other update", "other updates"),
}

DEFAULT_MILESTONE_STATUSES = default_statuses()["milestone_statuses"]

# new rows of these are counted, not listed: an import adds thousands at a time
COUNTED_NEW = ("milestones", "savings_years", "backlog")
# how new rows of each dataset are named where a line starts ("Accountability areas: 3 new")
_NEW_NAMES = {
    "areas": "Accountability areas",
    "savings_lines": "Savings lines",
    "mtfs_requirements": "MTFS requirements",
    "committee_actions": "Committee actions",
    "milestones": "Milestones",
    "savings_years": "Savings figures (line and year)",
    "backlog": "Monthly backlog figures",
}

# the datasets whose changes members are told about
WATCHED = (
    "areas",
    "milestones",
    "savings_lines",
    "savings_years",
    "mtfs_requirements",
    "backlog",
    "committee_actions",
)


@dataclass(frozen=True)
class _Rules:
    """What the describers judge and name an item's changes by."""

    thresholds: Thresholds
    milestone_statuses: StatusList
    measures: Registry  # the registry in force, whose labels name backlog figures


@dataclass(frozen=True)
class Change:
    kind: str
    item: str
    what: str
    by: str
    when: datetime


def _collapse(events: pl.DataFrame) -> list[dict[str, Any]]:
    """One entry per item: its state before the first change and after the last. An item
    created in the window (its first event an insert) and changed after is described from the
    state it was created in (``created`` says so): the change list then says what happened to
    it, "RAG Amber → Red", and its creation is counted with the other new items."""
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events.sort("id").iter_rows(named=True):
        key = (event["dataset"], event["entity_key"])
        after = json.loads(event["after"]) if event["after"] else None
        if key not in items:
            before = json.loads(event["before"]) if event["before"] else None
            items[key] = {"dataset": key[0], "key": key[1], "before": before, "created": None}
        item = items[key]
        if item["before"] is None and item["created"] is None and after is not None:
            item.update(created=after, created_by=event["actor"], created_at=event["occurred_at"])
        elif item["before"] is None and item["created"] is not None:
            item["before"] = item["created"]
        item.update(after=after, by=event["actor"], when=event["occurred_at"])
    return list(items.values())


def since_meeting(meeting: date, as_at: date | None) -> tuple[datetime, datetime | None]:
    """The instants between which audit events count as changes since ``meeting``: from the
    end of the meeting day (changes made that day were known to it) to the end of the as-at
    day (None: up to now), UK days both. The overview and the briefing pack both count from
    here.

    >>> [m.isoformat() for m in since_meeting(date(2024, 3, 12), date(2024, 3, 31))]
    ['2024-03-13T00:00:00+00:00', '2024-03-31T23:00:00+00:00']
    """
    return days.end_of(meeting), None if as_at is None else days.end_of(as_at)


def changes_since(
    events: pl.DataFrame,
    *,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen
    measures: Registry,
    new_rows: pl.DataFrame | None = None,
    milestone_statuses: StatusList = DEFAULT_MILESTONE_STATUSES,
) -> list[Change]:
    """The changes in ``events`` (audit rows) and the counts of new rows in ``new_rows``
    (dataset, n, last_at, actor, actors), most telling first, then newest first. A milestone
    moved to a status that means slipped (``milestone_statuses``) has slipped; a backlog
    figure is named by its measure's label in ``measures``, the registry in force (built in
    and added by an administrator)."""
    rules = _Rules(thresholds, milestone_statuses, measures)
    found: list[Change] = _counted(new_rows) if new_rows is not None else []
    new_figures: dict[str, list[dict[str, Any]]] = {}
    new_items: dict[str, list[dict[str, Any]]] = {}
    for item in _collapse(events):
        describe = _DESCRIBERS.get(item["dataset"])
        if item["after"] is None or describe is None:
            continue
        if item["created"] is not None:
            if item["dataset"] == "backlog":
                new_figures.setdefault(item["after"]["month"][:7], []).append(item)
            else:
                new_items.setdefault(item["dataset"], []).append(item)
        if item["dataset"] == "backlog" and item["before"] is None:
            continue
        parts = _one_line(describe(item, rules))
        # a new item is news only when it arrives red; the rest are counted
        if item["before"] is not None or any(p.kind == NEW_RED for p in parts):
            found.extend(parts)
    found.extend(_new_items(new_items))
    found.extend(_new_figures(new_figures))
    found.sort(key=lambda c: c.when, reverse=True)
    return sorted(found, key=lambda c: KINDS.index(c.kind))


def _new_items(by_dataset: dict[str, list[dict[str, Any]]]) -> list[Change]:
    """New items counted per dataset, by whom and when they were created."""
    found = []
    for dataset, items in sorted(by_dataset.items()):
        last = max(items, key=lambda i: i["created_at"])
        people = {i["created_by"] for i in items}
        by = last["created_by"] if len(people) == 1 else f"{len(people)} people"
        name = _NEW_NAMES.get(dataset, dataset)
        found.append(Change(NEW_FIGURES, name, f"{len(items):,} new", by, last["created_at"]))
    return found


def _counted(new_rows: pl.DataFrame) -> list[Change]:
    return [
        Change(
            NEW_FIGURES,
            _NEW_NAMES.get(row["dataset"], row["dataset"]),
            f"{row['n']:,} new",
            row["actor"] if row["actors"] == 1 else f"{row['actors']} people",
            row["last_at"],
        )
        for row in new_rows.iter_rows(named=True)
    ]


def _one_line(parts: list[Change]) -> list[Change]:
    """An item's changes as one line, under its most telling kind."""
    if len(parts) <= 1:
        return parts
    first = min(parts, key=lambda c: KINDS.index(c.kind))
    what = "; ".join(c.what for c in sorted(parts, key=lambda c: KINDS.index(c.kind)))
    return [Change(first.kind, first.item, what, first.by, first.when)]


def changes_table(changes: list[Change]) -> Table:
    """The changes, newest saves written in UK time."""
    frame = pl.DataFrame(
        {
            "Kind": [c.kind for c in changes],
            "Item": [c.item for c in changes],
            "What changed": [c.what for c in changes],
            "By": [who(c.by) for c in changes],
            WHEN: [_utc(c.when) for c in changes],
        },
        schema={
            **{k: pl.String for k in ("Kind", "Item", "What changed", "By")},
            WHEN: pl.Datetime("us", "UTC"),
        },
    )
    return Table.of("Changes since the last meeting", frame, {WHEN: Kind.MOMENT})


def who(actor: str) -> str:
    """A person by their sign-in; the dashboard's own loads (``system:...``) in words, since
    members read the list and an internal name means nothing to them.

    >>> who("jo@council.gov.uk"), who("system:sample-data")
    ('jo@council.gov.uk', 'a data load')
    """
    return "a data load" if actor.startswith("system:") else actor


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def changes_summary(changes: list[Change], meeting: date | None) -> str:
    """``3 changes since the meeting on 6 Feb 2024: 1 new red item, 2 other updates.``"""
    since = f"since the meeting on {formatting.day(meeting)}" if meeting else "so far"
    if not changes:
        return f"Nothing has changed {since}."
    counts = [(k, sum(c.kind == k for c in changes)) for k in KINDS]
    parts = ", ".join(formatting.counted(n, *KIND_NOUNS[k]) for k, n in counts if n)
    return f"{formatting.counted(len(changes), 'change')} {since}: {parts}."


def _change(kind: str, item: dict, label: str, what: str) -> Change:
    return Change(kind, label, what, item["by"], item["when"])


def _moved(before: dict | None, after: dict, column: str) -> tuple[Any, Any] | None:
    old = before.get(column) if before else None
    new = after.get(column)
    return (old, new) if old != new else None


def _areas(item: dict, rules: _Rules) -> list[Change]:
    before, after = item["before"], item["after"]
    label = f"Area {after['code']}: {after['title']}"
    found = []
    rag = _moved(before, after, "rag")
    if before is None:
        rated = f", rated {after['rag']}" if after.get("rag") else ""
        kind = NEW_RED if after.get("rag") == RED else UPDATED
        return [_change(kind, item, label, f"new accountability area{rated}")]
    if rag:
        kind = NEW_RED if rag[1] == RED else RATING
        found.append(_change(kind, item, label, f"RAG {rag[0] or 'not rated'} → {rag[1]}"))
    status = _moved(before, after, "status")
    if status:
        found.append(_change(UPDATED, item, label, f"status {status[0]} → {status[1]}"))
    if _moved(before, after, "commentary"):
        found.append(_change(UPDATED, item, label, "commentary updated"))
    return found


def _milestones(item: dict, rules: _Rules) -> list[Change]:
    before, after = item["before"], item["after"]
    label = f"Milestone {after['code']}: {after['title']}"
    status = _moved(before, after, "status")
    due = _moved(before, after, "due_date")
    if status and rules.milestone_statuses.meaning(status[1]) == Meaning.SLIPPED:
        return [_change(SLIPPED, item, label, f"status {status[0] or 'new'} → {status[1]}")]
    if due and before is not None and due[0] and due[1] and due[1] > due[0]:
        moved = f"due {formatting.day(date.fromisoformat(due[0]))} → "
        return [_change(SLIPPED, item, label, moved + formatting.day(date.fromisoformat(due[1])))]
    if status:
        return [_change(UPDATED, item, label, f"status {status[0] or 'new'} → {status[1]}")]
    if before is None:
        return [_change(UPDATED, item, label, "new milestone")]
    return [_change(UPDATED, item, label, "details updated")]


def _rating(row: dict | None, thresholds: Thresholds) -> str | None:
    if row is None:
        return None
    return brag(
        row["target_pence"],
        row.get("forecast_pence"),
        row.get("delivered_pence"),
        thresholds=thresholds,
        status=row.get("status"),
        status_reason=row.get("status_reason"),
    ).rating


def _money_moves(before: dict | None, after: dict, columns: tuple[str, ...]) -> list[str]:
    moves = []
    for column in columns:
        moved = _moved(before, after, column)
        if moved and before is not None:
            # a missing figure reads as every missing figure does: "not published"
            old, new = formatting.money(moved[0]), formatting.money(moved[1])
            moves.append(f"{column.removesuffix('_pence')} {old} → {new}")
    return moves


def _savings_years(item: dict, rules: _Rules) -> list[Change]:
    before, after = item["before"], item["after"]
    label = f"Savings line {after['line_code']} {after['financial_year']}"
    found = []
    moves = _money_moves(before, after, ("target_pence", "forecast_pence", "delivered_pence"))
    if moves:
        found.append(_change(RESTATED, item, label, "; ".join(moves)))
    stopped = _moved(before, after, "status")
    if stopped and before is not None:
        said = f"{stopped[1]} ({after.get('status_reason')})" if stopped[1] else "tracked again"
        found.append(_change(UPDATED, item, label, said))
    old, new = _rating(before, rules.thresholds), _rating(after, rules.thresholds)
    if before is not None and old != new:
        kind = NEW_RED if new == RED else RATING
        found.append(_change(kind, item, label, f"BRAG by rule {old} → {new}"))
    if before is None:
        found.append(_change(UPDATED, item, label, "new savings year"))
    return found


def _savings_lines(item: dict, rules: _Rules) -> list[Change]:
    before, after = item["before"], item["after"]
    label = f"Savings line {after['code']}: {after['title']}"
    override = _moved(before, after, "brag_override")
    if override:
        old, new = override[0] or "by rule", override[1] or "by rule"
        why = f" ({after['override_reason']})" if after.get("override_reason") else ""
        kind = NEW_RED if new == RED else RATING
        return [_change(kind, item, label, f"BRAG set by an officer: {old} → {new}{why}")]
    if before is None:
        return [_change(UPDATED, item, label, "new savings line")]
    return [_change(UPDATED, item, label, "details updated")]


def _mtfs(item: dict, rules: _Rules) -> list[Change]:
    after = item["after"]
    moves = _money_moves(
        item["before"], after, ("required_pence", "forecast_pence", "reported_shortfall_pence")
    )
    label = f"MTFS requirement: {after['period']}"
    if not moves:
        return [_change(UPDATED, item, label, "new or updated")]
    return [_change(RESTATED, item, label, "; ".join(moves))]


def _backlog(item: dict, rules: _Rules) -> list[Change]:
    before, after = item["before"], item["after"]
    measure = rules.measures.get(after["measure"])
    # every measure a figure can be stored under is in force (measures are only ever added);
    # were one not, members read plain words, never its internal code
    name = measure.label if measure else "A backlog measure"
    month = formatting.month(date.fromisoformat(after["month"]))
    label = f"{name}, {month}, {after['team']}, {after['priority_band']}"
    value = _moved(before, after, "value")
    if not value:
        return [_change(UPDATED, item, label, "details updated")]
    return [
        _change(
            RESTATED,
            item,
            label,
            f"{formatting.count(value[0])} → {formatting.count(value[1])}",
        )
    ]


def _actions(item: dict, rules: _Rules) -> list[Change]:
    before, after = item["before"], item["after"]
    label = f"Committee action {after['code']}"
    status = _moved(before, after, "status")
    if status and before is not None:
        return [_change(UPDATED, item, label, f"status {status[0]} → {status[1]}")]
    return [_change(UPDATED, item, label, "new action" if before is None else "updated")]


def _new_figures(by_month: dict[str, list[dict]]) -> list[Change]:
    found = []
    for month, items in sorted(by_month.items()):
        last = max(items, key=lambda i: i["created_at"])
        label = f"Backlog, {formatting.month(date.fromisoformat(month + '-01'))}"
        what = formatting.counted(len(items), "new monthly figure")
        found.append(Change(NEW_FIGURES, label, what, last["created_by"], last["created_at"]))
    return found


_DESCRIBERS = {
    "areas": _areas,
    "milestones": _milestones,
    "savings_years": _savings_years,
    "savings_lines": _savings_lines,
    "mtfs_requirements": _mtfs,
    "backlog": _backlog,
    "committee_actions": _actions,
}
