"""Local sign-ins that last across reloads, tabs and opened links: one session in the store per
sign-in, which the browser holds by a random token in a cookie (dashboard/ui/browser_session.py).

The store keeps only the SHA-256 of each token, so a copy of the store signs nobody in. A
session

- begins when the password is right (``begin``) and waits for the browser that signed in,
  known by the hash of that browser's own random cookie; that browser collects a fresh token
  once, within a minute (``hand_over``). Nothing secret ever travels in an address;
- lasts while it is used at least every ``Limits.idle`` and at most ``Limits.absolute`` from
  the sign-in (``check``, on every page run; its last use is written at most once a minute,
  so the idle limit holds to the minute and a busy page does not write on every click);
- ends when the person signs out (``end``), and all of a user's sessions end when an
  administrator disables them or sets their password (``end_all``). Ending is an UPDATE: the
  app's database role has no DELETE.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, insert, select, update

from data_access import schema
from data_access.settings import Settings, get_settings
from data_access.store import Store

log = logging.getLogger("ascgov.sign_in")

# the browser that signed in is sent straight on to collect its token: a minute is ample, and
# a sign-in never collected (the page closed at that moment) lapses on its own
HAND_OVER_WITHIN = timedelta(minutes=1)
# a session's last use is written when it is older than this: the idle limit holds to the minute
TOUCH_AFTER = timedelta(minutes=1)
_TOKEN_BYTES = 32  # 256 random bits
_TABLE = schema.sign_in_sessions
# the dataset sign-in events are audited under (data_access/users.py)
_AUDITED_AS = "sign_in_attempts"


class Ended(StrEnum):
    """Why a browser's session no longer signs anyone in."""

    UNKNOWN = "unknown"  # no session holds this token
    REVOKED = "revoked"  # signed out, or ended by an administrator
    DISABLED = "disabled"  # the user is disabled
    IDLE = "idle"  # not used for longer than the idle limit
    LIMIT = "limit"  # past the absolute limit from the sign-in


class Revoked(StrEnum):
    """Why a session was ended before its limits (``revoked_because``)."""

    SIGNED_OUT = "signed out"
    DISABLED = "user disabled"
    PASSWORD_SET = "password set"


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        """``ASCGOV_IDLE_TIMEOUT_MINUTES`` and ``ASCGOV_SESSION_LIMIT_HOURS``."""
        settings = settings or get_settings()
        return cls(
            idle=timedelta(minutes=settings.idle_timeout_minutes),
            absolute=timedelta(hours=settings.session_limit_hours),
        )


@dataclass(frozen=True)
class Checked:
    """A token checked: the email it signs in, or why it signs nobody in."""

    email: str | None
    ended: Ended | None = None


def new_secret() -> str:
    """A random value for a token or a browser cookie (URL- and cookie-safe text)."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


def digest(value: str) -> str:
    """What the store keeps of a token or a browser cookie: its SHA-256, in hex. The values
    are 256 random bits, so a plain hash cannot be reversed by guessing."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def begin(store: Store, email: str, *, browser: str, now: datetime, limits: Limits) -> None:
    """A new session for the user with ``email`` (who has just given the right password),
    waiting for the browser whose cookie is ``browser`` to collect its token."""
    with store.write(email, at=now) as tx:
        user_id = tx.conn.execute(
            select(schema.users.c.id).where(schema.users.c.email == email)
        ).scalar_one()
        tx.conn.execute(
            insert(_TABLE),
            {
                "user_id": user_id,
                "browser_hash": digest(browser),
                "created_at": tx.now,
                "last_seen_at": tx.now,
                "expires_at": tx.now + limits.absolute,
            },
        )


