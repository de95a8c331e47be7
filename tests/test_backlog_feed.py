"""A census extract's counts written to the backlog series in the import's own transaction
(data_access/backlog_feed.py), on SQLite and PostgreSQL: the literal extract of
tests/test_case_counts.py, loaded again (nothing changes), corrected (its figures revised, other
dates untouched), over a figure typed in from a paper (replaced and named), and previewed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from dashboard.domain.case_counts import backlog_counts
from data_access import days, schema
from data_access.importer import import_file
from data_access.problems import ImportRejected
from tests.conftest import DIRECTOR
from tests.store_snapshots import settle, snapshot
from tests.test_case_counts import EXPECTED, MARCH, PEOPLE

HEADER = (
    "extract_date,person_id,team,age_band,primary_support_reason,setting,support_start,"
    "last_review,next_review_due,waiting_assessment_since,waiting_ot_since,"
    "waiting_service_since,safeguarding_open,provider_concern,lives_alone,has_unpaid_carer,"
    "last_contact"
)
BASE = "case-system extract as at 31 March 2024"
FEBRUARY = date(2024, 2, 1)


def _csv(people, extract_date: str = "2024-03-31") -> str:
    lines = [
        f"{extract_date},{pid},{team},65+,,,{','.join(dates)},,,,," for pid, team, *dates in people
    ]
    return HEADER + "\n" + "\n".join(lines) + "\n"


def _file(tmp_path: Path, text: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(store, path, dataset="cases", **options):
    return import_file(
        store,
        dataset,
        path,
        actor=DIRECTOR,
        as_at=date(2024, 4, 2),
        derive=backlog_counts,
        **options,
    )


def _backlog(store) -> list[tuple]:
    b = schema.backlog
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                b.c.measure,
                b.c.month,
                b.c.team,
                b.c.priority_band,
                b.c.value,
                b.c.source,
                b.c.source_kind,
                b.c.as_at,
                b.c.basis,
                b.c.version,
            ).order_by(b.c.month, b.c.measure, b.c.team)
        ).all()
    return [tuple(r) for r in rows]


def _audit_count(store, dataset: str) -> int:
    events = schema.audit_events
    with store.engine.connect() as conn:
        return len(conn.execute(select(events.c.id).where(events.c.dataset == dataset)).all())


def _figures(store, month=MARCH) -> dict[tuple[str, str], tuple[int, str, int]]:
    """(measure, team) -> (value, source, version) for one month."""
    return {
        (m, team): (value, source, version)
        for m, mon, team, _, value, source, *_, version in _backlog(store)
        if mon == month
    }


PEOPLE_PER_TEAM = {"North": 7, "South": 5, "All teams": 12}


def _first_load_figures() -> dict[tuple[str, str], tuple[int, str, int]]:
    return {
        (measure, team): (value, f"{BASE} (derived from {PEOPLE_PER_TEAM[team]} people)", 1)
        for measure, values in EXPECTED.items()
        for team, value in zip(("North", "South", "All teams"), values, strict=True)
    }


def test_an_extract_adds_its_counts_to_the_backlog_published_and_sourced(store, tmp_path):
    report = _import(store, _file(tmp_path, _csv(PEOPLE)))
    assert (report.figures_new, report.figures_changed) == (21, 0)
    assert "backlog figures from it: 21 new, 0 changed" in str(report)
    assert _figures(store) == _first_load_figures()
    # every row: all priority bands, a system extract, published, as at the extract date
    assert {row[3] for row in _backlog(store)} == {"All priorities"}
    assert {row[6:9] for row in _backlog(store)} == {
        ("system extract", date(2024, 3, 31), "published")
    }
    assert _audit_count(store, "backlog") == 21


def test_loading_the_same_extract_again_changes_nothing(store, tmp_path):
    path = _file(tmp_path, _csv(PEOPLE))
    _import(store, path)
    settle(store)
    before, rows = snapshot(store), _backlog(store)
    report = _import(store, path)
    assert (report.figures_new, report.figures_changed) == (0, 0)
    after = snapshot(store)
    assert _backlog(store) == rows
    assert after.versions["backlog"] == before.versions["backlog"]
    # the import event alone: no backlog (or cases) row audited
    assert after.counts["audit_events"] == before.counts["audit_events"] + 1
    preview = _import(store, path, dry_run=True)
    assert preview.changes.filter(preview.changes["table"] == "backlog").is_empty()


def test_a_corrected_extract_revises_its_own_figures_and_leaves_other_dates(store, tmp_path):
    # February's extract: N1 alone
    _import(store, _file(tmp_path, _csv(PEOPLE[:1], "2024-02-29"), "february.csv"))
    february = _figures(store, FEBRUARY)
    _import(store, _file(tmp_path, _csv(PEOPLE)))
    first_loaded = days.today()
    # corrected: N4 (overdue a first review) was not on North's books
    corrected = [p for p in PEOPLE if p[0] != "N4"]
    report = _import(store, _file(tmp_path, _csv(corrected), "corrected.csv"))
    assert (report.figures_new, report.figures_changed) == (0, 21)
    revised = (
        f"revised: replaces the figures of the extract loaded on "
        f"{first_loaded.day} {first_loaded.strftime('%B %Y')}"
    )
    figures = _figures(store)
    assert figures[("waiting_review", "North")] == (
        3,
        f"{BASE} (derived from 6 people; {revised})",
        2,
    )
    assert figures[("waiting_review", "All teams")] == (
        5,
        f"{BASE} (derived from 11 people; {revised})",
        2,
    )
    # an unchanged figure of the corrected extract is revised with the rest: one extract's set
    assert figures[("awaiting_service", "South")] == (
        2,
        f"{BASE} (derived from 5 people; {revised})",
        2,
    )
    assert _figures(store, FEBRUARY) == february  # another date: untouched, version 1
    assert {v[2] for v in february.values()} == {1}
    # the corrected file again: nothing moves
    settle(store)
    before, rows = snapshot(store), _backlog(store)
    _import(store, _file(tmp_path, _csv(corrected), "corrected.csv"))
    assert _backlog(store) == rows
    assert snapshot(store).versions["backlog"] == before.versions["backlog"]


def test_a_team_the_corrected_extract_no_longer_holds_gets_zero(sqlite_store, tmp_path):
    _import(sqlite_store, _file(tmp_path, _csv(PEOPLE)))
    north_only = [p for p in PEOPLE if p[1] == "North"]
    _import(sqlite_store, _file(tmp_path, _csv(north_only), "north.csv"))
    value, source, version = _figures(sqlite_store)[("waiting_review", "South")]
    assert (value, version) == (0, 2)
    assert source.startswith(f"{BASE} (derived from 0 people; revised: ")
    assert _figures(sqlite_store)[("waiting_review", "All teams")][0] == 4


BACKLOG_HEADER = "measure,month,team,priority_band,value,source,as_at,basis"
TYPED = (
    BACKLOG_HEADER
    + "\nwaiting_review,2024-03,All teams,All priorities,460,Committee paper April 2024,"
    "2024-04-10,published\n"
    "waiting_review,2024-02,All teams,All priorities,455,Committee paper April 2024,"
    "2024-04-10,published\n"
)


def test_a_typed_in_figure_is_replaced_and_named_and_previewed(store, tmp_path):
    _import(store, _file(tmp_path, TYPED, "paper.csv"), dataset="backlog")
    path = _file(tmp_path, _csv(PEOPLE))
    preview = _import(store, path, dry_run=True)
    changes = {
        (row["item"], row["field"]): (row["before"], row["after"])
        for row in preview.changes.filter(preview.changes["table"] == "backlog").iter_rows(
            named=True
        )
    }
    item = "waiting_review|2024-03-01|All teams|All priorities"
    assert changes[(item, "value")] == ("460", "6")
    assert changes[(item, "source")] == (
        "Committee paper April 2024",
        f"{BASE} (derived from 12 people; replaces 460 from Committee paper April 2024)",
    )
    # a new figure is listed from blank
    assert changes[("waiting_review|2024-03-01|North|All priorities", "value")] == (None, "4")
    assert (preview.figures_new, preview.figures_changed) == (20, 1)
    assert _figures(store)[("waiting_review", "All teams")][0] == 460  # a preview writes nothing
    report = _import(store, path, expected_sha256=preview.sha256, based_on=dict(preview.based_on))
    assert (report.figures_new, report.figures_changed) == (20, 1)
    assert _figures(store)[("waiting_review", "All teams")] == (
        6,
        f"{BASE} (derived from 12 people; replaces 460 from Committee paper April 2024)",
        2,
    )
    assert _figures(store, FEBRUARY)[("waiting_review", "All teams")][0] == 455  # another month
    # and loading the extract again leaves the replacement as it is
    again = _import(store, path)
    assert (again.figures_new, again.figures_changed) == (0, 0)


def test_a_preview_is_stale_once_the_backlog_changes(sqlite_store, tmp_path):
    path = _file(tmp_path, _csv(PEOPLE))
    preview = _import(sqlite_store, path, dry_run=True)
    assert dict(preview.based_on).keys() == {"backlog", "cases"}
    _import(sqlite_store, _file(tmp_path, TYPED, "paper.csv"), dataset="backlog")
    with pytest.raises(ImportRejected, match="figures have changed since you previewed"):
        _import(sqlite_store, path, expected_sha256=preview.sha256, based_on=dict(preview.based_on))


def test_an_earlier_extract_in_a_month_leaves_the_later_ones_figures(sqlite_store, tmp_path):
    _import(sqlite_store, _file(tmp_path, _csv(PEOPLE)))
    rows = _backlog(sqlite_store)
    report = _import(sqlite_store, _file(tmp_path, _csv(PEOPLE[:3], "2024-03-15"), "mid.csv"))
    assert (report.inserted, report.figures_new, report.figures_changed) == (3, 0, 0)
    assert _backlog(sqlite_store) == rows


def test_without_derive_an_extract_feeds_nothing(sqlite_store, tmp_path):
    import_file(sqlite_store, "cases", _file(tmp_path, _csv(PEOPLE)), actor=DIRECTOR)
    assert _backlog(sqlite_store) == []


def test_ascgov_import_of_an_extract_feeds_the_backlog(empty_app_env, tmp_path):
    from tests.test_cli import run

    path = _file(tmp_path, _csv(PEOPLE))
    preview = run(empty_app_env.url, "import", "cases", str(path), "--dry-run")
    assert "would write 12 new" in preview.stdout
    assert "backlog figures from it: 21 new, 0 changed" in preview.stdout
    assert _backlog(empty_app_env) == []
    run(empty_app_env.url, "import", "cases", str(path))
    assert _figures(empty_app_env) == _first_load_figures()


def test_an_officers_part_of_an_extract_keeps_the_other_teams_in_the_figures(store, tmp_path):
    """An officer of North loads North's people again without N1: only North's people are
    replaced, so the figures count North from the file and South from the store; the
    all-teams figure stays the whole extract's (before, it fell to North's alone)."""
    from data_access.access import Principal, ScopeKind
    from data_access.vocab import Role

    _import(store, _file(tmp_path, _csv(PEOPLE)))
    officer = Principal(
        email="officer@demo.example",
        name="Demo Officer",
        role=Role.OFFICER,
        scopes=frozenset({(ScopeKind.TEAM, "North")}),
    )
    north_without_n1 = [p for p in PEOPLE if p[1] == "North" and p[0] != "N1"]
    path = _file(tmp_path, _csv(north_without_n1), "north.csv")
    import_file(store, "cases", path, actor=officer, as_at=date(2024, 4, 3), derive=backlog_counts)
    figures = {key: value for key, (value, _, _) in _figures(store).items()}
    # N1 was overdue (waiting and overdue review, no review in 12 months): North loses one
    assert figures[("waiting_review", "North")] == 3
    assert figures[("waiting_review", "South")] == 2
    assert figures[("waiting_review", "All teams")] == 5
    assert figures[("overdue_annual_reviews", "All teams")] == 3
    assert figures[("awaiting_service", "All teams")] == 2  # South's two, from the store
    source = _figures(store)[("waiting_review", "All teams")][1]
    assert source.startswith(f"{BASE} (derived from 11 people; revised: ")
