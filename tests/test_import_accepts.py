"""What council systems really produce is accepted, and read exactly.

UTF-8 with a byte-order mark, Windows-1252 with '£' and '–', money with '£' and thousands
separators, UK and ISO dates, typed Excel cells, title rows above the header, trailing blank
rows, financial years in their three spellings; plus dry runs, idempotent re-imports and the
refusal of a file based on a row someone else has since changed.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from data_access import models, parsing, schema
from data_access.exporter import export_file
from data_access.importer import import_file
from data_access.problems import ImportRejected
from tests.conftest import DIRECTOR  # noqa: E402
from tests.store_snapshots import settle, snapshot

ACTOR = DIRECTOR
AS_AT = date(2024, 4, 1)
AREAS = ("code", "title", "lead", "status", "rag", "last_updated")
SAVINGS = ("code", "financial_year", "title", "workstream", "cohort", "target", "forecast")


def csv_text(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_workbook(path: Path, sheets: dict[str, list[list]], blank_tail: int = 0) -> Path:
    """Sheets of rows; str cells as text, numbers and datetimes typed; None left empty."""
    workbook = xlsxwriter.Workbook(str(path))
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    shaded = workbook.add_format({"bg_color": "#EEEEEE"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        for r in range(len(rows), len(rows) + blank_tail):
            # trailing rows a spreadsheet user formatted or typed spaces into
            for c in range(4):
                sheet.write_blank(r, c, None, shaded)
            sheet.write_string(r, 5, "  ")
    workbook.close()
    return path


# Read back through SQLAlchemy, not the ADBC loaders: on SQLite, an ADBC read between two
# writes makes later ADBC reads stale (see test_round_trip.py), which is not what these test.
def table_rows(store, table) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(table).order_by(table.c.id))]


def areas_by_code(store) -> dict[str, dict]:
    return {row["code"]: row for row in table_rows(store, schema.areas)}


def savings_by_key(store) -> dict[tuple[str, str], dict]:
    lines = {row["code"]: row for row in table_rows(store, schema.savings_lines)}
    return {
        (row["line_code"], row["financial_year"]): {**lines[row["line_code"]], **row}
        for row in table_rows(store, schema.savings_years)
    }


def _import(store, dataset, path, **kwargs):
    return import_file(store, dataset, path, actor=ACTOR, as_at=AS_AT, **kwargs)


# encodings -----------------------------------------------------------------------------------


def test_utf8_with_bom(sqlite_store, tmp_path):
    path = tmp_path / "areas.csv"
    text = csv_text(AREAS, [("A1", "Carers’ support – north", "", "In progress", "red", "")])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    report = _import(sqlite_store, "areas", path)

    assert (report.rows, report.inserted, report.updated, report.unchanged) == (1, 1, 0, 0)
    row = areas_by_code(sqlite_store)["A1"]
    assert row["title"] == "Carers’ support – north"
    assert row["rag"] == "Red"
    assert row["source"] == "areas.csv"
    assert row["source_kind"] == "system extract"
    assert row["as_at"] == AS_AT


def test_windows_1252_with_pound_and_en_dash(sqlite_store, tmp_path):
    path = tmp_path / "savings.csv"
    header = ("Code", "Financial Year", "Title", "Workstream", "Cohort", "Target", "Forecast")
    rows = [
        (
            "S1",
            "2024/25",
            "Reablement – phase 2",
            "Demand – front door",
            "Older",
            "£1,500.50",
            "£1,000",
        ),
    ]
    data = csv_text(header, rows).encode("cp1252")
    assert b"\xa3" in data and b"\x96" in data  # '£' and '–' as Windows-1252 bytes
    path.write_bytes(data)

    _import(sqlite_store, "savings", path)

    row = savings_by_key(sqlite_store)[("S1", "2024/25")]
    assert row["title"] == "Reablement – phase 2"
    assert row["workstream"] == "Demand – front door"
    assert row["cohort"] == "older"
    assert (row["target_pence"], row["forecast_pence"]) == (150050, 100000)


# money, dates, financial years ---------------------------------------------------------------


def test_money_with_pound_signs_thousands_separators_and_spaces(sqlite_store, tmp_path):
    path = tmp_path / "savings.csv"
    amounts = {
        "M1": ("£1,500.50", "1500.5"),
        "M2": ("£2,000,000", "2000000.00"),
        "M3": (" £ 12,345.67 ", "0.07"),
        "M4": ("£0", "999"),
    }
    rows = [
        (code, "2024/25", "Line", "Workstream", "all-age", target, forecast)
        for code, (target, forecast) in amounts.items()
    ]
    path.write_text(csv_text(SAVINGS, rows), encoding="utf-8")

    _import(sqlite_store, "savings", path)

    stored = {
        code: (row["target_pence"], row["forecast_pence"])
        for (code, _), row in savings_by_key(sqlite_store).items()
    }
    assert stored == {
        "M1": (150050, 150050),
        "M2": (200_000_000, 200_000_000),
        "M3": (1_234_567, 7),
        "M4": (0, 99900),
    }


def test_bracketed_negatives_where_a_negative_is_allowed():
    signed = TypeAdapter(models.SignedPence)
    assert signed.validate_python("(1,500)") == -150000
    assert signed.validate_python("(£1,500.25)") == -150025
    assert signed.validate_python("-£1,500") == -150000
    assert parsing.parse_money_pence("(1,500)", allow_negative=True) == -150000
    # every money column of every dataset is an amount that cannot be negative
    with pytest.raises(ValidationError, match="amount cannot be negative"):
        TypeAdapter(models.Pence).validate_python("(1,500)")


def test_uk_and_iso_dates(sqlite_store, tmp_path):
    path = tmp_path / "areas.csv"
    rows = [
        ("D1", "UK", "", "Complete", "", "31/03/2024"),
        ("D2", "UK short", "", "Complete", "", "1/4/2024"),
        ("D3", "ISO", "", "Complete", "", "2024-03-31"),
        ("D4", "ISO with midnight", "", "Complete", "", "2024-02-29 00:00:00"),
    ]
    path.write_text(csv_text(AREAS, rows), encoding="utf-8")

    _import(sqlite_store, "areas", path)

    stored = {code: row["last_updated"] for code, row in areas_by_code(sqlite_store).items()}
    assert stored == {
        "D1": date(2024, 3, 31),
        "D2": date(2024, 4, 1),
        "D3": date(2024, 3, 31),
        "D4": date(2024, 2, 29),
    }


def test_financial_years_normalised(sqlite_store, tmp_path):
    path = tmp_path / "savings.csv"
    rows = [
        ("F1", "2023-24", "Line", "W", "older", "100", ""),
        ("F1", "2024/2025", "Line", "W", "older", "200", ""),
        ("F2", "2023/2024", "Other", "W", "younger", "300", ""),
        ("F2", " 2024 / 25 ", "Other", "W", "younger", "400", ""),
    ]
    path.write_text(csv_text(SAVINGS, rows), encoding="utf-8")

    _import(sqlite_store, "savings", path)

    assert {k: r["target_pence"] for k, r in savings_by_key(sqlite_store).items()} == {
        ("F1", "2023/24"): 10000,
        ("F1", "2024/25"): 20000,
        ("F2", "2023/24"): 30000,
        ("F2", "2024/25"): 40000,
    }


# Excel ---------------------------------------------------------------------------------------


def test_excel_typed_dates_and_numbers(sqlite_demo_store, tmp_path):
    header = ["code", "area_code", "title", "due_date", "status", "completed_date"]
    path = write_workbook(
        tmp_path / "milestones.xlsx",
        {
            "Milestones": [
                header,
                ["X-M1", "IP01", "Typed", datetime(2024, 6, 30), "Complete", datetime(2024, 6, 1)],
                ["X-M2", "IP02", "Text", "30/09/2024", "not started", None],
            ]
        },
    )

    report = _import(sqlite_demo_store, "milestones", path)

    assert (report.rows, report.inserted) == (2, 2)
    rows = {r["code"]: r for r in table_rows(sqlite_demo_store, schema.milestones)}
    assert (rows["X-M1"]["due_date"], rows["X-M1"]["completed_date"]) == (
        date(2024, 6, 30),
        date(2024, 6, 1),
    )
    assert (rows["X-M2"]["due_date"], rows["X-M2"]["status"]) == (date(2024, 9, 30), "Not started")

    money = write_workbook(
        tmp_path / "posts.xlsx",
        {
            "Posts": [
                ["code", "area_of_support", "post_title", "fte", "cost", "start_date"],
                ["X-P1", "Older Adults", "Reviewer", 0.5, 26000.5, datetime(2024, 4, 1)],
                ["X-P2", "Younger Adults", "Reviewer", 2, 52000, "01/04/2024"],
            ]
        },
    )
    _import(sqlite_demo_store, "posts", money)
    posts = {r["code"]: r for r in table_rows(sqlite_demo_store, schema.posts)}
    assert (posts["X-P1"]["fte_hundredths"], posts["X-P1"]["cost_pence"]) == (50, 2_600_050)
    assert (posts["X-P2"]["fte_hundredths"], posts["X-P2"]["cost_pence"]) == (200, 5_200_000)
    assert posts["X-P1"]["start_date"] == posts["X-P2"]["start_date"] == date(2024, 4, 1)


def test_excel_title_rows_above_header_and_trailing_blank_rows(sqlite_store, tmp_path):
    rows = [
        [None],  # the sheet starts with an empty row
        ["Improvement plan: accountability areas"],
        ["Produced by the performance team", None, None, "Extracted 01/04/2024"],
        [None],
        ["Code", "Title", "Lead", "Status", "RAG", "Last updated"],
        ["T1", "Safeguarding", "Head of Safeguarding", "In progress", "Green", "31/03/2024"],
        ["T2", "Commissioning", None, "Not started", None, None],
    ]
    path = write_workbook(tmp_path / "areas.xlsx", {"Areas": rows}, blank_tail=5)

    report = _import(sqlite_store, "areas", path)

    assert (report.rows, report.inserted) == (2, 2)
    areas = areas_by_code(sqlite_store)
    assert sorted(areas) == ["T1", "T2"]
    assert (areas["T1"]["rag"], areas["T1"]["last_updated"]) == ("Green", date(2024, 3, 31))
    assert areas["T2"]["lead"] is None


def test_excel_with_a_cover_sheet_before_the_data(sqlite_store, tmp_path):
    path = write_workbook(
        tmp_path / "areas.xlsx",
        {
            "Cover": [["Improvement plan return"], ["Prepared by", "Performance team"]],
            "Areas": [list(AREAS), ["C1", "Safeguarding", None, "Complete", None, None]],
        },
    )

    report = _import(sqlite_store, "areas", path)

    assert (report.rows, report.inserted) == (1, 1)
    assert list(areas_by_code(sqlite_store)) == ["C1"]


def test_csv_trailing_blank_rows_ignored(sqlite_store, tmp_path):
    path = tmp_path / "areas.csv"
    text = csv_text(AREAS, [("B1", "Safeguarding", "", "Complete", "", "")])
    path.write_text(text + ",,,,,\r\n\r\n  , ,\t,,,\r\n", encoding="utf-8")

    report = _import(sqlite_store, "areas", path)

    assert (report.rows, report.inserted) == (1, 1)


# dry runs, re-imports, stale versions --------------------------------------------------------


def _areas_update_file(path: Path) -> Path:
    """Two new areas, one changed (IP01's RAG) and one unchanged (IP02) against the demo."""
    rows = [
        ("IP01", "Safeguarding Adults", "Head of Safeguarding", "Routine activity", "Red", ""),
        ("N1", "Hospital discharge", "", "In progress", "Amber", ""),
        ("N2", "Transitions", "", "Not started", "", ""),
    ]
    path.write_text(csv_text(AREAS, rows), encoding="utf-8")
    return path


def test_dry_run_reports_counts_and_writes_nothing(demo_store, tmp_path):
    path = _areas_update_file(tmp_path / "areas.csv")
    settle(demo_store)
    before = snapshot(demo_store)

    report = _import(demo_store, "areas", path, dry_run=True)

    assert report.dry_run is True
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 2, 1, 0)
    assert (
        str(report)
        == "areas.csv: 3 rows of areas checked; would write 2 new, 1 changed, 0 unchanged"
    )
    after = snapshot(demo_store)
    assert after == before  # versions, row counts and (SQLite) the bytes of every file
    assert areas_by_code(demo_store)["IP01"]["rag"] == "Green"


