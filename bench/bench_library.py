"""Library against hand-written code (issue 10): where a library call replaced our own code, and
where our own code stayed because the library was slower.

Four comparisons, each timed in this process, the median of ``--repeats`` runs:

- CSV export of 100,000 rows: Python's csv module a cell at a time (before) against polars'
  ``write_csv`` with the formula escape as an expression (now). The two files must be the same
  bytes, or the run fails.
- The as-at rebuild of 200,000 rows' states (backlog rows as the audit history holds them):
  ``json.loads`` and a dict per row (before) against ``str.json_decode`` (now). The two frames
  must be equal, or the run fails.
- A briefing-pack table of 1,000 rows: the PDF's own line-by-line table (kept) against fpdf2's
  ``table()``, each into a fresh document written out.
- An XLSX sheet of 100,000 rows: the exporter's cell-by-cell xlsxwriter writer (kept) against
  polars' ``write_excel`` (the same xlsxwriter underneath) with the same number formats.

Usage: ``.venv/bin/python bench/bench_library.py [--repeats 3] [--csv-rows 100000]
[--states 200000] [--pdf-rows 1000] [--xlsx-rows 100000] [--json FILE]``; ``--smoke`` runs each
comparison once on a few rows in a temporary folder (the test suite runs it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import polars as pl  # noqa: E402
import record  # noqa: E402
from library_baselines import (  # noqa: E402
    backlog_states,
    export_like_frame,
    rebuild_by_rows,
    write_csv_by_rows,
)
from polars.testing import assert_frame_equal  # noqa: E402

from data_access.formulas import escape_formula_expr  # noqa: E402
from data_access.loaders import rebuild_from_states  # noqa: E402
from data_access.spreadsheet_files import DATE_FORMAT, MONEY_FORMAT, write_csv, write_xlsx  # noqa: E402

FULL = {"csv_rows": 100_000, "states": 200_000, "pdf_rows": 1_000, "xlsx_rows": 100_000}
SMOKE = {"csv_rows": 2_000, "states": 2_000, "pdf_rows": 40, "xlsx_rows": 500}


def median_s(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def compare_csv(rows: int, repeats: int, folder: Path) -> dict[str, float]:
    frame = export_like_frame(rows)
    before, now = folder / "rows.csv", folder / "polars.csv"
    figures = {
        "by_rows_s": median_s(lambda: write_csv_by_rows(frame, before), repeats),
        "polars_s": median_s(lambda: write_csv(frame, now), repeats),
    }
    if before.read_bytes() != now.read_bytes():
        raise SystemExit("CSV: polars' file differs from the row writer's")
    figures["mb"] = now.stat().st_size / 1e6
    return figures


def compare_as_at(rows: int, repeats: int) -> dict[str, float]:
    states = backlog_states(rows)
    figures = {
        "by_rows_s": median_s(lambda: rebuild_by_rows(states, "backlog"), repeats),
        "json_decode_s": median_s(lambda: rebuild_from_states(states, "backlog"), repeats),
    }
    assert_frame_equal(rebuild_from_states(states, "backlog"), rebuild_by_rows(states, "backlog"))
    return figures


def briefing_table(rows: int):
    """A savings table as a pack prints it: a typed table (money, dates, a rating) whose words
    are written before the timing starts, as a cached view's are."""
    from dashboard.domain.table import Column, Kind, Table

    frame = export_like_frame(rows)
    printable = pl.col("title").fill_null("").str.replace_all("[\t\r\n]", " ")
    values = frame.select(
        pl.col("code").alias("Code"),
        printable.alias("Savings line"),
        (pl.col("count").abs() * 100_000).cast(pl.Int64).alias("Target"),
        pl.col("due").alias("Due"),
        pl.when(pl.col("funded")).then(pl.lit("Green")).otherwise(pl.lit("Amber")).alias("BRAG"),
    )
    kinds = {"Target": Kind.MONEY, "BRAG": Column("BRAG", Kind.RATING, scale="BRAG")}
    table = Table.of("Savings lines", values, kinds)
    table.shown()
    return table


def _pdf_document():
    from dashboard.briefing.pdf import _Document
    from dashboard.views.blocks import Pack

    pdf = _Document(Pack("Bench council", date(2025, 3, 31), None, None, ()))
    pdf.add_page()
    return pdf


def pdf_by_lines(table) -> bytes:
    from dashboard.briefing.pdf import _table

    pdf = _pdf_document()
    _table(pdf, table)
    return bytes(pdf.output())


