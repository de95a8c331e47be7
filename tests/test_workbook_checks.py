"""How far a sheet reaches, as the checks count it before the spreadsheet reader sees it.

Only cells holding a value enter the reader's grid, so only they count: a formatted blank cell
far away, or a ``<dimension>`` that claims the whole sheet, does not make a workbook a bomb.
Cells without a reference follow the one before, as the reader places them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from data_access.problems import FileRejected
from data_access.settings import Settings
from data_access.workbook_checks import WorkbookLimits, check_workbook, column_letters
from tests.bad_inputs.make_corpus import raw_workbook

DEFAULTS = {name: field.default for name, field in Settings.model_fields.items()}
LIMITS = WorkbookLimits(
    max_parts=DEFAULTS["max_xlsx_parts"],
    max_part_bytes=DEFAULTS["max_xlsx_part_bytes"],
    max_total_bytes=DEFAULTS["max_xlsx_uncompressed_bytes"],
    max_ratio=DEFAULTS["max_xlsx_compression_ratio"],
    max_rows=DEFAULTS["max_import_rows"],
    max_columns=DEFAULTS["max_import_columns"],
    max_cells=DEFAULTS["max_import_cells"],
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(body: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (f'<?xml version="1.0"?><{p}worksheet {xmlns}="{MAIN}">{body}</{p}worksheet>').encode()


def _check(body: str, prefix: str = "") -> None:
    workbook = check_workbook("book.xlsx", raw_workbook(_sheet(body, prefix)), LIMITS)
    workbook.check_sheet("Data")


@pytest.mark.parametrize(
    ("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (100, "CV"), (16_384, "XFD")]
)
def test_column_letters(number, letters):
    assert column_letters(number) == letters


def test_a_formatted_blank_cell_and_a_lying_dimension_do_not_count():
    _check(
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="3"/></row></sheetData>'
    )


def test_cells_without_references_follow_the_one_before():
    cells = "<c><v>1</v></c>" * 101
    with pytest.raises(FileRejected) as caught:
        _check(f"<sheetData><row>{cells}</row></sheetData>")
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.rule) == (
        "Data",
        "values reach column CW (cell CW1), column 101; the limit is 100 columns "
        "(ASCGOV_MAX_IMPORT_COLUMNS)",
    )


def test_rows_without_numbers_follow_the_one_before():
    rows = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 6
    workbook = raw_workbook(_sheet(f"<sheetData>{rows}</sheetData>"))
    with pytest.raises(FileRejected) as caught:
        check_workbook("book.xlsx", workbook, replace(LIMITS, max_rows=5)).check_sheet("Data")
    assert caught.value.problems[0].rule == (
        "values reach row 6 (cell A6); the limit is 5 rows (ASCGOV_MAX_IMPORT_ROWS)"
    )


def test_elements_with_a_namespace_prefix_count_alike():
    with pytest.raises(FileRejected) as caught:
        _check(
            '<x:sheetData><x:row r="3"><x:c r="XFD3"><x:v>1</x:v></x:c></x:row></x:sheetData>', "x"
        )
    assert caught.value.problems[0].rule.startswith("values reach column XFD (cell XFD3)")


def test_a_formula_with_its_value_counts():
    with pytest.raises(FileRejected) as caught:
        _check('<sheetData><row r="1"><c r="DA1"><f>1+1</f><v>2</v></c></row></sheetData>')
    assert caught.value.problems[0].rule.startswith("values reach column DA (cell DA1)")
