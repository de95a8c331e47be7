"""Reconciliation rules on small literal frames, then on the demo council."""

from __future__ import annotations

import json

import polars as pl
import pytest
from pydantic import ValidationError

from dashboard.domain.reconciliation import (
    AGREES,
    DIFFERS,
    UNCHECKABLE,
    Finding,
    check_mtfs,
    check_post_costs,
    check_reported_totals,
    counts,
    reconcile,
)
from data_access.frames import reconciliation_frames
from data_access.models import ReportedTotal, describe_errors


def _mtfs(required, forecast, shortfall):
    return pl.DataFrame(
        {
            "code": ["M"],
            "period": ["5 years"],
            "required_pence": [required],
            "forecast_pence": [forecast],
            "reported_shortfall_pence": [shortfall],
            "source": ["paper.txt"],
        }
    )


@pytest.mark.parametrize(
    ("required", "forecast", "shortfall", "status", "difference"),
    [
        (6_700_000_000, 5_443_000_000, 1_262_000_000, DIFFERS, 5_000_000),
        (6_700_000_000, 5_443_000_000, 1_257_000_000, AGREES, 0),
        (6_700_000_000, 5_443_000_000, 1_256_999_999, DIFFERS, -1),
    ],
)
def test_shortfall_against_required_minus_forecast(
    required, forecast, shortfall, status, difference
):
    [finding] = check_mtfs(_mtfs(required, forecast, shortfall))
    assert (finding.status, finding.difference) == (status, difference)


def test_mtfs_without_a_reported_shortfall_is_not_checked():
    assert check_mtfs(_mtfs(100, 50, None)) == []


def _reported(dataset, scope, value):
    return pl.DataFrame(
        {
            "code": ["R"],
            "label": ["Total"],
            "dataset": [dataset],
            "scope": [json.dumps(scope)],
            "reported_value": [value],
            "source": ["paper.txt"],
        }
    )


SAVINGS = pl.DataFrame(
    {
        "code": ["A", "A", "B"],
        "financial_year": ["2018/19", "2019/20", "2018/19"],
        "workstream": ["W", "W", "W"],
        "cohort": ["younger", "younger", "older"],
        "target_pence": [100, 200, 50],
    }
)


@pytest.mark.parametrize(
    ("scope", "reported", "status", "computed"),
    [
        ({"workstream": "W"}, 350, AGREES, 350),
        ({"workstream": "W", "financial_year": "2018/19"}, 150, AGREES, 150),
        ({"line_code": "A"}, 301, DIFFERS, 300),
        ({"cohort": "older"}, 50, AGREES, 50),
        ({"workstream": "Nope"}, 10, UNCHECKABLE, None),
    ],
)
def test_reported_total_against_the_rows_it_covers(scope, reported, status, computed):
    [finding] = check_reported_totals(
        _reported("savings_target", scope, reported), {"savings": SAVINGS}
    )
    assert (finding.status, finding.computed) == (status, computed)


def test_total_with_unpublished_parts_cannot_be_checked():
    components = pl.DataFrame({"line_code": ["A", "A"], "amount_pence": [100, None]})
    lines = pl.DataFrame({"code": ["A"], "title": ["Older adults: reducing variation"]})
    [finding] = check_reported_totals(
        _reported("components", {"line_code": "A", "financial_year": "2018/19"}, 100),
        {"components": components.with_columns(financial_year=pl.lit("2018/19")), "savings": lines},
    )
    assert finding.status == UNCHECKABLE
    # what the total covers in words: the line by its name, never "line_code A"
    assert finding.explanation == (
        "1 of 2 parts is not published "
        "(savings line Older adults: reducing variation, financial year 2018/19)"
    )


@pytest.mark.parametrize(
    ("fte_hundredths", "unit", "cost", "status"),
    [
        (400, 3_277_400, 13_109_600, AGREES),
        (400, 3_277_400, 13_109_700, DIFFERS),
        (50, 3_981_900, 1_990_950, AGREES),
    ],
)
def test_post_cost_against_fte_times_unit_cost(fte_hundredths, unit, cost, status):
    posts = pl.DataFrame(
        {
            "code": ["P"],
            "post_title": ["CCO"],
            "fte_hundredths": [fte_hundredths],
            "unit_cost_pence": [unit],
            "cost_pence": [cost],
            "source": ["p"],
        }
    )
    [finding] = check_post_costs(posts)
    assert finding.status == status


