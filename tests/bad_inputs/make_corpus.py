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

Some cases lower a limit (``settings``) so that a small file can pass it. ``SPECIAL`` lists the
inputs that cannot be committed (a folder and a named pipe given as the file, a setting that
cannot be used); ``make_special`` makes them where the test asks.
"""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import sys
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

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


Settings = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Entry:
    file: str
    kind: str
    dataset: str
    expected: tuple[Expect, ...]
    # limits the test lowers (data_access.settings fields) so that a small file passes them
    settings: Settings = ()
    # environment variables the test sets (a setting that cannot be used)
    environment: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TableCase:
    """A table written as CSV and as XLSX, with the problems both must produce."""

    kind: str
    dataset: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    expected: tuple[Expect, ...]
    title_rows: tuple[tuple[Cell, ...], ...] = ()
    settings: Settings = ()
    formats: tuple[str, ...] = ("csv", "xlsx")
    xlsx_blank_rows: int = field(default=0)  # rows of formatted blank cells after the data
    # written without xlsxwriter, which refuses text longer than Excel's 32,767 characters
    raw_xlsx: bool = False


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
    workstream: str = "Demand management",
    owner: str = "Head of Finance",
) -> tuple[Cell, ...]:
    return (
        code,
        fy,
        title,
        workstream,
        cohort,
        owner,
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


def _backlog(
    measure: str = "waiting_review",
    value: Cell = 120,
    team: str = "North locality",
    band: str = "High",
):
    return (measure, "2024-03", team, band, value, "")


def _long(count: int) -> str:
    """Text of ``count`` characters that compresses as prose does, not as one letter repeated."""
    words = " ".join(f"word{n}" for n in range(count // 5 + 2))
    return words[: count - 1] + "."  # not a space: a spreadsheet may trim one at the end


AREAS_WITH_SOURCE = (*AREAS, "source")
REPORTED = ("code", "label", "dataset", "scope", "reported_value")


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
        (
            Expect(
                "unknown RAG rating; allowed: Red, Amber, Green (in any case)", 2, "rag", "Purple"
            ),
        ),
    ),
    TableCase(
        "unknown_brag",
        "savings",
        SAVINGS,
        (_savings(brag="Purple", reason="Finance say so"),),
        (
            Expect(
                "unknown BRAG rating; allowed: Red, Amber, Green, Blue (in any case)",
                2,
                "brag_override",
                "Purple",
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
        settings=(("max_import_bytes", 256),),
    ),
    # numbers and text beyond what a column holds: refused alike on SQLite and PostgreSQL
    TableCase(
        "count_over_32_bits",
        "backlog",
        BACKLOG,
        (_backlog(value=2**31),),
        (Expect(f"must be a whole number from 0 to {2**31 - 1:,}", 2, "value", "2147483648"),),
    ),
    TableCase(
        "count_not_ascii_digits",
        "backlog",
        BACKLOG,
        (_backlog(value="\u0661\u0662"),),  # Arabic-Indic twelve
        (Expect("must be a whole number", 2, "value", "\u0661\u0662"),),
    ),
    TableCase(
        "money_over_64_bits",
        "savings",
        SAVINGS,
        (_savings(target="92233720368547758.08"),),  # 2**63 pence
        (
            Expect(
                "amount is too large: the most is £10,000,000,000.00",
                2,
                "target",
                "92233720368547758.08",
            ),
        ),
    ),
    TableCase(
        "money_over_ten_billion",
        "savings",
        SAVINGS,
        (_savings(target="10000000000.01"),),
        (
            Expect(
                "amount is too large: the most is £10,000,000,000.00",
                2,
                "target",
                "10000000000.01",
            ),
        ),
    ),
    TableCase(
        "reported_value_over_64_bits",
        "reported_totals",
        REPORTED,
        (("BAD-R1", "Total", "backlog", "measure=waiting_review", str(2**63)),),
        (Expect(f"less than or equal to {10**12}", 2, "reported_value", str(2**63)),),
    ),
    TableCase(
        "text_over_column_limits_areas",
        "areas",
        AREAS_WITH_SOURCE,
        (
            ("IP" + "9" * 39, *AREA_OK[1:], ""),
            ("IP91", "t" * 4001, *AREA_OK[2:], ""),
            ("IP92", AREA_OK[1], "l" * 4001, *AREA_OK[3:], ""),
            ("IP93", *AREA_OK[1:], "s" * 401),
            # free text: the longest a cell holds is accepted
            ("IP94", *AREA_OK[1:5], _long(32_767), "", ""),
        ),
        (
            Expect("String should have at most 40 characters", 2, "code"),
            Expect("String should have at most 4000 characters", 3, "title"),
            Expect("String should have at most 4000 characters", 4, "lead"),
            Expect("String should have at most 400 characters", 5, "source"),
        ),
        raw_xlsx=True,
    ),
    TableCase(
        # a cell longer than any column takes refuses the file before its values are checked,
        # every such cell listed
        "text_over_cell_limit",
        "areas",
        AREAS,
        ((*AREA_OK[:5], _long(32_768), ""), ("IP91", "t" * 32_768, *AREA_OK[2:])),
        (
            Expect(
                "text is 32,768 characters long; a cell may hold at most 32,767 (as in Excel)",
                2,
                "commentary",
            ),
            Expect(
                "text is 32,768 characters long; a cell may hold at most 32,767 (as in Excel)",
                3,
                "title",
            ),
        ),
        raw_xlsx=True,
    ),
    TableCase(
        "text_over_column_limits_backlog",
        "backlog",
        BACKLOG,
        (_backlog(team="t" * 201), _backlog(band="b" * 101)),
        (
            Expect("String should have at most 200 characters", 2, "team"),
            Expect("String should have at most 100 characters", 3, "priority_band"),
        ),
    ),
    TableCase(
        "text_over_column_limits_savings",
        "savings",
        SAVINGS,
        (_savings(workstream="w" * 401),),
        (Expect("String should have at most 400 characters", 2, "workstream"),),
    ),
    TableCase(
        "text_over_column_limits_actions",
        "actions",
        ACTIONS,
        (("BAD-A1", "c" * 201, *_action()[2:]),),
        (Expect("String should have at most 200 characters", 2, "committee"),),
    ),
    TableCase(
        # a CSV cell over the csv module's 131,072 characters was a traceback; the same text
        # in XLSX was accepted
        "cell_one_megabyte",
        "areas",
        AREAS,
        ((*AREA_OK[:5], _long(2**20), ""),),
        (
            Expect(
                "text is 1,048,576 characters long; a cell may hold at most 32,767 (as in Excel)",
                2,
                "commentary",
            ),
        ),
        raw_xlsx=True,
    ),
    # look-alike names: a character that shows as nothing makes a second team, code or line
    TableCase(
        "lookalike_names_backlog",
        "backlog",
        BACKLOG,
        (
            _backlog(team="North\u200b locality"),
            _backlog(band="High\u202e"),
            _backlog(team="\ufeffSouth locality"),
        ),
        (
            Expect(
                "contains an invisible character U+200B ZERO WIDTH SPACE at position 6",
                2,
                "team",
                "North\u200b locality",
            ),
            Expect(
                "contains an invisible character U+202E RIGHT-TO-LEFT OVERRIDE at position 5",
                3,
                "priority_band",
            ),
            Expect(
                "contains an invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE at position 1",
                4,
                "team",
            ),
        ),
    ),
    TableCase(
        "lookalike_names_areas",
        "areas",
        AREAS,
        (
            ("IP\u00ad09", *AREA_OK[1:]),
            ("IP91", "Hospital\u2060discharge", *AREA_OK[2:]),
            # free text keeps what was written: only the lead on this row is refused
            ("IP92", AREA_OK[1], "Head of\u200e Localities", *AREA_OK[3:5], "Agreed \u200d", ""),
        ),
        (
            Expect("contains an invisible character U+00AD SOFT HYPHEN at position 3", 2, "code"),
            Expect("contains an invisible character U+2060 WORD JOINER at position 9", 3, "title"),
            Expect(
                "contains an invisible character U+200E LEFT-TO-RIGHT MARK at position 8",
                4,
                "lead",
            ),
        ),
    ),
    TableCase(
        "lookalike_names_savings",
        "savings",
        SAVINGS,
        (
            _savings(workstream="Demand\u2066 management"),
            _savings(code="BAD-S2", owner="Head of\u061c Finance", brag="Red", reason="x\u200f"),
        ),
        (
            Expect(
                "contains an invisible character U+2066 LEFT-TO-RIGHT ISOLATE at position 7",
                2,
                "workstream",
            ),
            Expect(
                "contains an invisible character U+061C ARABIC LETTER MARK at position 8",
                3,
                "owner",
            ),
        ),
    ),
    TableCase(
        "version_not_a_number",
        "areas",
        (*AREAS, "version"),
        ((*AREA_OK, "inf"),),
        (Expect("version must be a whole number, at most 2,147,483,647", 2, "version", "inf"),),
    ),
    TableCase(
        "fte_not_a_number",
        "posts",
        POSTS,
        (_post(fte="sNaN"),),
        (Expect("FTE must be more than 0", 2, "fte", "sNaN"),),
    ),
    # how far a table reaches, with the limits lowered so that a small file passes them
    TableCase(
        "too_many_rows",
        "areas",
        AREAS,
        tuple((f"IP{n}", f"Area {n}", "", "In progress", "", "", "") for n in range(20, 30)),
        (Expect("values reach row 6 (cell A6); the limit is 5 rows (ASCGOV_MAX_IMPORT_ROWS)"),),
        settings=(("max_import_rows", 5),),
    ),
    TableCase(
        "too_many_columns",
        "areas",
        AREAS,
        (AREA_OK,),
        (
            Expect(
                "values reach column F (cell F1), column 6; the limit is 5 columns "
                "(ASCGOV_MAX_IMPORT_COLUMNS)"
            ),
        ),
        settings=(("max_import_columns", 5),),
    ),
    TableCase(
        "too_many_cells",
        "areas",
        AREAS,
        tuple((f"IP{n}", f"Area {n}", "", "In progress", "", "", "") for n in range(20, 30)),
        (Expect("values span 56 cells (A1:G8); the limit is 50 cells (ASCGOV_MAX_IMPORT_CELLS)"),),
        settings=(("max_import_cells", 50),),
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


# a minimal workbook written part by part, for what xlsxwriter will not write (text over
# 32,767 characters, cells far away, broken or hostile parts)
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_PART = "xl/worksheets/sheet1.xml"


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_xml(ref: str, value: Cell) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(_csv_text(value))}</t></is></c>'


def sheet_xml(rows: dict[int, dict[int, Cell]], padding: int = 0) -> bytes:
    """A worksheet holding ``rows`` ({row: {column: value}}, both from 1), inline text.

    ``padding`` spaces after the rows: XML that compresses a thousand times over.
    """
    body = []
    for r, cells in sorted(rows.items()):
        xml = "".join(
            _cell_xml(f"{_column(c)}{r}", v)
            for c, v in sorted(cells.items())
            if v not in ("", None)
        )
        body.append(f'<row r="{r}">{xml}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "".join(body) + " " * padding + "</sheetData></worksheet>"
    ).encode()


def raw_workbook(sheet: bytes, extra: dict[str, bytes] | None = None, method: int = 8) -> bytes:
    """A workbook of one sheet named ``Data``; ``method`` compresses the sheet part."""
    members = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        _SHEET_PART: sheet,
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = method if name == _SHEET_PART else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def _table_rows(case: TableCase) -> dict[int, dict[int, Cell]]:
    lines = [*case.title_rows, case.header, *case.rows]
    return {r: dict(enumerate(line, start=1)) for r, line in enumerate(lines, start=1)}


def _lying_sizes(workbook: bytes) -> bytes:
    """The workbook with its sheet's sizes stated 1,000 bytes short (the CRC left alone)."""
    data = bytearray(workbook)
    name = _SHEET_PART.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                (size,) = struct.unpack_from("<L", data, start + size_at)
                struct.pack_into("<L", data, start + size_at, size - 1000)
            start += 4
    return bytes(data)


