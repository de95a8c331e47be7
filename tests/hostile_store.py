"""A council whose every free-text field carries markup: the demo council with each title,
name, team, band, lead, owner, label and source wrapped in the XSS payloads the other tests use
(links, an image with an onerror handler, a script, plotly's own tags).

Codes, statuses and other values a rule checks are left as they are, and the same text always
becomes the same hostile text, so references (a milestone's area, a meeting's committee) still
hold and every page and chart has something to show.
"""

from __future__ import annotations

from data_access.datasets import DATASETS, LOAD_ORDER, stored_frame
from data_access.sample_data import sample_rows
from data_access.store import Store
from data_access.vocab import ALL_BANDS, ALL_TEAMS

# what the markup would do if it were live: a link out, script run by a handler or a tag,
# and plotly's styling tags; each leaves a trace the browser tests look for
PAYLOAD = (
    '<a href="https://evil.example/">link</a> <a href="javascript:window.__xss=1">js</a> '
    '<img src=x onerror="window.__xss=2"><script>window.__xss=3</script> '
    '<b>bold</b><br><span style="font-size:60px">big</span> &amp;'
)
# for fields too short for the whole payload (a team name is at most 200 characters)
SHORT_PAYLOAD = (
    '<a href="https://evil.example/">link</a> '
    '<b>bold</b><br><span style="font-size:60px">big</span>'
)
# values the logic recognises by name: the totals rows of the backlog
KEPT = frozenset({ALL_TEAMS, ALL_BANDS})


def hostile(text: str, payload: str = PAYLOAD) -> str:
    return f"{text} {payload}"


def _hostile_row(model, row: dict) -> dict:
    """Every text field the model accepts hostile text in, made hostile."""
    for field, value in list(row.items()):
        if not isinstance(value, str) or value in KEPT:
            continue
        for payload in (PAYLOAD, SHORT_PAYLOAD):
            candidate = {**row, field: hostile(value, payload)}
            try:
                model.model_validate(candidate)
            except ValueError:  # a code, a status, a year: a rule checks it, no text goes there
                continue
            row = candidate
            break
    return row


def hostile_rows() -> dict[str, list[dict]]:
    return {
        name: [_hostile_row(DATASETS[name].model, row) for row in rows]
        for name, rows in sample_rows().items()
    }


def write_council(store: Store, rows: dict[str, list[dict]], actor: str) -> None:
    """Write ``rows`` (as ``hostile_rows`` gives them) through the datasets' own writers."""
    with store.write(actor) as tx:
        for name in LOAD_ORDER:
            spec = DATASETS[name]
            spec.write(
                tx,
                stored_frame(spec.model, [spec.model.model_validate(row) for row in rows[name]]),
            )


def write_hostile_council(store: Store, actor: str = "system:tests-hostile") -> None:
    write_council(store, hostile_rows(), actor)
