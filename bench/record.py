"""What every benchmark writes besides its printed report: its figures as JSON (``--json FILE``).

The figures are named measures (``"sqlite.one_council_s"``: seconds, ``..._mb``: megabytes),
the same numbers the report prints, so a run can be compared with another and the smoke test
(``tests/test_bench_smoke.py``) can check that each one was measured.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


def load_average() -> str:
    """The machine's load average (1, 5, 15 min): other work on it slows every figure."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def save(path: Path | None, bench: str, figures: dict[str, float], **details) -> None:
    """Write ``figures`` (and any ``details``: counts, settings) to ``path`` as JSON."""
    if path is None:
        return
    record = {
        "bench": bench,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "load_average_at_end": list(os.getloadavg()),
        "figures": figures,
        **details,
    }
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
