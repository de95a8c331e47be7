"""Users, their roles and what each officer may edit; local passwords; every change audited."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import polars as pl
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data_access import schema, sign_in_sessions, throttle
from data_access.access import (
    ASSIGNMENT_FIELDS,
    DISABLED_ACCOUNT,
    Permission,
    Principal,
    assignment_of,
    assignment_text,
    authorise,
    principal_for,
    scopes_of,
)
from data_access.loaders import load_table
from data_access.models import User
from data_access.passwords import MAX_LENGTH, password_problem
from data_access.store import StaleVersionError, Store
from data_access.vocab import Role

log = logging.getLogger("ascgov.sign_in")


class UserExistsError(Exception):
    pass


class UnknownAreaError(Exception):
    pass


class UnknownUserError(Exception):
    pass


class WeakPasswordError(Exception):
    pass


class LastAdministratorError(Exception):
    """The change would leave the store with no administrator able to sign in."""


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _scope_rows(user_id: int, user: User) -> list[dict]:
    return [
        {"user_id": user_id, "kind": kind.value, "value": value} for kind, value in scopes_of(user)
    ]


def has_admin(store: Store) -> bool:
    with store.engine.connect() as conn:
        found = conn.execute(
            select(schema.users.c.id).where(schema.users.c.role == Role.ADMIN.value).limit(1)
        ).first()
    return found is not None


def add_user(store: Store, user: User, *, actor: Principal, password: str | None = None) -> None:
    """Add a user (administrators only) with their role, assignments and optional password."""
    authorise(store, actor, Permission.MANAGE_USERS, target=user.email)
    password_hash = None
    if password is not None:
        _check_strength(password)
        password_hash = _hasher().hash(password)
    with store.write(actor.email) as tx:
        existing = tx.conn.execute(
            select(schema.users.c.id).where(schema.users.c.email == user.email)
        ).first()
        if existing is not None:
            raise UserExistsError(f"a user with email {user.email} already exists")
        row = {
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "password_hash": password_hash,
            "created_at": tx.now,
            "version": 1,
        }
        user_id = tx.conn.execute(
            insert(schema.users).returning(schema.users.c.id), row
        ).scalar_one()
        _check_areas(tx.conn, user.areas)
        scopes = _scope_rows(user_id, user)
        if scopes:
            tx.conn.execute(insert(schema.user_scopes), scopes)
        # the hash never goes into the audit trail
        shown = {k: v for k, v in row.items() if k != "password_hash"}
        tx.audit(
            "user:add",
            "users",
            user.email,
            None,
            {
                **shown,
                "id": user_id,
                "has_password": password_hash is not None,
                "scopes": [(s["kind"], s["value"]) for s in scopes],
            },
        )
        tx.touched.add("user_scopes")


def _check_areas(conn: Connection, areas) -> None:
    known = {r[0] for r in conn.execute(select(schema.areas.c.code))}
    unknown = sorted(set(areas) - known)
    if unknown:
        raise UnknownAreaError(f"no such area code: {', '.join(unknown)}")


# --- administrators: a user's role, assignment, and whether they may sign in -------------------
@dataclass(frozen=True)
class UserRecord:
    """One user as an administrator edits them: ``version`` is what a change must match."""

    id: int
    email: str
    name: str
    role: Role
    assignment: dict[str, tuple[str, ...]]  # ASSIGNMENT_FIELDS' names: areas, workstreams, ...
    disabled_at: datetime | None
    version: int


def _record(conn: Connection, email: str, *, lock: bool = False) -> UserRecord:
    users, scopes = schema.users, schema.user_scopes
    query = select(users).where(users.c.email == email)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise UnknownUserError(f"no user with email {email}")
    held = conn.execute(
        select(scopes.c.kind, scopes.c.value).where(
            scopes.c.user_id == row.id, scopes.c.removed_at.is_(None)
        )
    ).all()
    return UserRecord(
        row.id,
        row.email,
        row.name,
        Role(row.role),
        assignment_of(held),
        _maybe_utc(row.disabled_at),
        int(row.version),
    )


def user_record(store: Store, email: str) -> UserRecord:
    """The user with this email (``UnknownUserError`` if none)."""
    with store.engine.connect() as conn:
        return _record(conn, email.strip().lower())


def _change(store: Store, email: str, version: int, actor: Principal, change) -> int:
    """Run ``change(tx, record)`` on the user, if still at ``version``; returns the new version."""
    email = email.strip().lower()
    authorise(store, actor, Permission.MANAGE_USERS, target=email)
    with store.write(actor.email) as tx:
        record = _record(tx.conn, email, lock=True)
        if record.version != version:
            current = {"email": email, "version": record.version}
            raise StaleVersionError("users", email, version, current)
        if not change(tx, record):
            return record.version  # nothing to change: no new version, no audit event
        tx.conn.execute(
            update(schema.users)
            .where(schema.users.c.id == record.id)
            .values(version=schema.users.c.version + 1)
        )
        return record.version + 1


def _keeps_an_administrator(conn: Connection, record: UserRecord) -> None:
    users = schema.users
    others = conn.execute(
        select(users.c.id).where(
            users.c.role == Role.ADMIN.value,
            users.c.disabled_at.is_(None),
            users.c.id != record.id,
        )
    ).first()
    if record.role is Role.ADMIN and record.disabled_at is None and others is None:
        raise LastAdministratorError(
            f"{record.email} is the only administrator who can sign in: "
            "make someone else an administrator first"
        )


def set_role(store: Store, email: str, role: str | Role, *, version: int, actor: Principal) -> int:
    """Change a user's role (administrators only), audited; ``version`` is the user's as seen.
    The last administrator able to sign in keeps the role."""
    new = User.model_validate({"email": email.strip().lower(), "name": "-", "role": role}).role

    def change(tx, record: UserRecord) -> bool:
        if record.role is new:
            return False
        _keeps_an_administrator(tx.conn, record)
        tx.conn.execute(
            update(schema.users).where(schema.users.c.id == record.id).values(role=new.value)
        )
        tx.audit(
            "user:role", "users", record.email, {"role": record.role.value}, {"role": new.value}
        )
        return True

    return _change(store, email, version, actor, change)


def set_assignment(store: Store, email: str, assignment, *, version: int, actor: Principal) -> int:
    """Replace what an officer may edit (administrators only), audited. ``assignment`` maps
    ``ASSIGNMENT_FIELDS``' names (areas, workstreams, teams, actions) to values; a name left
    out is emptied. Rows taken away are marked removed, never deleted."""
    given = {name: tuple(assignment.get(name, ())) for name in ASSIGNMENT_FIELDS.values()}
    unknown = sorted(set(assignment) - set(given))
    if unknown:
        raise ValueError(f"not a kind of assignment: {', '.join(unknown)}")
    wanted = User.model_validate(
        {"email": email.strip().lower(), "name": "-", "role": "officer", **given}
    )

    def change(tx, record: UserRecord) -> bool:
        before = set(scopes_of(_as_user(record)))
        after = set(scopes_of(wanted))
        if before == after:
            return False
        _check_areas(tx.conn, wanted.areas)
        _save_scopes(tx, record.id, before, after)
        tx.audit(
            "user:assignment",
            "users",
            record.email,
            {"scopes": assignment_text(before).split(",") if before else []},
            {"scopes": assignment_text(after).split(",") if after else []},
        )
        tx.touched.add("user_scopes")
        return True

    return _change(store, email, version, actor, change)


def _as_user(record: UserRecord) -> User:
    return User.model_construct(
        email=record.email, name=record.name, role=record.role, **record.assignment
    )


def _save_scopes(tx, user_id: int, before: set, after: set) -> None:
    table = schema.user_scopes
    for kind, value in before - after:
        tx.conn.execute(
            update(table)
            .where(table.c.user_id == user_id, table.c.kind == kind.value, table.c.value == value)
            .values(removed_at=tx.now)
        )
    for kind, value in after - before:
        # given back: the row taken away earlier is reused (UPDATE), otherwise a new one
        found = tx.conn.execute(
            update(table)
            .where(table.c.user_id == user_id, table.c.kind == kind.value, table.c.value == value)
            .values(removed_at=None)
        )
        if found.rowcount == 0:
            tx.conn.execute(insert(table), {"user_id": user_id, "kind": kind.value, "value": value})


def disable_user(store: Store, email: str, *, version: int, actor: Principal) -> int:
    """Disable a user (administrators only), audited: sign-in is refused and they may do
    nothing, while everything they did stays in the history under their name."""

    def change(tx, record: UserRecord) -> bool:
        if record.disabled_at is not None:
            return False
        _keeps_an_administrator(tx.conn, record)
        tx.conn.execute(
            update(schema.users).where(schema.users.c.id == record.id).values(disabled_at=tx.now)
        )
        # signed in elsewhere, they are signed out there too
        ended = sign_in_sessions.end_all(
            tx.conn, record.id, now=tx.now, because=sign_in_sessions.Revoked.DISABLED
        )
        after = {"disabled": True, "sessions_ended": ended}
        tx.audit("user:disable", "users", record.email, {"disabled": False}, after)
        return True

    return _change(store, email, version, actor, change)


def enable_user(store: Store, email: str, *, version: int, actor: Principal) -> int:
    """Let a disabled user sign in again (administrators only), audited."""

    def change(tx, record: UserRecord) -> bool:
        if record.disabled_at is None:
            return False
        tx.conn.execute(
            update(schema.users).where(schema.users.c.id == record.id).values(disabled_at=None)
        )
        tx.audit("user:enable", "users", record.email, {"disabled": True}, {"disabled": False})
        return True

    return _change(store, email, version, actor, change)


def _check_strength(password: str) -> None:
    # before any hashing: argon2 of a very long password is costly
    problem = password_problem(password)
    if problem is not None:
        raise WeakPasswordError(problem)


def set_password(store: Store, email: str, password: str, *, actor: Principal) -> None:
    """Set a local password (administrators only); the person's failed attempts are cleared
    and their sign-ins end (a reset is what follows a password someone else may know)."""
    email = email.strip().lower()
    authorise(store, actor, Permission.MANAGE_USERS, target=email)
    _check_strength(password)
    hashed = _hasher().hash(password)
    with store.write(actor.email) as tx:
        found = tx.conn.execute(
            update(schema.users)
            .where(schema.users.c.email == email)
            .values(password_hash=hashed, version=schema.users.c.version + 1)
        )
        if found.rowcount == 0:
            raise UnknownUserError(f"no user with email {email}")
        user_id = tx.conn.execute(
            select(schema.users.c.id).where(schema.users.c.email == email)
        ).scalar_one()
        ended = sign_in_sessions.end_all(
            tx.conn, user_id, now=tx.now, because=sign_in_sessions.Revoked.PASSWORD_SET
        )
        # cleared by UPDATE: the app's database role has no DELETE (docs/deployment.md)
        tx.conn.execute(
            update(schema.sign_in_attempts)
            .where(schema.sign_in_attempts.c.email == email)
            .values(failures=0, locked_until=None)
        )
        after = {"has_password": True, "sessions_ended": ended}
        tx.audit("user:set-password", "users", email, None, after)


class SignInRefused(Exception):
    """Wrong email or password, or too many failures: the message never says which."""


class NothingToUnlockError(Exception):
    pass


NO_MATCH = "That email and password do not match an account."
DISABLED = DISABLED_ACCOUNT
LOCKED = (
    "Too many failed attempts: this account is locked for a few minutes. "
    "Try again later or ask an administrator."
)


def _wait(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts from your address: please wait "
        f"{minutes} {unit} before trying again, or ask an administrator."
    )


# what the sign-in form accepts as an email is what a user's email may be (models.User)
_EMAIL_FIELD = User.model_fields["email"]
_EMAIL = TypeAdapter(Annotated[_EMAIL_FIELD.annotation, _EMAIL_FIELD])
# longer than any address with spaces round it: refused before even being normalised
_LONGEST_TYPED_EMAIL = 1000


@dataclass(frozen=True)
class _Attempt:
    """One sign-in attempt, reduced to what may be stored: all of it bounded."""

    email: str | None  # None: not an email, so kept under no account
    label: str  # the email, or a fixed-length stand-in for the audit trail and the log
    source: str  # data_access.throttle.source_key
    now: datetime


def _attempt(email: str, source: str | None, now: datetime | None) -> _Attempt:
    valid = None
    if len(email) <= _LONGEST_TYPED_EMAIL:
        try:
            valid = _EMAIL.validate_python(email)
        except ValidationError:
            valid = None
    digest = hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()[:16]
    label = valid or f"not-an-email:{digest}"
    return _Attempt(valid, label, throttle.source_key(source), now or datetime.now(UTC))


@dataclass(frozen=True)
class _Counted:
    """A table of failure counts: per account or per source."""

    table: Table
    key: str
    until: str
    dataset: str


_ACCOUNTS = _Counted(schema.sign_in_attempts, "email", "locked_until", "sign_in_attempts")
_SOURCES = _Counted(schema.sign_in_sources, "source", "blocked_until", "sign_in_sources")


def check_password(
    store: Store,
    email: str,
    password: str,
    *,
    source: str | None = None,
    now: datetime | None = None,
) -> Principal:
    """The person these credentials belong to, or ``SignInRefused``.

    Throttled by source (the address the attempt came from) and by account, as
    ``data_access.throttle`` says: a source that keeps failing waits longer and longer, and
    an account that has failed five times is locked against the sources that failed, while
    the right password from anywhere else still signs in. Failures are counted per email
    whether or not it exists, so the answer does not tell which emails exist. Refusals
    during a wait or a lock are logged but write nothing; every checked attempt is audited.
    A password longer than ``passwords.MAX_LENGTH`` fails without being hashed.
    """
    attempt = _attempt(email, source, now)
    held = _held(store, attempt)
    refusal = _refusal(held, attempt)
    if refusal is not None:
        raise SignInRefused(refusal)
    ok = attempt.email is not None and len(password) <= MAX_LENGTH
    ok = ok and _verify(held.password_hash, password)
    if not ok:
        _record_failure(store, attempt)
        raise SignInRefused(NO_MATCH)
    principal = principal_for(store, attempt.email)
    assert principal is not None  # the row was there a moment ago
    if principal.disabled:
        # only after the right password: a guess does not learn that the account is disabled
        with store.write(attempt.email, at=attempt.now) as tx:
            tx.audit("sign-in:disabled", _ACCOUNTS.dataset, attempt.email, None, None)
        log.info("sign-in refused: %s is disabled", attempt.email)
        raise SignInRefused(DISABLED)
    _record_success(store, attempt)
    return principal


@dataclass(frozen=True)
class _Held:
    password_hash: str | None
    account: throttle.Counter
    source: throttle.Counter


def _held(store: Store, attempt: _Attempt) -> _Held:
    with store.engine.connect() as conn:
        source = _counter(conn, _SOURCES, attempt.source)
        if attempt.email is None:
            return _Held(None, throttle.Counter(), source)
        account = _counter(conn, _ACCOUNTS, attempt.email)
        password_hash = conn.execute(
            select(schema.users.c.password_hash).where(schema.users.c.email == attempt.email)
        ).scalar()
    return _Held(password_hash, account, source)


def _refusal(held: _Held, attempt: _Attempt) -> str | None:
    """Why this attempt is refused without checking the password, or None."""
    now = attempt.now
    if held.source.holds(now):
        log.info(
            "sign-in refused: address %s is waiting (attempt for %s)", attempt.source, attempt.label
        )
        return _wait(throttle.minutes_left(held.source.until, now))
    if held.account.holds(now) and throttle.source_count(held.source, now) > 0:
        log.info("sign-in refused: %s is locked against address %s", attempt.label, attempt.source)
        return LOCKED
    return None


def _verify(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not password_hash:
        # the same work whether or not the email exists, so timing does not tell
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(store: Store, attempt: _Attempt) -> None:
    now = attempt.now
    with store.write(attempt.email or "unknown", at=now) as tx:
        source = throttle.source_failed(_claim(tx.conn, _SOURCES, attempt.source), now)
        _save(tx.conn, _SOURCES, attempt.source, source)
        tx.touched.add(_SOURCES.dataset)
        account = was = throttle.Counter()
        if attempt.email is not None:
            was = _claim(tx.conn, _ACCOUNTS, attempt.email)
            account = throttle.account_failed(was, now)
            _save(tx.conn, _ACCOUNTS, attempt.email, account)
        after = {
            "failures": account.failures,
            "locked_until": account.until,
            "source": attempt.source,
            "source_failures": source.failures,
            "source_waits_until": source.until,
        }
        tx.audit("sign-in:failed", _ACCOUNTS.dataset, attempt.label, None, after)
    log.info("sign-in failed: %s from %s", attempt.label, attempt.source)
    if account.holds(now) and not was.holds(now):
        minutes = throttle.minutes_left(account.until, now)
        log.warning(
            "sign-in: %s locked for %d minutes after %d failed attempts",
            attempt.label,
            minutes,
            account.failures,
        )
    if source.holds(now):
        minutes = throttle.minutes_left(source.until, now)
        log.warning(
            "sign-in: address %s waits %d minute%s after %d failed attempts",
            attempt.source,
            minutes,
            "" if minutes == 1 else "s",
            source.failures,
        )


def _record_success(store: Store, attempt: _Attempt) -> None:
    with store.write(attempt.email, at=attempt.now) as tx:
        table = schema.sign_in_attempts
        exists = tx.conn.execute(
            select(table.c.email).where(table.c.email == attempt.email)
        ).first()
        if exists is not None:
            held = _claim(tx.conn, _ACCOUNTS, attempt.email)
            _save(tx.conn, _ACCOUNTS, attempt.email, throttle.account_signed_in(held, attempt.now))
        after = {"failures": 0, "source": attempt.source}
        tx.audit("sign-in", _ACCOUNTS.dataset, attempt.email, None, after)
    log.info("signed in: %s from %s", attempt.email, attempt.source)


def _counter(
    conn: Connection, counted: _Counted, key: str, *, lock: bool = False
) -> throttle.Counter:
    table = counted.table
    query = select(table).where(table.c[counted.key] == key)
    row = conn.execute(query.with_for_update() if lock else query).first()
    return throttle.Counter() if row is None else _as_counter(row._mapping, counted)


def _as_counter(values, counted: _Counted) -> throttle.Counter:
    return throttle.Counter(
        values["failures"], _maybe_utc(values[counted.until]), _maybe_utc(values["last_failure_at"])
    )


def _claim(conn: Connection, counted: _Counted, key: str) -> throttle.Counter:
    """The row for ``key``, created if need be and locked until the transaction ends, so
    that two attempts at once are both counted."""
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(counted.table)
        .values({counted.key: key, "failures": 0})
        .on_conflict_do_nothing()
    )
    return _counter(conn, counted, key, lock=True)


def _save(conn: Connection, counted: _Counted, key: str, counter: throttle.Counter) -> None:
    # UPDATE, never DELETE: the app's database role has no DELETE (docs/deployment.md)
    table = counted.table
    conn.execute(
        update(table)
        .where(table.c[counted.key] == key)
        .values(
            {
                "failures": counter.failures,
                counted.until: counter.until,
                "last_failure_at": counter.last_failure_at,
            }
        )
    )


def _maybe_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else _utc(moment)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store holds UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- administrators: who is locked out, and unlocking -----------------------------------------
def unlock_account(store: Store, email: str, *, actor: Principal) -> None:
    """Clear an account's failed sign-ins and any lock (administrators only), audited."""
    email = email.strip().lower()
    authorise(store, actor, Permission.MANAGE_USERS, target=email)
    _unlock(store, _ACCOUNTS, email, actor, f"No failed sign-ins are recorded for {email}.")
    log.warning("sign-in: %s unlocked by %s", email, actor.email)


