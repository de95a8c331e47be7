"""Exports open safely in a spreadsheet: text that would run as a formula is escaped, numbers
stay numbers (a negative amount included), and escaping is undone on the way back in.

The CSV writer is polars' (issue 10); its files are the same bytes as the csv-module writer it
replaced (``bench/library_baselines.py``), on the demo store, on 100,000 rows and on any text."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from bench.library_baselines import escape_by_startswith, export_like_frame, write_csv_by_rows
from data_access import schema
from data_access.datasets import DATASETS
from data_access.exporter import MONEY_FORMAT, export_file, export_frame, write_csv, write_xlsx
from data_access.formulas import (
    FORMULA_TRIGGERS,
    escape_formula,
    escape_formula_expr,
    unescape_formula,
)
from data_access.importer import import_file
from tests.conftest import DIRECTOR, REPO  # noqa: E402

ACTOR = DIRECTOR
DANGEROUS = {
    "IP01": ("title", '=HYPERLINK("http://evil.example","Click")'),
    "IP02": ("title", "+44 20 7946 0000"),
    "IP03": ("lead", "-Director of Adult Services"),
    "IP04": ("commentary", "@SUM(A1:A9)"),
    "IP05": ("commentary", "\t=1+1"),
    "IP06": ("lead", "\r=cmd|' /C calc'!A0"),
}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _excel_text(value):
    """openpyxl leaves OOXML's escape of a carriage return as written; Excel reads it as CR."""
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def _xlsx_rows(path: Path, sheet: str) -> list[dict[str, openpyxl.cell.Cell]]:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def dangerous_store(sqlite_demo_store):
    """The demo council with text that a spreadsheet would run, written straight to the table
    (the models strip leading tabs and line breaks, so no import could store these)."""
    with sqlite_demo_store.engine.begin() as conn:
        for code, (column, text) in DANGEROUS.items():
            conn.execute(
                update(schema.areas).where(schema.areas.c.code == code).values({column: text})
            )
    sqlite_demo_store.dispose()  # before ADBC reads the file (see test_round_trip.quiesce)
    return sqlite_demo_store


def test_escape_formula_prefixes_exactly_the_trigger_characters():
    assert FORMULA_TRIGGERS == ("=", "+", "-", "@", "\t", "\r")
    for trigger in FORMULA_TRIGGERS:
        assert escape_formula(f"{trigger}x") == f"'{trigger}x"
    for safe in ("", "x=1", " =1", "'", "''", "'x=1", "£-5", "5", "O'Neill", "\n=1"):
        assert escape_formula(safe) == safe
    # apostrophes before a trigger get one more, which the importer takes off again
    assert escape_formula("'=1'") == "''=1'"
    assert escape_formula("''-5") == "'" + "''-5"


def test_csv_export_escapes_text_cells(dangerous_store, tmp_path):
    path = tmp_path / "areas.csv"
    export_file(dangerous_store, "areas", path, fmt="csv", actor=DIRECTOR)

    rows = {row["code"]: row for row in _csv_rows(path)}

    for code, (column, text) in DANGEROUS.items():
        assert rows[code][column] == "'" + text
    assert rows["IP07"]["title"] == "Quality assurance of casework"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(FORMULA_TRIGGERS), value


def test_xlsx_export_escapes_text_cells_and_writes_no_formulas(dangerous_store, tmp_path):
    path = tmp_path / "areas.xlsx"
    export_file(dangerous_store, "areas", path, fmt="xlsx", actor=DIRECTOR)

    rows = {row["code"].value: row for row in _xlsx_rows(path, "areas")}

    for code, (column, text) in DANGEROUS.items():
        cell = rows[code][column]
        assert (cell.data_type, _excel_text(cell.value)) == ("s", "'" + text)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["areas", "Notes"]
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if cell.data_type == "s":
                    assert not _excel_text(cell.value).startswith(FORMULA_TRIGGERS), cell.coordinate


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_escaped_exports_import_back_to_the_original_text(dangerous_store, tmp_path, fmt):
    path = tmp_path / f"areas.{fmt}"
    export_file(dangerous_store, "areas", path, fmt=fmt, actor=DIRECTOR)
    with dangerous_store.engine.begin() as conn:
        conn.execute(
            update(schema.areas).values(title="changed", version=schema.areas.c.version + 1)
        )
    dangerous_store.engine.dispose()

    with pytest.raises(Exception, match="changed by someone else"):
        import_file(dangerous_store, "areas", path, actor=ACTOR)  # the file's versions are old
    with dangerous_store.engine.begin() as conn:
        conn.execute(update(schema.areas).values(version=1))
    report = import_file(dangerous_store, "areas", path, actor=ACTOR)

    assert report.updated == 19  # every title back from "changed"
    with dangerous_store.engine.connect() as conn:
        stored = {row.code: row for row in conn.execute(schema.areas.select())}
    # the importer strips surrounding whitespace, as it does for every cell
    for code, (column, text) in DANGEROUS.items():
        assert getattr(stored[code], column) == text.strip()


