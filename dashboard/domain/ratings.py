"""The rule that rates savings (BRAG from forecast, delivery and thresholds), and the rating
scales as pages and views read them.

The scales themselves (names, severity, colours, shapes, meanings, the check of a typed rating)
are ``data_access/rating_scales.py``, which the importer and the edit commands read too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.domain import formatting
from data_access.rating_scales import (
    AMBER,
    BLUE,
    BRAG,
    GREEN,
    NOT_RATED,
    RAG,
    RED,
    RatingStyle,
)

if TYPE_CHECKING:
    from data_access.settings import Settings

# the scales under the names pages and views use: the key best first, counts worst first
BRAG_STYLES = BRAG.styles
RAG_STYLES = RAG.styles
BRAG_ORDER = BRAG.order
RAG_ORDER = RAG.order


@dataclass(frozen=True)
class Thresholds:
    """Forecast as a % of target: at least ``green_at`` is Green, at least ``amber_at`` Amber."""

    green_at: int = 95
    amber_at: int = 80

    def __post_init__(self) -> None:
        if not 0 <= self.amber_at <= self.green_at <= 100:
            raise ValueError("thresholds must satisfy 0 <= amber_at <= green_at <= 100")

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        """The thresholds in force (``ASCGOV_BRAG_*_AT_PERCENT``; the settings check their
        order at start-up)."""
        return cls(settings.brag_green_at_percent, settings.brag_amber_at_percent)


# how a savings line's status and its rating go together, as ``brag`` decides them: the
# overview says it beside the savings figures, the savings page with the rule
STATUS_AND_RATING = (
    "A savings line's status and its BRAG rating go together: while a line is tracked, its "
    "rating says how what it has delivered and is forecast to deliver compares with its "
    "target; a line withdrawn, deferred or replaced is not rated (its reason is shown instead) "
    "and is kept out of the totals tracked."
)


def rule_text(thresholds: Thresholds) -> str:
    """The rule in words, so members can see what each colour means here."""
    return (
        "Rated by rule unless an officer has set the rating with a reason: Blue when delivered "
        f"in full; Green when the forecast is at least {thresholds.green_at}% of target; Amber "
        f"when at least {thresholds.amber_at}%; Red below {thresholds.amber_at}%; "
        f"not rated when no forecast is reported. {STATUS_AND_RATING}"
    )


OVERRIDDEN = "officer override"  # ``Rated.basis`` of a rating an officer set


@dataclass(frozen=True)
class Rated:
    rating: str
    basis: str  # "rule" or "officer override"
    reason: str

    @property
    def style(self) -> RatingStyle:
        return BRAG.style(self.rating)


def brag(
    target: int,
    forecast: int | None,
    delivered: int | None,
    *,
    override: str | None = None,
    override_reason: str | None = None,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, immutable default
    status: str | None = None,
    status_reason: str | None = None,
) -> Rated:
    """Rate one savings line for one year (amounts in pence).

    A year that stopped (``status`` withdrawn, deferred or replaced) is not rated on delivery:
    "Not rated", rated by its status, with its reason. Nothing, an override included, makes it
    Green: there is nothing left to deliver on track.

    >>> brag(100_000, 90_000, None).rating
    'Amber'
    >>> brag(100_000, 100_000, None, override="Green", status="withdrawn").rating
    'Not rated'
    """
    if status:
        return Rated(
            NOT_RATED, status.capitalize(), f"{status}: {status_reason or 'no reason recorded'}"
        )
    if override:
        return Rated(override, OVERRIDDEN, override_reason or "no reason recorded")
    if delivered is not None and delivered >= target:
        return Rated(
            BLUE,
            "rule",
            f"delivered {formatting.money(delivered)} of {formatting.money(target)} target",
        )
    if forecast is None:
        return Rated(NOT_RATED, "rule", "no forecast reported")
    if target == 0:
        return Rated(GREEN, "rule", "no saving targeted")
    # the share as the lines table shows it (rounded down, so it never reads as reaching a
    # threshold it is under); the comparison itself in whole numbers, without floating point
    percent = (
        f"forecast {formatting.money(forecast)} is "
        f"{formatting.percent(formatting.percent_of(forecast, target))} of "
        f"{formatting.money(target)} target"
    )
    if forecast * 100 >= thresholds.green_at * target:
        return Rated(GREEN, "rule", percent)
    if forecast * 100 >= thresholds.amber_at * target:
        return Rated(AMBER, "rule", percent)
    return Rated(RED, "rule", percent)


def rag_style(value: str | None) -> RatingStyle:
    return RAG.style(value)
