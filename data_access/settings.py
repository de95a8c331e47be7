"""Deployment settings, read from the environment with the ``ASCGOV_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from data_access.throttle import Network, trusted_networks

DEFAULT_SQLITE_PATH = Path("var") / "ascgov.sqlite3"
MIB = 1024 * 1024


class SettingsError(ValueError):
    """A setting in the environment cannot be used; the message names it and its value."""


_DEFAULT_PORTS = {"http": 80, "https": 443}


def web_origin(url: str) -> str:
    """The origin (scheme, host, port) of a web address, as browsers write it in ``Origin``.

    >>> web_origin("https://Dashboard.Council.gov.uk:443/")
    'https://dashboard.council.gov.uk'

    Raises ValueError for anything but ``http(s)://host[:port]`` with at most a ``/`` after it:
    the dashboard is served at the root of its address.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a web address: {url!r} ({exc})") from exc
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http:// or https:// address: {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"give the address without a path, query or user: {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown_port = "" if port in (None, _DEFAULT_PORTS[parts.scheme]) else f":{port}"
    return f"{parts.scheme}://{host}{shown_port}"


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
    # read as `ASCGOV_AS`, short because people type it before commands
    acting_as: str = Field(
        default="",
        validation_alias="ASCGOV_AS",
        description="Email of the person `ascgov` commands run as (a user of the store); "
        "`--as EMAIL` overrides it.",
    )
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
        description="At least this % (but under the Green threshold) is Amber; below it, Red. "
        "Must not be above the Green threshold.",
    )

    @model_validator(mode="after")
    def _amber_not_above_green(self) -> Settings:
        # caught here, once at start-up: past this point every page that rates savings would fail
        amber, green = self.brag_amber_at_percent, self.brag_green_at_percent
        if amber > green:
            raise ValueError(
                f"{_variable('brag_amber_at_percent')}={str(amber)!r} cannot be used with "
                f"{_variable('brag_green_at_percent')}={str(green)!r}: the Amber threshold "
                "must not be above the Green one"
            )
        return self

    disclosure_threshold: int = Field(
        default=8,
        ge=0,
        description="Disclosure control of counts of people that members see: counts from 1 "
        "to one below this are shown as 'fewer than N' (NHS England's rule: 8; 0 suppresses "
        "none).",
    )
    disclosure_round_to: int = Field(
        default=5,
        ge=1,
        description="Counts of people that members see are rounded to the nearest this "
        "(NHS England's rule: 5; 1 rounds none).",
    )
    # the threshold's old name, read when the new one is not set (deprecated)
    small_number_threshold: int | None = Field(
        default=None,
        ge=0,
        description="Deprecated: the old name of ASCGOV_DISCLOSURE_THRESHOLD, used when that "
        "is not set.",
    )

    @model_validator(mode="after")
    def _one_disclosure_rule(self) -> Settings:
        old, named = self.small_number_threshold, "disclosure_threshold"
        if old is not None:
            if "disclosure_threshold" not in self.model_fields_set:
                self.disclosure_threshold, named = old, "small_number_threshold"
            elif old != self.disclosure_threshold:
                raise ValueError(
                    f"{_variable('small_number_threshold')}={str(old)!r} cannot be used with "
                    f"{_variable('disclosure_threshold')}="
                    f"{str(self.disclosure_threshold)!r}: the first is the old name of the "
                    "second; set only the second"
                )
        threshold, base = self.disclosure_threshold, self.disclosure_round_to
        # a count that is not suppressed must never be rounded to 0
        if base > 1 and threshold < (base + 1) // 2:
            raise ValueError(
                f"{_variable(named)}={str(threshold)!r} cannot be used with "
                f"{_variable('disclosure_round_to')}={str(base)!r}: counts from 1 to "
                f"{(base + 1) // 2 - 1} would be rounded to 0; set the threshold to at least "
                f"{(base + 1) // 2} (or the rounding to 1)"
            )
        return self

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

    public_url: str = Field(
        default="",
        description=(
            "The address people open the dashboard at, e.g. `https://dashboard.council.gov.uk` "
            "(the reverse proxy's). Only pages from it may connect to the dashboard. Empty: "
            "`http://127.0.0.1:PORT`, this machine only. `ascgov serve --public-url` overrides it."
        ),
    )

    @field_validator("public_url")
    @classmethod
    def _origin_only(cls, value: str) -> str:
        return web_origin(value) if value.strip() else ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, or ``SettingsError`` naming each variable that is wrong and its value."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _variable(field: str) -> str:
    return Settings.model_config["env_prefix"] + field.upper()


def _describe(exc: ValidationError) -> str:
    """One line for people, naming the variable and its value (not a traceback)."""
    problems = []
    for error in exc.errors(include_url=False):
        if not error["loc"]:  # a rule between settings: its message names each of them
            problems.append(error["msg"].removeprefix("Value error, "))
            continue
        variable = _variable("_".join(str(part) for part in error["loc"]))
        problems.append(f"{variable}={error['input']!r} cannot be used: {error['msg']}")
    return "; ".join(problems)


def default_database_url() -> str:
    configured = get_settings().database_url
    if configured:
        return configured
    return "sqlite:///" + str(DEFAULT_SQLITE_PATH.resolve())