def _duplicate_part(workbook: bytes) -> bytes:
    out = io.BytesIO(workbook)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the case
        with zipfile.ZipFile(out, "a") as archive:
            info = zipfile.ZipInfo(_SHEET_PART, date_time=FIXED_TIME.timetuple()[:6])
            archive.writestr(info, sheet_xml({1: {1: "code"}}))
    return out.getvalue()


_STYLES_BOMB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cellXfs count="130981">' + "<xf/>" * 130_981 + "</cellXfs></styleSheet>"
).encode()
_DOCTYPE_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&b;</t></si></sst>"
)
_AREAS_GRID = {1: dict(enumerate(AREAS, start=1)), 2: dict(enumerate(AREA_OK, start=1))}


def _bomb_bytes() -> dict[str, bytes]:
    """Workbooks that must be refused before the spreadsheet reader opens them."""
    corner = {1: dict(enumerate(AREAS, start=1)), 1_048_576: {16_384: "x"}}
    return {
        "xlsx_cell_at_xfd1048576.xlsx": raw_workbook(sheet_xml(corner)),
        "xlsx_far_column.xlsx": raw_workbook(sheet_xml({**_AREAS_GRID, 2: {703: "x"}})),
        "xlsx_compression_ratio.xlsx": raw_workbook(sheet_xml(_AREAS_GRID, padding=3_000_000)),
        "xlsx_sizes_lie.xlsx": _lying_sizes(raw_workbook(sheet_xml(_AREAS_GRID, padding=5000))),
        "xlsx_duplicate_part.xlsx": _duplicate_part(raw_workbook(sheet_xml(_AREAS_GRID))),
        "xlsx_compression_method.xlsx": raw_workbook(
            sheet_xml(_AREAS_GRID), method=zipfile.ZIP_BZIP2
        ),
        "xlsx_cell_formats.xlsx": raw_workbook(
            sheet_xml(_AREAS_GRID), {"xl/styles.xml": _STYLES_BOMB}
        ),
        "xlsx_doctype.xlsx": raw_workbook(
            sheet_xml(_AREAS_GRID), {"xl/sharedStrings.xml": _DOCTYPE_STRINGS}
        ),
    }


_OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + bytes.fromhex("3e000300feff0900")
OLD_XLS = _OLE_HEADER + b"\x00" * (512 - len(_OLE_HEADER))
AREAS_CSV = csv_bytes(TableCase("", "areas", AREAS, (AREA_OK,), ()))


# a real workbook from xlsxwriter, with a limit lowered below it
LOWERED: dict[str, tuple[str, Settings]] = {
    "xlsx_too_many_parts": (
        "the limit is 5 (ASCGOV_MAX_XLSX_PARTS)",
        (("max_xlsx_parts", 5),),
    ),
    "xlsx_part_too_big": (
        "the limit is 5,000 (ASCGOV_MAX_XLSX_PART_BYTES)",
        (("max_xlsx_part_bytes", 5000),),
    ),
    "xlsx_total_too_big": (
        "the limit is 10,000 (ASCGOV_MAX_XLSX_UNCOMPRESSED_BYTES)",
        (("max_xlsx_uncompressed_bytes", 10_000),),
    ),
    "xlsx_shared_strings": (
        "shared strings number more than 10, the most cells a sheet may hold; the limit is "
        "ASCGOV_MAX_IMPORT_CELLS",
        (("max_import_cells", 10),),
    ),
}


def _entries() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for case in TABLE_CASES:
        for fmt in case.formats:
            name = f"{case.kind}.{fmt}"
            expected = case.expected
            if fmt == "xlsx" and case.kind != "over_size_limit":
                # problems found in a workbook's table name its sheet
                expected = tuple(replace(e, sheet=SHEET) for e in expected)
            entries[name] = Entry(name, case.kind, case.dataset, expected, case.settings)

    def whole_file(
        name: str, kind: str, rule: str, sheet: str | None = None, settings: Settings = ()
    ) -> None:
        entries[name] = Entry(name, kind, "areas", (Expect(rule, sheet=sheet),), settings)

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
    _workbook_entries(whole_file)
    return entries


