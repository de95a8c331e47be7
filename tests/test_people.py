"""Managing people: an administrator changes a user's role and assignment and disables a
user (sign-in refused, history kept), each a version-checked, audited write; refusals are in
plain words. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from data_access import schema
from data_access.access import NotPermitted, Permission, principal_for, system_principal
from data_access.models import User, describe_errors
from data_access.store import StaleVersionError
from data_access.users import (
    DISABLED,
    LastAdministratorError,
    SignInRefused,
    UnknownAreaError,
    UserRecord,
    add_user,
    check_password,
    disable_user,
    enable_user,
    list_users,
    set_assignment,
    set_role,
    user_record,
)
from data_access.vocab import Role

ADMIN = "admin@council.example"
JO = "jo.officer@council.example"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(store):
    from data_access.sample_data import load_sample_data

    load_sample_data(store)
    system = system_principal("tests")
    add_user(store, User(email=ADMIN, name="Admin", role="admin"), actor=system)
    jo = User(
        email=JO, name="Jo Officer", role="officer", areas=("IP09",), teams=("North locality",)
    )
    add_user(store, jo, actor=system, password=PASSWORD)
    return store


def _admin(store):
    return principal_for(store, ADMIN)


def _events(store, action):
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(schema.audit_events).where(schema.audit_events.c.action == action)
        ).all()
    return [row._mapping for row in rows]


def test_a_user_record_holds_role_assignment_version_and_whether_disabled(people):
    jo = user_record(people, JO)
    assert isinstance(jo, UserRecord)
    assert (jo.role, jo.version, jo.disabled_at) == (Role.OFFICER, 1, None)
    assert jo.assignment == {
        "areas": ("IP09",),
        "workstreams": (),
        "teams": ("North locality",),
        "actions": (),
    }


def test_an_administrator_changes_a_role_checked_against_the_version_and_audited(people):
    version = set_role(people, JO, "director", version=1, actor=_admin(people))
    assert version == 2
    assert principal_for(people, JO).role is Role.DIRECTOR
    (event,) = _events(people, "user:role")
    assert (event["actor"], event["entity_key"]) == (ADMIN, JO)
    assert (event["before"], event["after"]) == ({"role": "officer"}, {"role": "director"})
    # someone saw version 1 and saves late: refused, nothing written
    with pytest.raises(StaleVersionError):
        set_role(people, JO, "member", version=1, actor=_admin(people))
    assert principal_for(people, JO).role is Role.DIRECTOR


def test_a_role_is_checked_in_plain_words(people):
    with pytest.raises(ValidationError) as caught:
        set_role(people, JO, "mayor", version=1, actor=_admin(people))
    assert describe_errors(caught.value) == (
        "Role: 'mayor' is not one of member, officer, director or admin"
    )


def test_an_administrator_changes_an_assignment_and_the_old_one_is_kept_in_history(people):
    version = set_assignment(
        people,
        JO,
        {"areas": ("IP10", "IP18"), "teams": (), "workstreams": (), "actions": ("ROT-A1",)},
        version=1,
        actor=_admin(people),
    )
    assert version == 2
    jo = principal_for(people, JO)
    assert jo.scopes == {("area", "IP10"), ("area", "IP18"), ("action", "ROT-A1")}
    assert jo.may_import("areas", ["IP10"]) and not jo.may_import("areas", ["IP09"])
    (event,) = _events(people, "user:assignment")
    assert event["before"] == {"scopes": ["area:IP09", "team:North locality"]}
    assert event["after"] == {"scopes": ["action:ROT-A1", "area:IP10", "area:IP18"]}
    assert list_users(people).filter(email=JO)["scopes"].item() == (
        "action:ROT-A1,area:IP10,area:IP18"
    )
    # and back again (the earlier rows are reused, never deleted)
    set_assignment(people, JO, {"areas": ("IP09",)}, version=2, actor=_admin(people))
    assert principal_for(people, JO).scopes == {("area", "IP09")}


def test_an_unknown_area_or_a_stale_version_writes_nothing(people):
    before = people.dataset_versions()
    with pytest.raises(UnknownAreaError, match="no such area code: NOPE"):
        set_assignment(people, JO, {"areas": ("NOPE",)}, version=1, actor=_admin(people))
    with pytest.raises(StaleVersionError):
        set_assignment(people, JO, {"areas": ("IP10",)}, version=7, actor=_admin(people))
    assert people.dataset_versions() == before
    assert principal_for(people, JO).scopes == {("area", "IP09"), ("team", "North locality")}


def test_a_disabled_user_cannot_sign_in_and_their_history_is_kept(people):
    assert check_password(people, JO, PASSWORD).email == JO
    version = disable_user(people, JO, version=1, actor=_admin(people))
    assert version == 2
    with pytest.raises(SignInRefused) as refused:
        check_password(people, JO, PASSWORD)
    assert str(refused.value) == DISABLED
    # the person is still a user (history names them), but may do nothing
    jo = principal_for(people, JO)
    assert jo.disabled and not jo.has(Permission.READ)
    assert list_users(people).filter(email=JO)["disabled"].item() is True
    assert [e["action"] for e in _events(people, "user:disable")] == ["user:disable"]
    assert _events(people, "sign-in:disabled")
    # enabled again: signs in as before
    enable_user(people, JO, version=2, actor=_admin(people))
    assert check_password(people, JO, PASSWORD).email == JO


def test_only_administrators_manage_people_and_the_last_administrator_stays(people):
    director = User(email="dee@council.example", name="Dee", role="director")
    add_user(people, director, actor=system_principal("tests"))
    with pytest.raises(NotPermitted):
        set_role(people, JO, "director", version=1, actor=principal_for(people, director.email))
    with pytest.raises(NotPermitted):
        disable_user(people, JO, version=1, actor=principal_for(people, director.email))
    with pytest.raises(LastAdministratorError):
        set_role(people, ADMIN, "director", version=1, actor=_admin(people))
    with pytest.raises(LastAdministratorError):
        disable_user(people, ADMIN, version=1, actor=_admin(people))
    assert principal_for(people, ADMIN).role is Role.ADMIN


def test_describe_errors_never_shows_a_raw_pattern():
    cases = [
        dict(email="not an email", name="N", role="member"),
        dict(email="a@b.org", name="N", role="officer", areas=("bad code!",)),
        dict(email="a@b.org", name="N" * 5000, role="officer"),
    ]
    said = []
    for kwargs in cases:
        with pytest.raises(ValidationError) as caught:
            User(**kwargs)
        said.append(describe_errors(caught.value))
    assert said == [
        "Email address: 'not an email' is not an email address (it should look like "
        "name@council.gov.uk)",
        "Accountability areas: 'bad code!' is not a code (letters, digits and . _ / - only, "
        "starting with a letter or digit)",
        "Full name: too long (at most 200 characters)",
    ]
    assert not any("pattern" in s or "String should" in s for s in said)
