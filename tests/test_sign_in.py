"""Signing in: local passwords (argon2, throttled), the app's sign-in form, people the
dashboard does not know, and the idle and absolute session limits."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from sqlalchemy import select
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from dashboard.ui import session as ui_session
from data_access import schema
from data_access.access import NotPermitted, principal_for, system_principal
from data_access.models import User
from data_access.store import Store
from data_access.throttle import LOCK_FOR, client_address, source_key, trusted_networks
from data_access.users import (
    NothingToUnlockError,
    SignInRefused,
    add_user,
    check_password,
    set_password,
    sign_in_lockouts,
    unlock_account,
    unlock_source,
)
from data_access.vocab import Role
from tests.conftest import REPO
from tests.pages_support import page_text, signed_in_as
from tests.sign_in_support import Browser

EMAIL = "jo.officer@council.example"
PASSWORD = "correct horse battery staple"
NO_MATCH = "That email and password do not match an account."
LOCKED = (
    "Too many failed attempts: this account is locked for a few minutes. "
    "Try again later or ask an administrator."
)
T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def wait(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts from your address: please wait "
        f"{minutes} {unit} before trying again, or ask an administrator."
    )


def _refused(
    store: Store, email: str, password: str, at: datetime, source: str | None = None
) -> str:
    with pytest.raises(SignInRefused) as refused:
        check_password(store, email, password, source=source, now=at)
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


def test_five_failures_lock_the_account_against_the_failing_address_until_the_lock_ends(jo):
    for n in range(5):
        assert _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n)) == NO_MATCH
    last_failure = T0 + timedelta(seconds=4)
    # that address now waits a minute before anything it sends is even checked
    assert _refused(jo, EMAIL, PASSWORD, last_failure + timedelta(seconds=1)) == wait(1)
    # then the account stays locked against it, right up to the end of the lock
    assert _refused(jo, EMAIL, PASSWORD, last_failure + timedelta(minutes=2)) == LOCKED
    almost = last_failure + LOCK_FOR - timedelta(seconds=1)
    assert _refused(jo, EMAIL, PASSWORD, almost) == LOCKED
    # after the lock, the right password works again and the count starts afresh
    after = almost + LOCK_FOR + timedelta(seconds=1)
    assert check_password(jo, EMAIL, PASSWORD, now=after).email == EMAIL
    assert _attempts(jo, EMAIL) == (0, None)
    assert _refused(jo, EMAIL, "one more guess", after + timedelta(seconds=1)) == NO_MATCH
    assert _attempts(jo, EMAIL)[0] == 1


def test_attempts_during_a_lock_do_not_extend_it_and_write_nothing(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n))
    ends = T0 + timedelta(seconds=4) + LOCK_FOR
    trail = _sign_in_events(jo)
    # someone keeps guessing every few minutes through the lock
    for minutes in range(2, 15, 3):
        assert _refused(jo, EMAIL, "guess", T0 + timedelta(minutes=minutes)) == LOCKED
    locked_until = _attempts(jo, EMAIL)[1]
    assert locked_until.replace(tzinfo=locked_until.tzinfo or UTC) == ends
    # refusals during a lock are logged, not stored: guessing cannot fill the store
    assert _sign_in_events(jo) == trail
    assert check_password(jo, EMAIL, PASSWORD, now=ends + timedelta(seconds=1)).email == EMAIL


def test_four_failures_do_not_lock(jo):
    for n in range(4):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n))
    assert check_password(jo, EMAIL, PASSWORD, now=T0 + timedelta(seconds=5)).email == EMAIL


def test_an_unknown_email_is_locked_alike_so_the_answer_never_tells_which_emails_exist(jo):
    def answers(email: str, source: str, clean: str) -> list[str]:
        said = [_refused(jo, email, "x", T0 + timedelta(seconds=n), source) for n in range(5)]
        said.append(_refused(jo, email, "x", T0 + timedelta(seconds=10), source))
        said.append(_refused(jo, email, "x", T0 + timedelta(minutes=2), source))
        said.append(_refused(jo, email, "x", T0 + timedelta(minutes=3), clean))
        return said

    known = answers(EMAIL, "192.0.2.1", "192.0.2.2")
    unknown = answers("nobody@council.example", "192.0.2.3", "192.0.2.4")
    assert known == unknown == [NO_MATCH] * 5 + [wait(1), LOCKED, NO_MATCH]


def test_setting_a_password_clears_a_lock(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n))
    admin = User(email="admin@council.example", name="Admin", role="admin")
    add_user(jo, admin, actor=_system())
    new = "a brand new long passphrase"
    set_password(jo, EMAIL, new, actor=principal_for(jo, admin.email))
    assert check_password(jo, EMAIL, new, now=T0 + timedelta(minutes=2)).email == EMAIL


# --- an attacker cannot keep the real user out (throttled by address and by account) ---------
ATTACKER = "203.0.113.66"  # documentation addresses (RFC 5737): strings only, never contacted
OFFICE = "198.51.100.7"


def test_an_attacker_guessing_cannot_keep_the_real_user_out(jo):
    """An attacker guesses 20 times on Jo's account from one address: that address is slowed
    and then refused without a check, while Jo, from her office, signs in all along."""
    said = [
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n), ATTACKER) for n in range(20)
    ]
    assert said == [NO_MATCH] * 5 + [wait(1)] * 15
    # only the five checked guesses were stored: the fifteen refusals cost the store nothing
    assert [e["action"] for e in _sign_in_events(jo)] == ["sign-in:failed"] * 5
    # Jo, from another address, with the right password, during the attack
    during = T0 + timedelta(seconds=20)
    assert check_password(jo, EMAIL, PASSWORD, source=OFFICE, now=during).email == EMAIL
    # the attacker's minute is over, but the account stays locked against its address
    assert _refused(jo, EMAIL, PASSWORD, T0 + timedelta(minutes=2), ATTACKER) == LOCKED
    assert check_password(jo, EMAIL, PASSWORD, source=OFFICE, now=T0 + timedelta(minutes=3))
    # after the lock the attacker gets one more guess, then waits twice as long as before
    lock_over = T0 + timedelta(seconds=4) + LOCK_FOR + timedelta(seconds=1)
    assert _refused(jo, EMAIL, "guess 21", lock_over, ATTACKER) == NO_MATCH
    assert _refused(jo, EMAIL, "guess 22", lock_over + timedelta(seconds=1), ATTACKER) == wait(2)
    assert check_password(jo, EMAIL, PASSWORD, source=OFFICE, now=lock_over).email == EMAIL


def test_an_address_waits_longer_after_each_further_failure_and_is_forgotten_after_an_hour(jo):
    moment = T0
    for n in range(5):
        _refused(jo, f"guess{n}@council.example", "x", moment, ATTACKER)
    # each failure after the fifth doubles the wait, up to half an hour; every address
    # (a different account each time) counts against the one source
    for minutes in (1, 2, 4, 8, 16, 30, 30):
        assert _source(jo, ATTACKER)[1] - moment == timedelta(minutes=minutes)
        assert _refused(
            jo, "other@council.example", "x", moment + timedelta(seconds=1), ATTACKER
        ) == wait(minutes)
        moment += timedelta(minutes=minutes)
        assert _refused(jo, f"g{minutes}@council.example", "x", moment, ATTACKER) == NO_MATCH
    # an hour with no failure and the address starts afresh: five more before it waits
    moment += timedelta(hours=1, seconds=1)
    for n in range(4):
        _refused(jo, f"later{n}@council.example", "x", moment, ATTACKER)
    assert _source(jo, ATTACKER) == (4, None)


def test_a_real_user_who_mistypes_during_an_attack_is_let_in_by_an_administrators_unlock(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n), ATTACKER)
    # Jo mistypes from her office: her address has now failed too, so the lock holds for it
    assert _refused(jo, EMAIL, "correct horse", T0 + timedelta(minutes=1), OFFICE) == NO_MATCH
    assert _refused(jo, EMAIL, PASSWORD, T0 + timedelta(minutes=2), OFFICE) == LOCKED
    admin = _admin(jo)
    unlock_account(jo, " Jo.Officer@Council.example", actor=admin)
    assert _attempts(jo, EMAIL) == (0, None)
    assert check_password(jo, EMAIL, PASSWORD, source=OFFICE, now=T0 + timedelta(minutes=3))
    event = _sign_in_events(jo)[-2]  # the unlock, then Jo's sign-in
    assert (event["actor"], event["action"], event["entity_key"]) == (
        admin.email,
        "sign-in:unlock",
        EMAIL,
    )


def test_an_administrator_clears_an_addresss_failures(jo):
    for n in range(6):
        _refused(jo, f"spray{n}@council.example", "x", T0 + timedelta(minutes=2 * n), OFFICE)
    assert _refused(jo, EMAIL, PASSWORD, T0 + timedelta(minutes=11), OFFICE) == wait(1)
    unlock_source(jo, OFFICE, actor=_admin(jo))
    assert _source(jo, OFFICE) == (0, None)
    assert check_password(jo, EMAIL, PASSWORD, source=OFFICE, now=T0 + timedelta(minutes=11))
    with pytest.raises(NothingToUnlockError) as nothing:
        unlock_source(jo, "192.0.2.99", actor=_admin(jo))
    assert str(nothing.value) == "No failed sign-ins are recorded for the address 192.0.2.99."
    with pytest.raises(NothingToUnlockError) as nothing:
        unlock_account(jo, "nobody@council.example", actor=_admin(jo))
    assert str(nothing.value) == "No failed sign-ins are recorded for nobody@council.example."


def test_only_administrators_unlock_and_a_refusal_is_audited(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n), ATTACKER)
    director = User(email="dee@council.example", name="Dee", role="director")
    add_user(jo, director, actor=_system())
    with pytest.raises(NotPermitted):
        unlock_account(jo, EMAIL, actor=principal_for(jo, director.email))
    with pytest.raises(NotPermitted):
        unlock_source(jo, ATTACKER, actor=principal_for(jo, director.email))
    assert _attempts(jo, EMAIL)[0] == 5
    assert _source(jo, ATTACKER)[0] == 5
    refused = [e for e in _events(jo) if e["action"] == "refused"]
    assert [e["actor"] for e in refused] == [director.email] * 2


@pytest.fixture
def sign_in_log() -> Iterator[list[logging.LogRecord]]:
    """What the ``ascgov.sign_in`` logger writes (read on the logger itself: the CLI stops
    it propagating to the root, where caplog listens)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger("ascgov.sign_in")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_every_lock_wait_and_unlock_is_logged(jo, sign_in_log):
    for n in range(6):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n), ATTACKER)
    unlock_account(jo, EMAIL, actor=_admin(jo))
    unlock_source(jo, ATTACKER, actor=_admin(jo))
    warnings = [r.getMessage() for r in sign_in_log if r.levelno == logging.WARNING]
    assert warnings == [
        f"sign-in: {EMAIL} locked for 15 minutes after 5 failed attempts",
        f"sign-in: address {ATTACKER} waits 1 minute after 5 failed attempts",
        f"sign-in: {EMAIL} unlocked by admin@council.example",
        f"sign-in: address {ATTACKER} cleared by admin@council.example",
    ]
    infos = [r.getMessage() for r in sign_in_log if r.levelno == logging.INFO]
    assert infos[:5] == [f"sign-in failed: {EMAIL} from {ATTACKER}"] * 5
    assert infos[5] == f"sign-in refused: address {ATTACKER} is waiting (attempt for {EMAIL})"
    # and the lock and the wait are in the audit trail with the failure that started them
    fifth = [e for e in _events(jo) if e["action"] == "sign-in:failed"][4]
    assert fifth["after"]["failures"] == 5
    assert fifth["after"]["source"] == ATTACKER
    assert fifth["after"]["locked_until"].startswith("2030-01-07T09:15:04")
    assert fifth["after"]["source_waits_until"].startswith("2030-01-07T09:01:04")


