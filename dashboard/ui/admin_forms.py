"""The Administration page's forms: users (with what officers may edit) and status lists.

Both save through the same functions as ``ascgov users`` and ``ascgov settings``, which check
the person's role again.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from dashboard.domain import formatting
from dashboard.ui import data
from data_access.access import NotPermitted, Principal, assignment_text, scopes_of
from data_access.app_settings import SettingRefusedError, set_list, set_queue_weights
from data_access.models import User, describe_errors
from data_access.queue_weights import FACTOR_WORDS, MAX_POINTS
from data_access.statuses import MEANING_HELP, WORD_MEANINGS, StatusList
from data_access.store import StaleVersionError
from data_access.users import (
    LastAdministratorError,
    NothingToUnlockError,
    UnknownAreaError,
    UnknownUserError,
    UserExistsError,
    WeakPasswordError,
    add_user,
    disable_user,
    enable_user,
    set_assignment,
    set_password,
    set_role,
    sign_in_lockouts,
    unlock_account,
    unlock_source,
)
from data_access.vocab import CONFIGURABLE_LISTS, Role

_OUTCOME = "admin-outcome"
LIST_LABELS = {
    "area_statuses": "Accountability area statuses",
    "milestone_statuses": "Milestone statuses",
    "action_statuses": "Committee action statuses",
}


# what the administration forms refuse, said in the refusal's own words
_REFUSALS = (
    UserExistsError,
    UnknownAreaError,
    UnknownUserError,
    WeakPasswordError,
    LastAdministratorError,
    NothingToUnlockError,
    StaleVersionError,
    SettingRefusedError,
    NotPermitted,
)


def outcome(form: str) -> None:
    """The outcome of the last save, shown beside the button of the form that made it."""
    done = st.session_state.get(_OUTCOME)
    if not done or done[0] != form:
        return
    del st.session_state[_OUTCOME]
    if done[1] == "ok":
        st.success(formatting.plain(done[2]))
    else:
        st.error(formatting.plain("Not saved: " + done[2]))


def _save(form: str, action, done: str) -> None:
    """Run ``action()``; keep its outcome (or the refusal in plain words) for ``form``."""
    state = st.session_state
    try:
        said = action()
    except ValidationError as exc:
        state[_OUTCOME] = (form, "error", describe_errors(exc))
    except _REFUSALS as exc:
        state[_OUTCOME] = (form, "error", str(exc))
    else:
        state[_OUTCOME] = (form, "ok", said if isinstance(said, str) else done)


def users_section(who: Principal) -> None:
    st.header("Users")
    users = data.users()
    st.dataframe(users, hide_index=True, key="users-table")
    areas, workstreams, teams, actions = data.assignable()
    with st.form("add-user", clear_on_submit=False):
        st.subheader("Add a user")
        st.text_input("Email address", key="new-email")
        st.text_input("Full name", key="new-name")
        st.selectbox("Role", [r.value for r in Role], key="new-role")
        st.caption("For officers: what they may edit.")
        st.multiselect("Accountability areas (with their milestones)", areas, key="new-areas")
        st.multiselect("Savings workstreams", workstreams, key="new-workstreams")
        st.multiselect("Backlog teams", teams, key="new-teams")
        st.multiselect("Committee actions", actions, key="new-actions")
        st.text_input(
            "Password (local accounts only; leave empty when people sign in with the "
            "council's identity provider)",
            type="password",
            key="new-password",
        )
        st.form_submit_button("Add user", type="primary", on_click=_add_user, args=(who,))
        outcome("add-user")
    _change_user_section(
        who, users, {"areas": areas, "workstreams": workstreams, "teams": teams, "actions": actions}
    )
    with st.form("set-password"):
        st.subheader("Set a local password")
        st.selectbox("User", users["email"].to_list(), key="pw-email")
        st.text_input(
            "New password (12 to 128 characters, not a common one: a few random words work well)",
            type="password",
            key="pw-new",
        )
        st.form_submit_button("Set password", on_click=_set_password, args=(who,))
        outcome("set-password")
    _lockouts_section(who)


def _add_user(who: Principal) -> None:
    state = st.session_state

    def add() -> str:
        user = User(
            email=state["new-email"],
            name=state["new-name"] or state["new-email"].split("@")[0],
            role=state["new-role"],
            areas=tuple(state["new-areas"]),
            workstreams=tuple(state["new-workstreams"]),
            teams=tuple(state["new-teams"]),
            actions=tuple(state["new-actions"]),
        )
        add_user(data.get_store(), user, actor=who, password=state["new-password"] or None)
        return f"Added {user.email} as {user.role.value}."

    _save("add-user", add, "")


def _set_password(who: Principal) -> None:
    state = st.session_state
    _save(
        "set-password",
        lambda: set_password(data.get_store(), state["pw-email"], state["pw-new"], actor=who),
        f"Password set for {state['pw-email']}; they are signed out wherever they were "
        "signed in. Give them the new password in person or by phone, not by email.",
    )


_ASSIGNMENT_LABELS = {
    "areas": "Accountability areas (with their milestones)",
    "workstreams": "Savings workstreams",
    "teams": "Backlog teams",
    "actions": "Committee actions",
}


def _change_user_section(who: Principal, users, choices: dict[str, list[str]]) -> None:
    """Change one user's role or assignment, or disable them: each its own form and button,
    each saved against the version of the user shown here."""
    st.subheader("Change a user")
    email = st.selectbox("User to change", users["email"].to_list(), key="change-email")
    if email is None:
        return
    try:
        record = data.user_record(email)
    except UnknownUserError:
        return
    state = "disabled: cannot sign in" if record.disabled_at else "can sign in"
    st.caption(formatting.plain(f"{record.name} ({record.role.value}, {state})"))
    with st.form(f"role-{email}"):
        st.selectbox(
            "Role",
            [r.value for r in Role],
            index=[r for r in Role].index(record.role),
            key=f"role:{email}",
        )
        st.form_submit_button(
            "Change role", on_click=_change_role, args=(who, email, record.version)
        )
        outcome(f"role-{email}")
    with st.form(f"assign-{email}"):
        st.caption("For officers: what they may edit. Anything not chosen is taken away.")
        for name, label in _ASSIGNMENT_LABELS.items():
            held = list(record.assignment[name])
            options = sorted(set(choices[name]) | set(held))
            st.multiselect(label, options, default=held, key=f"{name}:{email}")
        st.form_submit_button(
            "Save assignment", on_click=_change_assignment, args=(who, email, record.version)
        )
        outcome(f"assign-{email}")
    with st.form(f"disable-{email}"):
        if record.disabled_at is None:
            st.caption("A disabled user cannot sign in; everything they did stays in the history.")
            button, action = "Disable user", _disable
        else:
            st.caption("This user is disabled and cannot sign in.")
            button, action = "Enable user", _enable
        st.form_submit_button(button, on_click=action, args=(who, email, record.version))
        outcome(f"disable-{email}")


def _change_role(who: Principal, email: str, version: int) -> None:
    role = st.session_state[f"role:{email}"]
    _save(
        f"role-{email}",
        lambda: set_role(data.get_store(), email, role, version=version, actor=who),
        f"{email} is now {role}.",
    )


class _Assigned:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def _change_assignment(who: Principal, email: str, version: int) -> None:
    given = {name: tuple(st.session_state[f"{name}:{email}"]) for name in _ASSIGNMENT_LABELS}
    held = assignment_text(scopes_of(_Assigned(**given))) or "nothing"
    _save(
        f"assign-{email}",
        lambda: set_assignment(data.get_store(), email, given, version=version, actor=who),
        f"{email} may now edit {held}.",
    )


def _disable(who: Principal, email: str, version: int) -> None:
    _save(
        f"disable-{email}",
        lambda: disable_user(data.get_store(), email, version=version, actor=who),
        f"{email} is disabled: they cannot sign in, and their history is kept.",
    )


def _enable(who: Principal, email: str, version: int) -> None:
    _save(
        f"disable-{email}",
        lambda: enable_user(data.get_store(), email, version=version, actor=who),
        f"{email} may sign in again.",
    )


def _lockouts_section(who: Principal) -> None:
    st.subheader("Sign-in lock-outs")
    lockouts = sign_in_lockouts(data.get_store())
    if lockouts.is_empty():
        st.caption("No account is locked and no address has failed to sign in lately.")
        return
    st.caption(
        "Accounts and addresses with failed sign-ins: an account is locked against the "
        "addresses that failed (the right password from elsewhere still works); an address "
        "waits longer after each failure. Unlocking clears the failures."
    )
    st.dataframe(
        lockouts,
        hide_index=True,
        key="lockouts-table",
        column_config={
            "what": "Kind",
            "key": "Account or address",
            "failures": "Failed attempts",
            "until": st.column_config.DatetimeColumn(
                "Locked or waiting until (UTC)", format="YYYY-MM-DD HH:mm:ss"
            ),
        },
    )
    with st.form("unlock"):
        choices = [f"{row['what']} {row['key']}" for row in lockouts.iter_rows(named=True)]
        st.selectbox("Account or address", choices, key="unlock-key")
        st.form_submit_button("Unlock", on_click=_unlock, args=(who,))
        outcome("unlock")


def _unlock(who: Principal) -> None:
    what, key = st.session_state["unlock-key"].split(" ", 1)
    unlock = unlock_account if what == "account" else unlock_source
    _save("unlock", lambda: unlock(data.get_store(), key, actor=who), f"Unlocked {key}.")


_RISES = {"A rise is good": True, "A fall is good": False, "Neither": None}


def measures_section(who: Principal) -> None:
    """The backlog measures in force, and a form to add one (its figures are then loaded and
    edited under its code like the built-in ones)."""
    import polars as pl

    from dashboard.domain import glossary
    from dashboard.domain.table import Table
    from dashboard.ui import render
    from data_access.measures import BACKLOG, LOCAL

    st.header("Backlog measures")
    registry = data.measures()
    rises = {value: words for words, value in _RISES.items()}
    rows = [
        {
            "Code": m.code,
            "Measure": m.label,
            "Unit": m.unit,
            "Which way is good": rises[m.rise_is_good],
            "Category": m.category,
        }
        for m in registry.in_table(BACKLOG)
    ]
    frame = pl.DataFrame(rows, schema={name: pl.String for name in rows[0]})
    if words := glossary.defined_in(frame):  # "OT" in a label, spelt out before the table
        st.caption(formatting.plain(words))
    render.table(Table.of("Backlog measures in force", frame), key="measures-table")
    with st.form("add-measure"):
        st.subheader("Add a measure")
        st.text_input("Code (lower-case letters, digits and _; used in files)", key="measure-code")
        st.text_input("Label (what members read)", key="measure-label")
        st.text_area("Definition (what it counts, in plain English)", key="measure-definition")
        st.text_input("Unit (e.g. people, reviews)", key="measure-unit")
        st.selectbox("Which way is good", list(_RISES), index=2, key="measure-rise")
        st.text_input(
            "Category (the published category it belongs to)", value=LOCAL, key="measure-category"
        )
        st.form_submit_button("Add measure", on_click=_add_measure, args=(who,))
        outcome("add-measure")


def _add_measure(who: Principal) -> None:
    from data_access.measures import MeasureRefused, NewMeasure, add_measure

    state = st.session_state

    def add() -> str:
        measure = NewMeasure(
            code=state["measure-code"],
            label=state["measure-label"],
            definition=state["measure-definition"],
            unit=state["measure-unit"],
            rise_is_good=_RISES[state["measure-rise"]],
            category=state["measure-category"],
        )
        try:
            added = add_measure(data.get_store(), measure, actor=who)
        except MeasureRefused as exc:
            raise SettingRefusedError(str(exc)) from None
        return (
            f"Added the measure {added.label} ({added.code}): backlog figures may now be "
            "loaded under it."
        )

    _save("add-measure", add, "")


def lists_section(who: Principal) -> None:
    st.header("Status lists")
    st.markdown(
        "One status a line, in display order, then a colon and what it means: "
        + "; ".join(f"**{m.value}** ({words})" for m, words in MEANING_HELP.items())
        + ". The dashboard counts by meaning, so a milestone list that says `Done: complete` "
        "counts Done milestones as complete. A status given no meaning takes its word's ("
        + ", ".join(f"{word.capitalize()}: {m.value}" for word, m in WORD_MEANINGS.items())
        + "); any other word is open."
    )
    current = data.status_lists()
    for name in CONFIGURABLE_LISTS:
        statuses = current[name]
        with st.form(f"list-{name}"):
            if statuses.assumed:
                st.warning(formatting.plain(_assumed_note(LIST_LABELS[name], statuses)))
            st.text_area(
                f"{LIST_LABELS[name]} (one per line, in display order: Status: meaning)",
                value=statuses.described(),
                key=f"list:{name}",
            )
            st.form_submit_button("Save list", on_click=_save_list, args=(who, name))
            outcome(f"list-{name}")


def _assumed_note(label: str, statuses: StatusList) -> str:
    taken = ", ".join(f"{n} ({statuses.meaning(n).value})" for n in statuses.assumed)
    return (
        f"{label} were saved before statuses had meanings, so these take the meaning of their "
        f"word (any other word is open): {taken}. Check them, then save the list to keep them."
    )


def _save_list(who: Principal, name: str) -> None:
    state = st.session_state
    values = state[f"list:{name}"].splitlines()
    try:
        saved = set_list(data.get_store(), name, values, actor=who)
    except (SettingRefusedError, NotPermitted) as exc:
        state[_OUTCOME] = (f"list-{name}", "error", str(exc))
    else:
        message = f"{LIST_LABELS[name]} saved."
        if saved.unsaid:
            taken = ", ".join(f"{n} ({saved.statuses.meaning(n).value})" for n in saved.unsaid)
            message += f" Given no meaning, so taken from the word: {taken}."
        state[_OUTCOME] = (f"list-{name}", "ok", message)
        # shown again as saved, each status with its meaning, rather than as typed
        del state[f"list:{name}"]


def queue_weights_section(who: Principal) -> None:
    """The review queue's weights: the points each factor adds, saved against the version
    shown here (a change by someone else since is refused, not overwritten)."""
    st.header("Review queue weights")
    st.markdown(
        "The points each factor adds to a person's place in the review queue that officers "
        "and directors use to decide whom to review first (the queue is a tool for their "
        f"professional judgement). Whole numbers from 0 to {MAX_POINTS:,}; 0 leaves a factor "
        "out of the score. Every change is kept in the history with your name."
    )
    saved = data.queue_weights()
    with st.form("queue-weights"):
        for name, words in FACTOR_WORDS.items():
            st.number_input(
                f"{words.capitalize()} (points)",
                min_value=0,
                max_value=MAX_POINTS,
                step=1,
                value=getattr(saved.weights, name),
                key=f"weight:{name}",
            )
        st.form_submit_button("Save weights", on_click=_save_weights, args=(who, saved.version))
        outcome("queue-weights")


def _save_weights(who: Principal, version: int) -> None:
    state = st.session_state
    changes = {name: state[f"weight:{name}"] for name in FACTOR_WORDS}

    def save() -> str:
        held = version
        saved = set_queue_weights(data.get_store(), changes, version=held, actor=who)
        if saved.version == held:
            return "Nothing changed: the weights were already these."
        return "Review queue weights saved: the queue now ranks by them."

    _save("queue-weights", save, "")
    # shown again as stored: the saved weights, or someone else's that refused this change
    for name in FACTOR_WORDS:
        del state[f"weight:{name}"]
