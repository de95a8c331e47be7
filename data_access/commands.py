"""The edits officers and directors make, one function each: check the person may, check the
version they saw is still current, validate with the importers' own models, write with an
audit event, all in one transaction.

The Updates page, the CLI (``ascgov edit ...``) and tests call these and nothing else to change
a row, so the role rule, the version check and validation cannot be skipped by going round a
page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError

from data_access import models, schema
from data_access.access import Permission, Principal, authorise
from data_access.app_settings import configured_lists
from data_access.bulk import rows_by_key
from data_access.datasets import KEYS
from data_access.limits import LONG_TEXT_CHARS
from data_access.measures import BACKLOG, measures_in_force
from data_access.rating_scales import BRAG, RAG
from data_access.store import StaleVersionError, Store, WriteTx
from data_access.vocab import Measure as Measure  # re-exported: the built-in backlog measures
from data_access.vocab import SourceKind
from data_access.writes import entity_key, upsert

_SYSTEM = ("id", "loaded_by", "loaded_at", "version")


class EditRejected(Exception):
    """The change breaks a rule; ``problems`` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems.items()))


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class Saved:
    dataset: str
    key: str
    version: int  # the row's version after the save: the base for the next edit


def _stored(tx: WriteTx, table: Table, key: tuple[str, ...], values: tuple) -> dict[str, Any]:
    row = rows_by_key(tx.conn, table, key, [values]).get(values)
    if row is None:
        raise NotFound(f"{table.name} {entity_key(values)} does not exist")
    return row


def _current(
    tx: WriteTx, table: Table, key: tuple[str, ...], values: tuple, version: int
) -> dict[str, Any]:
    """The stored row, if it is still at the version the editor saw."""
    row = _stored(tx, table, key, values)
    _check_version(table, values, row, version)
    return row


def _check_version(table: Table, values: tuple, row: dict[str, Any], version: int) -> None:
    if row["version"] != version:
        raise StaleVersionError(table.name, entity_key(values), version, row)


def _validate(model: type[BaseModel], data: dict[str, Any], lists, measures=None) -> dict[str, Any]:
    """The row as the importer would store it, or ``EditRejected`` naming each bad field;
    ``measures`` is the registry in force (the built-in measures when not given)."""
    context = {"lists": lists} if measures is None else {"lists": lists, "measures": measures}
    try:
        record = model.model_validate(data, context=context)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else str(error["type"])
            problems.setdefault(field, error["msg"].removeprefix("Value error, "))
        raise EditRejected(problems) from None
    return {k: getattr(v, "value", v) for k, v in record.model_dump(mode="python").items()}


def _checked(kind: Any, field: str, value: Any) -> Any:
    """``value`` validated as the models' type ``kind``, or ``EditRejected`` naming ``field``."""
    try:
        return TypeAdapter(kind).validate_python(value)
    except ValidationError as exc:
        raise EditRejected({field: exc.errors()[0]["msg"].removeprefix("Value error, ")}) from None


EDIT_SOURCE = "Updated in the dashboard by "


def _officer_provenance(who: Principal, today: date) -> dict[str, Any]:
    return {
        "source": EDIT_SOURCE + who.name,
        "source_kind": SourceKind.OFFICER.value,
        "as_at": today,
    }


def _fields(row: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in model.model_fields}


def _save(
    tx: WriteTx,
    table: Table,
    key: tuple[str, ...],
    row: dict[str, Any],
    version: int | None,
    reason: str | None,
    stored: dict[str, Any] | None = None,
    edited: tuple[str, ...] = (),
) -> Saved:
    values = tuple(row[k] for k in key)
    if stored is not None and all(stored[f] == row[f] for f in edited):
        # saving what is already there changes nothing: no new version, no audit event
        return Saved(table.name, entity_key(values), stored["version"])
    upsert(
        tx,
        table,
        [row],
        key,
        action="edit",
        expected_versions=None if version is None else {values: version},
        reason=reason,
    )
    current = rows_by_key(tx.conn, table, key, [values])[values]
    return Saved(table.name, entity_key(values), current["version"])


