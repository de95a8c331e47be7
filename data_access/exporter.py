"""``ascgov export``: a dataset to CSV or XLSX that opens safely in a spreadsheet (the writers
are in ``data_access.spreadsheet_files``, shared with the page downloads)."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from data_access.access import Permission, Principal, ScopeKind, refuse
from data_access.datasets import DATASETS
from data_access.spreadsheet_files import MONEY_FORMAT as MONEY_FORMAT  # re-exported
from data_access.spreadsheet_files import write_csv, write_xlsx
from data_access.store import Store
from data_access.vocab import Role


class NeedsPerson(ValueError):
    """A person-level dataset was asked for with no person to check it for."""


def export_frame(
    store: Store, dataset: str, *, as_at: date | None = None, actor: Principal | None = None
) -> pl.DataFrame:
    """The dataset as a file holds it. A person-level dataset (``cases``) is exported only to
    someone who may work with case records: a director all of it, an officer the rows of the
    teams assigned to them; anyone else (a member, an administrator) is refused and the
    refusal kept, and with no ``actor`` it is refused outright."""
    spec = DATASETS.get(dataset)
    if spec is None:
        raise ValueError(f"unknown dataset '{dataset}'; choose from {', '.join(DATASETS)}")
    if spec.person_level:
        if actor is None:
            raise NeedsPerson(
                f"{dataset} holds a row per person: export it as an officer or director "
                "(--as EMAIL, or ASCGOV_AS)"
            )
        if not actor.has(Permission.CASES):
            refuse(store, actor, Permission.CASES, f"export {dataset}")
    frame = spec.export(store, as_at)
    if spec.person_level and actor.role is Role.OFFICER:
        teams = sorted(actor.scope_values(ScopeKind.TEAM))
        frame = frame.filter(pl.col("team").is_in(teams))
    return frame


def export_file(
    store: Store,
    dataset: str,
    path: Path,
    *,
    fmt: str,
    as_at: date | None = None,
    actor: Principal | None = None,
) -> int:
    """Write the dataset to ``path``; returns the number of rows written."""
    frame = export_frame(store, dataset, as_at=as_at, actor=actor)
    if fmt == "csv":
        write_csv(frame, path)
    elif fmt == "xlsx":
        spec = DATASETS[dataset]
        notes = {
            "Dataset": f"{dataset}: {spec.description}",
            "Figures as at": as_at.isoformat() if as_at else "latest",
            "Exported at (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "Money": "Pounds, exact to the penny.",
            "Provenance": "source, source_kind, as_at and basis say where each row came from; "
            "loaded_by and loaded_at who loaded it and when.",
        }
        write_xlsx(frame, path, sheet=dataset, notes=notes)
    else:
        raise ValueError("format must be csv or xlsx")
    return frame.height


def export_bytes(
    store: Store,
    dataset: str,
    fmt: str,
    *,
    as_at: date | None,
    actor: Principal | None = None,
) -> bytes:
    """A whole dataset as ``ascgov export`` writes it, as the bytes of the file."""
    # the writers write to a path (xlsxwriter needs one to build the zip): write, read back
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{dataset}.{fmt}"
        export_file(store, dataset, path, fmt=fmt, as_at=as_at, actor=actor)
        return path.read_bytes()
