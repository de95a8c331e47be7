"""``ascgov import``: a file in, every problem found or every row written, never half of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from data_access import days, schema
from data_access.access import (
    IMPORT_AS_EDIT,
    Permission,
    Principal,
    log_refusal,
    refuse,
)
from data_access.app_settings import configured_lists
from data_access.bulk import rows_by_key
from data_access.datasets import DATASETS, KEYS, LINE_FIELDS, SYSTEM_COLUMNS, DatasetSpec
from data_access.files import RawTable, ReadLimits, read_table
from data_access.formulas import unescape_formula
from data_access.limits import INTEGER_MAX
from data_access.measures import MEASURES
from data_access.problems import ImportRejected, Problem
from data_access.settings import get_settings
from data_access.store import StaleVersionError, Store
from data_access.vocab import Role, SourceKind
from data_access.writes import UpsertResult

# provenance columns a file may leave out: the importer supplies them
DEFAULTED_COLUMNS = ("source", "as_at")

# the table whose rows a file's version column refers to (its key: datasets.KEYS), where not
# the dataset's last table
VERSIONED_TABLES = {"savings": "savings_years"}

REFERENCES = {
    "milestones": ("area_code", schema.areas.c.code, "areas"),
    "components": ("line_code", schema.savings_lines.c.code, "savings"),
}


@dataclass(frozen=True)
class ImportReport:
    dataset: str
    file: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool
    reading: tuple[str, ...] = ()  # the file's RawTable.reading: what was read and how

    def __str__(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        return (
            f"{self.file}: {self.rows} rows of {self.dataset} checked; {verb} "
            f"{self.inserted} new, {self.updated} changed, {self.unchanged} unchanged"
        )


class _DryRun(Exception):
    pass


def import_file(
    store: Store,
    dataset: str,
    path: Path,
    *,
    actor: Principal,
    as_at: date | None = None,
    source: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Validate every row of ``path``; write all of them in one transaction, or none.

    Officers may import only the datasets they edit, and only rows within their assignment;
    directors any dataset; members and administrators none (``NotPermitted``, logged).
    """
    spec = DATASETS.get(dataset)
    if spec is None:
        raise ValueError(f"unknown dataset '{dataset}'; choose from {', '.join(DATASETS)}")
    if not actor.may_import(dataset, []):
        refuse(store, actor, Permission.IMPORT, dataset)
    path = Path(path)
    # source and as_at are filled in below when a file has no such columns: the header row is
    # found by the columns a file must really have
    wanted = tuple(c for c in spec.required if c not in DEFAULTED_COLUMNS)
    table = read_table(path, wanted=wanted, limits=ReadLimits.from_settings(get_settings()))
    defaults = {
        "source": source or path.name,
        "source_kind": SourceKind.SYSTEM.value,
        "as_at": (as_at or days.today()).isoformat(),
    }
    records, versions = validate_table(store, spec, table, defaults, actor)
    try:
        result = _write(
            store, spec, records, versions, actor.email, path.name, table.sha256, dry_run
        )
    except StaleVersionError as exc:
        raise ImportRejected([Problem(file=path.name, rule=str(exc), sheet=table.sheet)]) from None
    except _DryRun as done:
        result = done.args[0]
    return ImportReport(
        spec.name,
        path.name,
        len(records),
        result.inserted,
        result.updated,
        result.unchanged,
        dry_run,
        table.reading,
    )


