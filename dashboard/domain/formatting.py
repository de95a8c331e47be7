"""How figures read to councillors: money, counts, percentages, dates, times, and the words for a
figure that is missing. Every page, download note, CLI line and the briefing pack write them
through here."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from data_access.days import UK

# a figure the source does not give: never shown as 0 or £0, never left blank
MISSING = "not published"
# a name or category the source leaves empty (an owner, a cohort)
NOT_STATED = "not stated"


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
        return MISSING
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
    return MISSING if value is None else f"{value:,}"


def counted(number: int, word: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: ``1 row``, ``2 rows``, ``1,200 problems``.

    >>> counted(1, "row"), counted(2, "row"), counted(3, "entry", "entries")
    ('1 row', '2 rows', '3 entries')
    """
    return f"{number:,} {word if number == 1 else plural or word + 's'}"


def counted_column(number: pl.Expr, word: str) -> pl.Expr:
    """``counted`` for a column of whole numbers: ``1 day``, ``97 days`` (a polars expression,
    no Python per row).

    >>> pl.select(counted_column(pl.Series([1, 97]), "day")).to_series().to_list()
    ['1 day', '97 days']
    """
    return pl.concat_str(
        number.cast(pl.String),
        pl.when(number == 1).then(pl.lit(f" {word}")).otherwise(pl.lit(f" {word}s")),
    )


def percent(value: int | float | Decimal | None) -> str:
    """``42%``; a fraction of a percent is kept to one place (``4.5%``).

    >>> percent(42), percent(Decimal("4.50")), percent(None)
    ('42%', '4.5%', 'not published')
    """
    if value is None:
        return MISSING
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()
    return f"{rounded:f}%"


def day(value: date | None) -> str:
    """``31 Mar 2024``."""
    return "" if value is None else f"{value.day} {value.strftime('%b %Y')}"


def month(value: date | None) -> str:
    return "" if value is None else value.strftime("%b %Y")


def moment(value: datetime | None) -> str:
    """An instant as UK readers read it: ``1 Apr 2024 00:30`` is UK time (the store keeps
    UTC; a naive value is taken as UTC).

    >>> moment(datetime(2024, 3, 31, 23, 30, tzinfo=UTC))
    '1 Apr 2024 00:30'
    """
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UK)
    return f"{day(local.date())} {local:%H:%M}"


def stamp(value: datetime) -> str:
    """When a file or pack was made, for its notes: ``7 Dec 2026 14:05 UK time``."""
    return f"{moment(value)} UK time"


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
