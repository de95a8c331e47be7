"""Text a spreadsheet would run as a formula: made inert on the way out, restored on the way in.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return runs as a formula in Excel
and its kin (CSV injection). Exports put an apostrophe in front of such text; imports take one
off. Text already starting with apostrophes before one of those (``'=1``) gets one more, so an
import gives back exactly what was stored. The rule is one regular expression, applied to a
string (``escape_formula``, ``unescape_formula``) and to a polars column (``escape_formula_expr``,
for the CSV writer), so the three cannot drift apart.

>>> escape_formula("=1+1"), escape_formula("'=1"), escape_formula("O'Neill")
("'=1+1", "''=1", "O'Neill")
>>> unescape_formula("''=1")
"'=1"
"""

from __future__ import annotations

import re

import polars as pl

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# any apostrophes, then a trigger, at the start of the text; the triggers as code points, which
# Python's re and polars' Rust regex read alike (Rust refuses "\=", a backslash before a plain one)
_TRIGGERED = "'*[" + "".join(f"\\x{ord(c):02X}" for c in FORMULA_TRIGGERS) + "]"
_NEEDS_ESCAPE = re.compile(_TRIGGERED)


def escape_formula(text: str) -> str:
    """Make text inert in a spreadsheet: ``=1+1`` becomes ``'=1+1``."""
    return "'" + text if _NEEDS_ESCAPE.match(text) else text


def unescape_formula(text: str) -> str:
    """Undo ``escape_formula``: one apostrophe off text that needed it, nothing off other text."""
    return text[1:] if text.startswith("'") and _NEEDS_ESCAPE.match(text[1:]) else text


def escape_formula_expr(text: str | pl.Expr) -> pl.Expr:
    """``escape_formula`` as a polars expression over a text column (nulls stay null).

    >>> pl.select(escape_formula_expr(pl.lit("-5"))).item()
    "'-5"
    """
    column = pl.col(text) if isinstance(text, str) else text
    return column.str.replace(f"^({_TRIGGERED})", "'${1}")
