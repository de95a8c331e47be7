"""Parsing of the values council files really contain: money, dates, months, financial years.

Each parser takes text and returns a typed value or raises ``ValueError`` whose message states
the rule that was broken; importers put that message beside the file, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from data_access.limits import MONEY_MAX_PENCE

_MONEY = re.compile(
    r"""^(?P<neg1>-)?\s*(?P<pound>£)?\s*(?P<neg2>-)?
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)
        (?:\.(?P<frac>\d+))?
        (?:\s*(?P<suffix>[kKmM]|bn))?$""",
    # ASCII: \s must not take control characters (\x1c-\x1f) nor \d other scripts' digits
    re.VERBOSE | re.ASCII,
)
# pounds and pence as exports and most returns write them ('476100.00'): read without the
# general pattern's groups; anything else takes the general path below
_PLAIN_MONEY = re.compile(r"^(?P<int>[0-9]{1,15})(?:\.(?P<frac>[0-9]{1,2}))?$", re.ASCII)
_BRACKETED = re.compile(r"^\((?P<inner>.*)\)$")
_FY_SHORT = re.compile(r"^(?P<start>\d{4})\s*[/-]\s*(?P<end>\d{2})$")
_FY_LONG = re.compile(r"^(?P<start>\d{4})\s*[/-]\s*(?P<end>\d{4})$")
_UK_DATE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
# 31-Mar-24, 12 March 2024, 31 Mar 2024: a month name makes the order unambiguous
_NAMED_DATE = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?P<m>[A-Za-z]+)\.?,?[\s-]+(?P<y>\d{2}|\d{4})$", re.ASCII
)
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$", re.ASCII)
EXCEL_EPOCH = date(1899, 12, 30)
_ISO_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

MONEY_RULE = "money must be a number of pounds with at most 2 decimal places (e.g. £1,500.50)"
MAX_PENCE = MONEY_MAX_PENCE
WRONG_UNIT_HINT = (
    "if the figures are in £m or £000s, write 12.537m or say so in the header ('target (£m)') "
    "or a title row ('All figures £000s')"
)
TOO_LARGE_RULE = f"amount is too large: the most is £{MAX_PENCE // 100:,}.{MAX_PENCE % 100:02d}"

# characters that show as nothing, or reorder the text around them, so that two different names
# look the same: "North\u200b locality" is displayed as "North locality". Zero-width characters,
# the soft hyphen, a byte-order mark inside text, the invisible operators and every
# bidirectional control.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


SUFFIXES = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}


def parse_money_pence(text: str, *, allow_negative: bool = False, unit: int = 1) -> int:
    """Parse an amount of pounds into integer pence.

    ``£12.537m`` and ``£1.2k`` are read exactly, as is ``(1,234)`` (a negative, where allowed);
    ``unit`` is what one written pound means (1,000 in a file read as £000s).

    >>> parse_money_pence("£1,500.5")
    150050
    >>> parse_money_pence("£12.537m")
    1253700000
    >>> parse_money_pence("1,500", unit=1000)
    150000000
    """
    # only the spaces people type: str.strip() would also drop control characters such as
    # \x1f, quietly accepting a corrupted cell
    cleaned = text.replace("\u00a0", " ").strip(" \t\r\n")
    plain = _PLAIN_MONEY.match(cleaned) if unit == 1 else None
    if plain:
        pence = int(plain.group("int")) * 100 + int((plain.group("frac") or "").ljust(2, "0"))
        return _signed(pence, False, allow_negative)
    negative = False
    bracketed = _BRACKETED.match(cleaned)
    if bracketed:
        # accounting exports show negatives in brackets: (1,500)
        negative, cleaned = True, bracketed.group("inner").strip()
    match = _MONEY.match(cleaned)
    signs = negative + bool(match and match.group("neg1")) + bool(match and match.group("neg2"))
    if not match or signs > 1:
        # '--5', '-£-5' and '(-5)' are not amounts anyone meant to type
        raise ValueError(MONEY_RULE)
    negative = signs == 1
    digits = match.group("int").replace(",", "").lstrip("0")
    suffix = match.group("suffix")
    scale = unit * (SUFFIXES[suffix.lower()] if suffix else 1)
    if len(digits) + len(str(scale)) - 1 > len(str(MAX_PENCE // 100)):
        # before Decimal: a thousand-digit number is not worth converting to be refused
        raise ValueError(TOO_LARGE_RULE)
    frac = match.group("frac") or ""
    if scale == 1 and len(frac) <= 2:
        # pounds and pence as written: whole-number arithmetic, the common case
        pence = int(digits or "0") * 100 + int(frac.ljust(2, "0"))
        return _signed(pence, negative, allow_negative)
    if len(frac) > 2 and scale == 1:
        # 12.537 is no amount of pounds: most likely £m or £000s without saying so
        raise ValueError(f"{MONEY_RULE}; {WRONG_UNIT_HINT}")
    if len(frac) > 12:
        raise ValueError(MONEY_RULE)
    pence = Decimal(f"{digits or '0'}.{frac or '0'}") * scale * 100
    if pence != pence.to_integral_value():
        # a fraction of a penny: 1.234 pounds, or 1.2345k
        raise ValueError(MONEY_RULE)
    return _signed(int(pence), negative, allow_negative)


def _signed(pence: int, negative: bool, allow_negative: bool) -> int:
    if pence > MAX_PENCE:
        raise ValueError(TOO_LARGE_RULE)
    if negative and pence:
        if not allow_negative:
            raise ValueError("amount cannot be negative")
        pence = -pence
    return pence


def pounds_text(pence: int) -> str:
    """Pence as exact pounds for a file cell: 150050 -> '1500.50'."""
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def pence_from_number(value: float | int | Decimal, *, allow_negative: bool = False) -> int:
    """Pence from a number a spreadsheet cell held, refusing fractions of a penny."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(MONEY_RULE) from exc
    if not amount.is_finite():
        # infinity and NaN (a signalling NaN raises on any arithmetic)
        raise ValueError(MONEY_RULE)
    if abs(amount) > Decimal(MAX_PENCE) / 100:
        raise ValueError(TOO_LARGE_RULE)
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise ValueError(MONEY_RULE)
    if pence < 0 and not allow_negative:
        raise ValueError("amount cannot be negative")
    return int(pence)


