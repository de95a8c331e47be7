"""What the "Load a file" page shows: a dry run's counts, its changes field by field, every
problem in one table, the rows outside an officer's assignment, and what was read.

Pure: the page's code hands in the importer's report and problems; nothing here reads the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.table import Column, Kind, Table
from dashboard.views.blocks import Headline, Headlines, Paragraph

# the most rows of changes and problems shown on screen; the downloads hold them all
SHOWN_ROWS = 2_000

PROBLEM_COLUMNS = ("Sheet", "Row", "Column", "Value", "Rule", "What to do")
# the row of a problem with none: a problem of the file as a whole (empty, unreadable, too big)
WHOLE_FILE = "whole file"
CHANGE_COLUMNS = ("Item", "Field", "Before", "After")


class ProblemLike(Protocol):
    file: str
    rule: str
    sheet: str | None
    row: int | None
    column: str | None
    value: object
    fix: str | None


def counts(*, rows: int, inserted: int, updated: int, unchanged: int, dry_run: bool) -> Headlines:
    verb = "would be" if dry_run else "were"
    return Headlines(
        (
            Headline("Rows checked", formatting.count(rows)),
            Headline("New", formatting.count(inserted), note=f"rows that {verb} added"),
            Headline("Changed", formatting.count(updated), note=f"rows that {verb} changed"),
            Headline("Unchanged", formatting.count(unchanged), note="rows already as stored"),
        )
    )


def reading(file: str, lines: Sequence[str]) -> Paragraph:
    """What was read and how (the file, the sheet, each reading rule applied)."""
    # the file's own name is already the lead; saying "read savings.csv" again adds nothing
    lines = [line for line in lines if line != f"read {file}"]
    said = "; ".join(lines) if lines else "read as it is: no reading rule was needed"
    return Paragraph(said, kind="note", lead=f"What was read from {file}:")


# the usual fix for a rule, by how the rule's words begin
FIXES = (
    (
        "required column is missing",
        "add the column to the header row (the template has every column)",
    ),
    ("unknown column", "rename the column to one the template uses, or delete it"),
    ("column appears twice", "delete one of the two columns"),
    ("a column has no header", "give the column a header, or delete it"),
    ("a value is required", "fill in the cell"),
    ("duplicate key", "keep one of the rows, or correct the key"),
    ("no such code in", "correct the code, or load that dataset first"),
    ("differs from row", "make the line's details the same on each of its rows"),
)


def what_to_do(problem: ProblemLike) -> str:
    """The fix a problem asks for: its own, or the usual one for its rule."""
    if problem.fix:
        return problem.fix
    fix = next((fix for start, fix in FIXES if problem.rule.startswith(start)), None)
    if fix is not None:
        return fix
    if problem.row is None:
        return "correct the file and load it again"
    return "correct the cell and load the file again"


def problems_table(problems: Iterable[ProblemLike], *, title: str = "Problems found") -> Table:
    listed = list(problems)
    frame = pl.DataFrame(
        {
            "Sheet": [p.sheet or "" for p in listed],
            "Row": [p.row for p in listed],
            "Column": [p.column or "" for p in listed],
            "Value": ["" if p.value is None else _short(str(p.value)) for p in listed],
            "Rule": [p.rule for p in listed],
            "What to do": [what_to_do(p) for p in listed],
        },
        schema={c: pl.Int64 if c == "Row" else pl.String for c in PROBLEM_COLUMNS},
    )
    return Table.of(title, frame, {"Row": Column("Row", Kind.COUNT, missing=WHOLE_FILE)})


def _short(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:60]}... ({len(text):,} characters)"


def _pounds(text: pl.Expr) -> pl.Expr:
    """Pence written as text ("150050") as exact pounds ("£1,500.50")."""
    pence = text.cast(pl.Int64, strict=False)
    whole = (pence.abs() // 100).cast(pl.String)
    # thousands separators: reverse, split into threes, join, reverse back
    grouped = (
        whole.str.reverse().str.replace_all(r"(\d{3})", "$1,").str.reverse().str.strip_prefix(",")
    )
    sign = pl.when(pence < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    pounds = sign + "£" + grouped + "." + (pence.abs() % 100).cast(pl.String).str.zfill(2)
    return pl.when(pence.is_null()).then(text).otherwise(pounds)


def changes_table(changes: pl.DataFrame, money_fields: Sequence[str]) -> Table:
    """Each changed field as before -> after: money in pounds, a missing value as "(blank)"."""
    money = pl.col("field").is_in(list(money_fields))
    frame = changes.select(
        pl.col("item").str.replace_all("|", ", ", literal=True).alias("Item"),
        pl.col("field").alias("Field"),
        *(
            pl.when(money)
            .then(_pounds(pl.col(side)))
            .otherwise(pl.col(side))
            .fill_null("(blank)")
            .alias(label)
            for side, label in (("before", "Before"), ("after", "After"))
        ),
    )
    return Table.of("Changes, field by field (before -> after)", frame)
