"""Fixed vocabularies and the defaults of the configurable ones (RAG and BRAG ratings are in
``data_access/rating_scales.py``)."""

from __future__ import annotations

from enum import StrEnum


class Cohort(StrEnum):
    YOUNGER = "younger"
    OLDER = "older"
    ALL_AGE = "all-age"


class AgeBand(StrEnum):
    """A person's age band in a case-management extract (the issue's cohorts)."""

    WORKING_AGE = "18-64"
    OLDER = "65+"


# the spellings of a yes/no cell (read in any case); a blank cell is no: not recorded
FLAG_WORDS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}


class Role(StrEnum):
    MEMBER = "member"
    OFFICER = "officer"
    DIRECTOR = "director"
    ADMIN = "admin"


class Basis(StrEnum):
    """Whether a row's figures were published, modelled to fill gaps, or invented to illustrate."""

    PUBLISHED = "published"
    MODELLED = "modelled"
    ILLUSTRATIVE = "illustrative"


class SourceKind(StrEnum):
    PAPER = "paper"
    SYSTEM = "system extract"
    OFFICER = "officer"


class ActionKind(StrEnum):
    RESOLUTION = "resolution"
    ACTION = "action"


class SavingsStatus(StrEnum):
    """Why a savings line's year is no longer tracked (a blank status: it is tracked)."""

    WITHDRAWN = "withdrawn"
    DEFERRED = "deferred"  # to a later year, named in ``deferred_to``
    REPLACED = "replaced"  # by another line, named in ``replaced_by``


# A reported total of savings targets is checked against the years still tracked (a year
# withdrawn, deferred or replaced is left out, as it is of every total the pages show), unless
# its scope says ``stopped=included``: a paper's total that still counts the stopped years.
STOPPED_SCOPE = "stopped"


class StoppedYears(StrEnum):
    """What a savings_target total's ``stopped`` scope says of the years that stopped."""

    INCLUDED = "included"
    EXCLUDED = "excluded"  # the default: the total is of the years tracked


class BridgeKind(StrEnum):
    """A step of a budget-monitoring bridge: the figure it starts from, an amount taken off or
    added, and the figure the report says it leaves."""

    START = "start"
    LESS = "less"
    PLUS = "plus"
    RESULT = "result"


class Measure(StrEnum):
    WAITING_REVIEW = "waiting_review"
    WAITING_OT_ASSESSMENT = "waiting_ot_assessment"
    REVIEWS_COMPLETED = "reviews_completed"
    OVERDUE_ANNUAL_REVIEWS = "overdue_annual_reviews"


DEFAULT_AREA_STATUSES = (
    "Routine activity",
    "Part of MTFS project plans",
    "Focus of additional input",
    "In progress",
    "Not started",
    "Complete",
)
DEFAULT_MILESTONE_STATUSES = ("Not started", "In progress", "Complete", "Slipped", "Cancelled")
DEFAULT_ACTION_STATUSES = ("Open", "In progress", "Done", "Noted")

# Status lists an administrator may change; keys are the names used in the settings table.
CONFIGURABLE_LISTS = {
    "area_statuses": DEFAULT_AREA_STATUSES,
    "milestone_statuses": DEFAULT_MILESTONE_STATUSES,
    "action_statuses": DEFAULT_ACTION_STATUSES,
}


# team and priority-band names of rows that are totals over every team or band
ALL_TEAMS = "All teams"
ALL_BANDS = "All priorities"