def test_administrators_see_who_is_locked_out(jo):
    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n), ATTACKER)
    _refused(jo, "nobody@council.example", "x", T0 + timedelta(seconds=9), OFFICE)
    frame = sign_in_lockouts(jo, now=T0 + timedelta(seconds=10))
    rows = frame.select("what", "key", "failures").rows()
    assert rows == [
        ("account", EMAIL, 5),
        ("account", "nobody@council.example", 1),
        ("address", ATTACKER, 5),
        ("address", OFFICE, 1),
    ]
    until = frame["until"].to_list()
    assert until[0] == T0 + timedelta(seconds=4) + LOCK_FOR
    assert until[1] is None
    assert until[2] == T0 + timedelta(seconds=4, minutes=1)


# --- nothing a stranger sends is stored unbounded --------------------------------------------
HUGE = 5_000_000


def test_a_huge_email_adds_only_a_bounded_record(jo, sign_in_log):
    before_rows, before_file = _store_size(jo)
    huge = "a" * HUGE + "@council.example"
    assert _refused(jo, huge, PASSWORD, T0, ATTACKER) == NO_MATCH
    assert _refused(jo, "x" * HUGE, PASSWORD, T0, ATTACKER) == NO_MATCH  # not even an email
    after_rows, after_file = _store_size(jo)
    # every value in every row, added up: two refused attempts add less than 2 kB
    assert after_rows - before_rows < 2_000, after_rows - before_rows
    # on disk, a few pages at most (before the fix: about 25 MB for each attempt)
    assert after_file - before_file < 100_000, after_file - before_file
    # the log and the audit trail name each by a fixed-length stand-in
    stand_ins = [f"not-an-email:{_sha256(text)[:16]}" for text in (huge, "x" * HUGE)]
    assert [r.getMessage() for r in sign_in_log] == [
        f"sign-in failed: {stand_in} from {ATTACKER}" for stand_in in stand_ins
    ]
    keys = [e["entity_key"] for e in _sign_in_events(jo)]
    assert keys == stand_ins
    # the attempts still count against the address that sent them
    assert _source(jo, ATTACKER)[0] == 2


