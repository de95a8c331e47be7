"""What each file column means: the source of docs/data-formats.md (kept in sync by a test)."""

from __future__ import annotations

from data_access.measures import BACKLOG, MEASURES
from data_access.rating_scales import BRAG, RAG


def _one_of(names: tuple[str, ...]) -> str:
    """The names as the document writes a choice: `Red`, `Amber` or `Green`."""
    quoted = [f"`{name}`" for name in names]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


COMMON = {
    "code": (
        "Unique reference for the row, e.g. `IP09` or `NCC-YA` (letters, digits, `.`, `_`, `/`, "
        "`-`; at most 40)."
    ),
    "title": "Plain-English name as members read it.",
    "owner": "Person or post accountable.",
    "status": "One of the configured statuses (see below); case does not matter.",
    "source": (
        "Where the figures come from: a paper's file name, a system extract or an officer. "
        "Default: the imported file's name."
    ),
    "source_kind": "`paper`, `system extract` or `officer`. Default: `system extract`.",
    "as_at": (
        "Date the figures describe (`31/03/2024` or `2024-03-31`). Default: the `--as-at` option, "
        "else today."
    ),
    "basis": (
        "`published` (as reported), `modelled` (filled in between published figures) or "
        "`illustrative` (invented for a demo). Default: `published`."
    ),
    "loaded_by": (
        "Written by exports: who loaded the row. Ignored on import (the importer records you)."
    ),
    "loaded_at": "Written by exports: when the row was loaded (UTC). Ignored on import.",
    "version": (
        "Written by exports: the row's version. If present on import it must still be current, so "
        "an edited export cannot overwrite someone else's later change."
    ),
    "financial_year": "April to March, written `2023/24` (`2023-24` and `2023/2024` are accepted).",
    "workstream": "Programme or workstream the row belongs to.",
}

