"""``ascgov serve``: migrate the store, load the demo council (and its synthetic case history) on
first start, and serve the app (``dashboard/server.py``: Streamlit behind the edge guard) with
the deployment's options."""

from __future__ import annotations

import os
import sys
from ipaddress import ip_address
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from dashboard.cli.support import DbOption, _fail, _store
from data_access.settings import get_settings, web_origin

ENTRY = Path(__file__).resolve().parent.parent / "server.py"


def _is_loopback(address: str) -> bool:
    try:
        return address == "localhost" or ip_address(address).is_loopback
    except ValueError:
        return False


def public_origin(public_url: str | None, address: str, port: int) -> str:
    """The origin people open the dashboard at: ``--public-url``, else ``ASCGOV_PUBLIC_URL``,
    else this machine's loopback address (only when the server listens on loopback)."""
    try:
        configured = public_url if public_url is not None else get_settings().public_url
        if configured.strip():
            return web_origin(configured)
    except ValueError as exc:
        _fail(f"public address (--public-url or ASCGOV_PUBLIC_URL): {exc}", 2)
    if not _is_loopback(address):
        _fail(
            f"listening on {address} needs --public-url (or ASCGOV_PUBLIC_URL): the address "
            "people open the dashboard at; only pages from it may connect",
            2,
        )
    return f"http://127.0.0.1:{port}"


def streamlit_options(origin: str, address: str, port: int) -> list[str]:
    """Streamlit's options for a deployment reached at ``origin`` (see docs/deployment.md).

    Naming the public address in ``browser.serverAddress`` also stops Streamlit looking up the
    machine's external address at start-up (a request to an outside host); the edge guard
    stops the same lookup on websocket handshakes.
    """
    public = urlsplit(origin)
    public_port = public.port or (443 if public.scheme == "https" else 80)
    hosts = dict.fromkeys([public.hostname, "127.0.0.1", "localhost"])
    return [
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        f"--browser.serverAddress={public.hostname}",
        f"--browser.serverPort={public_port}",
        f"--server.corsAllowedOrigins={origin}",
        *(f"--server.allowedHosts={host}" for host in hosts),
    ]


def _first_start(store, *, cases: bool) -> None:
    from data_access.demo_accounts import create_demo_accounts
    from data_access.sample_data import load_sample_data

    counts = load_sample_data(store)
    typer.echo(f"first start: loaded the demo council ({sum(counts.values())} rows)")
    typer.echo("demo sign-ins (shown once; `ascgov users set-password` changes them):")
    for account in create_demo_accounts(store):
        scope = f"  edits: {account.scope}" if account.scope else ""
        typer.echo(f"  {account.role:<9}{account.email:<26}{account.password}{scope}")
    if cases:
        _first_cases(store)


def _first_cases(store) -> None:
    """The demo's synthetic case history, after the sign-ins are printed: the longest step of
    a first start, and one that a failure must not cost the sign-ins of."""
    from data_access.demo_cases import DemoCasesRefused, load_demo_cases
    from data_access.problems import ImportRejected
    from data_access.synthetic_cases import DEFAULT_PEOPLE

    typer.echo(
        f"first start: loading the demo's synthetic case history ({DEFAULT_PEOPLE:,} people "
        "and three years of their events; under a minute; --no-demo-cases skips it)..."
    )
    sys.stdout.flush()
    try:
        load = load_demo_cases(store)
    except (DemoCasesRefused, ImportRejected) as exc:
        typer.echo(f"first start: the case history was not loaded ({exc}); `ascgov demo cases`")
        return
    typer.echo(
        f"first start: loaded the case history ({load.cases.rows:,} people in the census "
        f"extract, {load.events:,} CLD events) in {load.generate_s + load.load_s:.0f} s"
    )


def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    public_url: Annotated[
        str | None,
        typer.Option(
            help="The address people open the dashboard at (the reverse proxy's), e.g. "
            "https://dashboard.council.gov.uk; only pages from it may connect. Default: "
            "ASCGOV_PUBLIC_URL, else http://127.0.0.1:PORT. See docs/deployment.md."
        ),
    ] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo council into an empty store.")] = True,
    demo_cases: Annotated[
        bool,
        typer.Option(
            help="On first start, also load the demo's synthetic case history (reviews, "
            "waiting lists, the review queue; under a minute)."
        ),
    ] = True,
    secrets: Annotated[
        Path | None,
        typer.Option(
            help="secrets.toml naming the identity provider ([auth]); default: "
            ".streamlit/secrets.toml if present. See docs/deployment.md."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Start the dashboard: migrate the store, load the demo council (and its case history) on
    first start, serve."""
    from data_access.sample_data import store_is_empty

    origin = public_origin(public_url, address, port)
    # resolved now: the working directory changes below
    secrets_file = secrets.resolve() if secrets else None
    store = _store(db)
    if demo and store_is_empty(store):
        _first_start(store, cases=demo_cases)
    os.environ["ASCGOV_DATABASE_URL"] = store.url
    os.environ["ASCGOV_PUBLIC_URL"] = origin  # the edge guard's allowed origin
    typer.echo(f"store: {store.engine.url.render_as_string(hide_password=True)}")
    typer.echo(f"dashboard: {origin}  (listening on {address}:{port}; Ctrl+C to stop)")
    sys.stdout.flush()
    os.chdir(ENTRY.parent.parent)  # .streamlit/config.toml is read from the working directory
    options = streamlit_options(origin, address, port)
    secrets_option = [f"--secrets.files={secrets_file}"] if secrets_file else []
    command = [sys.executable, "-m", "streamlit", "run", str(ENTRY), *options, *secrets_option]
    # the supervisor bounds how long SIGTERM takes, whatever state the server is in
    os.execv(sys.executable, [sys.executable, "-m", "dashboard.supervise", *command])
