"""What the "Figures as at" control reads and says: a day as typed, and the day the figures
begin."""

from __future__ import annotations

import re
from datetime import date, datetime

# day/month/year as members write it (the separator may be / - or .; a two-digit year is this
# century's), the ISO form links carry (?as_at=2024-03-12), and the day written out
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_WRITTEN = ("%d %B %Y", "%d %b %Y")
TYPE_IT = "Type a day as day/month/year, e.g. 12/03/2024, and press Enter"
NOT_YET = "That day has not come yet, so the live figures are shown."


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def read_day(text: str | None) -> date | None:
    """The day ``text`` names, or None when it names none.

    >>> [read_day(t) for t in ("20/03/2024", "20/3/24", "2024-03-20", "20 March 2024")]
    [datetime.date(2024, 3, 20), datetime.date(2024, 3, 20), datetime.date(2024, 3, 20), \
datetime.date(2024, 3, 20)]
    >>> read_day("31/02/2024"), read_day("03/20/2024"), read_day("soon"), read_day("")
    (None, None, None, None)
    """
    text = (text or "").strip()
    try:
        if _ISO.fullmatch(text):
            return date.fromisoformat(text)
        if numeric := _NUMERIC.fullmatch(text):
            day, month, year = (int(part) for part in numeric.groups())
            return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    for written in _WRITTEN:
        try:
            return datetime.strptime(text, written).date()
        except ValueError:
            continue
    return None


def not_a_day(text: str) -> str:
    """What the control says of text that names no day (the text itself quoted as typed)."""
    return (
        f"“{text.strip()}” is not a day the dashboard can read, so the live figures are shown. "
        f"{TYPE_IT}."
    )


def before_figures(day: date, first: date) -> str:
    """An as-at day before the store's first figure: nothing was loaded yet, and when the
    figures begin.

    >>> print(before_figures(date(2024, 3, 1), date(2024, 3, 12)))  # doctest: +NORMALIZE_WHITESPACE
    There are no figures as at 1 March 2024: the dashboard holds none from before then. The
    figures begin on 12 March 2024; choose that day or later.
    """
    return (
        f"There are no figures as at {_long(day)}: the dashboard holds none from before then. "
        f"The figures begin on {_long(first)}; choose that day or later."
    )
