"""An officer's assignment: one translation between a user's fields, stored scope rows and
a principal's scopes, and back (data_access.access)."""

from __future__ import annotations

from data_access.access import ScopeKind, assignment_of, assignment_text, scopes_of
from data_access.demo_accounts import demo_principals, demo_users
from data_access.models import User


def test_a_users_assignment_goes_to_scopes_and_back():
    user = User(
        email="jo@council.example",
        name="Jo",
        role="officer",
        areas=("IP10", "IP09", "IP10"),
        workstreams=("Reviews, older people",),
        teams=("North locality",),
        actions=("ROT-A1",),
    )
    scopes = scopes_of(user)
    assert scopes[:2] == ((ScopeKind.AREA, "IP10"), (ScopeKind.AREA, "IP09"))
    assert len(scopes) == 5  # each value once
    back = User(email=user.email, name=user.name, role=user.role, **assignment_of(scopes))
    assert back.areas == ("IP09", "IP10") and back.workstreams == user.workstreams
    assert back.teams == user.teams and back.actions == user.actions
    # stored rows hold the kind as text: the same way back
    rows = [(kind.value, value) for kind, value in scopes]
    assert assignment_of(rows) == assignment_of(scopes)
    assert assignment_text(rows) == (
        "action:ROT-A1,area:IP09,area:IP10,team:North locality,workstream:Reviews, older people"
    )


def test_demo_principals_hold_the_scopes_their_users_are_given():
    for user, principal in zip(demo_users(), demo_principals(), strict=True):
        assert principal.scopes == frozenset(scopes_of(user))
