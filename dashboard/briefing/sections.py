"""The sections a pack can hold, in the pack's order: named here, apart from the content
builders, so the command line can list them without loading the figures' libraries."""

SECTIONS = {
    "summary": "Summary",
    "attention": "Changes and items needing attention",
    "plan": "Improvement plan",
    "savings": "Savings programme",
    "backlog": "Backlog and reviews",
    "reviews": "Reviews and waiting lists",
    "adults": "Younger and older adults",
    "actions": "Committee actions",
    "reconciliation": "Reconciliation notes",
    "definitions": "Definitions and sources",
}
