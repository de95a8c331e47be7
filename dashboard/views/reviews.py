"""The "Reviews and waiting lists" page as members read it, built once from aggregates.

``view`` lays out a ``CasePicture`` (figures already disclosed for the viewer): headline cards,
the ageing bands of the review clock and the national waiting lists (each a chart with its
table and one sentence, by age band, then a table by team), and occupational-therapy waits in
days and in words. ``reviews_done_blocks`` is the block of reviews done against the 12-month
duty from the Client Level Data return. Nothing here sees a row per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.charts import figures as charts
from dashboard.domain import glossary
from dashboard.domain.case_picture import (
    ALL_AGES,
    ALL_TEAMS,
    CATEGORIES,
    CasePicture,
)
from dashboard.domain.disclosure import DisclosureRule
from dashboard.domain.formatting import count, counted, month, percent
from dashboard.domain.reviews_done import KINDS, ReviewsDone
from dashboard.domain.table import Column, Kind, Table
from dashboard.views.blocks import Block, Chart, Heading, Headline, Headlines, Paragraph
from data_access.text_columns import text_per_value

TITLE = "Reviews and waiting lists"
NO_EXTRACT = (
    "No census extract from the council's case-management system has been loaded for this "
    "date, so there are no figures yet for reviews and waiting lists. An officer or director "
    "can load one on the Load a file page."
)
NO_CLD = (
    "No Client Level Data return has been loaded yet, so the reviews completed each month and "
    "the share of people reviewed in the last 12 months cannot be shown here."
)
REVIEWS_DONE_HEADING = "Reviews done against the 12-month duty"
BANDS_HEADING = "When reviews are due"
WAITING_HEADING = "Waiting lists in the national categories"
OT_HEADING = "Waiting for an occupational therapy (OT) assessment"
DUTY = (
    "The Care Act asks councils to review a person's care and support plan within about "
    "8 weeks of it starting, then at least every 12 months."
)


def long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def extract_words(day: date, *, first: bool = False) -> str:
    """``census extract as at 31 March 2024``: said with every figure from the extract;
    ``first``: opening a sentence (``Census extract ...``)."""
    return f"{'Census' if first else 'census'} extract as at {long_day(day)}"


def days_words(days: float | None) -> str:
    """A wait in days and in words: ``176 days (about 6 months)``; ``175.5 days`` for a median
    halfway between two waits.

    >>> days_words(9), days_words(45), days_words(175.5), days_words(1)
    ('9 days', '45 days (about 6 weeks)', '175.5 days (about 6 months)', '1 day')
    """
    if days is None:
        return ""
    figure = f"{days:,.1f}".removesuffix(".0")
    said = f"{figure} {'day' if days == 1 else 'days'}"
    if days < 14:
        return said
    if days < 12 * 7:
        return f"{said} (about {counted(round(days / 7), 'week')})"
    months = round(days * 12 / 365.25)
    if months < 24:
        return f"{said} (about {counted(months, 'month')})"
    return f"{said} (about {counted(round(days / 365.25), 'year')})"


def _counts(rule: DisclosureRule, *names: str) -> dict[str, Column]:
    """Count columns of disclosed figures: a suppressed one is null and read in the one wording."""
    if rule.is_exact:
        return {name: Column(name, Kind.COUNT) for name in names}
    said = rule.suppressed_words
    return {name: Column(name, Kind.COUNT, disclosure=rule, missing=said) for name in names}


def _said(rule: DisclosureRule, value: int | None) -> str:
    return rule.suppressed_words if value is None else count(value)


def _wide(long: pl.DataFrame, *, index: str, on: str, first: str, order: list[str]):
    """``long`` (index, on, count) as one row per ``index`` and one column per ``on``."""
    wide = long.pivot(on=on, index=index, values="count", sort_columns=False)
    return wide.select(pl.col(index).alias(first), *order)


# headline cards ----------------------------------------------------------------------------------


def headlines(picture: CasePicture) -> Headlines:
    top, rule = picture.headline, picture.rule
    source = extract_words(picture.extract_date, first=True)
    share = "" if top.overdue_share is None else f"{top.overdue_share}% of them. "
    long = "" if top.over_six_share is None else f"{top.over_six_share}% of them. "
    return Headlines(
        (
            Headline("People with long-term support", _said(rule, top.supported), f"{source}."),
            Headline(
                "Overdue a review",
                _said(rule, top.overdue),
                f"{share}Of them, {_said(rule, top.overdue_over_12)} by more than 12 months. "
                f"{source}.",
            ),
            Headline(
                "Awaiting a first assessment",
                _said(rule, top.awaiting_assessment),
                f"Of them, {_said(rule, top.over_six_months)} waiting over six months. "
                f"{long}{source}.",
            ),
            Headline(
                "Awaiting a service or first direct payment",
                _said(rule, top.awaiting_service),
                f"{source}.",
            ),
            Headline(
                "Waiting for an OT assessment",
                _said(rule, top.ot_waiting),
                f"Occupational therapy (OT). Median wait {_wait(rule, top)}; longest "
                f"{_wait(rule, top, longest=True)}. {source}.",
            ),
        )
    )


def _wait(rule: DisclosureRule, top, *, longest: bool = False) -> str:
    value = top.ot_longest_days if longest else top.ot_median_days
    if value is not None:
        return days_words(value)
    return "none: nobody is waiting" if top.ot_waiting == 0 else rule.suppressed_words


# the ageing bands ------------------------------------------------------------------------------


def _chart_frame(long: pl.DataFrame, x: str, rule: DisclosureRule) -> pl.DataFrame:
    """Bars with their words: a suppressed count is drawn at 0 and labelled in words."""
    words = text_per_value(long, "count", lambda v: _said(rule, v), skip_nulls=False)
    value = pl.col("count").fill_null(0).alias("value")
    return long.select("group", x, value, words.alias("words"))


def bands_chart(picture: CasePicture, team: str | None) -> Chart:
    rule, bands = picture.rule, list(picture.bands)
    long = picture.by_cohort.bands.filter(pl.col("band").is_not_null())
    where = team or ALL_TEAMS.lower()
    title = f"People with long-term support by when their review is due, {where}"
    figure = charts.bar_chart(
        _chart_frame(long.filter(pl.col("group") != ALL_AGES), "band", rule),
        x="band",
        y="value",
        series="group",
        title=title,
        y_title="People",
        text="words",
        y_tickformat=",",
        horizontal=True,
    )
    order = [g for g in long["group"].unique(maintain_order=True).to_list()]
    wide = _wide(long, index="band", on="group", first="When the review is due", order=order)
    rank = pl.col("When the review is due").replace_strict(bands, list(range(len(bands))))
    wide = wide.sort(rank)
    table = Table.of(title, wide, _counts(rule, *order))
    return Chart("bands", title, figure, bands_sentence(picture), table)


def bands_sentence(picture: CasePicture) -> str:
    top, rule = picture.headline, picture.rule
    share = "" if top.overdue_share is None else f" ({top.overdue_share}%)"
    return (
        f"On {long_day(picture.extract_date)}, {_said(rule, top.supported)} people had "
        f"long-term support; {_said(rule, top.overdue)} of them{share} were overdue a review, "
        f"{_said(rule, top.overdue_over_12)} by more than 12 months."
    )


def bands_by_team(picture: CasePicture) -> Table:
    bands = list(picture.bands)
    long = picture.by_team.bands.with_columns(pl.col("band").fill_null("Total"))
    wide = _wide(long, index="group", on="band", first="Team", order=[*bands, "Total"])
    title = f"When reviews are due, by team ({extract_words(picture.extract_date)})"
    return Table.of(title, wide, _counts(picture.rule, *bands, "Total"))


# the waiting lists -------------------------------------------------------------------------------


def waiting_chart(picture: CasePicture, team: str | None) -> Chart:
    rule = picture.rule
    names = list(CATEGORIES.values())
    long = picture.by_cohort.waiting.with_columns(pl.col("category").replace_strict(CATEGORIES))
    where = team or ALL_TEAMS.lower()
    title = f"People on each waiting list, {where}"
    shown = long.filter(pl.col("group") != ALL_AGES)
    figure = charts.bar_chart(
        _chart_frame(shown, "category", rule),
        x="category",
        y="value",
        series="group",
        title=title,
        y_title="People",
        text="words",
        y_tickformat=",",
        horizontal=True,
    )
    order = long["group"].unique(maintain_order=True).to_list()
    wide = _wide(long, index="category", on="group", first="Waiting list", order=order)
    wide = wide.sort(pl.col("Waiting list").replace_strict(names, list(range(len(names)))))
    table = Table.of(title, wide, _counts(rule, *order))
    return Chart("waiting", title, figure, waiting_sentence(picture), table)


def waiting_sentence(picture: CasePicture) -> str:
    top, rule = picture.headline, picture.rule
    return (
        f"On {long_day(picture.extract_date)}, {_said(rule, top.awaiting_assessment)} people "
        f"were awaiting a first assessment ({_said(rule, top.over_six_months)} of them for over "
        f"six months), {_said(rule, top.awaiting_service)} were awaiting a service or a first "
        f"direct payment and {_said(rule, top.overdue)} were overdue a review."
    )


def waiting_by_team(picture: CasePicture) -> Table:
    names = list(CATEGORIES.values())
    long = picture.by_team.waiting.with_columns(pl.col("category").replace_strict(CATEGORIES))
    wide = _wide(long, index="group", on="category", first="Team", order=names)
    title = f"Waiting lists by team ({extract_words(picture.extract_date)})"
    return Table.of(title, wide, _counts(picture.rule, *names))


# OT waits ----------------------------------------------------------------------------------------


def ot_table(picture: CasePicture, dimension: str) -> Table:
    rule = picture.rule
    first = "Team" if dimension == "team" else "Age"
    ot = picture.split(dimension).ot
    rows = ot.rows(named=True)

    def words(key: str) -> list[str]:
        return [
            days_words(r[key])
            if r[key] is not None
            else ("nobody waiting" if r["waiting"] == 0 else rule.suppressed_words)
            for r in rows
        ]

    frame = pl.DataFrame(
        {
            first: ot["group"],
            "People waiting": ot["waiting"],
            "Median wait": words("median_days"),
            "Longest wait": words("longest_days"),
            "Median wait in days": ot["median_days"],
            "Longest wait in days": ot["longest_days"],
        }
    )
    by = "team" if dimension == "team" else "age band"
    title = f"Waits for an OT assessment by {by} ({extract_words(picture.extract_date)})"
    days = {
        "Median wait in days": Column("Median wait in days", missing=""),
        "Longest wait in days": Column("Longest wait in days", Kind.COUNT, missing=""),
    }
    return Table.of(title, frame, {**_counts(rule, "People waiting"), **days})


def ot_sentence(picture: CasePicture) -> str:
    top, rule = picture.headline, picture.rule
    if top.ot_waiting == 0:
        return f"On {long_day(picture.extract_date)}, nobody was waiting for an OT assessment."
    return (
        f"On {long_day(picture.extract_date)}, {_said(rule, top.ot_waiting)} people were "
        f"waiting for an occupational therapy (OT) assessment: half of them for "
        f"{_wait(rule, top)} or more, the longest for {_wait(rule, top, longest=True)}."
    )


# the page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    headlines: Headlines
    source: str  # "Census extract as at 31 March 2024"
    note: str | None  # how the counts are disclosed; None when exact
    blocks: tuple[Block, ...]

    @property
    def words(self) -> str:
        """What an abbreviation in a card's label stands for ("OT"), said before the cards."""
        return glossary.defined(item.label for item in self.headlines.items)


