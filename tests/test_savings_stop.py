"""Savings that stop (withdrawn, deferred, replaced) and budget-monitoring bridges: stored on
SQLite and PostgreSQL, imported, edited with an audit event, kept out of the totals tracked,
listed on their own, never rated Green; bridges checked step by step."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from dashboard.domain import reconciliation, savings
from dashboard.domain.ratings import Thresholds, brag
from data_access import commands, models, schema
from data_access.datasets import DATASETS
from data_access.exporter import export_frame
from data_access.frames import savings_frame
from data_access.importer import ImportRejected, import_file
from data_access.loaders import load_table
from data_access.rating_scales import GREEN, NOT_RATED
from tests.conftest import DIRECTOR
from tests.savings_support import write_rows

ROW = {
    "code": "SAV-1",
    "financial_year": "2025/26",
    "title": "Day services review",
    "workstream": "Reduce the cost of care",
    "cohort": "older",
    "target": "46000000",
    "forecast": "46000000",
    "source": "test",
    "as_at": "2025-06-30",
}
WITHDRAWN = {
    **ROW,
    "status": "Withdrawn",
    "status_date": "12/05/2025",
    "status_reason": "Consultation response: proposal dropped",
}


# --- the rule, in the model --------------------------------------------------------------


def test_a_withdrawn_year_is_stored_with_its_date_and_reason():
    record = models.SavingsYear.model_validate(WITHDRAWN)
    assert record.status.value == "withdrawn"
    assert record.status_date == date(2025, 5, 12)
    assert record.status_reason == "Consultation response: proposal dropped"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status_date": None}, "status_date", "a withdrawn line needs the date it was withdrawn"),
        ({"status_reason": " "}, "status_reason", "a withdrawn line needs the reason"),
        ({"status": "deferred"}, "deferred_to", "a deferred line needs the year it moves to"),
        (
            {"status": "deferred", "deferred_to": "2024/25"},
            "deferred_to",
            "a line deferred from 2025/26 must move to a later year, not 2024/25",
        ),
        (
            {"status": "replaced"},
            "replaced_by",
            "a replaced line needs the code of its replacement",
        ),
        ({"status": "replaced", "replaced_by": "SAV-1"}, "replaced_by", "cannot replace itself"),
        ({"deferred_to": "2026/27"}, "deferred_to", "only for a deferred line"),
        ({"status": None}, "status_date", "only for a line withdrawn, deferred or replaced"),
    ],
)
def test_a_status_must_be_complete(changes, field, message):
    with pytest.raises(ValidationError) as caught:
        models.SavingsYear.model_validate({**WITHDRAWN, **changes})
    error = caught.value.errors()[0]
    assert error["type"] == field
    assert message in error["msg"]


def test_an_unknown_status_is_refused_naming_the_choices():
    with pytest.raises(ValidationError) as caught:
        models.SavingsYear.model_validate({**WITHDRAWN, "status": "paused"})
    assert "withdrawn" in str(caught.value) and "deferred" in str(caught.value)


# --- the rating -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["withdrawn", "deferred", "replaced"])
def test_a_stopped_year_is_never_rated_green(status):
    rated = brag(
        46_000_000_00,
        46_000_000_00,
        None,
        override=GREEN,
        override_reason="On track",
        status=status,
        status_reason="Dropped after consultation",
    )
    assert rated.rating == NOT_RATED
    assert rated.basis == status.capitalize()
    assert rated.reason == f"{status}: Dropped after consultation"


def test_a_zero_target_is_still_rated_by_the_rule():
    # the column docs say a £0 target is not how to withdraw a line: status is
    assert brag(0, 0, None).rating == GREEN


# --- the domain: totals, split, bridge, the list on its own --------------------------------


def _frame(rows: list[dict]) -> pl.DataFrame:
    records = [models.SavingsYear.model_validate(r) for r in rows]
    data = [
        {k: getattr(v, "value", v) for k, v in r.model_dump(mode="python").items()} for r in records
    ]
    return pl.DataFrame(data, infer_schema_length=None)


RATED = savings.rate_lines(
    _frame(
        [
            ROW | {"code": "SAV-0", "target": "10000000", "forecast": "9000000"},
            WITHDRAWN,
            ROW
            | {
                "code": "SAV-2",
                "target": "5000000",
                "forecast": "5000000",
                "status": "deferred",
                "status_date": "2025-07-01",
                "status_reason": "Procurement delayed",
                "deferred_to": "2026/27",
            },
        ]
    ),
    Thresholds(),
)


def test_stopped_years_are_kept_out_of_the_totals_tracked():
    tracked = savings.tracked(RATED)
    assert tracked["code"].to_list() == ["SAV-0"]
    totals = savings.totals(tracked, "financial_year")
    assert (
        totals.filter(pl.col("financial_year") == "Total")["target_pence"].item() == 10_000_000_00
    )
    split = savings.brag_split(tracked)
    assert split["target_pence"].sum() == 10_000_000_00
    bridge = savings.programme_bridge(tracked)
    assert bridge.steps[0] == ("Target", 10_000_000_00, "absolute")


def test_stopped_years_are_listed_on_their_own_with_their_value():
    stopped = savings.stopped(RATED)
    assert savings.stopped_sentences(stopped) == [
        "£46.00m withdrawn for 2025/26.",
        "£5.00m deferred from 2025/26 to 2026/27.",
    ]
    table = savings.stopped_table(stopped)
    assert table.frame["Status"].to_list() == ["Withdrawn", "Deferred"]
    assert table.frame["Target"].to_list() == [46_000_000_00, 5_000_000_00]
    assert table.frame["Reason"].to_list() == [
        "Consultation response: proposal dropped",
        "Procurement delayed",
    ]
    assert GREEN not in RATED.filter(pl.col("status").is_not_null())["rating"].to_list()


# --- the store: import, export, edit, on SQLite and PostgreSQL -----------------------------


def _csv(tmp_path, name: str, rows: list[dict]) -> str:
    path = tmp_path / name
    pl.DataFrame(rows).write_csv(path)
    return path


def test_a_withdrawn_line_imports_exports_and_reimports(store, tmp_path):
    path = _csv(tmp_path, "savings.csv", [WITHDRAWN])
    import_file(store, "savings", path, actor=DIRECTOR)
    stored = savings_frame(store).row(0, named=True)
    assert (stored["status"], stored["status_date"], stored["target_pence"]) == (
        "withdrawn",
        date(2025, 5, 12),
        46_000_000_00,
    )
    exported = export_frame(store, "savings")
    assert exported["status"].to_list() == ["withdrawn"]
    again = tmp_path / "again.csv"
    exported.write_csv(again)
    report = import_file(store, "savings", again, actor=DIRECTOR)
    assert (report.inserted, report.updated) == (0, 0)


def test_a_replacement_that_is_not_in_the_store_is_refused_and_nothing_written(store, tmp_path):
    row = {
        **WITHDRAWN,
        "status": "replaced",
        "replaced_by": "SAV-NEW",
    }
    with pytest.raises(ImportRejected) as caught:
        import_file(store, "savings", _csv(tmp_path, "s.csv", [row]), actor=DIRECTOR)
    assert "replaced_by" in str(caught.value) and "SAV-NEW" in str(caught.value)
    assert load_table(store, "savings_years").is_empty()


def test_withdrawing_a_year_through_the_edit_is_audited(store):
    write_rows(store, "savings", [ROW])
    saved = commands.set_savings_status(
        store,
        DIRECTOR,
        "SAV-1",
        "2025/26",
        version=1,
        status="withdrawn",
        status_date=date(2025, 5, 12),
        status_reason="Dropped after consultation",
    )
    assert saved.version == 2
    row = savings_frame(store).row(0, named=True)
    assert (row["status"], row["status_reason"]) == ("withdrawn", "Dropped after consultation")
    with store.engine.connect() as conn:
        event = conn.execute(
            select(schema.audit_events).where(schema.audit_events.c.action == "edit:update")
        ).one()
    assert event.dataset == "savings_years"
    assert event.after["status"] == "withdrawn"
    assert event.reason == "Dropped after consultation"


def test_an_incomplete_status_edit_is_refused_in_plain_words(store):
    write_rows(store, "savings", [ROW])
    with pytest.raises(commands.EditRejected) as caught:
        commands.set_savings_status(
            store,
            DIRECTOR,
            "SAV-1",
            "2025/26",
            version=1,
            status="deferred",
            status_date=date(2025, 5, 12),
            status_reason="Later",
        )
    assert caught.value.problems == {"deferred_to": "a deferred line needs the year it moves to"}
    assert savings_frame(store)["status"].to_list() == [None]


def test_a_status_can_be_cleared(store):
    write_rows(store, "savings", [WITHDRAWN])
    commands.set_savings_status(store, DIRECTOR, "SAV-1", "2025/26", version=1, status=None)
    row = savings_frame(store).row(0, named=True)
    assert (row["status"], row["status_date"], row["status_reason"]) == (None, None, None)


# --- budget-monitoring bridges --------------------------------------------------------------

# the example, as test data (it is not in ../shared/seeds)
BRIDGE = [
    ("Projected overspend", "start", "8646000"),
    ("Savings achieved", "less", "1422000"),
    ("Other actions", "less", "660000"),
    ("Remaining overspend", "result", "6564000"),
]


def _bridge_rows(report: str = "Budget monitoring P6", steps=BRIDGE) -> list[dict]:
    return [
        {
            "report": report,
            "label": label,
            "kind": kind,
            "amount": amount,
            "source": "test",
            "as_at": "2024-09-30",
        }
        for label, kind, amount in steps
    ]


def test_a_bridge_imports_and_its_result_is_checked(store, tmp_path):
    import_file(store, "bridges", _csv(tmp_path, "b.csv", _bridge_rows()), actor=DIRECTOR)
    steps = load_table(store, "budget_bridge_steps").sort("id")
    assert steps["amount_pence"].to_list() == [864_600_000, 142_200_000, 66_000_000, 656_400_000]
    (finding,) = reconciliation.check_bridges(steps)
    assert finding.status == reconciliation.AGREES
    assert (finding.reported, finding.computed) == (656_400_000, 656_400_000)


def test_a_bridge_whose_steps_do_not_give_its_result_is_a_finding():
    wrong = [*BRIDGE[:3], ("Remaining overspend", "result", "6664000")]
    steps = pl.DataFrame(
        [models.BridgeStep.model_validate(r).model_dump() for r in _bridge_rows(steps=wrong)]
    ).with_columns(pl.col("kind").cast(pl.String))
    (finding,) = reconciliation.check_bridges(steps)
    assert finding.status == reconciliation.DIFFERS
    assert finding.difference == 10_000_000
    assert "£8,646,000 less £1,422,000 less £660,000" in finding.explanation


def test_a_bridge_without_its_result_cannot_be_checked():
    steps = pl.DataFrame(
        [models.BridgeStep.model_validate(r).model_dump() for r in _bridge_rows(steps=BRIDGE[:3])]
    ).with_columns(pl.col("kind").cast(pl.String))
    (finding,) = reconciliation.check_bridges(steps)
    assert finding.status == reconciliation.UNCHECKABLE
    assert "one start and one result" in finding.explanation


def test_a_bridge_as_a_chart_and_table():
    steps = pl.DataFrame(
        [models.BridgeStep.model_validate(r).model_dump() for r in _bridge_rows()]
    ).with_columns(pl.col("kind").cast(pl.String))
    (bridge,) = savings.budget_bridges(steps)
    assert bridge.steps == (
        ("Projected overspend", 864_600_000, "absolute"),
        ("Savings achieved", -142_200_000, "relative"),
        ("Other actions", -66_000_000, "relative"),
        ("Remaining overspend", 656_400_000, "total"),
    )
    assert bridge.table().frame["Amount"].to_list() == [
        864_600_000,
        -142_200_000,
        -66_000_000,
        656_400_000,
    ]
    figure = savings.bridge_figure(bridge)
    assert figure.data


def test_bridges_dataset_is_registered():
    assert DATASETS["bridges"].columns[:4] == ("report", "label", "kind", "amount")


# --- what the page, the pack and the overview show ----------------------------------------


def test_the_view_lists_stopped_lines_on_their_own_and_counts_only_the_tracked():
    from dashboard.views import savings as view

    part = view.lines_part(RATED, RATED, [], Thresholds())
    assert part.lines.frame["Line"].to_list() == ["SAV-0"]
    assert part.totals["Year"].frame["Target"].to_list() == [10_000_000_00, 10_000_000_00]
    assert part.stopped.sentences == (
        "£46.00m withdrawn for 2025/26.",
        "£5.00m deferred from 2025/26 to 2026/27.",
    )
    printed = part.blocks()
    assert part.stopped.table in printed
    assert any(getattr(b, "text", "") == "£46.00m withdrawn for 2025/26." for b in printed)


def test_the_overview_sentence_counts_the_tracked_and_names_what_stopped():
    from dashboard.domain import overview

    assert overview.savings_totals(RATED).sentence() == (
        "1 savings line: £10.00m targeted, £9.00m forecast, not published delivered. "
        "A further £51.00m was withdrawn, deferred or replaced and is not counted."
    )


def test_adults_totals_leave_out_stopped_years():
    from dashboard.domain import adults

    rows = [
        ROW | {"code": "Y1", "cohort": "younger", "target": "1500000"},
        ROW | {"code": "O1", "cohort": "older", "target": "130000"},
        WITHDRAWN | {"code": "O2", "cohort": "older", "target": "46000"},
    ]
    frame = _frame(rows)
    table = adults.cohort_years(frame, "Reduce the cost of care")
    assert adults.grand_total(table) == 1_630_000_00


def test_a_bridge_part_carries_its_check():
    from dashboard.views import savings as view

    wrong = [*BRIDGE[:3], ("Remaining overspend", "result", "6664000")]
    steps = pl.DataFrame(
        [models.BridgeStep.model_validate(r).model_dump() for r in _bridge_rows(steps=wrong)]
    ).with_columns(pl.col("kind").cast(pl.String))
    findings = reconciliation.check_bridges(steps)
    placed = [savings.Placed(f, "bridges", None) for f in findings]
    (part,) = view.budget_bridge_parts(steps, placed)
    assert part.bridge.table.frame["Step"].to_list()[0] == "Projected overspend"
    assert "difference £100,000" in part.findings[0].text
    blocks = view.budget_bridge_blocks([part])
    assert blocks[0].text == "Budget-monitoring bridges"


def test_the_savings_page_shows_a_withdrawn_line_and_a_bridge(empty_app_env, tmp_path):
    from tests.pages_support import page_text, run_page, tables

    write_rows(empty_app_env, "savings", [ROW | {"code": "SAV-0"}, WITHDRAWN])
    write_rows(empty_app_env, "bridges", _bridge_rows())
    at = run_page("pages/savings.py")
    assert not at.exception
    text = page_text(at)
    assert "£46.00m withdrawn for 2025/26." in text
    assert "Budget monitoring P6: projected overspend £8,646,000" in text
    stopped = next(t for t in tables(at) if "Reason" in t.columns)
    assert stopped["Line"].to_list() == ["SAV-1"]
    lines = next(t for t in tables(at) if "BRAG" in t.columns and "Why" in t.columns)
    assert [saving.split(":")[0] for saving in lines["Saving"]] == ["SAV-0"]


# --- the CLI ----------------------------------------------------------------------------------


def test_the_cli_withdraws_a_year_and_refuses_an_incomplete_status(tmp_path):
    from tests.test_cli import ADMIN, run

    director = "director@demo.example"
    url = "sqlite:///" + str(tmp_path / "cli.sqlite3")
    run(url, "db", "upgrade")
    run(url, "users", "add", ADMIN, "--role", "admin", as_=None)
    run(url, "users", "add", director, "--role", "director", as_=ADMIN)
    run(url, "import", "savings", str(_csv(tmp_path, "s.csv", [ROW])), as_=director)

    refused = run(
        url,
        "edit",
        "savings-status",
        "SAV-1",
        "2025/26",
        "--version",
        "1",
        "--status",
        "deferred",
        "--date",
        "12/05/2025",
        "--reason",
        "Procurement delayed",
        ok=False,
        as_=director,
    )
    assert (refused.returncode, refused.stderr) == (
        1,
        "refused: deferred_to: a deferred line needs the year it moves to\n",
    )
    saved = run(
        url,
        "edit",
        "savings-status",
        "SAV-1",
        "2025/26",
        "--version",
        "1",
        "--status",
        "withdrawn",
        "--date",
        "12/05/2025",
        "--reason",
        "Dropped after consultation",
        as_=director,
    )
    assert saved.stdout == "saved savings_years SAV-1|2025/26: now version 2\n"
    history = run(url, "history", "--json", as_=director).stdout
    assert "Dropped after consultation" in history


# --- the Updates page -------------------------------------------------------------------------


def test_the_updates_page_withdraws_a_year_with_its_reason(empty_app_env):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO
    from tests.pages_support import signed_in_as

    write_rows(empty_app_env, "savings", [ROW])

    def rerun(changed):
        at = changed.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    def press(at, label):
        return rerun(next(b for b in at.button if b.label == label).click())

    page = AppTest.from_file(str(REPO / "pages/updates.py"), default_timeout=60)
    at = rerun(signed_in_as(page, "director"))
    at = rerun(at.radio(key="kind").set_value("Savings line"))
    at = rerun(at.selectbox(key="pick-line").set_value("SAV-1: Day services review"))
    form = "stop:SAV-1|2025/26"
    at.selectbox(key=f"{form}:status").set_value("Deferred to a later year")
    at.text_input(key=f"{form}:date").set_value("12/05/2025")
    at.text_area(key=f"{form}:reason").set_value("Procurement delayed")
    at = press(at, "Save status")
    assert "a deferred line needs the year it moves to" in " ".join(e.value for e in at.error)
    assert savings_frame(empty_app_env)["status"].to_list() == [None]

    at.selectbox(key=f"{form}:status").set_value("Withdrawn")
    at = press(at, "Save status")
    saved = " ".join(s.value for s in at.success).replace("\\", "")
    assert "SAV-1|2025/26 is now at version 2" in saved
    row = savings_frame(empty_app_env).row(0, named=True)
    assert (row["status"], row["status_date"], row["status_reason"]) == (
        "withdrawn",
        date(2025, 5, 12),
        "Procurement delayed",
    )


# --- the pack ---------------------------------------------------------------------------------


def test_the_pack_prints_stopped_lines_and_bridges_as_the_page_shows_them(empty_app_env):
    from dashboard.briefing import content, make
    from dashboard.views.blocks import Chart, Heading, Paragraph
    from data_access import days

    write_rows(empty_app_env, "savings", [ROW | {"code": "SAV-0"}, WITHDRAWN])
    write_rows(empty_app_env, "bridges", _bridge_rows())
    pack = content.build(
        content.gather(empty_app_env, days.today()), make.options_for(empty_app_env)
    )
    section = next(s for s in pack.sections if s.key == "savings")
    headings = [b.text for b in section.blocks if isinstance(b, Heading)]
    assert "Budget-monitoring bridges" in headings
    assert "Savings withdrawn, deferred or replaced" in headings
    texts = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert "£46.00m withdrawn for 2025/26." in texts
    charts = [b for b in section.blocks if isinstance(b, Chart)]
    assert any(c.title == "Budget monitoring P6" for c in charts)
    printed_lines = next(
        b
        for b in section.blocks
        if getattr(b, "title", "") == "Savings lines with their BRAG ratings, worst first"
    )
    assert [saving.split(":")[0] for saving in printed_lines.frame["Saving"]] == ["SAV-0"]


def test_check_reports_a_bridge_that_does_not_add_up(store):
    from data_access.frames import reconciliation_frames

    wrong = [*BRIDGE[:3], ("Remaining overspend", "result", "6664000")]
    write_rows(store, "bridges", _bridge_rows(steps=wrong))
    findings = reconciliation.reconcile(reconciliation_frames(store))
    (bridge,) = [f for f in findings if f.check == "bridge"]
    assert bridge.status == reconciliation.DIFFERS
    assert bridge.describe() == (
        "Remaining overspend, Budget monitoring P6: reported £6,664,000, parts give £6,564,000 "
        "(difference £100,000); £8,646,000 less £1,422,000 less £660,000: projected overspend "
        "less savings achieved less other actions"
    )


# --- what changed since the last meeting ------------------------------------------------------


def test_a_withdrawal_is_named_in_what_changed_and_is_no_rating_move_to_green():
    from tests.test_changes_logic import YEAR, _events, changes_since

    withdrawn = {
        **YEAR,
        "status": "withdrawn",
        "status_reason": "Dropped after consultation",
        "version": 2,
    }
    changes = changes_since(_events(("savings_years", "S1|2024/25", YEAR, withdrawn, "a")))
    assert [c.what for c in changes] == [
        "BRAG by rule Green → Not rated; withdrawn (Dropped after consultation)"
    ]