def edit_area(
    store: Store,
    who: Principal,
    code: str,
    *,
    version: int,
    status: str,
    rag: str | None,
    commentary: str | None,
) -> Saved:
    """An accountability area's status, RAG and commentary (commentary required when the
    RAG worsens)."""
    authorise(store, who, Permission.EDIT_AREA, code)
    lists = configured_lists(store)
    with store.write(who.email) as tx:
        stored = _current(tx, schema.areas, KEYS["areas"], (code,), version)
        data = {
            **_fields(stored, models.Area),
            **_officer_provenance(who, tx.today),
            "status": status,
            "rag": rag,
            "commentary": commentary,
            "last_updated": tx.today,
        }
        row = _validate(models.Area, data, lists)
        if RAG.worsened(stored["rag"], row["rag"]) and not _new_text(
            stored["commentary"], row["commentary"]
        ):
            raise EditRejected({"commentary": "the RAG rating is worse: say why in the commentary"})
        return _save(
            tx,
            schema.areas,
            KEYS["areas"],
            {**stored, **row},
            version,
            None,
            stored,
            ("status", "rag", "commentary"),
        )


def _new_text(before: str | None, after: str | None) -> bool:
    return bool(after and after.strip() and after.strip() != (before or "").strip())


def edit_milestone(
    store: Store,
    who: Principal,
    code: str,
    *,
    version: int,
    status: str,
    due_date: date | None,
    completed_date: date | None,
    evidence: str | None,
) -> Saved:
    """A milestone's status, due date, completed date and evidence (its area's officers)."""
    with store.engine.connect() as conn:
        area = conn.execute(
            select(schema.milestones.c.area_code).where(schema.milestones.c.code == code)
        ).scalar()
    if area is None:
        raise NotFound(f"milestones {code} does not exist")
    authorise(store, who, Permission.EDIT_MILESTONE, area, target=code)
    lists = configured_lists(store)
    with store.write(who.email) as tx:
        stored = _current(tx, schema.milestones, KEYS["milestones"], (code,), version)
        data = {
            **_fields(stored, models.Milestone),
            **_officer_provenance(who, tx.today),
            "status": status,
            "due_date": due_date,
            "completed_date": completed_date,
            "evidence": evidence,
        }
        row = _validate(models.Milestone, data, lists)
        return _save(
            tx,
            schema.milestones,
            KEYS["milestones"],
            {**stored, **row},
            version,
            None,
            stored,
            ("status", "due_date", "completed_date", "evidence"),
        )


def _line_workstream(store: Store, code: str) -> str:
    with store.engine.connect() as conn:
        workstream = conn.execute(
            select(schema.savings_lines.c.workstream).where(schema.savings_lines.c.code == code)
        ).scalar()
    if workstream is None:
        raise NotFound(f"savings_lines {code} does not exist")
    return workstream


def _in_pounds(pence: int | None) -> Decimal | None:
    return None if pence is None else Decimal(pence) / 100


def edit_savings_year(
    store: Store,
    who: Principal,
    code: str,
    financial_year: str,
    *,
    version: int,
    forecast_pence: int | None,
    delivered_pence: int | None,
) -> Saved:
    """A savings line's forecast and delivered amount for one financial year."""
    authorise(store, who, Permission.EDIT_SAVINGS, _line_workstream(store, code), target=code)
    key = KEYS["savings_years"]
    with store.write(who.email) as tx:
        stored = _current(tx, schema.savings_years, key, (code, financial_year), version)
        line = _stored(tx, schema.savings_lines, KEYS["savings_lines"], (code,))
        data = {
            **_fields(line, models.SavingsYear),
            "code": code,
            "financial_year": financial_year,
            # the importers' model reads a bare number as pounds (a spreadsheet cell)
            "target_pence": _in_pounds(stored["target_pence"]),
            "forecast_pence": _in_pounds(forecast_pence),
            "delivered_pence": _in_pounds(delivered_pence),
            **_officer_provenance(who, tx.today),
            "basis": stored["basis"],
        }
        row = _validate(models.SavingsYear, data, None)
        changed = {
            **stored,
            **{k: row[k] for k in ("forecast_pence", "delivered_pence", "source")},
            "source_kind": row["source_kind"],
            "as_at": row["as_at"],
        }
        return _save(
            tx,
            schema.savings_years,
            key,
            changed,
            version,
            None,
            stored,
            ("forecast_pence", "delivered_pence"),
        )