def _workbook_entries(whole_file) -> None:
    """Workbooks refused before the spreadsheet reader sees them, each naming its limit."""
    whole_file(
        "xlsx_cell_at_xfd1048576.xlsx",
        "xlsx_cell_at_xfd1048576",
        "values reach row 1,048,576 (cell XFD1048576); the limit is 250,000 rows "
        "(ASCGOV_MAX_IMPORT_ROWS)",
        sheet=SHEET,
    )
    whole_file(
        "xlsx_far_column.xlsx",
        "xlsx_far_column",
        "values reach column AAA (cell AAA2), column 703; the limit is 100 columns "
        "(ASCGOV_MAX_IMPORT_COLUMNS)",
        sheet=SHEET,
    )
    whole_file(
        "xlsx_compression_ratio.xlsx",
        "xlsx_compression_ratio",
        "the limit is 100 times (ASCGOV_MAX_XLSX_COMPRESSION_RATIO)",
    )
    whole_file(
        "xlsx_sizes_lie.xlsx",
        "xlsx_sizes_lie",
        'workbook is damaged: part "xl/worksheets/sheet1.xml" is not what its header says',
    )
    whole_file(
        "xlsx_duplicate_part.xlsx",
        "xlsx_duplicate_part",
        'workbook holds two parts named "xl/worksheets/sheet1.xml"',
    )
    whole_file(
        "xlsx_compression_method.xlsx",
        "xlsx_compression_method",
        'part "xl/worksheets/sheet1.xml" uses compression method 12, which Excel never writes',
    )
    whole_file(
        "xlsx_cell_formats.xlsx",
        "xlsx_cell_formats",
        "cell formats number more than 130,980, which Excel never writes",
    )
    whole_file(
        "xlsx_doctype.xlsx", "xlsx_doctype", "workbook XML declares a DTD, which Excel never writes"
    )
    for kind, (rule, settings) in LOWERED.items():
        whole_file(f"{kind}.xlsx", kind, rule, settings=settings)


