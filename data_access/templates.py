"""Template files for every dataset: CSV, and XLSX with a notes sheet, each with example rows.

The example rows are the published templates' (``docs/templates``, written from the demo
council by ``docs/make_data_formats.py``); the notes are the column documentation of
``docs/data-formats.md`` (``data_access.column_docs``).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import polars as pl

from data_access.column_docs import describe
from data_access.datasets import DATASETS
from data_access.spreadsheet_files import write_csv, write_xlsx

TEMPLATES = Path(__file__).resolve().parent.parent / "docs" / "templates"
EXAMPLE_ROWS = 1


def template_frame(dataset: str) -> pl.DataFrame:
    """The dataset's columns in order, with an example row, every cell as text."""
    spec = DATASETS[dataset]
    published = pl.read_csv(TEMPLATES / f"{dataset}.csv", infer_schema=False, encoding="utf8")
    return published.select(spec.columns).head(EXAMPLE_ROWS)


def template_notes(dataset: str) -> dict[str, str]:
    spec = DATASETS[dataset]
    notes = {
        "dataset": f"{dataset}: {spec.description}",
        "how to use": (
            "One row per item, the header on the first row. Replace the example row with your "
            "own; every column is described below. Money is in pounds."
        ),
    }
    for column in spec.columns:
        notes[column] = describe(dataset, column) + (
            " (required)" if column in spec.required else " (optional)"
        )
    return notes


def template_bytes(dataset: str, fmt: str) -> bytes:
    """The template of ``dataset`` as a CSV or XLSX file (the workbook with a Notes sheet)."""
    frame = template_frame(dataset)
    if fmt == "csv":
        out = io.BytesIO()
        write_csv(frame, out)
        return out.getvalue()
    if fmt != "xlsx":
        raise ValueError("format must be csv or xlsx")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{dataset}.xlsx"
        write_xlsx(frame, path, sheet=dataset, notes=template_notes(dataset))
        return path.read_bytes()
