"""Reading the tables council systems really produce: messy CSV and Excel workbooks.

The result is text cells with the spreadsheet row number of each row, the header located even
below title rows; nothing here knows about datasets beyond the columns it looks for.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from data_access.problems import FileRejected

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 20
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class RawTable:
    """Text cells of one table; ``rows`` pairs each spreadsheet row number with its cells."""

    file: str
    sheet: str | None
    header_row: int
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str | None, ...]], ...]


def normalise_header(name: str | None) -> str:
    return "_".join(str(name or "").strip().lower().replace("\ufeff", "").split())


def read_table(path: Path, *, wanted: tuple[str, ...], max_bytes: int) -> RawTable:
    """Read a CSV or XLSX file, locating the header row by the ``wanted`` column names."""
    name = path.name
    if not path.is_file():
        raise FileRejected(name, "file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileRejected(
            name, f"file is {size:,} bytes; the limit is {max_bytes:,} (ASCGOV_MAX_IMPORT_BYTES)"
        )
    if size == 0:
        raise FileRejected(name, "file is empty")
    suffix = path.suffix.lower()
    head = path.read_bytes()[:8]
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, head, wanted)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, head, wanted)
    if suffix == ".xls":
        raise FileRejected(name, "old Excel .xls files are not read: save it as .xlsx or .csv")
    raise FileRejected(name, f"unsupported file type '{suffix}': use .csv or .xlsx")


def _read_csv(path: Path, head: bytes, wanted: tuple[str, ...]) -> RawTable:
    data = path.read_bytes()
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        raise FileRejected(
            path.name, "file is named .csv but holds an Excel workbook or other binary file"
        )
    if b"\x00" in data:
        raise FileRejected(path.name, "file is named .csv but holds binary data, not text")
    text = _decode(path.name, data)
    cells = [tuple(c if c.strip() else None for c in row) for row in csv.reader(io.StringIO(text))]
    return _locate(path.name, None, cells, wanted)


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


def _read_xlsx(path: Path, head: bytes, wanted: tuple[str, ...]) -> RawTable:
    if not head.startswith(_ZIP_MAGIC):
        kind = "an old .xls workbook" if head.startswith(_OLE_MAGIC) else "not a workbook"
        raise FileRejected(path.name, f"file is named .xlsx but is {kind}")
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # calamine reports corrupt workbooks in many ways
        raise FileRejected(path.name, f"workbook cannot be read ({exc})") from None
    first_problem: FileRejected | None = None
    fallback: RawTable | None = None
    for sheet in reader.sheet_names:
        try:
            table, found = _sheet_table(reader, path.name, sheet, wanted)
        except FileRejected as problem:
            first_problem = first_problem or problem
            continue
        if found:
            # the sheet whose header names the wanted columns, even after a cover sheet
            return table
        fallback = fallback or table
    if fallback is not None:
        return fallback
    raise first_problem or FileRejected(path.name, "workbook has no sheets")


def _sheet_table(reader, file: str, sheet: str, wanted: tuple[str, ...]) -> tuple[RawTable, bool]:
    """The sheet's table, and whether its header row holds every wanted column."""
    try:
        # skip_rows=0 keeps leading empty rows, so row numbers are the spreadsheet's own;
        # cells of spaces are blank, as they are in CSV
        frame = reader.load_sheet(
            sheet, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True
        ).to_polars()
    except Exception as exc:  # an empty sheet has no range to read
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
    rows = []
    for index in range(header_index + 1, len(cells)):
        row = cells[index][: len(header)]
        if any(c is not None for c in row):
            rows.append((index + 1, tuple(row) + (None,) * (len(header) - len(row))))
        elif any(c is not None for c in cells[index]):
            rows.append((index + 1, (None,) * len(header)))
    return RawTable(file, sheet, header_index + 1, header, tuple(rows))
