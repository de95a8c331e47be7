"""Property tests of the parsers: every way a council file writes a value reads back exactly,
and what is not a value is refused with a rule, never read as something else."""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from data_access import parsing

PENCE = st.integers(min_value=0, max_value=parsing.MAX_PENCE)
SETTINGS = settings(max_examples=300, deadline=None)


def _pounds_text(pence: int, *, pound: bool, thousands: bool, decimals: str) -> str:
    pounds, rem = divmod(pence, 100)
    whole = f"{pounds:,}" if thousands else str(pounds)
    if decimals == "none" and rem == 0:
        fraction = ""
    elif decimals == "one" and rem % 10 == 0:
        fraction = f".{rem // 10}"
    else:
        fraction = f".{rem:02d}"
    return ("£" if pound else "") + whole + fraction


DECIMALS = st.sampled_from(["none", "one", "two"])


@SETTINGS
@given(PENCE, st.booleans(), st.booleans(), DECIMALS, st.sampled_from(["", " ", "\u00a0"]))
@example(150050, True, True, "one", "")  # £1,500.5
@example(0, True, False, "none", "")
def test_money_reads_back_to_the_same_pence(pence, pound, thousands, decimals, pad):
    text = pad + _pounds_text(pence, pound=pound, thousands=thousands, decimals=decimals) + pad
    assert parsing.parse_money_pence(text) == pence


@SETTINGS
@given(PENCE.filter(bool), st.booleans(), st.booleans(), DECIMALS, st.sampled_from(["-", "()"]))
def test_negative_money_reads_back_where_allowed_and_is_refused_elsewhere(
    pence, pound, thousands, decimals, style
):
    body = _pounds_text(pence, pound=pound, thousands=thousands, decimals=decimals)
    text = f"({body})" if style == "()" else f"-{body}"
    assert parsing.parse_money_pence(text, allow_negative=True) == -pence
    with pytest.raises(ValueError, match="amount cannot be negative"):
        parsing.parse_money_pence(text)


@SETTINGS
@given(st.integers(min_value=-parsing.MAX_PENCE, max_value=parsing.MAX_PENCE))
def test_plain_pounds_in_files_read_back(pence):
    pounds, rem = divmod(abs(pence), 100)
    text = ("-" if pence < 0 else "") + (f"{pounds}.{rem:02d}" if rem else str(pounds))
    assert parsing.parse_money_pence(text, allow_negative=True) == pence
    assert parsing.pence_from_number(Decimal(text), allow_negative=True) == pence


@SETTINGS
@given(PENCE)
def test_spreadsheet_numbers_read_to_the_same_pence(pence):
    # a spreadsheet cell holds a binary float; its shortest repr is the number typed
    assert parsing.pence_from_number(pence / 100) == pence


@SETTINGS
@given(st.integers(min_value=0, max_value=10**9), st.from_regex(r"\A[0-9]{3,6}\Z"), st.booleans())
def test_money_with_more_than_two_decimals_is_refused(pounds, fraction, pound):
    text = ("£" if pound else "") + f"{pounds:,}.{fraction}"
    with pytest.raises(ValueError, match=re.escape(parsing.MONEY_RULE)):
        parsing.parse_money_pence(text)
    with pytest.raises(ValueError, match=re.escape(parsing.MONEY_RULE)):
        parsing.pence_from_number(Decimal(f"{pounds}.{fraction}1"))


MONEY_CHARACTERS = set(",.£-() \u00a0")


def _not_money_characters(text: str) -> bool:
    # digits of any script are digits (Python's \d and int() read '１５' as 15): not garbage
    return any(c not in MONEY_CHARACTERS and not c.isdecimal() for c in text)


@SETTINGS
@given(st.text(min_size=1, max_size=20).filter(_not_money_characters))
@example("about £2m")
@example("1e5")
@example("£1,500.50p")
@example("n/a")
@example("1 500")
def test_money_that_is_not_pounds_and_pence_is_refused(text):
    with pytest.raises(ValueError, match=re.escape(parsing.MONEY_RULE)):
        parsing.parse_money_pence(text)


@pytest.mark.parametrize(
    "text",
    ["", "£", "-", "()", "1,50", "1,500,00", "12,3456", ".50", "£.5", "1.", "£-£5"]
    # two signs: read as negative before, now refused
    + ["--5", "-£-5", "(-5)", "(£-1,500)", "-(5)"],
)
def test_money_shapes_that_are_not_amounts_are_refused(text):
    with pytest.raises(ValueError, match=re.escape(parsing.MONEY_RULE)):
        parsing.parse_money_pence(text, allow_negative=True)


# dates ---------------------------------------------------------------------------------------


