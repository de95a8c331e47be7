"""Run the dashboard's server as a child process and make SIGTERM stop it within 10 s.

``python -m dashboard.supervise COMMAND...`` (what `ascgov serve` runs) starts COMMAND, asks it
to stop (SIGTERM) on SIGTERM, SIGINT or SIGHUP, and kills it if it has not stopped
``GRACE_SECONDS`` later.
A Python server acts on a signal only when its main thread gets the interpreter: one wedged in
native code (a deadlocked polars callback did this, issue 9) ignores SIGTERM for good, and
`systemctl stop` or `docker stop` then hang. This parent runs no app code and imports only the
standard library, so it always answers.

Exit status: 0 when the server stopped on its own after being asked (uvicorn re-raises the
signal after a graceful shutdown, so "ended by SIGTERM" is a clean stop); 1 when it had to be
killed; otherwise the server's own status (128 + N for a signal N nobody sent through here).
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time

# systemd and docker wait 10 s by default before killing: leave room to exit cleanly
GRACE_SECONDS = 8.0
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # if this parent is killed outright, the kernel stops the server too (Linux), so no server
    # is left holding the port with nobody to stop it
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def exit_status(returncode: int, asked: bool) -> int:
    """The supervisor's exit status for a server that ended with ``returncode``."""
    if asked and returncode in (0, -signal.SIGTERM):
        return 0
    return 128 - returncode if returncode < 0 else returncode


def supervise(command: list[str], grace: float = GRACE_SECONDS) -> int:
    # its own process group: a Ctrl+C in the terminal reaches the server once, through here
    child = subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)
    deadline: list[float] = []

    def forward(_signum: int, _frame: object) -> None:
        # once is enough: `uv run` passes a Ctrl+C on as well as the terminal, and the deadline
        # answers a server that does not stop. SIGTERM whatever came in: uvicorn re-raises
        # SIGINT after its shutdown as a KeyboardInterrupt, with a traceback and status 1
        if deadline:
            return
        deadline.append(time.monotonic() + grace)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    while child.poll() is None:
        if deadline and time.monotonic() > deadline[0]:
            child.kill()
            child.wait()
            print(f"the dashboard did not stop within {grace:.0f} s; killed it", file=sys.stderr)
            return 1
        time.sleep(0.1)
    return exit_status(child.returncode, asked=bool(deadline))


if __name__ == "__main__":  # pragma: no cover - run by `ascgov serve`
    sys.exit(supervise(sys.argv[1:]))