def test_a_password_over_128_characters_fails_without_being_hashed(jo, monkeypatch):
    import data_access.users as users

    def no_hashing():
        raise AssertionError("an over-long password must not reach argon2")

    monkeypatch.setattr(users, "_hasher", no_hashing)
    for n, password in enumerate((PASSWORD + "x" * 101, "y" * HUGE)):
        assert _refused(jo, EMAIL, password, T0 + timedelta(seconds=n), OFFICE) == NO_MATCH
    assert _attempts(jo, EMAIL)[0] == 2


# --- which address an attempt comes from --------------------------------------------------
@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.66", "203.0.113.66"),
        ("::ffff:203.0.113.66", "203.0.113.66"),  # IPv4 seen through an IPv6 socket
        # one IPv6 subscriber gets a whole /64: its addresses count as one source
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        (None, "local"),  # Streamlit gives no address for a browser on the server itself
        ("not an address", "invalid"),
        ("9" * HUGE, "invalid"),
    ],
)
def test_attempts_are_counted_by_address(address, key):
    assert source_key(address) == key


TRUSTED = trusted_networks("127.0.0.1, ::1, 10.0.0.0/8")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        # by default no proxy is trusted: the header is the sender's word, and ignored
        ("203.0.113.66", "198.51.100.7", (), "203.0.113.66"),
        (None, "198.51.100.7", (), None),
        # from a trusted proxy, the address it saw (the last one it added)
        ("10.1.2.3", "198.51.100.7", TRUSTED, "198.51.100.7"),
        ("10.1.2.3", "192.0.2.1, 198.51.100.7", TRUSTED, "198.51.100.7"),  # first is made up
        ("10.1.2.3", "198.51.100.7, 10.9.9.9", TRUSTED, "198.51.100.7"),  # two proxies
        (None, "198.51.100.7", TRUSTED, "198.51.100.7"),  # a proxy on the server itself
        ("10.1.2.3", None, TRUSTED, "10.1.2.3"),
        ("10.1.2.3", "10.0.0.1, 10.0.0.2", TRUSTED, "10.0.0.1"),
        # a sender that is not a trusted proxy cannot choose its address by the header
        ("203.0.113.66", "198.51.100.7", TRUSTED, "203.0.113.66"),
    ],
)
def test_the_client_address_behind_a_trusted_proxy(peer, forwarded, trusted, client):
    assert client_address(peer, forwarded, trusted) == client