def _write(store, spec, records, versions, actor, file, digest, dry_run) -> UpsertResult:
    with store.write(actor) as tx:
        if versions:
            versions = _held_versions(tx.conn, spec, versions)
        result = (
            spec.write(tx, records, expected_versions=versions)
            if versions
            else spec.write(tx, records)
        )
        tx.audit(
            "import",
            "imports",
            f"{spec.name}:{file}",
            None,
            {
                "dataset": spec.name,
                "file": file,
                "sha256": digest,
                "rows": len(records),
                "inserted": result.inserted,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        if dry_run:
            raise _DryRun(result)
    return result


def _held_versions(conn, spec: DatasetSpec, versions: dict[tuple, int]) -> dict[tuple, int]:
    """The expected versions of the rows the store holds.

    A version for a row the store has never held is no conflict: nothing deletes rows, so the
    file came from another store (an export loaded into a new database) and the row is new.
    """
    table = VERSIONED_TABLES.get(spec.name, spec.tables[-1])
    held = rows_by_key(conn, schema.metadata.tables[table], KEYS[table], list(versions))
    return {k: v for k, v in versions.items() if k in held}


def validate_table(
    store: Store,
    spec: DatasetSpec,
    table: RawTable,
    defaults: dict[str, str],
    actor: Principal | None = None,
) -> tuple[list[BaseModel], dict[tuple, int]]:
    problems = _column_problems(spec, table)
    if problems:
        raise ImportRejected(problems)
    if not table.rows:
        raise ImportRejected(
            [
                Problem(
                    table.file,
                    "file has a header row but no data rows",
                    sheet=table.sheet,
                    row=table.header_row,
                )
            ]
        )
    # the lists and the measures in force: a backlog row's measure is one of the registry's
    context = {"lists": configured_lists(store), "measures": MEASURES}
    records: list[tuple[int, BaseModel]] = []
    versions: dict[tuple, int] = {}
    for row_number, cells in table.rows:
        data = _row_data(table.columns, cells, defaults)
        version = data.pop("version", None)
        try:
            record = spec.model.model_validate(data, context=context)
            expected = None if version in (None, "") else _version_number(version)
        except ValidationError as exc:
            problems.extend(_validation_problems(spec, table, row_number, data, exc))
            continue
        except ValueError as exc:
            problems.append(
                Problem(table.file, str(exc), table.sheet, row_number, "version", version)
            )
            continue
        records.append((row_number, record))
        if expected is not None:
            versions[_key(spec, record)] = expected
    problems.extend(_duplicate_problems(spec, table, records))
    problems.extend(_consistency_problems(spec, table, records))
    problems.extend(_reference_problems(store, spec, table, records))
    problems.extend(_replacement_problems(store, spec, table, records))
    if actor is not None:
        problems.extend(_scope_problems(store, actor, spec, table, records))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return [record for _, record in records], versions


def _scope_problems(
    store: Store, actor: Principal, spec: DatasetSpec, table: RawTable, records
) -> list[Problem]:
    """Rows outside an officer's assignment: each named, and the attempt logged."""
    if actor.system or actor.role is not Role.OFFICER:
        return []
    permission, field = IMPORT_AS_EDIT[spec.name]
    column = spec.column_for(field)
    problems = [
        Problem(
            table.file,
            f"outside what you may edit ({permission.value}: ask a director to assign it)",
            sheet=table.sheet,
            row=row_number,
            column=column,
            value=getattr(record, field),
        )
        for row_number, record in records
        if not actor.may(permission, getattr(record, field))
    ]
    if problems:
        log_refusal(store, actor, Permission.IMPORT, f"{spec.name}: {len(problems)} rows")
    return problems


def _version_number(value: str) -> int:
    """The version a file says it replaces: a whole number, as exports write it (``3`` or the
    ``3.0`` a spreadsheet may turn it into)."""
    text = value.strip()
    whole = text[:-2] if text.endswith(".0") else text
    if not whole.isascii() or not whole.isdigit() or len(whole) > len(str(INTEGER_MAX)):
        raise ValueError(f"version must be a whole number, at most {INTEGER_MAX:,}")
    return int(whole)


def _column_problems(spec: DatasetSpec, table: RawTable) -> list[Problem]:
    allowed = set(spec.columns) | set(SYSTEM_COLUMNS)
    problems = []
    seen: set[str] = set()
    for name in table.columns:
        if not name:
            problems.append(
                Problem(
                    table.file, "a column has no header", sheet=table.sheet, row=table.header_row
                )
            )
        elif name in seen:
            problems.append(
                Problem(
                    table.file,
                    "column appears twice",
                    sheet=table.sheet,
                    row=table.header_row,
                    column=name,
                )
            )
        elif name not in allowed:
            problems.append(
                Problem(
                    table.file,
                    f"unknown column for {spec.name}; expected: {', '.join(spec.columns)}",
                    sheet=table.sheet,
                    row=table.header_row,
                    column=name,
                )
            )
        seen.add(name)
    for name in spec.required:
        if name not in seen and name not in DEFAULTED_COLUMNS:
            problems.append(
                Problem(
                    table.file,
                    f"required column is missing from {spec.name}",
                    sheet=table.sheet,
                    row=table.header_row,
                    column=name,
                )
            )
    return problems


def _row_data(columns: Sequence[str], cells: Sequence[str | None], defaults) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, cell in zip(columns, cells, strict=True):
        if name in ("loaded_by", "loaded_at") or cell is None or not cell.strip():
            continue
        # an export escaped text that a spreadsheet would run as a formula: undo it
        data[name] = unescape_formula(cell)
    for name, value in defaults.items():
        data.setdefault(name, value)
    return data


def _validation_problems(spec, table, row_number, data, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        column = str(error["loc"][0]) if error["loc"] else None
        if column is None and error["type"] in spec.columns:
            # a check across fields (a model validator) names its column as the error type
            column = error["type"]
        if column is not None:
            column = next((c for c in spec.columns if spec.field_for(c) == column), column)
        value = data.get(column) if column else None
        rule = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            rule = "a value is required"
        problems.append(
            Problem(table.file, rule, sheet=table.sheet, row=row_number, column=column, value=value)
        )
    return problems


def _key(spec: DatasetSpec, record: BaseModel) -> tuple:
    return tuple(getattr(record, spec.field_for(k)) for k in spec.key)


def _duplicate_problems(spec, table, records) -> list[Problem]:
    first: dict[tuple, int] = {}
    problems = []
    for row_number, record in records:
        key = _key(spec, record)
        if key in first:
            shown = ", ".join(str(getattr(k, "value", k)) for k in key)
            problems.append(
                Problem(
                    table.file,
                    f"duplicate key ({', '.join(spec.key)}) already on row {first[key]}",
                    sheet=table.sheet,
                    row=row_number,
                    column=spec.key[0],
                    value=shown,
                )
            )
        else:
            first[key] = row_number
    return problems


def _consistency_problems(spec, table, records) -> list[Problem]:
    """A savings line's own attributes must read the same on each of its year rows."""
    if spec.name != "savings":
        return []
    seen: dict[str, tuple[int, BaseModel]] = {}
    problems = []
    for row_number, record in records:
        if record.code not in seen:
            seen[record.code] = (row_number, record)
            continue
        first_row, first = seen[record.code]
        for name in LINE_FIELDS:
            if getattr(record, name) != getattr(first, name):
                problems.append(
                    Problem(
                        table.file,
                        f"differs from row {first_row} for the same savings line",
                        sheet=table.sheet,
                        row=row_number,
                        column=name,
                        value=getattr(getattr(record, name), "value", getattr(record, name)),
                    )
                )
    return problems


def _replacement_problems(store, spec, table, records) -> list[Problem]:
    """A replaced savings line names its replacement: a line in the store or in the file."""
    if spec.name != "savings":
        return []
    named = [(n, r) for n, r in records if getattr(r, "replaced_by", None) is not None]
    if not named:
        return []
    with store.engine.connect() as conn:
        known = {row[0] for row in conn.execute(select(schema.savings_lines.c.code))}
    known |= {record.code for _, record in records}
    return [
        Problem(
            table.file,
            "no such savings line: the replacement must be in the store or in this file",
            sheet=table.sheet,
            row=row_number,
            column="replaced_by",
            value=record.replaced_by,
        )
        for row_number, record in named
        if record.replaced_by not in known
    ]


def _reference_problems(store, spec, table, records) -> list[Problem]:
    if spec.name not in REFERENCES:
        return []
    column, target, parent = REFERENCES[spec.name]
    with store.engine.connect() as conn:
        known = {row[0] for row in conn.execute(select(target))}
    return [
        Problem(
            table.file,
            f"no such code in {parent}: import {parent} first",
            sheet=table.sheet,
            row=row_number,
            column=column,
            value=getattr(record, column),
        )
        for row_number, record in records
        if getattr(record, column) not in known
    ]
