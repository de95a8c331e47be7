"""Reconciliation findings shown beside the figures they concern."""

from __future__ import annotations

import streamlit as st

from dashboard.domain.formatting import plain
from dashboard.domain.reconciliation import DIFFERS, UNCHECKABLE, Finding, counts


def show_findings(findings: list[Finding]) -> None:
    """Each total that differs from its parts as a warning, each that cannot be checked as a
    note, then one line saying how many checks were made and agree."""
    for finding in findings:
        text = plain(f"{finding.describe()}. Source: {finding.source}")
        if finding.status == DIFFERS:
            st.warning(
                f"**Reported total differs from its parts.** {text}", icon=":material/warning:"
            )
        elif finding.status == UNCHECKABLE:
            st.info(f"**Cannot be checked.** {text}", icon=":material/info:")
    summary = counts(findings).summary()
    if summary:
        st.caption(plain(summary))
