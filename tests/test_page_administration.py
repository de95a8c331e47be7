"""The Administration page: only administrators manage users and status lists through it."""

from __future__ import annotations

import re

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


# --- managing people: role, assignment, disabling; the outcome beside its button ------------
OFFICER = "officer@demo.example"


def _choose(at, email: str):
    at.selectbox(key="change-email").select(email).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _seen(elements) -> list[str]:
    """Messages as a reader sees them (the page escapes them for markdown)."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements]


def _form(at, form_id: str):
    """The block of the form ``form_id``: an outcome found in it sits beside its button."""

    def walk(node):
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) == "form" and proto.form.form_id == form_id:
            return node
        for child in getattr(node, "children", {}).values():
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(at.main)
    assert found is not None, form_id
    return found


def test_an_administrator_changes_a_role_and_the_outcome_sits_beside_the_button(app_env):
    at = _choose(run_page(PAGE, role="admin"), OFFICER)
    at.selectbox(key=f"role:{OFFICER}").select("director")
    at.button(key=f"FormSubmitter:role-{OFFICER}-Change role").click().run()
    assert principal_for(app_env, OFFICER).role.value == "director"
    assert _seen(_form(at, f"role-{OFFICER}").success) == [f"{OFFICER} is now director."]
    # beside that button only: not at the top of the page, nor by any other form
    assert _seen(at.success) == [f"{OFFICER} is now director."]


def test_an_administrator_changes_an_assignment_on_the_page(app_env):
    at = _choose(run_page(PAGE, role="admin"), OFFICER)
    assert at.multiselect(key=f"areas:{OFFICER}").value == ["IP09", "IP10", "IP18", "IP19"]
    at.multiselect(key=f"areas:{OFFICER}").set_value(["IP01"])
    at.multiselect(key=f"teams:{OFFICER}").set_value([])
    at.button(key=f"FormSubmitter:assign-{OFFICER}-Save assignment").click().run()
    scopes = principal_for(app_env, OFFICER).scopes
    assert {v for k, v in scopes if k == "area"} == {"IP01"}
    assert not {v for k, v in scopes if k == "team"}
    form = _form(at, f"assign-{OFFICER}")
    assert _seen(form.success) == [
        f"{OFFICER} may now edit action:ROT-A1,area:IP01,"
        "workstream:Reviews programme (Nottingham City)."
    ]


def test_an_administrator_disables_a_user_who_then_cannot_use_the_dashboard(app_env):
    at = _choose(run_page(PAGE, role="admin"), OFFICER)
    at.button(key=f"FormSubmitter:disable-{OFFICER}-Disable user").click().run()
    assert principal_for(app_env, OFFICER).disabled
    form = _form(at, f"disable-{OFFICER}")
    assert _seen(form.success) == [
        f"{OFFICER} is disabled: they cannot sign in, and their history is kept."
    ]
    officer = run_page("pages/updates.py", role="officer")
    assert "This account has been disabled by an administrator." in page_text(officer)


def test_a_bad_email_is_refused_in_plain_words_beside_the_add_button(app_env):
    at = run_page(PAGE, role="admin")
    at.text_input(key="new-email").input("not an email")
    at.button(key="FormSubmitter:add-user-Add user").click().run()
    form = _form(at, "add-user")
    assert _seen(form.error) == [
        "Not saved: Email address: 'not an email' is not an email address (it should look "
        "like name@council.gov.uk)"
    ]
    assert "pattern" not in page_text(at)


def test_an_administrator_adds_a_backlog_measure_on_the_page(app_env):
    from data_access.measures import measures_in_force

    at = run_page(PAGE, role="admin")
    at.text_input(key="measure-code").input("carers_assessed")
    at.text_input(key="measure-label").input("Carers assessed")
    at.text_area(key="measure-definition").input("Carers whose own needs were assessed.")
    at.text_input(key="measure-unit").input("carers")
    at.selectbox(key="measure-rise").select("A rise is good")
    at.button(key="FormSubmitter:add-measure-Add measure").click().run()
    assert _seen(_form(at, "add-measure").success) == [
        "Added the measure Carers assessed (carers_assessed): backlog figures may now be "
        "loaded under it."
    ]
    added = measures_in_force(app_env)["carers_assessed"]
    assert (added.unit, added.rise_is_good) == ("carers", True)
    at.text_input(key="measure-code").input("Bad Code")
    at.button(key="FormSubmitter:add-measure-Add measure").click().run()
    (said,) = _seen(_form(at, "add-measure").error)
    assert said.startswith("Not saved: Code: 'bad code' is not a measure code")
