"""Reading the tables council systems really produce: messy CSV and Excel workbooks.

The result is text cells with the spreadsheet row number of each row, the header located even
below title rows; nothing here knows about datasets beyond the columns it looks for.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from data_access.limits import CELL_CHARS
from data_access.problems import FileRejected, ImportRejected, Problem
from data_access.workbook_checks import (
    Extent,
    ExtentPassed,
    WorkbookLimits,
    check_workbook,
    column_letters,
)

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 20
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
    return "_".join(str(name or "").strip().lower().replace("\ufeff", "").split())


def read_table(path: Path, *, wanted: tuple[str, ...], limits: ReadLimits) -> RawTable:
    """Read a CSV or XLSX file, locating the header row by the ``wanted`` column names."""
    name = path.name
    suffix = path.suffix.lower()
    data = read_file_bytes(path, limits.max_bytes)
    if suffix in CSV_SUFFIXES:
        table = _read_csv(name, data, wanted, limits.workbook)
    elif suffix in XLSX_SUFFIXES:
        table = _read_xlsx(name, data, wanted, limits.workbook)
    elif suffix == ".xls":
        raise FileRejected(name, "old Excel .xls files are not read: save it as .xlsx or .csv")
    else:
        raise FileRejected(name, f"unsupported file type '{suffix}': use .csv or .xlsx")
    return replace(table, sha256=hashlib.sha256(data).hexdigest())


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


def _read_csv(name: str, data: bytes, wanted: tuple[str, ...], limits: WorkbookLimits) -> RawTable:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        raise FileRejected(
            name, "file is named .csv but holds an Excel workbook or other binary file"
        )
    if b"\x00" in data:
        raise FileRejected(name, "file is named .csv but holds binary data, not text")
    text = _decode(name, data)
    return _locate(name, None, _csv_cells(name, text, limits), wanted)


def _csv_cells(name: str, text: str, limits: WorkbookLimits) -> list[tuple[str | None, ...]]:
    """The CSV's rows of cells, refused at the first cell past the row, column or cell limit."""
    cells: list[tuple[str | None, ...]] = []
    extent = Extent(limits)
    try:
        for row in csv.reader(io.StringIO(text)):
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


def _read_xlsx(name: str, data: bytes, wanted: tuple[str, ...], limits: WorkbookLimits) -> RawTable:
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
    first_problem: FileRejected | None = None
    fallback: RawTable | None = None
    for sheet in reader.sheet_names:
        # refused outright, not skipped: a sheet past the limits is never loaded
        workbook.check_sheet(sheet)
        try:
            table, found = _sheet_table(reader, name, sheet, wanted)
        except FileRejected as problem:
            first_problem = first_problem or problem
            continue
        if found:
            # the sheet whose header names the wanted columns, even after a cover sheet
            return table
        fallback = fallback or table
    if fallback is not None:
        return fallback
    raise first_problem or FileRejected(name, "workbook has no sheets")


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


def _sheet_table(reader, file: str, sheet: str, wanted: tuple[str, ...]) -> tuple[RawTable, bool]:
    """The sheet's table, and whether its header row holds every wanted column."""
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
    return _locate(file, sheet, cells, wanted), _wanted_header(cells, wanted) is not None


def _wanted_header(cells: list[tuple[str | None, ...]], wanted: tuple[str, ...]) -> int | None:
    """Index of the first row (among the first few) naming every wanted column."""
    wanted_set = set(wanted)
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        if wanted_set <= {normalise_header(c) for c in row if c is not None}:
            return index
    return None


def _locate(
    file: str, sheet: str | None, cells: list[tuple[str | None, ...]], wanted: tuple[str, ...]
) -> RawTable:
    if not any(any(c is not None for c in row) for row in cells):
        raise FileRejected(file, "file holds no data (every row is blank)", sheet=sheet)
    header_index = _wanted_header(cells, wanted)
    if header_index is None:
        header_index = next(i for i, row in enumerate(cells) if any(c is not None for c in row))
    header = tuple(normalise_header(c) for c in cells[header_index])
    while header and not header[-1]:
        header = header[:-1]
    too_long = _long_cells(file, sheet, cells, header_index, header)
    if too_long:
        raise ImportRejected(too_long)
    rows = []
    for index in range(header_index + 1, len(cells)):
        row = cells[index][: len(header)]
        if any(c is not None for c in row):
            rows.append((index + 1, tuple(row) + (None,) * (len(header) - len(row))))
        elif any(c is not None for c in cells[index]):
            rows.append((index + 1, (None,) * len(header)))
    return RawTable(file, sheet, header_index + 1, header, tuple(rows))


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
