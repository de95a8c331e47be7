"""The coded fields of a CLD file: DHSC's lists, the spellings mapped to them, and the mapping.

Councils' files spell codes their own way ("Long Term Support - Community", "service user",
"Referral"). DHSC maps raw values to its lists through maintained lookup tables and keeps an
unknown value as "Invalid and not mapped" rather than dropping the row; so does this module.

A raw value matches when it is the same as a listed value or a lookup row's spelling once both
are normalised (``normalised_expr``: lower case, letters and digits only, so case, spaces and
punctuation never matter). The lookup rows are the built-in ones below plus an administrator's
(table ``cld_lookups``, ``data_access.cld_lookups``); each maps to a value on the field's list.

The mapping is a join of each coded column against the lookup frame: no Python per value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

NOT_MAPPED = "Invalid and not mapped"

# DHSC's defined lists (Release 2), spelt as the CLD logic (dashboard/domain/cld.py) compares
# them (tests/test_cld_import.py checks the two agree)
DEFINED: dict[str, tuple[str, ...]] = {
    "event_type": ("Request", "Assessment", "Service", "Review"),
    "client_type": ("Service User", "Carer", "Carer known by association"),
    "service_type": (
        "Long term support: Community",
        "Long term support: Nursing care",
        "Long term support: Residential care",
        "Long term support: Prison",
        "Short term support: ST-Max",
        "Short term support: Other short term",
        "Short term support: Ongoing low level",
        "Unpaid carer support: Direct to unpaid carer",
        "Unpaid carer support: Support involving the person cared-for",
    ),
    "event_outcome": (
        "Progress to reablement/ST-Max",
        "Progress to support planning or services",
        "Continuation of support or services",
        "Progress to assessment, review or reassessment",
        "Progress to financial assessment",
        "Progress to end of life care",
        "Provision of universal services/signposting",
        "Admitted to hospital",
        "NFA - Moved to another LA",
        "NFA - 100% NHS funded care",
        "NFA - Self-funded client (inc. 12-week disregard)",
        "NFA - Information & advice / signposting only",
        "NFA - Support declined by the client",
        "NFA - Deceased",
        "NFA - Support ended: other reason",
        "NFA - Support ended as planned",
        "NFA - Other",
    ),
    "review_reason": (
        "Planned",
        "Unplanned - Hospital",
        "Unplanned - Carer related",
        "Unplanned - Safeguarding",
        "Unplanned - Provider failure",
        "Unplanned - Other",
    ),
    "primary_support_reason": (
        "Physical Support: Access & Mobility only",
        "Physical Support: Personal Care Support",
        "Sensory Support: Support for Visual Impairment",
        "Sensory Support: Support for Hearing Impairment",
        "Sensory Support: Support for Dual Impairment",
        "Support with Memory & Cognition",
        "Learning Disability Support",
        "Mental Health Support",
        "Social Support: Substance Misuse Support",
        "Social Support: Asylum Seeker Support",
        "Social Support: Support for Social Isolation/Other",
    ),
    "assessment_type": (
        "Short Term Assessment",
        "Long Term Assessment",
        "Financial Assessment",
        "Unpaid Carer Assessment",
    ),
}
CODED_FIELDS = tuple(DEFINED)
# the file column each coded field is read from (Release 2 names, as normalised headers)
FILE_COLUMNS = {field: field for field in CODED_FIELDS}

# spellings met in councils' files that normalising alone does not catch (an administrator's
# rows add to these); Release 1 called a request a referral
BUILT_IN: tuple[tuple[str, str, str], ...] = (
    ("event_type", "Referral", "Request"),
    ("event_type", "Contact", "Request"),
    ("client_type", "Service user", "Service User"),
    ("client_type", "Client", "Service User"),
    ("client_type", "Unpaid carer", "Carer"),
    ("service_type", "Long term community", "Long term support: Community"),
    ("service_type", "Long term nursing", "Long term support: Nursing care"),
    ("service_type", "Long term residential", "Long term support: Residential care"),
    ("service_type", "Reablement", "Short term support: ST-Max"),
    ("service_type", "ST-Max", "Short term support: ST-Max"),
    ("review_reason", "Planned review", "Planned"),
    ("review_reason", "Unplanned - Hospital admission", "Unplanned - Hospital"),
    ("event_outcome", "NFA - Deceased client", "NFA - Deceased"),
    ("event_outcome", "Admitted to hospital (NFA)", "Admitted to hospital"),
)

LOOKUP_SCHEMA = {"field": pl.String, "key": pl.String, "clean": pl.String}


def normalised(text: str) -> str:
    """A raw value as it is matched: lower case, letters and digits only.

    >>> normalised("Long Term Support -  Community"), normalised("long term support: community")
    ('longtermsupportcommunity', 'longtermsupportcommunity')
    """
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def normalised_expr(column: str | pl.Expr) -> pl.Expr:
    """``normalised`` a column at a time."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")


