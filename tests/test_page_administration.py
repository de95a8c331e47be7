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