def set_brag_override(
    store: Store,
    who: Principal,
    code: str,
    *,
    version: int,
    brag_override: str | None,
    override_reason: str | None,
) -> Saved:
    """Set (or clear, with ``None``) a savings line's BRAG override; a reason is required."""
    authorise(store, who, Permission.EDIT_SAVINGS, _line_workstream(store, code), target=code)
    with store.write(who.email) as tx:
        stored = _current(tx, schema.savings_lines, KEYS["savings_lines"], (code,), version)
        problems = {}
        try:
            brag_override = BRAG.parse(brag_override)
        except ValueError as exc:
            problems["brag_override"] = str(exc)
        reason = (override_reason or "").strip() or None
        if reason is None:
            problems["override_reason"] = "say why the rating is set (or cleared) by hand"
        elif len(reason) > LONG_TEXT_CHARS:
            problems["override_reason"] = f"String should have at most {LONG_TEXT_CHARS} characters"
        if problems:
            raise EditRejected(problems)
        changed = {
            **stored,
            "brag_override": brag_override,
            "override_reason": reason if brag_override is not None else None,
        }
        return _save(
            tx,
            schema.savings_lines,
            KEYS["savings_lines"],
            changed,
            version,
            reason,
            stored,
            ("brag_override", "override_reason"),
        )


STATUS_FIELDS = ("status", "status_date", "status_reason", "deferred_to", "replaced_by")


def set_savings_status(
    store: Store,
    who: Principal,
    code: str,
    financial_year: str,
    *,
    version: int,
    status: str | None,
    status_date: date | str | None = None,
    status_reason: str | None = None,
    deferred_to: str | None = None,
    replaced_by: str | None = None,
) -> Saved:
    """Withdraw, defer or replace a savings line for one financial year (``status`` None puts
    it back in the totals tracked). The date and reason are required with a status; the
    reason is the audit event's reason."""
    authorise(store, who, Permission.EDIT_SAVINGS, _line_workstream(store, code), target=code)
    key = KEYS["savings_years"]
    with store.write(who.email) as tx:
        stored = _current(tx, schema.savings_years, key, (code, financial_year), version)
        problems: dict[str, str] = {}
        values: dict[str, Any] = {}
        for field, kind, value in (
            ("status", models.StopStatus | None, status),
            ("status_date", models.Day | None, status_date),
            ("status_reason", models.OptionalLongText, status_reason),
            ("deferred_to", models.FinancialYear | None, deferred_to),
            ("replaced_by", models.Code | None, replaced_by),
        ):
            try:
                values[field] = _checked(kind, field, value)
            except EditRejected as exc:
                problems.update(exc.problems)
        if problems:
            raise EditRejected(problems)
        for field, message in models.stop_problems(code, financial_year, *values.values()):
            problems.setdefault(field, message)
        replacement = values["replaced_by"]
        if replacement is not None and "replaced_by" not in problems:
            known = rows_by_key(tx.conn, schema.savings_lines, ("code",), [(replacement,)])
            if not known:
                problems["replaced_by"] = f"no savings line {replacement} in the store"
        if problems:
            raise EditRejected(problems)
        changed = {
            **stored,
            **{k: getattr(v, "value", v) for k, v in values.items()},
            **_officer_provenance(who, tx.today),
        }
        reason = values["status_reason"] or "put back in the totals tracked"
        return _save(tx, schema.savings_years, key, changed, version, reason, stored, STATUS_FIELDS)


@dataclass(frozen=True)
class BacklogFigure:
    measure: str  # a code of the registry in force (built-in or added by an administrator)
    value: int
    target: int | None = None
    version: int | None = None  # None: the figure is new for this month, team and band


def edit_backlog_month(
    store: Store,
    who: Principal,
    *,
    month: date,
    team: str,
    priority_band: str,
    figures: list[BacklogFigure],
) -> list[Saved]:
    """One month's backlog figures for a team and priority band (new or restated)."""
    authorise(store, who, Permission.EDIT_BACKLOG, team, target=f"{team} {month:%b %Y}")
    key = KEYS["backlog"]
    try:
        return _write_backlog(store, who, key, month, team, priority_band, figures)
    except Exception as exc:
        if not _duplicate_key(exc):
            raise
        # two people added the same new figure at once (PostgreSQL: each read "not held
        # yet"): the later one is refused as a conflict, like any other stale save
        wanted = [(str(f.measure), month, team, priority_band) for f in figures]
        with store.engine.connect() as conn:
            held = rows_by_key(conn, schema.backlog, key, wanted)
        values = next((v for v in wanted if v in held), wanted[0])
        raise StaleVersionError("backlog", entity_key(values), 0, held.get(values)) from None


