"""A meeting's pack kept as what the committee saw: made for keeping, kept, made again from
the record and compared (issue 14). ``data_access.meeting_record`` keeps and reads the files;
the Meetings page and ``ascgov meetings`` both come here.

A kept pack's figures are read from the history as it stood at one instant (``built_at``, on
or before the end of the as-at day), with the options in force then written down beside it, so
that making it again later reads the same rows with the same rules, whatever has been edited
since. The census extract's rows keep no history of their values (``loaders.person_rows_as_at``):
when it has been loaded again since, the comparison says so instead of promising equality. CLD
events are kept as loads and read as they stood (``data_access.cld_store``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from dashboard.briefing import content, docx, images, make, pdf
from dashboard.domain import formatting
from dashboard.domain.disclosure import DisclosureRule
from dashboard.domain.ratings import Thresholds
from dashboard.domain.table import Table
from dashboard.views.blocks import Chart, Heading, Headlines, Pack, Paragraph
from data_access import days, meeting_record
from data_access.access import Permission, Principal, authorise
from data_access.meeting_record import Built, Kept
from data_access.statuses import Meaning, StatusList
from data_access.store import Store


def figures_text(pack: Pack) -> str:
    """Every figure and sentence of a pack, in order, as plain lines: what a rebuild must
    give again. Charts count by their alternative text and their table (the picture is drawn
    from the same table)."""
    lines = [
        f"council: {pack.council}",
        f"as at: {pack.as_at.isoformat()}",
        f"meeting: {pack.committee} {pack.meeting_date}",
        f"made: {pack.made_at}",
        f"kept: {pack.kept}",
        *(f"note: {note}" for note in pack.notes),
    ]
    for section in pack.sections:
        lines.append(f"# {section.title}")
        for block in section.blocks:
            lines.extend(_lines(block))
    return "\n".join(lines) + "\n"


def _lines(block) -> list[str]:
    if isinstance(block, Heading):
        return [f"## {block.text}"]
    if isinstance(block, Paragraph):
        return [block.words]
    if isinstance(block, Headlines):
        return [f"{h.label}: {h.value} | {h.note} | {h.delta or ''}" for h in block.items]
    if isinstance(block, Chart):
        return [f"chart: {block.title}. {block.alt}", *_table_lines(block.table)]
    if isinstance(block, Table):
        return _table_lines(block)
    raise TypeError(f"a pack holds no {type(block).__name__}")


def _table_lines(table: Table) -> list[str]:
    return [f"table: {table.title}", *table.frame.write_csv().splitlines()]


def options_record(options: content.Options) -> dict[str, Any]:
    """The options a pack was made with, as JSON: the rules its figures were worked out by."""
    return {
        "council": options.council,
        "thresholds": {
            "green_at": options.thresholds.green_at,
            "amber_at": options.thresholds.amber_at,
        },
        "disclosure": {
            "threshold": options.disclosure.threshold,
            "round_to": options.disclosure.round_to,
        },
        "statuses": {
            name: {
                "names": list(statuses.names),
                "meanings": [m.value for m in statuses.meanings],
                "assumed": list(statuses.assumed),
            }
            for name, statuses in options.statuses.items()
        },
        "sections": list(options.sections),
        "meeting_id": options.meeting_id,
    }


def options_from(record: dict[str, Any]) -> content.Options:
    return content.Options(
        council=record["council"],
        thresholds=Thresholds(**record["thresholds"]),
        disclosure=DisclosureRule(**record["disclosure"]),
        statuses={
            name: StatusList(
                tuple(kept["names"]),
                tuple(Meaning(m) for m in kept["meanings"]),
                assumed=tuple(kept["assumed"]),
            )
            for name, kept in record["statuses"].items()
        },
        sections=tuple(record["sections"]),
        meeting_id=record["meeting_id"],
    )


def kept_line(version: int, reason: str | None, built_at: datetime) -> str:
    """What a kept pack's cover says of it: the record's version, and what it corrects."""
    line = f"Kept on {formatting.day(days.day_of(built_at))} as the record of this meeting"
    if version == 1 or not reason:
        return f"{line} (version {version})."
    return f"{line}: version {version}, correcting version {version - 1} because: {reason}"


def _pack(
    store: Store, meeting_id: int, as_at: date, built_at: datetime, options, kept: str
) -> Pack:
    figures = content.gather(store, as_at, meeting_id=meeting_id, until=built_at)
    return replace(content.build(figures, options, now=built_at), kept=kept)


def _made(
    store: Store,
    meeting_id: int,
    as_at: date,
    built_at: datetime,
    options: content.Options,
    browser: str | None,
    kept: str,
) -> tuple[Pack, bytes, bytes]:
    pack = _pack(store, meeting_id, as_at, built_at, options, kept)
    drawn = images.draw(pack.charts(), browser=browser)
    return pack, pdf.render(pack, drawn), docx.render(pack, drawn)


def build(
    store: Store,
    meeting_id: int,
    *,
    browser: str | None,
    version: int = 1,
    reason: str | None = None,
    now: datetime | None = None,
):
    """The pack for a meeting, made for keeping as ``version`` of its record (a correction with
    its ``reason``): the whole pack, as at the meeting's day (today for one still to come), from
    the history as it stands now."""
    built_at = (now or datetime.now(UTC)).astimezone(UTC)
    # the meeting's day, or today for one still to come
    as_at = content.pack_day(store, meeting_id, None, days.day_of(built_at))
    options = make.options_for(store, meeting_id=meeting_id)
    versions = store.dataset_versions()
    kept = kept_line(version, reason, built_at)
    pack, pdf_bytes, docx_bytes = _made(store, meeting_id, as_at, built_at, options, browser, kept)
    return Built(
        meeting_id=meeting_id,
        as_at=as_at,
        built_at=built_at,
        options=options_record(options),
        dataset_versions=versions,
        figures=figures_text(pack),
        pdf=pdf_bytes,
        docx=docx_bytes,
    )


def finalise(
    store: Store,
    who: Principal,
    meeting_id: int,
    *,
    expected: int,
    reason: str | None = None,
    browser: str | None,
) -> Kept:
    """Make the meeting's pack and keep it (the next version, with ``reason`` for a correction).
    Refused before anything is made for someone who may not finalise."""
    authorise(store, who, Permission.FINALISE_PACK, target=f"meeting {meeting_id}")
    reason = meeting_record.checked_reason(expected, reason)  # before seconds of making it
    built = build(store, meeting_id, browser=browser, version=expected + 1, reason=reason)
    return meeting_record.keep(store, who, built, expected=expected, reason=reason)


# the tables whose rows keep only their latest values (``person_rows``): a pack made again
# after they were loaded again reads those values
LATEST_VALUES_ONLY = ("cases",)


@dataclass(frozen=True)
class Comparison:
    """A kept pack against the same pack made again from its record."""

    same: bool
    differences: tuple[str, ...]  # lines of a unified diff, kept first
    reloaded: tuple[str, ...]  # datasets without value history loaded again since it was kept

    def changed_lines(self) -> list[str]:
        return [d for d in self.differences if d[:1] in "+-" and d[:3] not in ("+++", "---")]

    def sentence(self) -> str:
        if self.same:
            said = "Made again from its record, the pack has the same figures as the kept file."
        else:
            lines = formatting.counted(len(self.changed_lines()), "line")
            said = (
                f"Made again from its record, the pack differs from the kept file in {lines}: "
                "the figures it was kept with are in the kept file."
            )
        if self.reloaded:
            said += (
                " The census extract was loaded again since it was kept, and keeps no earlier "
                "values: those parts are made from the figures loaded now."
            )
        return said


def rebuild(store: Store, record: dict[str, Any]) -> tuple[Pack, str]:
    """A kept pack made again from its record (``meeting_record.kept_record``): its day, its
    instant and its options; the pack and its figures as text."""
    kept = kept_line(record["version"], record["reason"], record["built_at"])
    pack = _pack(
        store,
        record["meeting_id"],
        record["as_at"],
        record["built_at"],
        options_from(record["options"]),
        kept,
    )
    return pack, figures_text(pack)


def compare(store: Store, pack_id: int) -> Comparison:
    """Make a kept pack again and compare its figures with those kept."""
    record = meeting_record.kept_record(store, pack_id)
    _, again = rebuild(store, record)
    differences = tuple(
        difflib.unified_diff(
            record["figures"].splitlines(), again.splitlines(), "kept", "made again", lineterm=""
        )
    )
    now = store.dataset_versions()
    reloaded = tuple(
        name for name in LATEST_VALUES_ONLY if now.get(name) != record["dataset_versions"].get(name)
    )
    return Comparison(not differences, differences, reloaded)
