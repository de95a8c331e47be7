"""Entry point for `streamlit run`: the app itself lives in dashboard.app."""

from dashboard.app import main

main()
