"""The "Load a file" page under AppTest, and the import path it shares with ``ascgov import``:
the dry run's changes and problems, apply with its audit events, the guards on apply."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest
import streamlit
from sqlalchemy import select

from dashboard.navigation import PAGES, pages_for
from data_access import schema
from data_access.datasets import DATASETS, recognise
from data_access.demo_accounts import demo_principals
from data_access.exporter import export_bytes
from data_access.importer import NOT_PREVIEWED, STALE_PREVIEW, import_file
from data_access.problems import ImportRejected
from data_access.templates import template_bytes
from tests.pages_support import page_text, run_page, signed_in_as, tables

PAGE = "pages/load_file.py"
_PREVIEW = "load-preview"
MEMBER, OFFICER, DIRECTOR, ADMIN = demo_principals()
OFFICERS_WORKSTREAM = "Reviews programme (Nottingham City)"


@dataclass
class Upload:
    name: str
    content: bytes

    def getvalue(self) -> bytes:
        return self.content


def savings_file(store, *, forecast: str | None = None, bad_target: bool = False, only=None):
    """The demo's savings export, edited: the first row's forecast, the second row's target."""
    frame = pl.read_csv(
        io.BytesIO(export_bytes(store, "savings", "csv", as_at=None)), infer_schema=False
    ).drop("loaded_by", "loaded_at", "version")
    if only is not None:
        frame = frame.filter(pl.col("workstream") == only)
    first = pl.int_range(pl.len()) == 0
    if forecast is not None:
        frame = frame.with_columns(
            pl.when(first).then(pl.lit(forecast)).otherwise(pl.col("forecast")).alias("forecast")
        )
    if bad_target:
        second = pl.int_range(pl.len()) == 1
        frame = frame.with_columns(
            pl.when(second).then(pl.lit("lots")).otherwise(pl.col("target")).alias("target")
        )
    out = io.BytesIO()
    frame.write_csv(out)
    return frame, out.getvalue()


def _upload(monkeypatch, name: str, content: bytes) -> None:
    monkeypatch.setattr(streamlit, "file_uploader", lambda *a, **k: Upload(name, content))


def _page(role: str):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    at = signed_in_as(AppTest.from_file(str(REPO / PAGE), default_timeout=60), role)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _click(at, label_start: str):
    next(b for b in at.button if b.label.startswith(label_start)).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# who is offered the page ---------------------------------------------------------------------


def test_the_page_is_offered_to_officers_and_directors_only():
    page = next(p for p in PAGES if p.path == PAGE)
    assert [p.role.value for p in demo_principals() if page in pages_for(p)] == [
        "officer",
        "director",
    ]


@pytest.mark.parametrize("role", ["member", "admin"])
def test_members_and_administrators_are_refused(app_env, role):
    at = run_page(PAGE, role=role)
    assert "Your role does not include loading files" in page_text(at)
    assert not at.selectbox


def test_an_officer_may_choose_only_the_datasets_they_edit(app_env):
    at = run_page(PAGE, role="officer")
    options = at.selectbox(key="load-dataset").options
    assert [o.split(":")[0] for o in options[1:]] == [
        "areas",
        "milestones",
        "savings",
        "backlog",
        "actions",
        "cases",  # the people of their teams
        "cld",  # their teams' CLD events
    ]


def test_a_director_may_choose_every_dataset_and_download_every_template(app_env):
    at = run_page(PAGE, role="director")
    options = at.selectbox(key="load-dataset").options
    assert len(options) == 1 + len(DATASETS)
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("CSV template") == len(DATASETS)
    assert labels.count("Excel template") == len(DATASETS)


# the dry run, then apply --------------------------------------------------------------------


