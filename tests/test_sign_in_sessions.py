"""Local sign-ins that last (data_access/sign_in_sessions.py), on SQLite and PostgreSQL: a
session is handed to the browser that signed in, once; it lasts while used within the idle
limit, up to the absolute limit; signing out, disabling the user or setting their password
ends it; the store holds only hashes."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from data_access import schema
from data_access.access import principal_for, system_principal
from data_access.models import User
from data_access.sign_in_sessions import (
    Checked,
    Ended,
    Limits,
    begin,
    check,
    end,
    hand_over,
)
from data_access.store import Store
from data_access.users import add_user, disable_user, enable_user, set_password, user_record

EMAIL = "jo.officer@council.example"
BROWSER = "the browser cookie of Jo's laptop"
T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
LIMITS = Limits(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


@pytest.fixture
def jo(store) -> Store:
    system = system_principal("tests")
    add_user(store, User(email=EMAIL, name="Jo Officer", role="officer"), actor=system)
    add_user(store, User(email="admin@council.example", name="A", role="admin"), actor=system)
    return store


def _signed_in(store: Store, at: datetime = T0, browser: str = BROWSER) -> str:
    begin(store, EMAIL, browser=browser, now=at, limits=LIMITS)
    token = hand_over(store, browser, now=at + timedelta(seconds=1))
    assert token is not None
    return token


def _rows(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        found = conn.execute(select(schema.sign_in_sessions).order_by(schema.sign_in_sessions.c.id))
        return [dict(r._mapping) for r in found]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_the_browser_that_signed_in_collects_its_token_once_and_the_store_keeps_its_hash(jo):
    begin(jo, EMAIL, browser=BROWSER, now=T0, limits=LIMITS)
    assert hand_over(jo, "another browser's cookie", now=T0) is None
    token = hand_over(jo, BROWSER, now=T0 + timedelta(seconds=2))
    assert token is not None and len(token) >= 43  # 256 random bits, URL-safe
    assert hand_over(jo, BROWSER, now=T0 + timedelta(seconds=3)) is None  # once only
    assert check(jo, token, now=T0 + timedelta(seconds=4), limits=LIMITS) == Checked(EMAIL)

    (row,) = _rows(jo)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert row["browser_hash"] == hashlib.sha256(BROWSER.encode()).hexdigest()
    assert _utc(row["expires_at"]) == T0 + timedelta(hours=12)
    assert _utc(row["handed_over_at"]) == T0 + timedelta(seconds=2)
    # neither the token nor the browser cookie is anywhere in the store
    with jo.engine.connect() as conn:
        everything = json.dumps(
            [[list(r) for r in conn.execute(select(t))] for t in schema.metadata.sorted_tables],
            default=str,
        )
    assert token not in everything and BROWSER not in everything


def test_a_sign_in_not_collected_within_a_minute_lapses(jo):
    begin(jo, EMAIL, browser=BROWSER, now=T0, limits=LIMITS)
    assert hand_over(jo, BROWSER, now=T0 + timedelta(seconds=61)) is None
    assert _rows(jo)[0]["token_hash"] is None


def test_a_session_lasts_while_used_within_the_idle_limit(jo):
    token = _signed_in(jo)
    moment = T0
    for _ in range(4):  # used every 29 minutes: still signed in
        moment += timedelta(minutes=29)
        assert check(jo, token, now=moment, limits=LIMITS) == Checked(EMAIL)
    assert _utc(_rows(jo)[0]["last_seen_at"]) == moment
    assert check(jo, token, now=moment + timedelta(minutes=30), limits=LIMITS) == Checked(EMAIL)
    later = moment + timedelta(minutes=30) + timedelta(minutes=30, seconds=1)
    assert check(jo, token, now=later, limits=LIMITS) == Checked(None, Ended.IDLE)


def test_a_use_is_written_at_most_once_a_minute(jo):
    token = _signed_in(jo)
    check(jo, token, now=T0 + timedelta(seconds=59), limits=LIMITS)
    assert _utc(_rows(jo)[0]["last_seen_at"]) == T0
    check(jo, token, now=T0 + timedelta(seconds=60), limits=LIMITS)
    assert _utc(_rows(jo)[0]["last_seen_at"]) == T0 + timedelta(seconds=60)
    # the idle limit counts from the last use written: it holds to the minute
    written = T0 + timedelta(seconds=60)
    check(jo, token, now=written + timedelta(seconds=30), limits=LIMITS)
    edge = written + timedelta(minutes=30)
    assert check(jo, token, now=edge, limits=LIMITS) == Checked(EMAIL)


def test_a_busy_session_still_ends_at_the_absolute_limit(jo):
    token = _signed_in(jo)
    moment = T0
    while moment + timedelta(minutes=29) < T0 + timedelta(hours=12):
        moment += timedelta(minutes=29)
        assert check(jo, token, now=moment, limits=LIMITS) == Checked(EMAIL), moment - T0
    almost = T0 + timedelta(hours=12) - timedelta(seconds=1)
    assert check(jo, token, now=almost, limits=LIMITS) == Checked(EMAIL)
    at_limit = T0 + timedelta(hours=12)
    assert check(jo, token, now=at_limit, limits=LIMITS) == Checked(None, Ended.LIMIT)


def test_a_shorter_absolute_limit_set_later_applies_to_sessions_already_open(jo):
    token = _signed_in(jo)
    shorter = Limits(idle=timedelta(hours=2), absolute=timedelta(hours=1))
    assert check(jo, token, now=T0 + timedelta(minutes=59), limits=shorter) == Checked(EMAIL)
    late = T0 + timedelta(hours=1)
    assert check(jo, token, now=late, limits=shorter) == Checked(None, Ended.LIMIT)


def test_signing_out_ends_the_session_wherever_it_is_held_and_is_audited(jo):
    token = _signed_in(jo)
    other = _signed_in(jo, browser="Jo's tablet")
    assert end(jo, token, now=T0 + timedelta(minutes=5)) is True
    assert end(jo, token, now=T0 + timedelta(minutes=6)) is False
    assert check(jo, token, now=T0 + timedelta(minutes=7), limits=LIMITS) == Checked(
        None, Ended.REVOKED
    )
    # another sign-in (the tablet) is its own session and goes on
    assert check(jo, other, now=T0 + timedelta(minutes=7), limits=LIMITS) == Checked(EMAIL)
    first = _rows(jo)[0]
    assert (first["revoked_because"], _utc(first["revoked_at"])) == (
        "signed out",
        T0 + timedelta(minutes=5),
    )
    with jo.engine.connect() as conn:
        events = conn.execute(
            select(schema.audit_events).where(schema.audit_events.c.action == "sign-out")
        ).all()
    assert [(e.actor, e.entity_key, e.after) for e in events] == [
        (EMAIL, EMAIL, {"session": first["id"]})
    ]


def test_disabling_a_user_ends_all_their_sessions_and_enabling_does_not_revive_them(jo):
    laptop, tablet = _signed_in(jo), _signed_in(jo, browser="Jo's tablet")
    admin = principal_for(jo, "admin@council.example")
    version = disable_user(jo, EMAIL, version=user_record(jo, EMAIL).version, actor=admin)
    later = T0 + timedelta(minutes=1)
    for token in (laptop, tablet):
        assert check(jo, token, now=later, limits=LIMITS) == Checked(None, Ended.REVOKED)
    assert {r["revoked_because"] for r in _rows(jo)} == {"user disabled"}
    enable_user(jo, EMAIL, version=version, actor=admin)
    assert check(jo, laptop, now=later, limits=LIMITS) == Checked(None, Ended.REVOKED)


def test_a_disabled_user_signs_in_nowhere_even_if_a_session_was_left_open(jo):
    token = _signed_in(jo)
    with jo.engine.begin() as conn:  # disabled without ending the sessions (an older release)
        conn.execute(
            update(schema.users).where(schema.users.c.email == EMAIL).values(disabled_at=T0)
        )
    later = T0 + timedelta(minutes=1)
    assert check(jo, token, now=later, limits=LIMITS) == Checked(None, Ended.DISABLED)


def test_setting_a_users_password_ends_their_sessions(jo):
    token = _signed_in(jo)
    admin = principal_for(jo, "admin@council.example")
    set_password(jo, EMAIL, "a brand new long passphrase", actor=admin)
    later = T0 + timedelta(minutes=1)
    assert check(jo, token, now=later, limits=LIMITS) == Checked(None, Ended.REVOKED)
    assert _rows(jo)[0]["revoked_because"] == "password set"


def test_a_token_the_store_never_issued_signs_nobody_in(jo):
    _signed_in(jo)
    assert check(jo, "made-up", now=T0, limits=LIMITS) == Checked(None, Ended.UNKNOWN)
    assert end(jo, "made-up", now=T0) is False


def test_writing_a_session_moves_no_dataset_version_but_signing_out_moves_the_trails(jo):
    before = jo.dataset_versions()
    token = _signed_in(jo)
    check(jo, token, now=T0 + timedelta(minutes=2), limits=LIMITS)
    # a use is no edit: cached figures stay cached for everyone
    assert jo.dataset_versions() == before
    end(jo, token, now=T0 + timedelta(minutes=3))
    moved = {k for k, v in jo.dataset_versions().items() if v != before[k]}
    assert moved == {"audit_events", "sign_in_attempts"}
