"""A value the store cannot hold is refused by the models, before any write, on both databases.

Each model field's bound comes from the column it is stored in (``data_access/limits.py``); a
field longer or larger than its column once went into SQLite and made PostgreSQL raise a
traceback. The first tests walk every model field and every column it reaches, so a new column
or field cannot drift; the others refuse such values through the edit commands the Updates
page and ``ascgov edit`` use, and check that the store did not change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import BigInteger, Integer, String, Text

from data_access import commands, models, schema
from data_access.access import Principal
from data_access.app_settings import SettingRefusedError, set_list
from data_access.datasets import DATASETS
from data_access.limits import LONG_TEXT_CHARS, field_bounds
from data_access.rating_scales import BRAG, RAG
from data_access.store import Store
from data_access.vocab import Measure, Role
from tests.conftest import DIRECTOR
from tests.model_columns import PAIR_IDS, PAIRS
from tests.store_snapshots import snapshot

ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"
ADMIN = Principal(email="admin@demo.example", name="Demo Admin", role=Role.ADMIN)


# fields that take a rating: bounded by their scale's names, not by a length of their own
_SCALES = {
    models.RagValue | None: RAG,
    models.BragValue | None: BRAG,
    models.RagValue: RAG,
    models.BragValue: BRAG,
}


# every model field and each column it reaches (tests/test_schema_agrees.py checks that the
# mapping covers every field and column)
@pytest.mark.parametrize(("model", "field", "column"), PAIRS, ids=PAIR_IDS)
def test_every_model_field_fits_every_column_it_is_stored_in(model, field, column):
    alias = model.model_fields[field].alias or field
    bounds = field_bounds(model)[alias]
    name = f"{model.__name__}.{alias}"
    kind = column.type
    scale = _SCALES.get(model.model_fields[field].annotation)
    if scale is not None:
        # a rating: parse() takes only the scale's names, so the longest of them is the bound
        assert isinstance(kind, String) and max(map(len, scale.names)) <= kind.length, name
    elif isinstance(kind, String) and not isinstance(kind, Text) and kind.length:
        assert bounds.get("maxLength") is not None, f"{name} has no length limit"
        assert bounds["maxLength"] <= kind.length
    elif isinstance(kind, Text) or isinstance(kind, String):
        assert bounds.get("maxLength") is not None, f"{name} has no length limit"
    elif isinstance(kind, Integer):
        bits = 63 if isinstance(kind, BigInteger) else 31
        lowest = bounds.get("minimum", bounds.get("exclusiveMinimum"))
        assert lowest is not None and bounds.get("maximum") is not None, name
        assert -(2**bits) <= lowest and bounds["maximum"] < 2**bits


def _longest(model: type, field: str) -> int:
    """The most characters a key field's value can have as text."""
    annotation = model.model_fields[field].annotation
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return max(len(member.value) for member in annotation)
    if annotation is date:
        return len("2024-03-31")
    if field == "financial_year":
        return len("2024/25")
    return field_bounds(model)[model.model_fields[field].alias or field]["maxLength"]


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_longest_key_of_each_dataset_fits_the_audit_trail(name):
    # an audit event names its row by the key's values joined with "|"
    spec = DATASETS[name]
    key = [spec.field_for(column) for column in spec.key]
    longest = sum(_longest(spec.model, field) for field in key) + len(key) - 1
    assert longest <= schema.audit_events.c.entity_key.type.length, (name, longest)


def test_the_longest_person_name_fits_the_source_of_an_edit():
    longest = commands.EDIT_SOURCE + "n" * field_bounds(models.User)["name"]["maxLength"]
    assert len(longest) <= schema.areas.c.source.type.length


def test_the_longest_meeting_and_import_keys_fit_the_audit_trail():
    entity_key = schema.audit_events.c.entity_key.type.length
    committee = field_bounds(models.CommitteeAction)["committee"]["maxLength"]
    assert committee + len("|2024-03-12") <= entity_key
    # an import is named "dataset:file"; a file name has at most 255 bytes
    assert max(len(n) for n in DATASETS) + 1 + 255 <= entity_key


# --- the same bounds through the edit commands, on each database ------------------------------


def _area(store: Store, code: str) -> dict:
    with store.engine.connect() as conn:
        row = conn.execute(schema.areas.select().where(schema.areas.c.code == code)).one()
    return dict(row._mapping)


def _refused(store: Store, action) -> dict[str, str]:
    before = snapshot(store)
    with pytest.raises(commands.EditRejected) as caught:
        action()
    assert snapshot(store) == before
    return caught.value.problems


def test_a_backlog_figure_over_32_bits_is_refused_before_any_write(demo_store):
    figure = commands.BacklogFigure(Measure.WAITING_REVIEW, value=2**31)
    problems = _refused(
        demo_store,
        lambda: commands.edit_backlog_month(
            demo_store,
            DIRECTOR,
            month=date(2030, 1, 1),
            team="North locality",
            priority_band="High",
            figures=[figure],
        ),
    )
    assert problems == {"waiting_review.value": "must be a whole number from 0 to 2,147,483,647"}


