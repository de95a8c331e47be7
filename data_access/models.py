"""The domain model: pydantic v2 models validated at the edge (imports, forms, CLI).

Models accept what council files contain (``£1,500``, ``31/03/2024``, ``2023-24``) and hold
exact types (integer pence, ``date``, ``2023/24``). Status lists an administrator can change are
checked against the lists passed in the validation context under ``"lists"``; their meanings say
which milestone statuses are complete (and so need a completed date).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from data_access import parsing
from data_access.limits import (
    BRIDGE_LABEL_CHARS,
    BRIDGE_REPORT_CHARS,
    CLD_CODE_CHARS,
    CODE_CHARS,
    COMMITTEE_CHARS,
    EMAIL_CHARS,
    INTEGER_MAX,
    LONG_TEXT_CHARS,
    MONEY_MAX_PENCE,
    NAME_CHARS,
    PERSON_NAME_CHARS,
    PRIORITY_BAND_CHARS,
    SOURCE_CHARS,
    STATUS_CHARS,
    TEAM_CHARS,
    WORKSTREAM_CHARS,
)
from data_access.measures import BACKLOG, MEASURES
from data_access.plain_cells import Plain
from data_access.rating_scales import BRAG, RAG
from data_access.statuses import Meaning, StatusList, default_statuses
from data_access.vocab import (
    FLAG_WORDS,
    STOPPED_SCOPE,
    ActionKind,
    AgeBand,
    Basis,
    BridgeKind,
    Cohort,
    Role,
    SavingsStatus,
    SourceKind,
    StoppedYears,
)


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _money(allow_negative: bool):
    def convert(value: Any) -> Any:
        value = _blank_to_none(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float | Decimal):
            return parsing.pence_from_number(value, allow_negative=allow_negative)
        return parsing.parse_money_pence(str(value), allow_negative=allow_negative)

    return convert


FLAG_RULE = "must be yes or no (also y/n, true/false or 1/0)"


def _flag(value: Any) -> Any:
    """A yes/no cell: yes, y, true, 1 or no, n, false, 0 in any case; blank is no (not
    recorded)."""
    value = _blank_to_none(value)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = FLAG_WORDS.get(str(value).strip().lower())
    if word is None:
        raise ValueError(FLAG_RULE)
    return word


def _date(value: Any) -> Any:
    value = _blank_to_none(value)
    return None if value is None else parsing.parse_cell_date(value)


def _month(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, datetime):
        return value.date().replace(day=1) if value else value
    if isinstance(value, date):
        return value.replace(day=1)
    return parsing.parse_month(str(value))


def _fy(value: Any) -> Any:
    value = _blank_to_none(value)
    return value if value is None else parsing.parse_financial_year(str(value))


_WHOLE = re.compile(r"^-?[0-9]+$")
COUNT_RULE = f"must be a whole number from 0 to {INTEGER_MAX:,}"


def _count(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "")
        # ASCII digits only: str.isdigit() also takes '١٢' (Arabic-Indic twelve)
        if not _WHOLE.match(cleaned):
            raise ValueError("must be a whole number")
        if len(cleaned.lstrip("-0")) > len(str(INTEGER_MAX)):
            raise ValueError(COUNT_RULE)
        value = int(cleaned)
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= INTEGER_MAX:
        # one message for negative and too large: the column holds 32-bit integers
        raise ValueError(COUNT_RULE)
    return value


def _whole(value: Any) -> Any:
    """A whole number, also as an export writes it in a money-typed column ('12.00')."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError("must be a whole number") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError("must be a whole number")
        if abs(number) > MONEY_MAX_PENCE:
            return int(MONEY_MAX_PENCE + 1)  # the field's bound names the limit
        return int(number)
    return value