def unlock_source(store: Store, address: str, *, actor: Principal) -> str:
    """Clear a source's failed sign-ins and any wait (administrators only), audited.
    ``address`` is an address or a source as listed (e.g. ``2001:db8:1:2::/64``)."""
    key = throttle.source_key(address)
    if key == throttle.INVALID:
        key = address.strip()[:64]
    authorise(store, actor, Permission.MANAGE_USERS, target=f"address {key}")
    nothing = f"No failed sign-ins are recorded for the address {key}."
    _unlock(store, _SOURCES, key, actor, nothing)
    log.warning("sign-in: address %s cleared by %s", key, actor.email)
    return key


def _unlock(store: Store, counted: _Counted, key: str, actor: Principal, nothing: str) -> None:
    with store.write(actor.email) as tx:
        held = _counter(tx.conn, counted, key, lock=True)
        if held.failures == 0 and held.until is None:
            raise NothingToUnlockError(nothing)
        _save(tx.conn, counted, key, throttle.Counter(0, None, held.last_failure_at))
        before = {"failures": held.failures, counted.until: held.until}
        tx.audit("sign-in:unlock", counted.dataset, key, before, {"failures": 0})


_LOCKOUT_SCHEMA = {
    "what": pl.String,
    "key": pl.String,
    "failures": pl.Int64,
    "until": pl.Datetime("us", "UTC"),
}
# an attacker can fill these tables with made-up emails: the list shows the latest few hundred
_MOST_LOCKOUTS = 500


