"""Settings an administrator changes at run time (status lists with the meaning of each
status; the review queue's weights), stored and audited."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data_access import schema
from data_access.access import Permission, Principal, authorise
from data_access.models import Status
from data_access.queue_weights import (
    DEFAULT_WEIGHTS,
    QueueWeights,
    WeightRefusedError,
    changed_weights,
    weights_from_stored,
)
from data_access.statuses import (
    Meaning,
    StatusEntryError,
    StatusList,
    default_statuses,
    read_entries,
)
from data_access.store import StaleVersionError, Store, settings_value
from data_access.vocab import CONFIGURABLE_LISTS

# which column of which table holds values from each list
_IN_USE = {
    "area_statuses": schema.areas.c.status,
    "milestone_statuses": schema.milestones.c.status,
    "action_statuses": schema.committee_actions.c.status,
}


class SettingRefusedError(Exception):
    pass


def _status(value: str) -> str:
    """A status as the models take it: at most 100 characters, none of them invisible."""
    try:
        return TypeAdapter(Status).validate_python(value)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise SettingRefusedError(f"status {value!r}: {message}") from None


def configured_lists(store: Store) -> dict[str, StatusList]:
    """Every status list in force, each status with its meaning."""
    lists = default_statuses()
    with store.engine.connect() as conn:
        for name in lists:
            stored = settings_value(conn, name, None)
            if stored is not None:
                lists[name] = StatusList.from_stored(stored)
    return lists


@dataclass(frozen=True)
class SavedList:
    statuses: StatusList
    # statuses written without a meaning, which took their word's (any other word: open)
    unsaid: tuple[str, ...]


def _checked(name: str, values: list[str]) -> SavedList:
    if name not in CONFIGURABLE_LISTS:
        raise SettingRefusedError(
            f"unknown list '{name}'; choose from {', '.join(CONFIGURABLE_LISTS)}"
        )
    try:
        statuses, unsaid = read_entries(values)
    except StatusEntryError as exc:
        raise SettingRefusedError(str(exc)) from None
    cleaned = [_status(v) for v in statuses.names]
    if not cleaned:
        raise SettingRefusedError("a status list needs at least one status")
    if len({v.lower() for v in cleaned}) != len(cleaned):
        raise SettingRefusedError("a status appears twice in the list")
    # a milestone's completed date is only taken with a status that means complete
    if name == "milestone_statuses" and Meaning.COMPLETE not in statuses.meanings:
        raise SettingRefusedError(
            "no milestone could be completed: give one status the meaning complete"
        )
    return SavedList(StatusList(tuple(cleaned), statuses.meanings), unsaid)


def set_list(store: Store, name: str, values: list[str], *, actor: Principal) -> SavedList:
    """Replace a status list (administrators); a status still used by a row cannot go.

    Each value is a status, or ``Status: meaning`` (open, complete, closed or slipped); a
    status given no meaning takes its word's (``Done``: complete), any other word open.
    """
    authorise(store, actor, Permission.MANAGE_SETTINGS, target=name)
    saved = _checked(name, values)
    cleaned = list(saved.statuses.names)
    with store.write(actor.email) as tx:
        used = {row[0] for row in tx.conn.execute(select(_IN_USE[name]).distinct())}
        missing = sorted(used - set(cleaned))
        if missing:
            raise SettingRefusedError(f"still in use, cannot be removed: {', '.join(missing)}")
        before = settings_value(tx.conn, name, list(CONFIGURABLE_LISTS[name]))
        value = saved.statuses.stored()
        table = schema.app_settings
        exists = tx.conn.execute(select(table.c.key).where(table.c.key == name)).first()
        if exists:
            tx.conn.execute(
                table.update()
                .where(table.c.key == name)
                .values(value=value, version=table.c.version + 1)
            )
        else:
            tx.conn.execute(table.insert().values(key=name, value=value, version=1))
        tx.audit(
            "settings:set",
            "app_settings",
            name,
            {"value": list(before)},
            {"key": name, "value": value},
        )
    return saved


# the review queue's weights ---------------------------------------------------------------------

QUEUE_WEIGHTS = "queue_weights"


@dataclass(frozen=True)
class SavedWeights:
    """The review queue's weights in force, and the version a change must be based on (0: the
    defaults, never saved)."""

    weights: QueueWeights
    version: int


def _weights_row(conn, *, lock: bool = False) -> SavedWeights:
    table = schema.app_settings
    query = select(table.c.value, table.c.version).where(table.c.key == QUEUE_WEIGHTS)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        return SavedWeights(DEFAULT_WEIGHTS, 0)
    value = json.loads(row.value) if isinstance(row.value, str) else row.value
    return SavedWeights(weights_from_stored(value), int(row.version))


def queue_weights(store: Store) -> SavedWeights:
    """The review queue's weights in force (the defaults until an administrator sets them)."""
    with store.engine.connect() as conn:
        return _weights_row(conn)


def set_queue_weights(
    store: Store, changes: Mapping[str, object], *, version: int, actor: Principal
) -> SavedWeights:
    """Change some of the review queue's weights (administrators), audited, if they are still
    at ``version`` (what the person changing them saw; a change by someone else since is
    refused rather than overwritten). Each change is factor -> points, a whole number from 0
    to ``MAX_POINTS`` (text such as ``"40"`` is read as a number). Changing nothing writes
    nothing."""
    authorise(store, actor, Permission.MANAGE_SETTINGS, target=QUEUE_WEIGHTS)
    try:
        with store.write(actor.email) as tx:
            held = _weights_row(tx.conn, lock=True)
            if held.version != version:
                current = {"key": QUEUE_WEIGHTS, "version": held.version}
                raise StaleVersionError("the review queue", "weighting", version, current)
            try:
                wanted = changed_weights(held.weights, changes)
            except WeightRefusedError as exc:
                raise SettingRefusedError(str(exc)) from None
            if wanted == held.weights:
                return held
            _write_weights(tx, held, wanted)
    except IntegrityError:
        # two first saves at once: the other one's row is there now
        raise StaleVersionError(
            "the review queue", "weighting", version, {"key": QUEUE_WEIGHTS}
        ) from None
    return SavedWeights(wanted, held.version + 1)


def _write_weights(tx, held: SavedWeights, wanted: QueueWeights) -> None:
    table = schema.app_settings
    value = wanted.as_dict()
    if held.version == 0:
        tx.conn.execute(table.insert().values(key=QUEUE_WEIGHTS, value=value, version=1))
    else:
        tx.conn.execute(
            table.update()
            .where(table.c.key == QUEUE_WEIGHTS)
            .values(value=value, version=table.c.version + 1)
        )
    tx.audit(
        "settings:set",
        "app_settings",
        QUEUE_WEIGHTS,
        {"value": held.weights.as_dict(), "version": held.version},
        {"key": QUEUE_WEIGHTS, "value": value, "version": held.version + 1},
    )
