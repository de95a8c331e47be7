"""The one registry of pages: the app's navigation and the tests both read it."""

from __future__ import annotations

from dataclasses import dataclass

from data_access.access import ROLE_PERMISSIONS, Permission, Principal
from data_access.vocab import Role


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
    PageSpec("pages/meetings.py", "Meetings", ":material/event_note:", "Meetings"),
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


# how a role is named in a sentence: one person (with its article), and the role's people
ROLE_WORDS: dict[Role, tuple[str, str]] = {
    Role.MEMBER: ("a member", "members"),
    Role.OFFICER: ("an officer", "officers"),
    Role.DIRECTOR: ("a director", "directors"),
    Role.ADMIN: ("an administrator", "administrators"),
}


def roles_offered(page: PageSpec) -> tuple[Role, ...]:
    """The roles that carry a permission the page needs (an officer also needs the work
    assigned: ``PageSpec.offered_to``)."""
    return tuple(
        role for role in Role if any(p in ROLE_PERMISSIONS[role] for p in page.permissions)
    )


def not_offered(page: PageSpec, principal: Principal) -> str:
    """What a person is told when the address they opened is a page their role cannot use.

    >>> queue = next(p for p in PAGES if p.title == "Review queue")
    >>> not_offered(queue, Principal(email="m@x", name="M", role=Role.MEMBER)).split(". ")[0]
    'The Review queue page is for officers and directors; you are signed in as a member'
    """
    offered = roles_offered(page)
    if principal.role in offered:  # an officer with none of the page's work assigned
        return (
            f"The {page.title} page shows the work assigned to you, and none of its work is "
            "assigned to you yet: ask your administrator. Choose another page from the menu."
        )
    people = [ROLE_WORDS[role][1] for role in offered]
    named = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
    you = ROLE_WORDS[principal.role][0] if principal.role else "someone with no role"
    return (
        f"The {page.title} page is for {named}; you are signed in as {you}. "
        "Choose another page from the menu."
    )
