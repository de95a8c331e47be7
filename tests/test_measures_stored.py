"""Backlog measures as data: an administrator adds a measure (stored, audited); the registry
in force is the built-in measures and the stored ones; imports and edits take its codes; the
ADASS survey's categories come built in; reported totals can be scoped to a team, a priority
band and a month written as the documentation writes it. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from data_access import commands, schema
from data_access.access import NotPermitted, principal_for, system_principal
from data_access.importer import import_file
from data_access.loaders import load_table
from data_access.measures import (
    ADASS_SURVEY,
    BACKLOG,
    BUILT_IN,
    MEASURES,
    MeasureRefused,
    NewMeasure,
    add_measure,
    measures_in_force,
)
from data_access.models import ReportedTotal, User, describe_errors
from data_access.problems import ImportRejected
from tests.conftest import DIRECTOR

ADMIN = "admin@council.example"
CARERS = NewMeasure(
    code="carers_assessed",
    label="Carers assessed",
    definition="Carers whose own needs were assessed in the month.",
    unit="carers",
    rise_is_good=True,
    category="Local: carers strategy",
)


@pytest.fixture
def admin(store):
    add_user(store)
    return principal_for(store, ADMIN)


def add_user(store):
    from data_access.users import add_user as add

    add(store, User(email=ADMIN, name="Admin", role="admin"), actor=system_principal("tests"))


def test_the_adass_survey_categories_come_built_in_as_backlog_measures():
    adass = [m for m in MEASURES.in_table(BACKLOG) if m.category.startswith(ADASS_SURVEY)]
    assert [m.label for m in adass] == [
        "People waiting for a review",
        "People awaiting a first assessment",
        "Of whom waiting over six months for a first assessment",
        "People assessed and awaiting a service or first direct payment",
        "People overdue a review",
    ]
    assert all(m.unit == "people" and m.rise_is_good is False for m in adass)
    assert len({m.category for m in adass}) == len(adass)


def test_an_administrator_adds_a_measure_audited_and_it_is_in_force(store, admin):
    assert "carers_assessed" not in measures_in_force(store)
    added = add_measure(store, CARERS, actor=admin)
    assert (added.code, added.table, added.rise_is_good) == ("carers_assessed", BACKLOG, True)
    registry = measures_in_force(store)
    assert list(registry)[: len(BUILT_IN)] == list(BUILT_IN)
    assert registry["carers_assessed"].label == "Carers assessed"
    assert registry.codes(BACKLOG)[-1] == "carers_assessed"
    with store.engine.connect() as conn:
        (event,) = conn.execute(
            select(schema.audit_events).where(schema.audit_events.c.action == "measure:add")
        ).all()
    assert (event.actor, event.dataset, event.entity_key) == (ADMIN, "measures", "carers_assessed")
    assert event.after["label"] == "Carers assessed"


def test_a_measure_reusing_a_code_or_label_is_refused_in_plain_words(store, admin):
    add_measure(store, CARERS, actor=admin)
    before = store.dataset_versions()
    with pytest.raises(MeasureRefused, match="the code carers_assessed is already a measure"):
        add_measure(store, CARERS, actor=admin)
    same_label = CARERS.model_copy(update={"code": "carers_2"})
    with pytest.raises(MeasureRefused, match="the label 'Carers assessed' is already a measure"):
        add_measure(store, same_label, actor=admin)
    built_in = CARERS.model_copy(update={"code": "waiting_review", "label": "Other"})
    with pytest.raises(MeasureRefused, match="the code waiting_review is already a measure"):
        add_measure(store, built_in, actor=admin)
    assert store.dataset_versions() == before


def test_only_an_administrator_adds_a_measure(store):
    with pytest.raises(NotPermitted):
        add_measure(store, CARERS, actor=DIRECTOR)
    assert "carers_assessed" not in measures_in_force(store)


def test_a_new_measure_is_checked_in_plain_words():
    with pytest.raises(ValidationError) as refused:
        NewMeasure(code="Carers Assessed!", label="", definition="x", unit="people")
    said = describe_errors(refused.value)
    assert "pattern" not in said
    assert said == (
        "Code: 'carers assessed!' is not a measure code (lower-case letters, digits and _ "
        "only, starting with a letter); Label: required"
    )


def test_the_importer_takes_a_stored_measure_and_names_it_among_those_allowed(
    store, admin, tmp_path
):
    path = tmp_path / "backlog.csv"
    path.write_text(
        "measure,month,team,priority_band,value,source,as_at\n"
        "carers_waiting,2024-03,All teams,All priorities,5,s.csv,2024-03-31\n"
    )
    add_measure(store, CARERS, actor=admin)
    with pytest.raises(ImportRejected) as refused:
        import_file(store, "backlog", path, actor=DIRECTOR, as_at=date(2024, 4, 1))
    assert refused.value.problems[0].rule.endswith("'overdue_review' or 'carers_assessed'")
    path.write_text(path.read_text().replace("carers_waiting", "Carers_Assessed"))
    import_file(store, "backlog", path, actor=DIRECTOR, as_at=date(2024, 4, 1))
    stored = load_table(store, "backlog")
    assert stored.select("measure", "value").rows() == [("carers_assessed", 5)]


def test_an_edit_takes_a_stored_measure(store, admin):
    add_measure(store, CARERS, actor=admin)
    figure = commands.BacklogFigure("carers_assessed", 7)
    commands.edit_backlog_month(
        store,
        DIRECTOR,
        month=date(2024, 3, 1),
        team="All teams",
        priority_band="All priorities",
        figures=[figure],
    )
    assert load_table(store, "backlog")["measure"].to_list() == ["carers_assessed"]
    with pytest.raises(commands.EditRejected) as refused:
        commands.edit_backlog_month(
            store,
            DIRECTOR,
            month=date(2024, 3, 1),
            team="All teams",
            priority_band="All priorities",
            figures=[commands.BacklogFigure("carers_waiting", 7)],
        )
    assert "'carers_assessed'" in str(refused.value.problems)


def test_a_reported_total_can_be_scoped_to_team_band_and_a_month_as_documented():
    total = ReportedTotal.model_validate(
        {
            "code": "BL-N",
            "label": "North, urgent, March",
            "dataset": "backlog",
            "scope": "measure=waiting_review; team=North locality; priority band=Urgent; "
            "month=2024-03",
            "reported_value": 12,
            "source": "p",
            "source_kind": "paper",
            "as_at": "2024-03-31",
            "basis": "published",
        }
    )
    assert total.scope == {
        "measure": "waiting_review",
        "team": "North locality",
        "priority_band": "Urgent",
        "month": "2024-03-01",
    }


def test_a_reported_total_for_a_team_band_and_month_is_checked_against_those_rows():
    import polars as pl

    from dashboard.domain.reconciliation import AGREES, check_reported_totals

    backlog = pl.DataFrame(
        {
            "measure": ["waiting_review"] * 3,
            "month": [date(2024, 3, 1), date(2024, 3, 1), date(2024, 2, 1)],
            "team": ["North locality", "North locality", "North locality"],
            "priority_band": ["Urgent", "Routine", "Urgent"],
            "value": [12, 30, 9],
        }
    )
    reported = pl.DataFrame(
        {
            "code": ["BL-N"],
            "label": ["North, urgent, March"],
            "dataset": ["backlog"],
            # as stored before months were normalised: the documentation's spelling
            "scope": ['{"team": "North locality", "priority_band": "Urgent", "month": "2024-03"}'],
            "reported_value": [12],
            "source": ["p"],
        }
    )
    (finding,) = check_reported_totals(reported, {"backlog": backlog})
    assert (finding.status, finding.computed) == (AGREES, 12)
