"""The journey that matters: an officer changes a milestone, a member in another browser sees it
(and in "since the last meeting"); hostile commentary stays inert text in a real browser."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, sign_in

HOSTILE = (
    "Staffing gap <script>window.__xss=1;alert('x')</script> "
    '<img src=x onerror="window.__xss=2"> [click me](javascript:window.__xss=3)'
)


def _wait_idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state')"
        " === 'notRunning'",
        timeout=60_000,
    )


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()
    _wait_idle(page)


def _signed_in_page(browser, server, role: str, path: str = ""):
    context = browser.new_context(viewport={"width": 1366, "height": 1400}, locale="en-GB")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/{path}")
    page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
    sign_in(page, server, role)
    _wait_idle(page)
    return context, page, dialogs


def test_officer_change_shows_to_a_member_and_since_the_last_meeting(server, browser):
    officer_context, officer, _ = _signed_in_page(browser, server, "officer", "updates")
    officer.get_by_role("heading", name="Updates").wait_for(timeout=60_000)
    officer.get_by_text("Milestone", exact=True).click()
    _wait_idle(officer)
    _choose(officer, "Milestone", "IP09-M2: Backlog of overdue reviews halved")
    _choose(officer, "Status", "Slipped")
    officer.get_by_role("button", name="Save").click()
    officer.get_by_text("Saved.").wait_for(timeout=30_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    officer.screenshot(path=str(ARTIFACTS / "journey-officer-saved.png"), full_page=True)

    member_context, member, _ = _signed_in_page(browser, server, "member")
    member.get_by_role("heading", name="Since the last meeting").wait_for(timeout=60_000)
    member.get_by_text("since the meeting on 12 Mar 2024").first.wait_for(timeout=30_000)
    text = member.locator("[data-testid='stMain']").inner_text()
    assert "milestone slipped" in text
    member.screenshot(path=str(ARTIFACTS / "journey-member-overview.png"), full_page=True)
    # the member has no Updates page to go to
    assert member.get_by_role("link", name="Updates").count() == 0
    officer_context.close()
    member_context.close()


def test_hostile_commentary_is_inert_in_the_browser(server, browser):
    officer_context, officer, officer_dialogs = _signed_in_page(
        browser, server, "officer", "updates"
    )
    officer.get_by_role("heading", name="Updates").wait_for(timeout=60_000)
    _choose(
        officer, "Accountability area", "IP18: Transitions from children's to adult social care"
    )
    officer.get_by_role("textbox", name="Commentary").fill(HOSTILE)
    officer.get_by_role("button", name="Save").click()
    officer.get_by_text("Saved.").wait_for(timeout=30_000)

    member_context, member, dialogs = _signed_in_page(
        browser, server, "member", "improvement_plan?area=IP18"
    )
    member.get_by_text("Staffing gap").first.wait_for(timeout=60_000)
    _wait_idle(member)
    member.wait_for_timeout(1000)
    assert dialogs == [] and officer_dialogs == []
    assert member.evaluate("() => window.__xss === undefined")
    assert member.locator("script:text('__xss')").count() == 0
    assert member.locator("img[onerror]").count() == 0
    assert member.locator("a[href^='javascript']").count() == 0
    # and the words are there for a member to read, as typed
    assert (
        "<script>window.__xss=1;alert('x')</script>"
        in member.locator("[data-testid='stMain']").inner_text()
    )
    member.screenshot(path=str(ARTIFACTS / "journey-hostile-commentary.png"), full_page=True)
    officer_context.close()
    member_context.close()
