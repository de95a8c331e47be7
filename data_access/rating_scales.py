"""The RAG and BRAG scales: each rating's name, meaning, colour and shape, their order of
severity, "Not rated", and the one check of a rating someone typed.

Imports, the Updates page, the CLI and the display all read the scales here, so a rating that
one of them accepts the others accept too, stored in the same spelling. The rule that rates a
savings line, and its thresholds, is ``dashboard/domain/ratings.py``.

A rating never depends on colour alone: each has a text label, a meaning and a shape, and its
colour comes from the Okabe-Ito palette, which people with colour-vision deficiency can tell apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RED, AMBER, GREEN, BLUE = "Red", "Amber", "Green", "Blue"
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


@dataclass(frozen=True)
class Scale:
    """A rating scale: ``rated`` runs from worst to best; ``not_rated`` shows a missing rating.

    ``styles`` is the key shown beside ratings, best first as the committee papers list it.
    """

    name: str
    rated: tuple[RatingStyle, ...]
    not_rated: RatingStyle
    styles: dict[str, RatingStyle] = field(init=False, repr=False, compare=False)
    _by_lower: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        styles = {style.name: style for style in (*reversed(self.rated), self.not_rated)}
        object.__setattr__(self, "styles", styles)
        object.__setattr__(self, "_by_lower", {s.name.lower(): s.name for s in self.rated})

    @property
    def names(self) -> tuple[str, ...]:
        """The ratings a row may hold, worst first."""
        return tuple(style.name for style in self.rated)

    @property
    def order(self) -> tuple[str, ...]:
        """The order ratings are listed and counted in: worst first, then Not rated."""
        return (*self.names, self.not_rated.name)

    @property
    def rule(self) -> str:
        """What a typed rating must be, the same words wherever it is refused."""
        return f"unknown {self.name} rating; allowed: {', '.join(self.names)} (in any case)"

    def parse(self, value: Any) -> str | None:
        """``value`` in the stored spelling (``" green "`` -> ``"Green"``); None stays None.

        >>> BRAG.parse("green")
        'Green'

        Raises ValueError with ``rule`` for anything else, blank text included.
        """
        if value is None:
            return None
        found = self._by_lower.get(value.strip().lower()) if isinstance(value, str) else None
        if found is None:
            raise ValueError(self.rule)
        return found

    def style(self, value: str | None) -> RatingStyle:
        """How a rating is shown; no rating (or one the scale does not know) shows as Not rated."""
        return self.styles.get(value or self.not_rated.name, self.not_rated)

    def worsened(self, before: str | None, after: str | None) -> bool:
        """Whether a rating moved to a worse one (to or from no rating is not a worsening)."""
        names = self.names
        if before not in names or after not in names:
            return False
        return names.index(after) < names.index(before)


RAG = Scale(
    "RAG",
    (
        RatingStyle(RED, "Off track", "#D55E00", "■", "red"),
        RatingStyle(AMBER, "Some concerns", "#E69F00", "▲", "orange"),
        RatingStyle(GREEN, "On track", "#009E73", "●", "green"),
    ),
    RatingStyle(NOT_RATED, "Not rated yet", "#6F6F6F", "○", "gray"),
)
BRAG = Scale(
    "BRAG",
    (
        RatingStyle(RED, "At risk", "#D55E00", "■", "red"),
        RatingStyle(AMBER, "Needs action", "#E69F00", "▲", "orange"),
        RatingStyle(GREEN, "On track", "#009E73", "●", "green"),
        RatingStyle(BLUE, "Delivered", "#0072B2", "◆", "blue"),
    ),
    RatingStyle(NOT_RATED, "No forecast reported", "#6F6F6F", "○", "gray"),
)
