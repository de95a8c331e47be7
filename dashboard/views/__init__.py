"""What each page and the briefing pack show, built once as plain objects: blocks, typed tables,
downloads."""
