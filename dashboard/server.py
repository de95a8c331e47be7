"""The dashboard as an ASGI app: Streamlit's own server with the edge guard in front of it.

`ascgov serve` runs ``streamlit run dashboard/server.py``; Streamlit finds ``app`` below and
serves it with uvicorn. The pages start from ``streamlit_app.py`` as before.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from dashboard.edge import EdgeGuard
from data_access.settings import get_settings

app = st.App(
    Path(__file__).with_name("streamlit_app.py"),
    middleware=[Middleware(EdgeGuard, public_url=get_settings().public_url)],
)