def sign_in_lockouts(store: Store, *, now: datetime | None = None) -> pl.DataFrame:
    """Accounts and sources with failed sign-ins still counted (or a lock still holding),
    most failures first, with until when each is locked or waiting (null when it is not)."""
    now = now or datetime.now(UTC)
    rows = []
    with store.engine.connect() as conn:
        for what, counted in (("account", _ACCOUNTS), ("address", _SOURCES)):
            table = counted.table
            found = conn.execute(
                select(table)
                .where((table.c.failures > 0) | (table.c[counted.until] > now))
                .order_by(table.c.last_failure_at.desc())
                .limit(_MOST_LOCKOUTS)
            )
            for row in found:
                held = _as_counter(row._mapping, counted)
                failures = held.failures if what == "account" else throttle.source_count(held, now)
                if failures or held.holds(now):
                    until = held.until if held.holds(now) else None
                    rows.append((what, row._mapping[counted.key], failures, until))
    frame = pl.DataFrame(rows, schema=_LOCKOUT_SCHEMA, orient="row")
    return frame.sort(["what", "failures", "key"], descending=[False, True, False])


def list_users(store: Store) -> pl.DataFrame:
    users = load_table(store, "users")
    held: dict[int, list[tuple[str, str]]] = {}
    for user_id, kind, value in (
        load_table(store, "user_scopes")
        .filter(pl.col("removed_at").is_null())
        .select("user_id", "kind", "value")
        .iter_rows()
    ):
        held.setdefault(user_id, []).append((kind, value))
    scopes = pl.DataFrame(
        {
            "user_id": list(held),
            "scopes": [assignment_text(pairs) for pairs in held.values()],
        },
        schema={"user_id": users.schema["id"], "scopes": pl.String},
    )
    return (
        users.join(scopes, left_on="id", right_on="user_id", how="left")
        .select(
            "email",
            "name",
            "role",
            pl.col("scopes").fill_null(""),
            pl.col("disabled_at").is_not_null().alias("disabled"),
            "version",
            "created_at",
        )
        .sort("email")
    )