def check_visible(text: str) -> str:
    """Refuse a name holding a character that displays as nothing or reorders the text.

    >>> check_visible("North\u200b locality")
    Traceback (most recent call last):
    ValueError: contains an invisible character U+200B ZERO WIDTH SPACE at position 6
    """
    found = _INVISIBLE.search(text)
    if found:
        char = found.group()
        raise ValueError(
            f"contains an invisible character U+{ord(char):04X} {unicodedata.name(char)} "
            f"at position {found.start() + 1}"
        )
    return text


def parse_financial_year(text: str) -> str:
    """Normalise a financial year to ``2023/24``; accepts ``2023-24`` and ``2023/2024``.

    >>> parse_financial_year("2023-2024")
    '2023/24'
    """
    cleaned = text.strip()
    short = _FY_SHORT.match(cleaned)
    long = _FY_LONG.match(cleaned)
    if short:
        start, end = int(short.group("start")), int(short.group("end"))
        follows = (start + 1) % 100 == end
    elif long:
        start, end_full = int(long.group("start")), int(long.group("end"))
        follows = end_full == start + 1
    else:
        raise ValueError("financial year must be written like 2023/24 (or 2023-24, 2023/2024)")
    if not follows:
        raise ValueError("a financial year's second year must follow its first (e.g. 2023/24)")
    if not 1990 <= start <= 2100:
        raise ValueError("financial year is out of range (1990/91 to 2100/01)")
    return f"{start}/{(start + 1) % 100:02d}"


DATE_RULE = "date must be written as DD/MM/YYYY or YYYY-MM-DD (or 31-Mar-2024)"


def parse_date(text: str, *, serial: bool = False) -> date:
    """Parse a UK (31/03/2024), ISO (2024-03-31) or named-month (31-Mar-24, 12 March 2024) date.

    ``serial``: the cell is a number in a workbook, which Excel counts in days from 1899-12-30.
    A number in a CSV file is refused with the date it would be, since it may be anything.
    """
    cleaned = text.strip()
    # the patterns cannot both match: ISO first, as exports and most systems write dates
    match = _ISO_DATE.match(cleaned)
    if match:
        try:
            return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        except ValueError as exc:
            raise ValueError(f"no such date ({exc})") from exc
    if _SERIAL.match(cleaned):
        day = excel_serial_date(cleaned)
        if serial:
            return day
        raise ValueError(
            f"{cleaned} is an Excel date serial number ({day:%d/%m/%Y}), not a date: "
            "format the column as dates before saving, or write DD/MM/YYYY"
        )
    named = _NAMED_DATE.match(cleaned)
    if named:
        month = _MONTH_NAMES.get(named.group("m").lower())
        if month is None:
            raise ValueError(f"no such month '{named.group('m')}'")
        year = int(named.group("y"))
        year = 2000 + year if year < 100 else year
        try:
            return date(year, month, int(named.group("d")))
        except ValueError as exc:
            raise ValueError(f"no such date ({exc})") from exc
    match = _UK_DATE.match(cleaned)
    if not match:
        raise ValueError(DATE_RULE)
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError as exc:
        raise ValueError(f"no such date ({exc})") from exc


def is_serial(text: str) -> bool:
    """Whether text is a number Excel would show as a date of 1927 to 2173 (5 digits)."""
    return bool(_SERIAL.match(text.strip()))


def excel_serial_date(text: str) -> date:
    """The date an Excel serial number stands for (1900 date system)."""
    return date.fromordinal(EXCEL_EPOCH.toordinal() + int(Decimal(text)))


def parse_month(text: str) -> date:
    """Parse a month (2024-03, Mar 2024, March 2024 or any date in it) to its first day."""
    cleaned = text.strip()
    iso = _ISO_MONTH.match(cleaned)
    if iso:
        year, month = int(iso.group("y")), int(iso.group("m"))
    else:
        parts = cleaned.replace("-", " ").split()
        # a four-digit year: 'Mar 24' is not the year 24
        if len(parts) == 2 and parts[0].lower() in _MONTH_NAMES and _YEAR.match(parts[1]):
            year, month = int(parts[1]), _MONTH_NAMES[parts[0].lower()]
        else:
            try:
                day = parse_date(cleaned)
            except ValueError:
                raise ValueError(
                    "month must be written as YYYY-MM, Mar 2024 or a date in the month"
                ) from None
            year, month = day.year, day.month
    if not 1 <= month <= 12:
        raise ValueError("no such month")
    return date(year, month, 1)


def parse_cell_date(value: object) -> date:
    """A date from a cell that may already be typed by the spreadsheet reader."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value))
