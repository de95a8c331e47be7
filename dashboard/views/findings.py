"""Reconciliation findings as a page and the pack say them, beside the figures they concern."""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.domain.reconciliation import DIFFERS, UNCHECKABLE, Finding, counts
from dashboard.views.blocks import Paragraph
from data_access import papers

DIFFERS_LEAD = "Reported total differs from its parts."
UNCHECKABLE_LEAD = "Cannot be checked."


def finding_blocks(findings: Iterable[Finding]) -> tuple[Paragraph, ...]:
    """Each total that differs from its parts as a warning, each that cannot be checked as a
    notice, then one line saying how many checks were made and agree."""
    findings = list(findings)
    blocks = []
    for finding in findings:
        text = f"{finding.describe()}. Source: {papers.titled(finding.source)}"
        if finding.status == DIFFERS:
            blocks.append(Paragraph(text, "warning", lead=DIFFERS_LEAD))
        elif finding.status == UNCHECKABLE:
            blocks.append(Paragraph(text, "notice", lead=UNCHECKABLE_LEAD))
    summary = counts(findings).summary()
    return (*blocks, *([Paragraph(summary, "note")] if summary else []))
