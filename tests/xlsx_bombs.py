"""Workbooks that once took the importer down, built on the spot (too large to commit).

Each is written part by part with ``zipfile``, the sheet streamed, so that a gigabyte of XML
never sits in memory; each is small on disk. ``tests/test_xlsx_bombs.py`` imports them in a child
process under an address-space limit.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.bad_inputs.make_corpus import (
    _CONTENT_TYPES,
    _PACKAGE_RELS,
    _WORKBOOK,
    _WORKBOOK_RELS,
    FIXED_TIME,
)

SHEET_PART = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"
_STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
BACKLOG = ("measure", "month", "team", "priority_band", "value", "target")


def write_workbook(
    path: Path, sheet: Iterable[bytes], extra: dict[str, Iterable[bytes]] | None = None
) -> Path:
    """A one-sheet workbook (sheet ``Data``) whose sheet XML is ``sheet``'s chunks, in order."""
    parts = {SHEET_PART: sheet, **(extra or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _PACKAGE_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ):
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME.timetuple()[:6]), data)
        for name, chunks in parts.items():
            info = zipfile.ZipInfo(name, FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return path


def _text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _sheet(rows: Iterable[str], batch: int = 1000) -> Iterator[bytes]:
    yield _SHEET_HEAD
    pending: list[str] = []
    for row in rows:
        pending.append(row)
        if len(pending) == batch:
            yield "".join(pending).encode()
            pending = []
    yield "".join(pending).encode()
    yield _SHEET_TAIL


def corner(path: Path) -> Path:
    """A header and one value at XFD1048576: about 1.6 KB; the reader's grid is 17 billion cells."""
    header = "".join(_text(f"{c}1", name) for c, name in zip("ABCDEF", BACKLOG, strict=True))
    rows = [f'<row r="1">{header}</row>', '<row r="1048576">' + _text("XFD1048576", "x") + "</row>"]
    return write_workbook(path, _sheet(rows))


def repeated_rows(path: Path, rows: int, columns: int = 12) -> Path:
    """``rows`` identical rows of ``columns`` short text cells: compresses about 245 times."""
    cells = '<c t="inlineStr"><is><t>v</t></is></c>' * columns
    return write_workbook(path, _sheet(f"<row>{cells}</row>" for _ in range(rows)))


def varied_rows(path: Path, rows: int, columns: int = 24) -> Path:
    """Rows of ``columns`` short text cells and a number that differs on each row: compresses
    about 76 times, under the ratio limit, so the part's size is what refuses it."""
    cells = '<c t="inlineStr"><is><t>v</t></is></c>' * columns
    return write_workbook(
        path,
        _sheet(
            f'<row r="{n}">{cells}<c><v>{n * 7919 % 100003}</v></c></row>'
            for n in range(1, rows + 1)
        ),
    )


def one_cell_rows(path: Path, rows: int) -> Path:
    """``rows`` rows of one short text cell: compresses about 23 times, as real data might."""
    return write_workbook(
        path,
        _sheet(
            f'<row r="{n}"><c t="inlineStr"><is><t>x</t></is></c></row>' for n in range(1, rows + 1)
        ),
    )


def shared_strings(path: Path, count: int) -> Path:
    """A one-cell sheet and ``count`` shared strings (the reader holds every one): about 44
    times compression, under the ratio limit, so the count is what refuses it."""

    def strings() -> Iterator[bytes]:
        yield _STRINGS_HEAD
        for start in range(0, count, 10_000):
            stop = min(count, start + 10_000)
            yield "".join(f"<si><t>{n % 1500}</t></si>" for n in range(start, stop)).encode()
        yield b"</sst>"

    sheet = _sheet(['<row r="1">' + _text("A1", "measure") + "</row>"])
    return write_workbook(path, sheet, {"xl/sharedStrings.xml": strings()})


def backlog_rows(path: Path, rows: int) -> Path:
    """A valid backlog workbook of ``rows`` data rows (distinct keys), shared-string free."""
    measures = ("waiting_review", "waiting_ot_assessment", "reviews_completed")
    header = "".join(_text(f"{c}1", name) for c, name in zip("ABCDEF", BACKLOG, strict=True))

    def lines() -> Iterator[str]:
        yield f'<row r="1">{header}</row>'
        for n in range(rows):
            r = n + 2
            year, month = 2015 + (n // 12) % 10, n % 12 + 1
            team = f"Team {n // 360:05d}"
            yield (
                f'<row r="{r}">'
                + _text(f"A{r}", measures[(n // 120) % 3])
                + _text(f"B{r}", f"{year}-{month:02d}")
                + _text(f"C{r}", team)
                + _text(f"D{r}", "High")
                + f'<c r="E{r}"><v>{n % 500}</v></c><c r="F{r}"><v>{n % 97}</v></c></row>'
            )

    return write_workbook(path, _sheet(lines()))
