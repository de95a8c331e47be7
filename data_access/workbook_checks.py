"""Checks on an XLSX workbook before the spreadsheet reader (calamine) sees it.

calamine holds a sheet as a dense grid of its used range, and its shared strings and cell formats
in full: a 1.9 KB workbook with one value at XFD1048576 asks for about 550 GB, and a few MB of
highly compressed XML expand to gigabytes. So the archive is read first, in bounded memory:
the number of parts, each part's compression method, size and compression ratio, the total; each
part is decompressed in chunks to confirm it holds what its header says (a header can lie); the
shared strings and cell formats are counted; and each sheet, before it is loaded, is streamed to
find how far its values reach, stopping at the first limit passed. Every refusal names the
limit and the setting that sets it.
"""

from __future__ import annotations

import io
import posixpath
import pyexpat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from data_access.problems import FileRejected

# parts smaller than this are never refused for their compression ratio: a small part that
# compresses well (a style sheet, a padded header) cannot exhaust memory
RATIO_APPLIES_FROM = 1024 * 1024
# Excel's own limit on distinct cell formats in a workbook
MAX_CELL_FORMATS = 65_490
_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_HEADER_MAGIC = b"PK\x03\x04"
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


@dataclass(frozen=True)
class WorkbookLimits:
    """How large a workbook may be, and how far a sheet may reach (the import settings)."""

    max_parts: int
    max_part_bytes: int
    max_total_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cells: int


class _Stop(Exception):
    """Raised from inside the XML parser to stop it at the first limit passed."""

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


class ExtentPassed(_Stop):
    """A table reaches past a row, column or cell limit; ``rule`` says which."""