def test_reimporting_the_same_file_changes_nothing(demo_store, tmp_path):
    path = _areas_update_file(tmp_path / "areas.csv")
    first = _import(demo_store, "areas", path)
    assert (first.inserted, first.updated, first.unchanged) == (2, 1, 0)
    before = snapshot(demo_store)
    rows_before = table_rows(demo_store, schema.areas)

    again = _import(demo_store, "areas", path)

    assert (again.rows, again.inserted, again.updated, again.unchanged) == (3, 0, 0, 3)
    after = snapshot(demo_store)
    # no table's version moves; the audit trail records the import attempt and nothing else
    assert {k: v for k, v in after.versions.items() if k != "audit_events"} == {
        k: v for k, v in before.versions.items() if k != "audit_events"
    }
    assert after.versions["audit_events"] == before.versions["audit_events"] + 1
    assert after.counts["audit_events"] == before.counts["audit_events"] + 1
    assert {k: v for k, v in after.counts.items() if k != "audit_events"} == {
        k: v for k, v in before.counts.items() if k != "audit_events"
    }
    assert table_rows(demo_store, schema.areas) == rows_before
    audit = table_rows(demo_store, schema.audit_events)[-1]
    assert (audit["action"], audit["dataset"], audit["entity_key"]) == (
        "import",
        "imports",
        "areas:areas.csv",
    )


