"""The review queue's weights: the points each of Leicester's factors adds to a person's place.

Pure (no store): the queue's logic (``dashboard.domain.review_queue``) ranks by them, and the
settings an administrator changes (``data_access.app_settings``, the Administration page and
``ascgov queue-weights``) check and store them, so the rule for a valid weight lives here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

from pydantic import TypeAdapter, ValidationError

# the most points one factor can add: enough to let any factor outrank all the others together,
# small enough that a mistyped extra digit is caught rather than silently reordering the queue
MAX_POINTS = 1000

# each factor in the order of the score's table, in the words the pages and forms use
FACTOR_WORDS = {
    "safeguarding_open": "open safeguarding enquiry",
    "no_contact_12_months": "no contact for over 12 months",
    "lives_alone_without_carer": "lives alone without an unpaid carer",
    "provider_concern_care_home": "provider concern in a care home",
    "per_30_days_overdue": "each whole 30 days overdue",
}


class WeightRefusedError(ValueError):
    """A weight that is not a whole number from 0 to ``MAX_POINTS``, or an unknown factor."""


def _refusal(name: str, value: object) -> WeightRefusedError:
    return WeightRefusedError(
        f"{name} ({FACTOR_WORDS[name]}) must be a whole number from 0 to {MAX_POINTS}, "
        f"not {value!r}"
    )


@dataclass(frozen=True)
class QueueWeights:
    """Points each factor adds to a person's place in the review queue (whole numbers from 0
    to ``MAX_POINTS``).

    >>> QueueWeights(safeguarding_open=50).safeguarding_open
    50
    """

    safeguarding_open: int = 100
    no_contact_12_months: int = 40
    lives_alone_without_carer: int = 30
    provider_concern_care_home: int = 20
    per_30_days_overdue: int = 5

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            whole = isinstance(value, int) and not isinstance(value, bool)
            if not whole or not 0 <= value <= MAX_POINTS:
                raise _refusal(field.name, value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


DEFAULT_WEIGHTS = QueueWeights()
FACTORS = tuple(f.name for f in fields(QueueWeights))
assert FACTORS == tuple(FACTOR_WORDS), "every factor needs its words"

# text from a command line or a form ("40") as a whole number; "2.5", "forty" and "" are not
_WHOLE = TypeAdapter(int)


def _points(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise _refusal(name, value)
    if isinstance(value, str):
        value = value.strip()
    try:
        return _WHOLE.validate_python(value, strict=not isinstance(value, str))
    except ValidationError:
        raise _refusal(name, value) from None


def changed_weights(current: QueueWeights, changes: Mapping[str, object]) -> QueueWeights:
    """``current`` with ``changes`` (factor -> points, as numbers or text) applied, checked.

    >>> changed_weights(DEFAULT_WEIGHTS, {"lives_alone_without_carer": "45"}).as_dict()[
    ...     "lives_alone_without_carer"
    ... ]
    45
    >>> changed_weights(DEFAULT_WEIGHTS, {"per_30_days_overdue": "2.5"})
    Traceback (most recent call last):
    ...
    data_access.queue_weights.WeightRefusedError: per_30_days_overdue (each whole 30 days overdue) must be a whole number from 0 to 1000, not '2.5'
    """  # noqa: E501 - a doctest's exception line cannot be wrapped
    unknown = sorted(set(changes) - set(FACTORS))
    if unknown:
        raise WeightRefusedError(
            f"no factor called {', '.join(unknown)}; the factors are {', '.join(FACTORS)}"
        )
    return replace(current, **{name: _points(name, value) for name, value in changes.items()})


def weights_from_stored(stored: Mapping[str, object] | None) -> QueueWeights:
    """The weights a stored setting holds; a factor it lacks (added since) takes its default."""
    return changed_weights(DEFAULT_WEIGHTS, dict(stored or {}))


def weights_in_words(weights: QueueWeights) -> str:
    """The weights in force as a sentence, the factors with no points left out.

    >>> weights_in_words(QueueWeights(no_contact_12_months=0))
    'open safeguarding enquiry 100 points; lives alone without an unpaid carer 30 points; provider concern in a care home 20 points; each whole 30 days overdue 5 points'
    """  # noqa: E501 - a doctest's output line cannot be wrapped
    parts = [
        f"{words} {points} point{'' if points == 1 else 's'}"
        for words, points in zip(FACTOR_WORDS.values(), asdict(weights).values(), strict=True)
        if points > 0
    ]
    return "; ".join(parts) or "no factor has any points"
