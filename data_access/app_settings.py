"""Settings an administrator changes at run time (status lists), stored and audited."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from data_access import schema
from data_access.access import Permission, Principal, authorise
from data_access.models import Status
from data_access.store import Store, settings_value
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


def configured_lists(store: Store) -> dict[str, tuple[str, ...]]:
    with store.engine.connect() as conn:
        return {
            name: tuple(settings_value(conn, name, default))
            for name, default in CONFIGURABLE_LISTS.items()
        }


def set_list(store: Store, name: str, values: list[str], *, actor: Principal) -> None:
    """Replace a status list (administrators); a status still used by a row cannot go."""
    authorise(store, actor, Permission.MANAGE_SETTINGS, target=name)
    if name not in CONFIGURABLE_LISTS:
        raise SettingRefusedError(
            f"unknown list '{name}'; choose from {', '.join(CONFIGURABLE_LISTS)}"
        )
    cleaned = [_status(v) for v in values if v.strip()]
    if not cleaned:
        raise SettingRefusedError("a status list needs at least one status")
    if len({v.lower() for v in cleaned}) != len(cleaned):
        raise SettingRefusedError("a status appears twice in the list")
    with store.write(actor.email) as tx:
        used = {row[0] for row in tx.conn.execute(select(_IN_USE[name]).distinct())}
        missing = sorted(used - set(cleaned))
        if missing:
            raise SettingRefusedError(f"still in use, cannot be removed: {', '.join(missing)}")
        before = settings_value(tx.conn, name, list(CONFIGURABLE_LISTS[name]))
        table = schema.app_settings
        exists = tx.conn.execute(select(table.c.key).where(table.c.key == name)).first()
        if exists:
            tx.conn.execute(
                table.update()
                .where(table.c.key == name)
                .values(value=cleaned, version=table.c.version + 1)
            )
        else:
            tx.conn.execute(table.insert().values(key=name, value=cleaned, version=1))
        tx.audit(
            "settings:set",
            "app_settings",
            name,
            {"value": list(before)},
            {"key": name, "value": cleaned},
        )