def test_stale_version_is_refused_saying_someone_else_changed_it(demo_store, tmp_path):
    exported = tmp_path / "areas_export.csv"
    export_file(demo_store, "areas", exported, fmt="csv")
    # meanwhile someone else changes IP01
    _import(demo_store, "areas", _areas_update_file(tmp_path / "areas.csv"))
    assert areas_by_code(demo_store)["IP01"]["version"] == 2
    # the first user edits their (now stale) export: a new commentary for IP02, IP01 as it was
    frame = pl.read_csv(exported, infer_schema=False).with_columns(
        commentary=pl.when(pl.col("code") == "IP02")
        .then(pl.lit("Updated by the first user"))
        .otherwise(pl.col("commentary"))
    )
    edited = tmp_path / "areas_edited.csv"
    frame.write_csv(edited)
    before = snapshot(demo_store)

    with pytest.raises(ImportRejected) as caught:
        _import(demo_store, "areas", edited)

    (problem,) = caught.value.problems
    assert problem.file == "areas_edited.csv"
    assert problem.rule == (
        "areas IP01 was changed by someone else since you opened it "
        "(you had version 1; it is now at version 2)"
    )
    assert snapshot(demo_store) == before
    assert areas_by_code(demo_store)["IP02"]["commentary"] != "Updated by the first user"


