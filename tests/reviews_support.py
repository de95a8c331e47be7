"""A small census extract for the Reviews and waiting lists tests, with distinctive person ids
(``PID-ZZ-0001``...) that a test can look for anywhere a member could read them."""

from __future__ import annotations

from pathlib import Path

from data_access.importer import import_file
from tests.conftest import DIRECTOR

HEADER = (
    "extract_date,person_id,team,age_band,primary_support_reason,setting,support_start,"
    "last_review,next_review_due,waiting_assessment_since,waiting_ot_since,"
    "waiting_service_since,safeguarding_open,provider_concern,lives_alone,has_unpaid_carer,"
    "last_contact"
)
NORTH, SOUTH = "North locality", "South locality"
# (team, age band, how many, support_start, last_review, waiting_assessment_since, waiting_ot_since)
GROUPS = (
    # not due (next review 1 June 2024); 8 of them waiting 30 days for an OT assessment
    (NORTH, "65+", 8, "2020-01-01", "2023-06-01", "", "2024-03-01"),
    (NORTH, "65+", 5, "2020-01-01", "2023-06-01", "", ""),
    # due 15 Dec 2023: overdue 3 to 6 months on 31 March 2024
    (NORTH, "18-64", 12, "2020-01-01", "2022-12-15", "", ""),
    # awaiting a first assessment since 1 Aug 2023: over six months
    (NORTH, "65+", 7, "", "", "2023-08-01", ""),
    # due 10 Jan 2024: overdue up to 3 months; 3 of them waiting 121 days for an OT assessment
    (SOUTH, "65+", 3, "2020-01-01", "2023-01-10", "", "2023-12-01"),
    (SOUTH, "65+", 5, "2020-01-01", "2023-01-10", "", ""),
    # due 1 Jan 2023: overdue over 12 months
    (SOUTH, "18-64", 1, "2020-01-01", "2022-01-01", "", ""),
    # awaiting a first assessment since 1 Feb 2024
    (SOUTH, "18-64", 9, "", "", "2024-02-01", ""),
)


def extract_lines() -> list[str]:
    lines, number = [HEADER], 0
    for team, age, many, start, review, assessment, ot in GROUPS:
        for _ in range(many):
            number += 1
            lines.append(
                f"2024-03-31,PID-ZZ-{number:04d},{team},{age},Physical support,Community,"
                f"{start},{review},,{assessment},{ot},,no,no,no,yes,2024-03-01"
            )
    return lines


def load_extract(store, folder: Path) -> None:
    path = folder / "extract.csv"
    path.write_text("\n".join(extract_lines()) + "\n", encoding="utf-8")
    import_file(store, "cases", path, actor=DIRECTOR)


def extract_frame():
    """The same extract as a frame in the ``cases`` shape (``tests.census_support``)."""
    from datetime import date

    from tests.census_support import census

    def day(text: str):
        return date.fromisoformat(text) if text else None

    people, number = [], 0
    for team, age, many, start, review, assessment, ot in GROUPS:
        for _ in range(many):
            number += 1
            people.append(
                {
                    "person_id": f"PID-ZZ-{number:04d}",
                    "team": team,
                    "age_band": age,
                    "support_start": day(start),
                    "last_review": day(review),
                    "waiting_assessment_since": day(assessment),
                    "waiting_ot_since": day(ot),
                    "extract_date": date(2024, 3, 31),
                }
            )
    return census(*people)
