"""The hand-written code that issue 10 replaced with a library call, and the data to compare on.

Kept for two uses: ``bench_library.py`` times it against its replacement, and the tests use it
as the oracle the replacement must match byte for byte (``tests/test_export_escaping.py``) and
frame for frame (``tests/test_as_at_rebuild.py``). Nothing in the app imports it.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from sqlalchemy import JSON

from data_access import schema
from data_access.loaders import conform, table_schema

# the rule as it was written before data_access.formulas: a second spelling, so the tests also
# check that the regular expression there says the same thing
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_by_startswith(text: str) -> str:
    return "'" + text if text.lstrip("'").startswith(_TRIGGERS) else text


def write_csv_by_rows(frame: pl.DataFrame, path: Path) -> None:
    """The CSV export before issue 10: Python's csv module, a cell at a time."""
    text_columns = {n for n, t in frame.schema.items() if t == pl.String}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(frame.columns)
        for row in frame.iter_rows():
            writer.writerow(
                _csv_cell(value, name in text_columns)
                for name, value in zip(frame.columns, row, strict=True)
            )


def _csv_cell(value: object, is_text: bool) -> str:
    if value is None:
        return ""
    if is_text:
        return escape_by_startswith(str(value))
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def rebuild_by_rows(states: pl.Series, name: str) -> pl.DataFrame:
    """The as-at rebuild before issue 10: ``json.loads`` and a dict per row."""
    parsed = [json.loads(text) for text in states.to_list()]
    wanted = table_schema(name)
    if not parsed:
        return pl.DataFrame(schema=wanted)
    table = schema.metadata.tables[name]
    as_text = {c.name for c in table.columns if isinstance(c.type, JSON)}
    raw = pl.DataFrame(
        [
            {
                column: json.dumps(state.get(column))
                if column in as_text and state.get(column) is not None
                else state.get(column)
                for column in wanted
            }
            for state in parsed
        ],
        schema={
            c: (pl.String if isinstance(d, pl.Datetime) or d == pl.Date else d)
            for c, d in wanted.items()
        },
        strict=False,
    )
    key = [c.name for c in table.primary_key.columns]
    return conform(raw, name).sort(key)


# text that spreadsheets and CSV readers trip on: formula triggers, apostrophes, the separator,
# quotes, line breaks inside a cell, '£' and other non-ASCII text, empty text
AWKWARD = (
    '=HYPERLINK("http://evil.example","x")',
    "+44 20 7946 0000",
    "-Director of Adult Services",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=cmd",
    "'=1",
    "''-5",
    "'",
    "O'Neill",
    "Reviews, assessments and care",
    'the "front door"',
    "two\nlines",
    "carriage\rreturn",
    "crlf\r\nend",
    "£1,500 saved",
    "naïve café – über",
    "",
    " =leading space",
    "Complete",
)


def export_like_frame(rows: int, *, seed: int = 10) -> pl.DataFrame:
    """``rows`` rows shaped like an export: text (awkward and plain), money with negatives,
    counts, dates, UTC instants with and without a fraction of a second, flags, and gaps."""
    rng = random.Random(seed)
    start = datetime(2024, 3, 31, 23, 0, tzinfo=UTC)

    def text() -> str | None:
        roll = rng.random()
        if roll < 0.05:
            return None
        if roll < 0.35:
            return rng.choice(AWKWARD)
        return f"Line {rng.randrange(10_000)} {rng.choice(AWKWARD[9:])}"

    return pl.DataFrame(
        {
            "code": [f"SV{n:06d}" for n in range(rows)],
            "title": [text() for _ in range(rows)],
            "commentary": [text() for _ in range(rows)],
            "amount": [
                None if rng.random() < 0.05 else Decimal(rng.randrange(-(10**9), 10**9)) / 100
                for _ in range(rows)
            ],
            "count": [rng.randrange(-50, 5_000) for _ in range(rows)],
            "due": [
                None if rng.random() < 0.1 else date(2015, 4, 1) + timedelta(rng.randrange(4000))
                for _ in range(rows)
            ],
            "loaded_at": [
                start + timedelta(seconds=n, microseconds=rng.choice((0, 1, 120_000, 999_999)))
                for n in range(rows)
            ],
            "funded": [rng.choice((True, False, None)) for _ in range(rows)],
        },
        schema={
            "code": pl.String,
            "title": pl.String,
            "commentary": pl.String,
            "amount": pl.Decimal(38, 2),
            "count": pl.Int64,
            "due": pl.Date,
            "loaded_at": pl.Datetime("us", "UTC"),
            "funded": pl.Boolean,
        },
    )


def backlog_states(rows: int, *, seed: int = 10) -> pl.Series:
    """``rows`` backlog rows' states as the audit history holds them (``Store.audit``: the
    row's values made JSON-able, dates and instants as ISO text)."""
    rng = random.Random(seed)
    loaded_at = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
    measures = ("waiting_review", "waiting_ot_assessment", "reviews_completed", "overdue")
    texts = []
    for n in range(rows):
        month = date(2015 + (3 + n % 120) // 12, (3 + n % 120) % 12 + 1, 1)
        measure = measures[n // 120 % 4]
        state = {
            "measure": measure,
            "month": month.isoformat(),
            "team": f"Team {n // 1440:05d}",
            "priority_band": ("High", "Medium", "Low")[n // 480 % 3],
            "value": rng.randrange(400),
            "target": None if measure == "reviews_completed" else 200,
            "source": "backlog.csv",
            "source_kind": "system",
            "as_at": "2025-03-31",
            "basis": "illustrative",
            "loaded_by": "director@council.gov.uk",
            "loaded_at": (loaded_at + timedelta(microseconds=n * 7)).isoformat(),
            "version": 1,
            "id": n + 1,
        }
        texts.append(json.dumps(state))
    return pl.Series("after", texts, dtype=pl.String)
