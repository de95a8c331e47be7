"""Generate the bad-input corpus: one file per way a council file can be wrong.

Run ``python tests/bad_inputs/make_corpus.py`` from the repository root to rewrite the files
beside this script; the generated files are committed, and ``tests/test_import_rejections.py``
checks that they are still exactly what this script writes.

``MANIFEST`` maps each file name to the dataset it is imported as and the problems the importer
must report for it: every problem, no more, each with its rule fragment, spreadsheet row and
column (``None`` where the problem is about the whole file or the header).

Data rows are written without ``source``/``as_at`` columns, as a council system would export
them; the importer supplies those. Spreadsheet rows count from 1 with the header on row 1
unless a case says otherwise. XLSX variants write numbers and dates as typed cells where a
spreadsheet would hold them typed, text otherwise; the data sheet is called ``Data``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHEET = "Data"
# xlsxwriter stamps the workbook with this instead of "now" so regenerated files are identical
FIXED_TIME = datetime(2024, 4, 1, 9, 0, 0)

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Expect:
    """One problem the importer must report."""

    rule: str  # a fragment of the rule text
    row: int | None = None
    column: str | None = None
    value: str | None = None  # str(problem.value), checked when given
    sheet: str | None = None  # the sheet the problem names (CSV files have none)


@dataclass(frozen=True)
class Entry:
    file: str
    kind: str
    dataset: str
    expected: tuple[Expect, ...]
    # the file is bigger than this; the test lowers the import limit to it
    max_import_bytes: int | None = None


@dataclass(frozen=True)
class TableCase:
    """A table written as CSV and as XLSX, with the problems both must produce."""

    kind: str
    dataset: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    expected: tuple[Expect, ...]
    title_rows: tuple[tuple[Cell, ...], ...] = ()
    max_import_bytes: int | None = None
    formats: tuple[str, ...] = ("csv", "xlsx")
    xlsx_blank_rows: int = field(default=0)  # rows of formatted blank cells after the data


MONEY = "money must be a number of pounds with at most 2 decimal places"

AREAS = ("code", "title", "lead", "status", "rag", "commentary", "last_updated")
AREA_OK = ("IP90", "Hospital discharge", "Head of Localities", "In progress", "Amber", "", "")
MILESTONES = ("code", "area_code", "title", "owner", "due_date", "status", "completed_date")
SAVINGS = (
    "code",
    "financial_year",
    "title",
    "workstream",
    "cohort",
    "owner",
    "target",
    "forecast",
    "delivered",
    "brag_override",
    "override_reason",
)
BACKLOG = ("measure", "month", "team", "priority_band", "value", "target")
POSTS = ("code", "area_of_support", "post_title", "band", "fte", "start_date", "end_date", "cost")
ACTIONS = ("code", "committee", "meeting_date", "kind", "text", "owner", "due_date", "status")


def _savings(
    code: str = "BAD-S1",
    fy: Cell = "2024/25",
    title: str = "Reablement first",
    cohort: str = "older",
    target: Cell = 250000,
    forecast: Cell = 200000,
    delivered: Cell = "",
    brag: str = "",
    reason: str = "",
) -> tuple[Cell, ...]:
    return (
        code,
        fy,
        title,
        "Demand management",
        cohort,
        "Head of Finance",
        target,
        forecast,
        delivered,
        brag,
        reason,
    )


def _milestone(status: str = "In progress", completed: Cell = "", area: str = "IP01"):
    return (
        "BAD-M1",
        area,
        "Audit report to board",
        "Head of Safeguarding",
        date(2024, 6, 30),
        status,
        completed,
    )


def _post(
    fte: Cell = 1, start: Cell = date(2024, 4, 1), end: Cell = date(2025, 3, 31), cost: Cell = 52000
):
    return ("BAD-P1", "Older Adults", "Review officer", "Band 5", fte, start, end, cost)


def _action(meeting: Cell = date(2024, 3, 12), status: str = "Open"):
    return (
        "BAD-A1",
        "Adult Social Care Scrutiny",
        meeting,
        "action",
        "Report back on waiting times",
        "Director of Adult Services",
        "",
        status,
    )


def _backlog(measure: str = "waiting_review", value: Cell = 120):
    return (measure, "2024-03", "North locality", "High", value, "")


TABLE_CASES: tuple[TableCase, ...] = (
    TableCase(
        "missing_required_column",
        "savings",
        tuple(c for c in SAVINGS if c != "target"),
        (tuple(v for c, v in zip(SAVINGS, _savings(), strict=True) if c != "target"),),
        (Expect("required column is missing from savings", 1, "target"),),
    ),
    TableCase(
        "unknown_column",
        "areas",
        (*AREAS, "colour"),
        ((*AREA_OK, "blue"),),
        (Expect("unknown column for areas", 1, "colour"),),
    ),
    TableCase(
        "duplicate_column",
        "areas",
        (*AREAS, "title"),
        ((*AREA_OK, "Hospital discharge again"),),
        (Expect("column appears twice", 1, "title"),),
    ),
    TableCase(
        "duplicate_keys",
        "areas",
        AREAS,
        (AREA_OK, ("IP91", "Transitions", "", "Not started", "", "", ""), AREA_OK),
        (Expect("duplicate key (code) already on row 2", 4, "code", "IP90"),),
    ),
    TableCase(
        # the same line and year spelt two ways is still the same key
        "duplicate_keys_normalised_year",
        "savings",
        SAVINGS,
        (_savings(fy="2024/25"), _savings(fy="2024-25")),
        (
            Expect(
                "duplicate key (code, financial_year) already on row 2",
                3,
                "code",
                "BAD-S1, 2024/25",
            ),
        ),
    ),
    TableCase(
        "non_numeric_money",
        "savings",
        SAVINGS,
        (_savings(target="about £2m"),),
        (Expect(MONEY, 2, "target", "about £2m"),),
    ),
    TableCase(
        "negative_amount",
        "savings",
        SAVINGS,
        (_savings(target=-1500),),
        (Expect("amount cannot be negative", 2, "target"),),
    ),
    TableCase(
        "negative_amount_bracketed",
        "posts",
        POSTS,
        (_post(cost="(1,500.00)"),),
        (Expect("amount cannot be negative", 2, "cost", "(1,500.00)"),),
    ),
    TableCase(
        "money_three_decimals",
        "savings",
        SAVINGS,
        (_savings(forecast=1500.505),),
        (Expect(MONEY, 2, "forecast", "1500.505"),),
    ),
    TableCase(
        "impossible_date",
        "areas",
        AREAS,
        (AREA_OK[:6] + ("31/02/2024",),),
        (Expect("no such date", 2, "last_updated", "31/02/2024"),),
    ),
    TableCase(
        "us_date",
        "actions",
        ACTIONS,
        (_action(meeting="03/31/2024"),),
        (Expect("no such date", 2, "meeting_date", "03/31/2024"),),
    ),
    TableCase(
        "unknown_status_areas",
        "areas",
        AREAS,
        (("IP90", "Hospital discharge", "", "Nearly there", "", "", ""),),
        (Expect("unknown status; allowed: Routine activity", 2, "status", "Nearly there"),),
    ),
    TableCase(
        "unknown_status_milestones",
        "milestones",
        MILESTONES,
        (_milestone(status="Finished"),),
        (Expect("unknown status; allowed: Not started, In progress", 2, "status", "Finished"),),
    ),
    TableCase(
        "unknown_status_actions",
        "actions",
        ACTIONS,
        (_action(status="Closed"),),
        (Expect("unknown status; allowed: Open, In progress, Done, Noted", 2, "status", "Closed"),),
    ),
    TableCase(
        "unknown_rag",
        "areas",
        AREAS,
        (AREA_OK[:4] + ("Purple",) + AREA_OK[5:],),
        (Expect("Input should be 'Red', 'Amber' or 'Green'", 2, "rag", "Purple"),),
    ),
    TableCase(
        "unknown_brag",
        "savings",
        SAVINGS,
        (_savings(brag="Purple", reason="Finance say so"),),
        (
            Expect(
                "Input should be 'Blue', 'Green', 'Amber' or 'Red'", 2, "brag_override", "Purple"
            ),
        ),
    ),
    TableCase(
        "unknown_cohort",
        "savings",
        SAVINGS,
        (_savings(cohort="adults"),),
        (Expect("Input should be 'younger', 'older' or 'all-age'", 2, "cohort", "adults"),),
    ),
    TableCase(
        "financial_year_fy23",
        "savings",
        SAVINGS,
        (_savings(fy="FY23"),),
        (Expect("financial year must be written like 2023/24", 2, "financial_year", "FY23"),),
    ),
    TableCase(
        "financial_year_two_years_apart",
        "savings",
        SAVINGS,
        (_savings(fy="2023/25"),),
        (Expect("second year must follow its first", 2, "financial_year", "2023/25"),),
    ),
    TableCase(
        "unknown_measure",
        "backlog",
        BACKLOG,
        (_backlog(measure="waiting_list"),),
        (Expect("Input should be 'waiting_review'", 2, "measure", "waiting_list"),),
    ),
    TableCase(
        "count_not_whole",
        "backlog",
        BACKLOG,
        (_backlog(value=12.5),),
        (Expect("must be a whole number", 2, "value", "12.5"),),
    ),
    TableCase(
        "completed_date_not_complete",
        "milestones",
        MILESTONES,
        (_milestone(status="In progress", completed=date(2024, 3, 1)),),
        (
            Expect(
                "a completed date is only allowed when the status is Complete", 2, "completed_date"
            ),
        ),
    ),
    TableCase(
        "brag_override_without_reason",
        "savings",
        SAVINGS,
        (_savings(brag="Red"),),
        (Expect("a BRAG override needs a reason", 2, "override_reason"),),
    ),
    TableCase(
        "end_before_start",
        "posts",
        POSTS,
        (_post(start=date(2024, 4, 1), end=date(2024, 3, 31)),),
        (Expect("end_date is before start_date", 2, "end_date"),),
    ),
    TableCase(
        "fte_zero",
        "posts",
        POSTS,
        (_post(fte=0),),
        (Expect("FTE must be more than 0", 2, "fte", "0"),),
    ),
    TableCase(
        "fte_negative",
        "posts",
        POSTS,
        (_post(fte=-0.5),),
        (Expect("FTE must be more than 0", 2, "fte", "-0.5"),),
    ),
    TableCase(
        "savings_line_attributes_differ",
        "savings",
        SAVINGS,
        (
            _savings(fy="2024/25", title="Reablement first"),
            _savings(fy="2025/26", title="Reablement first"),
            _savings(fy="2026/27", title="Reablement first (revised)", cohort="all-age"),
        ),
        (
            Expect(
                "differs from row 2 for the same savings line",
                4,
                "title",
                "Reablement first (revised)",
            ),
            Expect("differs from row 2 for the same savings line", 4, "cohort", "all-age"),
        ),
    ),
    TableCase(
        "milestone_area_not_in_store",
        "milestones",
        MILESTONES,
        (_milestone(area="IP01"), ("BAD-M2",) + _milestone(area="IP99")[1:]),
        (Expect("no such code in areas: import areas first", 3, "area_code", "IP99"),),
    ),
    TableCase(
        "header_only",
        "areas",
        AREAS,
        (),
        (Expect("file has a header row but no data rows", 1),),
    ),
    TableCase(
        # every bad row is reported, not only the first; the good rows are not written either
        "several_bad_rows",
        "savings",
        SAVINGS,
        (
            _savings(code="BAD-S1"),
            _savings(code="BAD-S2", target="£1,2,00"),
            _savings(code="BAD-S3", fy="FY23"),
            _savings(code="BAD-S4"),
            _savings(code="BAD-S5", cohort="children"),
            _savings(code="BAD-S6", delivered=-10),
            _savings(code="BAD-S7", title=""),
            _savings(code="BAD-S8", brag="Green"),
        ),
        (
            Expect(MONEY, 3, "target", "£1,2,00"),
            Expect("financial year must be written like 2023/24", 4, "financial_year", "FY23"),
            Expect("Input should be 'younger', 'older' or 'all-age'", 6, "cohort", "children"),
            Expect("amount cannot be negative", 7, "delivered"),
            Expect("a value is required", 8, "title"),
            Expect("a BRAG override needs a reason", 9, "override_reason"),
        ),
    ),
    TableCase(
        # title rows and a blank row above the header: problems name the spreadsheet's own row
        "title_rows_bad_date",
        "areas",
        AREAS,
        (AREA_OK[:6] + ("2024-03-31",), ("IP91",) + AREA_OK[1:6] + ("30/02/2024",)),
        (Expect("no such date", 7, "last_updated", "30/02/2024"),),
        title_rows=(
            (),
            ("Improvement plan areas",),
            ("Extracted 1 April 2024 from the performance system",),
            (),
        ),
    ),
    TableCase(
        "over_size_limit",
        "areas",
        AREAS,
        tuple((f"IP{n}", f"Area {n}", "", "In progress", "", "", "") for n in range(20, 40)),
        (Expect("the limit is 256 (ASCGOV_MAX_IMPORT_BYTES)"),),
        max_import_bytes=256,
    ),
)

# blank rows only: the CSV has rows of empty and whitespace cells, the XLSX formatted blank
# cells and whitespace text, but not one value
BLANK_ROWS_CSV = b",,,\r\n , ,\t,\r\n\r\n,,,\r\n"


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_bytes(case: TableCase) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in case.title_rows:
        writer.writerow([_csv_text(c) for c in row])
    writer.writerow(case.header)
    for row in case.rows:
        writer.writerow([_csv_text(c) for c in row])
    return out.getvalue().encode("utf-8")


def _workbook(path: Path):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": FIXED_TIME})
    return workbook


def write_xlsx(case: TableCase, path: Path) -> None:
    workbook = _workbook(path)
    sheet = workbook.add_worksheet(SHEET)
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    for row in case.title_rows:
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value))
        r += 1
    sheet.write_row(r, 0, case.header)
    for row in case.rows:
        r += 1
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    workbook.close()


def write_blank_rows_xlsx(path: Path) -> None:
    workbook = _workbook(path)
    sheet = workbook.add_worksheet(SHEET)
    shaded = workbook.add_format({"bg_color": "#DDEEFF"})
    for r in range(4):
        for c in range(5):
            sheet.write_blank(r, c, None, shaded)
    sheet.write_string(2, 1, " ")
    sheet.write_string(3, 3, "   ")
    workbook.close()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            archive.writestr(info, data)
    return out.getvalue()


_OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + bytes.fromhex("3e000300feff0900")
OLD_XLS = _OLE_HEADER + b"\x00" * (512 - len(_OLE_HEADER))
AREAS_CSV = csv_bytes(TableCase("", "areas", AREAS, (AREA_OK,), ()))


def _entries() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for case in TABLE_CASES:
        for fmt in case.formats:
            name = f"{case.kind}.{fmt}"
            expected = case.expected
            if fmt == "xlsx" and case.max_import_bytes is None:
                # problems found in a workbook's table name its sheet
                expected = tuple(replace(e, sheet=SHEET) for e in expected)
            entries[name] = Entry(name, case.kind, case.dataset, expected, case.max_import_bytes)

    def whole_file(name: str, kind: str, rule: str, sheet: str | None = None) -> None:
        entries[name] = Entry(name, kind, "areas", (Expect(rule, sheet=sheet),))

    whole_file("empty.csv", "empty_file", "file is empty")
    whole_file("empty.xlsx", "empty_file", "file is empty")
    whole_file("blank_rows_only.csv", "blank_rows_only", "every row is blank")
    whole_file("blank_rows_only.xlsx", "blank_rows_only", "every row is blank", sheet=SHEET)
    whole_file(
        "csv_really_xlsx.csv", "csv_really_xlsx", "file is named .csv but holds an Excel workbook"
    )
    whole_file("csv_binary.csv", "csv_binary", "file is named .csv but holds binary data")
    whole_file(
        "csv_bad_encoding.csv",
        "csv_bad_encoding",
        "text is neither UTF-8 nor Windows-1252 (byte 67)",
    )
    whole_file(
        "xlsx_really_csv.xlsx", "xlsx_really_csv", "file is named .xlsx but is not a workbook"
    )
    whole_file(
        "xlsx_really_xls.xlsx", "xlsx_really_xls", "file is named .xlsx but is an old .xls workbook"
    )
    whole_file("xlsx_corrupt.xlsx", "xlsx_corrupt", "workbook cannot be read")
    whole_file("old_format.xls", "old_xls", "old Excel .xls files are not read")
    whole_file("unsupported.ods", "unsupported_extension", "unsupported file type '.ods'")
    whole_file("unsupported.json", "unsupported_extension", "unsupported file type '.json'")
    return entries


MANIFEST: dict[str, Entry] = _entries()


def _whole_file_bytes(directory: Path) -> dict[str, bytes]:
    """Contents of the files that are not tables written both ways."""
    sample = directory / "_sample.xlsx"
    write_xlsx(TableCase("", "areas", AREAS, (AREA_OK,), ()), sample)
    workbook = sample.read_bytes()
    sample.unlink()
    encoded = AREAS_CSV.replace(b"Hospital discharge", b"Hospital \x81\x8d discharge")
    return {
        "empty.csv": b"",
        "empty.xlsx": b"",
        "blank_rows_only.csv": BLANK_ROWS_CSV,
        "csv_really_xlsx.csv": workbook,
        "csv_binary.csv": AREAS_CSV[:40] + b"\x00\x01\x02\x00" + AREAS_CSV[40:],
        "csv_bad_encoding.csv": encoded,
        "xlsx_really_csv.xlsx": AREAS_CSV,
        "xlsx_really_xls.xlsx": OLD_XLS,
        # a zip, as an xlsx is, but without a workbook inside
        "xlsx_corrupt.xlsx": _zip_bytes({"readme.txt": b"not a workbook"}),
        "old_format.xls": OLD_XLS,
        "unsupported.ods": _zip_bytes(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
        ),
        "unsupported.json": json.dumps([dict(zip(AREAS, AREA_OK, strict=True))], indent=2).encode(),
    }


def generate(directory: Path = HERE) -> list[Path]:
    """Write every corpus file into ``directory``; returns their paths in manifest order."""
    directory.mkdir(parents=True, exist_ok=True)
    raw = _whole_file_bytes(directory)
    cases = {case.kind: case for case in TABLE_CASES}
    written = []
    for name, entry in MANIFEST.items():
        path = directory / name
        if name in raw:
            path.write_bytes(raw[name])
        elif name == "blank_rows_only.xlsx":
            write_blank_rows_xlsx(path)
        elif name.endswith(".csv"):
            path.write_bytes(csv_bytes(cases[entry.kind]))
        else:
            write_xlsx(cases[entry.kind], path)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    paths = generate(target)
    print(f"wrote {len(paths)} files to {target}")
