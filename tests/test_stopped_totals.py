"""A reported total of savings targets is checked against the years still tracked: once a year
is withdrawn (``ascgov edit savings-status``), a total that leaves it out agrees and one that
still counts it agrees only when its scope says ``stopped=included``. The Data quality page
and ``ascgov check`` say the same (both count with ``reconciliation.counts``)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.pages_support import page_text, run_page, tables
from tests.test_cli import run

HEADER = "code,label,dataset,scope,reported_value,source,source_kind,as_at,basis\n"
TRACKED = "RT-YA-TRACKED"
EVERY = "RT-YA-EVERY"


@pytest.fixture
def withdrawn(app_env, tmp_path):
    """The demo council with NCC-YA's 2020/21 year (£100,000 of its £2,349,000) withdrawn and
    two totals of the line loaded: one of the years tracked, one of every year."""
    url = app_env.url
    run(
        url,
        "edit",
        "savings-status",
        "NCC-YA",
        "2020/21",
        "--version",
        "1",
        "--status",
        "withdrawn",
        "--date",
        "2024-01-15",
        "--reason",
        "Stopped by the committee",
    )
    path = tmp_path / "totals.csv"
    path.write_text(
        HEADER + f"{TRACKED},Younger adults still tracked,savings_target,line_code=NCC-YA,"
        "2249000,totals.csv,paper,2024-01-31,published\n"
        + f"{EVERY},Younger adults including stopped years,savings_target,"
        "line_code=NCC-YA; stopped=included,2349000,totals.csv,paper,2024-01-31,published\n",
        encoding="utf-8",
    )
    run(url, "import", "reported_totals", str(path))
    return app_env


def test_ascgov_check_compares_savings_totals_with_the_years_tracked(withdrawn):
    findings = {
        f["code"]: f for f in json.loads(run(withdrawn.url, "check", "--json", "--all").stdout)
    }
    assert (findings[TRACKED]["status"], findings[TRACKED]["computed"]) == ("agrees", 224_900_000)
    assert (findings[EVERY]["status"], findings[EVERY]["computed"]) == ("agrees", 234_900_000)
    # the paper's three-year total says nothing of stopped years: it is now compared with the
    # years still tracked, and differs by the year withdrawn
    demo = findings["RT-NCC-YA"]
    assert (demo["status"], demo["difference"]) == ("differs", 10_000_000)
    assert "1 withdrawn, deferred or replaced year left out" in demo["explanation"]
    out = run(withdrawn.url, "check", "--all").stdout
    assert out.startswith("14 checks: 5 differ, 8 agree, 1 cannot be checked")


def test_the_data_quality_page_shows_the_same_checks(withdrawn):
    at = run_page("pages/data_quality.py")
    assert "14 checks: 6 need attention, 8 agree." in page_text(at)
    checks = pl.from_pandas(next(t for t in tables(at) if t.columns[0] == "status"))
    status = dict(checks.select("figure", "status").rows())
    assert status["Younger adults still tracked"] == "agrees"
    assert status["Younger adults including stopped years"] == "agrees"
    assert status["Younger adults, 3 year total"] == "differs"