@SETTINGS
@given(st.dates(min_value=date(1000, 1, 1)), st.booleans())
def test_dates_read_back_from_uk_and_iso(day, padded):
    uk = (
        f"{day.day:02d}/{day.month:02d}/{day.year}"
        if padded
        else f"{day.day}/{day.month}/{day.year}"
    )
    assert parsing.parse_date(uk) == day
    assert parsing.parse_date(day.isoformat()) == day
    assert parsing.parse_date(f"{day.isoformat()} 00:00:00") == day
    assert parsing.parse_cell_date(day) == day


@SETTINGS
@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(29, 31))
def test_days_a_month_does_not_have_are_refused(year, month, day):
    if day <= calendar.monthrange(year, month)[1]:
        assert parsing.parse_date(f"{day}/{month}/{year}") == date(year, month, day)
        return
    with pytest.raises(ValueError, match="no such date"):
        parsing.parse_date(f"{day:02d}/{month:02d}/{year}")
    with pytest.raises(ValueError, match="no such date"):
        parsing.parse_date(f"{year}-{month:02d}-{day:02d}")


@SETTINGS
@given(st.dates(min_value=date(1000, 1, 1)).filter(lambda d: d.day > 12))
def test_us_dates_are_refused_not_misread(day):
    with pytest.raises(ValueError, match="no such date"):
        parsing.parse_date(f"{day.month:02d}/{day.day:02d}/{day.year}")


@pytest.mark.parametrize(
    "text", ["31.03.2024", "2024/03/31", "31-03-2024", "31/03/24", "March 31 2024", "2024-3-31"]
)
def test_other_date_spellings_are_refused(text):
    with pytest.raises(ValueError, match="date must be written as DD/MM/YYYY or YYYY-MM-DD"):
        parsing.parse_date(text)


# financial years -----------------------------------------------------------------------------


def _fy(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


@SETTINGS
@given(st.integers(1990, 2099), st.sampled_from(["/", "-", " / ", " - "]), st.booleans())
@example(2099, "/", False)  # 2099/00
@example(1999, "-", False)  # 1999-00
def test_financial_years_normalise_to_yyyy_slash_yy(start, separator, long_form):
    end = str(start + 1) if long_form else f"{(start + 1) % 100:02d}"
    text = f"{start}{separator}{end}"
    assert parsing.parse_financial_year(text) == _fy(start)
    assert parsing.parse_financial_year(_fy(start)) == _fy(start)


@SETTINGS
@given(st.integers(1990, 2099), st.integers(0, 99), st.booleans())
@example(2023, 25, False)  # 2023/25
def test_financial_years_whose_second_year_does_not_follow_are_refused(start, end, long_form):
    if end == (start + 1) % 100:
        end = (end + 1) % 100
    text = f"{start}/{(start // 100) * 100 + end}" if long_form else f"{start}/{end:02d}"
    with pytest.raises(ValueError, match="second year must follow its first"):
        parsing.parse_financial_year(text)


@pytest.mark.parametrize("text", ["FY23", "2023", "23/24", "2023/4", "2023 to 2024", "FY2023/24"])
def test_other_financial_year_spellings_are_refused(text):
    with pytest.raises(ValueError, match="financial year must be written like 2023/24"):
        parsing.parse_financial_year(text)


# months --------------------------------------------------------------------------------------

MONTH_NAMES = [
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may", "may"),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
]


@SETTINGS
@given(
    st.dates(min_value=date(1000, 1, 1)),
    st.sampled_from(["iso", "short", "long", "date_uk", "date_iso"]),
    st.sampled_from([str.lower, str.upper, str.title]),
    st.sampled_from([" ", "-"]),
)
def test_months_read_to_their_first_day(day, spelling, case, separator):
    short, long = MONTH_NAMES[day.month - 1]
    text = {
        "iso": f"{day.year}-{day.month:02d}",
        "short": f"{case(short)}{separator}{day.year}",
        "long": f"{case(long)}{separator}{day.year}",
        "date_uk": f"{day.day}/{day.month}/{day.year}",
        "date_iso": day.isoformat(),
    }[spelling]
    assert parsing.parse_month(text) == day.replace(day=1)


@pytest.mark.parametrize("text", ["2024-13", "2024-00"])
def test_months_that_do_not_exist_are_refused(text):
    with pytest.raises(ValueError, match="no such month"):
        parsing.parse_month(text)


# 'Mar 24' and 'Mar-24' (Excel's mmm-yy as CSV text) were read as March of the year 24
@pytest.mark.parametrize(
    "text", ["Spring 2024", "2024", "Marc 2024", "Mar 24", "Mar-24", "March 202", "13/2024"]
)
def test_other_month_spellings_are_refused(text):
    with pytest.raises(ValueError, match="month must be written as YYYY-MM"):
        parsing.parse_month(text)
