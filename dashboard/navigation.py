"""The one registry of pages: the app's navigation and the tests both read it."""

from __future__ import annotations

from dataclasses import dataclass

from data_access.access import Permission, Principal


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root, where the entry script lives
    title: str
    icon: str
    headline: str  # text a member sees first on the page (browser tests wait for it)
    default: bool = False
    # offered to whoever holds any of these (the commands check again on every write)
    permissions: tuple[Permission, ...] = (Permission.READ,)

    def offered_to(self, principal: Principal) -> bool:
        return any(principal.has(p) for p in self.permissions)


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
        "pages/reviews_and_waiting.py",
        "Reviews and waiting lists",
        ":material/hourglass_top:",
        "Reviews and waiting lists",
    ),
    PageSpec(
        "pages/committee_actions.py",
        "Committee actions",
        ":material/gavel:",
        "Committee actions",
    ),
    PageSpec(
        "pages/review_queue.py",
        "Review queue",
        ":material/format_list_numbered:",
        "Review queue",
        # person-level rows: officers (their teams) and directors, never members or administrators
        permissions=(Permission.CASES,),
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
    PageSpec(
        "pages/updates.py",
        "Updates",
        ":material/edit_note:",
        "Updates",
        permissions=(
            Permission.EDIT_AREA,
            Permission.EDIT_MILESTONE,
            Permission.EDIT_SAVINGS,
            Permission.EDIT_BACKLOG,
            Permission.EDIT_ACTION,
            Permission.RECORD_MEETING,
        ),
    ),
    PageSpec(
        "pages/load_file.py",
        "Load a file",
        ":material/upload_file:",
        "Load a file",
        permissions=(Permission.IMPORT,),
    ),
    PageSpec(
        "pages/briefing.py",
        "Briefing and downloads",
        ":material/description:",
        "Briefing and downloads",
        permissions=(Permission.BRIEF,),
    ),
    PageSpec(
        "pages/administration.py",
        "Administration",
        ":material/admin_panel_settings:",
        "Administration",
        permissions=(Permission.MANAGE_USERS, Permission.MANAGE_SETTINGS),
    ),
)


def pages_for(principal: Principal) -> tuple[PageSpec, ...]:
    return tuple(page for page in PAGES if page.offered_to(principal))
