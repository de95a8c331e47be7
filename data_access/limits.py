"""How long a text and how large a number the store can hold: one set of bounds for the models.

Each bound is the column's own (``String(n)``, 32-bit ``Integer``, 64-bit ``BigInteger``) or a
tighter one where a value also becomes part of an audit key (``audit_events.entity_key`` is
``String(400)``, and a backlog row's key is its measure, month, team and band joined by ``|``).
The models (imports, the Updates page, ``ascgov edit``, ``ascgov users``) refuse anything
larger before a write, so SQLite and PostgreSQL give the same message; without these bounds
SQLite kept what PostgreSQL refused with a traceback. ``tests/test_field_limits.py`` checks that
every model field fits every column it is stored in.
"""

from __future__ import annotations

# integer columns
INTEGER_MAX = 2**31 - 1  # sqlalchemy Integer: 32-bit on PostgreSQL
# the most one money figure may be: £10bn, ten times the largest council's yearly adult social
# care budget. The column (BigInteger) holds 64 bits, but the pages add figures up in 64-bit
# polars columns, which wrap silently: two figures near the column's limit sum to a negative. At
# this bound even a million figures add up to a twentieth of the 64-bit range.
MONEY_MAX_PENCE = 10**12

# text columns, in characters
CODE_CHARS = 40  # codes: String(40)
STATUS_CHARS = 100  # statuses: String(100)
NAME_CHARS = 4000  # titles, owners, leads, labels: String(4000)
SOURCE_CHARS = 400  # provenance source: String(400)
EMAIL_CHARS = 254  # users.email: String(254), the longest address SMTP allows
# users.name is String(4000), but an edit's source is "Updated in the dashboard by NAME"
# (String(400))
PERSON_NAME_CHARS = 200
# a workstream or team can also be an officer's assignment (user_scopes.value: String(400))
WORKSTREAM_CHARS = 400
TEAM_CHARS = 200  # backlog.team: String(200)
# a CLD code as written and an event's reference: cld_events' String(200)
CLD_CODE_CHARS = 200
# budget_bridge_steps.report and .label: together the step's key, which the audit trail holds
BRIDGE_REPORT_CHARS = 200
BRIDGE_LABEL_CHARS = 150
# backlog.priority_band is String(200), but measure|month|team|band must fit an audit key of
# 400: 22 + 1 + 10 + 1 + 200 + 1 + 100 = 335
PRIORITY_BAND_CHARS = 100
# meetings.committee is String(400), but committee|date must fit an audit key of 400
COMMITTEE_CHARS = 200
# free text (commentary, evidence, action text, reasons) is an unbounded Text column: the bound
# is the most one spreadsheet cell holds, so whatever Excel holds can be loaded, and a CSV cell
# gets the same bound as an XLSX cell
LONG_TEXT_CHARS = 32_767
CELL_CHARS = LONG_TEXT_CHARS


def field_bounds(model) -> dict[str, dict[str, int]]:
    """Each field's bounds as ``model`` declares them, by file column (its alias); a field that
    takes one of a list of words is as long as its longest word.

    >>> from data_access.models import BacklogObservation
    >>> field_bounds(BacklogObservation)["team"]
    {'maxLength': 200}
    >>> field_bounds(BacklogObservation)["measure"]
    {'maxLength': 33, 'choices': 8}
    """
    document = model.model_json_schema(mode="validation")
    definitions = document.get("$defs", {})
    bounds = {}
    for name, prop in document["properties"].items():
        # an optional field's bounds sit in anyOf, a tuple's in items, a mapping's values in
        # additionalProperties, a list of words in a definition
        schemas = [prop, *prop.get("anyOf", [])]
        schemas += [
            s[k] for s in list(schemas) for k in ("items", "additionalProperties") if k in s
        ]
        schemas += [definitions[s["$ref"].rsplit("/", 1)[1]] for s in list(schemas) if "$ref" in s]
        found = {}
        for schema in schemas:
            if "enum" in schema:
                found["maxLength"] = max(len(str(value)) for value in schema["enum"])
                found["choices"] = len(schema["enum"])
            for key in ("maxLength", "minimum", "exclusiveMinimum", "maximum"):
                if key in schema:
                    found[key] = schema[key]
        bounds[name] = found
    return bounds