def test_negative_numbers_stay_numbers(sqlite_demo_store, tmp_path):
    source = tmp_path / "totals.csv"
    source.write_text(
        "code,label,dataset,scope,reported_value\n"
        "RT-NEG,Net underspend,savings_target,workstream=X,-150050\n",
        encoding="utf-8",
    )
    import_file(sqlite_demo_store, "reported_totals", source, actor=ACTOR, as_at=date(2024, 4, 1))
    sqlite_demo_store.dispose()
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"
    export_file(sqlite_demo_store, "reported_totals", csv_path, fmt="csv", actor=DIRECTOR)
    export_file(sqlite_demo_store, "reported_totals", xlsx_path, fmt="xlsx", actor=DIRECTOR)

    (csv_row,) = [r for r in _csv_rows(csv_path) if r["code"] == "RT-NEG"]
    # pounds in the file, pence in the store, pounds again out
    assert csv_row["reported_value"] == "-150050.00"
    (xlsx_row,) = [
        r for r in _xlsx_rows(xlsx_path, "reported_totals") if r["code"].value == "RT-NEG"
    ]
    cell = xlsx_row["reported_value"]
    assert (cell.data_type, cell.value) == ("n", -150050)
    assert cell.number_format.endswith("0.00")


def test_negative_money_stays_a_formatted_number(tmp_path):
    frame = pl.DataFrame(
        {
            "label": ["-refund", "spend"],
            "amount": [Decimal("-1500.50"), Decimal("2000.00")],
            "count": [-3, 4],
        },
        schema={"label": pl.String, "amount": pl.Decimal(20, 2), "count": pl.Int64},
    )
    write_csv(frame, tmp_path / "f.csv")
    write_xlsx(frame, tmp_path / "f.xlsx", sheet="f")

    assert _csv_rows(tmp_path / "f.csv") == [
        {"label": "'-refund", "amount": "-1500.50", "count": "-3"},
        {"label": "spend", "amount": "2000.00", "count": "4"},
    ]
    first = _xlsx_rows(tmp_path / "f.xlsx", "f")[0]
    assert (first["label"].data_type, first["label"].value) == ("s", "'-refund")
    assert (first["amount"].data_type, first["amount"].value) == ("n", -1500.5)
    assert first["amount"].number_format == MONEY_FORMAT
    assert (first["count"].data_type, first["count"].value) == ("n", -3)


# properties ----------------------------------------------------------------------------------

# text a cell can hold: no surrogates or control characters other than tab, CR and LF
CELL_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\r\n=+-@'"),
    max_size=30,
)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings(max_examples=500, deadline=None)
@given(CELL_TEXT)
@example("'=1+1")
@example("''-5")
@example("'")
def test_escaping_makes_text_inert_and_importing_undoes_it(text):
    escaped = escape_formula(text)
    assert not escaped.startswith(FORMULA_TRIGGERS)
    assert unescape_formula(escaped) == text


@SETTINGS
@given(st.lists(CELL_TEXT, min_size=1, max_size=8))
def test_no_exported_text_cell_can_start_a_formula(tmp_path, texts):
    frame = pl.DataFrame({"text": texts, "other": [f"={t}" for t in texts]})
    write_csv(frame, tmp_path / "p.csv")
    write_xlsx(frame, tmp_path / "p.xlsx", sheet="p", notes={"Note": texts[0]})

    csv_rows = _csv_rows(tmp_path / "p.csv")
    assert [row["text"] for row in csv_rows] == [escape_formula(t) for t in texts]
    workbook = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n"), (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not _excel_text(cell.value).startswith(FORMULA_TRIGGERS), cell.value
    for row in csv_rows:
        for value in row.values():
            assert not value.startswith(FORMULA_TRIGGERS), value


