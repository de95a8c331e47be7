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


# pence in a pound, a thousand pounds, ten thousand pounds, a million pounds
_POUND, _THOUSAND, _MILLION = 100, 100_000, 100_000_000
# £m to two places (£12.54m) is the usual way to write millions; a third place is kept when the
# amount has it (£12.537m, as papers write them); beyond that the amount is written in full
_MILLION_PLACES = (2, 3)
# a £000s table: 1,630; an amount that is not whole thousands keeps the places it has (1,500.5;
# 578.026 is £578,026), to the penny
_THOUSANDS_PLACES = range(6)


def money(pence: int | None, *, style: str = "auto", places: int | None = None) -> str:
    """Money as people read it, never rounded: two different amounts never read the same.

    ``auto``: a million or more in £m to two places, or three where the amount has them
    (£12.537m, never £12.54m); an amount finer than a thousand pounds in full (£12,537,412);
    under a million, £429,000 (pence only when present). ``exact``: £578,026 or £1,500.50.
    ``thousands``: 1,630 for a table headed £000s, 1,500.5 where the amount has more.
    ``places``: the places a table's column writes every amount with (``money_places``), so
    its figures line up; an amount that needs more keeps them.

    >>> money(129_300_000), money(129_000_000), money(42_900_000)
    ('£1.293m', '£1.29m', '£429,000')
    >>> money(129_000_000, places=3), money(129_341_200)
    ('£1.290m', '£1,293,412')
    """
    if pence is None:
        return MISSING
    sign = "-" if pence < 0 else ""
    size = abs(pence)
    amount = Decimal(size) / _POUND
    if style == "thousands":
        shown = max(places or 0, _places_needed(size, _THOUSANDS_PLACES, 1_000 * _POUND))
        return sign + f"{(amount / 1000).quantize(Decimal(1).scaleb(-shown)):,}"
    if style == "auto" and size >= _MILLION:
        needed = _places_needed(size, _MILLION_PLACES, _MILLION)
        if needed is not None:
            shown = max(places or 0, needed)
            return f"{sign}£{(amount / 1_000_000).quantize(Decimal(1).scaleb(-shown))}m"
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount.quantize(Decimal('0.01')):,}"


def _places_needed(pence: int, allowed, unit: int) -> int | None:
    """The fewest of ``allowed`` decimal places of ``unit`` (in pence) that write ``pence``
    exactly; None when none does."""
    for places in allowed:
        if pence % (unit // 10**places) == 0:
            return places
    return None


def money_places(pence: pl.Series, *, style: str = "auto") -> int | None:
    """The places a column of amounts is written with, so every amount in it is exact and its
    figures line up: for ``auto``, three when any £m amount has a third place, else two; for
    ``thousands``, the most any amount needs; None for other styles (each amount is exact).

    >>> money_places(pl.Series([240_000_000, 129_300_000, 90_000_000]))
    3
    >>> money_places(pl.Series([163_000_000, 150_050_000]), style="thousands")
    1
    """
    size = pence.cast(pl.Int64).drop_nulls().abs()
    if style == "thousands":
        return next(
            places
            for places in _THOUSANDS_PLACES
            if (size % (1_000 * _POUND // 10**places) == 0).all()
        )
    if style != "auto":
        return None
    millions = size.filter(size >= _MILLION)
    third = (millions % (_MILLION // 100) != 0) & (millions % (_MILLION // 1_000) == 0)
    return _MILLION_PLACES[1] if third.any() else _MILLION_PLACES[0]


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
    """A whole number of percent as it is (``42%``); any other number to one decimal place
    (``50.1%``, ``50.0%``), so a share worked out from amounts never reads as a round figure.

    >>> percent(42), percent(Decimal("4.50")), percent(Decimal("50")), percent(None)
    ('42%', '4.5%', '50.0%', 'not published')
    """
    if value is None:
        return MISSING
    if isinstance(value, int):
        return f"{value:,}%"
    return f"{Decimal(str(value)).quantize(Decimal('0.1'), ROUND_HALF_UP):,f}%"


# A share of a target is shown to a tenth of a percent, rounded down: a line forecast to
# deliver 94.96% of its target reads 94.9%, under the 95% a Green rating needs, as it is (rounded
# to the nearest it would read 95.0% beside an Amber rating). Whole-number arithmetic, so no
# float rounding decides it; ``percent_of_column`` is the same rule for a column.
def percent_of(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place, rounded down; None when
    either is missing or ``whole`` is 0.

    >>> percent_of(175_000_000, 180_000_000), percent_of(9_496, 10_000), percent_of(1, 0)
    (Decimal('97.2'), Decimal('94.9'), None)
    """
    if part is None or not whole:
        return None
    return Decimal(part * 1000 // whole).scaleb(-1)


def share_of(part: int, whole: int) -> Decimal | None:
    """``part``'s share of a ``whole`` it is one of several parts of, to one decimal place,
    rounded to the nearest (halves up): the shares then add up to 100% as nearly as a tenth
    allows (rounded down, five shares of £10.401m added up to 99.8%). None when ``whole`` is 0.

    >>> share_of(900, 10_401), share_of(2_400, 10_401), share_of(1, 0)
    (Decimal('8.7'), Decimal('23.1'), None)
    """
    if not whole:
        return None
    return Decimal((part * 2000 + whole) // (2 * whole)).scaleb(-1)


PERCENT_OF = pl.Decimal(38, 1)


def percent_of_column(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """``percent_of`` for columns of pence (a polars expression, no Python per row)."""
    tenths = pl.when(whole != 0).then(part * 1000 // whole)
    return tenths.cast(PERCENT_OF) / 10


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
