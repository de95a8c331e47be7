"""The bad-input corpus's figures, per database, printed at the end of the test run.

``test_import_rejections`` records each input's outcome on the test's node; the hooks in
``tests/conftest.py`` collect them and print, per database, "N tried, N refused with a specific
message, 0 tracebacks, 0 aborts, store unchanged N of N". An abort (a process killed by a memory
request it cannot meet) would end the run before this summary, so a printed summary is itself
the evidence of no abort; the XLSX bombs, which used to abort, run in child processes under an
address-space limit in ``test_xlsx_bombs`` and are tallied there.
"""

from __future__ import annotations

from collections import defaultdict

_KEY = "corpus_outcome"
_BOMB = "xlsx_bomb"
CORPUS_TEST = "test_bad_input_is_refused_and_the_store_is_unchanged"
_TALLY: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
_BOMBS: list[str] = []


def record(node, database: str, outcome: str, specific: bool, unchanged: bool) -> None:
    """Keep one input's outcome on the test node (reported back to the hooks by pytest)."""
    node.user_properties.append((_KEY, (database, outcome, specific, unchanged)))


def record_bomb(node, file, returncode: int, peak_mb: float, seconds: float, outcome: str):
    """Keep what importing one XLSX bomb (or the largest accepted workbook) did."""
    size = file.stat().st_size
    line = (
        f"{file.name} ({size:,} bytes): exit {returncode}, peak {peak_mb:,.0f} MB, "
        f"{seconds:.1f} s: {outcome.lstrip(': ,')}"
    )
    node.user_properties.append((_BOMB, line))


def collect(report) -> None:
    """``pytest_runtest_logreport``: count the outcomes the corpus test recorded.

    A run of the corpus test that recorded nothing (it failed before its import finished) is
    still counted as tried, and as neither refused nor unchanged.
    """
    if report.when != "call":
        return
    _BOMBS.extend(value for key, value in report.user_properties if key == _BOMB)
    if CORPUS_TEST + "[" not in report.nodeid:
        return
    recorded = [value for key, value in report.user_properties if key == _KEY]
    from_id = report.nodeid.rsplit("[", 1)[1].split("-", 1)[0]
    for database, outcome, specific, unchanged in recorded or [(from_id, "error", False, False)]:
        counts = _TALLY[database]
        counts["tried"] += 1
        counts["specific"] += outcome == "refused" and specific
        counts["tracebacks"] += outcome == "traceback"
        counts["errors"] += outcome == "error"
        counts["unchanged"] += unchanged


def summary_lines() -> list[str]:
    lines = []
    for database, counts in sorted(_TALLY.items()):
        tried = counts["tried"]
        errors = f", {counts['errors']} failed in the test itself" if counts["errors"] else ""
        lines.append(
            f"bad-input corpus on {database}: {tried} tried, {counts['specific']} refused with a "
            f"specific message, {counts['tracebacks']} tracebacks, 0 aborts, store unchanged "
            f"{counts['unchanged']} of {tried}{errors}"
        )
    return lines


def summarise(terminalreporter) -> None:
    """``pytest_terminal_summary``: print the figures when the corpus ran."""
    lines = summary_lines()
    if lines:
        terminalreporter.section("bad-input corpus")
        for line in lines:
            terminalreporter.write_line(line)
    if _BOMBS:
        terminalreporter.section("xlsx bombs (child process, address space limited)")
        for line in _BOMBS:
            terminalreporter.write_line(line)
