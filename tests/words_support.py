"""What a page says, in the order a reader meets it, and the checks on its words: no file names,
dataset names, settings or commands where members and directors read; counts that agree with
their nouns; abbreviations spelt out at their first use.

Each check returns what it found wrong (empty when the words are right), so a test can show
every fault at once, and the checks themselves are tested on words that must fail."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from dashboard.domain import glossary
from data_access.datasets import DATASETS

_HEADINGS = ("title", "header", "subheader", "markdown", "caption")
_ALERTS = ("info", "warning", "error", "success")
_CHOICES = ("selectbox", "multiselect", "radio")
_INPUTS = (
    "button",
    "download_button",
    "checkbox",
    "toggle",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "form_submit_button",
    "file_uploader",
)


def _literal(text: object) -> str:
    """Markdown as a reader sees it: the pages escape text from the store (``\\(``)."""
    return re.sub(r"\\(.)", r"\1", str(text)).replace("\u2060", "")


def _frame_words(frame) -> list[str]:
    words = [_literal(c) for c in frame.columns]
    for row in frame.astype(str).itertuples(index=False):
        words += [_literal(v) for v in row]
    return words


def _chart_title(node) -> str:
    spec = json.loads(node.proto.spec or "{}")
    title = spec.get("layout", {}).get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


def _chosen(node) -> list[str]:
    value = node.value
    values = value if isinstance(value, list | tuple) else [value]
    shown = getattr(node, "format_func", None) or str
    return [_literal(shown(v)) for v in values if v is not None]


def reading_order(at: AppTest, *, hidden: bool = False) -> list[str]:
    """Every piece of text in the page's main area, in the order a reader meets it (depth
    first): headings, sentences, figures with their labels and comparisons, chart titles,
    table headings and cells, filters' labels and chosen values, buttons. With ``hidden``,
    also what shows only on hover or when opened: help texts and every option of a filter."""
    words: list[str] = []
    for node in at.main:
        kind = getattr(node, "type", None)
        if kind in _HEADINGS or kind in _ALERTS:
            words.append(_literal(node.value))
        elif kind == "metric":
            words += [_literal(node.label), node.value, node.proto.delta]
            words += [node.proto.help] if hidden else []
        elif kind in ("expander", "tab"):
            words.append(_literal(node.label))
        elif kind == "plotly_chart":
            words.append(_chart_title(node))
        elif kind in ("table", "arrow_table", "dataframe", "arrow_data_frame"):
            words += _frame_words(node.value)
        elif kind in _CHOICES:
            words += [node.label, *_chosen(node)]
            words += [str(o) for o in node.options] if hidden else []
        elif kind in _INPUTS:
            words.append(getattr(node, "label", "") or "")
            words += [getattr(node, "help", "") or ""] if hidden else []
    return [w for w in words if w]


# checks --------------------------------------------------------------------------------------

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
SETTING = re.compile(r"\bASCGOV_[A-Z_]+")
COMMAND = re.compile(r"\bascgov\s+[a-z]")
# a name in code: ``line_code``, ``reported_totals``
SNAKE_CASE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w/-])")


def _dataset_patterns() -> list[re.Pattern[str]]:
    """A dataset named as the command line and files name it: ``savings``, **areas**, "the
    areas dataset", and any name that is no English word (an underscore, or no vowel: ``mtfs``,
    ``cld``), as a whole word in its own lower case."""
    patterns = []
    for name in DATASETS:
        quoted = re.escape(name)
        patterns += [
            re.compile(rf"`{quoted}`"),
            re.compile(rf"\*\*{quoted}\*\*"),
            re.compile(rf"\b{quoted} datasets?\b"),
        ]
        if "_" in name or not re.search("[aeiouy]", name):
            patterns.append(re.compile(rf"(?<![\w.-]){quoted}(?![\w.-])"))
    return patterns


DATASET_NAMES = _dataset_patterns()


def internals(words: list[str], *, datasets: bool = True) -> list[str]:
    """Each seed file name, setting, command, name in code and (``datasets``) dataset name in
    ``words``, with the words around it."""
    found = []
    patterns = [SEED_FILE, SETTING, COMMAND]
    if datasets:
        patterns += [SNAKE_CASE, *DATASET_NAMES]
    for text in words:
        for pattern in patterns:
            found += [_around(text, m) for m in pattern.finditer(text)]
    return found


# (one, many): the nouns pages count; a count of 1 takes the first, any other count the second
NOUNS = (
    ("action", "actions"),
    ("area", "areas"),
    ("change", "changes"),
    ("check", "checks"),
    ("component", "components"),
    ("day", "days"),
    ("entry", "entries"),
    ("figure", "figures"),
    ("file", "files"),
    ("item", "items"),
    ("line", "lines"),
    ("measure", "measures"),
    ("meeting", "meetings"),
    ("milestone", "milestones"),
    ("month", "months"),
    ("part", "parts"),
    ("person", "people"),
    ("post", "posts"),
    ("problem", "problems"),
    ("resolution", "resolutions"),
    ("review", "reviews"),
    ("reviewer", "reviewers"),
    ("row", "rows"),
    ("team", "teams"),
    ("total", "totals"),
    ("update", "updates"),
    ("wait", "waits"),
    ("week", "weeks"),
    ("year", "years"),
)
# words that may stand between a count and its noun ("2 red areas", "7 savings lines")
_BETWEEN = r"(?:(?:red|overdue|new|open|savings|accountability|published|extra|other|committee)\s)?"
# a count stands alone: not part of money, a date, a time or a decimal
_COUNT_STARTS = r"(?<![\d.,£$/:-])\b"
_NUMBER = r"\d{1,3}(?:,\d{3})*"
# a count and a unit as one adjective is singular: "a 3 year total", "a 12 month wait"
_COMPOUND = r"(?!\s(?:total|old|plan|period))"


def count_faults(words: list[str]) -> list[str]:
    """Each count whose noun disagrees with it ("1 items", "9 overdue milestone") and each noun
    made plural twice ("figuress") in ``words``."""
    found = []
    for text in words:
        for one, many in NOUNS:
            plural_of_one = rf"{_COUNT_STARTS}1\s{_BETWEEN}{many}\b"
            singular_of_many = (
                rf"{_COUNT_STARTS}(?!1\s){_NUMBER}\s{_BETWEEN}{one}\b(?![-']){_COMPOUND}"
            )
            twice = rf"\b{many}s\b"
            for pattern in (plural_of_one, singular_of_many, twice):
                found += [_around(text, m) for m in re.finditer(pattern, text)]
    return found


def abbreviation_faults(words: list[str]) -> list[str]:
    """Each abbreviation whose first use on the page is not spelt out, as ``Medium Term
    Financial Strategy (MTFS)``."""
    text = "\n".join(words)
    found = []
    for abbreviation in glossary.ABBREVIATIONS:
        first = re.search(rf"(?<![\w-]){abbreviation}(?![\w-])", text)
        if first is None:
            continue
        before = text[: first.start()].lower()
        if not before.endswith(f"{glossary.ABBREVIATIONS[abbreviation][0].lower()} ("):
            found.append(f"{abbreviation} first used bare: {_around(text, first)}")
    return found


def _around(text: str, match: re.Match) -> str:
    return repr(text[max(0, match.start() - 40) : match.end() + 40])
