"""RAG and BRAG: the one rule that rates savings, and how every rating is shown.

A rating never depends on colour alone: each has a text label, a meaning and a shape, and its
colour comes from the Okabe-Ito palette, which people with colour-vision deficiency can tell apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import formatting

NOT_RATED = "Not rated"


@dataclass(frozen=True)
class RatingStyle:
    name: str
    meaning: str
    colour: str  # Okabe-Ito
    shape: str
    badge: str  # the nearest Streamlit badge colour

    @property
    def label(self) -> str:
        """``◆ Blue: delivered``: shape, name and meaning, readable without colour."""
        return f"{self.shape} {self.name}: {self.meaning.lower()}"


BRAG_STYLES = {
    "Blue": RatingStyle("Blue", "Delivered", "#0072B2", "◆", "blue"),
    "Green": RatingStyle("Green", "On track", "#009E73", "●", "green"),
    "Amber": RatingStyle("Amber", "Needs action", "#E69F00", "▲", "orange"),
    "Red": RatingStyle("Red", "At risk", "#D55E00", "■", "red"),
    NOT_RATED: RatingStyle(NOT_RATED, "No forecast reported", "#6F6F6F", "○", "gray"),
}
RAG_STYLES = {
    "Green": RatingStyle("Green", "On track", "#009E73", "●", "green"),
    "Amber": RatingStyle("Amber", "Some concerns", "#E69F00", "▲", "orange"),
    "Red": RatingStyle("Red", "Off track", "#D55E00", "■", "red"),
    NOT_RATED: RatingStyle(NOT_RATED, "Not rated yet", "#6F6F6F", "○", "gray"),
}
BRAG_ORDER = ("Red", "Amber", "Green", "Blue", NOT_RATED)
RAG_ORDER = ("Red", "Amber", "Green", NOT_RATED)


@dataclass(frozen=True)
class Thresholds:
    """Forecast as a % of target: at least ``green_at`` is Green, at least ``amber_at`` Amber."""

    green_at: int = 95
    amber_at: int = 80

    def __post_init__(self) -> None:
        if not 0 <= self.amber_at <= self.green_at <= 100:
            raise ValueError("thresholds must satisfy 0 <= amber_at <= green_at <= 100")


def rule_text(thresholds: Thresholds) -> str:
    """The rule in words, so members can see what each colour means here."""
    return (
        "Rated by rule unless an officer has set the rating with a reason: Blue when delivered "
        f"in full; Green when the forecast is at least {thresholds.green_at}% of target; Amber "
        f"when at least {thresholds.amber_at}%; Red below {thresholds.amber_at}%; "
        "not rated when no forecast is reported."
    )


@dataclass(frozen=True)
class Rated:
    rating: str
    basis: str  # "rule" or "officer override"
    reason: str

    @property
    def style(self) -> RatingStyle:
        return BRAG_STYLES[self.rating]


def brag(
    target: int,
    forecast: int | None,
    delivered: int | None,
    *,
    override: str | None = None,
    override_reason: str | None = None,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, immutable default
) -> Rated:
    """Rate one savings line for one year (amounts in pence).

    >>> brag(100_000, 90_000, None).rating
    'Amber'
    """
    if override:
        return Rated(override, "officer override", override_reason or "no reason recorded")
    if delivered is not None and delivered >= target:
        return Rated(
            "Blue",
            "rule",
            f"delivered {formatting.money(delivered)} of {formatting.money(target)} target",
        )
    if forecast is None:
        return Rated(NOT_RATED, "rule", "no forecast reported")
    if target == 0:
        return Rated("Green", "rule", "no saving targeted")
    # integer arithmetic: forecast/target >= green_at% without floating point
    percent = (
        f"forecast {formatting.money(forecast)} is {forecast * 100 // target}% of "
        f"{formatting.money(target)} target"
    )
    if forecast * 100 >= thresholds.green_at * target:
        return Rated("Green", "rule", percent)
    if forecast * 100 >= thresholds.amber_at * target:
        return Rated("Amber", "rule", percent)
    return Rated("Red", "rule", percent)


def rag_style(value: str | None) -> RatingStyle:
    return RAG_STYLES.get(value or NOT_RATED, RAG_STYLES[NOT_RATED])
