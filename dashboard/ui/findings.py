"""Reconciliation findings shown beside the figures they concern (``views.findings`` words
them, for the page and the pack alike)."""

from __future__ import annotations

from dashboard.domain.reconciliation import Finding
from dashboard.ui.render import show
from dashboard.views.findings import finding_blocks


def show_findings(findings: list[Finding]) -> None:
    show(finding_blocks(findings))