def view(picture: CasePicture, *, team: str | None) -> View:
    """The page for ``team`` (None: all teams) from figures already disclosed for the viewer."""
    source = extract_words(picture.extract_date, first=True)
    for basis, said in picture.unpublished:
        # members quote what they read: invented or modelled people are said to be so
        source += f". {basis.capitalize()}, not published figures: {said}"
    blocks: list[Block] = [
        Heading(BANDS_HEADING),
        Paragraph(DUTY),
        bands_chart(picture, team),
        bands_by_team(picture),
        Heading(WAITING_HEADING),
        waiting_chart(picture, team),
        waiting_by_team(picture),
        Heading(OT_HEADING),
        Paragraph(ot_sentence(picture)),
        ot_table(picture, "team"),
        ot_table(picture, "cohort"),
    ]
    return View(headlines(picture), source, picture.rule.note, tuple(blocks))


# reviews done, from the CLD return ------------------------------------------------------------


def reviews_done_blocks(done: ReviewsDone | None, rule: DisclosureRule) -> tuple[Block, ...]:
    """The reviews done against the duty, or why they cannot be shown."""
    if done is None:
        return (Heading(REVIEWS_DONE_HEADING), Paragraph(NO_CLD, "notice"))
    share = "" if done.share is None else f" ({percent(done.share)})"
    if done.share is None:
        # a suppressed or empty whole leaves no share to give, and "0 of the fewer than 8"
        # would read as a finding
        coverage = (
            f"On {long_day(done.at)}, {_said(rule, done.clients)} people had long-term support "
            "in the return: too few to say what share had a review in the 12 months before."
        )
    else:
        clients = _said(rule, done.clients)
        people = "person" if clients == "1" else "people"
        coverage = (
            f"On {long_day(done.at)}, {_said(rule, done.reviewed)} of {clients} {people} with "
            f"long-term support{share} had a review completed in the 12 months before."
        )
    return (
        Heading(REVIEWS_DONE_HEADING),
        Paragraph(coverage),
        *_months_chart(done, rule),
        _waits_table(done, rule),
    )