def pdf_by_fpdf_table(table) -> bytes:
    """The same table through fpdf2's ``table()``: same font, size, widths, alignment and
    heading fill, headings repeated on each page."""
    from fpdf.fonts import FontFace

    from dashboard.briefing.pdf import FONT, HEADING_FILL, _fitted, _Grid, _widths

    frame = table.shown()
    pdf = _pdf_document()
    size = 7.5 if frame.width > 6 else 8.5
    widths = _fitted(pdf, frame, _widths(frame, ()), size, _Grid.PAD)
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=widths,
        text_align=tuple("RIGHT" if a == "R" else "LEFT" for a in table.aligns()),
        line_height=size * 0.42,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        repeat_headings=1,
        padding=_Grid.PAD,
    ) as table:
        table.row(frame.columns)
        for values in frame.iter_rows():
            table.row(["" if v is None else str(v) for v in values])
    return bytes(pdf.output())


def compare_pdf(rows: int, repeats: int) -> dict[str, float]:
    frame = briefing_table(rows)
    return {
        "by_lines_s": median_s(lambda: pdf_by_lines(frame), repeats),
        "fpdf_table_s": median_s(lambda: pdf_by_fpdf_table(frame), repeats),
    }


def xlsx_by_polars(frame: pl.DataFrame, path: Path) -> None:
    """polars' ``write_excel`` with the exporter's formats and the same formula escape."""
    text = [n for n, t in frame.schema.items() if t == pl.String]
    formats = {n: MONEY_FORMAT for n, t in frame.schema.items() if isinstance(t, pl.Decimal)}
    formats |= {n: DATE_FORMAT for n, t in frame.schema.items() if t == pl.Date}
    formats |= {
        n: "dd/mm/yyyy hh:mm:ss" for n, t in frame.schema.items() if isinstance(t, pl.Datetime)
    }
    # Excel has no time zones: instants in UTC, as the exporter writes them
    instants = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    frame.with_columns(
        *(escape_formula_expr(n) for n in text),
        *(pl.col(n).dt.convert_time_zone("UTC").dt.replace_time_zone(None) for n in instants),
    ).write_excel(
        path,
        worksheet="export",
        column_formats=formats,
        autofilter=False,
        freeze_panes=(1, 0),
    )


def compare_xlsx(rows: int, repeats: int, folder: Path) -> dict[str, float]:
    frame = export_like_frame(rows)
    return {
        "by_cells_s": median_s(
            lambda: write_xlsx(frame, folder / "cells.xlsx", sheet="export"), repeats
        ),
        "polars_s": median_s(lambda: xlsx_by_polars(frame, folder / "polars.xlsx"), repeats),
    }


def run(sizes: dict[str, int], repeats: int, folder: Path) -> dict[str, float]:
    print(f"load average at the start: {record.load_average()}", flush=True)
    figures: dict[str, float] = {}
    steps = (
        (
            "csv",
            f"CSV export, {sizes['csv_rows']:,} rows",
            "by_rows_s",
            "polars_s",
            lambda: compare_csv(sizes["csv_rows"], repeats, folder),
        ),
        (
            "as_at",
            f"as-at rebuild, {sizes['states']:,} states",
            "by_rows_s",
            "json_decode_s",
            lambda: compare_as_at(sizes["states"], repeats),
        ),
        (
            "pdf",
            f"PDF table, {sizes['pdf_rows']:,} rows",
            "by_lines_s",
            "fpdf_table_s",
            lambda: compare_pdf(sizes["pdf_rows"], repeats),
        ),
        (
            "xlsx",
            f"XLSX sheet, {sizes['xlsx_rows']:,} rows",
            "by_cells_s",
            "polars_s",
            lambda: compare_xlsx(sizes["xlsx_rows"], repeats, folder),
        ),
    )
    for name, label, ours, library, compare in steps:
        measured = compare()
        ratio = measured[ours] / measured[library]
        print(
            f"{label}: {ours[:-2]} {measured[ours]:.3f} s, {library[:-2]} "
            f"{measured[library]:.3f} s; {library[:-2]} is "
            + (f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"),
            flush=True,
        )
        figures |= {f"{name}.{k}": v for k, v in measured.items()}
        figures[f"{name}.library_speedup"] = ratio
    print(f"load average at the end: {record.load_average()}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    for name, default in FULL.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    parser.add_argument("--smoke", action="store_true", help="once each, on a few rows")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else {name: getattr(args, name) for name in FULL}
    repeats = 1 if args.smoke else args.repeats
    with tempfile.TemporaryDirectory() as folder:
        figures = run(sizes, repeats, Path(folder))
    record.save(args.json, "bench_library", figures, sizes=sizes, repeats=repeats)


if __name__ == "__main__":
    main()
