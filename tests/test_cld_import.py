"""The ``cld`` dataset: a council's Client Level Data file as made for DHSC, one row per event.

Small literal files (CSV with spaced headers, CSV with DHSC's underscored ones, XLSX) and what
they must store, on SQLite and PostgreSQL: the NHS number, date of birth, postcode and GP
practice dropped, named in the reading notes and found nowhere in the store; the age worked out
at each event's start (a person turning 65 between two events); a misspelt code mapped through
an administrator's lookup row; an unknown code kept as not mapped and counted; re-import
changes nothing; a bad date refused with file, row, column, value and rule, nothing written;
the loaded table feeds DHSC's waits and the reviews per month with hand-worked answers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from dashboard.domain import cld
from data_access import cld_store, schema
from data_access.access import NotPermitted, Principal
from data_access.cld_codes import DEFINED, NOT_MAPPED, normalised
from data_access.cld_lookups import add_lookup, lookup_version, lookups
from data_access.datasets import recognise
from data_access.importer import import_file
from data_access.loaders import cld_events_frame, load_table
from data_access.problems import ImportRejected
from data_access.store import StaleVersionError
from data_access.vocab import Role
from tests.conftest import DIRECTOR
from tests.store_snapshots import settle, snapshot

ADMIN = Principal(email="admin@demo.example", name="Demo Admin", role=Role.ADMIN)
NHS_NUMBER = "943 476 5919"  # a valid check digit
MISSPELT = "Long Term Suport: Comunity"

SPACED = [
    "LA Person Unique Identifier",
    "NHS Number",
    "Date of Birth",
    "Postcode",
    "GP Practice Code",
    "Client Type",
    "Event Type",
    "Event Reference",
    "Event Start Date",
    "Event End Date",
    "Event Outcome",
    "Service Type",
    "Review Reason",
    "Request: Route of Access",
    "Gender",
    "Team",
]
UNDERSCORED = [
    "LA_Person_Unique_Identifier",
    "NHS_Number",
    "Date_of_Birth",
    "Postcode",
    "GP_Practice_Code",
    "Client_Type",
    "Event_Type",
    "Event_Reference",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Outcome",
    "Service_Type",
    "Review_Reason",
    "Request_Route_of_Access",
    "Gender",
    "Team",
]
TO_ASSESSMENT = "Progress to assessment, review or reassessment"
TO_SERVICES = "Progress to support planning or services"
# P1 turns 65 on 15 June 2024: 64 at the request and assessment, 65 at the service and review
ROWS = [
    ["P1", NHS_NUMBER, "1959-06-15", "NG1 1AA", "C84001", "Service User", "Request", "R1",
     "2024-06-01", "2024-06-01", TO_ASSESSMENT, "", "", "Self-referral", "Female", "North"],
    ["P1", NHS_NUMBER, "1959-06-15", "NG1 1AA", "C84001", "service user", "assessment", "A1",
     "2024-06-11", "2024-06-14", TO_SERVICES, "", "", "", "Female", "North"],
    ["P1", NHS_NUMBER, "1959-06-15", "NG1 1AA", "C84001", "Service User", "Service", "S1",
     "2024-06-20", "", "", MISSPELT, "", "", "Female", "North"],
    ["P1", NHS_NUMBER, "1959-06-15", "NG1 1AA", "C84001", "Service User", "Review", "V1",
     "2024-09-01", "2024-09-01", "", "", "planned", "", "Female", "North"],
    ["P2", "", "1990-01-01", "NG2 2BB", "", "Service User", "REQUEST", "R2",
     "2024-07-01", "2024-07-01", TO_ASSESSMENT, "", "", "", "Male", "North"],
    ["P2", "", "1990-01-01", "NG2 2BB", "", "Service User", "Service", "S2",
     "2024-07-11", "", "", "long term support - community", "", "", "Male", "North"],
    ["P2", "", "1990-01-01", "NG2 2BB", "", "Service User", "Review", "V2",
     "2024-09-15", "2024-09-15", "", "", "Unplanned - hospital", "", "Male", "North"],
]  # fmt: skip


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    def cell(text: str) -> str:
        return f'"{text}"' if "," in text or ":" in text else text

    lines = [",".join(cell(h) for h in header)] + [",".join(cell(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    frame = pl.DataFrame([[c or None for c in r] for r in rows], schema=header, orient="row")
    frame.write_excel(path, worksheet="CLD")
    return path


def _import(store, path: Path, **options):
    return import_file(store, "cld", path, actor=DIRECTOR, as_at=date(2024, 10, 1), **options)


def _stored(store) -> dict[str, dict]:
    frame = load_table(store, "cld_events").drop("loaded_by", "loaded_at")
    return {row["event_reference"]: row for row in frame.to_dicts()}


@pytest.fixture(params=["spaced csv", "underscored csv", "spaced xlsx"])
def cld_file(request, tmp_path) -> Path:
    kind = request.param
    header = UNDERSCORED if kind.startswith("underscored") else SPACED
    if kind.endswith("xlsx"):
        return _xlsx(tmp_path / "cld.xlsx", header, ROWS)
    return _csv(tmp_path / "cld.csv", header, ROWS)


def test_events_are_stored_mapped_aged_and_without_identifiers(store, cld_file):
    report = _import(store, cld_file)

    assert (report.rows, report.inserted, report.updated, report.unchanged) == (7, 7, 0, 0)
    stored = _stored(store)
    assert set(stored) == {"R1", "A1", "S1", "V1", "R2", "S2", "V2"}
    # the age at each event's start: P1 is 64 until 15 June 2024, then 65
    ages = {ref: row["age_at_event"] for ref, row in stored.items()}
    assert ages == {"R1": 64, "A1": 64, "S1": 65, "V1": 65, "R2": 34, "S2": 34, "V2": 34}
    # codes mapped to DHSC's lists, the raw kept only where it differs
    assert stored["A1"]["event_type"] == "Assessment"
    assert stored["A1"]["event_type_raw"] == "assessment"
    assert stored["A1"]["client_type"] == "Service User"
    assert stored["A1"]["client_type_raw"] == "service user"
    assert stored["R1"]["event_type_raw"] is None
    assert stored["R2"]["event_type"] == "Request"
    assert stored["S2"]["service_type"] == "Long term support: Community"
    assert stored["S2"]["service_type_raw"] == "long term support - community"
    assert stored["V1"]["review_reason"] == "Planned"
    assert stored["V2"]["review_reason"] == "Unplanned - Hospital"
    # an unknown code is kept, never dropped: not mapped, the raw beside it
    assert stored["S1"]["service_type"] == NOT_MAPPED
    assert stored["S1"]["service_type_raw"] == MISSPELT
    assert stored["S1"]["event_end_date"] is None
    assert stored["R1"]["event_start_date"] == date(2024, 6, 1)
    assert stored["R1"]["team"] == "North"
    # counted, per field, in the report
    assert (
        'service_type: 1 value not mapped (kept as "Invalid and not mapped", the value as '
        f"written kept beside it): '{MISSPELT}' (1 row)"
    ) in report.reading
    # the identifiers named as dropped, the unused columns too
    dropped = next(line for line in report.reading if line.startswith("direct identifiers"))
    for header in ("NHS", "Postcode", "GP"):
        assert header in dropped
    assert any("read only to work out the age" in line for line in report.reading)
    assert any(line.startswith("columns not used, left out:") for line in report.reading)


def test_no_identifier_reaches_the_store_or_its_history(store, tmp_path):
    _import(store, _csv(tmp_path / "cld.csv", SPACED, ROWS))

    columns = set(cld_store.EVENT_SCHEMA)
    assert not {c for c in columns if "nhs" in c or "birth" in c or "postcode" in c or "gp" in c}
    text = repr(load_table(store, "cld_events").rows()) + repr(load_table(store, "audit_events"))
    for value in (NHS_NUMBER, NHS_NUMBER.replace(" ", ""), "1959-06-15", "NG1 1AA", "C84001"):
        assert value not in text


def test_a_lookup_row_added_by_an_administrator_maps_a_misspelling(store, tmp_path):
    path = _csv(tmp_path / "cld.csv", SPACED, ROWS)
    version = lookup_version(store)
    saved = add_lookup(
        store, "service_type", MISSPELT, "long term support: community", actor=ADMIN,
        based_on=version,
    )  # fmt: skip

    assert (saved.raw, saved.clean, saved.changed) == (
        "longtermsuportcomunity",
        "Long term support: Community",
        False,
    )
    report = _import(store, path)
    stored = _stored(store)
    assert stored["S1"]["service_type"] == "Long term support: Community"
    assert stored["S1"]["service_type_raw"] == MISSPELT
    assert not any("not mapped" in line for line in report.reading)
    with store.engine.connect() as conn:
        audit = conn.execute(
            select(schema.audit_events.c.action, schema.audit_events.c.entity_key).where(
                schema.audit_events.c.dataset == "cld_lookups"
            )
        ).all()
    assert [tuple(a) for a in audit] == [("cld-lookup:add", "service_type|longtermsuportcomunity")]
    listed = lookups(store).filter(pl.col("source").str.starts_with("added by"))
    assert listed.rows() == [
        ("service_type", "longtermsuportcomunity", "Long term support: Community",
         "added by admin@demo.example")
    ]  # fmt: skip


def test_lookup_writes_are_for_administrators_checked_and_version_checked(store):
    with pytest.raises(NotPermitted):
        add_lookup(store, "service_type", "LTS community", "Long term support: Community",
                   actor=DIRECTOR)  # fmt: skip
    with pytest.raises(ValueError, match="not on DHSC's list"):
        add_lookup(store, "service_type", "LTS community", "Community care", actor=ADMIN)
    with pytest.raises(ValueError, match="no coded CLD field"):
        add_lookup(store, "gender", "F", "Female", actor=ADMIN)
    seen = lookup_version(store)
    add_lookup(store, "event_type", "Referal", "Request", actor=ADMIN, based_on=seen)
    with pytest.raises(StaleVersionError):
        add_lookup(store, "event_type", "Reqest", "Request", actor=ADMIN, based_on=seen)
    changed = add_lookup(store, "event_type", "REFERAL", "Assessment", actor=ADMIN)
    assert (changed.raw, changed.clean, changed.version, changed.changed) == (
        "referal",
        "Assessment",
        2,
        True,
    )


def test_importing_the_same_file_again_changes_nothing(store, tmp_path):
    path = _csv(tmp_path / "cld.csv", SPACED, ROWS)
    _import(store, path)
    before = _stored(store)
    version = store.dataset_versions()["cld_events"]

    again = _import(store, path)

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7)
    assert _stored(store) == before
    assert store.dataset_versions()["cld_events"] == version


def test_a_bad_date_is_refused_with_its_place_and_nothing_is_written(store, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][8] = "2024-13-45"
    path = _csv(tmp_path / "bad.csv", SPACED, rows)
    settle(store)
    before = snapshot(store)

    with pytest.raises(ImportRejected) as caught:
        _import(store, path)

    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "bad.csv",
        4,
        "event_start_date",
        "2024-13-45",
    )
    assert "date" in problem.rule
    assert snapshot(store) == before


def test_the_loaded_table_feeds_dhscs_waits_and_the_reviews(store, tmp_path):
    add_lookup(store, "service_type", MISSPELT, "Long term support: Community", actor=ADMIN)
    _import(store, _csv(tmp_path / "cld.csv", UNDERSCORED, ROWS))
    events = cld_events_frame(store)

    waits = cld.dhsc_waits(events).select("measure", "quarter", "age_band", "median_days", "waits")
    # P1: request 1 June, assessment 11 June (10 days, aged 64), service 20 June (19 days,
    # aged 65); P2: request 1 July, service 11 July (10 days both ways, aged 34)
    assert waits.rows() == [
        (cld.RESPONSE, "2024/25 Q1", "25-64", 10.0, 1),
        (cld.RESPONSE, "2024/25 Q2", "25-64", 10.0, 1),
        (cld.FIRST_SERVICE, "2024/25 Q1", "65+", 19.0, 1),
        (cld.FIRST_SERVICE, "2024/25 Q2", "25-64", 10.0, 1),
    ]
    reviews = cld.reviews_per_month(events)
    assert reviews.rows() == [(date(2024, 9, 1), "North", 1, 1, 0, 2)]
    coverage = cld.review_coverage(events, date(2024, 10, 1))
    assert (coverage.clients, coverage.reviewed) == (2, 2)


def test_without_the_lookup_the_misspelt_service_answers_nothing(store, tmp_path):
    _import(store, _csv(tmp_path / "cld.csv", SPACED, ROWS))
    waits = cld.dhsc_waits(cld_events_frame(store))
    # P1's service is not mapped, so it is no long-term service: no first service for P1
    first_service = waits.filter(pl.col("measure") == cld.FIRST_SERVICE)
    assert first_service.select("quarter", "waits").rows() == [("2024/25 Q2", 1)]


def test_the_load_page_recognises_a_cld_file_by_its_headers():
    from data_access.files import normalise_header

    for header in (SPACED, UNDERSCORED):
        best = recognise([[normalise_header(h) for h in header]])[0]
        assert (best.dataset, best.complete, best.unknown) == ("cld", True, ())


def test_the_lists_hold_every_value_the_cld_logic_compares():
    assert set(cld.LONG_TERM + cld.SHORT_TERM) <= set(DEFINED["service_type"])
    assert {cld.REQUEST, cld.ASSESSMENT, cld.SERVICE, cld.REVIEW} == set(DEFINED["event_type"])
    assert set(cld.PROGRESS_TO_SERVICE) | {cld.ADMITTED_TO_HOSPITAL} <= set(
        DEFINED["event_outcome"]
    )
    for field, values in DEFINED.items():  # no two listed values normalise alike
        assert len({normalised(v) for v in values}) == len(values), field


def test_ascgov_cld_lookup_add_and_list(sqlite_store):
    from typer.testing import CliRunner

    from dashboard.cli.main import app
    from data_access.access import system_principal
    from data_access.models import User
    from data_access.users import add_user

    add_user(
        sqlite_store,
        User(email=ADMIN.email, name="Admin", role="admin"),
        actor=system_principal("tests"),
    )

    def ascgov(*args: str):
        return CliRunner().invoke(
            app, [*args, "--db", sqlite_store.url], env={"ASCGOV_AS": ADMIN.email}
        )

    added = ascgov("cld-lookup", "add", "review_reason", "Annual review", "Planned")
    assert added.exit_code == 0
    assert added.stdout == "added: review_reason 'Annual review' -> 'Planned'\n"
    listed = ascgov("cld-lookup", "list").stdout.splitlines()
    assert "review_reason\tannualreview\tPlanned\tadded by admin@demo.example" in listed
    assert listed[-1] == "version 2"
    refused = ascgov("cld-lookup", "add", "review_reason", "x", "Sometimes", "--based-on", "2")
    assert refused.exit_code == 1
    assert "not on DHSC's list" in refused.stderr
