"""Demo sign-ins, one per role, so a newcomer can try the dashboard as each kind of user.

Created only by ``ascgov serve`` on the first start of a store it has just filled with the demo
council (never on a store holding a council's own data), with random passwords printed once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from data_access.access import Principal, scopes_of, system_principal
from data_access.models import User
from data_access.passwords import password_problem
from data_access.store import Store
from data_access.users import add_user

DOMAIN = "demo.example"  # .example is reserved: these addresses can never reach a real person


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    password: str
    scope: str


def demo_users() -> list[User]:
    return [
        User(email=f"member@{DOMAIN}", name="Cllr Demo Member", role="member"),
        User(
            email=f"officer@{DOMAIN}",
            name="Demo Officer",
            role="officer",
            # the areas needing attention, one savings workstream, two backlog teams, one action
            areas=("IP09", "IP10", "IP18", "IP19"),
            workstreams=("Reviews programme (Nottingham City)",),
            teams=("North locality", "All teams"),
            actions=("ROT-A1",),
        ),
        User(email=f"director@{DOMAIN}", name="Demo Director", role="director"),
        User(email=f"admin@{DOMAIN}", name="Demo Administrator", role="admin"),
    ]


def demo_principals() -> list[Principal]:
    """The demo users as the access rule sees them, least privileged first."""
    return [
        Principal(user.email, user.name, user.role, frozenset(scopes_of(user)))
        for user in demo_users()
    ]


def create_demo_accounts(
    store: Store, *, passwords: dict[str, str] | None = None, with_passwords: bool = True
) -> list[DemoAccount]:
    """Add the demo users with fresh random passwords (or the given ones, for tests; or none,
    for tests that sign in through the identity provider's claims)."""
    actor = system_principal("demo-accounts")
    created = []
    for user in demo_users():
        password = (passwords or {}).get(user.role.value) or _new_password()
        add_user(store, user, actor=actor, password=password if with_passwords else None)
        scope = ", ".join(value for _, value in scopes_of(user))
        created.append(DemoAccount(user.email, user.role.value, password, scope))
    return created


def _new_password() -> str:
    """16 random characters; drawn again in the unlikely case the password rule refuses
    them (add_user applies the rule to the demo accounts as to everyone's)."""
    while password_problem(password := secrets.token_urlsafe(12)) is not None:
        pass
    return password