def test_trusted_proxies_come_from_a_setting_that_refuses_nonsense(monkeypatch):
    from data_access.settings import Settings

    monkeypatch.setenv("ASCGOV_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.10")
    assert [str(n) for n in Settings().trusted_proxy_networks] == ["10.0.0.0/8", "192.0.2.10/32"]
    monkeypatch.setenv("ASCGOV_TRUSTED_PROXIES", "10.0.0.0/8, proxy.council.local")
    with pytest.raises(ValueError, match="proxy.council.local"):
        Settings()
    monkeypatch.delenv("ASCGOV_TRUSTED_PROXIES")
    assert Settings().trusted_proxy_networks == ()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _admin(store: Store):
    if principal_for(store, "admin@council.example") is None:
        admin = User(email="admin@council.example", name="Admin", role="admin")
        add_user(store, admin, actor=_system())
    return principal_for(store, "admin@council.example")


def _events(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.audit_events).order_by(schema.audit_events.c.id))
        return [dict(r._mapping) for r in rows]


def _sign_in_events(store: Store) -> list[dict]:
    return [e for e in _events(store) if e["action"].startswith("sign-in")]


def _source(store: Store, address: str) -> tuple[int, datetime | None]:
    table = schema.sign_in_sources
    with store.engine.connect() as conn:
        row = conn.execute(
            select(table.c.failures, table.c.blocked_until).where(table.c.source == address)
        ).one()
    until = row.blocked_until
    return row.failures, until if until is None or until.tzinfo else until.replace(tzinfo=UTC)


