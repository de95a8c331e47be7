"""Deployment settings, read from the environment with the ``ASCGOV_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from data_access.throttle import Network, trusted_networks

DEFAULT_SQLITE_PATH = Path("var") / "ascgov.sqlite3"


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
    trusted_proxies: str = Field(
        default="",
        description=(
            "Reverse proxies (addresses or networks, commas between, e.g. `10.0.0.5,"
            "10.1.0.0/16`) whose X-Forwarded-For header names the client's address for "
            "sign-in throttling. Empty trusts none: the connection's own address is used."
        ),
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        trusted_networks(value)  # a mistyped proxy must stop the app, not go unnoticed
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return trusted_networks(self.trusted_proxies)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def default_database_url() -> str:
    configured = get_settings().database_url
    if configured:
        return configured
    return "sqlite:///" + str(DEFAULT_SQLITE_PATH.resolve())
