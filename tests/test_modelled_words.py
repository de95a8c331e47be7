"""No page quotes a modelled figure as fact: every piece of text that quotes one says so.

The modelled figures are read from the demo store itself, as figures (not sentences): every
month's total of a measure whose figure was modelled, each team's and priority band's total in
a measure's latest month when modelled, and every change, monthly rate and percentage change
between two months of which at least one was modelled, both exact (directors) and as members
see them (rounded to 5). Each text element of every page (sentences, captions, notices, cards
with their comparison) that quotes one of them must say "modelled" itself.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import cache

import polars as pl
import pytest

from dashboard.navigation import PAGES
from data_access.loaders import load_table
from data_access.vocab import ALL_BANDS, ALL_TEAMS
from tests.pages_support import least_privileged_role, run_page

# how a sentence writes a change ("up 24", "+24", "growing by about 24") or a percentage
# change ("rose 45%"); a plain number is a level ("from 318 in Apr 2023")
CHANGE_WORDS = ("up ", "down ", "by about ", "by ", "+", "-", "−")
PERCENT_WORDS = ("rose ", "fell ")
NUMBER = re.compile(r"(?<![£\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w]|[.,]\d)(%?)")
# every modelled level is at least this, so no day of the month, count of areas or year
# is taken for one (checked below, so a change to the demo cannot quietly weaken the check)
SMALLEST_LEVEL = 100


def _half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _shown(value: int) -> set[int]:
    """A count exactly and as members read it (rounded to the nearest 5, halves up)."""
    return {value, _half_up(Fraction(value, 5)) * 5}


@cache
def _modelled(url: str) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    from data_access.store import Store

    rows = load_table(Store(url), "backlog").with_columns(modelled=pl.col("basis") != "published")
    levels, changes, percents = set(), set(), set()
    whole = (pl.col("team") == ALL_TEAMS) & (pl.col("priority_band") == ALL_BANDS)
    for _, group in rows.group_by("measure"):
        totals = group.filter(whole)
        parts = group.filter(~whole)
        if totals.is_empty():
            totals = parts.group_by("month").agg(pl.col("value").sum(), pl.col("modelled").any())
        # the teams and bands of the latest month, which the breakdown's sentence quotes
        latest = parts.filter(pl.col("month") == pl.col("month").max())
        for by in ("team", "priority_band"):
            sums = latest.group_by(by).agg(pl.col("value").sum(), pl.col("modelled").any())
            levels |= {v for v in sums.filter(pl.col("modelled"))["value"]}
        series = totals.sort("month").select("month", "value", "modelled").rows()
        levels |= {value for _, value, modelled in series if modelled}
        for i, (start, before, was) in enumerate(series):
            for end, after, now in series[i + 1 :]:
                if not (was or now):
                    continue
                months = (end.year - start.year) * 12 + end.month - start.month
                for b in _shown(before):
                    for a in _shown(after):
                        changes |= {abs(a - b), _half_up(Fraction(abs(a - b), months))}
                        if b:
                            percents.add(_half_up(Fraction(abs(a - b) * 100, b)))
    levels = {shown for value in levels for shown in _shown(value)}
    assert min(levels) >= SMALLEST_LEVEL, "a modelled level this small is read as a level"
    return frozenset(levels), frozenset(changes), frozenset(percents)


def quotes_a_modelled_figure(text: str, url: str) -> list[str]:
    """The numbers in ``text`` that are modelled figures, changes or percentages."""
    levels, changes, percents = _modelled(url)
    found = []
    for match in NUMBER.finditer(text):
        value, percent = int(match.group(1).replace(",", "")), match.group(2)
        before = text[: match.start()]
        if percent:
            hit = before.endswith(PERCENT_WORDS) and value in percents
        elif before.endswith(CHANGE_WORDS):
            hit = value in changes
        else:
            hit = value in levels
        if hit:
            found.append(match.group(0))
    return found


def _elements(at) -> list[str]:
    """Each piece of text a reader meets as one: a card is its label, figure and comparison."""
    texts = [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        texts += [str(e.value) for e in getattr(at, kind)]
    return [re.sub(r"\\(.)", r"\1", text) for text in texts]


def unmarked(at, url: str) -> list[tuple[str, list[str]]]:
    """The text elements that quote a modelled figure without saying "modelled"."""
    return [
        (text, quoted)
        for text in _elements(at)
        if (quoted := quotes_a_modelled_figure(text, url)) and "modelled" not in text.lower()
    ]


VIEWS = [
    # every page as the least privileged role it is offered to (members, for those with figures)
    *((page.path, least_privileged_role(page), None) for page in PAGES),
    # the exact counts a director reads, where members read them rounded
    ("pages/overview.py", "director", None),
    ("pages/backlog.py", "director", None),
    # one team: the breakdown's sentence is by priority band
    ("pages/backlog.py", "director", {"team": "North locality"}),
    ("pages/backlog.py", "member", {"band": "Low: routine"}),
]


@pytest.mark.parametrize(("path", "role", "query"), VIEWS)
def test_no_text_quotes_a_modelled_figure_without_saying_so(app_env, path, role, query):
    at = run_page(path, role=role, query=query)
    assert unmarked(at, app_env.url) == []


def test_the_overview_compared_with_each_meeting_says_modelled(app_env):
    at = run_page("pages/overview.py")
    for label in at.selectbox(key="since-meeting").options:
        at.selectbox(key="since-meeting").select(label).run()
        assert unmarked(at, app_env.url) == []


def test_the_check_finds_modelled_figures_quoted_as_fact(app_env):
    """The check itself: the sentences the pages wrote before modelled figures were named."""
    url = app_env.url
    for sentence, quoted in (
        ("People waiting for a review rose 45% from 318 in Apr 2023 to 460 in Nov 2023.", 2),
        ("People waiting for a review 460 +24 since Oct 2023", 1),
        ("it is growing by about 24 a month (+71 over the 3 months, to 460 in Nov 2023)", 2),
        ("the team with the most overdue annual reviews was North locality (299 of 746).", 2),
        ("Overdue annual reviews rose 20% from 620 in Apr 2023 to 745 in Nov 2023.", 3),
    ):
        assert len(quotes_a_modelled_figure(sentence, url)) == quoted, sentence
    # published figures and their change, days, years and money are not taken for modelled
    for sentence in (
        "Reviews completed rose 220% from 750 in Jan 2023 to 2,398 in Aug 2023.",
        "19 accountability areas. Figures as at 12 Mar 2024; £480.63 a review.",
        "Green when the forecast is at least 95% of target; Amber when at least 80%.",
    ):
        assert quotes_a_modelled_figure(sentence, url) == [], sentence
