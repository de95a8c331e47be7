"""The Administration page: only administrators manage users and status lists through it."""

from __future__ import annotations

import pytest

from data_access.access import principal_for
from data_access.app_settings import configured_lists
from data_access.users import list_users
from tests.pages_support import page_text, run_page

PAGE = "pages/administration.py"


@pytest.mark.parametrize("role", ["member", "officer", "director"])
def test_only_administrators_get_the_forms(app_env, role):
    at = run_page(PAGE, role=role)
    assert "Administration is for administrators." in page_text(at)
    assert not at.button


def test_an_administrator_adds_an_officer_with_an_assignment(app_env):
    at = run_page(PAGE, role="admin")
    at.text_input(key="new-email").input("Sam.Lead@Council.gov.uk")
    at.text_input(key="new-name").input("Sam Lead")
    at.selectbox(key="new-role").select("officer")
    at.multiselect(key="new-areas").select("IP01")
    at.multiselect(key="new-teams").select("South locality")
    at.button(key="FormSubmitter:add-user-Add user").click().run()
    assert "Added sam.lead@council.gov.uk as officer." in page_text(at)
    sam = principal_for(app_env, "sam.lead@council.gov.uk")
    assert sam is not None and sam.role.value == "officer"
    assert {v for _, v in sam.scopes} == {"IP01", "South locality"}
    events = list_users(app_env).filter(email="sam.lead@council.gov.uk")
    assert events.height == 1


def test_a_status_still_in_use_cannot_be_removed_from_the_page(app_env):
    at = run_page(PAGE, role="admin")
    at.text_area(key="list:area_statuses").input("Routine activity\nPaused")
    at.button(key="FormSubmitter:list-area_statuses-Save list").click().run()
    assert "Not saved: still in use, cannot be removed: Focus of additional input" in page_text(at)
    assert "Paused" not in configured_lists(app_env)["area_statuses"]


def test_an_administrator_gives_each_status_its_meaning_on_the_page(app_env):
    at = run_page(PAGE, role="admin")
    assert at.text_area(key="list:milestone_statuses").value == (
        "Not started: open\nIn progress: open\nComplete: complete\nSlipped: slipped\n"
        "Cancelled: closed"
    )
    at.text_area(key="list:milestone_statuses").input(
        "Not started: open\nIn progress\nComplete: complete\nSlipped: slipped\n"
        "Cancelled: closed\nOn hold: CLOSED\nAwaiting sign-off"
    )
    at.button(key="FormSubmitter:list-milestone_statuses-Save list").click().run()
    assert (
        "Milestone statuses saved. Given no meaning, so taken from the word: "
        "In progress (open), Awaiting sign-off (open)." in page_text(at)
    )
    saved = configured_lists(app_env)["milestone_statuses"]
    assert (saved.meaning("On hold"), saved.meaning("Awaiting sign-off")) == ("closed", "open")
    assert at.text_area(key="list:milestone_statuses").value.endswith(
        "On hold: closed\nAwaiting sign-off: open"
    )


def test_a_status_without_a_meaning_it_can_have_is_refused_on_the_page(app_env):
    at = run_page(PAGE, role="admin")
    at.text_area(key="list:action_statuses").input("Open\nIn progress\nDone: finished\nNoted")
    at.button(key="FormSubmitter:list-action_statuses-Save list").click().run()
    assert (
        "Not saved: line 3 ('Done: finished'): 'finished' is not a meaning; end the line with "
        "one of open, complete, closed, slipped after a colon" in page_text(at)
    )


def test_a_list_saved_before_statuses_had_meanings_takes_its_words_and_says_so(app_env):
    from data_access import schema

    with app_env.engine.begin() as conn:
        conn.execute(
            schema.app_settings.insert().values(
                key="action_statuses", value=["Open", "Done", "Noted", "Awaiting reply"]
            )
        )
    at = run_page(PAGE, role="admin")
    assert (
        "Committee action statuses were saved before statuses had meanings, so these take the "
        "meaning of their word (any other word is open): Open (open), Done (complete), "
        "Noted (closed), Awaiting reply (open)." in page_text(at)
    )
    assert at.text_area(key="list:action_statuses").value == (
        "Open: open\nDone: complete\nNoted: closed\nAwaiting reply: open"
    )
