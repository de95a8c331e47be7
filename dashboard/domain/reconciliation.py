"""Reconciliation: every figure whose reported total does not equal its parts.

Three kinds of check, all on frames the loaders return:
- a reported shortfall against amount required minus amount forecast (MTFS);
- a total a paper reports against the sum of the stored rows it covers (``reported_totals``);
- a post's cost against FTE times unit cost, where both are given.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.table import Table

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
        frame_name, column, unit = _PARTS[row["dataset"]]
        parts = frames[frame_name]
        for key, value in scope.items():
            name = _SCOPE_COLUMNS.get(frame_name, {}).get(key, key)
            parts = parts.filter(pl.col(name).cast(pl.String) == value)
        findings.append(_total_finding(row, parts, column, unit, scope))
    return findings


def scope_of(value) -> dict[str, str]:
    """A reported total's scope, whether the frame holds it as a dict or as JSON text."""
    return value if isinstance(value, dict) else json.loads(value)


def _total_finding(row, parts: pl.DataFrame, column: str, unit: str, scope) -> Finding:
    where = ", ".join(f"{k} {v}" for k, v in scope.items()) or "all rows"
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
            explanation=f"{missing} of {parts.height} parts are not published ({where})",
        )
    computed = int(parts.get_column(column).sum())
    return Finding(
        **base,
        computed=computed,
        status=AGREES if computed == row["reported_value"] else DIFFERS,
        explanation=f"sum of {parts.height} row{'s' * (parts.height != 1)} ({where})",
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


def reconcile(frames: dict[str, pl.DataFrame]) -> list[Finding]:
    """Every check over the frames: ``mtfs``, ``reported_totals``, ``savings``, ``components``,
    ``posts`` and ``backlog`` (as the loaders return them)."""
    return [
        *check_mtfs(frames["mtfs"]),
        *check_reported_totals(frames["reported_totals"], frames),
        *check_post_costs(frames["posts"]),
    ]


_FINDING_COLUMNS = ("status", "figure", "reported", "parts add up to", "difference", "how")
_FINDING_COLUMNS += ("source",)


def findings_table(findings: list[Finding]) -> Table:
    """One row per check. A check's figures are money or counts by the check (``unit``), so
    the three figure columns are written per row by ``Finding.shown`` (exact pounds, whole
    counts): one column cannot hold both kinds."""
    rows = [
        (
            f.status,
            f.label,
            f.shown(f.reported),
            f.shown(f.computed),
            f.shown(f.difference),
            f.explanation,
            f.source,
        )
        for f in findings
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(_FINDING_COLUMNS, pl.String), orient="row")
    return Table.of("Reconciliation checks", frame)
