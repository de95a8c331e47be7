"""A CSV body read by polars (``csv_body``) gives the cells the general reader gives.

For every file of the bad-input corpus and for generated files (quoted commas and newlines,
doubled quotes, blank and space-only cells, short rows, blank lines, non-ASCII text, rows the
size of the head and past it), the table read with its body by polars is the table the csv
module reads, row for row and cell for cell; or the fast reader steps aside (None).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.files import (
    HEAD_ROWS,
    _csv_cells,
    _decode,
    _locate,
    _Look,
    _regular,
)
from data_access.workbook_checks import WorkbookLimits

CORPUS = Path(__file__).parent / "bad_inputs"
LIMITS = WorkbookLimits(
    max_parts=1000,
    max_part_bytes=2**28,
    max_total_bytes=2**29,
    max_ratio=100,
    max_rows=250_000,
    max_columns=200,
    max_cells=5_000_000,
)
LOOK = _Look(("code", "title", "target"))
HEADER = ["code", "title", "target", "note"]


def _general(name: str, text: str, delimiter: str = ","):
    try:
        return _locate(name, None, _csv_cells(name, text, LIMITS, delimiter), LOOK)
    except Exception as exc:  # the general reader's refusal: the fast one must step aside
        return type(exc)


def _same(name: str, text: str, delimiter: str = ",") -> bool:
    """Whether the fast reader read ``text`` as the general one does; False if it stepped
    aside."""
    expected = _general(name, text, delimiter)
    try:
        fast = _regular(name, text, LOOK, LIMITS, delimiter)
    except Exception as exc:
        assert isinstance(expected, type) and isinstance(exc, expected), (exc, expected)
        return False
    if fast is None:
        return False
    assert not isinstance(expected, type), f"the general reader refused {name}: {expected}"
    assert fast.columns == expected.columns
    assert fast.header_row == expected.header_row
    assert fast.all_rows == expected.rows
    assert fast.problems == expected.problems
    assert fast.reading == expected.reading
    assert fast.units == expected.units
    return True


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.csv")), ids=lambda p: p.name)
def test_each_corpus_file_reads_the_same_or_is_left_to_the_general_reader(path):
    data = path.read_bytes()
    try:
        text = _decode(path.name, data)
    except Exception:
        pytest.skip("not text the reader decodes: refused before either reader")
    _same(path.name, text)


def test_a_regular_file_past_the_head_is_read_by_polars():
    rows = [HEADER] + [[f"C{i}", f"Line {i}", f"{i}00.50", ""] for i in range(HEAD_ROWS * 3)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    assert _same("regular.csv", out.getvalue())


_CELL = st.one_of(
    st.just(""),
    st.sampled_from([" ", "\t", "\xa0", "\x1f", "  x ", "a,b", 'say "hi"', "two\nlines", "£1,500"]),
    st.sampled_from(["Total", "total savings", "Sub-total", "=1+1", "'=1+1", "ñandú", "\u200b"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=st.lists(
        st.lists(_CELL, min_size=0, max_size=5), min_size=HEAD_ROWS - 3, max_size=HEAD_ROWS + 20
    ),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    ending=st.sampled_from(["\n", "\r\n"]),
    titles=st.integers(0, 2),
    delimiter=st.sampled_from([",", ";"]),
)
def test_generated_files_read_the_same(body, quoting, ending, titles, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending, quoting=quoting, delimiter=delimiter)
    for i in range(titles):
        writer.writerow([f"Savings tracker {i}"])
    writer.writerow(HEADER)
    writer.writerows(body)
    text = out.getvalue()
    if "\r" in text.replace("\r\n", ""):
        return  # a cell holding a bare \r: the fast reader steps aside (checked above)
    _same("generated.csv", text, delimiter)


_TAME = st.one_of(
    st.just(""),
    st.sampled_from([" ", "\xa0", "\x1f", "a,b", 'say "hi"', "two\nlines", "ñandú", "=1+1"]),
    st.from_regex(r"[A-Za-z0-9 ]{1,10}", fullmatch=True),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.lists(st.lists(_TAME, min_size=0, max_size=4), min_size=HEAD_ROWS, max_size=60),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_generated_regular_bodies_are_read_by_polars_the_same(body, quoting):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=quoting)
    writer.writerow(HEADER)
    writer.writerows(body)
    _same("tame.csv", out.getvalue())