def test_demo_council_differences_are_found_as_published(demo_store):
    findings = reconcile(reconciliation_frames(demo_store))
    differing = {f.code: (f.reported, f.computed) for f in findings if f.status == DIFFERS}
    assert differing == {
        "NCITY-MTFS-ASC": (1_262_000_000, 1_257_000_000),
        "RT-NCC-CCO": (22_941_900, 22_941_800),
    }
    assert sum(f.status == AGREES for f in findings) == 9


def test_counts_are_one_count_for_the_page_the_pack_and_the_cli():
    def finding(status):
        return Finding("C", "total", "x", 1, None, "count", status, "s", "")

    counted = counts([finding(s) for s in (AGREES, DIFFERS, DIFFERS, UNCHECKABLE, AGREES)])
    assert (counted.agree, counted.differ, counted.unchecked) == (2, 2, 1)
    assert (counted.total, counted.attention) == (5, 3)
    assert counted.sentence() == "5 checks: 3 need attention, 2 agree."
    assert counted.breakdown() == "5 checks: 2 differ, 2 agree, 1 cannot be checked"
    one = counts([finding(DIFFERS)])
    assert one.breakdown() == "1 check: 1 differs, 0 agree, 0 cannot be checked"
    assert one.sentence(" of reported totals") == (
        "1 check of reported totals: 1 needs attention, 0 agree."
    )


# a savings year withdrawn, deferred or replaced leaves the totals tracked: a reported total of
# kind savings_target is checked against the years still tracked, unless its scope says
# ``stopped=included`` (a paper's total from before the year stopped)
WITHDRAWN = SAVINGS.with_columns(
    status=pl.Series([None, "withdrawn", None], dtype=pl.String),
)


@pytest.mark.parametrize(
    ("scope", "reported", "status", "computed"),
    [
        ({"workstream": "W"}, 150, AGREES, 150),
        ({"workstream": "W"}, 350, DIFFERS, 150),
        ({"line_code": "A"}, 100, AGREES, 100),
        ({"workstream": "W", "stopped": "included"}, 350, AGREES, 350),
        ({"workstream": "W", "stopped": "included"}, 150, DIFFERS, 350),
        ({"workstream": "W", "stopped": "excluded"}, 150, AGREES, 150),
    ],
)
def test_a_savings_target_total_leaves_out_stopped_years_unless_its_scope_includes_them(
    scope, reported, status, computed
):
    [finding] = check_reported_totals(
        _reported("savings_target", scope, reported), {"savings": WITHDRAWN}
    )
    assert (finding.status, finding.computed) == (status, computed)


def test_the_check_says_which_years_it_added_up():
    [tracked] = check_reported_totals(
        _reported("savings_target", {"workstream": "W"}, 150), {"savings": WITHDRAWN}
    )
    assert tracked.explanation == (
        "sum of 2 rows (workstream W; 1 withdrawn, deferred or replaced year left out)"
    )
    [every] = check_reported_totals(
        _reported("savings_target", {"workstream": "W", "stopped": "included"}, 350),
        {"savings": WITHDRAWN},
    )
    assert (
        every.explanation
        == "sum of 3 rows (workstream W; withdrawn, deferred and replaced years included)"
    )


def test_a_total_of_only_stopped_years_cannot_be_checked_against_the_years_tracked():
    [finding] = check_reported_totals(
        _reported("savings_target", {"line_code": "A", "financial_year": "2019/20"}, 200),
        {"savings": WITHDRAWN},
    )
    assert finding.status == UNCHECKABLE
    assert "1 withdrawn, deferred or replaced year left out" in finding.explanation


def _total(scope: str, dataset: str = "savings_target") -> ReportedTotal:
    return ReportedTotal.model_validate(
        {
            "code": "RT",
            "label": "Total",
            "dataset": dataset,
            "scope": scope,
            "reported_value": 1,
            "source": "p",
            "source_kind": "paper",
            "as_at": "2024-03-31",
            "basis": "published",
        }
    )


def test_a_reported_total_says_stopped_included_in_its_scope_in_any_case():
    assert _total("workstream=W; Stopped=Included").scope == {
        "workstream": "W",
        "stopped": "included",
    }
    assert _total("stopped=excluded").scope == {"stopped": "excluded"}


@pytest.mark.parametrize(
    ("scope", "dataset", "said"),
    [
        ("stopped=yes", "savings_target", "stopped is 'included' or 'excluded', not 'yes'"),
        ("stopped=included", "posts_cost", "stopped is only for a savings_target total"),
    ],
)
def test_a_stopped_scope_is_checked_in_plain_words(scope, dataset, said):
    with pytest.raises(ValidationError) as refused:
        _total(scope, dataset)
    assert said in describe_errors(refused.value)
