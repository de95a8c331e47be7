"""``ascgov export``: a dataset to CSV or XLSX that opens safely in a spreadsheet (the writers
are in ``data_access.spreadsheet_files``, shared with the page downloads)."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from data_access.datasets import DATASETS
from data_access.spreadsheet_files import MONEY_FORMAT as MONEY_FORMAT  # re-exported
from data_access.spreadsheet_files import write_csv, write_xlsx
from data_access.store import Store


def export_frame(store: Store, dataset: str, *, as_at: date | None = None) -> pl.DataFrame:
    spec = DATASETS.get(dataset)
    if spec is None:
        raise ValueError(f"unknown dataset '{dataset}'; choose from {', '.join(DATASETS)}")
    return spec.export(store, as_at)


def export_file(
    store: Store, dataset: str, path: Path, *, fmt: str, as_at: date | None = None
) -> int:
    """Write the dataset to ``path``; returns the number of rows written."""
    frame = export_frame(store, dataset, as_at=as_at)
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


def export_bytes(store: Store, dataset: str, fmt: str, *, as_at: date | None) -> bytes:
    """A whole dataset as ``ascgov export`` writes it, as the bytes of the file."""
    # the writers write to a path (xlsxwriter needs one to build the zip): write, read back
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{dataset}.{fmt}"
        export_file(store, dataset, path, fmt=fmt, as_at=as_at)
        return path.read_bytes()