def _fte_hundredths(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("FTE must be a number such as 1, 0.5 or 7") from None
    # is_finite first: any arithmetic on a signalling NaN ('sNaN') raises InvalidOperation
    if not amount.is_finite() or not 0 < amount <= 1000 or amount != round(amount, 2):
        raise ValueError("FTE must be more than 0, at most 1000, with at most 2 decimal places")
    return int(amount * 100)


def _stripped(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if value is None else str(value).strip()


def _name(value: Any) -> Any:
    """A key or name: stripped, and refused if it holds a character that shows as nothing."""
    value = _stripped(value)
    return value if value is None else parsing.check_visible(value)


def _enum_text(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        # files say "red", "RED" or "Red"; store the canonical spelling
        return value.strip()
    return value


def _case_insensitive(enum_cls):
    members = {}
    for member in enum_cls:
        members.setdefault(member.value.lower(), member)

    def convert(value: Any) -> Any:
        value = _enum_text(value)
        if isinstance(value, str):
            return members.get(value.lower(), value)
        return value

    return convert


# Each bound is the column's (data_access.limits); the Field comes before the validator so
# that pydantic checks it on the text itself ("String should have at most 40 characters").
Pence = Annotated[
    int, Field(ge=0, le=MONEY_MAX_PENCE), BeforeValidator(_money(False)), Plain("pence")
]
SignedPence = Annotated[
    int, Field(ge=-MONEY_MAX_PENCE, le=MONEY_MAX_PENCE), BeforeValidator(_money(True))
]
Day = Annotated[date, BeforeValidator(_date), Plain("day")]
Month = Annotated[date, BeforeValidator(_month), Plain("month")]
FinancialYear = Annotated[
    str, Field(max_length=len("2023/24")), BeforeValidator(_fy), Plain("financial_year")
]
Count = Annotated[int, Field(ge=0, le=INTEGER_MAX), BeforeValidator(_count), Plain("count")]
Flag = Annotated[bool, BeforeValidator(_flag), Plain("flag")]


def _name_type(max_chars: int):
    """A required name of at most ``max_chars`` characters, none of them invisible."""
    return Annotated[
        str, Field(min_length=1, max_length=max_chars), BeforeValidator(_name), Plain("name")
    ]


Text = _name_type(NAME_CHARS)
Source = _name_type(SOURCE_CHARS)
Workstream = _name_type(WORKSTREAM_CHARS)
Team = _name_type(TEAM_CHARS)
PriorityBand = _name_type(PRIORITY_BAND_CHARS)
Committee = _name_type(COMMITTEE_CHARS)
Code = Annotated[
    str,
    Field(min_length=1, max_length=CODE_CHARS, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"),
    BeforeValidator(_name),
    Plain("code"),
]
# free text (commentary, evidence, action text, reasons) keeps every character it was written
# with: zero-width joiners and direction marks belong to some languages and to emoji, and free
# text is never a key or a name that rows are matched or grouped by
LongText = Annotated[
    str,
    Field(min_length=1, max_length=LONG_TEXT_CHARS),
    BeforeValidator(_stripped),
    Plain("long_text"),
]
OptionalLongText = Annotated[LongText | None, BeforeValidator(_stripped)]
FteHundredths = Annotated[int, Field(gt=0, le=100_000), BeforeValidator(_fte_hundredths)]
# the scales' own check, the one the edit commands use: same spellings, same stored value
RagValue = Annotated[str, BeforeValidator(RAG.parse)]
BragValue = Annotated[str, BeforeValidator(BRAG.parse)]
StopStatus = Annotated[SavingsStatus, BeforeValidator(_case_insensitive(SavingsStatus))]


def _statuses(info: ValidationInfo, list_name: str) -> StatusList:
    """The list in force, from the validation context (defaults when none is given)."""
    allowed = (info.context or {}).get("lists", {}).get(list_name)
    if allowed is None:
        return default_statuses()[list_name]
    return allowed if isinstance(allowed, StatusList) else StatusList.by_word(allowed)


def _in_list(list_name: str):
    def check(value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        allowed = _statuses(info, list_name)
        for option in allowed:
            if option.lower() == value.lower():
                return option
        raise ValueError(f"unknown status; allowed: {', '.join(allowed)}")

    return check


def _status_type(list_name: str):
    return Annotated[
        str,
        Field(max_length=STATUS_CHARS),
        BeforeValidator(_name),
        AfterValidator(_in_list(list_name)),
    ]


Status = _name_type(STATUS_CHARS)
AreaStatus = _status_type("area_statuses")
MilestoneStatus = _status_type("milestone_statuses")
ActionStatus = _status_type("action_statuses")


class Record(BaseModel):
    """Common configuration: file column names are the aliases; unknown fields are refused."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, str_strip_whitespace=True, frozen=True
    )


class Provenance(Record):
    """Where a figure came from. ``loaded_by``/``loaded_at`` are set by the store, not by files."""

    source: Source
    source_kind: Annotated[
        SourceKind, BeforeValidator(_case_insensitive(SourceKind)), Plain("enum")
    ] = SourceKind.OFFICER
    as_at: Day
    basis: Annotated[Basis, BeforeValidator(_case_insensitive(Basis)), Plain("enum")] = (
        Basis.PUBLISHED
    )


class Area(Provenance):
    code: Code
    title: Text
    lead: Text | None = None
    status: AreaStatus
    rag: RagValue | None = None
    commentary: OptionalLongText = None
    last_updated: Day | None = None


class Milestone(Provenance):
    code: Code
    area_code: Code
    title: Text
    owner: Text | None = None
    due_date: Day | None = None
    status: MilestoneStatus
    completed_date: Day | None = None
    evidence: OptionalLongText = None

    @field_validator("completed_date")
    @classmethod
    def _completed_needs_complete(cls, value: date | None, info: ValidationInfo) -> date | None:
        statuses = _statuses(info, "milestone_statuses")
        status = info.data.get("status")
        # a status already refused has no meaning to check against
        if value is not None and status and statuses.meaning(status) != Meaning.COMPLETE:
            complete = " or ".join(n for n, m in statuses.pairs() if m == Meaning.COMPLETE)
            complete = complete or "one that means complete (the list has none)"
            raise ValueError(f"a completed date is only allowed when the status is {complete}")
        return value

    @model_validator(mode="after")
    def _complete_needs_date(self, info: ValidationInfo) -> Milestone:
        statuses = _statuses(info, "milestone_statuses")
        if statuses.meaning(self.status) == Meaning.COMPLETE and self.completed_date is None:
            raise PydanticCustomError(
                "completed_date",
                "a {status} milestone needs its completed date",
                {"status": self.status},
            )
        return self


class SavingsYear(Provenance):
    """One savings line in one financial year: the row of the ``savings`` dataset."""

    code: Code
    financial_year: FinancialYear
    title: Text
    workstream: Workstream
    cohort: Annotated[Cohort, BeforeValidator(_case_insensitive(Cohort)), Plain("enum")]
    owner: Text | None = None
    target_pence: Pence = Field(alias="target")
    forecast_pence: Pence | None = Field(default=None, alias="forecast")
    delivered_pence: Pence | None = Field(default=None, alias="delivered")
    brag_override: BragValue | None = None
    override_reason: OptionalLongText = None
    # a year that stopped: kept out of the totals tracked, listed on its own, never rated
    status: StopStatus | None = None
    status_date: Day | None = None
    status_reason: OptionalLongText = None
    deferred_to: FinancialYear | None = None
    replaced_by: Code | None = None

    # blank, these leave the checks below nothing to check (data_access.plain_cells)
    plain_when_blank: ClassVar[tuple[str, ...]] = (
        "brag_override",
        "status",
        "status_date",
        "status_reason",
        "deferred_to",
        "replaced_by",
    )

    @model_validator(mode="after")
    def _override_needs_reason(self) -> SavingsYear:
        if self.brag_override is not None and self.override_reason is None:
            raise PydanticCustomError(
                "override_reason", "a BRAG override needs a reason (override_reason)"
            )
        return self

    @model_validator(mode="after")
    def _status_complete(self) -> SavingsYear:
        for problem in stop_problems(
            self.code,
            self.financial_year,
            self.status,
            self.status_date,
            self.status_reason,
            self.deferred_to,
            self.replaced_by,
        ):
            raise PydanticCustomError(problem[0], problem[1])
        return self


def stop_problems(
    code: str,
    financial_year: str,
    status: SavingsStatus | None,
    status_date: date | None,
    status_reason: str | None,
    deferred_to: str | None,
    replaced_by: str | None,
) -> list[tuple[str, str]]:
    """What is missing or out of place in a savings year's status, as (field, message): the one
    rule the import, the CLI edit and the Updates page apply."""
    if status is None:
        given = (
            ("status_date", status_date),
            ("status_reason", status_reason),
            ("deferred_to", deferred_to),
            ("replaced_by", replaced_by),
        )
        return [
            (field, f"{field} is only for a line withdrawn, deferred or replaced (status)")
            for field, value in given
            if value is not None
        ]
    word = status.value
    problems: list[tuple[str, str]] = []
    if status_date is None:
        problems.append(("status_date", f"a {word} line needs the date it was {word}"))
    if status_reason is None:
        problems.append(("status_reason", f"a {word} line needs the reason (status_reason)"))
    problems += _deferral_problems(status, financial_year, deferred_to)
    problems += _replacement_problems(status, code, replaced_by)
    return problems


def _deferral_problems(
    status: SavingsStatus, financial_year: str, deferred_to: str | None
) -> list[tuple[str, str]]:
    if status != SavingsStatus.DEFERRED:
        return (
            []
            if deferred_to is None
            else [("deferred_to", "deferred_to is only for a deferred line")]
        )
    if deferred_to is None:
        return [("deferred_to", "a deferred line needs the year it moves to")]
    if deferred_to <= financial_year:
        message = (
            f"a line deferred from {financial_year} must move to a later year, not {deferred_to}"
        )
        return [("deferred_to", message)]
    return []


def _replacement_problems(
    status: SavingsStatus, code: str, replaced_by: str | None
) -> list[tuple[str, str]]:
    if status != SavingsStatus.REPLACED:
        return (
            []
            if replaced_by is None
            else [("replaced_by", "replaced_by is only for a replaced line")]
        )
    if replaced_by is None:
        return [("replaced_by", "a replaced line needs the code of its replacement")]
    if replaced_by == code:
        return [("replaced_by", "a line cannot replace itself")]
    return []


class BridgeStep(Provenance):
    """One step of a budget-monitoring bridge as a report states it (the report's own words
    for the step; the amount in pounds, as the report gives it)."""

    report: _name_type(BRIDGE_REPORT_CHARS)
    label: _name_type(BRIDGE_LABEL_CHARS)
    kind: Annotated[BridgeKind, BeforeValidator(_case_insensitive(BridgeKind))]
    amount_pence: SignedPence = Field(alias="amount")


class SavingsComponent(Provenance):
    """What a savings line is made of, as a paper itemises it (amount may be unpublished)."""

    code: Code
    line_code: Code
    title: Text
    amount_pence: Pence | None = Field(default=None, alias="amount")


class MtfsRequirement(Provenance):
    code: Code
    period: Text
    required_pence: Pence = Field(alias="required")
    forecast_pence: Pence = Field(alias="forecast")
    reported_shortfall_pence: Pence | None = Field(default=None, alias="reported_shortfall")


class ReviewProgramme(Provenance):
    code: Code
    title: Text
    financial_year: FinancialYear
    reviews_planned: Count
    cost_pence: Pence = Field(alias="cost")
    savings_pence: Pence = Field(alias="savings")
    agency_cost_pence: Pence | None = Field(default=None, alias="agency_cost")


class Post(Provenance):
    code: Code
    area_of_support: Text
    post_title: Text
    band: Text | None = None
    fte_hundredths: FteHundredths = Field(alias="fte")
    start_date: Day | None = None
    end_date: Day | None = None
    period_label: Text | None = None
    cost_pence: Pence = Field(alias="cost")
    unit_cost_pence: Pence | None = Field(default=None, alias="unit_cost")
    funding_source: Text | None = None
    workstream: Workstream | None = None

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if value is not None and start is not None and value < start:
            raise ValueError("end_date is before start_date")
        return value


def _measure(value: Any, info: ValidationInfo) -> str:
    """A backlog measure of the registry in force (from the validation context; the built-in
    measures when none is given), in the registry's spelling, or the error pydantic gives a
    value outside a list of choices."""
    registry = (info.context or {}).get("measures", MEASURES)
    value = _enum_text(value)
    try:
        return registry.check(value if isinstance(value, str) else "", BACKLOG)
    except ValueError:
        raise PydanticCustomError(
            "enum", "Input should be {expected}", {"expected": registry.expected(BACKLOG)}
        ) from None


# a file's measure is checked against the registry; the schema (and so the column bounds the
# tests compare with the table) lists the built-in codes
MeasureCode = Annotated[
    str,
    BeforeValidator(_measure),
    Plain("measure"),
    WithJsonSchema({"type": "string", "enum": list(MEASURES.codes(BACKLOG))}),
]


class BacklogObservation(Provenance):
    measure: MeasureCode
    month: Month
    team: Team
    priority_band: PriorityBand
    value: Count
    target: Count | None = None


class CommitteeAction(Provenance):
    code: Code
    committee: Committee
    meeting_date: Day
    kind: Annotated[ActionKind, BeforeValidator(_case_insensitive(ActionKind))]
    text: LongText
    owner: Text | None = None
    due_date: Day | None = None
    status: ActionStatus


class Case(Provenance):
    """One person in a case-management census extract at its extract date: the row of the
    ``cases`` dataset. No direct identifier has a field (``data_access.identifiers`` refuses a
    file that carries one); ``person_id`` is the council's own id."""

    extract_date: Day
    person_id: Code
    team: Team
    age_band: Annotated[AgeBand, BeforeValidator(_case_insensitive(AgeBand)), Plain("enum")]
    primary_support_reason: Text | None = None
    setting: Text | None = None
    support_start: Day | None = None
    last_review: Day | None = None
    next_review_due: Day | None = None
    waiting_assessment_since: Day | None = None
    waiting_ot_since: Day | None = None
    waiting_service_since: Day | None = None
    safeguarding_open: Flag = False
    provider_concern: Flag = False
    lives_alone: Flag = False
    has_unpaid_carer: Flag = False
    last_contact: Day | None = None


# a CLD code as written (mapped to DHSC's list on import) and an event's reference: 200
# characters, the column's (person id and reference together name an event in the audit trail)
CldText = _name_type(CLD_CODE_CHARS)
# an age in whole years, as an export of CLD events writes it in place of the date of birth
Age = Annotated[int, Field(ge=0, le=150), BeforeValidator(_count), Plain("count")]


class CldEvent(Provenance):
    """One event of a council's Client Level Data file: the row of the ``cld`` dataset.

    File columns are DHSC's Release 2 names as normalised headers (``Event Type``,
    ``Event_Type`` and ``EVENT-TYPE`` are all ``event_type``; data_access/cld_columns.py reads
    the rest, drops direct identifiers and names them). The date of birth is read only to work
    out the age at each event (``age_at_event``, which an export writes instead) and is never
    stored. Coded fields hold the value as written; the writer maps them to DHSC's lists.
    """

    person_id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=CODE_CHARS,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
            alias="la_person_unique_identifier",
        ),
        BeforeValidator(_name),
        Plain("code"),
    ]
    event_reference: CldText
    event_type: CldText
    event_start_date: Day
    event_end_date: Day | None = None
    client_type: CldText | None = None
    date_of_birth: Day | None = None
    age_at_event: Age | None = None
    primary_support_reason: CldText | None = None
    event_description: Text | None = None
    event_outcome: CldText | None = None
    service_type: CldText | None = None
    review_reason: CldText | None = None
    assessment_type: CldText | None = None
    team: Team | None = None
    reporting_period_start: Day | None = Field(None, alias="reporting_period_start_date")
    reporting_period_end: Day | None = Field(None, alias="reporting_period_end_date")


# a scope names rows by their names (workstream, team ...): the same rule as the names
ScopeValue = Annotated[str, Field(max_length=NAME_CHARS), AfterValidator(parsing.check_visible)]


class ReportedTotal(Provenance):
    """A total as a paper reports it, to be checked against the sum of the stored parts.

    ``scope`` names the parts: the dataset summed and filters such as ``workstream``,
    ``cohort``, ``financial_year``, ``line_code``, ``post_code``, ``measure``, ``month``. A
    ``savings_target`` total is of the years still tracked (those withdrawn, deferred or
    replaced are left out) unless its scope says ``stopped=included``
    (``data_access.vocab.STOPPED_SCOPE``).
    """

    code: Code
    label: Text
    dataset: Annotated[
        str, Field(max_length=CODE_CHARS), AfterValidator(lambda v: _one_of(v, REPORTED_DATASETS))
    ]
    scope: Annotated[dict[str, ScopeValue], BeforeValidator(lambda v: parse_scope(v))] = Field(
        default_factory=dict
    )
    # in pounds for money (stored in pence, as every money column), a whole number for counts
    reported_value: Annotated[int, Field(ge=-MONEY_MAX_PENCE, le=MONEY_MAX_PENCE)]

    @field_validator("reported_value", mode="before")
    @classmethod
    def _pounds_for_money(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("dataset", "savings_target") in MONEY_REPORTED_DATASETS:
            return _money(True)(value)
        return _whole(value)

    @field_validator("scope")
    @classmethod
    def _known_scope(cls, scope: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        unknown = set(scope) - SCOPE_KEYS
        if unknown:
            raise ValueError(f"unknown scope keys: {', '.join(sorted(unknown))}")
        if STOPPED_SCOPE in scope:
            scope = {**scope, STOPPED_SCOPE: _stopped(scope[STOPPED_SCOPE], info.data)}
        if "month" in scope:
            # as the documentation writes it (2024-03, Mar 2024): stored as its first day,
            # the way backlog months are
            scope = {**scope, "month": parsing.parse_month(scope["month"]).isoformat()}
        return scope


def _stopped(value: str, fields: dict[str, Any]) -> str:
    """A ``stopped`` scope: ``included`` or ``excluded``, in any case, of a savings_target
    total only (no other dataset has years that stop)."""
    dataset = fields.get("dataset")
    if dataset is not None and dataset != "savings_target":
        raise ValueError(f"{STOPPED_SCOPE} is only for a savings_target total, not {dataset}")
    word = value.strip().lower()
    if word not in {s.value for s in StoppedYears}:
        allowed = " or ".join(f"'{s.value}'" for s in StoppedYears)
        raise ValueError(f"{STOPPED_SCOPE} is {allowed}, not {value!r}")
    return word


def parse_scope(text: object) -> dict[str, str]:
    """``"workstream=X; cohort=younger"`` as a dict (files hold scopes as text)."""
    if isinstance(text, dict):
        return text
    scope = {}
    for part in str(text or "").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError("scope must be written as key=value; key=value")
        key, value = part.split("=", 1)
        scope[_scope_key(key)] = value.strip()
    return scope


def _scope_key(key: str) -> str:
    """``Priority band``, ``priority-band`` and ``priority_band`` name the same column."""
    return "_".join(key.strip().lower().replace("-", " ").split())


def scope_text(scope: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(scope.items()))


REPORTED_DATASETS = ("savings_target", "components", "posts_cost", "backlog")
MONEY_REPORTED_DATASETS = ("savings_target", "components", "posts_cost")
SCOPE_KEYS = {
    "workstream",
    "cohort",
    "financial_year",
    "line_code",
    "post_code",
    "measure",
    "month",
    "team",
    "priority_band",
    "source",
    STOPPED_SCOPE,
}


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


def _email(value: Any) -> str:
    return parsing.check_visible(str(value).strip().lower())


Email = Annotated[
    str,
    Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=EMAIL_CHARS),
    BeforeValidator(_email),
]


class User(Record):
    email: Email
    name: _name_type(PERSON_NAME_CHARS)
    role: Annotated[Role, BeforeValidator(_case_insensitive(Role))]
    # what an officer may edit (ignored for other roles, whose rights are not scoped)
    areas: tuple[Code, ...] = ()
    workstreams: tuple[Workstream, ...] = ()
    teams: tuple[Team, ...] = ()
    actions: tuple[Code, ...] = ()


# what people call a field in the administration forms and ``ascgov users`` / ``measures``
FIELD_WORDS = {
    "email": "Email address",
    "name": "Full name",
    "role": "Role",
    "areas": "Accountability areas",
    "workstreams": "Savings workstreams",
    "teams": "Backlog teams",
    "actions": "Committee actions",
    "code": "Code",
    "label": "Label",
    "definition": "Definition",
    "unit": "Unit",
    "category": "Category",
    "rise_is_good": "Whether a rise is good",
}
# patterns said in words: a raw pattern means nothing to the person who typed the value
PATTERN_WORDS = {
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "is not an email address (it should look like "
    "name@council.gov.uk)",
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$": "is not a code (letters, digits and . _ / - only, "
    "starting with a letter or digit)",
    r"^[a-z][a-z0-9_]*$": "is not a measure code (lower-case letters, digits and _ only, "
    "starting with a letter)",
}


def describe_error(error: dict) -> str:
    """One pydantic error in plain words, naming the field and the value given.

    >>> describe_error({"type": "missing", "loc": ("email",), "msg": "Field required"})
    'Email address: required'
    """
    loc = error.get("loc") or ("value",)
    field = FIELD_WORDS.get(str(loc[0]), str(loc[0]).replace("_", " ").capitalize())
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    given = error.get("input")
    shown = f"{given!r}" if isinstance(given, str) and len(given) <= 80 else "the value"
    if kind == "string_pattern_mismatch":
        said = f"{shown} " + PATTERN_WORDS.get(ctx.get("pattern"), "is not in the expected form")
    elif kind == "string_too_long":
        said = f"too long (at most {ctx.get('max_length')} characters)"
    elif kind in ("string_too_short", "too_short", "missing", "string_type") and not given:
        said = "required"
    elif kind == "enum":
        said = f"{shown} is not one of {str(ctx.get('expected', '')).replace(chr(39), '')}"
    elif kind == "bool_parsing":
        said = f"{shown} is not yes or no"
    else:
        said = str(error.get("msg", "")).removeprefix("Value error, ")
        if "pattern" in said:
            said = f"{shown} is not in the expected form"
    return f"{field}: {said}"


def describe_errors(exc: ValidationError) -> str:
    """A model's refusal in one line for people, in plain words (never a raw pattern):
    ``Email address: 'x' is not an email address (...)``."""
    return "; ".join(dict.fromkeys(describe_error(e) for e in exc.errors(include_url=False)))