def _duplicate_key(exc: Exception) -> bool:
    """A unique key already taken (SQLAlchemy's error, or psycopg's own from a COPY)."""
    return isinstance(exc, IntegrityError) or getattr(exc, "sqlstate", None) == "23505"


def _write_backlog(
    store: Store,
    who: Principal,
    key: tuple[str, ...],
    month: date,
    team: str,
    priority_band: str,
    figures: list[BacklogFigure],
) -> list[Saved]:
    saved = []
    registry = measures_in_force(store)
    with store.write(who.email) as tx:
        for figure in figures:
            try:
                # the registry's spelling, so the row is found under its key
                measure = registry.check(str(figure.measure), BACKLOG)
            except ValueError as exc:
                raise EditRejected({"measure": str(exc)}) from None
            values = (measure, month, team, priority_band)
            stored = rows_by_key(tx.conn, schema.backlog, key, [values]).get(values)
            if figure.version is not None or stored is not None:
                if stored is None or stored["version"] != figure.version:
                    raise StaleVersionError(
                        "backlog", entity_key(values), figure.version or 0, stored
                    )
            data = {
                "measure": measure,
                "month": month,
                "team": team,
                "priority_band": priority_band,
                "value": figure.value,
                "target": figure.target,
                **_officer_provenance(who, tx.today),
                "basis": stored["basis"] if stored else "published",
            }
            try:
                row = _validate(models.BacklogObservation, data, None, registry)
            except EditRejected as exc:
                raise EditRejected({f"{measure}.{k}": v for k, v in exc.problems.items()}) from None
            saved.append(
                _save(
                    tx,
                    schema.backlog,
                    key,
                    {**(stored or {}), **row},
                    # 0 for a new figure: refused if someone adds it first (PostgreSQL reads
                    # again in the write and could see their row appear)
                    figure.version or 0,
                    None,
                    stored,
                    ("value", "target"),
                )
            )
    return saved


def edit_action(store: Store, who: Principal, code: str, *, version: int, status: str) -> Saved:
    """A committee action's status."""
    authorise(store, who, Permission.EDIT_ACTION, code)
    lists = configured_lists(store)
    with store.write(who.email) as tx:
        stored = _current(tx, schema.committee_actions, KEYS["committee_actions"], (code,), version)
        checked = _validate(models.CommitteeAction, _action_data(tx, stored, status), lists)
        changed = {**stored, "status": checked["status"], "as_at": tx.today}
        return _save(
            tx,
            schema.committee_actions,
            KEYS["committee_actions"],
            changed,
            version,
            None,
            stored,
            ("status",),
        )


def _action_data(tx: WriteTx, stored: dict[str, Any], status: str) -> dict[str, Any]:
    meeting = tx.conn.execute(
        select(schema.meetings).where(schema.meetings.c.id == stored["meeting_id"])
    ).one()
    return {
        **_fields(stored, models.CommitteeAction),
        "committee": meeting.committee,
        "meeting_date": meeting.meeting_date,
        "status": status,
    }


def record_meeting(store: Store, who: Principal, committee: str, meeting_date: date) -> Saved:
    """Record a committee meeting: "since the last meeting" counts from the latest one."""
    authorise(store, who, Permission.RECORD_MEETING, target=f"{committee} {meeting_date}")
    committee = committee.strip()
    if not committee:
        raise EditRejected({"committee": "name the committee"})
    committee = _checked(models.Committee, "committee", committee)
    with store.write(who.email) as tx:
        key = KEYS["meetings"]
        result = upsert(
            tx,
            schema.meetings,
            [{"committee": committee, "meeting_date": meeting_date}],
            key,
            action="edit",
        )
        if result.inserted == 0:
            raise EditRejected({"meeting_date": "that meeting is already recorded"})
        return Saved("meetings", entity_key((committee, meeting_date)), 1)
