"""The Updates page's forms: one per kind of item, each saving through ``data_access.commands``.

Every form remembers the version of the item the person started from. A save based on an
older version than the store holds is refused by the command; the form then shows what the
other person changed, keeps what this person typed, and takes the new version as its base so a
second press of Save applies their change over the other (knowingly).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboard.domain import formatting
from dashboard.domain.backlog import shown_measures
from dashboard.domain.history import changes_after, history_table
from dashboard.domain.ratings import BRAG, NOT_RATED, RAG
from dashboard.ui import data
from dashboard.ui.session import session_lapsed
from data_access import commands
from data_access.access import NotPermitted, Permission, Principal
from data_access.parsing import parse_money_pence
from data_access.store import StaleVersionError
from data_access.vocab import ALL_BANDS
from data_access.writes import entity_key

BY_RULE = "By rule (no override)"


def _base_key(dataset: str, key: str) -> str:
    return f"base:{dataset}:{key}"


def base_version(dataset: str, key: str, current: Any) -> Any:
    """The version this person started editing from (set the first time they open the item)."""
    return st.session_state.setdefault(_base_key(dataset, key), current)


def _attempt(form: str, dataset: str, key: str, action: Callable[[], Any]) -> None:
    """Run a save (from a button's callback) and keep its outcome for the form to show."""
    if session_lapsed():
        # the page signs the person out on this run: an idle or expired session saves nothing
        st.session_state[f"outcome:{form}"] = {"refused": "your session had ended. Sign in again."}
        return
    base = st.session_state.get(_base_key(dataset, key))
    try:
        saved = action()
    except commands.EditRejected as exc:
        outcome = {"errors": dict(exc.problems)}
    except StaleVersionError as exc:
        theirs = changes_after(data.history(exc.dataset, exc.key), _seen(base, exc))
        current = exc.current["version"] if exc.current else None
        st.session_state[_base_key(dataset, key)] = _rebased(base, exc, current)
        outcome = {"conflict": theirs or [str(exc)]}
    except (NotPermitted, commands.NotFound) as exc:
        outcome = {"refused": str(exc)}
    else:
        st.session_state[_base_key(dataset, key)] = _new_base(base, saved)
        outcome = {"saved": _saved_text(saved)}
    st.session_state[f"outcome:{form}"] = outcome


def _seen(base: Any, exc: StaleVersionError) -> int:
    """The version of the refused row this person saw (a backlog form holds one per measure,
    keyed like the row: measure first)."""
    if isinstance(base, dict):
        return base.get(exc.key.split("|", 1)[0]) or 0
    return int(base or 0)


def _rebased(base: Any, exc: StaleVersionError, current: int | None) -> Any:
    if isinstance(base, dict):
        measure = exc.key.split("|", 1)[0]
        return {**base, measure: current}
    return current


def _new_base(base: Any, saved: Any) -> Any:
    if isinstance(saved, list):
        return {item.key.split("|", 1)[0]: item.version for item in saved}
    return saved.version


def _saved_text(saved: Any) -> str:
    items = saved if isinstance(saved, list) else [saved]
    return "Saved. " + " ".join(f"{i.key} is now at version {i.version}." for i in items)


def outcome_messages(form: str) -> dict[str, str]:
    """Show the last save's outcome at the top of its form; returns field errors to place."""
    outcome = st.session_state.get(f"outcome:{form}") or {}
    if "saved" in outcome:
        st.success(formatting.plain(outcome["saved"]))
    if "refused" in outcome:
        st.error(formatting.plain("Not saved: " + outcome["refused"]))
    if "conflict" in outcome:
        st.warning(
            "Not saved: someone else changed this item after you opened it. What they "
            "changed:\n\n"
            + "\n".join("- " + formatting.plain(line) for line in outcome["conflict"])
            + "\n\nYour changes are still in the form. Check them against theirs, then press "
            "Save again to apply yours over theirs."
        )
    errors = outcome.get("errors", {})
    if errors:
        st.error("Not saved: please correct the fields marked below.")
    return errors


def field_error(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(formatting.plain(f"{errors[field]}"), icon=":material/error:")


def show_history(dataset: str, key: str, label: str) -> None:
    with st.expander(f"History of {label}"):
        table = history_table(data.history(dataset, key))
        if table.is_empty():
            st.markdown("No changes recorded.")
        else:
            st.dataframe(table.shown(), hide_index=True, key=f"history:{dataset}:{key}")


def _pick(label: str, options: dict[str, str], key: str) -> str | None:
    """Choose one item by its label; returns its code. (Labels, not a format function: the
    session state must pickle, and a function does not.)"""
    if not options:
        st.info(f"Nothing here is assigned to you to edit ({label.lower()}).")
        return None
    codes = {text: code for code, text in options.items()}
    chosen = st.selectbox(label, list(codes), key=key, index=None)
    return None if chosen is None else codes[chosen]


def _choose_row(
    frame: pl.DataFrame, label: str, key: str, allowed: Callable[[dict], bool], text: str
) -> dict | None:
    """Pick one of the rows this person may edit (by ``code``), labelled by the ``text``
    column; the chosen row, or None."""
    options = {
        row["code"]: f"{row['code']}: {str(row[text])[:90]}"
        for row in frame.sort("code").iter_rows(named=True)
        if allowed(row)
    }
    code = _pick(label, options, key)
    return None if code is None else frame.filter(pl.col("code") == code).row(0, named=True)


def _status_field(form: str, list_name: str, current: str, errors: dict[str, str]) -> None:
    statuses = list(data.status_lists()[list_name])
    st.selectbox(
        "Status",
        statuses,
        key=f"{form}:status",
        index=statuses.index(current) if current in statuses else 0,
    )
    field_error(errors, "status")


# areas ---------------------------------------------------------------------------------------
def area_form(who: Principal) -> None:
    row = _choose_row(
        data.table("areas"),
        "Accountability area",
        "pick-area",
        lambda r: who.may(Permission.EDIT_AREA, r["code"]),
        "title",
    )
    if row is None:
        return
    code = row["code"]
    base_version("areas", code, row["version"])
    form = f"area:{code}"
    with st.form(form):
        errors = outcome_messages(form)
        _status_field(form, "area_statuses", row["status"], errors)
        rags = list(RAG.order)
        st.selectbox("RAG", rags, key=f"{form}:rag", index=rags.index(row["rag"] or NOT_RATED))
        field_error(errors, "rag")
        st.text_area(
            "Commentary",
            value=row["commentary"] or "",
            key=f"{form}:commentary",
            help="Shown to members as plain text. Required when the RAG gets worse.",
        )
        field_error(errors, "commentary")
        st.form_submit_button("Save", type="primary", on_click=_save_area, args=(who, code, form))
    show_history("areas", code, f"area {code}")


def _save_area(who: Principal, code: str, form: str) -> None:
    state = st.session_state
    rag = state[f"{form}:rag"]
    _attempt(
        form,
        "areas",
        code,
        lambda: commands.edit_area(
            data.get_store(),
            who,
            code,
            version=state[_base_key("areas", code)],
            status=state[f"{form}:status"],
            rag=None if rag == NOT_RATED else rag,
            commentary=state[f"{form}:commentary"] or None,
        ),
    )


# milestones ----------------------------------------------------------------------------------
def milestone_form(who: Principal) -> None:
    row = _choose_row(
        data.table("milestones"),
        "Milestone",
        "pick-milestone",
        lambda r: who.may(Permission.EDIT_MILESTONE, r["area_code"]),
        "title",
    )
    if row is None:
        return
    code = row["code"]
    base_version("milestones", code, row["version"])
    form = f"milestone:{code}"
    with st.form(form):
        errors = outcome_messages(form)
        _status_field(form, "milestone_statuses", row["status"], errors)
        st.date_input("Due date", value=row["due_date"], key=f"{form}:due", format="DD/MM/YYYY")
        field_error(errors, "due_date")
        st.date_input(
            "Completed date",
            value=row["completed_date"],
            key=f"{form}:completed",
            format="DD/MM/YYYY",
            help="Only for a milestone whose status means complete.",
        )
        field_error(errors, "completed_date")
        st.text_area("Evidence", value=row["evidence"] or "", key=f"{form}:evidence")
        field_error(errors, "evidence")
        st.form_submit_button(
            "Save", type="primary", on_click=_save_milestone, args=(who, code, form)
        )
    show_history("milestones", code, f"milestone {code}")


def _save_milestone(who: Principal, code: str, form: str) -> None:
    state = st.session_state
    _attempt(
        form,
        "milestones",
        code,
        lambda: commands.edit_milestone(
            data.get_store(),
            who,
            code,
            version=state[_base_key("milestones", code)],
            status=state[f"{form}:status"],
            due_date=state[f"{form}:due"],
            completed_date=state[f"{form}:completed"],
            evidence=state[f"{form}:evidence"] or None,
        ),
    )


# savings -------------------------------------------------------------------------------------
def _pounds(pence: int | None) -> str:
    return "" if pence is None else formatting.money(pence, style="exact")


def savings_form(who: Principal) -> None:
    lines = data.table("savings_lines")
    options = {
        row["code"]: f"{row['code']}: {row['title']}"
        for row in lines.sort("code").iter_rows(named=True)
        if who.may(Permission.EDIT_SAVINGS, row["workstream"])
    }
    code = _pick("Savings line", options, "pick-line")
    if code is None:
        return
    years = data.table("savings_years").filter(pl.col("line_code") == code).sort("financial_year")
    year = st.selectbox("Financial year", years["financial_year"].to_list(), key="pick-year")
    if year is not None:
        row = years.filter(pl.col("financial_year") == year).row(0, named=True)
        _year_form(who, code, row)
        _status_form(who, code, row)
    _override_form(who, lines.filter(pl.col("code") == code).row(0, named=True))
    show_history("savings_lines", code, f"savings line {code} (rating override)")
    if year is not None:
        show_history("savings_years", entity_key((code, year)), f"savings line {code} in {year}")


def _year_form(who: Principal, code: str, row: dict) -> None:
    key = entity_key((code, row["financial_year"]))
    base_version("savings_years", key, row["version"])
    form = f"savings:{key}"
    with st.form(form):
        st.markdown(
            formatting.plain(
                f"{row['financial_year']}: target {formatting.money(row['target_pence'])}."
            )
        )
        errors = outcome_messages(form)
        st.text_input("Forecast (£)", value=_pounds(row["forecast_pence"]), key=f"{form}:fc")
        field_error(errors, "forecast_pence")
        st.text_input("Delivered (£)", value=_pounds(row["delivered_pence"]), key=f"{form}:dl")
        field_error(errors, "delivered_pence")
        st.form_submit_button(
            "Save forecast and delivered",
            type="primary",
            on_click=_save_year,
            args=(who, code, row["financial_year"], form),
        )


def _money_field(text: str, field: str, problems: dict[str, str]) -> int | None:
    if not text.strip():
        return None
    try:
        return parse_money_pence(text)
    except ValueError as exc:
        problems[field] = f"{text!r} is not an amount of money: {exc}"
        return None


def _save_year(who: Principal, code: str, year: str, form: str) -> None:
    state = st.session_state
    problems: dict[str, str] = {}
    forecast = _money_field(state[f"{form}:fc"], "forecast_pence", problems)
    delivered = _money_field(state[f"{form}:dl"], "delivered_pence", problems)
    if problems:
        state[f"outcome:{form}"] = {"errors": problems}
        return
    key = f"{code}|{year}"
    _attempt(
        form,
        "savings_years",
        key,
        lambda: commands.edit_savings_year(
            data.get_store(),
            who,
            code,
            year,
            version=state[_base_key("savings_years", key)],
            forecast_pence=forecast,
            delivered_pence=delivered,
        ),
    )


TRACKED = "Tracked (still being delivered)"
STOP_CHOICES = {
    TRACKED: None,
    "Withdrawn": "withdrawn",
    "Deferred to a later year": "deferred",
    "Replaced by another line": "replaced",
}


def _status_form(who: Principal, code: str, row: dict) -> None:
    """Withdraw, defer or replace the line for this year (or track it again)."""
    key = entity_key((code, row["financial_year"]))
    base_version("savings_years", key, row["version"])
    form = f"stop:{key}"
    labels = list(STOP_CHOICES)
    current = next(label for label, value in STOP_CHOICES.items() if value == row.get("status"))
    with st.form(form):
        st.markdown(
            "**Withdrawn, deferred or replaced** (the year then leaves the totals tracked, is "
            "listed on its own with its value, and is not rated; a date and reason are required)"
        )
        errors = outcome_messages(form)
        st.selectbox("Status", labels, index=labels.index(current), key=f"{form}:status")
        field_error(errors, "status")
        day = row.get("status_date")
        st.text_input(
            "Date (e.g. 31/03/2025)",
            value="" if day is None else day.strftime("%d/%m/%Y"),
            key=f"{form}:date",
        )
        field_error(errors, "status_date")
        st.text_area("Reason", value=row.get("status_reason") or "", key=f"{form}:reason")
        field_error(errors, "status_reason")
        st.text_input(
            "Deferred to (financial year, e.g. 2026/27)",
            value=row.get("deferred_to") or "",
            key=f"{form}:to",
        )
        field_error(errors, "deferred_to")
        st.text_input(
            "Replaced by (savings line code)", value=row.get("replaced_by") or "", key=f"{form}:by"
        )
        field_error(errors, "replaced_by")
        st.form_submit_button(
            "Save status", on_click=_save_status, args=(who, code, row["financial_year"], form)
        )


def _save_status(who: Principal, code: str, year: str, form: str) -> None:
    state = st.session_state
    key = entity_key((code, year))
    text = {name: (state[f"{form}:{name}"] or "").strip() or None for name in ("date", "to", "by")}
    _attempt(
        form,
        "savings_years",
        key,
        lambda: commands.set_savings_status(
            data.get_store(),
            who,
            code,
            year,
            version=state[_base_key("savings_years", key)],
            status=STOP_CHOICES[state[f"{form}:status"]],
            status_date=text["date"],
            status_reason=state[f"{form}:reason"],
            deferred_to=text["to"],
            replaced_by=text["by"],
        ),
    )


def _override_form(who: Principal, row: dict) -> None:
    code = row["code"]
    base_version("savings_lines", code, row["version"])
    form = f"override:{code}"
    choices = [BY_RULE, *BRAG.names]
    with st.form(form):
        st.markdown(
            "**BRAG rating set by hand** (replaces the rule's rating; a reason is required)"
        )
        errors = outcome_messages(form)
        st.selectbox(
            "BRAG override",
            choices,
            key=f"{form}:brag",
            index=choices.index(row["brag_override"] or BY_RULE),
        )
        field_error(errors, "brag_override")
        st.text_area("Reason", value=row["override_reason"] or "", key=f"{form}:reason")
        field_error(errors, "override_reason")
        st.form_submit_button("Save rating", on_click=_save_override, args=(who, code, form))


def _save_override(who: Principal, code: str, form: str) -> None:
    state = st.session_state
    brag = state[f"{form}:brag"]
    _attempt(
        form,
        "savings_lines",
        code,
        lambda: commands.set_brag_override(
            data.get_store(),
            who,
            code,
            version=state[_base_key("savings_lines", code)],
            brag_override=None if brag == BY_RULE else brag,
            override_reason=state[f"{form}:reason"],
        ),
    )


# backlog -------------------------------------------------------------------------------------
def backlog_form(who: Principal) -> None:
    figures = data.table("backlog")
    teams = sorted(t for t in set(figures["team"]) if who.may(Permission.EDIT_BACKLOG, t))
    if not teams:
        st.info("No backlog team is assigned to you to edit.")
        return
    team_col, band_col, month_col = st.columns(3)
    team = team_col.selectbox("Team", teams, key="pick-team")
    bands = sorted(set(figures.filter(pl.col("team") == team)["priority_band"])) or [ALL_BANDS]
    band = band_col.selectbox("Priority band", bands, key="pick-band")
    month = month_col.date_input(
        "Month (any day in it)", value=None, key="pick-month", format="DD/MM/YYYY"
    )
    if month is None:
        st.markdown("Choose the month to enter or restate.")
        return
    first = month.replace(day=1)
    held = figures.filter(
        (pl.col("team") == team) & (pl.col("priority_band") == band) & (pl.col("month") == first)
    )
    current = {row["measure"]: row for row in held.iter_rows(named=True)}
    # the measures the Backlog page shows, from the registry in force (an administrator's too)
    measures = data.measures()
    codes = shown_measures(figures, measures)
    key = f"{first:%Y-%m}|{team}|{band}"
    base_version("backlog", key, {m: r["version"] for m, r in current.items()})
    form = f"backlog:{key}"
    with st.form(form):
        st.markdown(
            formatting.plain(f"{team}, {band}, {formatting.month(first)}: ")
            + ("restating the figures held." if current else "no figures held yet.")
        )
        errors = outcome_messages(form)
        for code in codes:
            held_row = current.get(code, {})
            left, right = st.columns(2)
            left.number_input(
                measures.label(code),
                min_value=0,
                step=1,
                value=held_row.get("value"),
                key=f"{form}:{code}:value",
            )
            right.number_input(
                "Target (optional)",
                min_value=0,
                step=1,
                value=held_row.get("target"),
                key=f"{form}:{code}:target",
            )
            field_error(errors, f"{code}.value")
        st.form_submit_button(
            "Save figures",
            type="primary",
            on_click=_save_backlog,
            args=(who, first, team, band, form, codes),
        )


def _save_backlog(
    who: Principal, month: date, team: str, band: str, form: str, codes: tuple[str, ...]
) -> None:
    state = st.session_state
    key = f"{month:%Y-%m}|{team}|{band}"
    versions = state.get(_base_key("backlog", key)) or {}
    figures = [
        commands.BacklogFigure(
            code,
            int(state[f"{form}:{code}:value"]),
            None if state[f"{form}:{code}:target"] is None else int(state[f"{form}:{code}:target"]),
            versions.get(code),
        )
        for code in codes
        if state[f"{form}:{code}:value"] is not None
    ]
    if not figures:
        state[f"outcome:{form}"] = {"errors": {f"{codes[0]}.value": "enter at least one figure"}}
        return
    _attempt(
        form,
        "backlog",
        key,
        lambda: commands.edit_backlog_month(
            data.get_store(), who, month=month, team=team, priority_band=band, figures=figures
        ),
    )


# committee actions and meetings --------------------------------------------------------------
def action_form(who: Principal) -> None:
    row = _choose_row(
        data.table("committee_actions"),
        "Committee action",
        "pick-action",
        lambda r: who.may(Permission.EDIT_ACTION, r["code"]),
        "text",
    )
    if row is None:
        return
    code = row["code"]
    base_version("committee_actions", code, row["version"])
    form = f"action:{code}"
    with st.form(form):
        st.markdown(formatting.plain(row["text"]))
        errors = outcome_messages(form)
        _status_field(form, "action_statuses", row["status"], errors)
        st.form_submit_button("Save", type="primary", on_click=_save_action, args=(who, code, form))
    show_history("committee_actions", code, f"action {code}")


def _save_action(who: Principal, code: str, form: str) -> None:
    state = st.session_state
    _attempt(
        form,
        "committee_actions",
        code,
        lambda: commands.edit_action(
            data.get_store(),
            who,
            code,
            version=state[_base_key("committee_actions", code)],
            status=state[f"{form}:status"],
        ),
    )


def meeting_form(who: Principal) -> None:
    meetings = data.table("meetings").sort("meeting_date", descending=True)
    st.markdown(
        "Meetings recorded: "
        + "; ".join(
            formatting.plain(f"{r['committee']} on {formatting.day(r['meeting_date'])}")
            for r in meetings.head(5).iter_rows(named=True)
        )
    )
    form = "meeting"
    with st.form(form):
        errors = outcome_messages(form)
        committees = sorted(set(meetings["committee"]))
        st.text_input(
            "Committee", value=committees[0] if committees else "", key=f"{form}:committee"
        )
        field_error(errors, "committee")
        st.date_input("Meeting date", value=None, key=f"{form}:date", format="DD/MM/YYYY")
        field_error(errors, "meeting_date")
        st.form_submit_button(
            "Record meeting", type="primary", on_click=_save_meeting, args=(who, form)
        )


def _save_meeting(who: Principal, form: str) -> None:
    state = st.session_state
    day = state[f"{form}:date"]
    if day is None:
        state[f"outcome:{form}"] = {"errors": {"meeting_date": "choose the meeting's date"}}
        return
    _attempt(
        form,
        "meetings",
        "new",
        lambda: commands.record_meeting(data.get_store(), who, state[f"{form}:committee"], day),
    )


FORMS: dict[str, tuple[Permission, Callable[[Principal], None]]] = {
    "Accountability area": (Permission.EDIT_AREA, area_form),
    "Milestone": (Permission.EDIT_MILESTONE, milestone_form),
    "Savings line": (Permission.EDIT_SAVINGS, savings_form),
    "Backlog figures": (Permission.EDIT_BACKLOG, backlog_form),
    "Committee action": (Permission.EDIT_ACTION, action_form),
    "Committee meeting": (Permission.RECORD_MEETING, meeting_form),
}


def forms_for(who: Principal) -> list[str]:
    return [name for name, (permission, _) in FORMS.items() if who.has(permission)]
