"""``ascgov import``: a file in, every problem found or every row written, never half of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError
from sqlalchemy import select

from data_access import cld_columns, cld_store, days, reading, schema
from data_access.access import (
    IMPORT_AS_EDIT,
    Permission,
    Principal,
    log_refusal,
    refuse,
)
from data_access.app_settings import configured_lists
from data_access.backlog_feed import Derivation, feed_backlog
from data_access.bulk import rows_by_key
from data_access.datasets import (
    DATASETS,
    KEYS,
    LINE_FIELDS,
    SYSTEM_COLUMNS,
    DatasetSpec,
    stored_values,
)
from data_access.files import RawTable, ReadLimits, read_table
from data_access.formulas import unescape_formula
from data_access.identifiers import (
    IDENTIFIER_FIX,
    NHS_NUMBER_ID_FIX,
    NHS_NUMBER_ID_RULE,
    identifier_kind,
    maybe_nhs_number,
    nhs_number_expr,
)
from data_access.limits import INTEGER_MAX
from data_access.measures import measures_in_force
from data_access.plain_cells import read_plain, reads_plainly, typed_schema
from data_access.problems import ImportRejected, Problem
from data_access.settings import get_settings
from data_access.store import StaleVersionError, Store
from data_access.vocab import Role, SourceKind
from data_access.writes import CHANGE_COLUMNS, UpsertResult

# provenance columns a file may leave out: the importer supplies them
DEFAULTED_COLUMNS = ("source", "as_at")

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
    sha256: str = ""  # of the file's bytes: "Apply" names the file it previewed
    # the versions of the dataset's tables the run read: "Apply" names the ones it previewed
    based_on: tuple[tuple[str, int], ...] = ()
    # a dry run's changes, one row per changed field: table, item, field, before, after
    changes: pl.DataFrame | None = field(default=None, compare=False, repr=False)
    # rows stored for the file's extract dates that a corrected extract left out (cases):
    # marked removed, never deleted
    removed: int = 0
    # backlog figures an extract's counts add or change (a cases import given ``derive``)
    figures_new: int = 0
    figures_changed: int = 0

    def __str__(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        removed = ""
        if self.removed:
            gone = "would remove" if self.dry_run else "removed"
            removed = f"; {gone} {self.removed} no longer in the extract"
        figures = ""
        if self.figures_new or self.figures_changed:
            figures = (
                f"; backlog figures from it: {self.figures_new} new, {self.figures_changed} changed"
            )
        return (
            f"{self.file}: {self.rows} rows of {self.dataset} checked; {verb} "
            f"{self.inserted} new, {self.updated} changed, {self.unchanged} unchanged"
            f"{removed}{figures}"
        )


class _DryRun(Exception):
    pass


# the rule of a problem for a row outside an officer's assignment (the page lists them apart)
OUTSIDE_ASSIGNMENT = "outside what you may edit"
NOT_PREVIEWED = "this is not the file you previewed"
STALE_PREVIEW = "the figures have changed since you previewed this file"


def import_file(
    store: Store,
    dataset: str,
    path: Path,
    *,
    actor: Principal,
    as_at: date | None = None,
    source: str | None = None,
    dry_run: bool = False,
    expected_sha256: str | None = None,
    based_on: Mapping[str, int] | None = None,
    sheet: str | None = None,
    derive: Derivation | None = None,
) -> ImportReport:
    """Validate every row of ``path``; write all of them in one transaction, or none.

    ``derive`` (``dashboard.domain.case_counts.backlog_counts``) counts a census extract's
    people as backlog figures, written in the same transaction (``backlog_feed``); without it a
    ``cases`` file feeds nothing.

    A workbook's visible sheet is read unless ``sheet`` names one (hidden or not).

    Officers may import only the datasets they edit, and only rows within their assignment;
    directors any dataset; members and administrators none (``NotPermitted``, logged).
    ``expected_sha256`` and ``based_on`` (a dry run's ``sha256`` and ``based_on``) refuse a file
    other than the one previewed, and a store changed since the preview.
    """
    spec = DATASETS.get(dataset)
    if spec is None:
        raise ValueError(f"unknown dataset '{dataset}'; choose from {', '.join(DATASETS)}")
    if not actor.may_import(dataset, []):
        refuse(store, actor, Permission.IMPORT, dataset)
    path = Path(path)
    # source and as_at are filled in below when a file has no such columns: the header row is
    # found by the columns a file must really have
    table = read_for_import(spec, path, sheet=sheet)
    if expected_sha256 is not None and table.sha256 != expected_sha256:
        raise ImportRejected(
            [
                Problem(
                    path.name,
                    f"{NOT_PREVIEWED}: nothing was written",
                    fix="preview the file again, then apply it",
                )
            ]
        )
    defaults = {
        "source": source or path.name,
        "source_kind": SourceKind.SYSTEM.value,
        "as_at": (as_at or days.today()).isoformat(),
    }
    typed, versions, problems = checked_rows(store, spec, table, defaults, actor)
    if problems:
        rejected = ImportRejected(problems)
        if dry_run:
            # the preview still shows what the rows without a problem would change
            wrong = [p.row for p in problems if p.row is not None]
            fine = typed.filter(~pl.col("row").is_in(wrong))
            rejected.report = _run(store, spec, table, fine, {}, actor, True, None, derive)
        raise rejected
    return _run(store, spec, table, typed, versions, actor, dry_run, based_on, derive)


def _run(store, spec, table, typed, versions, actor, dry_run, based_on, derive) -> ImportReport:
    # the rows as the writers take them: each field as stored, nothing of the file's own
    records = typed.drop("row", "version")
    run = _Run(spec, records, versions, actor.email, table.file, table.sha256, dry_run, based_on)
    run.derive = derive if spec.feeds_backlog else None
    # what a person-level file may replace: the importer's teams (None: every team)
    run.teams = actor.case_teams() if spec.person_level else None
    try:
        result = _write(store, run)
    except StaleVersionError as exc:
        raise ImportRejected([Problem(file=table.file, rule=str(exc), sheet=table.sheet)]) from None
    except _DryRun as done:
        result = done.args[0]
    return ImportReport(
        spec.name,
        table.file,
        table.row_count,  # every row read: a preview with problems counts the rest apart
        result.inserted,
        result.updated,
        result.unchanged,
        dry_run,
        (*table.reading, *result.notes),
        table.sha256,
        tuple(sorted(run.held.items())),
        run.changes,
        result.removed,
        run.fed.inserted,
        run.fed.updated,
    )


def read_for_import(spec: DatasetSpec, path: Path, *, sheet: str | None = None) -> RawTable:
    """The file as the importer validates it, each reading rule applied and stated in
    ``reading``; problems of shape and units in ``problems`` (``validate_table`` reports them)."""
    # source and as_at are filled in when a file has no such columns: the header row is found
    # by the columns a file must really have
    wanted = tuple(c for c in spec.required if c not in DEFAULTED_COLUMNS)
    if spec.name == "savings":
        # one column per year: the header names the line, not the year
        wanted = tuple(c for c in wanted if c not in ("financial_year", "target"))
    limits = ReadLimits.from_settings(get_settings())
    # CLD's identifiers and unused columns are dropped: a large file's cells of them go unread
    left_out = cld_columns.unread((*spec.columns, *SYSTEM_COLUMNS)) if spec.name == "cld" else None
    table = read_table(
        path, wanted=wanted, limits=limits, sheet=sheet, known=spec.columns, left_out=left_out
    )
    if spec.name == "cld":
        # DHSC's headers in a council's spelling; identifiers dropped and named
        table = cld_columns.prepared(table, (*spec.columns, *SYSTEM_COLUMNS))
    table, found = reading.with_rules(spec, table)
    return replace(table, problems=(*table.problems, *found))


@dataclass
class _Run:
    spec: DatasetSpec
    records: pl.DataFrame
    versions: dict[tuple, int]
    actor: str
    file: str
    digest: str
    dry_run: bool
    based_on: Mapping[str, int] | None
    held: dict[str, int] = field(default_factory=dict)
    changes: pl.DataFrame | None = None
    derive: Derivation | None = None
    teams: frozenset[str] | None = None
    fed: UpsertResult = field(default_factory=UpsertResult)


def _table_versions(conn, tables: Sequence[str]) -> dict[str, int]:
    """The versions of ``tables``, locked until the transaction ends (PostgreSQL; SQLite's
    write transaction already holds the database)."""
    statement = (
        select(schema.dataset_versions.c.dataset, schema.dataset_versions.c.version)
        .where(schema.dataset_versions.c.dataset.in_(tables))
        .with_for_update()
    )
    return {name: int(version) for name, version in conn.execute(statement).all()}


def _write(store: Store, run: _Run) -> UpsertResult:
    spec, records, versions = run.spec, run.records, run.versions
    actor, file, digest, dry_run = run.actor, run.file, run.digest, run.dry_run
    with store.write(actor) as tx:
        tx.rehearsal = dry_run
        tx.importing = (file, digest)
        # the backlog too when the extract feeds it: a preview names the figures it replaces
        tables = (*spec.tables, "backlog") if run.derive is not None else spec.tables
        run.held = _table_versions(tx.conn, tables)
        if run.based_on is not None and run.held != dict(run.based_on):
            raise ImportRejected(
                [
                    Problem(
                        file,
                        f"{STALE_PREVIEW} (someone saved {spec.name} since): nothing was written",
                        fix="preview the file again to see the changes as they now stand",
                    )
                ]
            )
        if versions:
            versions = _held_versions(tx.conn, spec, versions)
        options = {"teams": run.teams} if spec.person_level else {}
        if versions:
            options["expected_versions"] = versions
        result = spec.write(tx, records, **options)
        if run.derive is not None:
            run.fed = feed_backlog(tx, records, run.derive, run.teams)
        tx.audit(
            "import",
            "imports",
            f"{spec.name}:{file}",
            None,
            {
                "dataset": spec.name,
                "file": file,
                "sha256": digest,
                "rows": records.height,
                "inserted": result.inserted,
                "updated": result.updated,
                "unchanged": result.unchanged,
                **({"removed": result.removed} if result.removed else {}),
                **result.covers,
                **_fed_counts(run.fed),
            },
        )
        if dry_run:
            changes = [c for c in (result.changes, run.fed.changes) if c is not None]
            run.changes = change_frame(spec, pl.concat(changes) if changes else None)
            raise _DryRun(result)
    return result


def _fed_counts(fed: UpsertResult) -> dict[str, int]:
    if not (fed.inserted or fed.updated):
        return {}
    return {"backlog_inserted": fed.inserted, "backlog_updated": fed.updated}


def change_frame(spec: DatasetSpec, changes: pl.DataFrame | None) -> pl.DataFrame:
    """A rehearsal's changes (``writes.CHANGE_COLUMNS``: the table, the item by its entity key,
    the field, the values stored before and after as text), each field named by its file
    column, in order of table, item and field."""
    if changes is None or changes.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(CHANGE_COLUMNS, pl.String))
    columns = {name: spec.column_for(name) for name in spec.model.model_fields}
    return changes.with_columns(pl.col("field").replace(columns)).sort(
        "table", "item", "field", maintain_order=True
    )


def _held_versions(conn, spec: DatasetSpec, versions: dict[tuple, int]) -> dict[tuple, int]:
    """The expected versions of the rows the store holds.

    A version for a row the store has never held is no conflict: nothing deletes rows, so the
    file came from another store (an export loaded into a new database) and the row is new.
    """
    table = spec.row_table
    if table == schema.cld_events.name:
        return cld_store.held_versions(conn, versions)
    held = rows_by_key(conn, schema.metadata.tables[table], KEYS[table], list(versions))
    return {k: v for k, v in versions.items() if k in held}


def checked_rows(
    store: Store,
    spec: DatasetSpec,
    table: RawTable,
    defaults: dict[str, str],
    actor: Principal | None = None,
) -> tuple[pl.DataFrame, dict[tuple, int], list[Problem]]:
    """Every row that passed its own checks, typed (a ``row`` column with the file's row
    number, each model field as stored, and the ``version`` the row names); the versions by
    key; and every problem found, in row order. A problem with the columns stops at once.

    Plain cells are read a column at a time (``plain_cells``); every other row by the model,
    which gives each problem its message.
    """
    problems = _column_problems(spec, table)
    shape = list(table.problems)  # a totals row, a unit that cannot apply (``read_for_import``)
    if problems or any(p.row is None or p.row <= table.header_row for p in shape):
        raise ImportRejected([*shape, *problems])
    if not table.row_count:
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
    context = {"lists": configured_lists(store), "measures": measures_in_force(store)}
    # a refused row's problem is stated once, in reading's words
    refused_rows = {p.row for p in shape}
    cells = table.cells().filter(~pl.col("row").is_in(list(refused_rows)))
    schema_ = typed_schema(spec.model)
    if reads_plainly(spec.model):
        plain = read_plain(spec.model, cells, defaults, context)
        fast, others = plain.typed, set(plain.others)
    else:
        fast, others = pl.DataFrame(schema=schema_), set(cells["row"])
    checked = []
    # the rows the model reads, and only those: a large file's plain rows are never tuples
    slow = table.cells().filter(pl.col("row").is_in(list(others)))
    for row_number, *row_cells in slow.iter_rows():
        data = _row_data(table.columns, row_cells, defaults)
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
        checked.append({"row": row_number, **stored_values(record), "version": expected})
    if checked or not _in_row_order(fast):
        typed = pl.concat([fast, pl.DataFrame(checked, schema=schema_)]).sort("row")
    else:
        typed = fast  # a large file's rows, all plain, are read in order: no second pass
    if spec.person_level:
        problems = _nhs_number_ids(spec, table, problems)
    problems.extend(shape)
    problems.extend(_duplicate_problems(spec, table, typed))
    problems.extend(_consistency_problems(spec, table, typed))
    problems.extend(_reference_problems(store, spec, table, typed))
    problems.extend(_replacement_problems(store, spec, table, typed))
    if actor is not None:
        problems.extend(_scope_problems(store, actor, spec, table, typed))
    keys = [spec.field_for(k) for k in spec.key]
    named = typed.filter(pl.col("version").is_not_null()).select(*keys, "version")
    versions = {tuple(row[:-1]): row[-1] for row in named.iter_rows()}
    return typed, versions, sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _in_row_order(frame: pl.DataFrame) -> bool:
    """Whether each row number is greater than the one before (a sort would leave the frame
    as it is)."""
    return bool(frame.select(pl.col("row").diff().gt(0).all()).item())


def _nhs_number_ids(spec: DatasetSpec, table: RawTable, problems: list[Problem]) -> list[Problem]:
    """A person id that is an NHS number (``identifiers.is_nhs_number``), its row named and
    its value not repeated; any other problem of that cell is dropped, so that no message
    shows the number back."""
    column = spec.column_for("person_id")
    cells = table.cells()
    # each id checked once (a file names each person on many rows), in a lazy query: polars
    # then works out the digits once for the nine terms of the check digit
    ids = cells.lazy().filter(maybe_nhs_number(column)).select(pl.col(column).unique())
    ids = ids.with_columns(nhs_number_expr(column).alias("_nhs")).filter("_nhs").collect()
    if ids.is_empty():
        return problems
    found = cells.filter(pl.col(column).is_in(ids[column].implode()))["row"].to_list()
    if not found:
        return problems
    rows = set(found)
    kept = [p for p in problems if not (p.row in rows and p.column == column)]
    return kept + [
        Problem(
            table.file,
            NHS_NUMBER_ID_RULE,
            sheet=table.sheet,
            row=row_number,
            column=column,
            fix=NHS_NUMBER_ID_FIX,
        )
        for row_number in found
    ]


def _scope_problems(
    store: Store, actor: Principal, spec: DatasetSpec, table: RawTable, typed: pl.DataFrame
) -> list[Problem]:
    """Rows outside an officer's assignment: each named, and the attempt logged."""
    if actor.system or actor.role is not Role.OFFICER:
        return []
    permission, field = IMPORT_AS_EDIT[spec.name]
    column = spec.column_for(field)
    # each value asked about once: a file names a few teams or workstreams many times over
    refused = [v for v in typed[field].unique().to_list() if not actor.may(permission, v)]
    outside = typed.filter(pl.col(field).is_in(refused)).select("row", field)
    problems = [
        Problem(
            table.file,
            f"{OUTSIDE_ASSIGNMENT} ({permission.value}: ask a director to assign it)",
            sheet=table.sheet,
            row=row_number,
            column=column,
            value=value,
            fix="remove the row, or ask a director to add it to your assignment",
        )
        for row_number, value in outside.iter_rows()
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
        kind = identifier_kind(name) if spec.person_level and name not in allowed else None
        if kind is not None:
            # a direct identifier: the file is refused, one problem per such column
            problems.append(
                Problem(
                    table.file,
                    f"holds a direct identifier ({kind}), which is never stored: {IDENTIFIER_FIX}",
                    sheet=table.sheet,
                    row=table.header_row,
                    column=name,
                    fix=IDENTIFIER_FIX,
                )
            )
        elif not name:
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


_SET_BY_STORE = frozenset(("loaded_by", "loaded_at"))


def _row_data(columns: Sequence[str], cells: Sequence[str | None], defaults) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, cell in zip(columns, cells, strict=True):
        if cell is None or name in _SET_BY_STORE or not cell.strip():
            continue
        # an export escaped text that a spreadsheet would run as a formula: undo it
        data[name] = unescape_formula(cell) if cell[:1] == "'" else cell
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
        # a field read from a column per financial year is named by the file's own heading
        column = table.column_in_file(column, data.get("financial_year"))
        problems.append(
            Problem(table.file, rule, sheet=table.sheet, row=row_number, column=column, value=value)
        )
    return problems


def _duplicate_problems(spec, table, typed: pl.DataFrame) -> list[Problem]:
    keys = [spec.field_for(k) for k in spec.key]
    # no value of one key column twice: no key twice, found without grouping every row (the
    # column in one chunk: polars counts a large file's many chunks three times slower)
    if typed[keys[-1]].rechunk().n_unique() == typed.height:
        return []
    repeated = typed.select("row", *keys, pl.col("row").min().over(keys).alias("first")).filter(
        pl.col("row") != pl.col("first")
    )
    problems = []
    for row in repeated.iter_rows(named=True):
        shown = ", ".join(str(row[k]) for k in keys)
        problems.append(
            Problem(
                table.file,
                f"duplicate key ({', '.join(spec.key)}) already on row {row['first']}",
                sheet=table.sheet,
                row=row["row"],
                column=spec.key[0],
                value=shown,
            )
        )
    return problems


def _consistency_problems(spec, table, typed: pl.DataFrame) -> list[Problem]:
    """A savings line's own attributes must read the same on each of its year rows."""
    if spec.name != "savings":
        return []
    fields = [f for f in LINE_FIELDS if f != "code"]
    first = typed.group_by("code", maintain_order=True).agg(
        pl.col("row").first().alias("first_row"),
        *(pl.col(f).first().alias(f"first:{f}") for f in fields),
    )
    joined = typed.join(first, on="code")
    problems = []
    for name in fields:
        differing = joined.filter(pl.col(name).ne_missing(pl.col(f"first:{name}")))
        for row_number, first_row, value in differing.select("row", "first_row", name).iter_rows():
            problems.append(
                Problem(
                    table.file,
                    f"differs from row {first_row} for the same savings line",
                    sheet=table.sheet,
                    row=row_number,
                    column=name,
                    value=value,
                )
            )
    return problems


def _replacement_problems(store, spec, table, typed: pl.DataFrame) -> list[Problem]:
    """A replaced savings line names its replacement: a line in the store or in the file."""
    if spec.name != "savings":
        return []
    named = typed.filter(pl.col("replaced_by").is_not_null())
    if named.is_empty():
        return []
    with store.engine.connect() as conn:
        known = {row[0] for row in conn.execute(select(schema.savings_lines.c.code))}
    known |= set(typed["code"].to_list())
    return [
        Problem(
            table.file,
            "no such savings line: the replacement must be in the store or in this file",
            sheet=table.sheet,
            row=row_number,
            column="replaced_by",
            value=value,
        )
        for row_number, value in named.select("row", "replaced_by").iter_rows()
        if value not in known
    ]


def _reference_problems(store, spec, table, typed: pl.DataFrame) -> list[Problem]:
    if spec.name not in REFERENCES:
        return []
    column, target, parent = REFERENCES[spec.name]
    with store.engine.connect() as conn:
        known = [row[0] for row in conn.execute(select(target))]
    unknown = typed.filter(~pl.col(column).is_in(known)).select("row", column)
    return [
        Problem(
            table.file,
            f"no such code in {parent}: import {parent} first",
            sheet=table.sheet,
            row=row_number,
            column=column,
            value=value,
        )
        for row_number, value in unknown.iter_rows()
    ]
