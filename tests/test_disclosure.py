"""Disclosure control, table-driven: NHS England's rule for one count, medians, percentages from
rounded figures, secondary suppression with totals, the one wording, the settings, and exact
counts for the viewers the caller says may see them."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.domain.disclosure import EXACT, NHS_ENGLAND, DisclosureRule, disclose, protect
from dashboard.domain.table import Column, Kind, Table
from data_access.settings import SettingsError, get_settings

# one count ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "disclosed", "words"),
    [
        (0, 0, "0"),  # 0 stays 0
        (1, None, "fewer than 8"),
        (7, None, "fewer than 8"),
        (8, 10, "10"),  # 8 and above rounded to the nearest 5
        (12, 10, "10"),
        (13, 15, "15"),
        (15, 15, "15"),
        (17, 15, "15"),
        (18, 20, "20"),
        (1_234_567, 1_234_565, "1,234,565"),
        (1_234_568, 1_234_570, "1,234,570"),
        (None, None, "not published"),  # missing is not suppressed: it says so
    ],
)
def test_nhs_england_rule_for_one_count(value, disclosed, words):
    assert NHS_ENGLAND == DisclosureRule()  # the default is NHS England's rule
    assert NHS_ENGLAND.disclosed(value) == disclosed
    assert NHS_ENGLAND.words(value) == words
    assert NHS_ENGLAND.suppressed(value) == (words == "fewer than 8")


@pytest.mark.parametrize(
    ("rule", "value", "words"),
    [
        (DisclosureRule(10, 10), 9, "fewer than 10"),
        (DisclosureRule(10, 10), 14, "10"),
        (DisclosureRule(10, 10), 15, "20"),  # an even base: a half rounds up
        (DisclosureRule(10, 10), 25, "30"),
        (DisclosureRule(5, 1), 4, "fewer than 5"),  # the old threshold, no rounding
        (DisclosureRule(5, 1), 13, "13"),
        (DisclosureRule(3, 5), 3, "5"),  # the smallest threshold for a base of 5
        (EXACT, 1, "1"),
        (EXACT, 0, "0"),
        (EXACT, 12_345, "12,345"),
    ],
)
def test_a_configured_rule(rule, value, words):
    assert rule.words(value) == words


@pytest.mark.parametrize(
    ("threshold", "round_to", "message"),
    [
        (-1, 5, "threshold must be 0 or more"),
        (8, 0, "rounding base must be 1 or more"),
        (2, 5, "at least 3"),  # 1 and 2 would be shown as 0
        (4, 10, "at least 5"),
    ],
)
def test_a_rule_that_would_mislead_is_refused(threshold, round_to, message):
    with pytest.raises(ValueError, match=message):
        DisclosureRule(threshold, round_to)


# medians, means and percentages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "median", "shown"),
    [
        (0, None, None),  # no one: no median
        (1, 42.0, None),
        (7, 42.0, None),  # over 1 to 7 people: suppressed
        (8, 42.5, 42.5),  # over 8: shown as it is (a median is not a count, never rounded)
        (250, 17.0, 17.0),
    ],
)
def test_medians_over_few_people_are_suppressed(people, median, shown):
    assert NHS_ENGLAND.statistic(median, people) == shown
    written = NHS_ENGLAND.statistic_words(f"{median} days", people)
    assert written == (f"{median} days" if shown is not None or people == 0 else "fewer than 8")
    assert EXACT.statistic(median, people) == median  # officers: exact


@pytest.mark.parametrize(
    ("rule", "part", "whole", "percent"),
    [
        (NHS_ENGLAND, 13, 52, 30.0),  # from 15 of 50, not 25% from 13 of 52
        (NHS_ENGLAND, 12, 48, 20.0),  # from 10 of 50
        (NHS_ENGLAND, 0, 48, 0.0),
        (NHS_ENGLAND, 5, 48, None),  # a suppressed part gives no percentage
        (NHS_ENGLAND, 2, 5, None),  # nor a suppressed whole
        (EXACT, 13, 52, 25.0),
        (EXACT, 1, 0, None),
    ],
)
def test_percentages_come_from_the_rounded_figures(rule, part, whole, percent):
    assert rule.percentage(part, whole) == percent


# the wording ------------------------------------------------------------------------------------


def test_one_wording_in_words_never_a_symbol():
    assert NHS_ENGLAND.suppressed_words == "fewer than 8"
    assert DisclosureRule(1_000, 1).suppressed_words == "fewer than 1,000"
    for value in range(1, 8):
        assert NHS_ENGLAND.words(value) == "fewer than 8"
    assert not set(NHS_ENGLAND.suppressed_words) & set("<>*~[]-:")


def test_the_note_says_counts_are_rounded_and_how_small_ones_read():
    assert NHS_ENGLAND.note == (
        "Counts of people are rounded to the nearest 5; counts from 1 to 7 are shown as "
        "'fewer than 8', as are counts that would let one be worked out from a total."
    )
    assert DisclosureRule(5, 1).note.startswith("Counts from 1 to 4 are shown as 'fewer than 5'")
    assert EXACT.note is None


def test_a_table_writes_its_counts_disclosed_and_carries_the_note():
    frame = pl.DataFrame({"Team": ["A", "B", "C", "D"], "Count": [0, 7, 13, None]})
    rule = NHS_ENGLAND
    table = Table.of("T", frame, {"Count": Column("Count", Kind.COUNT, disclosure=rule)})
    assert table.shown()["Count"].to_list() == ["0", "fewer than 8", "15", "not published"]
    assert table.values()["Count"].to_list() == [0, None, 15, None]  # a file: empty, never 7
    assert table.note == rule.note
    exact = Table.of("T", frame)
    assert exact.shown()["Count"].to_list() == ["0", "7", "13", "not published"]
    assert exact.note is None


# officers and directors: exact ------------------------------------------------------------------


def test_the_caller_says_who_sees_exact_counts():
    frame = pl.DataFrame({"team": ["A", "B", "C"], "people": [0, 7, 13], "waiting": [12, 8, 3]})
    assert NHS_ENGLAND.for_viewer(exact=True) is EXACT
    assert NHS_ENGLAND.for_viewer(exact=False) is NHS_ENGLAND
    officer = disclose(frame, NHS_ENGLAND, exact=True, columns=["people", "waiting"])
    assert officer.equals(frame)
    member = disclose(frame, NHS_ENGLAND, exact=False, columns=["people", "waiting"])
    assert member.rows() == [("A", 0, 10), ("B", None, 10), ("C", 15, None)]


# secondary suppression ---------------------------------------------------------------------------


def _cells(table: dict[str, dict[str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"team": t, "band": b, "value": v} for t, row in table.items() for b, v in row.items()]
    )


def _shown(protected: pl.DataFrame) -> dict[tuple[str | None, str | None], int | None]:
    return {(t, b): s for t, b, _, s, _ in protected.iter_rows()}


def _hidden(protected: pl.DataFrame) -> set[tuple[str | None, str | None]]:
    return {(t, b) for t, b, *_, hidden in protected.iter_rows() if hidden}


def _recoverable(protected: pl.DataFrame) -> list:
    """Lines (a row or column with its total) with exactly one hidden cell: none may remain."""
    lines = []
    for key in ("team", "band"):
        for _, line in protected.group_by(key):
            if line.height > 1 and line["suppressed"].sum() == 1:
                lines.append(line.rows())
    return lines


SECONDARY = [
    pytest.param(
        # A's 3 is suppressed; A's row total would give it away from 9 and 20, so the next
        # smallest in the row (9, not 20) goes too; likewise B's 50 beside its 5
        {"A": {"H": 3, "M": 9, "L": 20}, "B": {"H": 5, "M": 50, "L": 60}, "C": {"H": 40, "M": 45}},
        {("A", "H"), ("A", "M"), ("B", "H"), ("B", "M")},
        id="one-suppressed-in-a-row-takes-the-next-smallest",
    ),
    pytest.param(
        # A's 3 hides A's 20 (row), then B's 30 (column H), then B's 40 (row B): all four
        {"A": {"H": 3, "L": 20}, "B": {"H": 30, "L": 40}},
        {("A", "H"), ("A", "L"), ("B", "H"), ("B", "L")},
        id="a-cascade-across-row-and-column",
    ),
    pytest.param(
        # A's total (5) is itself small: hidden, so B's total goes too (else the grand total
        # gives A's away); B's cells go with the column totals of H and L
        {"A": {"H": 2, "L": 3}, "B": {"H": 10, "L": 20}},
        {("A", "H"), ("A", "L"), ("A", None), ("B", "H"), ("B", "L"), ("B", None)},
        id="totals-that-are-themselves-small",
    ),
    pytest.param(
        # nothing small: nothing hidden, every figure rounded
        {"A": {"H": 12, "L": 13}, "B": {"H": 30, "L": 40}},
        set(),
        id="nothing-to-suppress",
    ),
    pytest.param(
        # two small cells in each row and column, but column H's total (6) is small too: the
        # grand total less the other column totals would give it, so L's total (9) goes too
        {"A": {"H": 2, "L": 3, "M": 40}, "B": {"H": 4, "L": 6, "M": 50}},
        {("A", "H"), ("A", "L"), ("B", "H"), ("B", "L"), (None, "H"), (None, "L")},
        id="a-small-column-total-takes-another-total",
    ),
]


@pytest.mark.parametrize(("table", "hidden"), SECONDARY)
def test_secondary_suppression(table, hidden):
    protected = protect(_cells(table), NHS_ENGLAND, exact=False, row="team", column="band")
    assert _hidden(protected) == hidden
    assert _recoverable(protected) == []
    shown = _shown(protected)
    for (team, band), value in ((k, v) for k, v in shown.items()):
        exact = protected.filter(pl.col("team").eq_missing(team) & pl.col("band").eq_missing(band))[
            "value"
        ][0]
        expected = None if (team, band) in hidden else NHS_ENGLAND.rounded(exact)
        assert value == expected, (team, band)


def test_the_protected_table_holds_cells_then_row_column_and_grand_totals():
    table = {"A": {"H": 3, "L": 20}, "B": {"H": 30, "L": 40}}
    protected = protect(_cells(table), NHS_ENGLAND, exact=False, row="team", column="band")
    assert protected.select("team", "band", "value").rows() == [
        ("A", "H", 3),
        ("A", "L", 20),
        ("B", "H", 30),
        ("B", "L", 40),
        ("A", None, 23),
        ("B", None, 70),
        (None, "H", 33),
        (None, "L", 60),
        (None, None, 93),
    ]
    # the totals are shown rounded (23 -> 25, 33 -> 35, 93 -> 95)
    assert protected["shown"].to_list()[4:] == [25, 70, 35, 60, 95]


def test_a_zero_is_never_the_second_cell():
    # A's 3 beside A's 0: hiding the 0 would protect nothing; A's total is 3, itself hidden
    table = {"A": {"H": 3, "L": 0}, "B": {"H": 20, "L": 30}}
    protected = protect(_cells(table), NHS_ENGLAND, exact=False, row="team", column="band")
    assert ("A", "L") not in _hidden(protected)
    assert _shown(protected)[("A", "L")] == 0
    assert {("A", "H"), ("A", None)} <= _hidden(protected)
    assert _recoverable(protected) == []


def test_officers_and_directors_see_the_exact_table():
    table = {"A": {"H": 3, "L": 20}, "B": {"H": 30, "L": 40}}
    protected = protect(_cells(table), NHS_ENGLAND, exact=True, row="team", column="band")
    assert _hidden(protected) == set()
    assert protected["shown"].to_list() == protected["value"].to_list()


# the settings -----------------------------------------------------------------------------------


@pytest.fixture
def settings_env(monkeypatch):
    for name in ("DISCLOSURE_THRESHOLD", "DISCLOSURE_ROUND_TO", "SMALL_NUMBER_THRESHOLD"):
        monkeypatch.delenv(f"ASCGOV_{name}", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("env", "rule"),
    [
        ({}, NHS_ENGLAND),
        ({"DISCLOSURE_THRESHOLD": "10", "DISCLOSURE_ROUND_TO": "10"}, DisclosureRule(10, 10)),
        ({"DISCLOSURE_THRESHOLD": "0", "DISCLOSURE_ROUND_TO": "1"}, EXACT),
        # the old name still sets the threshold (rounding stays at its default of 5)
        ({"SMALL_NUMBER_THRESHOLD": "10"}, DisclosureRule(10, 5)),
        ({"SMALL_NUMBER_THRESHOLD": "8", "DISCLOSURE_THRESHOLD": "8"}, NHS_ENGLAND),
    ],
)
def test_the_rule_comes_from_the_settings(settings_env, env, rule):
    for name, value in env.items():
        settings_env.setenv(f"ASCGOV_{name}", value)
    assert DisclosureRule.from_settings(get_settings()) == rule


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DISCLOSURE_ROUND_TO": "0"},
            "ASCGOV_DISCLOSURE_ROUND_TO='0' cannot be used: Input should be greater than or "
            "equal to 1",
        ),
        (
            {"DISCLOSURE_THRESHOLD": "2"},
            "ASCGOV_DISCLOSURE_THRESHOLD='2' cannot be used with ASCGOV_DISCLOSURE_ROUND_TO='5': "
            "counts from 1 to 2 would be rounded to 0; set the threshold to at least 3 (or the "
            "rounding to 1)",
        ),
        (
            # the old setting's "0, off" now needs the rounding turned off too: said at start-up
            {"SMALL_NUMBER_THRESHOLD": "0"},
            "ASCGOV_SMALL_NUMBER_THRESHOLD='0' cannot be used with ASCGOV_DISCLOSURE_ROUND_TO='5'"
            ": counts from 1 to 2 would be rounded to 0; set the threshold to at least 3 (or the "
            "rounding to 1)",
        ),
        (
            {"SMALL_NUMBER_THRESHOLD": "5", "DISCLOSURE_THRESHOLD": "8"},
            "ASCGOV_SMALL_NUMBER_THRESHOLD='5' cannot be used with ASCGOV_DISCLOSURE_THRESHOLD="
            "'8': the first is the old name of the second; set only the second",
        ),
    ],
)
def test_an_unusable_rule_stops_start_up_naming_the_setting(settings_env, env, message):
    for name, value in env.items():
        settings_env.setenv(f"ASCGOV_{name}", value)
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert str(caught.value) == message
