"""The measure registry (``data_access/measures.py``) is the only place a measure is defined: the
Definitions table, the backlog trends, the overview's headlines, the importer and the edit
commands all read it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from pydantic import ValidationError

from dashboard.domain import backlog, definitions, headlines
from dashboard.domain.disclosure import EXACT
from dashboard.domain.ratings import Thresholds
from data_access import models
from data_access.importer import import_file
from data_access.measures import BACKLOG, BUILT_IN, LOCAL, MEASURES, MeasureInfo, Registry
from data_access.problems import ImportRejected
from data_access.vocab import Measure
from tests.conftest import DIRECTOR
from tests.test_headlines import _backlog as one_measure

EXTRA = MeasureInfo(
    "carers_assessed",
    "Carers assessed",
    "Carers whose needs were assessed.",
    "people",
    True,
    "Carers team",
    "Performance team",
    LOCAL,
    BACKLOG,
)


def test_every_measure_states_each_fact():
    for m in MEASURES:
        assert all((m.code, m.label, m.meaning, m.unit, m.source, m.owner, m.category, m.table))


def test_the_built_in_backlog_measures_are_the_stored_vocabulary_in_display_order():
    assert MEASURES.codes(BACKLOG)[:4] == tuple(m.value for m in Measure)
    # then the ADASS survey's categories
    assert MEASURES.codes(BACKLOG)[4:] == (
        "awaiting_assessment",
        "awaiting_assessment_over_6_months",
        "awaiting_service",
        "overdue_review",
    )


def test_definitions_rows_are_the_registry_rows():
    rows = definitions.registry(Thresholds(), MEASURES)
    assert [d.label for d in rows] == [m.label for m in MEASURES]
    for row, m in zip(rows, MEASURES, strict=True):
        assert (row.unit, row.owner, row.table, row.rise_is_good) == (
            m.unit,
            m.owner,
            m.table,
            m.rise_is_good,
        )
    backlog_rows = [d for d in rows if d.table == BACKLOG]
    assert [(d.measure, d.label, d.meaning) for d in backlog_rows] == [
        (m.code, m.label, m.meaning) for m in MEASURES.in_table(BACKLOG)
    ]


def test_the_definitions_table_shows_the_registry_unit_and_owner_of_each_backlog_measure():
    table = definitions.definitions_table(definitions.registry(Thresholds(), MEASURES), {})
    shown = {row["Measure"]: row for row in table.shown().iter_rows(named=True)}
    for m in MEASURES.in_table(BACKLOG):
        assert (
            shown[m.label]["What it means"],
            shown[m.label]["Unit"],
            shown[m.label]["Owner"],
        ) == (
            m.meaning,
            m.unit,
            m.owner,
        )


def test_a_trend_takes_its_label_meaning_unit_and_direction_from_the_registry():
    empty = pl.DataFrame(
        schema={
            "measure": pl.String,
            "month": pl.Date,
            "team": pl.String,
            "priority_band": pl.String,
            "value": pl.Int64,
            "target": pl.Int64,
            "basis": pl.String,
            "source": pl.String,
            "as_at": pl.Date,
        }
    )
    for item in backlog.trends(empty, team=None, band=None, rule=EXACT, measures=MEASURES):
        m = MEASURES[item.measure]
        assert (item.label, item.definition, item.rise_is_good) == (
            m.label,
            m.meaning,
            m.rise_is_good,
        )
        assert item.unit == m.unit.capitalize()
    assert backlog.measure_choices(MEASURES) == [m.label for m in MEASURES.in_table(BACKLOG)]


def test_a_headline_rises_well_when_the_registry_says_so():
    for m in MEASURES.in_table(BACKLOG):
        figures = one_measure({date(2024, 1, 1): 1}, measure=m.code)
        [latest] = headlines.latest_backlog(figures, measures=MEASURES)
        assert latest.higher_is_better is bool(m.rise_is_good)


def test_a_registry_refuses_a_code_or_label_given_twice_and_an_overlong_code():
    with pytest.raises(ValueError, match="defined twice"):
        Registry.with_rows(BUILT_IN, [BUILT_IN[0]])
    with pytest.raises(ValueError, match="used twice"):
        Registry.with_rows(BUILT_IN, [MeasureInfo(**{**vars(EXTRA), "label": BUILT_IN[0].label})])
    with pytest.raises(ValueError, match="1 to 40 characters"):
        MeasureInfo(**{**vars(EXTRA), "code": "x" * 41})


_ROW = {
    "month": "2024-03",
    "team": "All teams",
    "priority_band": "All priorities",
    "value": "5",
    "source": "s.csv",
    "as_at": "2024-03-31",
}


def test_a_backlog_row_takes_any_measure_of_the_registry_in_force():
    extended = Registry.with_rows(BUILT_IN, [EXTRA])
    row = models.BacklogObservation.model_validate(
        {**_ROW, "measure": "Carers_Assessed"}, context={"measures": extended}
    )
    assert row.measure == "carers_assessed"
    with pytest.raises(ValidationError, match="'overdue_review' or 'carers_assessed'"):
        models.BacklogObservation.model_validate(
            {**_ROW, "measure": "waiting_list"}, context={"measures": extended}
        )
    with pytest.raises(ValidationError) as refused:
        models.BacklogObservation.model_validate({**_ROW, "measure": "carers_assessed"})
    assert refused.value.errors()[0]["msg"] == f"Input should be {MEASURES.expected()}"


def test_a_backlog_row_stores_the_registry_spelling_of_its_measure():
    row = models.BacklogObservation.model_validate({**_ROW, "measure": "WAITING_REVIEW"})
    assert row.measure == "waiting_review"


def test_the_importer_refuses_an_unknown_measure_naming_every_code_of_the_registry(
    sqlite_store, tmp_path: Path
):
    path = tmp_path / "backlog.csv"
    path.write_text(
        "measure,month,team,priority_band,value,source,as_at\n"
        "waiting_list,2024-03,All teams,All priorities,5,s.csv,2024-03-31\n"
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(sqlite_store, "backlog", path, actor=DIRECTOR, as_at=date(2024, 4, 1))
    (problem,) = refused.value.problems
    assert (problem.column, problem.value) == ("measure", "waiting_list")
    assert problem.rule == (
        "Input should be 'waiting_review', 'waiting_ot_assessment', 'reviews_completed', "
        "'overdue_annual_reviews', 'awaiting_assessment', 'awaiting_assessment_over_6_months', "
        "'awaiting_service' or 'overdue_review'"
    )
    assert all(f"'{code}'" in problem.rule for code in MEASURES.codes(BACKLOG))


def test_the_definitions_write_the_rules_in_force_into_the_registry_meanings():
    rows = {d.label: d.meaning for d in definitions.registry(Thresholds(90, 70), MEASURES)}
    assert "{" not in " ".join(rows.values())
    assert rows["Improvement plan status and RAG"].endswith(
        "and its lead's RAG rating (Red off track, Amber some concerns, Green on track)."
    )
