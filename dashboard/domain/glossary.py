"""Abbreviations members meet on the pages, spelt out where a page first uses them.

A status list, a measure's label or a heading may use an abbreviation ("Part of MTFS project
plans", "People waiting for an OT assessment"); each page says what it stands for before the
first use, as ``Medium Term Financial Strategy (MTFS)``, so that a councillor new to the
committee can read and quote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

# abbreviation: (what it stands for, what it is, as the glossary in shared/GLOSSARY.md says)
ABBREVIATIONS = {
    "MTFS": (
        "Medium Term Financial Strategy",
        "the council's budget for the coming years, with the savings it must find",
    ),
    "OT": (
        "occupational therapy",
        "help with the equipment, adaptations and skills a person needs for daily living",
    ),
    "BRAG": (
        "Blue, Red, Amber, Green",
        "how a savings line is rated: Blue delivered, Green on track, Amber needs action, Red at "
        "risk",
    ),
}


def _pattern(abbreviation: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])")


def spelt_out(abbreviation: str) -> str:
    """The abbreviation after the words it stands for.

    >>> spelt_out("OT")
    'occupational therapy (OT)'
    """
    return f"{ABBREVIATIONS[abbreviation][0]} ({abbreviation})"


def used_in(texts: Iterable[str]) -> tuple[str, ...]:
    """The abbreviations ``texts`` use, in the glossary's order.

    >>> used_in(["Part of MTFS project plans", "Routine activity", "OTHER"])
    ('MTFS',)
    """
    joined = "\n".join(t for t in texts if t)
    return tuple(a for a in ABBREVIATIONS if _pattern(a).search(joined))


def defined(texts: Iterable[str]) -> str:
    """A sentence for each abbreviation ``texts`` use, spelt out with what it is; empty when
    they use none.

    >>> defined(["People waiting for an OT assessment"])[:48]
    'Occupational therapy (OT): help with the equipme'
    """
    sentences = []
    for abbreviation in used_in(texts):
        words = spelt_out(abbreviation)
        sentences.append(f"{words[:1].upper()}{words[1:]}: {ABBREVIATIONS[abbreviation][1]}.")
    return " ".join(sentences)


def defined_in(frame: pl.DataFrame) -> str:
    """``defined`` for a table's headings and words (its text columns), said before it.

    >>> defined_in(pl.DataFrame({"Measure": ["MTFS savings requirement"]}))[:37]
    'Medium Term Financial Strategy (MTFS)'
    """
    texts = list(frame.columns)
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            texts += frame.get_column(name).drop_nulls().unique().to_list()
    return defined(texts)


def first_spelt_out(text: str, abbreviation: str) -> str:
    """``text`` with its first use of ``abbreviation`` spelt out.

    >>> first_spelt_out("The MTFS gap", "MTFS")
    'The Medium Term Financial Strategy (MTFS) gap'
    """
    return _pattern(abbreviation).sub(spelt_out(abbreviation), text, count=1)