def column_letters(number: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Workbook:
    """A workbook whose archive passed the checks; ``check_sheet`` before loading a sheet."""

    def __init__(self, file: str, data: bytes, limits: WorkbookLimits):
        self.file, self.data, self.limits = file, data, limits
        self.parts = _parts(file, data, limits)
        for info in self.parts.values():
            for _ in _part_chunks(file, data, info):
                pass  # decompressed only to confirm the part holds what its header says
        self._count_strings_and_formats()
        self.hidden_sheets: set[str] = set()
        self.sheets = self._sheet_parts()

    def _reject(self, rule: str, sheet: str | None = None) -> FileRejected:
        return FileRejected(self.file, rule, sheet=sheet)

    def _scan(self, name: str, handler: Callable[[str, dict], None]) -> None:
        try:
            _parse_xml(self.file, self.data, self.parts[name], handler)
        except _Stop as stop:
            raise self._reject(stop.rule) from None

    def _count_strings_and_formats(self) -> None:
        limits = self.limits
        strings = _element_counter(
            "si",
            limits.max_cells,
            f"shared strings number more than {limits.max_cells:,}, the most cells a sheet may "
            "hold; the limit is ASCGOV_MAX_IMPORT_CELLS",
        )
        formats = _element_counter(
            "xf",
            2 * MAX_CELL_FORMATS,
            f"cell formats number more than {2 * MAX_CELL_FORMATS:,}, which Excel never writes "
            f"(its limit is {MAX_CELL_FORMATS:,} of each kind)",
        )
        for name in self.parts:
            base = posixpath.basename(name).lower()
            if base == "sharedstrings.xml":
                self._scan(name, strings)
            elif base == "styles.xml":
                self._scan(name, formats)

    def _sheet_parts(self) -> dict[str, str]:
        """Sheet name -> archive part, as workbook.xml and its relationships say."""
        if _WORKBOOK not in self.parts or _WORKBOOK_RELS not in self.parts:
            return {}  # not a workbook: the reader says so
        sheets: dict[str, str] = {}
        targets: dict[str, str] = {}

        def on_sheet(name: str, attrs: dict) -> None:
            if _local(name) == "sheet":
                rel = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                sheets[attrs.get("name", "")] = rel
                if attrs.get("state") in ("hidden", "veryHidden"):
                    self.hidden_sheets.add(attrs.get("name", ""))
                if len(sheets) > self.limits.max_parts:
                    raise _Stop(
                        f"workbook lists more than {self.limits.max_parts:,} sheets; the limit "
                        "is ASCGOV_MAX_XLSX_PARTS"
                    )

        def on_relationship(name: str, attrs: dict) -> None:
            if _local(name) == "Relationship" and len(targets) <= self.limits.max_parts:
                targets[attrs.get("Id", "")] = _resolve(attrs.get("Target", ""))

        self._scan(_WORKBOOK, on_sheet)
        self._scan(_WORKBOOK_RELS, on_relationship)
        return {sheet: targets.get(rel, "") for sheet, rel in sheets.items()}

    def check_sheet(self, sheet: str) -> SheetLayout:
        """Refuse the sheet if its values reach past a limit; stops reading at the first one.

        Returns what the reader does not say: the hidden rows and columns and merged cells.
        """
        part = self.sheets.get(sheet)
        if part not in self.parts:
            raise self._reject("sheet cannot be found in the workbook", sheet)
        layout = SheetLayout(hidden=sheet in self.hidden_sheets)
        try:
            _parse_xml(self.file, self.data, self.parts[part], _extent_scanner(self.limits, layout))
        except _Stop as stop:
            raise self._reject(stop.rule, sheet) from None
        return layout


@dataclass
class SheetLayout:
    """A sheet's hidden rows and columns (numbered from 1) and merged ranges (A5:A7)."""

    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # row1, col1, row2, col2


def cell_reference(ref: str) -> tuple[int, int]:
    """'B12' -> (12, 2)."""
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = "".join(ch for ch in ref if ch.isdigit())
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return int(digits or 0), column


def check_workbook(file: str, data: bytes, limits: WorkbookLimits) -> Workbook:
    """Check an XLSX file's archive; returns the workbook, whose sheets are checked on use."""
    return Workbook(file, data, limits)


def _parts(file: str, data: bytes, limits: WorkbookLimits) -> dict[str, zipfile.ZipInfo]:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise FileRejected(file, f"workbook cannot be read (not a valid archive: {exc})") from None
    if len(infos) > limits.max_parts:
        raise FileRejected(
            file,
            f"workbook has {len(infos):,} parts; the limit is {limits.max_parts:,} "
            "(ASCGOV_MAX_XLSX_PARTS)",
        )
    parts: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        _check_part(file, info, limits)
        if info.filename in parts:
            raise FileRejected(file, f'workbook holds two parts named "{info.filename}"')
        parts[info.filename] = info
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise FileRejected(
            file,
            f"workbook expands to {total:,} bytes; the limit is {limits.max_total_bytes:,} "
            "(ASCGOV_MAX_XLSX_UNCOMPRESSED_BYTES)",
        )
    return parts


def _check_part(file: str, info: zipfile.ZipInfo, limits: WorkbookLimits) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise FileRejected(file, f'part "{name}" is encrypted')
    if info.compress_type not in _METHODS:
        raise FileRejected(
            file,
            f'part "{name}" uses compression method {info.compress_type}, which Excel never writes',
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_APPLIES_FROM and ratio > limits.max_ratio:
        raise FileRejected(
            file,
            f'part "{name}" expands {ratio:,.0f} times ({info.compress_size:,} bytes to '
            f"{info.file_size:,}); the limit is {limits.max_ratio:,} times "
            "(ASCGOV_MAX_XLSX_COMPRESSION_RATIO)",
        )
    if info.file_size > limits.max_part_bytes:
        raise FileRejected(
            file,
            f'part "{name}" expands to {info.file_size:,} bytes; the limit is '
            f"{limits.max_part_bytes:,} (ASCGOV_MAX_XLSX_PART_BYTES)",
        )


def _part_chunks(file: str, data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, decompressed a chunk at a time; never more than its header declares."""
    damaged = FileRejected(
        file, f'workbook is damaged: part "{info.filename}" is not what its header says'
    )
    start = _data_start(data, info)
    if start is None or start + info.compress_size > len(data):
        raise damaged
    raw = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        chunks: Iterator[bytes] = (bytes(raw[i : i + _CHUNK]) for i in range(0, len(raw), _CHUNK))
    else:
        chunks = _inflate(raw, damaged)
    crc, size = 0, 0
    for chunk in chunks:
        size += len(chunk)
        if size > info.file_size:
            raise damaged
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if size != info.file_size or crc != info.CRC:
        raise damaged


def _inflate(raw: memoryview, damaged: FileRejected) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for offset in range(0, len(raw), _CHUNK):
            pending = bytes(raw[offset : offset + _CHUNK])
            while pending and not inflater.eof:
                # max_length bounds each step's output: a kilobyte can inflate to a megabyte
                yield inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        yield inflater.flush()  # the few bytes zlib still holds once the input is used up
    except zlib.error:
        raise damaged from None
    if not inflater.eof:
        raise damaged


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int | None:
    header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size or not header.startswith(_LOCAL_HEADER_MAGIC):
        return None
    fields = _LOCAL_HEADER.unpack(header)
    return info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]


def _parse_xml(file: str, data: bytes, info: zipfile.ZipInfo, handler) -> None:
    """Stream a part through expat; ``handler(name, attrs)`` sees each element as it starts."""
    parser = pyexpat.ParserCreate()
    parser.StartElementHandler = handler
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        for chunk in _part_chunks(file, data, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise FileRejected(
            file, f'workbook is damaged: part "{info.filename}" is not valid XML ({exc})'
        ) from None


def _no_doctype(*_args) -> None:
    # spreadsheets never declare a DTD; one in a workbook is an entity-expansion bomb
    raise _Stop("workbook XML declares a DTD, which Excel never writes")


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _resolve(target: str) -> str:
    """A relationship target as an archive part name (relative to xl/, or absolute)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


def _element_counter(local: str, limit: int, rule: str) -> Callable[[str, dict], None]:
    count = 0

    def handler(name: str, _attrs: dict) -> None:
        nonlocal count
        if name == local or name.endswith(":" + local):
            count += 1
            if count > limit:
                raise _Stop(rule)

    return handler


def _cell_position(ref: str | None, row: int, previous_column: int) -> tuple[int, int]:
    """(row, column) of a cell: from its reference such as 'XFD1048576', else the next one."""
    if not ref:
        return row, previous_column + 1
    digits = ref.lstrip(_LETTERS)
    column = 0
    for char in ref[: len(ref) - len(digits)].upper():
        column = column * 26 + ord(char) - 64
    return (int(digits) if digits.isdigit() else row), (column or previous_column + 1)


class Extent:
    """How far a table's values reach from A1; ``add`` stops at the first limit passed.

    The spreadsheet reader holds the table as a grid from A1 to the furthest row and column, so
    that grid is what the limits bound. CSV and XLSX share it, and so their messages.
    """

    __slots__ = ("limits", "rows", "columns")

    def __init__(self, limits: WorkbookLimits):
        self.limits, self.rows, self.columns = limits, 0, 0

    def add(self, row: int, column: int) -> None:
        """A value at (row, column); raises ``ExtentPassed`` if the grid passes a limit."""
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(row, self.rows), max(column, self.columns)
            _check_extent(self.limits, row, column, self.rows, self.columns)

    def fits(self, row: int, last_column: int) -> bool:
        """Whether a row whose values end at ``last_column`` keeps the grid within every limit."""
        rows, columns = max(row, self.rows), max(last_column, self.columns)
        limits = self.limits
        return (
            rows <= limits.max_rows
            and columns <= limits.max_columns
            and rows * columns <= limits.max_cells
        )


def _extent_scanner(
    limits: WorkbookLimits, layout: SheetLayout | None = None
) -> Callable[[str, dict], None]:
    """A handler that tracks how far a sheet's values reach and stops at the first limit.

    Only cells with a value (``<v>`` or inline ``<is>``) count, as only they enter the reader's
    grid; a formatted blank cell does not.
    """
    extent = Extent(limits)
    row = column = 0
    in_cell = False
    local_names: dict[str, str] = {}

    def handler(name: str, attrs: dict) -> None:
        nonlocal row, column, in_cell
        local = local_names.get(name)
        if local is None:
            local = local_names[name] = _local(name)
        if local == "c":
            row, column = _cell_position(attrs.get("r"), row, column)
            in_cell = True
        elif (local == "v" or local == "is") and in_cell:
            in_cell = False
            extent.add(row, column)
        elif local == "row":
            number = attrs.get("r")
            row = int(number) if number and number.isdigit() else row + 1
            column = 0
            if layout is not None and attrs.get("hidden") in ("1", "true"):
                if row <= limits.max_rows:
                    layout.hidden_rows.add(row)
        elif layout is not None:
            _note_layout(local, attrs, layout, limits)

    return handler


def _note_layout(local: str, attrs: dict, layout: SheetLayout, limits: WorkbookLimits) -> None:
    """Hidden columns and merged cells, which the reader does not report."""
    if local == "col" and attrs.get("hidden") in ("1", "true"):
        low, high = attrs.get("min", ""), attrs.get("max", "")
        if low.isdigit() and high.isdigit():
            # a range to the last column (16,384) is common: only those within the limit
            top = min(int(high), limits.max_columns)
            layout.hidden_columns.update(range(int(low), top + 1))
    elif local == "mergeCell" and ":" in attrs.get("ref", ""):
        first, last = attrs["ref"].split(":", 1)
        layout.merges.append((*cell_reference(first), *cell_reference(last)))


def _check_extent(limits: WorkbookLimits, row: int, column: int, rows: int, columns: int) -> None:
    cell = f"{column_letters(column)}{row}"
    if rows > limits.max_rows:
        raise ExtentPassed(
            f"values reach row {rows:,} (cell {cell}); the limit is {limits.max_rows:,} rows "
            "(ASCGOV_MAX_IMPORT_ROWS)"
        )
    if columns > limits.max_columns:
        raise ExtentPassed(
            f"values reach column {column_letters(columns)} (cell {cell}), column {columns:,}; "
            f"the limit is {limits.max_columns:,} columns (ASCGOV_MAX_IMPORT_COLUMNS)"
        )
    if rows * columns > limits.max_cells:
        raise ExtentPassed(
            f"values span {rows * columns:,} cells (A1:{column_letters(columns)}{rows}); the "
            f"limit is {limits.max_cells:,} cells (ASCGOV_MAX_IMPORT_CELLS)"
        )
