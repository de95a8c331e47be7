"""Users, their roles and what each officer may edit; local passwords; every change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from sqlalchemy import insert, select, update

from data_access import schema
from data_access.access import Permission, Principal, ScopeKind, authorise
from data_access.loaders import load_table
from data_access.models import User
from data_access.store import Store
from data_access.vocab import Role

# a person may get a password wrong this many times before the account is locked for a while
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12


class UserExistsError(Exception):
    pass


class UnknownAreaError(Exception):
    pass


class UnknownUserError(Exception):
    pass


class WeakPasswordError(Exception):
    pass


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _scope_rows(user_id: int, user: User) -> list[dict]:
    kinds = (
        (ScopeKind.AREA, user.areas),
        (ScopeKind.WORKSTREAM, user.workstreams),
        (ScopeKind.TEAM, user.teams),
        (ScopeKind.ACTION, user.actions),
    )
    return [
        {"user_id": user_id, "kind": kind.value, "value": value}
        for kind, values in kinds
        for value in dict.fromkeys(values)
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
        known = {r[0] for r in tx.conn.execute(select(schema.areas.c.code))}
        unknown = sorted(set(user.areas) - known)
        if unknown:
            raise UnknownAreaError(f"no such area code: {', '.join(unknown)}")
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


def _check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def set_password(store: Store, email: str, password: str, *, actor: Principal) -> None:
    """Set a local password (administrators only); the person's failed attempts are cleared."""
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
        # cleared by UPDATE: the app's database role has no DELETE (docs/deployment.md)
        tx.conn.execute(
            update(schema.sign_in_attempts)
            .where(schema.sign_in_attempts.c.email == email)
            .values(failures=0, locked_until=None)
        )
        tx.audit("user:set-password", "users", email, None, {"has_password": True})


class SignInRefused(Exception):
    """Wrong email or password, or too many failures: the message never says which."""


def check_password(
    store: Store, email: str, password: str, *, now: datetime | None = None
) -> Principal:
    """The person these credentials belong to, or ``SignInRefused``.

    Failures are counted per email (known or not, so the answer does not reveal which
    emails exist); after ``MAX_FAILURES`` the email is locked for ``LOCK_FOR`` even for the
    right password. Every outcome is audited.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    from data_access.access import principal_for

    email = email.strip().lower()
    now = now or datetime.now(UTC)
    with store.engine.connect() as conn:
        user = conn.execute(
            select(schema.users.c.password_hash).where(schema.users.c.email == email)
        ).first()
        attempts = conn.execute(
            select(schema.sign_in_attempts).where(schema.sign_in_attempts.c.email == email)
        ).first()
    locked_until = _utc(attempts.locked_until) if attempts and attempts.locked_until else None
    if locked_until is not None and locked_until > now:
        _record(store, email, failed=True, now=now, note="locked")
        raise SignInRefused(
            "Too many failed attempts: this account is locked for a few minutes. "
            "Try again later or ask an administrator."
        )
    ok = False
    if user is not None and user.password_hash:
        try:
            ok = _hasher().verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # the same work whether or not the email exists, so timing does not tell
        _hasher().hash(password)
    _record(store, email, failed=not ok, now=now)
    if not ok:
        raise SignInRefused("That email and password do not match an account.")
    principal = principal_for(store, email)
    assert principal is not None  # the row was there a moment ago
    return principal


def _record(store: Store, email: str, *, failed: bool, now: datetime, note: str = "") -> None:
    with store.write(email or "unknown", at=now) as tx:
        table = schema.sign_in_attempts
        row = tx.conn.execute(select(table).where(table.c.email == email)).first()
        expired = row is not None and row.locked_until is not None and _utc(row.locked_until) <= now
        before = 0 if row is None or expired else row.failures
        failures = before + 1 if failed else 0
        still_locked = row is not None and row.locked_until is not None and not expired
        if still_locked:
            # an attempt during a lock does not extend it: guessing every few minutes must not
            # keep the owner out for ever
            locked = _utc(row.locked_until)
        else:
            locked = now + LOCK_FOR if failed and failures >= MAX_FAILURES else None
        if row is None:
            tx.conn.execute(
                insert(table), {"email": email, "failures": failures, "locked_until": locked}
            )
        else:
            tx.conn.execute(
                update(table)
                .where(table.c.email == email)
                .values(failures=failures, locked_until=locked)
            )
        action = "sign-in:failed" if failed else "sign-in"
        tx.audit(
            action, "sign_in_attempts", email, None, {"failures": failures}, reason=note or None
        )


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store holds UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def list_users(store: Store) -> pl.DataFrame:
    users = load_table(store, "users")
    scopes = (
        load_table(store, "user_scopes")
        .with_columns((pl.col("kind") + ":" + pl.col("value")).alias("scope"))
        .group_by("user_id")
        .agg(pl.col("scope").sort().str.join(",").alias("scopes"))
    )
    return (
        users.join(scopes, left_on="id", right_on="user_id", how="left")
        .select("email", "name", "role", pl.col("scopes").fill_null(""), "created_at")
        .sort("email")
    )
