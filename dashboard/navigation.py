"""The one registry of pages: the app's navigation and the tests both read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root, where the entry script lives
    title: str
    icon: str
    section: str
    default: bool = False


PAGES = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "Dashboard", default=True),
    PageSpec(
        "pages/data_quality.py",
        "Definitions and data quality",
        ":material/fact_check:",
        "About the figures",
    ),
)
