"""Who may do what: the one rule, enforced where writes happen.

The app, the CLI and direct calls all pass a ``Principal`` to the commands in
``data_access.commands`` (and to imports, user and settings changes); each command calls
``authorise`` before it writes. A refusal raises ``NotPermitted`` and is logged, in the
application log and as an audit event, so an attempt to go round a hidden button leaves a trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select

from data_access import schema
from data_access.store import Store
from data_access.vocab import ALL_TEAMS, Role

log = logging.getLogger("ascgov.access")


class Permission(StrEnum):
    READ = "read the dashboard"
    EDIT_AREA = "edit an accountability area"
    EDIT_MILESTONE = "edit a milestone"
    EDIT_SAVINGS = "edit a savings line"
    EDIT_BACKLOG = "edit backlog figures"
    EDIT_ACTION = "edit a committee action"
    RECORD_MEETING = "record a committee meeting"
    IMPORT = "import a file"
    # person-level rows (the ``cases`` extract): load them, export them; an officer only their
    # teams' (the teams they are assigned), members and administrators never
    CASES = "work with case records"
    BRIEF = "produce a briefing pack"
    # keep a meeting's pack as what the committee saw (kept for ever; corrections add versions)
    FINALISE_PACK = "finalise a meeting's pack"
    MANAGE_USERS = "manage users"
    MANAGE_SETTINGS = "manage settings"
    REPLACE_WITH_DEMO = "replace the figures with the demo council"


class ScopeKind(StrEnum):
    """What an officer can be assigned: areas (with their milestones), savings workstreams,
    backlog teams and committee actions."""

    AREA = "area"
    WORKSTREAM = "workstream"
    TEAM = "team"
    ACTION = "action"


_EDITS = frozenset(
    {
        Permission.EDIT_AREA,
        Permission.EDIT_MILESTONE,
        Permission.EDIT_SAVINGS,
        Permission.EDIT_BACKLOG,
        Permission.EDIT_ACTION,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset({Permission.READ}),
    # an officer's edits (and imports) are limited to what they are assigned: see SCOPED
    Role.OFFICER: frozenset({Permission.READ, Permission.IMPORT, Permission.CASES, *_EDITS}),
    Role.DIRECTOR: frozenset(
        {
            Permission.READ,
            Permission.IMPORT,
            Permission.CASES,
            Permission.BRIEF,
            Permission.FINALISE_PACK,
            Permission.RECORD_MEETING,
            *_EDITS,
        }
    ),
    # administrators run the system, not the figures: they keep users and settings, and
    # only they may put the demo council back over a store that holds anything else
    Role.ADMIN: frozenset(
        {
            Permission.READ,
            Permission.BRIEF,
            Permission.MANAGE_USERS,
            Permission.MANAGE_SETTINGS,
            Permission.REPLACE_WITH_DEMO,
        }
    ),
}

# the field of a user (models.User, the admin form, ``ascgov users add``) that holds each
# kind of assignment; stored as one user_scopes row (user_id, kind, value) per value
ASSIGNMENT_FIELDS: dict[ScopeKind, str] = {
    ScopeKind.AREA: "areas",
    ScopeKind.WORKSTREAM: "workstreams",
    ScopeKind.TEAM: "teams",
    ScopeKind.ACTION: "actions",
}


def scopes_of(user) -> tuple[tuple[ScopeKind, str], ...]:
    """A user's assignment (``areas``, ``workstreams``, ``teams``, ``actions``) as scopes,
    in the order given, each once: what user_scopes stores and a ``Principal`` holds."""
    return tuple(
        dict.fromkeys(
            (kind, value)
            for kind, name in ASSIGNMENT_FIELDS.items()
            for value in getattr(user, name)
        )
    )


def assignment_of(scopes) -> dict[str, tuple[str, ...]]:
    """Back from scopes (pairs of kind and value, e.g. stored rows) to a user's assignment
    fields, each sorted: ``User(**assignment_of(...))`` holds the same assignment."""
    return {
        name: tuple(sorted(value for k, value in scopes if ScopeKind(k) is kind))
        for kind, name in ASSIGNMENT_FIELDS.items()
    }


def assignment_text(scopes) -> str:
    """Scopes as ``ascgov users list`` and the Administration page show them.

    >>> assignment_text([("team", "North locality"), (ScopeKind.AREA, "IP10"), ("area", "IP09")])
    'area:IP09,area:IP10,team:North locality'
    """
    return ",".join(sorted(f"{ScopeKind(kind).value}:{value}" for kind, value in scopes))


# which part of an officer's assignment each edit is checked against
SCOPED: dict[Permission, ScopeKind] = {
    Permission.EDIT_AREA: ScopeKind.AREA,
    Permission.EDIT_MILESTONE: ScopeKind.AREA,
    Permission.EDIT_SAVINGS: ScopeKind.WORKSTREAM,
    Permission.EDIT_BACKLOG: ScopeKind.TEAM,
    Permission.EDIT_ACTION: ScopeKind.ACTION,
    Permission.CASES: ScopeKind.TEAM,
}

# the edit an import of each dataset amounts to; other datasets are imported by directors only
IMPORT_AS_EDIT: dict[str, tuple[Permission, str]] = {
    "areas": (Permission.EDIT_AREA, "code"),
    "milestones": (Permission.EDIT_MILESTONE, "area_code"),
    "savings": (Permission.EDIT_SAVINGS, "workstream"),
    "backlog": (Permission.EDIT_BACKLOG, "team"),
    "actions": (Permission.EDIT_ACTION, "code"),
    # a census extract's people, by their team
    "cases": (Permission.CASES, "team"),
    # a CLD file's events, by the council's own team column (DHSC's file has none: a file
    # without one is for a director to load)
    "cld": (Permission.CASES, "team"),
}


@dataclass(frozen=True)
class Principal:
    """A signed-in person (or the system itself, for migrations and the demo loader)."""

    email: str
    name: str
    role: Role | None
    scopes: frozenset[tuple[ScopeKind, str]] = field(default_factory=frozenset)
    system: bool = False
    # disabled by an administrator: still named in the history, but may do nothing
    disabled: bool = False

    def may(self, permission: Permission, scope_value: str | None = None) -> bool:
        """Whether this person may do ``permission`` (to the item in ``scope_value``)."""
        if self.system:
            return True
        if self.disabled or self.role is None or permission not in ROLE_PERMISSIONS[self.role]:
            return False
        if self.role is Role.OFFICER and permission in SCOPED:
            return scope_value is not None and (SCOPED[permission], scope_value) in self.scopes
        return True

    def has(self, permission: Permission) -> bool:
        """Whether the role carries ``permission`` at all (for an officer: somewhere in their
        assignment), e.g. to decide which pages and forms to offer."""
        if self.system:
            return True
        if self.disabled or self.role is None or permission not in ROLE_PERMISSIONS[self.role]:
            return False
        if self.role is Role.OFFICER and permission in SCOPED:
            return bool(self.scope_values(SCOPED[permission]))
        return True

    def may_import(self, dataset: str, scope_values: list[str]) -> bool:
        """Whether this person may import these rows: an officer only rows within their scope
        (``scope_values`` are the rows' values of the column their scope is checked on)."""
        if self.system:
            return True
        if not self.may(Permission.IMPORT):
            return False
        if self.role is not Role.OFFICER:
            return True
        if dataset not in IMPORT_AS_EDIT:
            return False
        permission, _ = IMPORT_AS_EDIT[dataset]
        return all(self.may(permission, value) for value in scope_values)

    def case_teams(self) -> frozenset[str] | None:
        """The teams whose people (rows of the ``cases`` extract) this person may see on a
        page: None for every team (a director, or an officer assigned "All teams"), an
        officer's assigned teams otherwise, and none for anyone who may not work with case
        records (members, administrators)."""
        if not self.has(Permission.CASES):
            return frozenset()
        if self.role is not Role.OFFICER:
            return None
        teams = self.scope_values(ScopeKind.TEAM)
        return None if ALL_TEAMS in teams else teams

    def scope_values(self, kind: ScopeKind) -> frozenset[str]:
        return frozenset(value for k, value in self.scopes if k is kind)

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>" if not self.system else self.email


def system_principal(purpose: str) -> Principal:
    """The system acting for itself (demo data, first administrator): never a signed-in person."""
    return Principal(email=f"system:{purpose}", name=purpose, role=None, system=True)


class NotPermitted(Exception):
    """A person tried to do something their role (or assignment) does not allow."""

    def __init__(self, principal: Principal, permission: Permission, target: str | None):
        self.principal, self.permission, self.target = principal, permission, target
        role = principal.role.value if principal.role else "no role"
        what = f"{permission.value} ({target})" if target else permission.value
        scoped = (
            " outside the areas, workstreams, teams or actions assigned to you"
            if principal.role is Role.OFFICER and permission in SCOPED
            else ""
        )
        super().__init__(f"{principal.email} ({role}) may not {what}{scoped}")


def authorise(
    store: Store,
    principal: Principal,
    permission: Permission,
    scope_value: str | None = None,
    *,
    target: str | None = None,
) -> None:
    """Raise ``NotPermitted`` (after logging the refusal) unless the principal may act."""
    if principal.may(permission, scope_value):
        return
    refuse(store, principal, permission, target or scope_value)


def refuse(store: Store, principal: Principal, permission: Permission, target: str | None) -> None:
    """Log a refusal (application log and audit trail) and raise ``NotPermitted``."""
    raise log_refusal(store, principal, permission, target)


def log_refusal(
    store: Store, principal: Principal, permission: Permission, target: str | None
) -> NotPermitted:
    """Record a refusal in the application log and the audit trail; returns the error."""
    error = NotPermitted(principal, permission, target)
    log.warning("refused: %s", error)
    # its own transaction: the refused command writes nothing, but the attempt is kept
    with store.write(principal.email) as tx:
        tx.audit(
            "refused",
            "access",
            permission.name.lower(),
            None,
            {"role": principal.role.value if principal.role else None, "target": target},
            reason=str(error),
        )
    return error


DISABLED_ACCOUNT = (
    "This account has been disabled by an administrator. "
    "Ask your administrator if you need access again."
)


def principal_for(store: Store, email: str) -> Principal | None:
    """The person with this email in the users table, with their role and assignments (a
    disabled user comes back ``disabled``: they may do nothing, and sign-in refuses them)."""
    email = email.strip().lower()
    users, scopes = schema.users, schema.user_scopes
    with store.engine.connect() as conn:
        user = conn.execute(
            select(users.c.id, users.c.name, users.c.role, users.c.disabled_at).where(
                users.c.email == email
            )
        ).first()
        if user is None:
            return None
        held = conn.execute(
            select(scopes.c.kind, scopes.c.value).where(
                scopes.c.user_id == user.id, scopes.c.removed_at.is_(None)
            )
        ).all()
    return Principal(
        email=email,
        name=user.name,
        role=Role(user.role),
        scopes=frozenset((ScopeKind(kind), value) for kind, value in held),
        disabled=user.disabled_at is not None,
    )
