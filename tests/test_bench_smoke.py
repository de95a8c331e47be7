"""Every benchmark in ``bench/`` still runs: each script's small mode (``--smoke``), through its
real entry point, walks the same steps as the full run and reports every figure it names.

The benchmarks are run on demand, so a change that broke one went unnoticed (issue 16: the store
benchmark still passed a string where ``import_file`` wanted a ``Principal``). These tests assert
that each run ends well and that each measure is there, numeric and positive; never how long
anything took (the machine is shared, and the targets are the full run's business).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from dashboard.briefing.make import FORMATS
from dashboard.navigation import PAGES
from data_access import schema
from tests.conftest import PG_ADMIN_URL, REPO

BENCH = REPO / "bench"
# a guard against a run that hangs, not a measure: a loaded machine may take minutes
TIMEOUT_S = 600
# the rows generate_national writes for each council (bench/README.md)
PER_COUNCIL = {
    "areas": 20,
    "milestones": 200,
    "savings": 1_000,
    "backlog": 14_400,
    "posts": 30,
    "actions": 60,
}
# what the store benchmark reads back of one council: the tables those datasets fill
ONE_COUNCIL_READ = {
    "areas": 20,
    "milestones": 200,
    "savings_lines": 200,
    "savings_years": 1_000,
    "posts": 30,
    "backlog": 14_400,
    "meetings": 12,
    "committee_actions": 60,
    "savings_frame": 1_000,
    "savings_frame_as_at": 1_000,
    "actions_frame": 60,
}
FRAMES = ("savings_frame", "actions_frame", "savings_frame_as_at")
# the case-level benchmark's steps: reading and deriving, then each store's import steps
READS = ("bare_read", "read_derive", "pandas")
STEPS = ("dry_run", "apply", "again")


def run_smoke(script: str, tmp_path, *options: str) -> dict:
    """Run ``bench/<script>.py --smoke`` as a user would; the figures it wrote as JSON."""
    figures_file = tmp_path / f"{script}.json"
    command = [sys.executable, str(BENCH / f"{script}.py"), "--smoke", "--json", str(figures_file)]
    done = subprocess.run(
        [*command, *options], cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert done.returncode == 0, (
        f"{script} --smoke exited with {done.returncode}:\n{done.stderr[-4000:]}"
    )
    return json.loads(figures_file.read_text(encoding="utf-8"))


def assert_measured(figures: dict, expected: set[str]) -> None:
    """Every expected figure is there, and every figure is a positive finite number."""
    missing = sorted(expected - figures.keys())
    assert not missing, f"figures not reported: {missing}"
    unmeasured = {
        name: value
        for name, value in figures.items()
        if isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    }
    assert not unmeasured, f"figures that are not positive numbers: {unmeasured}"


def test_generate_national_smoke_writes_two_councils(tmp_path):
    result = run_smoke("generate_national", tmp_path)

    assert_measured(result["figures"], {"generate_s", "csv_mb"})
    assert result["councils"] == 2
    assert result["rows"] == {dataset: 2 * rows for dataset, rows in PER_COUNCIL.items()}


def store_figures(db: str) -> set[str]:
    named = {f"{db}.one_council_s", f"{db}.import_rss_mb", f"{db}.read_rss_mb"}
    named |= {f"{db}.one_council.{dataset}_s" for dataset in PER_COUNCIL}
    named |= {f"{db}.national.{part}_s" for part in ("total", "first", "median", "last", "max")}
    return named | {f"{db}.read.{name}_s" for name in (*schema.metadata.tables, *FRAMES)}


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_store_bench_smoke_imports_and_reads_back_a_council(db, tmp_path, request):
    if db == "postgresql":
        request.getfixturevalue("pg_template")  # skips (fails under CI) without a server
    result = run_smoke("bench_store", tmp_path, "--db", db, "--pg-url", PG_ADMIN_URL)

    assert_measured(result["figures"], store_figures(db))
    assert result["councils"] == 1
    read = {name: result["rows"][f"{db}.{name}"] for name in ONE_COUNCIL_READ}
    assert read == ONE_COUNCIL_READ


def test_page_bench_smoke_times_every_page_at_both_scales(tmp_path):
    result = run_smoke("bench_pages", tmp_path)

    titles = ("(bare page)", *(page.title for page in PAGES))
    expected = {f"{scale}.store_ready_s" for scale in ("sample", "national")}
    expected |= {
        f"{scale}.{title}.{run}_s"
        for scale in ("sample", "national")
        for title in titles
        for run in ("cold", "cached")
    }
    # the SQL of each page's cached rerun (the bare page reads no store)
    expected |= {
        f"{scale}.{page.title}.{count}"
        for scale in ("sample", "national")
        for page in PAGES
        for count in ("version_queries", "sql_statements")
    }
    assert_measured(result["figures"], expected)
    assert (result["councils"], result["browser"]) == (1, False)


def test_brief_bench_smoke_makes_a_pack_in_each_format(tmp_path):
    result = run_smoke("bench_brief", tmp_path)

    # one pack per council, between them both layouts (the largest council's PDF is slow)
    packs = ("demo.pdf.tables", "largest.docx.tables")
    assert {pack.split(".")[1] for pack in packs} == set(FORMATS)
    expected = {"stores_ready_s", "demo.pdf.tables.pages"}
    expected |= {f"{pack}.{measure}" for pack in packs for measure in ("median_s", "size_mb")}
    assert_measured(result["figures"], expected)
    assert result["council"] == "E10000001"


def test_read_bench_smoke_times_every_table_with_a_larger_backlog(tmp_path):
    result = run_smoke("bench_reads", tmp_path)

    assert set(result) == {"0", "2000"}
    for extra, figures in result.items():
        assert set(figures["tables"]) == set(schema.metadata.tables)
        for name, table in figures["tables"].items():
            # an empty table's time rounds to 0.0000 s: measured, but not necessarily positive
            times = (table["median_s"], table["median_cpu_s"])
            assert all(isinstance(t, float) and math.isfinite(t) and t >= 0 for t in times), name
        backlog = figures["tables"]["backlog"]
        assert backlog["rows"] == 96 + int(extra)  # the demo's own 96
        assert_measured({"backlog_s": backlog["median_s"], "rss": figures["peak_rss_kb"]}, set())


def test_library_bench_smoke_compares_each_library_with_our_own_code(tmp_path):
    result = run_smoke("bench_library", tmp_path)

    expected = {"csv.mb"}
    for name, ours, library in (
        ("csv", "by_rows_s", "polars_s"),
        ("as_at", "by_rows_s", "json_decode_s"),
        ("pdf", "by_lines_s", "fpdf_table_s"),
        ("xlsx", "by_cells_s", "polars_s"),
    ):
        expected |= {f"{name}.{ours}", f"{name}.{library}", f"{name}.library_speedup"}
    assert_measured(result["figures"], expected)
    assert result["repeats"] == 1


def test_import_bench_smoke_times_a_dry_run_and_an_apply_beside_read_csv(tmp_path):
    result = run_smoke("bench_import", tmp_path)

    expected = {
        f"500.{name}"
        for name in ("read_csv_s", "dry_run_s", "apply_s", "dry_run_x_read_csv", "rows_written")
    }
    assert_measured(result["figures"], expected)
    assert result["rows"] == [500]


def test_keep_bench_smoke_keeps_a_pack_and_makes_it_again(tmp_path):
    result = run_smoke("bench_keep", tmp_path)
    assert_measured(result["figures"], {"demo.keep_s", "demo.check_s", "demo.files_mb"})


def test_cases_bench_smoke_imports_the_census_and_cld_on_both_stores(tmp_path):
    result = run_smoke("bench_cases", tmp_path)

    steps = [f"{kind}.{step}" for kind in ("sqlite", "postgresql") for step in STEPS]
    expected = {
        f"{name}_s"
        for name in (
            *(f"{data}.{step}" for data in ("census", "cld") for step in READS),
            *(f"{data}.{step}" for data in ("census", "cld") for step in steps),
            "cld.sqlite.read_back",
            "cld.postgresql.read_back",
        )
    } | {"peak_polars_mb", "peak_with_pandas_mb"}
    assert_measured(result["figures"], expected)
