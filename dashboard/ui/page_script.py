"""The one script of the app's own: choosing a page on a narrow screen closes the sidebar
(``dashboard/assets/close_sidebar.js``). It is served from the app's own address, so the
deployment's Content-Security-Policy (``script-src 'self'``) allows it, and added to each page
by a fixed tag: no text from a user or a file is ever part of it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SCRIPT = "/_assets/close-sidebar.js"
_SOURCE = Path(__file__).parents[1] / "assets" / "close_sidebar.js"
_TAG = f'<script src="{SCRIPT}"></script>'


async def _script(_request: Request) -> Response:
    return Response(
        _SOURCE.read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[Route]:
    """The script's address, for ``st.App(routes=...)`` (dashboard/server.py)."""
    return [Route(SCRIPT, _script, methods=["GET"])]


def add() -> None:
    """Add the script to the page (in the sidebar, which it acts on)."""
    st.sidebar.html(_TAG, unsafe_allow_javascript=True)
