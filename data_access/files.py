"""Reading the tables council systems really produce: messy CSV and Excel workbooks.

The result is text cells with the spreadsheet row number of each row, the header located even
below title rows; nothing here knows about datasets beyond the columns it looks for.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import polars as pl

from data_access.csv_body import body_frame, empty_body
from data_access.limits import CELL_CHARS
from data_access.problems import FileRejected, ImportRejected, Problem
from data_access.workbook_checks import (
    Extent,
    ExtentPassed,
    SheetLayout,
    WorkbookLimits,
    check_workbook,
    column_letters,
)

# said by ``ascgov import`` and on the Load a file page alike, so it names no command: the
# CLI chooses a sheet by name with --sheet, the page with its sheet picker
EVERY_SHEET_HIDDEN = "every sheet is hidden: unhide the sheet to load, or choose it by name"
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 20
# the rows the general reader reads before a regular body (``csv_body``): the header search,
# and the row below the header that may make it a two-row header
HEAD_ROWS = HEADER_SEARCH_ROWS + 2
# the bytes checked as UTF-8 at a time: the check holds no copy of a large file as text
_CHECK_BYTES = 1 << 24
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# the csv module's own cell limit (131,072 characters) stops a file mid-way with an error that
# names neither row nor column; the limit that applies is CELL_CHARS, checked with both, the
# same for CSV and XLSX
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class RawTable:
    """Text cells of one table; ``rows`` pairs each spreadsheet row number with its cells."""

    file: str
    sheet: str | None
    header_row: int
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str | None, ...]], ...]
    sha256: str = ""  # of the file's bytes as read
    # what was read and how, in words for the preview and the success line: the sheet read and
    # why, each reading rule applied (units, rows left out, a layout turned into rows)
    reading: tuple[str, ...] = ()
    # the units the file states: for every column (a title row) or for one (its header)
    units: tuple[Unit, ...] = ()
    # problems of shape found while reading (a totals row); their rows are left out of ``rows``
    problems: tuple[Problem, ...] = ()
    # the row above the header when it names a financial year over each block of columns
    years_above: tuple[str | None, ...] = ()
    # cells come from a workbook, where a number is a number (an Excel date serial is a date)
    workbook: bool = False
    # the header cells as the file writes them ('2024/25 Target (£000s)'), one per column:
    # ``columns`` are normalised, and a problem in a column read per year names the file's own
    headers: tuple[str, ...] = ()
    # ((financial year, field), heading in the file) of each column per year that ``reading``
    # turned into rows: a problem with that field on that year's row names the heading
    year_columns: tuple[tuple[tuple[str, str], str], ...] = ()

    def column_in_file(self, column: str | None, financial_year: object) -> str | None:
        """The column a problem names: the file's heading where a column per year was read
        as ``column`` of ``financial_year``'s row, else ``column``."""
        return dict(self.year_columns).get((financial_year, column), column)

    # the rows as a frame (a "row" number and the columns, as text) when polars read them;
    # ``rows`` is then empty, and ``all_rows`` makes it when a reading rule needs it
    frame: pl.DataFrame | None = None
    # columns whose cells were never read (a dataset drops them: ``csv_body``): not in
    # ``frame``; blank in ``cells()`` and ``all_rows``
    unread: tuple[str, ...] = ()

    @property
    def row_count(self) -> int:
        return self.frame.height if self.frame is not None else len(self.rows)

    @cached_property
    def all_rows(self) -> tuple[tuple[int, tuple[str | None, ...]], ...]:
        if self.frame is None:
            return self.rows
        return tuple((r[0], tuple(r[1:])) for r in self.cells().iter_rows())

    def cells(self) -> pl.DataFrame:
        """The rows as a frame: a ``row`` number and each column as text (None where blank)."""
        if self.frame is not None:
            if not self.unread:
                return self.frame
            return self.frame.select(
                "row",
                *(
                    pl.lit(None, dtype=pl.String).alias(c) if c in self.unread else pl.col(c)
                    for c in self.columns
                ),
            )
        names = list(self.columns)
        schema = {"row": pl.Int64, **dict.fromkeys(names, pl.String)}
        if not self.rows:
            return pl.DataFrame(schema=schema)
        columns = zip(*(cells for _, cells in self.rows), strict=True)
        data = {name: list(column) for name, column in zip(names, columns, strict=True)}
        return pl.DataFrame({"row": [n for n, _ in self.rows], **data}, schema=schema)

    def with_rows(self, rows, **changes) -> RawTable:
        """The table with other rows (a reading rule's), read from them, not the frame."""
        return replace(self, rows=tuple(rows), frame=None, **changes)


