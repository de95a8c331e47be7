"""The dashboard as an ASGI app: Streamlit's own server with the edge guard in front of it.

`ascgov serve` runs ``streamlit run dashboard/server.py``; Streamlit finds ``app`` below and
serves it with uvicorn. The pages start from ``streamlit_app.py`` as before.
"""

import gc
import importlib
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

import dashboard
from dashboard.edge import EdgeGuard
from dashboard.ui import browser_session, page_script
from data_access.settings import get_settings

# Libraries the pages reach only when a table or chart is first drawn (polars' to_pandas,
# Streamlit's tables, plotly). Each session's script runs in its own thread: five sessions
# signing in at once imported pandas together and one got it half-initialised ("module 'pandas'
# has no attribute 'Series'", found by bench/bench_load.py). So the server imports them, and
# every module of the app, once, in one thread, before it takes a connection.
WARM_IMPORTS = ("pandas", "pyarrow", "plotly.graph_objects", "plotly.io", "fastexcel")
# the command line, and the entry scripts (importing them runs them)
NOT_FOR_THE_SERVER = (
    "dashboard.cli.main",
    "dashboard.supervise",
    "dashboard.streamlit_app",
    __name__,
)


def warm_imports() -> None:
    for name in WARM_IMPORTS:
        importlib.import_module(name)
    root = Path(dashboard.__file__).parent
    for path in sorted(root.rglob("*.py")):
        name = ".".join(("dashboard", *path.relative_to(root).with_suffix("").parts))
        if not name.startswith(NOT_FOR_THE_SERVER) and not name.endswith("__init__"):
            importlib.import_module(name)


warm_imports()
# Streamlit runs a full garbage collection after every script run (runner.postScriptGC), holding
# the GIL. With every library loaded that walked about 218,000 objects, 120-180 ms a run: 30% of
# the server's time under 20 sessions (py-spy, bench/bench_load.py). What is loaded now stays for
# the life of the server, so it is moved out of the collector's sight; each run's own garbage is
# still collected after it.
gc.freeze()
# the guard first, so it sees every request; then the browser cookie local sign-in needs, and
# the two addresses that set and clear the session cookie (dashboard/ui/browser_session.py)
app = st.App(
    Path(__file__).with_name("streamlit_app.py"),
    routes=[*browser_session.routes(), *page_script.routes()],
    middleware=[
        Middleware(EdgeGuard, public_url=get_settings().public_url),
        Middleware(browser_session.BrowserCookie),
    ],
)