def test_a_forecast_over_64_bits_is_refused_before_any_write(demo_store):
    with demo_store.engine.connect() as conn:
        row = conn.execute(schema.savings_years.select().limit(1)).one()
    problems = _refused(
        demo_store,
        lambda: commands.edit_savings_year(
            demo_store,
            DIRECTOR,
            row.line_code,
            row.financial_year,
            version=row.version,
            forecast_pence=2**63,
            delivered_pence=None,
        ),
    )
    assert problems == {"forecast_pence": "amount is too large: the most is £10,000,000,000.00"}


def test_commentary_longer_than_a_cell_is_refused_and_the_longest_is_saved(demo_store):
    area = _area(demo_store, "IP01")

    def edit(text: str, version: int):
        return commands.edit_area(
            demo_store,
            DIRECTOR,
            "IP01",
            version=version,
            status=area["status"],
            rag=area["rag"],
            commentary=text,
        )

    problems = _refused(demo_store, lambda: edit("x" * (LONG_TEXT_CHARS + 1), area["version"]))
    assert problems == {"commentary": "String should have at most 32767 characters"}
    edit("x" * LONG_TEXT_CHARS, area["version"])
    assert len(_area(demo_store, "IP01")["commentary"]) == LONG_TEXT_CHARS


def test_a_committee_name_longer_than_its_key_allows_is_refused(demo_store):
    problems = _refused(
        demo_store, lambda: commands.record_meeting(demo_store, DIRECTOR, "c" * 201, date.today())
    )
    assert problems == {"committee": "String should have at most 200 characters"}


def test_a_brag_override_reason_longer_than_a_cell_is_refused(demo_store):
    with demo_store.engine.connect() as conn:
        line = conn.execute(schema.savings_lines.select().limit(1)).one()
    problems = _refused(
        demo_store,
        lambda: commands.set_brag_override(
            demo_store,
            DIRECTOR,
            line.code,
            version=line.version,
            brag_override="Red",
            override_reason="r" * (LONG_TEXT_CHARS + 1),
        ),
    )
    assert problems == {"override_reason": "String should have at most 32767 characters"}


# --- look-alike names: refused in names and keys, kept in free text ---------------------------


def test_free_text_keeps_invisible_characters_as_written(demo_store):
    area = _area(demo_store, "IP01")
    text = "Agreed with the family \u200d\U0001f44d; \u202bمراجعة\u202c"
    commands.edit_area(
        demo_store,
        DIRECTOR,
        "IP01",
        version=area["version"],
        status=area["status"],
        rag=area["rag"],
        commentary=text,
    )
    assert _area(demo_store, "IP01")["commentary"] == text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "boss\u200b@x.example", "U+200B ZERO WIDTH SPACE at position 5"),
        ("name", "Ann\u00adSmith", "U+00AD SOFT HYPHEN at position 4"),
        ("teams", ("North\u200c locality",), "U+200C ZERO WIDTH NON-JOINER at position 6"),
        ("workstreams", ("\u2067Demand",), "U+2067 RIGHT-TO-LEFT ISOLATE at position 1"),
        ("areas", ("IP\u206001",), "U+2060 WORD JOINER at position 3"),
    ],
)
def test_a_user_with_an_invisible_character_in_a_name_is_refused(field, value, message):
    data = {"email": "ann@x.example", "name": "Ann Smith", "role": "officer", field: value}
    with pytest.raises(ValidationError) as caught:
        models.User(**data)
    (error,) = caught.value.errors()
    assert error["loc"][0] == field
    assert error["msg"] == f"Value error, contains an invisible character {message}"


def test_a_status_with_an_invisible_character_is_refused(demo_store):
    before = snapshot(demo_store)
    statuses = ["Not started", "In progress", "Complete", "Slipped", "Cancelled", "Done\u2069"]
    with pytest.raises(SettingRefusedError) as caught:
        set_list(demo_store, "milestone_statuses", statuses, actor=ADMIN)
    assert str(caught.value) == (
        "status 'Done\\u2069': contains an invisible character U+2069 POP DIRECTIONAL ISOLATE "
        "at position 5"
    )
    assert snapshot(demo_store) == before


def test_ascgov_users_add_names_the_invisible_character_in_one_line(tmp_path):
    env = {**os.environ, "ASCGOV_DATABASE_URL": "sqlite:///" + str(tmp_path / "s.sqlite3")}
    done = subprocess.run(
        [ASCGOV, "users", "add", "boss\u200b@x.example", "--role", "admin"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (2, "")
    # the name, taken from the address, is refused as well
    assert done.stderr == (
        "Email address: contains an invisible character U+200B ZERO WIDTH SPACE at position 5; "
        "Full name: contains an invisible character U+200B ZERO WIDTH SPACE at position 5\n"
    )
