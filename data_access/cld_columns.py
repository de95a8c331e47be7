"""The columns of a CLD file: matched by name, direct identifiers dropped and named.

A council's CLD file carries DHSC's Release 2 columns, often with its own spelling of the
headers: ``Request: Route of Access``, ``Request_Route_of_Access`` and ``request route of
access`` are one column (matched with case, spaces, underscores and punctuation taken away:
``identifiers.squashed``). The file always carries direct identifiers (NHS number, date of
birth, postcode, GP practice), so they are dropped rather than refused, and the reading notes
name each one; the date of birth is read first, to work out the age at each event (the
``cld`` writer), and goes no further. Release 2 columns the dashboard does not use (gender,
ethnicity, costs ...) are left out and named too. Any other column is left for the importer,
which refuses it as unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import polars as pl

from data_access.files import RawTable
from data_access.identifiers import identifier_kind, squashed

DATE_OF_BIRTH = "date_of_birth"

# Release 2 columns read from the file but not stored (written as DHSC writes them)
NOT_USED = (
    "LA_Code",
    "LA_Name",
    "Gender",
    "Ethnicity",
    "Date_of_Death",
    "Accommodation_Status",
    "Employment_Status",
    "Has_Unpaid_Carer",
    "Autism_Spectrum_Disorder_ASD",
    "Visual_Impairment",
    "Hearing_Impairment",
    "Dementia",
    "Client_Funding_Status",
    "Total_Hrs_Caring_per_week",
    "No_of_adults_being_cared_for",
    "Adult_1_Linked_Person_ID",
    "Adult_2_Linked_Person_ID",
    "Adult_3_Linked_Person_ID",
    "Request_Route_of_Access",
    "Eligible_Needs_Identified",
    "Method_of_Assessment",
    "Service_Component",
    "Delivery_Mechanism",
    "Provider_CQC_Location_ID",
    "Provider_CQC_Location_Name",
    "Unit_Cost",
    "Cost_Frequency_Unit_Type",
    "Planned_units_per_week",
    "Review_Outcomes_Achieved",
    "Method_of_Review",
)
_NOT_USED = {squashed(name) for name in NOT_USED}


def dropped(squashed_names: Iterable[str]) -> set[str]:
    """Of some headers (squashed), those a CLD import drops: identifiers and unused columns."""
    return {n for n in squashed_names if n in _NOT_USED or identifier_kind(n) is not None}


def left_out(name: str, known: dict[str, str]) -> bool:
    """Whether a CLD import drops the column ``name`` (a header as normalised) unread: a direct
    identifier other than the date of birth, or a Release 2 column not used. ``known``: the
    dataset's columns by squashed name."""
    key = squashed(name)
    if key in known:
        return False
    kind = identifier_kind(name)
    if kind == "date of birth" and DATE_OF_BIRTH in known.values():
        return False
    return kind is not None or key in _NOT_USED


def unread(columns: Iterable[str]) -> Callable[[str], bool]:
    """``left_out`` for the dataset's ``columns``: the reader leaves those cells unread."""
    known = {squashed(name): name for name in columns}
    return lambda name: left_out(name, known)


def _sorted(table: RawTable, known: dict[str, str]):
    """Each column's name after matching, the positions kept, and the headers (as the file
    writes them) of the identifiers and of the unused columns left out."""
    headers = table.headers or table.columns
    renamed: list[str] = []
    identifiers: list[str] = []
    unused: list[str] = []
    keep: list[int] = []
    for position, name in enumerate(table.columns):
        written = headers[position] if position < len(headers) and headers[position] else name
        kind = identifier_kind(name)
        if left_out(name, known):
            renamed.append(name)
            if kind is not None:
                identifiers.append(f"{written} ({kind})")
            else:
                unused.append(written)
            continue
        # a known column ("DOB" and "Birth date" are read for the age as Date_of_Birth is), or
        # an unknown one, which the importer names
        renamed.append(known.get(squashed(name), DATE_OF_BIRTH if kind is not None else name))
        keep.append(position)
    return renamed, keep, identifiers, unused


def prepared(table: RawTable, columns: Iterable[str]) -> RawTable:
    """``table`` with each header matched to one of ``columns`` (the dataset's file columns)
    by its squashed name, direct identifiers other than the date of birth and unused Release 2
    columns taken out, and the reading notes saying which."""
    known = {squashed(name): name for name in columns}
    if len(set(table.columns)) != len(table.columns):
        return table  # a header named twice: the importer says so
    renamed, keep, identifiers, unused = _sorted(table, known)
    kept = [renamed[i] for i in keep]
    if len(set(kept)) != len(kept) or not all(kept):
        # a column named twice: left as it is, for the importer to say so
        return replace(table, columns=tuple(renamed))
    headers = table.headers or table.columns
    notes = []
    if identifiers:
        notes.append(f"direct identifiers dropped, never stored: {', '.join(identifiers)}")
    if DATE_OF_BIRTH in kept:
        written = headers[renamed.index(DATE_OF_BIRTH)] or DATE_OF_BIRTH
        notes.append(
            f"{written} read only to work out the age at each event's start, then dropped: "
            "never stored"
        )
    if unused:
        notes.append(f"columns not used, left out: {', '.join(unused)}")
    # the kept columns, by name: a regular body's left-out columns were never read
    cells = table.frame if table.frame is not None else table.cells()
    frame = cells.select("row", *(pl.col(table.columns[i]).alias(renamed[i]) for i in keep))
    return replace(
        table,
        columns=tuple(kept),
        unread=(),
        headers=tuple(headers[i] if i < len(headers) else renamed[i] for i in keep),
        rows=(),
        frame=frame,
        reading=(*table.reading, *notes),
    )