PER_DATASET = {
    "areas": {
        "lead": "Lead officer (post or name).",
        "rag": f"{_one_of(RAG.names)} (case does not matter); blank if not rated.",
        "commentary": "Latest commentary. Shown as plain text, never as HTML.",
        "last_updated": "Date of the last update to the area.",
    },
    "milestones": {
        "area_code": "Code of the accountability area (must already be in the store).",
        "due_date": "Date the milestone is due.",
        "completed_date": (
            "Date completed; required when the status means complete (`Complete` by default), "
            "and only then."
        ),
        "evidence": "Evidence that the milestone is met.",
    },
    "savings": {
        "cohort": "`younger` (18-64), `older` (65+) or `all-age`.",
        "target": (
            "Saving targeted in the year, in pounds (`£1,500,000`, `1500000` or `1500000.00`). "
            "Keep the target of a line that stopped: a £0 target does not withdraw a line (it "
            "would count as a line with nothing to save); set `status` instead."
        ),
        "forecast": "Saving now forecast for the year, in pounds; blank if not forecast.",
        "delivered": "Saving delivered so far in the year, in pounds; blank if none reported.",
        "brag_override": (
            f"An officer's BRAG rating, {_one_of(BRAG.names)} (case does not matter), replacing "
            "the rule's; blank to use the rule."
        ),
        "override_reason": "Why the rating was overridden; required with `brag_override`.",
        "status": (
            "Blank while the line is tracked. `withdrawn`, `deferred` (to a later year) or "
            "`replaced` (by another line) when the year's saving has stopped: it is then kept "
            "out of the totals tracked (and of the checks of `savings_target` reported totals "
            "that cover it, unless their scope says `stopped=included`), listed on its own with "
            "its target, and not rated (never Green). Case does not matter."
        ),
        "status_date": "Date the line was withdrawn, deferred or replaced; required with `status`.",
        "status_reason": "Why it was withdrawn, deferred or replaced; required with `status`.",
        "deferred_to": (
            "The later financial year a deferred saving moves to (`2026/27`); required when "
            "`status` is `deferred`, and only then."
        ),
        "replaced_by": (
            "Code of the savings line that replaces this one (in the store or the same file); "
            "required when `status` is `replaced`, and only then."
        ),
    },
    "components": {
        "line_code": (
            "Code of the savings line the component belongs to (must already be in the store)."
        ),
        "amount": (
            "Saving from this component over the line's years, in pounds; blank if the paper does "
            "not split it."
        ),
    },
    "mtfs": {
        "period": "The period the requirement covers, e.g. `Five years from 2023/24`.",
        "required": "Savings required over the period, in pounds.",
        "forecast": "Savings forecast over the period, in pounds.",
        "reported_shortfall": (
            "Shortfall as the paper reports it, in pounds (checked against required minus "
            "forecast)."
        ),
    },
    "programmes": {
        "reviews_planned": "Number of reviews the programme plans in the year.",
        "cost": "Cost of the programme in the year, in pounds.",
        "savings": "Savings the programme is expected to deliver in the year, in pounds.",
        "agency_cost": "Part of the cost spent on agency staff, in pounds.",
    },
    "posts": {
        "area_of_support": "Area the post supports, e.g. `Younger Adults`.",
        "post_title": "Title of the post.",
        "band": "Pay band or grade, e.g. `Band E`, `Grade 5`.",
        "fte": (
            "Full-time equivalents, e.g. `1`, `0.5`, `7` (more than 0, at most 2 decimal places)."
        ),
        "start_date": "First day of the funded period.",
        "end_date": "Last day of the funded period (not before the start).",
        "period_label": "The period as the paper words it, e.g. `12 months (April 18-March 19)`.",
        "cost": "Total cost of the post(s) over the period, in pounds.",
        "unit_cost": (
            "Cost of one FTE over the period, where given (checked: FTE x unit cost = cost)."
        ),
        "funding_source": "How the post is funded, e.g. reserves, improved Better Care Fund.",
    },
    "backlog": {
        "measure": f"{_one_of(MEASURES.codes(BACKLOG))}.",
        "month": "Month of the figure: `2024-03`, `Mar 2024` or any date in the month.",
        "team": "Team the figure is for (`All teams` for a council-wide total).",
        "priority_band": "Priority band (`All priorities` for a total over bands).",
        "value": "Count of people (a whole number, not negative).",
        "target": "Target for the month, if there is one (a whole number).",
    },
    "actions": {
        "committee": "Committee or board that agreed it.",
        "meeting_date": "Date of the meeting.",
        "kind": "`resolution` or `action`.",
        "text": "The resolution or action as minuted.",
        "due_date": "Date it is due, if set.",
    },
    "bridges": {
        "report": (
            "The budget-monitoring report the bridge is from, e.g. `Budget monitoring P6 2024/25`."
        ),
        "label": "The step in the report's words, e.g. `Projected overspend`.",
        "kind": (
            "`start` (the figure the bridge starts from), `less` (taken off), `plus` (added) or "
            "`result` (what the report says is left). Each report needs one `start` and one "
            "`result`; `ascgov check` reports a result that is not the start less and plus "
            "the steps."
        ),
        "amount": (
            "The step's amount as the report gives it, in pounds (`8646000`, `£8,646,000`); "
            "a `less` step is written as a positive amount taken off. Unlike other money "
            "columns it may be negative (a start or result that is an underspend)."
        ),
    },
    "cases": {
        "extract_date": (
            "The date the extract was taken from the case-management system "
            "(`2024-03-31` or `31/03/2024`). A corrected extract for the same date replaces "
            "that date's rows."
        ),
        "person_id": (
            "The council's own person id from the case-management system (letters, digits, "
            "`.`, `_`, `/`, `-`; at most 40). Never an NHS number: an id of ten digits with a "
            "valid NHS check digit is refused."
        ),
        "team": "The team the person is allocated to, as the backlog names teams.",
        "age_band": "`18-64` or `65+` (the age band, not the age or date of birth).",
        "primary_support_reason": "Primary support reason, e.g. `Physical support`.",
        "setting": "Where the person is supported, e.g. `Community` or `Residential care`.",
        "support_start": "Date long-term support started, if the person has it.",
        "last_review": "Date of the last completed review.",
        "next_review_due": "Date the next review is due, if the system records it.",
        "waiting_assessment_since": "Date the person started waiting for a first assessment.",
        "waiting_ot_since": (
            "Date the person started waiting for an occupational-therapy assessment."
        ),
        "waiting_service_since": (
            "Date the person, assessed, started waiting for a service or first direct payment."
        ),
        "safeguarding_open": (
            "An open safeguarding enquiry: `yes` or `no` (also `y`/`n`, `true`/`false`, "
            "`1`/`0`, any case). Blank means not recorded and is stored as `no`."
        ),
        "provider_concern": (
            "A concern about the provider of the person's setting: yes or no, as "
            "`safeguarding_open` (blank is `no`)."
        ),
        "lives_alone": "Lives alone: yes or no, as `safeguarding_open` (blank is `no`).",
        "has_unpaid_carer": (
            "Supported by an unpaid carer: yes or no, as `safeguarding_open` (blank is `no`)."
        ),
        "last_contact": "Date of the last contact with the person.",
    },
    "cld": {
        "la_person_unique_identifier": (
            "`LA_Person_Unique_Identifier`: the council's own person id (letters, digits, `.`, "
            "`_`, `/`, `-`; at most 40). Never an NHS number: an id of ten digits with a valid "
            "NHS check digit is refused."
        ),
        "event_reference": (
            "`Event_Reference`: the council's reference for the event; with the person id it "
            "names the event, so a quarter's file sent again updates its events."
        ),
        "event_type": "`Event_Type`: `Request`, `Assessment`, `Service` or `Review`.",
        "event_start_date": "`Event_Start_Date` (`2024-03-31` or `31/03/2024`).",
        "event_end_date": "`Event_End_Date`; blank while a service is open.",
        "client_type": "`Client_Type`: `Service User`, `Carer` or `Carer known by association`.",
        "date_of_birth": (
            "`Date_of_Birth`: read only to work out the person's age at each event's start "
            "date, then dropped; never stored."
        ),
        "age_at_event": (
            "The age in whole years at the event's start, as an export writes it in place of "
            "the date of birth; used when `date_of_birth` is blank."
        ),
        "primary_support_reason": (
            "`Primary_Support_Reason`, e.g. `Physical Support: Personal Care Support`."
        ),
        "event_description": "`Event_Description`, as the council's system writes it.",
        "event_outcome": (
            "`Event_Outcome`, e.g. `Progress to support planning or services` or "
            "`NFA - Self-funded client (inc. 12-week disregard)`."
        ),
        "service_type": (
            "`Service_Type` of a service, e.g. `Long term support: Community` or "
            "`Short term support: ST-Max`."
        ),
        "review_reason": "`Review_Reason` of a review: `Planned` or `Unplanned - <reason>`.",
        "assessment_type": ("`Assessment_Type` of an assessment, e.g. `Long Term Assessment`."),
        "team": (
            "The council's own team for the event (not a DHSC column): officers load and see "
            "the events of their teams. Optional."
        ),
        "reporting_period_start_date": "`Reporting_Period_Start_Date` of the submission.",
        "reporting_period_end_date": "`Reporting_Period_End_Date` of the submission.",
    },
    "reported_totals": {
        "label": "What the total is, as the paper describes it.",
        "dataset": "What it adds up: `savings_target`, `components`, `posts_cost` or `backlog`.",
        "scope": (
            "Which rows it covers: `key=value; key=value` with keys workstream, cohort, "
            "financial_year, line_code, post_code, measure, team, priority_band, month "
            "(`month=2024-03`), source, stopped. A `savings_target` total is checked against "
            "the years still tracked: a year withdrawn, deferred or replaced (its `status`) is "
            "left out, as it is of every savings total the dashboard shows. A paper's total "
            "that still counts those years says `stopped=included` (`stopped=excluded`, the "
            "default, says the total is of the years tracked); `stopped` is for "
            "`savings_target` totals only."
        ),
        "reported_value": "The total as reported: in pounds for money, else a count.",
    },
}


def describe(dataset: str, column: str) -> str:
    return PER_DATASET.get(dataset, {}).get(column) or COMMON[column]
