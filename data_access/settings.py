"""Deployment settings, read from the environment with the ``ASCGOV_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "ascgov.sqlite3"
MIB = 1024 * 1024


class SettingsError(ValueError):
    """A setting in the environment cannot be used; the message names it and its value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASCGOV_", extra="ignore")

    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of the store. Empty means the embedded SQLite file "
            "`var/ascgov.sqlite3` under the working directory; PostgreSQL as "
            "`postgresql+psycopg://user@host:5432/db`."
        ),
    )
    council_name: str = Field(
        default="Demo Council (figures from published committee papers)",
        description="Council name shown in the header and on briefing packs.",
    )
    logo_path: str = Field(default="", description="Path to the council logo (PNG or SVG).")
    max_import_bytes: int = Field(
        default=20 * 1024 * 1024,
        gt=0,
        description="Largest file `ascgov import` and the upload form accept, in bytes.",
    )
    max_import_rows: int = Field(
        default=250_000,
        gt=0,
        description="Most rows a CSV file or an XLSX sheet may reach (the header counted); "
        "a file past it is refused before it is parsed.",
    )
    max_import_columns: int = Field(
        default=100,
        gt=0,
        description="Most columns a CSV file or an XLSX sheet may reach.",
    )
    max_import_cells: int = Field(
        default=5_000_000,
        gt=0,
        description="Most cells from A1 to the furthest row and column a file or sheet may span "
        "(the spreadsheet reader holds every one); also the most shared strings a workbook holds.",
    )
    max_xlsx_parts: int = Field(
        default=1_000,
        gt=0,
        description="Most parts (files inside the zip) an XLSX workbook may have.",
    )
    max_xlsx_part_bytes: int = Field(
        default=256 * MIB,
        gt=0,
        description="Most bytes one part of an XLSX workbook may expand to.",
    )
    max_xlsx_uncompressed_bytes: int = Field(
        default=512 * MIB,
        gt=0,
        description="Most bytes all the parts of an XLSX workbook may expand to together.",
    )
    max_xlsx_compression_ratio: int = Field(
        default=100,
        gt=0,
        description="Most times a part of an XLSX workbook may expand (parts over 1 MiB).",
    )
    brag_green_at_percent: int = Field(
        default=95,
        ge=1,
        le=100,
        description="A savings line forecast to deliver at least this % of its target is Green.",
    )
    brag_amber_at_percent: int = Field(
        default=80,
        ge=0,
        le=100,
        description="At least this % (but under the Green threshold) is Amber; below it, Red.",
    )
    small_number_threshold: int = Field(
        default=0,
        ge=0,
        description="Counts below this are shown as 'fewer than N' to members (0 shows all).",
    )
    stale_after_days: int = Field(
        default=90,
        gt=0,
        description="An area or savings line with no update for longer than this is stale.",
    )
    idle_timeout_minutes: int = Field(
        default=30,
        gt=0,
        description="Sign a person out after this many minutes without using the dashboard.",
    )
    session_limit_hours: int = Field(
        default=12,
        gt=0,
        description="Sign a person out this many hours after they signed in, however active.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, or ``SettingsError`` naming each variable that is wrong and its value."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    """One line for people, naming the variable and its value (not a traceback)."""
    problems = []
    for error in exc.errors(include_url=False):
        variable = "ASCGOV_" + "_".join(str(part) for part in error["loc"]).upper()
        problems.append(f"{variable}={error['input']!r} cannot be used: {error['msg']}")
    return "; ".join(problems)


def default_database_url() -> str:
    configured = get_settings().database_url
    if configured:
        return configured
    return "sqlite:///" + str(DEFAULT_SQLITE_PATH.resolve())
