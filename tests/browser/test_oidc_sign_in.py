"""Sign-in through an identity provider (``st.login``), against oidc-provider-mock on loopback:
a known email gets its role; an unknown one gets no access and says so."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, _free_port, served

OFFICER_SUB, STRANGER_SUB = "officer-sub", "stranger-sub"


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock

    users = [
        oidc_provider_mock.User(
            sub=OFFICER_SUB, claims={"email": "Officer@Demo.Example", "name": "Demo Officer"}
        ),
        oidc_provider_mock.User(
            sub=STRANGER_SUB, claims={"email": "stranger@else.example", "name": "S"}
        ),
    ]
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_server(provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc")
    port = _free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
        'client_id = "ascgov-test"\n'
        'client_secret = "any-secret-the-mock-accepts"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with served(folder / "store.sqlite3", f"--secrets={secrets}", port=port) as running:
        yield running


def _sign_in_with_provider(browser, oidc_server, sub: str):
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.goto(str(oidc_server))
    page.get_by_role("button", name="Sign in with your council account").click()
    page.locator("input[name='sub']").fill(sub)  # the mock provider's authorisation form
    page.get_by_role("button", name="Authorize").click()
    return context, page


def test_a_known_email_from_the_provider_signs_in_with_its_role(browser, oidc_server):
    context, page = _sign_in_with_provider(browser, oidc_server, OFFICER_SUB)
    page.get_by_role("heading", name="Adult social care: overview").wait_for(timeout=60_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Demo Officer").wait_for(timeout=30_000)
    assert "(officer)" in sidebar.inner_text()
    assert page.get_by_role("link", name="Updates").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "oidc-signed-in.png"))
    context.close()


def test_an_unknown_email_gets_no_access_and_a_clear_message(browser, oidc_server):
    context, page = _sign_in_with_provider(browser, oidc_server, STRANGER_SUB)
    page.get_by_text("has no access to this dashboard").wait_for(timeout=60_000)
    assert "stranger@else.example" in page.locator("[data-testid='stMain']").inner_text()
    assert page.get_by_role("heading", name="Adult social care: overview").count() == 0
    context.close()