def test_a_dry_run_shows_a_change_and_a_problem_then_the_fixed_file_applies(app_env, monkeypatch):
    store = app_env
    _, broken = savings_file(store, forecast="123456.78", bad_target=True)
    _upload(monkeypatch, "savings.csv", broken)
    at = _page("director")
    assert "Recognised from its column headings as savings" in page_text(at)
    _click(at, "Check the file")
    text = page_text(at)
    assert "1 problem found" in text
    problems, changes = tables(at)[0], tables(at)[1]
    assert problems.to_dict("records")[0] == {
        "Sheet": "",
        "Row": "3",
        "Column": "target",
        "Value": "lots",
        "Rule": "money must be a number of pounds with at most 2 decimal places (e.g. £1,500.50)",
        "What to do": "correct the cell and load the file again",
    }
    assert changes.to_dict("records") == [
        {
            "Item": "LCC-W1, 2024/25",
            "Field": "forecast",
            "Before": "£2,400,000.00",
            "After": "£123,456.78",
        }
    ]
    assert not [b for b in at.button if b.label.startswith("Apply")]
    before = _audit_count(store)

    _, fixed = savings_file(store, forecast="123456.78")
    _upload(monkeypatch, "savings.csv", fixed)
    at.run()
    _click(at, "Check the file")
    assert "No problems found" in page_text(at)
    _click(at, "Apply")
    text = page_text(at)
    assert "rows of savings checked; wrote 0 new, 1 changed" in text
    assert "History of savings years LCC-W1 in 2024/25" in [e.label for e in at.expander]
    with store.engine.connect() as conn:
        stored = conn.execute(
            select(schema.savings_years.c.forecast_pence).where(
                schema.savings_years.c.line_code == "LCC-W1"
            )
        ).scalar_one()
        actions = [
            r.action
            for r in conn.execute(
                select(schema.audit_events).order_by(schema.audit_events.c.id)
            ).all()[before:]
        ]
    assert stored == 12_345_678
    assert actions == ["import:update", "import"]


def test_an_officers_rows_outside_their_assignment_are_named_and_refused(app_env, monkeypatch):
    _, content = savings_file(app_env)
    _upload(monkeypatch, "savings.csv", content)
    at = _page("officer")
    _click(at, "Check the file")
    text = page_text(at)
    assert (
        "10 rows are outside your assignment and cannot be loaded by you: "
        "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11." in text
    )
    outside = tables(at)[0]
    assert set(outside["Column"]) == {"workstream"}
    assert OFFICERS_WORKSTREAM not in set(outside["Value"])
    assert not [b for b in at.button if b.label.startswith("Apply")]


def test_an_officer_loads_the_rows_of_their_own_workstream(app_env, monkeypatch):
    _, content = savings_file(app_env, only=OFFICERS_WORKSTREAM, forecast="1000")
    _upload(monkeypatch, "mine.csv", content)
    at = _page("officer")
    _click(at, "Check the file")
    assert "No problems found" in page_text(at)
    _click(at, "Apply")
    assert "wrote 0 new, 1 changed" in page_text(at)


def _audit_count(store) -> int:
    with store.engine.connect() as conn:
        return len(conn.execute(select(schema.audit_events.c.id)).all())


# the import path's guards and diff, on both databases ----------------------------------------


def _write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_apply_refuses_a_file_other_than_the_one_previewed(demo_store, tmp_path):
    _, content = savings_file(demo_store, forecast="1000")
    path = _write(tmp_path, "savings.csv", content)
    preview = import_file(demo_store, "savings", path, actor=DIRECTOR, dry_run=True)
    _, other = savings_file(demo_store, forecast="2000")
    path.write_bytes(other)
    before = _audit_count(demo_store)
    with pytest.raises(ImportRejected) as refused:
        import_file(
            demo_store,
            "savings",
            path,
            actor=DIRECTOR,
            expected_sha256=preview.sha256,
            based_on=dict(preview.based_on),
        )
    assert NOT_PREVIEWED in refused.value.problems[0].rule
    assert _audit_count(demo_store) == before