def hand_over(store: Store, browser: str, *, now: datetime) -> str | None:
    """The token of the session this browser (by its cookie ``browser``) has just begun, once
    and within ``HAND_OVER_WITHIN``; None when there is none to collect."""
    with store.write("sign-in", at=now) as tx:
        waiting = tx.conn.execute(
            select(_TABLE.c.id, _TABLE.c.created_at)
            .where(
                _TABLE.c.browser_hash == digest(browser),
                _TABLE.c.token_hash.is_(None),
                _TABLE.c.revoked_at.is_(None),
            )
            .order_by(_TABLE.c.id.desc())
            .limit(1)
        ).first()
        if waiting is None or tx.now - _utc(waiting.created_at) > HAND_OVER_WITHIN:
            return None
        token = new_secret()
        # the condition makes the collection single-use even if two requests race
        collected = tx.conn.execute(
            update(_TABLE)
            .where(_TABLE.c.id == waiting.id, _TABLE.c.token_hash.is_(None))
            .values(token_hash=digest(token), handed_over_at=tx.now)
        )
        return token if collected.rowcount == 1 else None


def check(store: Store, token: str, *, now: datetime, limits: Limits) -> Checked:
    """Who ``token`` signs in now, or why nobody; a use counts as activity."""
    users = schema.users
    with store.engine.connect() as conn:
        row = conn.execute(
            select(
                _TABLE.c.id,
                _TABLE.c.created_at,
                _TABLE.c.last_seen_at,
                _TABLE.c.expires_at,
                _TABLE.c.revoked_at,
                users.c.email,
                users.c.disabled_at,
            )
            .join(users, users.c.id == _TABLE.c.user_id)
            .where(_TABLE.c.token_hash == digest(token))
        ).first()
    if row is None:
        return Checked(None, Ended.UNKNOWN)
    ended = _ended(row, now, limits)
    if ended is not None:
        return Checked(None, ended)
    if now - _utc(row.last_seen_at) >= TOUCH_AFTER:
        with store.write(row.email) as tx:  # no audit event: no dataset version moves
            tx.conn.execute(update(_TABLE).where(_TABLE.c.id == row.id).values(last_seen_at=now))
    return Checked(row.email)


def _ended(row, now: datetime, limits: Limits) -> Ended | None:
    if row.revoked_at is not None:
        return Ended.REVOKED
    if row.disabled_at is not None:
        return Ended.DISABLED
    started = _utc(row.created_at)
    # the limit in force now, or the one the session began under if that was shorter
    if now >= min(_utc(row.expires_at), started + limits.absolute):
        return Ended.LIMIT
    if now - _utc(row.last_seen_at) > limits.idle:
        return Ended.IDLE
    return None


def end(store: Store, token: str, *, now: datetime) -> bool:
    """Sign out: the session holding ``token`` ends in every tab and window that holds it,
    audited. False when it had already ended or never was."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(_TABLE.c.id, schema.users.c.email)
            .join(schema.users, schema.users.c.id == _TABLE.c.user_id)
            .where(_TABLE.c.token_hash == digest(token), _TABLE.c.revoked_at.is_(None))
        ).first()
    if row is None:
        return False
    with store.write(row.email, at=now) as tx:
        ended = tx.conn.execute(
            update(_TABLE)
            .where(_TABLE.c.id == row.id, _TABLE.c.revoked_at.is_(None))
            .values(revoked_at=tx.now, revoked_because=Revoked.SIGNED_OUT.value)
        )
        if ended.rowcount == 0:
            return False  # signed out a moment ago, from another tab
        tx.audit("sign-out", _AUDITED_AS, row.email, None, {"session": row.id})
    log.info("signed out: %s", row.email)
    return True


def end_all(conn: Connection, user_id: int, *, now: datetime, because: Revoked) -> int:
    """End every open session of a user, inside the caller's write (disabling a user, setting
    their password); the number ended."""
    ended = conn.execute(
        update(_TABLE)
        .where(_TABLE.c.user_id == user_id, _TABLE.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_because=because.value)
    )
    return ended.rowcount


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store holds UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
