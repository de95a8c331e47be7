"""A preview counts the file's own rows: a savings file of 10 rows (lines by year) reports 10,
never the savings lines added on top; a line whose title changed makes its year rows changed.
An action file's rows are its actions, not also the meetings they name. The preview writes
nothing, and its counts are the apply's."""

from __future__ import annotations

from pathlib import Path

from data_access.importer import import_file
from tests.conftest import DIRECTOR
from tests.store_snapshots import settle, snapshot

HEADER = "code,financial_year,title,workstream,cohort,target\n"


def _savings(tmp_path: Path, name: str, title_of_b: str = "Line B") -> Path:
    rows = [
        f"CNT-A,{year},Line A,Prevention,older,1000" for year in ("2023/24", "2024/25", "2025/26")
    ]
    rows += [
        f"CNT-B,{year},{title_of_b},Prevention,younger,2000"
        for year in ("2023/24", "2024/25", "2025/26")
    ]
    rows += [f"CNT-C,{year},Line C,Prevention,older,500" for year in ("2023/24", "2024/25")]
    rows += [f"CNT-D,{year},Line D,Prevention,older,700" for year in ("2023/24", "2024/25")]
    # the same file name each time: the name is the rows' source unless the file gives one
    (tmp_path / name).mkdir()
    path = tmp_path / name / "savings.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_ten_row_savings_file_previews_ten_new_rows_and_writes_nothing(demo_store, tmp_path):
    path = _savings(tmp_path, "only")
    before = snapshot(demo_store)
    preview = import_file(demo_store, "savings", path, actor=DIRECTOR, dry_run=True)
    settle(demo_store)
    assert snapshot(demo_store) == before
    assert (preview.rows, preview.inserted, preview.updated, preview.unchanged) == (10, 10, 0, 0)
    applied = import_file(demo_store, "savings", path, actor=DIRECTOR)
    assert (applied.inserted, applied.updated, applied.unchanged) == (10, 0, 0)


def test_a_changed_line_title_makes_each_of_its_year_rows_changed(demo_store, tmp_path):
    import_file(demo_store, "savings", _savings(tmp_path, "first"), actor=DIRECTOR)
    again = _savings(tmp_path, "second", title_of_b="Line B renamed")
    preview = import_file(demo_store, "savings", again, actor=DIRECTOR, dry_run=True)
    assert (preview.inserted, preview.updated, preview.unchanged) == (0, 3, 7)
    assert preview.changes is not None
    titles = preview.changes.filter(preview.changes["field"] == "title")
    assert titles.select("item", "before", "after").rows() == [
        ("CNT-B", "Line B", "Line B renamed")
    ]
    applied = import_file(demo_store, "savings", again, actor=DIRECTOR)
    assert (applied.inserted, applied.updated, applied.unchanged) == (0, 3, 7)


def test_an_action_file_counts_its_actions_not_the_meetings_they_name(demo_store, tmp_path):
    path = tmp_path / "actions.csv"
    path.write_text(
        "code,committee,meeting_date,kind,text,status\n"
        "CNT-1,Scrutiny,2030-01-10,action,Report back on waits,Open\n"
        "CNT-2,Scrutiny,2030-01-10,action,Report back on reviews,Open\n",
        encoding="utf-8",
    )
    preview = import_file(demo_store, "actions", path, actor=DIRECTOR, dry_run=True)
    assert (preview.rows, preview.inserted) == (2, 2)
    applied = import_file(demo_store, "actions", path, actor=DIRECTOR)
    assert (applied.rows, applied.inserted) == (2, 2)
