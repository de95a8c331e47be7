"""A census extract's counts written to the backlog series, in the extract's own transaction.

The counting is a pure rule of the dashboard's (``dashboard.domain.case_counts``), which this
layer may not import: the importer's callers hand it in as ``derive`` (one extract's people ->
figures). This module decides what the figures replace and says so in their source:

- **Source.** ``case-system extract as at 31 March 2024 (derived from 12 people)``: the
  extract's date in words, and the people of the team (or of all teams) the figure counts
  from. Basis published, kind system extract, as at the extract date.
- **The same file again** gives the same figures, so the stored rows are left exactly as they
  are: no update, no audit row, no version moved.
- **A corrected extract for the same date** (any figure or any number of people differs)
  replaces every figure of that date, each saying ``revised: replaces the figures of the
  extract loaded on 2 April 2024`` (the UK day the replaced figures were written). Basis stays
  published: the store has no revised marker, and a revision is still the council's published
  count. A team the corrected extract no longer holds gets 0, derived from 0 people.
- **A figure from another source** (a paper's, an officer's) for the same measure, month,
  team and band is replaced: the extract is the council's own count of the people at a date.
  The source names what it replaced (``replaces 460 from Committee paper ...``) and the Load a
  file preview shows it as a change before -> after.
- **An officer's part of an extract.** A file loaded by an officer replaces only their teams'
  people (``teams``); the figures are counted from the file's people together with the stored
  people of that date in the other teams, so the all-teams figure stays the whole extract's and
  the other teams' figures stay as they were.
- **Months.** The backlog keeps one figure per month, so of several extracts dated in one
  month the latest feeds it; an earlier one loaded afterwards leaves the month alone. Months
  the file has no extract for are never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import select

from data_access import days, schema
from data_access.limits import SOURCE_CHARS
from data_access.store import WriteTx
from data_access.vocab import ALL_BANDS, Basis, SourceKind
from data_access.writes import CHANGE_COLUMNS, NEW, UpsertResult, upsert_frame

# one extract's people (one extract date) -> measure, month, team, priority_band, value, people
Derivation = Callable[[pl.DataFrame], pl.DataFrame]

KEY = ("measure", "month", "team", "priority_band")
SOURCE_PREFIX = "case-system extract as at"
REASON = "derived from a census extract"


def in_words(day: date) -> str:
    """``31 March 2024``."""
    return f"{day.day} {day.strftime('%B %Y')}"


def source_base(extract_date: date) -> str:
    return f"{SOURCE_PREFIX} {in_words(extract_date)}"


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def feed_backlog(
    tx: WriteTx,
    extract: pl.DataFrame,
    derive: Derivation,
    teams: frozenset[str] | None = None,
) -> UpsertResult:
    """Write the backlog figures of each extract date in ``extract`` (the file's rows as
    stored) that is the latest of its month, by the rules of the module docstring, through
    ``writes.upsert_frame`` (audited, each update checked against the version read). ``teams``:
    the teams the file replaces (None: every team, the file is the whole extract). In a
    rehearsal nothing is written and ``changes`` lists new figures too (before blank)."""
    dates = _feeding_dates(tx, extract["extract_date"].unique().to_list())
    if not dates:
        return UpsertResult()
    counts = pl.concat([derive(_whole_extract(tx, extract, d, teams)) for d in dates])
    stored = _stored(tx, [d.replace(day=1) for d in dates], counts["measure"].unique().to_list())
    rows = pl.concat([_rows_for(d, counts, stored) for d in dates])
    result = upsert_frame(tx, schema.backlog, rows, KEY, reason=REASON)
    if tx.rehearsal:
        result.changes = _with_new(result, rows)
    return result


def _feeding_dates(tx: WriteTx, dates: list[date]) -> list[date]:
    """The file's dates that are the latest live extract of their month (stored or in the
    file)."""
    months = sorted({d.replace(day=1) for d in dates})
    cases = schema.cases
    held = tx.conn.execute(
        select(cases.c.extract_date)
        .distinct()
        .where(
            cases.c.removed_on.is_(None),
            cases.c.extract_date >= months[0],
            cases.c.extract_date < _next_month(months[-1]),
        )
    ).scalars()
    latest: dict[date, date] = {}
    for day in [*held, *dates]:
        first = day.replace(day=1)
        latest[first] = max(latest.get(first, day), day)
    return sorted(d for d in set(dates) if latest[d.replace(day=1)] == d)


def _whole_extract(
    tx: WriteTx, extract: pl.DataFrame, day: date, teams: frozenset[str] | None
) -> pl.DataFrame:
    """The people of the extract dated ``day`` once this file is written: the file's, and,
    when the file replaces only some teams, the stored live people of the others."""
    mine = extract.filter(pl.col("extract_date") == day)
    if teams is None:
        return mine
    cases = schema.cases
    columns = [c for c in mine.columns if c in cases.c]
    others = tx.conn.execute(
        select(*(cases.c[c] for c in columns)).where(
            cases.c.extract_date == day,
            cases.c.removed_on.is_(None),
            cases.c.team.not_in(sorted(teams)),
        )
    ).all()
    if not others:
        return mine
    stored = pl.DataFrame(others, schema={c: mine.schema[c] for c in columns}, orient="row")
    return pl.concat([mine.select(columns), stored])


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _stored(tx: WriteTx, months: list[date], measures: list[str]) -> dict[tuple, dict]:
    """The stored all-bands figures of ``measures`` for ``months``, by key."""
    backlog = schema.backlog
    rows = tx.conn.execute(
        select(backlog).where(
            backlog.c.month.in_(months),
            backlog.c.measure.in_(measures),
            backlog.c.priority_band == ALL_BANDS,
        )
    )
    return {tuple(r._mapping[k] for k in KEY): dict(r._mapping) for r in rows}


def _own(stored: dict, base: str) -> bool:
    return stored["source"].startswith(f"{base} (")


def _same(stored: dict | None, base: str, value: int, people: int) -> bool:
    """The stored figure is this extract's, with this value, from these people."""
    if stored is None or stored["value"] != value:
        return False
    fresh = f"{base} (derived from {_people(people)}"
    return stored["source"] == f"{fresh})" or stored["source"].startswith(f"{fresh}; ")


