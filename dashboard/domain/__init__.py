"""The rules: ratings, savings, backlog, plan, reconciliation, changes, and how figures are
written. Pure: no Streamlit, no store."""