def test_apply_refuses_a_preview_the_store_has_moved_on_from(demo_store, tmp_path):
    _, content = savings_file(demo_store, forecast="1000")
    path = _write(tmp_path, "savings.csv", content)
    preview = import_file(demo_store, "savings", path, actor=DIRECTOR, dry_run=True)
    _, theirs = savings_file(demo_store, forecast="5000")
    import_file(demo_store, "savings", _write(tmp_path, "theirs.csv", theirs), actor=DIRECTOR)
    before = _audit_count(demo_store)
    with pytest.raises(ImportRejected) as refused:
        import_file(
            demo_store,
            "savings",
            path,
            actor=DIRECTOR,
            expected_sha256=preview.sha256,
            based_on=dict(preview.based_on),
        )
    assert STALE_PREVIEW in refused.value.problems[0].rule
    assert _audit_count(demo_store) == before
    applied = import_file(
        demo_store,
        "savings",
        path,
        actor=DIRECTOR,
        expected_sha256=preview.sha256,
        based_on=dict(
            import_file(demo_store, "savings", path, actor=DIRECTOR, dry_run=True).based_on
        ),
    )
    assert applied.updated == 1


def test_a_dry_run_lists_each_changed_field_before_and_after(demo_store, tmp_path):
    _, content = savings_file(demo_store, forecast="1000")
    path = _write(tmp_path, "savings.csv", content)
    report = import_file(demo_store, "savings", path, actor=DIRECTOR, dry_run=True)
    assert report.changes.rows() == [
        ("savings_years", "LCC-W1|2024/25", "forecast", "240000000", "100000")
    ]
    assert import_file(demo_store, "savings", path, actor=DIRECTOR).changes is None


def test_every_template_is_recognised_and_loads_as_it_is(demo_store, tmp_path):
    for name in DATASETS:
        for fmt in ("csv", "xlsx"):
            path = _write(tmp_path, f"{name}.{fmt}", template_bytes(name, fmt))
            report = import_file(demo_store, name, path, actor=DIRECTOR, dry_run=True)
            assert report.rows == 1, (name, fmt)
        header = pl.read_csv(io.BytesIO(template_bytes(name, "csv")), n_rows=0).columns
        assert recognise([header])[0].dataset == name


@pytest.mark.parametrize(
    "page", ["pages/overview.py", "pages/savings.py", "pages/younger_older_adults.py"]
)
def test_member_pages_of_an_empty_store_point_to_the_page_in_words(empty_app_env, page):
    text = page_text(run_page(page, role="member"))
    assert "Load a file page" in text
    assert "ascgov" not in text


def test_the_changes_table_offers_csv_and_excel_downloads_of_every_change(app_env, monkeypatch):
    from dashboard.ui import components
    from dashboard.views import downloads

    offered = {}
    original = components.download_buttons

    def record(table, *, key, source=None):
        offered[key] = (table, source)
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    _, content = savings_file(app_env, forecast="123456.78")
    _upload(monkeypatch, "savings.csv", content)
    at = _click(_page("director"), "Check the file")

    buttons = {b.proto.id.split("-", 2)[-1]: b.proto.label for b in at.get("download_button")}
    assert [buttons.get(k) for k in ("load-changes-csv", "load-changes-xlsx")] == [
        "Download CSV",
        "Download Excel",
    ], buttons
    table, source = offered["load-changes"]
    downloaded = pl.read_csv(io.BytesIO(downloads.csv_bytes(table)), infer_schema=False)
    assert downloaded.rows(named=True) == [
        {
            "Item": "LCC-W1, 2024/25",
            "Field": "forecast",
            "Before": "£2,400,000.00",
            "After": "£123,456.78",
        }
    ]
    assert "savings.csv" in source


# a workbook of several sheets ----------------------------------------------------------------