def _rows_for(extract_date: date, counts: pl.DataFrame, stored: dict) -> pl.DataFrame:
    base = source_base(extract_date)
    month = extract_date.replace(day=1)
    figures = {
        (m, month, team, band): (value, people)
        for m, team, band, value, people in counts.filter(pl.col("month") == month)
        .select("measure", "team", "priority_band", "value", "people")
        .iter_rows()
    }
    # a team an earlier load of this extract counted and the corrected one no longer holds
    measures = {key[0] for key in figures}
    for key, row in stored.items():
        if key[1] == month and key[0] in measures and key not in figures and _own(row, base):
            figures[key] = (0, 0)
    own = [row for key, row in stored.items() if key[1] == month and _own(row, base)]
    revised = bool(own) and not all(
        _same(stored.get(key), base, value, people) for key, (value, people) in figures.items()
    )
    replaced_day = max(_uk_day(row["loaded_at"]) for row in own) if revised else None
    records = []
    for key, (value, people) in sorted(figures.items()):
        held = stored.get(key)
        if not revised and _same(held, base, value, people):
            source = held["source"]  # unchanged: the row stays exactly as stored
        else:
            source = _source(base, people, held, replaced_day)
        records.append((*key, value, source))
    return pl.DataFrame(
        records,
        schema={
            "measure": pl.String,
            "month": pl.Date,
            "team": pl.String,
            "priority_band": pl.String,
            "value": pl.Int64,
            "source": pl.String,
        },
        orient="row",
    ).with_columns(
        pl.lit(SourceKind.SYSTEM.value).alias("source_kind"),
        pl.lit(extract_date).alias("as_at"),
        pl.lit(Basis.PUBLISHED.value).alias("basis"),
        pl.lit(None, dtype=pl.Int64).alias("target"),
    )


def _source(base: str, people: int, held: dict | None, replaced_day: date | None) -> str:
    notes = [f"derived from {_people(people)}"]
    if replaced_day is not None:
        loaded = in_words(replaced_day)
        notes.append(f"revised: replaces the figures of the extract loaded on {loaded}")
    if held is not None and not _own(held, base):
        notes.append(f"replaces {held['value']:,} from {held['source']}")
    text = f"{base} ({'; '.join(notes)})"
    if len(text) > SOURCE_CHARS:
        text = text[: SOURCE_CHARS - 2] + "…)"
    return text


def _uk_day(moment: datetime) -> date:
    return days.day_of(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _with_new(result: UpsertResult, rows: pl.DataFrame) -> pl.DataFrame:
    """A rehearsal's changes with each new figure as a change from blank."""
    new = result.rows.filter(pl.col("state") == NEW).select(KEY).join(rows, on=list(KEY))
    added = new.select(
        pl.lit(schema.backlog.name).alias("table"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in KEY], separator="|").alias("item"),
        pl.lit("value").alias("field"),
        pl.lit(None, dtype=pl.String).alias("before"),
        pl.col("value").cast(pl.String).alias("after"),
    )
    held = result.changes
    if held is None:
        held = pl.DataFrame(schema=dict.fromkeys(CHANGE_COLUMNS, pl.String))
    return pl.concat([held, added])
