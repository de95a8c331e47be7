"""How figures read to councillors: money, counts, dates and financial years."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def money(pence: int | None, *, style: str = "auto") -> str:
    """Money as people read it.

    ``auto``: £1.29m for a million or more, else £429,000 (pence shown only when present);
    ``exact``: £578,026 or £1,500.50; ``thousands``: 1,630 (for a table headed £000s).

    >>> money(129_300_000)
    '£1.29m'
    >>> money(42_900_000)
    '£429,000'
    """
    if pence is None:
        return "not published"
    sign = "-" if pence < 0 else ""
    amount = Decimal(abs(pence)) / 100
    if style == "thousands":
        return sign + f"{(amount / 1000).quantize(Decimal('1'), ROUND_HALF_UP):,}"
    if style == "auto" and amount >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return f"{sign}£{millions}m"
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount.quantize(Decimal('0.01')):,}"


def count(value: int | None) -> str:
    return "not published" if value is None else f"{value:,}"


def day(value: date | None) -> str:
    """``31 Mar 2024``."""
    return "" if value is None else f"{value.day} {value.strftime('%b %Y')}"


def month(value: date | None) -> str:
    return "" if value is None else value.strftime("%b %Y")


_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")


# Streamlit's markdown turns bare web addresses into live links after escapes are read, so a
# backslash cannot stop it. An invisible WORD JOINER inside each "://" and after "www" breaks
# the pattern; the words read the same and are never a link out of the app. (An email address
# becomes a mailto: link, which opens the reader's own mail program: left, so that people's
# addresses copy as they are.)
_WORD_JOINER = "\u2060"
_AUTOLINK_PARTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)", re.IGNORECASE)


def plain(text: object) -> str:
    """Text from the store or a file, escaped so Streamlit's markdown shows it literally, with
    no markup, no link and no bare web address made into a link.

    >>> plain("[click](javascript:alert(1))")
    '\\\\[click\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    >>> plain("see https://x.example") == "see https\\\\:\u2060//x\\\\.example"
    True
    """
    defused = _AUTOLINK_PARTS.sub(_WORD_JOINER, str(text))
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in defused)
