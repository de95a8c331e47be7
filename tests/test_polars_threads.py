"""Formatting tables and showing them, in many threads at once, never deadlocks (issue 9).

Before the fix, Python callbacks inside polars waited on polars' thread pool for the GIL while
a thread converting a multi-chunk frame for display held the GIL and waited for the pool; the
server stopped answering and ignored SIGTERM. ``tests/threads_support.py`` does both kinds of
work in 12 threads, in a child process, so a deadlock fails this test instead of hanging it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys

from tests.conftest import REPO

RUN_SECONDS = 3
# the run takes about 10 s on a busy 2-core machine; a deadlock never ends
DEADLINE_SECONDS = 90


def _where_stuck(stacks: str) -> str:
    """From faulthandler's dump, each thread's innermost call and innermost project call."""
    summary = []
    for block in stacks.split("\n\n"):
        frames = [line.strip() for line in block.splitlines() if line.startswith("  ")]
        ours = [f for f in frames if "site-packages" not in f and "threading.py" not in f]
        if "hread 0x" in block and frames:
            summary.append(" <- ".join(dict.fromkeys(frames[:1] + ours[:1])))
    return "\n".join(summary)


def test_formatting_and_showing_tables_in_many_threads_at_once_never_deadlocks():
    child = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "tests.threads_support", str(RUN_SECONDS)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = child.communicate(timeout=DEADLINE_SECONDS)
    except subprocess.TimeoutExpired:
        # faulthandler prints every thread's stack on SIGABRT, without needing the GIL
        child.send_signal(signal.SIGABRT)
        out, err = child.communicate()
        where = _where_stuck(err)
        raise AssertionError(
            f"no result after {DEADLINE_SECONDS} s: deadlocked.\n{where}"
        ) from None
    assert child.returncode == 0, err[-3000:]
    made = re.fullmatch(r"formatted (\d+) converted (\d+)\n", out)
    assert made and int(made[1]) > 0 and int(made[2]) > 0, out
