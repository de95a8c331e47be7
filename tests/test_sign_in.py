"""Signing in: local passwords (argon2, throttled), the app's sign-in form, people the
dashboard does not know, and the idle and absolute session limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from dashboard.ui import session as ui_session
from data_access import schema
from data_access.access import principal_for, system_principal
from data_access.models import User
from data_access.store import Store
from data_access.users import LOCK_FOR, SignInRefused, add_user, check_password, set_password
from data_access.vocab import Role
from tests.conftest import REPO, with_demo_council
from tests.pages_support import signed_in_as
from tests.store_snapshots import copy_sqlite, sqlite_url

EMAIL = "jo.officer@council.example"
PASSWORD = "correct horse battery staple"
NO_MATCH = "That email and password do not match an account."
LOCKED = (
    "Too many failed attempts: this account is locked for a few minutes. "
    "Try again later or ask an administrator."
)
T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def _refused(store: Store, email: str, password: str, at: datetime) -> str:
    with pytest.raises(SignInRefused) as refused:
        check_password(store, email, password, now=at)
    return str(refused.value)


@pytest.fixture(autouse=True)
def quick_argon2(monkeypatch):
    """argon2 with small costs, so the dozens of hashes here take milliseconds: the same
    scheme and checks, not the production cost (tested on its own below)."""
    from argon2 import PasswordHasher

    import data_access.users as users

    production = users._hasher()
    monkeypatch.setattr(
        users, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    return production


def test_passwords_are_hashed_with_argon2id_at_its_recommended_cost(quick_argon2):
    hashed = quick_argon2.hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert quick_argon2.verify(hashed, PASSWORD)


@pytest.fixture
def jo(store) -> Store:
    """A store on each database with one officer holding a local password."""
    user = User(email=EMAIL, name="Jo Officer", role="officer")
    add_user(store, user, actor=system_principal("tests"), password=PASSWORD)
    return store


# --- local passwords -------------------------------------------------------------------------
def test_the_right_password_signs_in_and_any_wrong_answer_gets_one_message(jo):
    signed = check_password(jo, "  Jo.Officer@Council.EXAMPLE ", PASSWORD, now=T0)
    assert (signed.email, signed.name, signed.role) == (EMAIL, "Jo Officer", Role.OFFICER)

    wrong_password = _refused(jo, EMAIL, PASSWORD + "!", T0)
    unknown_email = _refused(jo, "nobody@council.example", PASSWORD, T0)
    empty = _refused(jo, EMAIL, "", T0)
    # a user who signs in through the identity provider has no local password at all
    add_user(jo, User(email="sso@council.example", name="S", role="member"), actor=_system())
    no_password = _refused(jo, "sso@council.example", PASSWORD, T0)
    assert wrong_password == unknown_email == empty == no_password == NO_MATCH


def _system():
    return system_principal("tests")


def test_five_failures_lock_the_account_even_for_the_right_password_until_the_lock_ends(jo):
    for n in range(5):
        assert _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n)) == NO_MATCH
    last_failure = T0 + timedelta(seconds=4)
    # locked: the right password is refused, saying why, right up to the end of the lock
    assert _refused(jo, EMAIL, PASSWORD, last_failure + timedelta(seconds=1)) == LOCKED
    almost = last_failure + LOCK_FOR - timedelta(seconds=1)
    assert _refused(jo, EMAIL, PASSWORD, almost) == LOCKED
    # after the lock, the right password works again and the count starts afresh
    after = almost + LOCK_FOR + timedelta(seconds=1)
    assert check_password(jo, EMAIL, PASSWORD, now=after).email == EMAIL
    assert _attempts(jo, EMAIL) == (0, None)
    assert _refused(jo, EMAIL, "one more guess", after + timedelta(seconds=1)) == NO_MATCH
    assert _attempts(jo, EMAIL)[0] == 1


def test_attempts_during_a_lock_do_not_extend_it(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n))
    ends = T0 + timedelta(seconds=4) + LOCK_FOR
    # someone keeps guessing every few minutes through the lock
    for minutes in range(1, 15, 3):
        assert _refused(jo, EMAIL, "guess", T0 + timedelta(minutes=minutes)) == LOCKED
    locked_until = _attempts(jo, EMAIL)[1]
    assert locked_until.replace(tzinfo=locked_until.tzinfo or UTC) == ends
    assert check_password(jo, EMAIL, PASSWORD, now=ends + timedelta(seconds=1)).email == EMAIL


def test_four_failures_do_not_lock(jo):
    for n in range(4):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n))
    assert check_password(jo, EMAIL, PASSWORD, now=T0 + timedelta(seconds=5)).email == EMAIL


def test_an_unknown_email_is_locked_alike_so_the_answer_never_tells_which_emails_exist(jo):
    for n in range(5):
        assert _refused(jo, "nobody@council.example", "x", T0 + timedelta(seconds=n)) == NO_MATCH
    assert _refused(jo, "nobody@council.example", "x", T0 + timedelta(minutes=1)) == LOCKED


def test_setting_a_password_clears_a_lock(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n))
    admin = User(email="admin@council.example", name="Admin", role="admin")
    add_user(jo, admin, actor=_system())
    new = "a brand new long passphrase"
    set_password(jo, EMAIL, new, actor=principal_for(jo, admin.email))
    assert check_password(jo, EMAIL, new, now=T0 + timedelta(minutes=1)).email == EMAIL


def _attempts(store: Store, email: str) -> tuple[int, datetime | None]:
    table = schema.sign_in_attempts
    with store.engine.connect() as conn:
        row = conn.execute(
            select(table.c.failures, table.c.locked_until).where(table.c.email == email)
        ).one()
    return row.failures, row.locked_until


def test_the_audit_trail_never_holds_a_password_or_its_hash(jo):
    admin = User(email="admin@council.example", name="Admin", role="admin")
    add_user(jo, admin, actor=_system(), password="the administrator's passphrase")
    second = "a second long passphrase"
    set_password(jo, EMAIL, second, actor=principal_for(jo, admin.email))
    check_password(jo, EMAIL, second, now=T0)
    _refused(jo, EMAIL, PASSWORD, T0)  # the old password, now wrong
    _refused(jo, "nobody@council.example", "a guess at a password", T0)
    for n in range(6):
        _refused(jo, EMAIL, f"lockout guess {n}", T0 + timedelta(seconds=n + 1))
    with jo.engine.connect() as conn:
        hashes = [h for (h,) in conn.execute(select(schema.users.c.password_hash)) if h]
        events = [dict(r._mapping) for r in conn.execute(select(schema.audit_events))]
        attempts = [dict(r._mapping) for r in conn.execute(select(schema.sign_in_attempts))]
    assert len(hashes) == 2 and all(h.startswith("$argon2") for h in hashes)
    actions = {e["action"] for e in events}
    assert {"user:add", "user:set-password", "sign-in", "sign-in:failed"} <= actions
    trail = json.dumps([events, attempts], default=str)
    secrets = [PASSWORD, second, "the administrator's passphrase", "a guess at a password"]
    secrets += [f"lockout guess {n}" for n in range(6)] + hashes
    for secret in secrets:
        assert secret not in trail, secret
    assert "$argon2" not in trail
    assert "password_hash" not in trail


# --- the app's front door --------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sign_in") / "template.sqlite3"
    store = Store(sqlite_url(path))
    store.upgrade()
    with_demo_council(store)
    store.dispose()
    return path


@pytest.fixture
def app_store(demo_file, tmp_path, monkeypatch) -> Iterator[Store]:
    """The app pointed at a fresh copy of the demo store (one demo user per role)."""
    from data_access.settings import get_settings

    store = copy_sqlite(demo_file, tmp_path / "app.sqlite3")
    monkeypatch.setenv("ASCGOV_DATABASE_URL", store.url)
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()
    store.dispose()


def _app(user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard/streamlit_app.py"), default_timeout=60)
    if user is None:
        signed_in_as(at, None)
    else:
        at.user = user
    return at


def _run(at: AppTest) -> AppTest:
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shows_no_figures(at: AppTest) -> None:
    assert not at.metric
    assert not at.dataframe
    assert not at.table
    assert not at.get("plotly_chart")
    assert not at.sidebar.button  # no navigation, no sign-out: nobody is signed in


def _sign_in_form(at: AppTest) -> None:
    assert [t.value for t in at.title] == ["Sign in"]
    assert [t.label for t in at.text_input] == ["Email address", "Password"]
    # the password is typed into a masked field
    assert at.text_input[1].proto.type == TextInputProto.PASSWORD
    _shows_no_figures(at)


OVERVIEW = "Adult social care: overview"


def _member(**claims) -> dict:
    return {
        "is_logged_in": True,
        "email": "member@demo.example",
        "name": "Demo member",
        **claims,
    }


def test_nobody_signed_in_sees_the_sign_in_form_and_no_figures(app_store):
    at = _run(_app())
    _sign_in_form(at)
    assert not at.info  # no notice: nobody was signed out


def test_a_local_account_signs_in_through_the_form(app_store):
    admin = principal_for(app_store, "admin@demo.example")
    set_password(app_store, "member@demo.example", "member's long passphrase", actor=admin)
    at = _run(_app())
    at.text_input[0].input("member@demo.example")
    at.text_input[1].input("not the passphrase")
    at = _run(next(b for b in at.button if b.label == "Sign in").click())
    assert [e.value for e in at.error] == [NO_MATCH]
    _sign_in_form(at)

    at.text_input[0].input("Member@Demo.example")
    at.text_input[1].input("member's long passphrase")
    at = _run(next(b for b in at.button if b.label == "Sign in").click())
    assert [t.value for t in at.title] == [OVERVIEW]
    assert at.metric, "a signed-in member reads the figures"
    assert at.session_state[ui_session._LOCAL_EMAIL] == "member@demo.example"


def test_a_signed_in_stranger_is_told_they_have_no_access(app_store):
    stranger = {"is_logged_in": True, "email": "Stranger@Elsewhere.example", "name": "S"}
    at = _run(_app(stranger))
    assert [e.value for e in at.error] == [
        "You are signed in as stranger@elsewhere.example, but that address has no access to "
        "this dashboard. Ask your administrator to add you."
    ]
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.title
    _shows_no_figures(at)


def test_idle_for_longer_than_the_timeout_signs_out(app_store):
    at = _run(_app(_member()))
    assert [t.value for t in at.title] == [OVERVIEW]
    now = datetime.now(UTC)
    at.session_state[ui_session._LAST_SEEN] = now - timedelta(minutes=29)
    at = _run(at)
    assert [t.value for t in at.title] == [OVERVIEW], "29 minutes idle is within the limit"
    at.session_state[ui_session._LAST_SEEN] = now - timedelta(minutes=31)
    at = _run(at)
    assert [i.value for i in at.info] == [
        "You were signed out after 30 minutes without activity. Please sign in again."
    ]
    _sign_in_form(at)


def test_the_idle_timeout_is_configurable(app_store, monkeypatch):
    from data_access.settings import get_settings

    monkeypatch.setenv("ASCGOV_IDLE_TIMEOUT_MINUTES", "5")
    get_settings.cache_clear()
    at = _run(_app(_member()))
    assert [t.value for t in at.title] == [OVERVIEW]
    later = datetime.now(UTC) + timedelta(minutes=6)
    monkeypatch.setattr(ui_session, "now", lambda: later)
    at = _run(at)
    assert [i.value for i in at.info] == [
        "You were signed out after 5 minutes without activity. Please sign in again."
    ]
    _sign_in_form(at)


def test_an_active_session_still_ends_at_the_absolute_limit(app_store, monkeypatch):
    start = datetime.now(UTC)
    at = _run(_app(_member()))
    assert at.session_state[ui_session._SIGNED_IN_AT] <= datetime.now(UTC)
    # busy all day: a click every 29 minutes for 11 hours 36 minutes
    for step in range(1, 25):
        moment = start + timedelta(minutes=29 * step)
        monkeypatch.setattr(ui_session, "now", lambda moment=moment: moment)
        at = _run(at)
        assert [t.value for t in at.title] == [OVERVIEW], moment - start
    moment = start + timedelta(hours=12, minutes=1)
    monkeypatch.setattr(ui_session, "now", lambda: moment)
    at = _run(at)
    assert [i.value for i in at.info] == [
        "You were signed out: sessions last at most 12 hours. Please sign in again."
    ]
    _sign_in_form(at)


def test_the_absolute_limit_counts_from_the_identity_providers_sign_in(app_store):
    """The provider's cookie outlives a browser tab: its "issued at" claim starts the clock."""
    issued = (datetime.now(UTC) - timedelta(hours=12, minutes=5)).timestamp()
    at = _run(_app(_member(iat=issued)))
    assert [i.value for i in at.info] == [
        "You were signed out: sessions last at most 12 hours. Please sign in again."
    ]
    _sign_in_form(at)
    fresh = (datetime.now(UTC) - timedelta(hours=11)).timestamp()
    assert [t.value for t in _run(_app(_member(iat=fresh))).title] == [OVERVIEW]


def test_a_form_left_open_past_the_idle_limit_saves_nothing(app_store):
    """A Save pressed after the timeout runs its callback before the page checks the session:
    it must not save on the strength of the expired session."""
    at = signed_in_as(
        AppTest.from_file(str(REPO / "pages/updates.py"), default_timeout=60), "officer"
    )
    at = _run(at)
    box = at.selectbox(key="pick-area")
    at = _run(box.set_value(next(o for o in box.options if o.startswith("IP09:"))))
    at.text_area(key="area:IP09:commentary").set_value("Typed, then left for an hour.")
    at.session_state[ui_session._LAST_SEEN] = datetime.now(UTC) - timedelta(minutes=45)
    at = _run(next(b for b in at.button if b.label == "Save").click())
    assert [i.value for i in at.info] == [
        "You were signed out after 30 minutes without activity. Please sign in again."
    ]
    with app_store.engine.connect() as conn:
        commentary = conn.execute(
            select(schema.areas.c.commentary).where(schema.areas.c.code == "IP09")
        ).scalar_one()
        edits = conn.execute(
            select(schema.audit_events.c.id).where(
                schema.audit_events.c.actor == "officer@demo.example"
            )
        ).all()
    assert commentary != "Typed, then left for an hour."
    assert edits == []
