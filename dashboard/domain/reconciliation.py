"""Reconciliation: every figure whose reported total does not equal its parts.

Three kinds of check, all on frames the loaders return:
- a reported shortfall against amount required minus amount forecast (MTFS);
- a total a paper reports against the sum of the stored rows it covers (``reported_totals``);
  a total of savings targets against the years still tracked, leaving out those withdrawn,
  deferred or replaced as every savings total does, unless its scope says ``stopped=included``
  (a paper's total that still counts them);
- a post's cost against FTE times unit cost, where both are given.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.table import Column, Kind, Table
from dashboard.domain.tracking import tracked
from data_access.vocab import STOPPED_SCOPE, StoppedYears

AGREES, DIFFERS, UNCHECKABLE = "agrees", "differs", "cannot be checked"

# which stored frame and column a reported total of each kind adds up
_PARTS = {
    "savings_target": ("savings", "target_pence", "money"),
    "components": ("components", "amount_pence", "money"),
    "posts_cost": ("posts", "cost_pence", "money"),
    "backlog": ("backlog", "value", "count"),
}
# scope keys that a frame holds under another name
_SCOPE_COLUMNS = {"savings": {"line_code": "code"}, "posts": {"post_code": "code"}}


@dataclass(frozen=True)
class Finding:
    code: str
    check: str
    label: str
    reported: int
    computed: int | None
    unit: str
    status: str
    source: str
    explanation: str

    @property
    def difference(self) -> int | None:
        return None if self.computed is None else self.reported - self.computed

    def describe(self) -> str:
        def show(value):
            if self.unit == "money":
                return formatting.money(value, style="exact")
            return formatting.count(value)

        if self.status == UNCHECKABLE:
            return f"{self.label}: reported {show(self.reported)}; {self.explanation}"
        return (
            f"{self.label}: reported {show(self.reported)}, parts give {show(self.computed)} "
            f"(difference {show(self.difference)}); {self.explanation}"
        )

    def shown(self, value: int | None) -> str:
        if value is None:
            return ""
        return (
            formatting.money(value, style="exact")
            if self.unit == "money"
            else formatting.count(value)
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "difference": self.difference}


def check_mtfs(mtfs: pl.DataFrame) -> list[Finding]:
    findings = []
    for row in mtfs.filter(pl.col("reported_shortfall_pence").is_not_null()).iter_rows(named=True):
        computed = row["required_pence"] - row["forecast_pence"]
        findings.append(
            Finding(
                code=row["code"],
                check="shortfall",
                unit="money",
                source=row["source"],
                label=f"Reported shortfall, {row['period']}",
                reported=row["reported_shortfall_pence"],
                computed=computed,
                status=AGREES if computed == row["reported_shortfall_pence"] else DIFFERS,
                explanation=(
                    f"required {formatting.money(row['required_pence'])} minus forecast "
                    f"{formatting.money(row['forecast_pence'])}"
                ),
            )
        )
    return findings


def check_reported_totals(reported: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> list[Finding]:
    findings = []
    for row in reported.iter_rows(named=True):
        scope = scope_of(row["scope"])
        stopped = scope.pop(STOPPED_SCOPE, StoppedYears.EXCLUDED.value)
        frame_name, column, unit = _PARTS[row["dataset"]]
        parts = frames[frame_name]
        for key, value in scope.items():
            name = _SCOPE_COLUMNS.get(frame_name, {}).get(key, key)
            parts = parts.filter(pl.col(name).cast(pl.String) == value)
        note = None
        if row["dataset"] == "savings_target":
            parts, note = _savings_years(parts, stopped)
        where = scope_words(scope, frames)
        findings.append(_total_finding(row, parts, column, unit, where, note))
    return findings


# what each scope key is called in words, and where a code's name is found: (frame, column)
_SCOPE_NAMES = {
    "line_code": ("savings line", ("savings", "title")),
    "post_code": ("post", ("posts", "post_title")),
    "financial_year": ("financial year", None),
    "priority_band": ("priority band", None),
}


def scope_words(scope: dict[str, str], frames: dict[str, pl.DataFrame]) -> str:
    """What a reported total covers, as a member reads it: a savings line or post by its name
    (never ``line_code NCC-OA``), each other key in words.

    >>> lines = pl.DataFrame({"code": ["NCC-OA"], "title": ["Older adults"]})
    >>> scope_words({"line_code": "NCC-OA", "financial_year": "2018/19"}, {"savings": lines})
    'savings line Older adults, financial year 2018/19'
    """
    words = []
    for key, value in scope.items():
        noun, named_in = _SCOPE_NAMES.get(key, (key.replace("_", " "), None))
        if named_in is not None:
            value = _name_of(frames.get(named_in[0]), named_in[1], value)
        words.append(f"{noun} {value}")
    return ", ".join(words) or "all rows"


def _name_of(frame: pl.DataFrame | None, column: str, code: str) -> str:
    if frame is None or column not in frame.columns:
        return code
    names = frame.filter(pl.col("code") == code).get_column(column).drop_nulls()
    return names[0] if names.len() else code


def _savings_years(parts: pl.DataFrame, stopped: str) -> tuple[pl.DataFrame, str | None]:
    """The savings years a savings_target total adds up, and what the check says of those that
    stopped: left out (the years tracked, as the pages' totals) unless the total's scope says
    ``stopped=included``."""
    if stopped == StoppedYears.INCLUDED:
        return parts, "withdrawn, deferred and replaced years included"
    kept = tracked(parts)
    left_out = parts.height - kept.height
    if not left_out:
        return kept, None
    years = "year" if left_out == 1 else "years"
    return kept, f"{left_out:,} withdrawn, deferred or replaced {years} left out"


def scope_of(value) -> dict[str, str]:
    """A reported total's scope, whether the frame holds it as a dict or as JSON text; a month
    written as the documentation writes it (``month=2024-03``) names its first day, as the
    backlog's months are held.

    >>> scope_of('{"team": "North locality", "month": "2024-03"}')
    {'team': 'North locality', 'month': '2024-03-01'}
    """
    scope = dict(value) if isinstance(value, dict) else json.loads(value)
    month = scope.get("month")
    if isinstance(month, str) and _YEAR_MONTH.fullmatch(month.strip()):
        scope["month"] = f"{month.strip()}-01"
    return scope


_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")


def _total_finding(
    row, parts: pl.DataFrame, column: str, unit: str, where: str, note: str | None = None
) -> Finding:
    if note:
        where = f"{where}; {note}"
    base = {
        "code": row["code"],
        "check": "total",
        "label": row["label"],
        "reported": row["reported_value"],
        "unit": unit,
        "source": row["source"],
    }
    if parts.is_empty():
        return Finding(
            **base, computed=None, status=UNCHECKABLE, explanation=f"no stored rows match ({where})"
        )
    missing = parts.get_column(column).null_count()
    if missing:
        return Finding(
            **base,
            computed=None,
            status=UNCHECKABLE,
            explanation=f"{missing} of {formatting.counted(parts.height, 'part')} "
            f"{'is' if missing == 1 else 'are'} not published ({where})",
        )
    computed = int(parts.get_column(column).sum())
    return Finding(
        **base,
        computed=computed,
        status=AGREES if computed == row["reported_value"] else DIFFERS,
        explanation=f"sum of {formatting.counted(parts.height, 'row')} ({where})",
    )


def check_post_costs(posts: pl.DataFrame) -> list[Finding]:
    findings = []
    for row in posts.filter(pl.col("unit_cost_pence").is_not_null()).iter_rows(named=True):
        # FTE is held in hundredths, so compare cost x 100 with FTE-hundredths x unit cost
        exact = row["fte_hundredths"] * row["unit_cost_pence"]
        computed = exact // 100
        agrees = exact == row["cost_pence"] * 100
        fte = (
            formatting.count(row["fte_hundredths"] // 100)
            if row["fte_hundredths"] % 100 == 0
            else f"{row['fte_hundredths'] / 100:g}"
        )
        findings.append(
            Finding(
                code=row["code"],
                check="post cost",
                unit="money",
                source=row["source"],
                label=f"{row['post_title']} cost",
                reported=row["cost_pence"],
                computed=computed,
                status=AGREES if agrees else DIFFERS,
                explanation=f"{fte} FTE x {formatting.money(row['unit_cost_pence'])}",
            )
        )
    return findings


# how each kind of budget-monitoring step moves the amount (a result states it)
BRIDGE_SIGNS = {"start": 1, "less": -1, "plus": 1}
BRIDGE_MOVES = ("less", "plus")


def bridge_reports(steps: pl.DataFrame) -> list[tuple[str, list[dict]]]:
    """Each budget-monitoring report with its steps, in the order they were loaded: what the
    check below and the Savings page's bridge charts both read."""
    if steps.is_empty():
        return []
    if "id" in steps:
        steps = steps.sort("id")
    return [
        (report, list(steps.filter(pl.col("report") == report).iter_rows(named=True)))
        for report in steps["report"].unique(maintain_order=True).to_list()
    ]


def check_bridges(steps: pl.DataFrame) -> list[Finding]:
    """Each budget-monitoring bridge: its start, less and plus its steps, against the result
    the report states (one finding per report)."""
    findings = []
    for report, rows in bridge_reports(steps):
        starts = [r for r in rows if r["kind"] == "start"]
        results = [r for r in rows if r["kind"] == "result"]
        moves = [r for r in rows if r["kind"] in BRIDGE_MOVES]
        source = rows[0]["source"]
        if len(starts) != 1 or len(results) != 1:
            findings.append(
                Finding(
                    code=report,
                    check="bridge",
                    label=f"Bridge, {report}",
                    reported=results[0]["amount_pence"] if results else 0,
                    computed=None,
                    unit="money",
                    status=UNCHECKABLE,
                    source=source,
                    explanation=(
                        f"a bridge needs one start and one result; it has {len(starts)} start "
                        f"and {len(results)} result steps"
                    ),
                )
            )
            continue
        start, result = starts[0], results[0]
        computed = start["amount_pence"] + sum(
            BRIDGE_SIGNS[r["kind"]] * r["amount_pence"] for r in moves
        )
        figures = [formatting.money(start["amount_pence"], style="exact")]
        figures += [
            f"{r['kind']} {formatting.money(r['amount_pence'], style='exact')}" for r in moves
        ]
        labels = [start["label"].lower()] + [f"{r['kind']} {r['label'].lower()}" for r in moves]
        findings.append(
            Finding(
                code=report,
                check="bridge",
                label=f"{result['label']}, {report}",
                reported=result["amount_pence"],
                computed=computed,
                unit="money",
                status=AGREES if computed == result["amount_pence"] else DIFFERS,
                source=result["source"],
                explanation=f"{' '.join(figures)}: {' '.join(labels)}",
            )
        )
    return findings


def reconcile(frames: dict[str, pl.DataFrame]) -> list[Finding]:
    """Every check over the frames: ``mtfs``, ``reported_totals``, ``savings``, ``components``,
    ``posts``, ``backlog`` and ``bridges`` (as the loaders return them)."""
    return [
        *check_mtfs(frames["mtfs"]),
        *check_reported_totals(frames["reported_totals"], frames),
        *check_post_costs(frames["posts"]),
        *(check_bridges(frames["bridges"]) if "bridges" in frames else []),
    ]


def _n(count: int, one: str, many: str) -> str:
    return f"{formatting.count(count)} {one if count == 1 else many}"


@dataclass(frozen=True)
class Counts:
    """How many checks agree, differ and cannot be checked: the one count the data quality
    page, the savings and adults pages, the briefing pack and ``ascgov check`` all word."""

    agree: int
    differ: int
    unchecked: int

    @property
    def total(self) -> int:
        return self.agree + self.differ + self.unchecked

    @property
    def attention(self) -> int:
        """The checks that need attention: those that differ and those that cannot be made."""
        return self.differ + self.unchecked

    def sentence(self, of: str = "") -> str:
        """The data quality page and the pack (which says what was checked, ``of``).

        >>> Counts(agree=9, differ=2, unchecked=1).sentence()
        '12 checks: 3 need attention, 9 agree.'
        >>> Counts(agree=0, differ=1, unchecked=0).sentence()
        '1 check: 1 needs attention, 0 agree.'
        """
        return (
            f"{_n(self.total, 'check', 'checks')}{of}: "
            f"{_n(self.attention, 'needs', 'need')} attention, {_n(self.agree, 'agrees', 'agree')}."
        )

    def breakdown(self) -> str:
        """``ascgov check``: each of the three counted apart.

        >>> Counts(agree=9, differ=2, unchecked=1).breakdown()
        '12 checks: 2 differ, 9 agree, 1 cannot be checked'
        """
        return (
            f"{_n(self.total, 'check', 'checks')}: {_n(self.differ, 'differs', 'differ')}, "
            f"{_n(self.agree, 'agrees', 'agree')}, {formatting.count(self.unchecked)} "
            "cannot be checked"
        )

    def summary(self) -> str:
        """One line under the figures a page checks, so members see what was checked and
        agrees, not only what fails; empty when nothing agrees (the failures speak for
        themselves).

        >>> Counts(agree=2, differ=1, unchecked=0).summary()
        '3 published figures checked: 2 agree, 1 needs attention.'
        """
        if not self.total:
            return "No published totals cover these figures, so none could be checked."
        if self.agree == 0:
            return ""  # every check is already shown as a warning or a note
        checks = f"{_n(self.total, 'published figure', 'published figures')} checked"
        if self.agree == self.total:
            return f"{checks} against the figures that make them up: all agree."
        return (
            f"{checks}: {_n(self.agree, 'agrees', 'agree')}, "
            f"{_n(self.attention, 'needs', 'need')} attention."
        )


def counts(findings: list[Finding]) -> Counts:
    """How many of ``findings`` agree, differ and cannot be checked."""
    statuses = [f.status for f in findings]
    return Counts(
        agree=statuses.count(AGREES),
        differ=statuses.count(DIFFERS),
        unchecked=statuses.count(UNCHECKABLE),
    )


def needing_attention(findings: list[Finding]) -> list[Finding]:
    """The findings that differ or cannot be checked, in their order."""
    return [f for f in findings if f.status != AGREES]


_FIGURES = ("reported", "parts add up to", "difference")


def findings_table(findings: list[Finding]) -> Table:
    """One row per check, its figures as values. Money checks (the usual kind) fill the
    money columns; a check of counts (a backlog total) fills count columns of its own, added
    only when there is one, since one column holds one kind of figure."""
    counted = any(f.unit != "money" for f in findings)

    def figures(f: Finding) -> tuple:
        values = (f.reported, f.computed, f.difference)
        money = f.unit == "money"
        return (
            *(v if money else None for v in values),
            *((None if money else v for v in values) if counted else ()),
        )

    count_columns = tuple(f"{name} (count)" for name in _FIGURES) if counted else ()
    rows = [(f.status, f.label, *figures(f), f.explanation, f.source) for f in findings]
    schema = {"status": pl.String, "figure": pl.String}
    schema |= dict.fromkeys((*_FIGURES, *count_columns), pl.Int64)
    schema |= {"how": pl.String, "source": pl.String}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    kinds = {name: Column(name, Kind.MONEY) for name in _FIGURES}
    kinds |= {name: Column(name, Kind.COUNT) for name in count_columns}
    kinds["source"] = Kind.SOURCE
    return Table.of("Reconciliation checks", frame, kinds)