def _months_chart(done: ReviewsDone, rule: DisclosureRule) -> tuple[Block, ...]:
    months = done.months.filter(pl.col("month").is_not_null() & pl.col("kind").is_not_null())
    if months.is_empty():
        return (Paragraph("The return has no completed reviews."),)
    first, last = months["month"].min(), months["month"].max()
    title = f"Reviews completed each month, {month(first)} to {month(last)}"
    frame = months.select(pl.col("month").alias("group"), "kind", "count")
    chart = _chart_frame(frame, "kind", rule).select(
        pl.col("group").dt.strftime("%b %Y").alias("month"),
        pl.col("kind"),
        "value",
        "words",
    )
    figure = charts.bar_chart(
        chart,
        x="month",
        y="value",
        series="kind",
        title=title,
        y_title="Reviews",
        text="words",
    )
    totals = done.months.filter(pl.col("kind").is_null() & pl.col("month").is_null())
    total = totals["count"][0] if totals.height else None
    span = f"In {month(first)}" if first == last else f"From {month(first)} to {month(last)}"
    sentence = f"{span}, {_said(rule, total)} reviews were completed."
    wide = (
        done.months.filter(pl.col("month").is_not_null())
        .with_columns(pl.col("kind").fill_null("All reviews"))
        .pivot(on="kind", index="month", values="count", sort_columns=False)
    )
    names = [*KINDS.values(), "All reviews"]
    table = Table.of(
        title,
        wide.select(pl.col("month").alias("Month"), *names),
        {"Month": Kind.MONTH, **_counts(rule, *names)},
    )
    return (Chart("reviews-done", title, figure, sentence, table),)


def _waits_table(done: ReviewsDone, rule: DisclosureRule) -> Table:
    frame = done.waits.select(
        pl.col("measure").alias("Wait"),
        pl.col("quarter").alias("Quarter"),
        pl.col("age_band").alias("Age"),
        pl.col("median_days").alias("Median wait in days"),
        pl.col("waits").alias("Number of waits"),
    )
    title = "Waits from a request for support, as the Department of Health and Social Care "
    title += "measures them"
    return Table.of(title, frame, _counts(rule, "Number of waits"))