def _workbook(sheets: list[tuple[str, pl.DataFrame, bool]]) -> bytes:
    """Sheets of text cells, each (name, frame, hidden); the first visible one is active."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    added = []
    for name, frame, hidden in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, frame.columns)
        for r, row in enumerate(frame.rows(), start=1):
            sheet.write_row(r, 0, ["" if v is None else v for v in row])
        added.append((sheet, hidden))
    next(sheet for sheet, hidden in added if not hidden).activate()
    for sheet, hidden in added:
        if hidden:
            sheet.hide()
    book.close()
    return out.getvalue()


def _sheet_picker(at):
    return next((s for s in at.selectbox if s.label == "Sheet to load"), None)


def test_a_workbook_of_several_sheets_offers_a_picker_defaulting_to_the_one_read(
    app_env, monkeypatch
):
    this_year, _ = savings_file(app_env, forecast="123456.78")
    last_year, _ = savings_file(app_env, forecast="1000")
    content = _workbook([("Last year", last_year, True), ("This year", this_year, False)])
    _upload(monkeypatch, "savings.xlsx", content)
    at = _page("director")

    picker = _sheet_picker(at)
    assert picker.options == ["Last year (hidden)", "This year"]
    assert picker.value == "This year"
    _click(at, "Check the file")
    assert 'read sheet "This year" of savings.xlsx' in page_text(at)
    assert tables(at)[0].to_dict("records")[0]["After"] == "£123,456.78"

    _sheet_picker(at).select("Last year").run()
    _click(at, "Check the file")
    text = page_text(at)
    assert 'read sheet "Last year" of savings.xlsx (hidden, read because it was chosen)' in text
    changes = tables(at)[0].to_dict("records")
    assert [(c["Item"], c["After"]) for c in changes] == [("LCC-W1, 2024/25", "£1,000.00")]
    _click(at, "Apply")
    assert "wrote 0 new, 1 changed" in page_text(at)
    assert 'read sheet "Last year"' in page_text(at)


@pytest.mark.parametrize("name", ["savings.csv", "savings.xlsx"])
def test_a_csv_file_or_a_workbook_of_one_sheet_offers_no_picker(app_env, monkeypatch, name):
    frame, content = savings_file(app_env, forecast="1000")
    if name.endswith(".xlsx"):
        content = _workbook([("Savings", frame, False)])
    _upload(monkeypatch, name, content)
    at = _page("director")
    assert _sheet_picker(at) is None
    _click(at, "Check the file")
    assert "No problems found" in page_text(at)


@pytest.mark.parametrize("chosen", [None, "savings"])
def test_the_picker_defaults_past_a_cover_sheet_to_the_sheet_of_figures(
    app_env, monkeypatch, chosen
):
    frame, _ = savings_file(app_env, forecast="1000")
    cover = pl.DataFrame({"About": ["Savings tracker, as at March"]})
    content = _workbook([("Cover", cover, False), ("Old", frame, True), ("Figures", frame, False)])
    _upload(monkeypatch, "savings.xlsx", content)
    at = _page("director")
    if chosen is not None:
        at.selectbox(key="load-dataset").select(chosen).run()
    assert _sheet_picker(at).value == "Figures"
    _click(at, "Check the file")
    # the sheet the importer reads anyway is not passed: the line reads as for a file read as
    # it is, not as for a sheet someone chose
    assert at.session_state[_PREVIEW]["sheet"] is None
    assert (
        'What was read from savings.xlsx: read sheet "Figures" of savings.xlsx; '
        "hidden sheet 'Old' not read"
    ) in page_text(at)
    assert "No problems found" in page_text(at)


def test_another_visible_sheet_chosen_is_said_to_be_chosen(app_env, monkeypatch):
    frame, _ = savings_file(app_env, forecast="1000")
    content = _workbook([("This year", frame, False), ("Copy", frame, False)])
    _upload(monkeypatch, "savings.xlsx", content)
    at = _page("director")
    assert _sheet_picker(at).value == "This year"
    _click(at, "Check the file")
    assert at.session_state[_PREVIEW]["sheet"] is None
    assert "(as" not in page_text(at)

    _sheet_picker(at).select("Copy").run()
    _click(at, "Check the file")
    assert at.session_state[_PREVIEW]["sheet"] == "Copy"
    assert 'read sheet "Copy" of savings.xlsx (as chosen)' in page_text(at)
    _click(at, "Apply")
    assert 'read sheet "Copy" of savings.xlsx (as chosen)' in page_text(at)


def test_the_problems_table_offers_csv_and_excel_downloads_of_every_problem(app_env, monkeypatch):
    import openpyxl

    from dashboard.ui import components
    from dashboard.views import downloads
    from dashboard.views import load_file as view

    offered = {}
    original = components.download_buttons

    def record(table, *, key, source=None):
        offered[key] = (table, source)
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    # one row on screen, so the cut is said and the downloads must hold the rest
    monkeypatch.setattr(view, "SHOWN_ROWS", 1)
    frame, _ = savings_file(app_env)
    targets = ["=1+1", "lots", *frame["target"].to_list()[2:]]
    out = io.BytesIO()
    frame.with_columns(pl.Series("target", targets)).write_csv(out)
    _upload(monkeypatch, "savings.csv", out.getvalue())
    at = _click(_page("director"), "Check the file")

    buttons = {b.proto.id.split("-", 2)[-1]: b.proto.label for b in at.get("download_button")}
    assert [buttons.get(k) for k in ("load-problems-csv", "load-problems-xlsx")] == [
        "Download CSV",
        "Download Excel",
    ], buttons
    assert len(tables(at)[0]) == 1
    assert "2 rows; the first 1 are shown here. The downloads below hold every row." in (
        page_text(at)
    )
    table, source = offered["load-problems"]
    rule = "money must be a number of pounds with at most 2 decimal places (e.g. £1,500.50)"
    fix = "correct the cell and load the file again"
    downloaded = pl.read_csv(io.BytesIO(downloads.csv_bytes(table)), infer_schema=False)
    # a value that reads as a formula is written as text, so a spreadsheet never runs it
    assert downloaded.rows() == [
        (None, "2", "target", "'=1+1", rule, fix),
        (None, "3", "target", "lots", rule, fix),
    ]
    assert downloaded.columns == ["Sheet", "Row", "Column", "Value", "Rule", "What to do"]
    notes = downloads.notes(title=table.title, as_at=None, source=source)
    sheet = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, notes=notes)))
    assert [tuple(r) for r in sheet.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        ("", 2, "target", "'=1+1", rule, fix),
        ("", 3, "target", "lots", rule, fix),
    ]
    assert "savings.csv" in source


def test_a_problem_of_the_whole_file_says_so_in_its_row_cell_not_not_published(
    app_env, monkeypatch
):
    """A problem with no row (of the file as a whole) reads "whole file" on the page, not
    "not published" (the words for a missing figure); its row cell in the downloads is empty,
    as a file holds any number it has not got."""
    from dashboard.ui import components
    from dashboard.views import downloads

    offered = {}
    original = components.download_buttons

    def record(table, *, key, source=None):
        offered[key] = table
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    _upload(monkeypatch, "savings.csv", b"")  # a problem of the file, not of a row
    at = _page("director")
    at.selectbox(key="load-dataset").select("savings").run()
    at = _click(at, "Check the file")
    problems = tables(at)[0].to_dict("records")
    assert [(p["Row"], p["Rule"]) for p in problems] == [("whole file", "file is empty")]
    assert "not published" not in page_text(at)
    downloaded = pl.read_csv(io.BytesIO(downloads.csv_bytes(offered["load-problems"])))
    assert downloaded["Row"].to_list() == [None]


def test_a_workbook_of_one_hidden_sheet_offers_it_in_the_picker_and_reads_it_when_chosen(
    app_env, monkeypatch
):
    """The CLI's refusal says "unhide the sheet to load, or choose it by name": the page offers
    the choice, with no sheet chosen until the user picks one."""
    from tests.test_import_reading import every_sheet_hidden

    frame, _ = savings_file(app_env, forecast="1000")
    content = every_sheet_hidden(_workbook([("Savings", frame, False)]))
    _upload(monkeypatch, "savings.xlsx", content)
    at = _page("director")
    picker = _sheet_picker(at)
    assert picker is not None
    assert picker.options == ["Savings (hidden)"]
    assert picker.value is None
    text = page_text(at)
    assert "Every sheet of savings.xlsx is hidden: choose the sheet to load." in text
    assert "cannot be read" not in text
    assert not [b for b in at.button if b.label.startswith("Check the file")]

    _sheet_picker(at).select("Savings").run()
    assert "Recognised from its column headings as savings" in page_text(at)
    _click(at, "Check the file")
    text = page_text(at)
    assert 'read sheet "Savings" of savings.xlsx (hidden, read because it was chosen)' in text
    assert "No problems found" in text


@pytest.mark.parametrize("chosen", [None, "savings"])
def test_a_workbook_whose_every_sheet_is_hidden_waits_for_a_sheet_to_be_chosen(
    app_env, monkeypatch, chosen
):
    """No hidden sheet is read until someone picks it: the picker starts with none chosen and
    the page says so before any preview."""
    from tests.test_import_reading import every_sheet_hidden

    this_year, _ = savings_file(app_env, forecast="123456.78")
    last_year, _ = savings_file(app_env, forecast="1000")
    content = every_sheet_hidden(
        _workbook([("Last year", last_year, False), ("This year", this_year, False)])
    )
    _upload(monkeypatch, "savings.xlsx", content)
    at = _page("director")
    if chosen is not None:
        at.selectbox(key="load-dataset").select(chosen).run()
    picker = _sheet_picker(at)
    assert picker.options == ["Last year (hidden)", "This year (hidden)"]
    assert picker.value is None
    assert "Every sheet of savings.xlsx is hidden: choose the sheet to load." in page_text(at)
    assert not [b for b in at.button if b.label.startswith("Check the file")]

    _sheet_picker(at).select("This year").run()
    assert "Every sheet of savings.xlsx is hidden" not in page_text(at)
    _click(at, "Check the file")
    assert at.session_state[_PREVIEW]["sheet"] == "This year"
    text = page_text(at)
    assert 'read sheet "This year" of savings.xlsx (hidden, read because it was chosen)' in text
    assert tables(at)[0].to_dict("records")[0]["After"] == "£123,456.78"


def test_a_census_extract_previews_and_applies_the_backlog_figures_it_feeds(app_env, monkeypatch):
    header = (
        "extract_date,person_id,team,age_band,primary_support_reason,setting,support_start,"
        "last_review,next_review_due,waiting_assessment_since,waiting_ot_since,"
        "waiting_service_since,safeguarding_open,provider_concern,lives_alone,has_unpaid_carer,"
        "last_contact\n"
    )
    # P1 supported since 2020 and never reviewed: overdue, and no review in 12 months; P2
    # awaiting a first assessment since January
    content = (
        header + "2024-03-31,P1,North locality,65+,,,2020-01-01,,,,,,,,,,\n"
        "2024-03-31,P2,North locality,18-64,,,,,,2024-01-10,,,,,,,\n"
    ).encode()
    _upload(monkeypatch, "extract.csv", content)
    at = _click(_page("director"), "Check the file")
    changes = tables(at)[0].to_dict("records")
    assert len(changes) == 14  # 7 measures, for North locality and for all teams
    assert {
        "Item": "waiting_review, 2024-03-01, North locality, All priorities",
        "Field": "value",
        "Before": "(blank)",
        "After": "1",
    } in changes
    assert {
        "Item": "awaiting_assessment, 2024-03-01, All teams, All priorities",
        "Field": "value",
        "Before": "(blank)",
        "After": "1",
    } in changes
    _click(at, "Apply")
    assert "backlog figures from it: 14 new, 0 changed" in page_text(at)
    with app_env.engine.connect() as conn:
        stored = conn.execute(
            select(schema.backlog.c.value, schema.backlog.c.source).where(
                schema.backlog.c.measure == "overdue_annual_reviews",
                schema.backlog.c.team == "All teams",
                schema.backlog.c.month == date(2024, 3, 1),
            )
        ).one()
    assert tuple(stored) == (1, "case-system extract as at 31 March 2024 (derived from 2 people)")
