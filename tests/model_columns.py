"""Which column each model field is stored in: the mapping between the pydantic models and
the tables, shared by tests/test_schema_agrees.py (types, None) and tests/test_field_limits.py
(sizes).

A model field is stored in the column of the same name in its dataset's tables
(``DatasetSpec.tables``), unless named below. Every other column of those tables is set by the
store, never by a file or a form.
"""

from __future__ import annotations

from sqlalchemy import Column

from data_access import models, schema
from data_access.cld_codes import CODED_FIELDS
from data_access.datasets import DATASETS

# columns the store sets on every row it writes
STORE_SETS = {"id", "loaded_by", "loaded_at", "version"}
# columns a field reaches under another name (a savings line's code is each year's line_code)
RENAMED = {("SavingsYear", "code"): [schema.savings_years.c.line_code]}
# columns the write derives from other fields: the meeting an action's committee and date name
DERIVED = [
    schema.committee_actions.c.meeting_id,
    # set by the cases writer on a person a corrected extract for the same date leaves out
    schema.cases.c.removed_on,
    # the CLD writer keeps each coded value as the file wrote it where mapping changed it
    *(schema.cld_event_columns.c[f"{field}_raw"] for field in CODED_FIELDS),
    # set by the person-level writers (data_access/person_rows.py, data_access/cld_store.py):
    # the day of a row's first load and the hash of its values
    *(
        table.c[c]
        for table in (schema.cases, schema.cld_event_columns)
        for c in ("first_loaded_on", "row_hash")
    ),
]
# the columns of each dataset's tables: a CLD load's events are described apart from the table
# of loads that holds them (``schema.cld_event_columns``)
TABLES = {**schema.metadata.tables, schema.cld_events.name: schema.cld_event_columns}
# fields read from a file but never stored: a CLD file's date of birth gives the age at each
# event (``age_at_event``) and goes no further
NOT_STORED = {("CldEvent", "date_of_birth")}
# a user's assignments are rows of user_scopes, one per value; the store numbers the user and
# stamps the row; the password is set apart from the model (``ascgov users set-password``)
USER_FIELDS = {
    "email": [schema.users.c.email],
    "name": [schema.users.c.name],
    "role": [schema.users.c.role],
    **{
        scope: [schema.user_scopes.c.value]
        for scope in ("areas", "workstreams", "teams", "actions")
    },
}
USER_STORE_SETS = [
    schema.users.c.created_at,
    schema.users.c.password_hash,
    schema.user_scopes.c.user_id,
    schema.user_scopes.c.kind,
    # set by disable_user / set_assignment (data_access/users.py), never by a model
    schema.users.c.disabled_at,
    schema.user_scopes.c.removed_at,
]


def stored_in() -> list[tuple[type, str, Column]]:
    """(model, field, column) for each column each model field is stored in."""
    pairs = []
    for spec in DATASETS.values():
        tables = [TABLES[name] for name in spec.tables]
        for field in spec.model.model_fields:
            columns = [table.c[field] for table in tables if field in table.c]
            columns += RENAMED.get((spec.model.__name__, field), [])
            pairs += [(spec.model, field, column) for column in columns]
    for field, columns in USER_FIELDS.items():
        pairs += [(models.User, field, column) for column in columns]
    return pairs


PAIRS = stored_in()
PAIR_IDS = [f"{m.__name__}.{f}->{c.table.name}.{c.name}" for m, f, c in PAIRS]
