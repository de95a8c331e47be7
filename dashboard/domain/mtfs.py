"""How the savings lines stand against an MTFS (Medium Term Financial Strategy) requirement: the
financial years the requirement's period names, and what the lines target in those years.

A requirement is stored with its period in words ("Five years from 2023/24"); the lines are
stored by financial year. Nothing links a line to a requirement, so the comparison is by year,
and only where the period names its years in one of the forms ``period_years`` reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from dashboard.domain.formatting import counted, money

_YEAR = r"(\d{4})/(\d{2})"
_RANGE = re.compile(rf"{_YEAR}\s+to\s+{_YEAR}")
_YEARS_FROM = re.compile(rf"\b([a-z]+|\d+)[\s-]+years?\s+from\s+{_YEAR}", re.IGNORECASE)
_ANY_YEAR = re.compile(_YEAR)
_NUMBERS = {
    word: n
    for n, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), start=1
    )
}


def _year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _start(first: str, second: str) -> int | None:
    """The year a written financial year starts in; None when its two halves disagree."""
    start = int(first)
    return start if (start + 1) % 100 == int(second) else None


def period_years(period: str) -> tuple[str, ...] | None:
    """The financial years a requirement's period names, in order; None when it names them
    in no form read here: ``2024/25``, ``2023/24 to 2027/28`` or ``Five years from 2023/24``
    (a number in words or figures).

    >>> period_years("Five years from 2023/24 (adult social care)")
    ('2023/24', '2024/25', '2025/26', '2026/27', '2027/28')
    >>> period_years("2024/25"), period_years("Three-year plan to 2026/27")
    (('2024/25',), None)
    """
    if found := _RANGE.search(period):
        first, last = _start(*found.group(1, 2)), _start(*found.group(3, 4))
        if first is None or last is None or last < first:
            return None
        return tuple(_year(y) for y in range(first, last + 1))
    if found := _YEARS_FROM.search(period):
        number, first = found.group(1).lower(), _start(*found.group(2, 3))
        count = int(number) if number.isdigit() else _NUMBERS.get(number)
        if first is None or not count:
            return None
        return tuple(_year(first + k) for k in range(count))
    named = _ANY_YEAR.findall(period)
    # one year, and no other words about years ("three-year plan to 2026/27" is not 2026/27)
    if len(named) == 1 and not re.search(r"year", period, re.IGNORECASE):
        start = _start(*named[0])
        return None if start is None else (_year(start),)
    return None


def _span(years: list[str]) -> str:
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


@dataclass(frozen=True)
class Coverage:
    """The tracked savings lines against one requirement, by financial year."""

    required: int  # pence
    period: str
    years: tuple[str, ...] | None  # None: the period does not name its years
    lines: int  # savings lines with a year in the period
    target: int  # pence they target in the period
    other_lines: int  # lines with years outside it
    other_target: int
    other_years: tuple[str, ...]

    def sentence(self) -> str:
        """``The 5 savings lines for 2023/24 to 2027/28 target £7.593m against the MTFS
        requirement of £67.00m for those years; £59.407m of it is not yet covered by a
        line.``"""
        if self.years is None:
            return (
                f"The MTFS requirement of {money(self.required)} ({self.period}) does not say "
                "which financial years it covers, so the savings lines cannot be set against it."
            )
        span = _span(list(self.years))
        if self.lines == 0:
            said = (
                f"No savings line is for {span}, the years of the MTFS requirement of "
                f"{money(self.required)}: none of it is covered by a line."
            )
        else:
            lines = (
                "The only savings line" if self.lines == 1 else f"The {self.lines:,} savings lines"
            )
            said = (
                f"{lines} for {span} target{'s' * (self.lines == 1)} {money(self.target)} "
                f"against the MTFS requirement of {money(self.required)} for those years; "
                f"{self._uncovered()}"
            )
        if self.other_lines:
            said += (
                f" A further {money(self.other_target)} is targeted by "
                f"{counted(self.other_lines, 'line')} in {_span(list(self.other_years))}, "
                "outside those years."
            )
        return said

    def _uncovered(self) -> str:
        gap = self.required - self.target
        if gap > 0:
            return f"{money(gap)} of it is not yet covered by a line."
        they = "it covers" if self.lines == 1 else "they cover"
        return f"{they} all of it" + (f", with {money(-gap)} to spare." if gap else ".")


def coverage(requirement: dict, tracked: pl.DataFrame) -> Coverage:
    """``requirement``: a row of the MTFS requirements; ``tracked``: the savings lines and
    years still tracked (``savings.tracked``), one row per line and year."""
    years = period_years(requirement["period"])
    inside = tracked.filter(pl.col("financial_year").is_in(list(years or ())))
    outside = tracked.filter(~pl.col("financial_year").is_in(list(years or ())))
    return Coverage(
        required=requirement["required_pence"],
        period=requirement["period"],
        years=years,
        lines=inside["code"].n_unique(),
        target=int(inside["target_pence"].sum()),
        other_lines=0 if years is None else outside["code"].n_unique(),
        other_target=int(outside["target_pence"].sum()),
        other_years=tuple(sorted(outside["financial_year"].unique().to_list())),
    )