def _store_size(store: Store) -> tuple[int, int]:
    """Every value of every row, added up in characters; and the size on disk (the SQLite
    file after a checkpoint, or the PostgreSQL database's relations)."""
    total = 0
    with store.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                total += sum(len(str(value)) for value in row if value is not None)
        if store.dialect != "sqlite":
            disk = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    if store.dialect == "sqlite":
        # outside any transaction (the store's reads begin one), so that it can truncate
        raw = store.engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        disk = store.sqlite_path.stat().st_size
    return total, disk


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


def test_a_local_account_signs_in_through_the_form(app_store, monkeypatch):
    browser = Browser(monkeypatch)
    admin = principal_for(app_store, "admin@demo.example")
    set_password(app_store, "member@demo.example", "member's long passphrase", actor=admin)
    at = _run(_app())
    at.text_input[0].input("member@demo.example")
    at.text_input[1].input("not the passphrase")
    at = _run(next(b for b in at.button if b.label == "Sign in").click())
    assert [e.value for e in at.error] == [NO_MATCH]
    _sign_in_form(at)
    assert browser.sent_to == []

    at.text_input[0].input("Member@Demo.example")
    at.text_input[1].input("member's long passphrase")
    at = _run(next(b for b in at.button if b.label == "Sign in").click())
    assert [i.value for i in at.info] == ["Signed in: opening the dashboard."]
    # the browser collects its session's cookie and comes back to the page it asked for
    assert browser.sent_to == ["/_sign-in/finish?next=%2F"]
    assert browser.follow() == "/"
    at = _run(_app())
    assert [t.value for t in at.title] == [OVERVIEW]
    assert at.metric, "a signed-in member reads the figures"
    assert "Cllr Demo Member" in at.sidebar.markdown[0].value


def test_a_browser_that_keeps_no_cookie_is_told_before_any_attempt_counts(app_store, monkeypatch):
    monkeypatch.setattr(ui_session, "browser_cookies", lambda: {})
    at = _through_the_form(_run(_app()), "member@demo.example", "whatever it is")
    assert [e.value for e in at.error] == [
        "This browser did not keep the dashboard's cookie, which is what keeps you signed in. "
        "Allow cookies for this site, then reload the page."
    ]
    assert _sign_in_events(app_store) == []


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