class UnknownCodedField(ValueError):
    pass


def check_lookup(field: str, raw: str, clean: str) -> tuple[str, str, str]:
    """A lookup row as stored (field, raw as normalised, clean as listed), or ValueError."""
    if field not in DEFINED:
        raise UnknownCodedField(
            f"no coded CLD field '{field}'; choose from {', '.join(CODED_FIELDS)}"
        )
    key = normalised(raw)
    if not key:
        raise ValueError("the raw value must hold a letter or a digit")
    listed = {normalised(value): value for value in DEFINED[field]}
    if normalised(clean) not in listed:
        raise ValueError(
            f"'{clean}' is not on DHSC's list for {field}: "
            + "; ".join(f"'{value}'" for value in DEFINED[field])
        )
    return field, key, listed[normalised(clean)]


def lookup_frame(extra: Iterable[tuple[str, str, str]] = ()) -> pl.DataFrame:
    """Every spelling mapped: the listed values, the built-in rows, then ``extra`` (field,
    normalised raw, clean: an administrator's rows, which win over a built-in spelling)."""
    rows = [(field, normalised(v), v) for field, values in DEFINED.items() for v in values]
    rows += [(field, normalised(raw), clean) for field, raw, clean in BUILT_IN]
    frame = pl.DataFrame(rows + list(extra), schema=LOOKUP_SCHEMA, orient="row")
    return frame.unique(["field", "key"], keep="last", maintain_order=True)


@dataclass(frozen=True)
class Unmapped:
    """A field's values that match nothing, with how many rows carry each (most first)."""

    field: str
    values: tuple[tuple[str, int], ...]

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.values)

    def sentence(self, shown: int = 5) -> str:
        """ "service_type: 2 values not mapped: 'Long Term Suport' (2 rows), 'X' (1 row)"."""
        listed = ", ".join(
            f"'{value}' ({n} row{'s' * (n != 1)})" for value, n in self.values[:shown]
        )
        more = len(self.values) - shown
        tail = f" and {more} more" if more > 0 else ""
        count = len(self.values)
        return (
            f"{self.field}: {count} value{'s' * (count != 1)} not mapped (kept as "
            f'"{NOT_MAPPED}", the value as written kept beside it): {listed}{tail}'
        )


def map_codes(frame: pl.DataFrame, lookups: pl.DataFrame) -> tuple[pl.DataFrame, list[Unmapped]]:
    """Each coded column of ``frame`` (raw text) replaced by its listed value, with a
    ``<field>_raw`` column holding the text as written where that differs (else null); a value
    matching nothing becomes ``NOT_MAPPED``, its raw kept, and is counted. Blanks stay blank.

    A file holds few distinct values of each field: each is matched once (a join of the
    values against the lookups), and the column is then replaced value for value."""
    unmapped: list[Unmapped] = []
    columns: list[pl.Expr] = []
    # the listed value is looked up into ``<field>_raw`` first, then moved into ``field``, and
    # ``<field>_raw`` compared row by row: one lookup of each column, not two
    listed: list[pl.Expr] = []
    for field in CODED_FIELDS:
        if field not in frame.columns:
            columns += [pl.lit(None, dtype=pl.String).alias(n) for n in (field, f"{field}_raw")]
            continue
        mapping = lookups.filter(pl.col("field") == field).select(
            pl.col("key").alias("_key"), pl.col("clean").alias("_clean")
        )
        values = (
            frame.get_column(field)
            .drop_nulls()
            .value_counts(name="_rows")
            .with_columns(normalised_expr(field).alias("_key"))
            .join(mapping, on="_key", how="left")
        )
        missing = values.filter(pl.col("_clean").is_null())
        if missing.height:
            counts = missing.sort(["_rows", field], descending=[True, False])
            rows = counts.select(field, "_rows").iter_rows()
            unmapped.append(Unmapped(field, tuple((v, int(n)) for v, n in rows)))
        raw = values[field]
        clean = values["_clean"].fill_null(NOT_MAPPED)
        if (raw == clean).all():
            # every value already as listed (a file DHSC would accept as it is)
            columns.append(pl.lit(None, dtype=pl.String).alias(f"{field}_raw"))
            continue
        found = f"{field}_raw"
        columns.append(
            pl.col(field)
            .replace_strict(raw, clean, default=None, return_dtype=pl.String)
            .alias(found)
        )
        # the value as written, where the listed value differs from it
        listed += [
            pl.col(found).alias(field),
            pl.when(pl.col(field) != pl.col(found)).then(pl.col(field)).alias(found),
        ]
    return frame.with_columns(columns).with_columns(listed), unmapped
