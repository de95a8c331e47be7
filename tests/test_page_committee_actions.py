"""The Committee actions page under AppTest on the demo council, and the rule behind it."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain import committee_actions as rules
from data_access.statuses import Meaning, StatusList
from tests.pages_support import page_text, run_page, tables

PAGE = "pages/committee_actions.py"


def _actions(**columns) -> pl.DataFrame:
    base = {
        "code": ["A1", "A2", "A3", "A4", "A5"],
        "meeting_id": [1, 1, 2, 2, 2],
        "committee": ["Scrutiny"] * 5,
        "meeting_date": [date(2024, 1, 10)] * 2 + [date(2024, 3, 12)] * 3,
        "kind": ["resolution", "action", "action", "action", "action"],
        "text": ["Noted", "Report back", "Invite the PSW", "Fix data", "Plan reviews"],
        "owner": [None, "Director", "Director", "Head of service", "Director"],
        "status": ["Noted", "Open", "In progress", "Done", "Open"],
        "due_date": [None, date(2024, 3, 31), date(2024, 4, 1), date(2024, 2, 1), None],
    }
    base.update(columns)
    return pl.DataFrame(base, schema_overrides={"due_date": pl.Date})


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2024, 3, 31), []),  # due today is not overdue
        (date(2024, 4, 1), ["A2"]),  # the day after its due date
        (date(2024, 4, 2), ["A2", "A3"]),  # "In progress" is open; "Done" is not
    ],
)
def test_an_action_is_overdue_the_day_after_its_due_date_while_open(today, overdue):
    flagged = rules.flag_actions(_actions(), today)
    assert flagged.filter(pl.col("overdue"))["code"].to_list() == overdue
    # "Noted" and "Done" are finished; the rest are open, with or without a due date
    assert flagged.filter(pl.col("open"))["code"].to_list() == ["A2", "A3", "A5"]


def test_an_administrators_status_list_decides_what_is_finished():
    statuses = StatusList(("Open", "Closed off"), (Meaning.OPEN, Meaning.COMPLETE))
    frame = _actions(status=["Closed off", "Open", "Closed off", "Open", "Open"])
    flagged = rules.flag_actions(frame, date(2024, 5, 1), statuses=statuses)
    assert flagged.filter(pl.col("overdue"))["code"].to_list() == ["A2", "A4"]
    assert flagged.filter(pl.col("overdue"))["days_overdue"].to_list() == [31, 90]


def test_the_summary_and_sentences_count_with_agreeing_nouns():
    flagged = rules.flag_actions(_actions(), date(2024, 4, 2))
    assert rules.summary(flagged, date(2024, 4, 2)) == (
        "5 resolutions and actions from 2 meetings: 3 open, 2 overdue as at 2 Apr 2024."
    )
    assert rules.overdue_sentence(flagged, date(2024, 4, 2)) == (
        "2 committee actions are open and past their due date as at 2 Apr 2024."
    )
    earlier = rules.flag_actions(_actions(), date(2024, 3, 1))
    assert rules.overdue_sentence(earlier, date(2024, 3, 1)) is None
    rows = rules.attention_rows(flagged)
    assert rows == [
        ("Overdue committee action", "Report back", "due 31 Mar 2024, open; owner Director"),
        (
            "Overdue committee action",
            "Invite the PSW",
            "due 1 Apr 2024, in progress; owner Director",
        ),
    ]


def test_the_table_says_overdue_in_words_and_filters_by_meeting_status_and_owner():
    flagged = rules.flag_actions(_actions(), date(2024, 4, 2))
    table = rules.actions_table(flagged).frame
    # by meeting, then due date (none last)
    assert table["Resolution or action"].to_list() == [
        "Report back",
        "Noted",
        "Fix data",
        "Invite the PSW",
        "Plan reviews",
    ]
    assert table["Overdue"].to_list() == ["Overdue by 2 days", "", "", "Overdue by 1 day", ""]
    assert table["Meeting"].to_list()[:2] == ["Scrutiny, 10 Jan 2024"] * 2
    assert table["Owner"].to_list()[1] == "not named"
    march = rules.filter_actions(flagged, meeting="Scrutiny, 12 Mar 2024", owner="Director")
    assert march["code"].to_list() == ["A3", "A5"]
    assert rules.filter_actions(flagged, overdue_only=True)["code"].to_list() == ["A2", "A3"]
    assert rules.filter_actions(flagged, status="Done")["code"].to_list() == ["A4"]


@pytest.mark.parametrize("role", ["member", "officer", "director", "admin"])
def test_every_role_reads_the_demo_councils_actions(app_env, role):
    at = run_page(PAGE, role=role)
    text = page_text(at)
    table = tables(at)[0]
    assert len(table) == 12
    assert "Showing 12 of 12 resolutions and actions." in text
    assert "12 resolutions and actions from" in text and ": 9 open," in text
    # no internal reference codes on a member's page
    assert "ROT-R1" not in text and "Ref" not in table.columns
    assert set(table.columns) == {
        "Meeting",
        "Kind",
        "Resolution or action",
        "Owner",
        "Due",
        "Status",
        "Overdue",
    }


def _add_overdue_action(store, tmp_path):
    from data_access.importer import import_file
    from tests.conftest import DIRECTOR

    path = tmp_path / "actions.csv"
    path.write_text(
        "code,committee,meeting_date,kind,text,owner,due_date,status,source\n"
        "T-1,Adults Scrutiny,2024-01-10,action,Report on review waits,Scrutiny officer,"
        "2024-02-01,Open,Minutes of 10 January 2024\n",
        encoding="utf-8",
    )
    import_file(store, "actions", path, actor=DIRECTOR)


def test_the_demo_minutes_set_no_due_dates_so_nothing_is_overdue(app_env):
    at = run_page(PAGE)
    table = tables(at)[0]
    assert set(table["Overdue"]) == {""}
    assert ", 0 overdue as at" in page_text(at)


def test_an_overdue_action_is_flagged_in_words_and_counted_on_the_overview(app_env, tmp_path):
    _add_overdue_action(app_env, tmp_path)
    at = run_page(PAGE, query={"overdue": "true"})
    table = tables(at)[0]
    assert table["Resolution or action"].to_list() == ["Report on review waits"]
    assert table["Overdue"].to_list()[0].startswith("Overdue by ")
    assert "13 resolutions and actions from 4 meetings: 10 open, 1 overdue as at" in page_text(at)
    overview = run_page("pages/overview.py")
    text = page_text(overview)
    assert "1 committee action is open and past its due date as at" in text
    attention = [t for t in tables(overview) if "Kind" in t.columns and "Why" in t.columns][0]
    row = attention[attention["Kind"] == "Overdue committee action"]
    assert row["Item"].to_list() == ["Report on review waits"]
    assert row["Why"].to_list() == ["due 1 Feb 2024, open; owner Scrutiny officer"]


def test_filters_narrow_the_table_and_are_kept_in_the_link(app_env):
    at = run_page(PAGE)
    statuses = at.selectbox(key="status").options
    assert "Open" in statuses
    at.selectbox(key="status").select("Open").run()
    table = tables(at)[0]
    assert set(table["Status"]) == {"Open"}
    assert f"Showing {len(table)} of 12 resolutions and actions." in page_text(at)
    owner = "Scrutiny officer"
    linked = run_page(PAGE, query={"status": "Open", "owner": owner})
    shown = tables(linked)[0]
    assert len(shown) == 3 and set(shown["Owner"]) == {owner}
    assert "Showing 3 of 12 resolutions and actions." in page_text(linked)


def test_an_empty_store_says_so(empty_app_env):
    at = run_page(PAGE)
    assert "No committee resolutions or actions have been recorded yet." in page_text(at)