@dataclass(frozen=True)
class Unit:
    """A unit a file states: ``label`` (£000s, £k, £m) times ``multiplier`` pounds."""

    label: str
    multiplier: int
    said: str  # where and how: 'row 1 says "All figures £000s"'
    column: str | None = None  # None: every money column


# £000s, £'000, £000, £k, £ thousands; £m, £mn, £ millions; in brackets or not
_UNIT = re.compile(
    r"\(?\s*(?:in\s+)?£\s*(?P<unit>thousands?|millions?|'?000'?s?|mn|k|m)(?![a-z0-9])\s*\)?",
    re.IGNORECASE,
)
_FY_HEADER = re.compile(r"^\s*(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)
_TOTALS = re.compile(r"^\s*(?:grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE)


def unit_in(text: str) -> tuple[str, int] | None:
    """The unit a piece of text states, as (label, multiplier), if it states one."""
    match = _UNIT.search(text)
    if not match:
        return None
    unit = match.group("unit").lower()
    if unit == "k":
        return "£k", 1_000
    if unit.startswith("thousand") or "000" in unit:
        return "£000s", 1_000
    return "£m", 1_000_000


def is_financial_year(text: str | None) -> bool:
    return bool(text and _FY_HEADER.match(text))


@dataclass(frozen=True)
class _Look:
    """What the header is found by: the columns it must name, and every column there is."""

    wanted: tuple[str, ...]
    known: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file an import reads (``data_access.settings``)."""

    max_bytes: int
    workbook: WorkbookLimits

    @classmethod
    def from_settings(cls, settings) -> ReadLimits:
        return cls(
            max_bytes=settings.max_import_bytes,
            workbook=WorkbookLimits(
                max_parts=settings.max_xlsx_parts,
                max_part_bytes=settings.max_xlsx_part_bytes,
                max_total_bytes=settings.max_xlsx_uncompressed_bytes,
                max_ratio=settings.max_xlsx_compression_ratio,
                max_rows=settings.max_import_rows,
                max_columns=settings.max_import_columns,
                max_cells=settings.max_import_cells,
            ),
        )


def normalise_header(name: str | None) -> str:
    """A header as a column name: 'Financial Year' and 'financial-year' are financial_year; a
    unit it states ('Target (£000s)') is taken off (``unit_in`` reads it)."""
    text = _UNIT.sub(" ", str(name or "").replace("\ufeff", "")).strip().lower()
    # a hyphen between words is a space ('financial-year'); between digits it stays (2023-24)
    text = re.sub(r"(?<![0-9])-|-(?![0-9])", " ", text)
    return "_".join(text.split())


def read_table(
    path: Path,
    *,
    wanted: tuple[str, ...],
    limits: ReadLimits,
    sheet: str | None = None,
    known: tuple[str, ...] = (),
    left_out: Callable[[str], bool] | None = None,
) -> RawTable:
    """Read a CSV or XLSX file, locating the header row by the ``wanted`` column names.

    A workbook's visible sheets are read unless ``sheet`` names one. ``known``: every column
    the dataset has, to recognise a header split over two rows ('last' over 'updated').
    ``left_out``: whether the dataset drops a column (by its normalised header) unread; a
    regular CSV body's cells of such a column are not read (``csv_body``), held as blank.
    """
    look = _Look(wanted, frozenset(known))
    name = path.name
    suffix = path.suffix.lower()
    data = read_file_bytes(path, limits.max_bytes)
    digest = _Sha256(data)
    if suffix in CSV_SUFFIXES:
        if sheet is not None:
            raise FileRejected(name, "a sheet can be named only for a workbook (.xlsx)")
        table = _read_csv(name, data, look, limits.workbook, left_out)
    elif suffix in XLSX_SUFFIXES:
        table = _read_xlsx(name, data, look, limits.workbook, sheet)
    elif suffix == ".xls":
        raise FileRejected(name, "old Excel .xls files are not read: save it as .xlsx or .csv")
    else:
        raise FileRejected(name, f"unsupported file type '{suffix}': use .csv or .xlsx")
    return replace(table, sha256=digest.hexdigest())


class _Sha256(threading.Thread):
    """The SHA-256 of some bytes, worked out beside the parse: hashlib lets go of the GIL for
    large data, so a large file's hash costs the parse no time on a second core."""

    def __init__(self, data: bytes) -> None:
        super().__init__(name="sha256", daemon=True)
        self._data = data
        self._digest = ""
        self.start()

    def run(self) -> None:
        self._digest = hashlib.sha256(self._data).hexdigest()
        self._data = b""

    def hexdigest(self) -> str:
        self.join()
        return self._digest


def workbook_sheets(path: Path, limits: ReadLimits) -> list[tuple[str, bool]]:
    """A workbook's sheets in order, each with whether it is hidden: for a sheet picker."""
    data = read_file_bytes(path, limits.max_bytes)
    if not data.startswith(_ZIP_MAGIC):
        raise FileRejected(path.name, "file is not a workbook (.xlsx)")
    workbook = check_workbook(path.name, data, limits.workbook)
    return [(name, name in workbook.hidden_sheets) for name in workbook.sheets]


def read_file_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is refused.

    A folder, a named pipe or a device is refused before it is opened (opening a pipe waits for
    a writer); the file is opened without waiting and checked again, in case it was swapped.
    """
    name = path.name
    try:
        _check_file(name, os.stat(path), max_bytes)
        # O_NONBLOCK: a pipe swapped in after the check must not make open() wait
        handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    except FileNotFoundError:
        raise FileRejected(name, "file not found") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise FileRejected(name, f"file cannot be read ({getattr(exc, 'strerror', exc)})") from None
    with handle:
        _check_file(name, os.fstat(handle.fileno()), max_bytes)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the check
        raise _too_big(name, len(data), max_bytes)
    if not data:
        raise FileRejected(name, "file is empty")
    return data


def _check_file(name: str, info: os.stat_result, max_bytes: int) -> None:
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise FileRejected(name, "is a folder, not a file: name the file inside it")
    if stat.S_ISFIFO(mode):
        raise FileRejected(name, "is a named pipe, not a file: save the data to a file first")
    if not stat.S_ISREG(mode):
        raise FileRejected(name, "is not a regular file (a device or a socket)")
    if info.st_size > max_bytes:
        raise _too_big(name, info.st_size, max_bytes)


def _too_big(name: str, size: int, max_bytes: int) -> FileRejected:
    return FileRejected(
        name, f"file is {size:,} bytes; the limit is {max_bytes:,} (ASCGOV_MAX_IMPORT_BYTES)"
    )


def _read_csv(
    name: str,
    data: bytes,
    look: _Look,
    limits: WorkbookLimits,
    left_out: Callable[[str], bool] | None = None,
) -> RawTable:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        raise FileRejected(
            name, "file is named .csv but holds an Excel workbook or other binary file"
        )
    notes = [f"read {name}"]
    utf16 = _utf16(data)
    source: str | bytes
    if utf16:
        try:
            source = data.decode(utf16)
        except UnicodeDecodeError:
            raise FileRejected(
                name, "text looks like UTF-16 but cannot be read as it: save it as UTF-8 CSV"
            ) from None
        source = source.removeprefix("\ufeff")
        notes.append("text read as UTF-16 (Excel's 'Unicode text'); UTF-8 is the usual")
    else:
        if b"\x00" in data:
            raise FileRejected(name, "file is named .csv but holds binary data, not text")
        # UTF-8 is read from the bytes as they are: a large file is not copied as text
        source = data if _is_utf8(data) else _decode(name, data)
    delimiter = _delimiter(_head_text(source, HEADER_SEARCH_ROWS), look.wanted)
    if delimiter == ";":
        notes.append("columns separated by semicolons (;), not commas: read as such")
    table = _regular(name, source, look, limits, delimiter, left_out)
    if table is None:
        text = source if isinstance(source, str) else _decode(name, source)
        table = _locate(name, None, _csv_cells(name, text, limits, delimiter), look)
    return replace(table, reading=(*notes, *table.reading))


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 text, checked a part at a time (no copy of the whole)."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHECK_BYTES):
            decoder.decode(data[start : start + _CHECK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _head_text(source: str | bytes, lines: int) -> str:
    """The start of the file as text, holding its first ``lines`` lines (``str.splitlines``'
    lines) whole, or the whole file."""
    size = 1 << 16
    while True:
        part = source[:size]
        if isinstance(part, bytes):
            part = codecs.getincrementaldecoder("utf-8-sig")().decode(part, final=False)
        if size >= len(source) or len(part.splitlines()) > lines:
            return part
        size *= 4


def _regular(
    name: str,
    source: str | bytes,
    look: _Look,
    limits: WorkbookLimits,
    delimiter: str,
    left_out: Callable[[str], bool] | None = None,
) -> RawTable | None:
    """The table read with its head by the general reader and its body by polars, where the
    body is regular (``csv_body``); None where the general reader must read the whole file.

    ``source``: the file's text, or its bytes when they are UTF-8; ``left_out``: whether a
    column (by its normalised header) is dropped by the dataset, its cells never read."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a line ended by \r alone: the csv module's reading, not polars'
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    end = start
    for _ in range(HEAD_ROWS):
        found = data.find(b"\n", end)
        end = len(data) if found < 0 else found + 1
    head_text = data[start:end].decode("utf-8")
    has_body = end < len(data)
    try:
        head = _csv_cells(name, head_text, limits, delimiter)
        located = _locate(name, None, head, look)
    except (FileRejected, ImportRejected):
        return None  # the general reader says what is wrong, having read it all
    if len(set(located.columns)) != len(located.columns) or not all(located.columns):
        return None  # a column named twice or not at all: a block per year, or a problem
    lines = head_text.count("\n") + (0 if head_text.endswith("\n") else 1)
    if has_body and (len(head) != lines or any("\n" in c for row in head for c in row if c)):
        return None  # a cell of the head runs over two lines: rows are not lines
    width = max(
        (len(r) for r in csv.reader(io.StringIO(head_text), delimiter=delimiter)), default=0
    )
    unread = [c for c in located.columns if left_out is not None and left_out(c)]
    read = None if not unread else [i for i, c in enumerate(located.columns) if c not in unread]
    if has_body:
        found = body_frame(
            data, HEAD_ROWS, delimiter, width, len(located.columns), len(head) + 1, read
        )
    else:
        found = empty_body(len(located.columns)), (0, 0)
    if found is None:
        return None
    body, (last_row, last_column) = found
    head_rows = max((i + 1 for i, row in enumerate(head) if row), default=0)
    head_columns = max((len(row) for row in head), default=0)
    try:
        Extent(limits).add(max(head_rows, last_row), max(head_columns, last_column))
    except ExtentPassed:
        return None  # the general reader names the first cell past the limit
    named = body.rename({f"c{i}": name for i, name in enumerate(located.columns)}, strict=False)
    frame = pl.concat([located.cells().drop(unread), named.drop(unread, strict=False)])
    return replace(located, rows=(), frame=frame, unread=tuple(unread))


def _utf16(data: bytes) -> str | None:
    """'utf-16' if the bytes are UTF-16 text (a byte-order mark, or every other byte NUL)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    # without a mark: most characters are ASCII, so nine in ten of every other byte are NUL
    sample = data[:2000]
    if len(sample) >= 8:
        if sample[1::2].count(0) * 10 >= len(sample[1::2]) * 9:
            return "utf-16-le"
        if sample[0::2].count(0) * 10 >= len(sample[0::2]) * 9:
            return "utf-16-be"
    return None


def _delimiter(text: str, wanted: tuple[str, ...]) -> str:
    """';' where the header is found by semicolons and not by commas (Excel in a European
    locale writes them), else ','. ``text``: the file's start, its first lines whole."""
    head = text.splitlines()[:HEADER_SEARCH_ROWS]
    if not any(";" in line for line in head):
        return ","
    scores = {}
    for delimiter in (",", ";"):
        rows = [tuple(c or None for c in row) for row in csv.reader(head, delimiter=delimiter)]
        scores[delimiter] = _header_score(rows, wanted)[1]
    return ";" if scores[";"] > scores[","] else ","


def _csv_cells(
    name: str, text: str, limits: WorkbookLimits, delimiter: str = ","
) -> list[tuple[str | None, ...]]:
    """The CSV's rows of cells, refused at the first cell past the row, column or cell limit."""
    cells: list[tuple[str | None, ...]] = []
    extent = Extent(limits)
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            used = len(row)
            while used and not row[used - 1].strip():
                used -= 1  # empty cells at the end of a row are not part of the table
            if used:
                _extend(extent, len(cells) + 1, row, used)
            cells.append(tuple(c if c.strip() else None for c in row[:used]))
    except csv.Error as exc:
        raise FileRejected(name, f"row {len(cells) + 1} cannot be read as CSV ({exc})") from None
    except ExtentPassed as passed:
        raise FileRejected(name, passed.rule) from None
    return cells


def _extend(extent: Extent, number: int, row: list[str], used: int) -> None:
    if extent.fits(number, used):
        extent.add(number, used)
        return
    # cell by cell, as the XLSX check goes, to stop at the same cell with the same message
    for position in range(used):
        if row[position].strip():
            extent.add(number, position + 1)


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1252 is what most council exports use when they are not UTF-8
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            name, f"text is neither UTF-8 nor Windows-1252 (byte {exc.start + 1})"
        ) from None


def _read_xlsx(
    name: str, data: bytes, look: _Look, limits: WorkbookLimits, named: str | None
) -> RawTable:
    if not data.startswith(_ZIP_MAGIC):
        kind = "an old .xls workbook" if data.startswith(_OLE_MAGIC) else "not a workbook"
        raise FileRejected(name, f"file is named .xlsx but is {kind}")
    workbook = check_workbook(name, data, limits)
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
    except BaseException as exc:  # noqa: BLE001 - calamine's panics are BaseExceptions
        _reraise_interrupts(exc)
        raise FileRejected(name, f"workbook cannot be read ({exc})") from None
    sheets = list(reader.sheet_names)
    if named is not None:
        return _named_sheet(reader, workbook, name, named, look)
    hidden = [s for s in sheets if s in workbook.hidden_sheets]
    visible = [s for s in sheets if s not in workbook.hidden_sheets]
    skipped = (
        [f"hidden sheet{'s' * (len(hidden) > 1)} {', '.join(repr(s) for s in hidden)} not read"]
        if hidden
        else []
    )
    first_problem: FileRejected | None = None
    best: tuple[int, RawTable] | None = None
    for sheet in visible:
        # refused outright, not skipped: a sheet past the limits is never loaded
        layout = workbook.check_sheet(sheet)
        try:
            table, score = _sheet_table(reader, name, sheet, look, layout)
        except FileRejected as problem:
            first_problem = first_problem or problem
            continue
        if score == len(look.wanted):
            # the sheet whose header names the wanted columns, even after a cover sheet
            best = (score, table)
            break
        if best is None or score > best[0]:
            best = (score, table)
    if best is not None:
        table = best[1]
        return replace(
            table,
            reading=(f'read sheet "{table.sheet}" of {name}', *skipped, *table.reading),
        )
    if not visible and hidden:
        raise FileRejected(name, EVERY_SHEET_HIDDEN)
    raise first_problem or FileRejected(name, "workbook has no sheets")


def _named_sheet(reader, workbook, name: str, named: str, look: _Look) -> RawTable:
    sheets = list(reader.sheet_names)
    if named not in sheets:
        listed = ", ".join(f'"{s}"' for s in sheets)
        raise FileRejected(name, f'the workbook has no sheet "{named}"; its sheets: {listed}')
    layout = workbook.check_sheet(named)
    table, _ = _sheet_table(reader, name, named, look, layout)
    # named by ascgov import --sheet or chosen in the Load page's picker: a person chose it
    why = "hidden, read because it was chosen" if layout.hidden else "as chosen"
    return replace(table, reading=(f'read sheet "{named}" of {name} ({why})', *table.reading))


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


def _sheet_table(
    reader, file: str, sheet: str, look: _Look, layout: SheetLayout
) -> tuple[RawTable, int]:
    """The sheet's table, and how many wanted columns its header row holds."""
    try:
        # skip_rows=0 keeps leading empty rows, so row numbers are the spreadsheet's own;
        # cells of spaces are blank, as they are in CSV
        frame = reader.load_sheet(
            sheet, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True
        ).to_polars()
    except BaseException as exc:  # noqa: BLE001 - an empty sheet has no range; panics too
        _reraise_interrupts(exc)
        raise FileRejected(file, f"sheet cannot be read ({exc})", sheet=sheet) from None
    cells = [tuple(row) for row in frame.iter_rows()]
    notes: list[str] = []
    if layout.hidden_rows:
        held = sorted(r for r in layout.hidden_rows if r <= len(cells) and any(cells[r - 1]))
        for number in held:
            cells[number - 1] = ()
        if held:
            notes.append(
                f"hidden row{'s' * (len(held) > 1)} {_numbers(held)} left out "
                "(unhide them to load them)"
            )
    if layout.hidden_columns:
        hidden = sorted(layout.hidden_columns)
        held = [c for c in hidden if any(len(row) >= c and row[c - 1] for row in cells)]
        if held:
            drop = {c - 1 for c in held}
            cells = [tuple(None if i in drop else c for i, c in enumerate(row)) for row in cells]
            notes.append(
                f"hidden column{'s' * (len(held) > 1)} "
                f"{', '.join(column_letters(c) for c in held)} left out (unhide to load)"
            )
    table = _locate(file, sheet, cells, look, merges=layout.merges)
    table = replace(table, reading=(*notes, *table.reading), workbook=True)
    return table, _header_score(cells, look.wanted)[1]


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _header_score(cells: list[tuple[str | None, ...]], wanted: tuple[str, ...]) -> tuple[int, int]:
    """(index, count) of the row among the first few naming the most wanted columns: the first
    row naming all of them, else the first with the most (at least two)."""
    wanted_set = set(wanted)
    best = (-1, 0)
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        count = len(wanted_set & {normalise_header(c) for c in row if c is not None})
        if count == len(wanted_set):
            return index, count
        if count > best[1]:
            best = (index, count)
    return best if best[1] >= min(2, len(wanted_set)) else (-1, best[1])


def _wanted_header(cells: list[tuple[str | None, ...]], wanted: tuple[str, ...]) -> int | None:
    """Index of the first row (among the first few) naming the wanted columns."""
    index = _header_score(cells, wanted)[0]
    return None if index < 0 else index


def _locate(
    file: str,
    sheet: str | None,
    cells: list[tuple[str | None, ...]],
    look: _Look,
    merges: list[tuple[int, int, int, int]] = (),
) -> RawTable:
    if not any(any(c is not None for c in row) for row in cells):
        raise FileRejected(file, "file holds no data (every row is blank)", sheet=sheet)
    header_index = _wanted_header(cells, look.wanted)
    if header_index is None:
        header_index = next(i for i, row in enumerate(cells) if any(c is not None for c in row))
    raw_header = list(cells[header_index])
    too_long = _long_cells(file, sheet, cells, header_index, tuple(raw_header))
    if too_long:
        raise ImportRejected(too_long)
    notes: list[str] = []
    if header_index:
        notes.append(f"header on row {header_index + 1}; the rows above it read as titles")
    years = _two_rows(file, sheet, cells, header_index, raw_header, look)
    header = tuple(normalise_header(c) for c in raw_header)
    while header and not header[-1]:
        header = header[:-1]
    units, unit_notes = _units(file, sheet, cells, header_index, raw_header, header)
    problems = _merged_down(file, sheet, merges, header_index, header)
    if problems:
        raise ImportRejected(problems)
    rows, shape = _data_rows(file, sheet, cells, header_index, header)
    written = tuple(str(c or "").strip() for c in raw_header[: len(header)])
    return RawTable(
        file,
        sheet,
        header_index + 1,
        header,
        tuple(rows),
        reading=(*notes, *unit_notes),
        units=units,
        problems=tuple(shape),
        years_above=years,
        headers=written,
    )


def _two_rows(file, sheet, cells, header_index, raw_header, look: _Look) -> tuple:
    """The financial years over blocks of columns, when the row above the header names them
    (names above blank header cells fill them: 'code' merged down two rows); any other header
    of two rows is refused, naming the columns that run over both."""
    years: tuple[str | None, ...] = ()
    above = _upper_header(cells, header_index)
    if above is not None:
        over_blank = {
            i
            for i, c in enumerate(above)
            if c is not None and (i >= len(raw_header) or not raw_header[i])
        }
        block = any(is_financial_year(c) for c in above) and all(
            is_financial_year(c) or i in over_blank for i, c in enumerate(above) if c is not None
        )
        if not block:
            raise ImportRejected([_two_row_header(file, sheet, header_index, above, raw_header)])
        # the year over the block's first column, the rest of the block under it
        years = _filled_years(above, raw_header)
        for i in over_blank:
            if not is_financial_year(above[i]) and i < len(raw_header):
                raw_header[i] = above[i]
    below = cells[header_index + 1] if header_index + 1 < len(cells) else ()
    under_blank = [
        i
        for i, c in enumerate(below)
        if c is not None and (i >= len(raw_header) or raw_header[i] is None)
    ]
    joined = [
        i
        for i, c in enumerate(below)
        if c is not None
        and i < len(raw_header)
        and raw_header[i] is not None
        and normalise_header(f"{raw_header[i]} {c}") in look.known
    ]
    texts = [below[i] for i in under_blank + joined]
    if texts and below[0] is None and not any(_numberish(t) for t in texts):
        positions = under_blank + joined
        raise ImportRejected(
            [_two_row_header(file, sheet, header_index + 1, raw_header, below, positions)]
        )
    return years


def _data_rows(file, sheet, cells, header_index: int, header) -> tuple[list, list[Problem]]:
    """The rows below the header, numbered; a totals row is left out with its problem."""
    rows = []
    shape: list[Problem] = []
    for index in range(header_index + 1, len(cells)):
        row = cells[index][: len(header)]
        first = next((c for c in cells[index] if c is not None), None)
        held = [c for c in cells[index] if c is not None] if first and "£" in first else ()
        if len(held) == 1 and unit_in(held[0]):
            # a note below the table: the unit must be said before the figures are read
            shape.append(
                Problem(
                    file,
                    f"row {index + 1} states a unit below the header: move it above the header "
                    "(a title row) or into the headers, so the figures are read in it",
                    sheet=sheet,
                    row=index + 1,
                    value=held[0],
                )
            )
            continue
        if any(c is not None for c in row):
            if _is_totals(row):
                shape.append(
                    Problem(
                        file,
                        f"row {index + 1} looks like a totals row: remove it, or load the total "
                        "as a reported total",
                        sheet=sheet,
                        row=index + 1,
                        value=next(c for c in row if c is not None),
                    )
                )
                continue
            rows.append((index + 1, tuple(row) + (None,) * (len(header) - len(row))))
        elif any(c is not None for c in cells[index]):
            rows.append((index + 1, (None,) * len(header)))
    return rows, shape


def _upper_header(cells, header_index: int) -> tuple[str | None, ...] | None:
    """The row just above the header, when it reads as the first row of a two-row header: two
    or more cells, and none stating a unit (a title such as 'All figures £000s')."""
    if header_index == 0:
        return None
    row = cells[header_index - 1]
    held = [c for c in row if c is not None]
    if len(held) < 2 or any(unit_in(c) for c in held):
        return None
    return tuple(row)


def _filled_years(above, header) -> tuple[str | None, ...]:
    years: list[str | None] = []
    current = None
    for i in range(max(len(header), len(above))):
        cell = above[i] if i < len(above) else None
        if cell is not None:
            current = cell if is_financial_year(cell) else None
        years.append(current)
    return tuple(years)


def _numberish(text: str | None) -> bool:
    return bool(text) and bool(re.fullmatch(r"[£(\-]*[\d,.]+[)kKmM]*", text.strip()))


def _two_row_header(file, sheet, header_index, upper, lower, positions=None) -> Problem:
    """The two rows named: each column whose name runs over both, as 'upper' over 'lower'."""
    if positions is None:
        positions = [i for i, c in enumerate(upper) if c is not None]
    pairs = [
        f"{column_letters(i + 1)}: "
        + " over ".join(
            f"'{row[i]}'" for row in (upper, lower) if i < len(row) and row[i] is not None
        )
        for i in sorted(set(positions))
    ]
    return Problem(
        file,
        f"rows {header_index} and {header_index + 1} together look like a two-row header "
        f"({'; '.join(pairs)}): the header must be one row, one name per column "
        "(e.g. 'target 2024/25')",
        sheet=sheet,
        row=header_index,
    )


def _is_totals(row: tuple[str | None, ...]) -> bool:
    first = next((c for c in row[:3] if c is not None), None)
    return first is not None and bool(_TOTALS.match(first))


def _merged_down(file, sheet, merges, header_index: int, header) -> list[Problem]:
    problems = []
    for row1, col1, row2, col2 in merges:
        if row2 > row1 and row2 > header_index + 1:
            ref = f"{column_letters(col1)}{row1}:{column_letters(col2)}{row2}"
            named = header[col1 - 1] if col1 - 1 < len(header) and header[col1 - 1] else None
            problems.append(
                Problem(
                    file,
                    f"cells {ref} are merged down rows {row1} to {row2}: unmerge them and put "
                    "the value in every row",
                    sheet=sheet,
                    row=row1,
                    column=named or column_letters(col1),
                )
            )
    return problems


def _units(file, sheet, cells, header_index, raw_header, header) -> tuple[tuple[Unit, ...], list]:
    """The units stated above the header (for every column) and in header cells (for one)."""
    units: list[Unit] = []
    for index in range(header_index):
        for cell in cells[index]:
            found = cell and unit_in(cell)
            if found:
                units.append(Unit(*found, f'row {index + 1} says "{cell.strip()}"'))
    for position, cell in enumerate(raw_header):
        found = cell and position < len(header) and unit_in(cell)
        if found:
            units.append(Unit(*found, f'its header says "{cell.strip()}"', header[position]))
    whole = {u.label for u in units if u.column is None}
    if len({u.multiplier for u in units if u.column is None}) > 1:
        raise FileRejected(
            file,
            f"the rows above the header state different units ({', '.join(sorted(whole))}): "
            "state one",
            sheet=sheet,
        )
    return tuple(units), []


def _long_cells(
    file: str,
    sheet: str | None,
    cells: list[tuple[str | None, ...]],
    header_index: int,
    header: tuple[str, ...],
) -> list[Problem]:
    """A problem for each cell longer than any column takes: the same limit for CSV and XLSX."""
    problems = []
    for index, row in enumerate(cells):
        for position, cell in enumerate(row):
            if cell is not None and len(cell) > CELL_CHARS:
                named = index > header_index and position < len(header) and header[position]
                problems.append(
                    Problem(
                        file,
                        f"text is {len(cell):,} characters long; a cell may hold at most "
                        f"{CELL_CHARS:,} (as in Excel)",
                        sheet=sheet,
                        row=index + 1,
                        column=named or column_letters(position + 1),
                        value=cell,
                    )
                )
    return problems
