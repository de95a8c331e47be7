"""The Administration page's forms: users (with what officers may edit) and status lists.

Both save through the same functions as ``ascgov users`` and ``ascgov settings``, which check
the person's role again.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from dashboard.domain import formatting
from dashboard.ui import data
from data_access.access import NotPermitted, Principal
from data_access.app_settings import SettingRefusedError, set_list
from data_access.models import User, describe_errors
from data_access.statuses import MEANING_HELP, WORD_MEANINGS, StatusList
from data_access.users import (
    NothingToUnlockError,
    UnknownAreaError,
    UnknownUserError,
    UserExistsError,
    WeakPasswordError,
    add_user,
    set_password,
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


def outcome() -> None:
    done = st.session_state.pop(_OUTCOME, None)
    if done and done[0] == "ok":
        st.success(formatting.plain(done[1]))
    elif done:
        st.error(formatting.plain("Not saved: " + done[1]))


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
    with st.form("set-password"):
        st.subheader("Set a local password")
        st.selectbox("User", users["email"].to_list(), key="pw-email")
        st.text_input(
            "New password (12 to 128 characters, not a common one: a few random words work well)",
            type="password",
            key="pw-new",
        )
        st.form_submit_button("Set password", on_click=_set_password, args=(who,))
    _lockouts_section(who)


def _add_user(who: Principal) -> None:
    state = st.session_state
    try:
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
    except ValidationError as exc:
        state[_OUTCOME] = ("error", describe_errors(exc))
    except (UserExistsError, UnknownAreaError, WeakPasswordError, NotPermitted) as exc:
        state[_OUTCOME] = ("error", str(exc))
    else:
        state[_OUTCOME] = ("ok", f"Added {user.email} as {user.role.value}.")


def _set_password(who: Principal) -> None:
    state = st.session_state
    try:
        set_password(data.get_store(), state["pw-email"], state["pw-new"], actor=who)
    except (UnknownUserError, WeakPasswordError, NotPermitted) as exc:
        state[_OUTCOME] = ("error", str(exc))
    else:
        state[_OUTCOME] = ("ok", f"Password set for {state['pw-email']}.")


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


def _unlock(who: Principal) -> None:
    state = st.session_state
    what, key = state["unlock-key"].split(" ", 1)
    try:
        if what == "account":
            unlock_account(data.get_store(), key, actor=who)
        else:
            unlock_source(data.get_store(), key, actor=who)
    except (NothingToUnlockError, NotPermitted) as exc:
        state[_OUTCOME] = ("error", str(exc))
    else:
        state[_OUTCOME] = ("ok", f"Unlocked {key}.")


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
        state[_OUTCOME] = ("error", str(exc))
    else:
        message = f"{LIST_LABELS[name]} saved."
        if saved.unsaid:
            taken = ", ".join(f"{n} ({saved.statuses.meaning(n).value})" for n in saved.unsaid)
            message += f" Given no meaning, so taken from the word: {taken}."
        state[_OUTCOME] = ("ok", message)
        # shown again as saved, each status with its meaning, rather than as typed
        del state[f"list:{name}"]