def _through_the_form(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input[0].input(email)
    at.text_input[1].input(password)
    return _run(next(b for b in at.button if b.label == "Sign in").click())


def test_the_form_makes_an_attacker_wait_while_the_member_signs_in_elsewhere(
    app_store, monkeypatch
):
    """AppTest cannot set ``st.context.ip_address``: the form reads the address through
    ``session.client_address``, which the test replaces, as it replaces ``session.now``."""
    browser = Browser(monkeypatch)
    admin = principal_for(app_store, "admin@demo.example")
    set_password(app_store, "member@demo.example", "member's long passphrase", actor=admin)
    start = datetime.now(UTC)
    monkeypatch.setattr(ui_session, "now", lambda: start)
    monkeypatch.setattr(ui_session, "client_address", lambda: ATTACKER)
    at = _run(_app())
    for n in range(5):
        at = _through_the_form(at, "member@demo.example", f"guess number {n}")
        assert [e.value for e in at.error] == [NO_MATCH]
    at = _through_the_form(at, "member@demo.example", "member's long passphrase")
    assert [e.value for e in at.error] == [wait(1)]
    _sign_in_form(at)
    monkeypatch.setattr(ui_session, "now", lambda: start + timedelta(minutes=2))
    at = _through_the_form(at, "member@demo.example", "member's long passphrase")
    assert [e.value for e in at.error] == [LOCKED]
    _sign_in_form(at)
    # the member, from another address, is let in during the attack
    monkeypatch.setattr(ui_session, "client_address", lambda: OFFICE)
    at = _through_the_form(_run(_app()), "member@demo.example", "member's long passphrase")
    assert [i.value for i in at.info] == ["Signed in: opening the dashboard."]
    browser.follow()
    assert [t.value for t in _run(_app()).title] == [OVERVIEW]


def test_the_form_refuses_a_huge_email_with_the_usual_message(app_store, monkeypatch):
    Browser(monkeypatch)
    at = _through_the_form(_run(_app()), "a" * 100_000 + "@x.example", "whatever it is")
    assert [e.value for e in at.error] == [NO_MATCH]
    _sign_in_form(at)


def test_an_administrator_unlocks_an_account_on_the_administration_page(app_store):
    moment = datetime.now(UTC)
    for n in range(5):
        _refused(app_store, "member@demo.example", f"guess {n}", moment, ATTACKER)
    at = signed_in_as(
        AppTest.from_file(str(REPO / "pages/administration.py"), default_timeout=60), "admin"
    )
    at = _run(at)
    shown = pl.from_pandas(at.dataframe[1].value)  # after the users table
    assert shown.select("what", "key", "failures").rows() == [
        ("account", "member@demo.example", 5),
        ("address", ATTACKER, 5),
    ]
    box = at.selectbox(key="unlock-key")
    assert box.options == ["account member@demo.example", f"address {ATTACKER}"]
    box.select("account member@demo.example")
    at = _run(at.button(key="FormSubmitter:unlock-Unlock").click())
    assert "Unlocked member@demo.example." in page_text(at)
    assert _attempts(app_store, "member@demo.example") == (0, None)
    assert at.selectbox(key="unlock-key").options == [f"address {ATTACKER}"]


def test_ascgov_users_lockouts_and_unlock(jo):
    from typer.testing import CliRunner

    from dashboard.cli.main import app

    for n in range(5):
        _refused(jo, EMAIL, f"guess {n}", T0 + timedelta(seconds=n), ATTACKER)
    admin = _admin(jo).email

    def ascgov(*args: str):
        return CliRunner().invoke(app, [*args, "--db", jo.url], env={"ASCGOV_AS": admin})

    listed = ascgov("users", "lockouts")
    assert (listed.exit_code, listed.stdout.splitlines()) == (
        0,
        [
            f"account\t{EMAIL}\t5 failed\tlocked until 2030-01-07 09:15:04Z",
            f"address\t{ATTACKER}\t5 failed\twaits until 2030-01-07 09:01:04Z",
        ],
    )
    assert ascgov("users", "unlock", EMAIL).stdout == f"unlocked {EMAIL}\n"
    cleared = ascgov("users", "unlock", "--source", ATTACKER)
    assert cleared.stdout == f"cleared the address {ATTACKER}\n"
    assert ascgov("users", "lockouts").stdout == "nobody is locked out\n"
    again = ascgov("users", "unlock", EMAIL)
    assert (again.exit_code, again.stderr) == (
        1,
        f"No failed sign-ins are recorded for {EMAIL}.\n",
    )
    neither = ascgov("users", "unlock")
    assert (neither.exit_code, neither.stderr) == (
        2,
        "name an account (EMAIL) or an address (--source ADDRESS) to unlock\n",
    )
