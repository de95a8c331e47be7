"""Every measure the dashboard reports, defined once: its code, label, plain-English meaning,
unit, which way is good, source, owner and the published category it belongs to.

Pages, the Definitions table, the briefing pack, the backlog trends and the importer all read
this registry; nothing else holds a measure's label or meaning. The built-in measures are the
tuple ``BUILT_IN``; a ``Registry`` is made from rows, so a later step can add an administrator's
measures (rows from a table) to the built-in ones without changing any reader.

>>> MEASURES.label("waiting_review")
'People waiting for a review'
>>> MEASURES.get("reviews_completed").unit, MEASURES.get("reviews_completed").rise_is_good
('reviews', True)
>>> [m.code for m in MEASURES.in_table(BACKLOG)][:4]  # display order, the ADASS survey's next
['waiting_review', 'waiting_ot_assessment', 'reviews_completed', 'overdue_annual_reviews']
>>> MEASURES.get("waiting_list") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import select

from data_access.limits import CODE_CHARS
from data_access.vocab import Measure

# the table whose rows hold several measures, told apart by their ``measure`` column
BACKLOG = "backlog"
LOCAL = "local measure"
# filled in by the Definitions table from the settings in force (the BRAG thresholds and the
# RAG scale), so the words a member reads match the rules the pages apply
BRAG_RULE = "{brag_rule}"
# the ADASS spring survey of waiting lists: each of its categories is a built-in measure, so a
# council can answer the survey from the figures it loads
ADASS_SURVEY = "ADASS spring survey"
RAG_RATINGS = "{rag_ratings}"


@dataclass(frozen=True)
class MeasureInfo:
    """One measure. ``table`` is the dataset its figures live in; ``rise_is_good`` is None where
    a rise is neither good nor bad (a rating, a count of posts)."""

    code: str
    label: str
    meaning: str  # the plain-English definition members read
    unit: str  # "people", "reviews", "£", "rating", "actions"
    rise_is_good: bool | None
    source: str  # who or what publishes the figures
    owner: str
    category: str  # the published category it belongs to, or LOCAL
    table: str

    def __post_init__(self) -> None:
        if not self.code or len(self.code) > CODE_CHARS:
            raise ValueError(f"a measure code has 1 to {CODE_CHARS} characters: {self.code!r}")
        if not self.label.strip():
            raise ValueError(f"measure {self.code} has no label")


_CASE_SYSTEM = "The council's case management system, reported by the performance team"
_FINANCE = "The council's budget monitoring and MTFS papers"

BUILT_IN: tuple[MeasureInfo, ...] = (
    MeasureInfo(
        Measure.WAITING_REVIEW.value,
        "People waiting for a review",
        "People whose care and support plan is due a review and who are waiting for it.",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        f"{ADASS_SURVEY}: people waiting for a review",
        BACKLOG,
    ),
    MeasureInfo(
        Measure.WAITING_OT_ASSESSMENT.value,
        "People waiting for an OT assessment",
        "People waiting for an occupational therapy (OT) assessment of equipment, "
        "adaptations and daily living.",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        LOCAL,
        BACKLOG,
    ),
    MeasureInfo(
        Measure.REVIEWS_COMPLETED.value,
        "Reviews completed",
        "Reviews of care and support plans completed, as the source reports them "
        "(the source line says whether they are counted cumulatively).",
        "reviews",
        True,
        _CASE_SYSTEM,
        "Performance team",
        LOCAL,
        BACKLOG,
    ),
    MeasureInfo(
        Measure.OVERDUE_ANNUAL_REVIEWS.value,
        "Overdue annual reviews",
        "People with no review in the last 12 months: the Care Act 2014 statutory "
        "guidance expects a review at least every 12 months.",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        LOCAL,
        BACKLOG,
    ),
    MeasureInfo(
        "awaiting_assessment",
        "People awaiting a first assessment",
        "People waiting for a first Care Act assessment of their needs (ADASS survey: "
        "people awaiting assessment).",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        f"{ADASS_SURVEY}: people awaiting an assessment",
        BACKLOG,
    ),
    MeasureInfo(
        "awaiting_assessment_over_6_months",
        "Of whom waiting over six months for a first assessment",
        "Of the people awaiting a first assessment, those who have waited more than six "
        "months (ADASS survey).",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        f"{ADASS_SURVEY}: of whom waiting over six months",
        BACKLOG,
    ),
    MeasureInfo(
        "awaiting_service",
        "People assessed and awaiting a service or first direct payment",
        "People whose needs have been assessed and who are waiting for their care and "
        "support to start or their first direct payment (ADASS survey).",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        f"{ADASS_SURVEY}: awaiting a service or direct payment",
        BACKLOG,
    ),
    MeasureInfo(
        "overdue_review",
        "People overdue a review",
        "People whose review of their care and support plan is overdue (ADASS survey: "
        "people overdue a review).",
        "people",
        False,
        _CASE_SYSTEM,
        "Performance team",
        f"{ADASS_SURVEY}: people overdue a review",
        BACKLOG,
    ),
    MeasureInfo(
        "savings",
        "Savings target, forecast and delivered",
        "Per savings line and financial "
        "year: the saving required, now forecast and delivered so far.",
        "£",
        True,
        _FINANCE,
        "Finance (Adults)",
        LOCAL,
        "savings",
    ),
    MeasureInfo(
        "brag_rating",
        "BRAG rating",
        BRAG_RULE,
        "rating",
        None,
        "Savings lines' forecast against target, rated by the dashboard's BRAG rule",
        "Programme office",
        LOCAL,
        "savings",
    ),
    MeasureInfo(
        "mtfs_requirement",
        "MTFS savings requirement",
        "Savings the Medium Term Financial Strategy "
        "requires of adult social care over its period, the amount forecast, and the "
        "shortfall as reported.",
        "£",
        None,
        _FINANCE,
        "Finance (Adults)",
        LOCAL,
        "mtfs_requirements",
    ),
    MeasureInfo(
        "improvement_plan",
        "Improvement plan status and RAG",
        "Each accountability area's status from the configured list, and its lead's RAG "
        f"rating ({RAG_RATINGS}).",
        "rating",
        None,
        "The improvement plan, updated by each area's lead",
        "Programme office",
        LOCAL,
        "areas",
    ),
    MeasureInfo(
        "funded_posts",
        "Funded posts",
        "Temporary posts funded to deliver savings: band, FTE, period and total cost.",
        "£",
        None,
        _FINANCE,
        "Finance (Adults)",
        LOCAL,
        "posts",
    ),
    MeasureInfo(
        "committee_actions",
        "Committee actions",
        "Resolutions and agreed actions from committee meetings, with owner, due date and status.",
        "actions",
        None,
        "Committee minutes",
        "Democratic services",
        LOCAL,
        "committee_actions",
    ),
)


class Registry:
    """Measures by code, iterated in display order (the order the rows were given).

    >>> extra = MeasureInfo("carers_assessed", "Carers assessed", "Carers assessed.", "people",
    ...                     True, "Carers team", "Performance team", LOCAL, BACKLOG)
    >>> local = Registry.with_rows(BUILT_IN, [extra])
    >>> local.label("carers_assessed"), "carers_assessed" in MEASURES
    ('Carers assessed', False)
    >>> Registry.with_rows(BUILT_IN, [extra, extra])
    Traceback (most recent call last):
    ...
    ValueError: measure code carers_assessed is defined twice
    """

    def __init__(self, rows: Iterable[MeasureInfo]) -> None:
        self._by_code: dict[str, MeasureInfo] = {}
        labels: set[str] = set()
        for row in rows:
            if row.code in self._by_code:
                raise ValueError(f"measure code {row.code} is defined twice")
            if row.label in labels:
                raise ValueError(f"measure label {row.label!r} is used twice")
            self._by_code[row.code] = row
            labels.add(row.label)

    @classmethod
    def with_rows(cls, built_in: Iterable[MeasureInfo], rows: Iterable[MeasureInfo]) -> Registry:
        """The built-in measures followed by ``rows`` (for example an administrator's, read
        from a table); a row may not reuse a built-in code or label."""
        return cls([*built_in, *rows])

    def __iter__(self) -> Iterator[MeasureInfo]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> MeasureInfo | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> MeasureInfo:
        return self._by_code[code]

    def label(self, code: str) -> str:
        return self._by_code[code].label

    def in_table(self, table: str) -> tuple[MeasureInfo, ...]:
        """The measures whose figures live in ``table``, in display order."""
        return tuple(m for m in self if m.table == table)

    def codes(self, table: str) -> tuple[str, ...]:
        return tuple(m.code for m in self.in_table(table))

    def code_for(self, label: str | None, table: str = BACKLOG) -> str | None:
        """The code of the measure in ``table`` labelled ``label`` (None when none is)."""
        return next((m.code for m in self.in_table(table) if m.label == label), None)

    def expected(self, table: str = BACKLOG) -> str:
        """The codes a file may give, worded as pydantic words a choice of values.

        >>> Registry(BUILT_IN[:3]).expected()
        "'waiting_review', 'waiting_ot_assessment' or 'reviews_completed'"
        """
        return _either(tuple(f"'{code}'" for code in self.codes(table)))

    def check(self, code: str, table: str = BACKLOG) -> str:
        """``code`` as a measure of ``table``, matched without regard to case, or ValueError
        naming the codes allowed (the importer's and the edit commands' one check).

        >>> MEASURES.check("Waiting_Review")
        'waiting_review'
        >>> Registry(BUILT_IN[:2]).check("waiting_list")
        Traceback (most recent call last):
        ...
        ValueError: Input should be 'waiting_review' or 'waiting_ot_assessment'
        """
        for known in self.codes(table):
            if known.lower() == code.lower():
                return known
        raise ValueError(f"Input should be {self.expected(table)}")


def _either(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


MEASURES = Registry(BUILT_IN)


# --- measures an administrator adds: stored in ``measures``, in force with the built-in ones ---
ADDED_SOURCE = "The council's own figures, as loaded"
ADDED_OWNER = "Set by an administrator"
# a measure's code is a column value in files and a word in commands: kept simple
MEASURE_CODE_PATTERN = r"^[a-z][a-z0-9_]*$"


def _trimmed(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _code(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _visible(value: str) -> str:
    from data_access.parsing import check_visible

    return check_visible(value)


_Words = Annotated[str, BeforeValidator(_trimmed), AfterValidator(_visible)]


class NewMeasure(BaseModel):
    """A measure an administrator adds (the page's form, ``ascgov measures add``): its
    figures are backlog rows under ``code``."""

    model_config = ConfigDict(frozen=True)

    code: Annotated[
        str,
        BeforeValidator(_code),
        Field(min_length=1, max_length=CODE_CHARS, pattern=MEASURE_CODE_PATTERN),
    ]
    label: Annotated[_Words, Field(min_length=1, max_length=200)]
    definition: Annotated[_Words, Field(min_length=1, max_length=2000)]
    unit: Annotated[_Words, Field(min_length=1, max_length=40)]
    rise_is_good: bool | None = None  # None: a rise is neither good nor bad
    category: Annotated[_Words, Field(min_length=1, max_length=400)] = LOCAL

    def info(self) -> MeasureInfo:
        return MeasureInfo(
            self.code,
            self.label,
            self.definition,
            self.unit,
            self.rise_is_good,
            ADDED_SOURCE,
            ADDED_OWNER,
            self.category,
            BACKLOG,
        )


class MeasureRefused(Exception):
    """A measure that cannot be added, in plain words."""


def stored_measures(conn) -> tuple[MeasureInfo, ...]:
    """The measures administrators added, in the order they were added."""
    from data_access import schema

    table = schema.measures
    rows = conn.execute(select(table).order_by(table.c.created_at, table.c.code)).all()
    return tuple(
        MeasureInfo(
            row.code,
            row.label,
            row.definition,
            row.unit,
            row.rise_is_good,
            ADDED_SOURCE,
            ADDED_OWNER,
            row.category,
            BACKLOG,
        )
        for row in rows
    )


def measures_in_force(store) -> Registry:
    """The registry in force: the built-in measures, then those administrators added."""
    with store.engine.connect() as conn:
        return Registry.with_rows(BUILT_IN, stored_measures(conn))


def _clash(registry: Registry, new: MeasureInfo) -> str | None:
    if new.code in registry:
        return f"the code {new.code} is already a measure ({registry.label(new.code)})"
    taken = next((m for m in registry if m.label.lower() == new.label.lower()), None)
    if taken is not None:
        return f"the label {new.label!r} is already a measure ({taken.code})"
    return None


def add_measure(store, measure: NewMeasure, *, actor) -> MeasureInfo:
    """Add a backlog measure (administrators only), audited; its code and label must be new."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from data_access import schema
    from data_access.access import Permission, authorise

    authorise(store, actor, Permission.MANAGE_SETTINGS, target=f"measure {measure.code}")
    new = measure.info()
    try:
        with store.write(actor.email) as tx:
            registry = Registry.with_rows(BUILT_IN, stored_measures(tx.conn))
            clash = _clash(registry, new)
            if clash is not None:
                raise MeasureRefused(clash)
            row = {**measure.model_dump(), "created_at": tx.now, "version": 1}
            tx.conn.execute(insert(schema.measures), row)
            tx.audit("measure:add", "measures", new.code, None, measure.model_dump())
    except IntegrityError:
        # added by someone else at the same moment
        raise MeasureRefused(f"the code {new.code} or its label is already a measure") from None
    return new