@settings(max_examples=500, deadline=None)
@given(st.lists(CELL_TEXT | st.none(), max_size=20))
@example(["'=1+1", "''-5", "'", "", None, "\r", "O'Neill"])
def test_the_polars_escape_is_the_same_rule_as_the_python_one(texts):
    escaped = pl.select(escape_formula_expr(pl.Series(texts, dtype=pl.String))).to_series()

    assert escaped.to_list() == [None if t is None else escape_formula(t) for t in texts]
    assert escaped.to_list() == [None if t is None else escape_by_startswith(t) for t in texts]


def _both_writers(frame: pl.DataFrame, folder: Path) -> tuple[bytes, bytes]:
    write_csv(frame, folder / "polars.csv")
    write_csv_by_rows(frame, folder / "rows.csv")
    return (folder / "polars.csv").read_bytes(), (folder / "rows.csv").read_bytes()


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_csv_export_is_the_same_bytes_as_the_row_writer_on_the_demo_store(
    dangerous_store, tmp_path, dataset
):
    frame = export_frame(dangerous_store, dataset, actor=DIRECTOR)
    if frame.is_empty() and dataset in ("bridges", "cases", "cld"):
        # the seeds state no budget-monitoring bridge and no person, so the demo holds none:
        # load the template's
        from data_access.importer import import_file

        template = REPO / "docs" / "templates" / f"{dataset}.csv"
        import_file(dangerous_store, dataset, template, actor=DIRECTOR)
        frame = export_frame(dangerous_store, dataset, actor=DIRECTOR)
    assert frame.height > 0

    ours, before = _both_writers(frame, tmp_path)

    assert ours == before


def test_csv_export_is_the_same_bytes_as_the_row_writer_on_100000_rows(tmp_path):
    frame = export_like_frame(100_000)

    ours, before = _both_writers(frame, tmp_path)

    assert ours.startswith(
        b"\xef\xbb\xbfcode,title,commentary,amount,count,due,loaded_at,funded\r\n"
    )
    assert ours == before


CELLS = {
    "text": CELL_TEXT | st.none(),
    "money": st.none() | st.decimals(-(10**12), 10**12, places=2, allow_nan=False),
    "count": st.none() | st.integers(-(2**63), 2**63 - 1),
    "day": st.none() | st.dates(),
    "instant": st.none() | st.datetimes(timezones=st.just(UTC)),
    "flag": st.none() | st.booleans(),
}
DTYPES = {
    "text": pl.String,
    "money": pl.Decimal(38, 2),
    "count": pl.Int64,
    "day": pl.Date,
    "instant": pl.Datetime("us", "UTC"),
    "flag": pl.Boolean,
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(list(CELLS)), min_size=1, max_size=4, unique=True).flatmap(
        lambda kinds: st.tuples(
            st.just(kinds),
            st.lists(st.tuples(*(CELLS[k] for k in kinds)), max_size=6),
        )
    )
)
@example((["text"], [("",), (None,), ("=1",)]))  # a lone empty cell is quoted by both
@example((["instant"], [(datetime(2024, 3, 31, 23, 0, tzinfo=UTC),)]))
def test_csv_export_is_the_same_bytes_as_the_row_writer_on_any_cells(tmp_path_factory, table):
    kinds, rows = table
    frame = pl.DataFrame(rows, schema={k: DTYPES[k] for k in kinds}, orient="row")

    ours, before = _both_writers(frame, tmp_path_factory.mktemp("cells"))

    assert ours == before


def test_categorical_text_is_escaped_and_a_column_csv_cannot_hold_is_refused(tmp_path):
    frame = pl.DataFrame({"rating": ["=1", "Green"]}, schema={"rating": pl.Categorical})
    write_csv(frame, tmp_path / "c.csv")
    assert [row["rating"] for row in _csv_rows(tmp_path / "c.csv")] == ["'=1", "Green"]

    with pytest.raises(TypeError, match=r"column 'parts' holds List\(Int64\)"):
        write_csv(pl.DataFrame({"parts": [[1, 2]]}), tmp_path / "l.csv")
