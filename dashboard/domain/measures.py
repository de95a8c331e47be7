"""The backlog measures: label, meaning and which way is good, defined once for every page,
the definitions table and the briefing pack."""

from __future__ import annotations

from dataclasses import dataclass

from data_access.vocab import Measure


@dataclass(frozen=True)
class MeasureInfo:
    code: str
    label: str
    meaning: str
    rise_is_good: bool


MEASURES = {
    m.code: m
    for m in (
        MeasureInfo(
            Measure.WAITING_REVIEW.value,
            "People waiting for a review",
            "People whose care and support plan is due a review and who are waiting for it.",
            False,
        ),
        MeasureInfo(
            Measure.WAITING_OT_ASSESSMENT.value,
            "People waiting for an OT assessment",
            "People waiting for an occupational therapy (OT) assessment of equipment, "
            "adaptations and daily living.",
            False,
        ),
        MeasureInfo(
            Measure.REVIEWS_COMPLETED.value,
            "Reviews completed",
            "Reviews of care and support plans completed, as the source reports them "
            "(the source line says whether they are counted cumulatively).",
            True,
        ),
        MeasureInfo(
            Measure.OVERDUE_ANNUAL_REVIEWS.value,
            "Overdue annual reviews",
            "People with no review in the last 12 months: the Care Act 2014 statutory "
            "guidance expects a review at least every 12 months.",
            False,
        ),
    )
}
MEASURE_LABELS = {code: m.label for code, m in MEASURES.items()}
HIGHER_IS_BETTER = {code for code, m in MEASURES.items() if m.rise_is_good}
