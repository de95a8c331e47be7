"""The one registry of pages: the app's navigation and the tests both read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root, where the entry script lives
    title: str
    icon: str
    headline: str  # text a member sees first on the page (browser tests wait for it)
    default: bool = False


PAGES = (
    PageSpec(
        "pages/overview.py",
        "Overview",
        ":material/dashboard:",
        "Adult social care: overview",
        default=True,
    ),
    PageSpec(
        "pages/improvement_plan.py",
        "Improvement plan",
        ":material/checklist:",
        "Improvement plan tracker",
    ),
    PageSpec("pages/savings.py", "Savings programme", ":material/savings:", "Savings programme"),
    PageSpec(
        "pages/backlog.py",
        "Backlog and reviews",
        ":material/pending_actions:",
        "Backlog and reviews",
    ),
    PageSpec(
        "pages/younger_older_adults.py",
        "Younger and older adults",
        ":material/groups:",
        "Younger and older adults",
    ),
    PageSpec(
        "pages/data_quality.py",
        "Definitions and data quality",
        ":material/fact_check:",
        "Definitions and data quality",
    ),
)
