"""Entry point for `streamlit run`: the app itself lives in dashboard.app.

It sits here, not beside `pages/`, because Streamlit would otherwise also route the `pages/`
folder by file name (its older multipage mode) before `st.navigation` runs, and a first visit
straight to a page's address would show file names instead of the registered navigation.
"""

from dashboard.app import main

main()
