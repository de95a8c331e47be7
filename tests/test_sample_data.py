"""The demo council reproduces the published papers' figures exactly."""

from __future__ import annotations

import polars as pl

from data_access.frames import savings_frame
from data_access.loaders import load_table
from data_access.sample_data import NOTTS_WORKSTREAM, load_sample_data

SEEDS = (
    "000_b69d1c7bb4dbf9f4.txt",
    "001_a75992156555afa7.txt",
    "002_da0335600d293a6c.txt",
    "003_0b82b94255fbe74d.txt",
    "004_8fe6c5184d5308a0.txt",
)


def test_nineteen_areas_split_8_9_2_by_status(demo_store):
    areas = load_table(demo_store, "areas")
    counts = dict(areas.group_by("status").len().iter_rows())
    assert areas.height == 19
    assert counts == {
        "Routine activity": 8,
        "Part of MTFS project plans": 9,
        "Focus of additional input": 2,
    }
    assert {"Commissioning", "Safeguarding Adults"} <= set(areas["title"])
    assert set(areas["basis"]) == {"illustrative"}


def test_nottinghamshire_savings_table_by_year_in_thousands(demo_store):
    notts = savings_frame(demo_store).filter(pl.col("workstream") == NOTTS_WORKSTREAM)
    by_line = {
        (row["code"], row["financial_year"]): row["target_pence"] // 100_000
        for row in notts.iter_rows(named=True)
    }
    assert by_line == {
        ("NCC-YA", "2018/19"): 1_500,
        ("NCC-YA", "2019/20"): 749,
        ("NCC-YA", "2020/21"): 100,
        ("NCC-OA", "2018/19"): 130,
        ("NCC-OA", "2019/20"): 130,
        ("NCC-OA", "2020/21"): 199,
    }
    by_year = (
        notts.group_by("financial_year").agg(pl.col("target_pence").sum()).sort("financial_year")
    )
    assert by_year["target_pence"].to_list() == [163_000_000, 87_900_000, 29_900_000]
    assert notts["target_pence"].sum() == 280_800_000


def test_younger_adult_components_total_2349000(demo_store):
    components = load_table(demo_store, "savings_components")
    younger = components.filter(pl.col("line_code") == "NCC-YA")
    assert younger["amount_pence"].to_list() == [190_000_000, 32_500_000, 12_400_000]
    assert younger["amount_pence"].sum() == 234_900_000
    older = components.filter(pl.col("line_code") == "NCC-OA")
    assert older.height == 3 and older["amount_pence"].null_count() == 3


def test_seven_funded_posts_cost_578026(demo_store):
    posts = load_table(demo_store, "posts")
    assert posts.height == 7
    assert posts["cost_pence"].sum() == 57_802_600
    cco = posts.filter(pl.col("code") == "NCC-P05").row(0, named=True)
    assert (cco["fte_hundredths"], cco["unit_cost_pence"], cco["cost_pence"]) == (
        700,
        3_277_400,
        22_941_800,
    )


def test_nottingham_backlog_and_reviews_as_published(demo_store):
    backlog = load_table(demo_store, "backlog").filter(pl.col("basis") == "published")
    published = {
        (r["measure"], r["month"].isoformat()): r["value"] for r in backlog.iter_rows(named=True)
    }
    assert published == {
        ("waiting_review", "2023-11-01"): 460,
        ("waiting_ot_assessment", "2023-11-01"): 692,
        ("reviews_completed", "2023-01-01"): 750,
        ("reviews_completed", "2023-08-01"): 2_398,
    }
    modelled = load_table(demo_store, "backlog").filter(pl.col("basis") == "modelled")
    assert modelled.height > 0
    assert modelled["source"].str.contains("modelled|interpolated").all()


def test_reviews_programme_and_mtfs_requirement(demo_store):
    programme = load_table(demo_store, "review_programmes").row(0, named=True)
    assert (
        programme["reviews_planned"],
        programme["cost_pence"],
        programme["savings_pence"],
        programme["agency_cost_pence"],
    ) == (2_478, 119_100_000, 129_300_000, 42_900_000)
    mtfs = load_table(demo_store, "mtfs_requirements").row(0, named=True)
    assert (mtfs["required_pence"], mtfs["forecast_pence"], mtfs["reported_shortfall_pence"]) == (
        6_700_000_000,
        5_443_000_000,
        1_262_000_000,
    )


def test_leicester_workstreams_and_committee_actions(demo_store):
    lines = savings_frame(demo_store).filter(pl.col("code").str.starts_with("LCC-"))
    assert lines.height == 4
    actions = load_table(demo_store, "committee_actions")
    texts = " ".join(actions["text"].to_list())
    assert "Principal Social Worker be invited" in texts
    assert "cessation of training for care homes" in texts
    assert "loneliness" in texts and "SEND children" in texts


def test_every_row_names_its_source_paper(demo_store):
    for table in (
        "areas",
        "milestones",
        "savings_years",
        "savings_lines",
        "savings_components",
        "mtfs_requirements",
        "review_programmes",
        "posts",
        "backlog",
        "committee_actions",
        "reported_totals",
    ):
        sources = load_table(demo_store, table)["source"]
        assert sources.map_elements(
            lambda s: s.split(" ")[0] in SEEDS, return_dtype=pl.Boolean
        ).all(), table


def test_loading_twice_changes_nothing(sqlite_demo_store):
    before = sqlite_demo_store.dataset_versions()
    load_sample_data(sqlite_demo_store)
    assert sqlite_demo_store.dataset_versions() == before
