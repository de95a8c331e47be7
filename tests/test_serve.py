"""`ascgov serve`: the public address it serves for, the Streamlit options that follow from it,
and the supervisor that bounds how long SIGTERM takes (dashboard/cli/serve.py, supervise.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tomllib

import pytest

from dashboard.cli.serve import streamlit_options
from dashboard.supervise import exit_status
from data_access.settings import Settings, web_origin
from tests.conftest import REPO
from tests.test_cli import ASCGOV


def test_streamlit_is_told_the_public_address_so_it_looks_nothing_up():
    assert streamlit_options("https://dashboard.council.gov.uk", "127.0.0.1", 8501) == [
        "--server.port=8501",
        "--server.address=127.0.0.1",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--browser.serverAddress=dashboard.council.gov.uk",
        "--browser.serverPort=443",
        "--server.corsAllowedOrigins=https://dashboard.council.gov.uk",
        "--server.allowedHosts=dashboard.council.gov.uk",
        "--server.allowedHosts=127.0.0.1",
        "--server.allowedHosts=localhost",
    ]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Dashboard.Council.gov.uk/", "https://dashboard.council.gov.uk"),
        ("https://dashboard.council.gov.uk:443", "https://dashboard.council.gov.uk"),
        ("https://dashboard.council.gov.uk:8443", "https://dashboard.council.gov.uk:8443"),
        ("http://127.0.0.1:8501", "http://127.0.0.1:8501"),
        ("http://[::1]:8501", "http://[::1]:8501"),
    ],
)
def test_a_public_address_is_kept_as_its_origin(url, origin):
    assert web_origin(url) == origin
    assert Settings(public_url=url).public_url == origin


@pytest.mark.parametrize(
    "url", ["dashboard.council.gov.uk", "ftp://x.gov.uk", "https://x.gov.uk/dashboard", "https://"]
)
def test_a_public_address_that_is_not_an_origin_is_refused(url):
    with pytest.raises(ValueError, match="address"):
        web_origin(url)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--address=0.0.0.0"], "listening on 0.0.0.0 needs --public-url"),
        (["--public-url=https://x.gov.uk/dashboard"], "without a path"),
    ],
)
def test_serve_refuses_an_unusable_public_address_before_starting(tmp_path, args, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASCGOV_")}
    env["ASCGOV_DATABASE_URL"] = "sqlite:///" + str(tmp_path / "s.sqlite3")
    done = subprocess.run(
        [ASCGOV, "serve", *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert (done.returncode, message in done.stderr) == (2, True), done.stderr
    assert not (tmp_path / "s.sqlite3").exists()


def test_the_shipped_configuration_keeps_xsrf_and_origin_checks_on():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert (server["enableXsrfProtection"], server["enableCORS"]) == (True, True)
    assert (server["enableAgentApi"], server["enableStaticServing"]) == (False, False)
    assert (server["corsAllowedOrigins"], server["allowedHosts"]) == (
        [],
        ["127.0.0.1", "localhost"],
    )
    assert config["browser"] == {"gatherUsageStats": False, "serverAddress": "127.0.0.1"}


@pytest.mark.parametrize(
    ("returncode", "asked", "status"),
    [
        (0, True, 0),
        (-signal.SIGTERM, True, 0),  # uvicorn re-raises the signal after a graceful stop
        (-signal.SIGINT, True, 128 + signal.SIGINT),  # the server is only ever sent SIGTERM
        (-signal.SIGTERM, False, 128 + signal.SIGTERM),  # killed by someone else
        (3, True, 3),
        (1, False, 1),
    ],
)
def test_the_supervisors_exit_status(returncode, asked, status):
    assert exit_status(returncode, asked) == status


def _supervised(child_code: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "dashboard.supervise", sys.executable, "-c", child_code]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_server_is_asked_to_stop_once_and_a_graceful_stop_is_clean(signum):
    process = _supervised(
        "import signal, sys, time\n"
        "asked = []\n"
        "signal.signal(signal.SIGINT, lambda *_: sys.exit(5))\n"
        "signal.signal(signal.SIGTERM, lambda *_: asked.append(1))\n"
        "print('ready', flush=True)\n"
        "time.sleep(1)\n"
        "sys.exit(0 if asked == [1] else 6)\n"
    )
    process.send_signal(signum)
    process.send_signal(signum)  # `uv run` passes a Ctrl+C on as well as the terminal
    assert process.wait(timeout=10) == 0


_WARM_CHECK = """
import ast, json, sys
from pathlib import Path
import dashboard.server
imported = set(sys.modules)
missing = []
for page in sorted(Path("pages").glob("*.py")):
    for node in ast.walk(ast.parse(page.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module.startswith("dashboard"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            wanted = [node.module] + [n for n in names if n.split(".")[-1].islower()]
            missing += [m for m in wanted if m not in imported and f"{page}: {m}" not in missing
                        and not hasattr(sys.modules.get(node.module), m.split(".")[-1])]
import gc
print(json.dumps({"missing": missing, "pandas": "pandas" in imported,
                  "frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects())}))
"""


def test_the_server_imports_what_every_page_needs_before_any_session_runs(tmp_path):
    # five sessions importing pandas for the first time at once got it half-initialised
    # ("module 'pandas' has no attribute 'Series'"): the server imports it all in one thread
    env = {**os.environ, "ASCGOV_DATABASE_URL": "sqlite:///" + str(tmp_path / "none.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-c", _WARM_CHECK], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {k: found[k] for k in ("missing", "pandas")} == {"missing": [], "pandas": True}
    # what the server loaded is frozen out of the garbage collector: Streamlit's full collection
    # after every script run walked it all (120-180 ms a run, 30% of the server under load)
    assert found["frozen"] > 100_000
    assert found["tracked"] < found["frozen"] // 10
    assert not (tmp_path / "none.sqlite3").exists()  # importing opens no store