def test_current_versions_are_accepted(demo_store, tmp_path):
    exported = tmp_path / "areas_export.xlsx"
    export_file(demo_store, "areas", exported, fmt="xlsx")
    before = demo_store.dataset_versions()

    report = _import(demo_store, "areas", exported)

    assert (report.rows, report.inserted, report.updated, report.unchanged) == (19, 0, 0, 19)
    after = demo_store.dataset_versions()
    assert after["areas"] == before["areas"]


def test_a_version_for_a_row_this_store_never_held_is_no_conflict(store, tmp_path):
    """An export from another store (moving to a new database) carries versions of rows this
    store has never held; nothing deletes rows, so they are new here, not changed since."""
    path = tmp_path / "areas.csv"
    rows = [
        ("V1", "Safeguarding", "", "Complete", "", "", "3"),
        ("V2", "Carers", "", "", "", "", "1"),
    ]
    path.write_text(csv_text((*AREAS, "version"), rows), encoding="utf-8")
    with pytest.raises(ImportRejected, match='row 3, column "status"'):
        _import(store, "areas", path)  # the version column does not hide other problems

    path.write_text(csv_text((*AREAS, "version"), [rows[0]]), encoding="utf-8")
    report = _import(store, "areas", path)

    assert (report.rows, report.inserted) == (1, 1)
    assert areas_by_code(store)["V1"]["version"] == 1