# inputs that cannot be committed: made where the test asks (``make_special``)
SPECIAL: dict[str, Entry] = {
    "a_folder.csv": Entry(
        "a_folder.csv",
        "folder_as_file",
        "areas",
        (Expect("is a folder, not a file: name the file inside it"),),
    ),
    "a_pipe.csv": Entry(
        "a_pipe.csv",
        "pipe_as_file",
        "areas",
        (Expect("is a named pipe, not a file: save the data to a file first"),),
    ),
    "max_import_bytes_abc.csv": Entry(
        "max_import_bytes_abc.csv",
        "setting_not_a_number",
        "areas",
        (
            Expect(
                "ASCGOV_MAX_IMPORT_BYTES='abc' cannot be used: Input should be a valid integer, "
                "unable to parse string as an integer"
            ),
        ),
        environment=(("ASCGOV_MAX_IMPORT_BYTES", "abc"),),
    ),
}


def make_special(name: str, directory: Path) -> Path:
    """Make the special input ``name`` in ``directory``; returns its path."""
    path = directory / name
    if name == "a_folder.csv":
        path.mkdir()
        (path / "areas.csv").write_bytes(AREAS_CSV)
    elif name == "a_pipe.csv":
        os.mkfifo(path)  # nothing ever writes to it: opening it to read would wait for ever
    else:
        path.write_bytes(AREAS_CSV)
    return path


MANIFEST: dict[str, Entry] = _entries()


def _whole_file_bytes(directory: Path) -> dict[str, bytes]:
    """Contents of the files that are not tables written both ways."""
    sample = directory / "_sample.xlsx"
    write_xlsx(TableCase("", "areas", AREAS, (AREA_OK,), ()), sample)
    workbook = sample.read_bytes()
    rows = tuple((f"IP{n}", f"Area {n}", "", "In progress", "", "", "") for n in range(20, 30))
    write_xlsx(TableCase("", "areas", AREAS, rows, ()), sample)
    sample_rows = sample.read_bytes()
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
        **_bomb_bytes(),
        **{f"{kind}.xlsx": sample_rows for kind in LOWERED},
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
        elif cases[entry.kind].raw_xlsx:
            path.write_bytes(raw_workbook(sheet_xml(_table_rows(cases[entry.kind]))))
        else:
            write_xlsx(cases[entry.kind], path)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    paths = generate(target)
    print(f"wrote {len(paths)} files to {target}")
