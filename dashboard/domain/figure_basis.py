"""Published or modelled: how a sentence says which its figures are.

A figure is published (as a paper or a system reported it), modelled (filled in between
published figures) or illustrative. Members quote what they read, so a sentence, a card's
comparison or a projection that rests on a figure that was not published says so in its own
words. A change, a total or a rate is only as firm as the least firm figure it rests on. The
backlog page, the overview and the briefing pack (on screen and from ``ascgov brief``) all word
it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dashboard.domain.formatting import counted, month
from data_access.vocab import Basis

PUBLISHED = Basis.PUBLISHED.value
# least firm last: a total or a change takes the basis of its least firm part
RANK = {Basis.PUBLISHED.value: 0, Basis.MODELLED.value: 1, Basis.ILLUSTRATIVE.value: 2}


def weakest(*bases: str | None) -> str:
    """The least firm of ``bases`` (None, a figure that is not there, is left out).

    >>> weakest("published", "modelled"), weakest("published", None), weakest()
    ('modelled', 'published', 'published')
    """
    known = [b for b in bases if b is not None]
    return max(known, key=lambda b: RANK.get(b, len(RANK)), default=PUBLISHED)


def unpublished(*bases: str | None) -> str | None:
    """The word a sentence adds when any of the figures it quotes was not published (None when
    all were).

    >>> unpublished("published", "modelled"), unpublished("published")
    ('modelled', None)
    """
    basis = weakest(*bases)
    return None if basis == PUBLISHED else basis


def said(*bases: str | None) -> str:
    """`` (modelled)`` after a figure or a change that rests on a figure not published; nothing
    when all were published.

    >>> "up 24 since Oct 2023" + said("published", "modelled")
    'up 24 since Oct 2023 (modelled)'
    """
    word = unpublished(*bases)
    return "" if word is None else f" ({word})"


def months_words(months: Sequence[date]) -> str:
    """Months in words, a run of calendar months as one period.

    >>> months_words([date(2023, 8, 1), date(2023, 9, 1), date(2023, 10, 1)])
    'Aug to Oct 2023'
    >>> months_words([date(2023, 8, 1), date(2023, 10, 1)])
    'Aug 2023 and Oct 2023'
    """
    months = sorted(months)
    first, last = months[0], months[-1]
    span = (last.year - first.year) * 12 + last.month - first.month
    if span == len(months) - 1:  # every calendar month between them: one period
        if first == last:
            return month(first)
        start = first.strftime("%b") if first.year == last.year else month(first)
        return f"{start} to {month(last)}"
    named = [month(m) for m in months]
    return f"{', '.join(named[:-1])} and {named[-1]}"


def rests_on(months: Sequence[tuple[date, str]]) -> str:
    """What a rate or projection worked out from these (month, basis) figures rests on: the
    months that were not published counted and named first, then the published ones.

    >>> rests_on([(date(2023, m, 1), "modelled") for m in (8, 9, 10)]
    ...          + [(date(2023, 11, 1), "published")])
    '3 modelled months (Aug to Oct 2023) and the published figure for Nov 2023'
    >>> rests_on([(date(2024, m, 1), "published") for m in (1, 2, 3)])
    'the published figures for Jan to Mar 2024'
    """
    by_basis: dict[str, list[date]] = {}
    for when, basis in months:
        by_basis.setdefault(basis, []).append(when)
    parts = [
        f"{counted(len(held), f'{basis} month')} ({months_words(held)})"
        for basis, held in sorted(by_basis.items(), key=lambda item: -RANK.get(item[0], 9))
        if basis != PUBLISHED
    ]
    if PUBLISHED in by_basis:
        held = by_basis[PUBLISHED]
        figures = "figure" if len(held) == 1 else "figures"
        parts.append(f"the published {figures} for {months_words(held)}")
    return " and ".join(parts)
