"""Direct identifiers: what a person-level file must never bring into the store.

The dashboard keeps only a council's own person id, for officers to act on. A file of people
(the ``cases`` census extract; the CLD import will use the same rules) is refused if it carries
a column of NHS numbers, names, dates of birth, postcodes, addresses or GP practices, each
column named; and a person id that is an NHS number (ten digits whose last is the modulus 11
check digit of the other nine) is refused, its row named. The value is never repeated back.

Pure module: no store, no polars callbacks (the check digit is worked out a column at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

# what each kind of identifier is called in a message, and the headers that carry it, written
# as ``squashed`` makes them (lower case, letters and digits only): "NHS Number", "nhs_no",
# "N.H.S. No." are all ``nhsnumber`` / ``nhsno``
IDENTIFIER_HEADERS: dict[str, frozenset[str]] = {
    "NHS number": frozenset(
        {
            "nhs",
            "nhsno",
            "nhsnum",
            "nhsnumber",
            "nhsid",
            "nhsnumberverified",
            "personnhsnumber",
            "patientnhsnumber",
            "clientnhsnumber",
            "newnhsnumber",
            "nhsnumberstatus",
        }
    ),
    "name": frozenset(
        {
            "name",
            "fullname",
            "forename",
            "forenames",
            "surname",
            "firstname",
            "lastname",
            "middlename",
            "middlenames",
            "givenname",
            "givennames",
            "familyname",
            "personname",
            "clientname",
            "patientname",
            "preferredname",
            "knownas",
            "maidenname",
        }
    ),
    "date of birth": frozenset(
        {
            "dob",
            "dateofbirth",
            "birthdate",
            "datebirth",
            "birthday",
            "personbirthdate",
            "persondateofbirth",
            "clientdateofbirth",
        }
    ),
    "postcode": frozenset(
        {
            "postcode",
            "postalcode",
            "pcode",
            "zip",
            "zipcode",
            "homepostcode",
            "personpostcode",
            "clientpostcode",
            "residentpostcode",
        }
    ),
    "address": frozenset({"address", "homeaddress", "addressline1", "streetaddress"}),
    "GP practice": frozenset(
        {
            "gp",
            "gpcode",
            "gppractice",
            "gppracticecode",
            "gppracticename",
            "gpname",
            "registeredgp",
            "registeredgppractice",
            "registeredgppracticecode",
            "practicecode",
            "gpsurgery",
        }
    ),
}
_KINDS = {header: kind for kind, headers in IDENTIFIER_HEADERS.items() for header in headers}

IDENTIFIER_FIX = "remove the column; the dashboard keeps only your own person id"
NHS_NUMBER_ID_RULE = (
    "looks like an NHS number (ten digits with a valid check digit); NHS numbers are never stored"
)
NHS_NUMBER_ID_FIX = "give the council's own person id (from the case-management system) instead"


def squashed(header: str | None) -> str:
    """A header with case, spaces, punctuation and underscores taken away."""
    return re.sub(r"[^0-9a-z]", "", str(header or "").lower())


def identifier_kind(header: str | None) -> str | None:
    """The kind of direct identifier a column header names (``NHS number``, ``name``, ``date
    of birth``, ``postcode``, ``GP practice``), or None.

    >>> identifier_kind("NHS Number"), identifier_kind("Date of Birth"), identifier_kind("team")
    ('NHS number', 'date of birth', None)
    """
    return _KINDS.get(squashed(header))


def identifier_columns(headers: Iterable[str | None]) -> list[tuple[str, str]]:
    """The headers that carry direct identifiers, in order, with their kind."""
    return [(h, kind) for h in headers if h and (kind := identifier_kind(h)) is not None]


def _digits(text: str) -> str:
    """An id as the digits of an NHS number would be written: spaces and hyphens taken away
    (``943 476 5919``, ``943-476-5919``)."""
    return re.sub(r"[\s-]", "", text)


def is_nhs_number(text: str | None) -> bool:
    """Whether ``text`` is an NHS number: ten ASCII digits (spaces or hyphens between them
    allowed) whose tenth is the modulus 11 check digit of the first nine.

    >>> is_nhs_number("9434765919"), is_nhs_number("943 476 5919"), is_nhs_number("9434765918")
    (True, True, False)
    """
    digits = _digits(str(text or ""))
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def maybe_nhs_number(column: str) -> pl.Expr:
    """False where the text cannot be an NHS number (``nhs_number_expr``) by its first
    character alone: visible ASCII other than a digit, a space or a hyphen (the letter most
    councils' person ids start with), which the check never takes away. A comparison of each
    cell, far cheaper than finding a large file's distinct ids first."""
    text = pl.col(column).cast(pl.String)
    return (text < ":") | (text >= "\u0080")


def nhs_number_expr(column: str) -> pl.Expr:
    """``is_nhs_number`` a column at a time (no Python callback): true where the text is an
    NHS number, false elsewhere (a null too)."""
    digits = pl.col(column).cast(pl.String).str.replace_all(r"[\s-]", "")
    shaped = digits.str.contains(r"^[0-9]{10}$").fill_null(False)
    # ten digits are a whole number (an Int64): each digit is worked out by arithmetic, not
    # read from text nine times
    number = pl.when(shaped).then(digits).cast(pl.Int64, strict=False)
    total = pl.sum_horizontal([number // 10 ** (9 - i) % 10 * (10 - i) for i in range(9)])
    check = (11 - total % 11) % 11  # 11 -> 0; 10 stays 10, which no digit equals
    return (shaped & (check == number % 10).fill_null(False)).alias(column)
