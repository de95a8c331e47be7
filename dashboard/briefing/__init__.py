"""Briefing packs: the dashboard's figures for one as-at date as a PDF or Word document."""
