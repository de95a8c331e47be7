"""The ``cases`` dataset: a census extract from the case-management system, one row per person
at an extract date, imported with no direct identifier ever stored.

Literal files with the values they must store (SQLite and PostgreSQL); each identifier column
refused by name with the store unchanged byte for byte; an NHS number given as the person id
refused (a valid check digit only); yes/no cells in their spellings; re-import changes nothing;
a corrected extract replaces its own date's rows (counted in the import's one audit event) and
leaves other dates alone; an officer's rows outside their teams refused, and an officer's extract
replacing only their teams; members never import or export it; migrations 0007 and 0009 down
and up.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select

from data_access import schema
from data_access.access import NotPermitted, Principal, ScopeKind
from data_access.exporter import NeedsPerson, export_frame
from data_access.identifiers import identifier_kind, is_nhs_number
from data_access.importer import import_file
from data_access.problems import ImportRejected
from data_access.store import MIGRATIONS_DIR
from data_access.vocab import Role
from tests.conftest import DIRECTOR
from tests.store_snapshots import settle, snapshot

HEADER = (
    "extract_date,person_id,team,age_band,primary_support_reason,setting,support_start,"
    "last_review,next_review_due,waiting_assessment_since,waiting_ot_since,"
    "waiting_service_since,safeguarding_open,provider_concern,lives_alone,has_unpaid_carer,"
    "last_contact"
)
EXTRACT = (
    HEADER
    + "\n"
    + "2024-03-31,P0001,North locality,65+,Physical support,Community,2021-06-14,2022-11-02,"
    "2023-11-02,,,,yes,no,Y,n,2023-01-20\n"
    "31/03/2024,P0002,South locality,18-64,Learning disability support,Residential care,"
    "2019-09-01,2023-10-05,,,,,FALSE,True,0,1,2024-02-28\n"
    "2024-03-31,P0003,North locality,65+,,,,,,2023-08-21,2023-09-04,2024-01-10,,,,,\n"
)
BLANK_FLAGS = dict.fromkeys(
    ("safeguarding_open", "provider_concern", "lives_alone", "has_unpaid_carer"), False
)
EXPECTED = {
    "P0001": {
        "extract_date": date(2024, 3, 31),
        "team": "North locality",
        "age_band": "65+",
        "primary_support_reason": "Physical support",
        "setting": "Community",
        "support_start": date(2021, 6, 14),
        "last_review": date(2022, 11, 2),
        "next_review_due": date(2023, 11, 2),
        "waiting_assessment_since": None,
        "waiting_ot_since": None,
        "waiting_service_since": None,
        "safeguarding_open": True,
        "provider_concern": False,
        "lives_alone": True,
        "has_unpaid_carer": False,
        "last_contact": date(2023, 1, 20),
        "removed_on": None,
        "source": "extract.csv",
        "source_kind": "system extract",
        "as_at": date(2024, 4, 2),
        "basis": "published",
        "version": 1,
    },
    "P0002": {
        "extract_date": date(2024, 3, 31),
        "team": "South locality",
        "age_band": "18-64",
        "primary_support_reason": "Learning disability support",
        "setting": "Residential care",
        "support_start": date(2019, 9, 1),
        "last_review": date(2023, 10, 5),
        "next_review_due": None,
        "waiting_assessment_since": None,
        "waiting_ot_since": None,
        "waiting_service_since": None,
        "safeguarding_open": False,
        "provider_concern": True,
        "lives_alone": False,
        "has_unpaid_carer": True,
        "last_contact": date(2024, 2, 28),
        "removed_on": None,
        "source": "extract.csv",
        "source_kind": "system extract",
        "as_at": date(2024, 4, 2),
        "basis": "published",
        "version": 1,
    },
    "P0003": {
        "extract_date": date(2024, 3, 31),
        "team": "North locality",
        "age_band": "65+",
        "primary_support_reason": None,
        "setting": None,
        "support_start": None,
        "last_review": None,
        "next_review_due": None,
        "waiting_assessment_since": date(2023, 8, 21),
        "waiting_ot_since": date(2023, 9, 4),
        "waiting_service_since": date(2024, 1, 10),
        **BLANK_FLAGS,
        "last_contact": None,
        "removed_on": None,
        "source": "extract.csv",
        "source_kind": "system extract",
        "as_at": date(2024, 4, 2),
        "basis": "published",
        "version": 1,
    },
}
AS_AT = date(2024, 4, 2)


def _file(tmp_path: Path, text: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored(store) -> dict[str, dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.cases).order_by(schema.cases.c.person_id)).all()
    return {
        row.person_id: {
            k: v
            for k, v in row._mapping.items()
            if k not in ("id", "person_id", "loaded_by", "loaded_at", "first_loaded_on", "row_hash")
        }
        for row in rows
    }


def _person_events(store) -> list:
    """Audit events about the cases table itself: a person-level import writes none."""
    events = schema.audit_events
    with store.engine.connect() as conn:
        return conn.execute(select(events.c.action).where(events.c.dataset == "cases")).all()


def _import_events(store) -> list[dict]:
    events = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.after)
            .where(events.c.dataset == "imports", events.c.action == "import")
            .order_by(events.c.id)
        ).scalars()
        return [after for after in rows if after["dataset"] == "cases"]


def _import(store, path, who=DIRECTOR, **options):
    return import_file(store, "cases", path, actor=who, as_at=AS_AT, **options)


def test_a_literal_extract_is_stored_exactly(store, tmp_path):
    report = _import(store, _file(tmp_path, EXTRACT))
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert _stored(store) == EXPECTED
    # one audit event for the import (no longer one per person with its values: person_rows)
    assert _person_events(store) == []
    (event,) = _import_events(store)
    assert event["extract_dates"] == ["2024-03-31"]
    assert (event["inserted"], event["updated"], event["unchanged"]) == (3, 0, 0)


def test_reimport_changes_nothing(store, tmp_path):
    path = _file(tmp_path, EXTRACT)
    _import(store, path)
    settle(store)
    before = snapshot(store)
    report = _import(store, path)
    assert (report.inserted, report.updated, report.unchanged, report.removed) == (0, 0, 3, 0)
    assert _stored(store) == EXPECTED
    after = snapshot(store)
    # only the import itself is recorded (one "import" event): no row, no version of cases
    assert after.versions["cases"] == before.versions["cases"]
    assert after.counts["cases"] == before.counts["cases"]
    assert after.counts["audit_events"] == before.counts["audit_events"] + 1


IDENTIFIER_HEADERS = [
    ("NHS Number", "nhs_number", "NHS number"),
    ("nhs_no", "nhs_no", "NHS number"),
    ("DOB", "dob", "date of birth"),
    ("Date of Birth", "date_of_birth", "date of birth"),
    ("Post Code", "post_code", "postcode"),
    ("Postcode", "postcode", "postcode"),
    ("GP Practice Code", "gp_practice_code", "GP practice"),
    ("Forename", "forename", "name"),
    ("Surname", "surname", "name"),
    ("Full name", "full_name", "name"),
    ("Name", "name", "name"),
]


@pytest.mark.parametrize(("header", "column", "kind"), IDENTIFIER_HEADERS)
def test_an_identifier_column_is_refused_by_name_and_nothing_is_written(
    store, tmp_path, header, column, kind
):
    lines = EXTRACT.splitlines()
    text = "\n".join(
        [f"{lines[0]},{header}"] + [f"{line},SOMETHING-{n}" for n, line in enumerate(lines[1:])]
    )
    settle(store)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as refused:
        _import(store, _file(tmp_path, text + "\n"))
    (problem,) = refused.value.problems
    assert problem.column == column and problem.row == 1
    assert f"direct identifier ({kind})" in problem.rule
    assert problem.fix == "remove the column; the dashboard keeps only your own person id"
    assert "remove the column" in str(refused.value)  # the CLI prints the rule: it says what to do
    assert snapshot(store) == before  # byte for byte on SQLite; versions and counts on both


def test_each_identifier_column_is_a_problem_of_its_own(store, tmp_path):
    lines = EXTRACT.splitlines()
    text = "\n".join(
        [f"{lines[0]},NHS Number,Surname,Date of Birth,Post Code,GP Practice"]
        + [f"{line},x,x,x,x,x" for line in lines[1:]]
    )
    with pytest.raises(ImportRejected) as refused:
        _import(store, _file(tmp_path, text + "\n"), dry_run=True)
    # in the file's order, one problem per column
    assert [p.column for p in refused.value.problems] == [
        "nhs_number",
        "surname",
        "date_of_birth",
        "post_code",
        "gp_practice",
    ]
    assert _stored(store) == {}


def test_identifier_headers_by_normalised_name():
    for header in ("N.H.S. Number", "NHS_NUMBER", "nhs-no", "Date-of-birth", "GP_PRACTICE_CODE"):
        assert identifier_kind(header) is not None, header
    for header in ("person_id", "team", "setting", "age_band", "last_contact", "team name"):
        assert identifier_kind(header) is None, header


def test_a_person_id_that_is_an_nhs_number_is_refused_by_row(store, tmp_path):
    # 943 476 5919 has a valid check digit; 943 476 5918 does not (any council may use it)
    assert is_nhs_number("9434765919") and not is_nhs_number("9434765918")
    text = (
        HEADER
        + "\n2024-03-31,9434765919,North locality,65+,,,,,,,,,,,,,\n"
        + "2024-03-31,943 476 5919,North locality,65+,,,,,,,,,,,,,\n"
        + "2024-03-31,9434765918,North locality,65+,,,,,,,,,,,,,\n"
    )
    settle(store)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as refused:
        _import(store, _file(tmp_path, text))
    problems = refused.value.problems
    assert [(p.row, p.column) for p in problems] == [(2, "person_id"), (3, "person_id")]
    assert all("NHS number" in p.rule and p.value is None for p in problems)
    assert "9434765919" not in str(refused.value) and "943 476 5919" not in str(refused.value)
    assert snapshot(store) == before
    # the id with an invalid check digit alone is accepted
    accepted = HEADER + "\n2024-03-31,9434765918,North locality,65+,,,,,,,,,,,,,\n"
    assert _import(store, _file(tmp_path, accepted, "ok.csv")).inserted == 1
    assert list(_stored(store)) == ["9434765918"]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("yes", True),
        ("YES", True),
        ("Y", True),
        ("y", True),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        (" Yes ", True),
        ("no", False),
        ("No", False),
        ("n", False),
        ("N", False),
        ("false", False),
        ("False", False),
        ("0", False),
        ("", False),
    ],
)
def test_yes_no_cells_in_their_spellings(sqlite_store, tmp_path, cell, stored):
    text = HEADER + f'\n2024-03-31,P9,North locality,65+,,,,,,,,,"{cell}",,,,\n'
    _import(sqlite_store, _file(tmp_path, text))
    assert _stored(sqlite_store)["P9"]["safeguarding_open"] is stored


@pytest.mark.parametrize("cell", ["maybe", "2", "yes please", "ja"])
def test_other_yes_no_cells_are_refused(sqlite_store, tmp_path, cell):
    text = HEADER + f"\n2024-03-31,P9,North locality,65+,,,,,,,,,,,{cell},,\n"
    with pytest.raises(ImportRejected) as refused:
        _import(sqlite_store, _file(tmp_path, text))
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "lives_alone", cell)
    assert "yes or no" in problem.rule


OTHER_DATE = HEADER + "\n2024-02-29,P0001,North locality,65+,,,,,,,,,,,,,\n"


def test_a_corrected_extract_replaces_its_dates_rows_and_leaves_other_dates(store, tmp_path):
    _import(store, _file(tmp_path, OTHER_DATE, "february.csv"))
    _import(store, _file(tmp_path, EXTRACT))
    # the corrected March extract: P0002 is gone, P0003 changed team, P0004 is new
    corrected = (
        HEADER + "\n2024-03-31,P0001,North locality,65+,Physical support,Community,2021-06-14,"
        "2022-11-02,2023-11-02,,,,yes,no,Y,n,2023-01-20\n"
        "2024-03-31,P0003,South locality,65+,,,,,,2023-08-21,2023-09-04,2024-01-10,,,,,\n"
        "2024-03-31,P0004,North locality,18-64,,,,,,2024-03-01,,,,,,,\n"
    )
    path = _file(tmp_path, corrected, "extract.csv")
    preview = _import(store, path, dry_run=True)
    assert (preview.inserted, preview.updated, preview.unchanged, preview.removed) == (1, 1, 1, 1)
    assert "would remove 1 no longer in the extract" in str(preview)
    assert ("cases", "2024-03-31|P0002", "removed_on") in {
        row[:3] for row in preview.changes.iter_rows()
    }
    report = _import(store, path)
    assert (report.inserted, report.updated, report.unchanged, report.removed) == (1, 1, 1, 1)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                schema.cases.c.extract_date,
                schema.cases.c.person_id,
                schema.cases.c.team,
                schema.cases.c.removed_on.is_not(None),
                schema.cases.c.version,
            ).order_by(schema.cases.c.extract_date, schema.cases.c.person_id)
        ).all()
    assert [tuple(r) for r in rows] == [
        (date(2024, 2, 29), "P0001", "North locality", False, 1),  # another date: untouched
        (date(2024, 3, 31), "P0001", "North locality", False, 1),
        (date(2024, 3, 31), "P0002", "South locality", True, 2),  # left out: marked, kept
        (date(2024, 3, 31), "P0003", "South locality", False, 2),
        (date(2024, 3, 31), "P0004", "North locality", False, 1),
    ]
    # the removal is counted in the import's one event, not audited row by row
    assert _person_events(store) == []
    assert _import_events(store)[-1]["removed"] == 1
    # those left out are no longer exported (nor, so, counted)
    exported = export_frame(store, "cases", actor=DIRECTOR)
    assert exported.select("extract_date", "person_id").rows() == [
        (date(2024, 2, 29), "P0001"),
        (date(2024, 3, 31), "P0001"),
        (date(2024, 3, 31), "P0003"),
        (date(2024, 3, 31), "P0004"),
    ]
    # loading the corrected extract again changes nothing; the first one brings P0002 back
    settle(store)
    again = _import(store, path)
    assert (again.inserted, again.updated, again.removed) == (0, 0, 0)
    (tmp_path / "first").mkdir()
    back = _import(store, _file(tmp_path / "first", EXTRACT))  # the same name: the same source
    # P0002 live again, P0003's team back, P0004 removed
    assert (back.inserted, back.updated, back.unchanged, back.removed) == (0, 2, 1, 1)
    assert _stored(store)["P0002"]["removed_on"] is None


def test_the_export_imports_back_unchanged(store, tmp_path):
    from data_access.exporter import export_file

    _import(store, _file(tmp_path, EXTRACT))
    out = tmp_path / "cases-export.csv"
    assert export_file(store, "cases", out, fmt="csv", actor=DIRECTOR) == 3
    report = _import(store, out)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)


def _officer(*teams: str) -> Principal:
    return Principal(
        email="officer@demo.example",
        name="Demo Officer",
        role=Role.OFFICER,
        scopes=frozenset((ScopeKind.TEAM, t) for t in teams),
    )


def test_an_officer_imports_only_their_teams(store, tmp_path):
    path = _file(tmp_path, EXTRACT)
    settle(store)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as refused:
        _import(store, path, who=_officer("North locality"))
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [
        (3, "team", "South locality")
    ]
    assert "outside what you may edit" in refused.value.problems[0].rule
    after = snapshot(store)
    assert after.counts["cases"] == before.counts["cases"] == 0
    report = _import(store, path, who=_officer("North locality", "South locality"))
    assert report.inserted == 3
    # an officer exports only their teams' people
    north = export_frame(store, "cases", actor=_officer("North locality"))
    assert north["person_id"].to_list() == ["P0001", "P0003"]


MEMBER = Principal(email="member@demo.example", name="Member", role=Role.MEMBER)
ADMIN = Principal(email="admin@demo.example", name="Admin", role=Role.ADMIN)


@pytest.mark.parametrize("who", [MEMBER, ADMIN], ids=["member", "admin"])
def test_members_and_administrators_neither_import_nor_export_cases(store, tmp_path, who):
    _import(store, _file(tmp_path, EXTRACT))
    with pytest.raises(NotPermitted):
        _import(store, _file(tmp_path, EXTRACT, "again.csv"), who=who)
    with pytest.raises(NotPermitted, match="work with case records"):
        export_frame(store, "cases", actor=who)
    with pytest.raises(NeedsPerson):
        export_frame(store, "cases")


def _migrate(store, direction: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


def test_migration_0007_down_and_up(store, tmp_path):
    _import(store, _file(tmp_path, EXTRACT))
    _migrate(store, "downgrade", "0006")
    assert "cases" not in inspect(store.engine).get_table_names()
    assert "cases" not in store.dataset_versions()
    _migrate(store, "upgrade", "head")  # 0007, then 0009's columns
    assert "cases" in inspect(store.engine).get_table_names()
    assert store.dataset_versions()["cases"] == 1
    assert _stored(store) == {}
    assert _import(store, _file(tmp_path, EXTRACT)).inserted == 3
    assert _stored(store) == EXPECTED


NORTH_ONLY = (
    HEADER + "\n2024-03-31,P0001,North locality,65+,Physical support,Community,2021-06-14,"
    "2022-11-02,2023-11-02,,,,yes,no,Y,n,2023-01-20\n"
)


def _north_only(tmp_path: Path) -> Path:
    # the same name as the first file: the same source, so P0001 reads unchanged
    (tmp_path / "north").mkdir()
    return _file(tmp_path / "north", NORTH_ONLY)


def _removed(store) -> dict[str, bool]:
    return {person: row["removed_on"] is not None for person, row in _stored(store).items()}


def test_an_officers_extract_replaces_only_their_teams_people(store, tmp_path):
    # the March extract holds North's P0001 and P0003 and South's P0002
    _import(store, _file(tmp_path, EXTRACT))
    report = _import(store, _north_only(tmp_path), who=_officer("North locality"))
    # North's P0003 is no longer in North's extract; South's P0002 is none of its business
    assert (report.unchanged, report.removed) == (1, 1)
    assert _removed(store) == {"P0001": False, "P0002": False, "P0003": True}


def test_a_directors_extract_replaces_every_team(store, tmp_path):
    _import(store, _file(tmp_path, EXTRACT))
    report = _import(store, _north_only(tmp_path))
    # the director's file is the whole extract for the date: South's P0002 is left out too
    assert (report.unchanged, report.removed) == (1, 2)
    assert _removed(store) == {"P0001": False, "P0002": True, "P0003": True}


def test_an_officer_assigned_all_teams_replaces_every_team(store, tmp_path):
    from data_access.vocab import ALL_TEAMS

    _import(store, _file(tmp_path, EXTRACT))
    report = _import(store, _north_only(tmp_path), who=_officer("North locality", ALL_TEAMS))
    assert report.removed == 2
    assert _removed(store) == {"P0001": False, "P0002": True, "P0003": True}


def test_migration_0009_dates_stored_rows_by_their_load_and_comes_back_down(store, tmp_path):
    _import(store, _file(tmp_path, EXTRACT))
    with store.engine.connect() as conn:
        loaded = conn.execute(select(schema.cases.c.loaded_at)).scalars().first()
    _migrate(store, "downgrade", "0008")
    assert "first_loaded_on" not in {c["name"] for c in inspect(store.engine).get_columns("cases")}
    _migrate(store, "upgrade", "head")
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.cases.c.first_loaded_on, schema.cases.c.row_hash)).all()
    # the UTC day of their last load; no hash, so the next import compares them by value
    assert [tuple(r) for r in rows] == [(loaded.date(), None)] * 3
    again = _import(store, _file(tmp_path, EXTRACT))
    assert (again.updated, again.unchanged) == (0, 3)
