"""The load benchmark's server side: a fresh store, ``ascgov serve`` as a child process, its
memory, its stacks when it is stuck, and how long it takes to stop on SIGTERM."""

from __future__ import annotations

import csv
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from bench_pages import PASSWORDS, with_users  # noqa: E402
from bench_store import Stores  # noqa: E402

from data_access.sample_data import load_sample_data  # noqa: E402

START_TIMEOUT_S = 90.0
CLI_TIMEOUT_S = 120.0
_PR_SET_PDEATHSIG = 1
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"

__all__ = ["PASSWORDS", "Served", "demo_store", "served", "stop", "rss_mb", "stacks"]


@contextmanager
def demo_store(kind: str, pg_admin_url: str, people: list[tuple[str, str]] = ()):
    """A fresh store (a SQLite file in a temporary folder, or a new PostgreSQL database) holding
    the demo council, one demo sign-in per role and one more per ``(email, role)`` in
    ``people`` (assigned what the demo user of that role is); passwords ``PASSWORDS[role]``.
    Yields its URL; removed afterwards, also after a failure."""
    stores = Stores(kind, pg_admin_url)
    try:
        store = stores.new()
        load_sample_data(store)
        with_users(store)
        add_people(store, people)
        url = store.url
        store.dispose()
        yield url
    finally:
        stores.close()


def add_people(store, people: list[tuple[str, str]]) -> None:
    from data_access.access import system_principal
    from data_access.demo_accounts import demo_users
    from data_access.users import add_user

    like = {user.role.value: user for user in demo_users()}
    for email, role in people:
        user = like[role].model_copy(update={"email": email, "name": email.split("@")[0]})
        add_user(store, user, actor=system_principal("bench-load"), password=PASSWORDS[role])


def cli(url: str, *args: str, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess:
    """``ascgov ARGS`` on the store at ``url``; a stuck command is killed after ``timeout``."""
    env = {**os.environ, "ASCGOV_DATABASE_URL": url}
    try:
        return subprocess.run(
            [ASCGOV, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, -9, "", f"timed out after {timeout:.0f} s")


def export_rows(url: str, dataset: str, folder: Path) -> list[dict[str, str]]:
    """A dataset as ``ascgov export`` writes it; RuntimeError naming the reason if it fails."""
    path = folder / f"export_{dataset}_{time.monotonic_ns()}.csv"
    done = cli(url, "export", dataset, "--format", "csv", "-o", str(path))
    if done.returncode != 0:
        raise RuntimeError(f"ascgov export {dataset} failed: {(done.stderr or done.stdout)[-300:]}")
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


@dataclass
class Served:
    process: subprocess.Popen
    base: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def error_lines(self, limit: int = 12) -> list[str]:
        """The last lines of the server's log that name an error (its tracebacks' last lines)."""
        lines = ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace")).splitlines()
        hits = [line.strip() for line in lines if re.search(r"Error\b|Exception\b", line)]
        return hits[-limit:]


def _die_with_parent() -> None:
    # a bench killed outright (a test's time limit) takes the server with it (Linux)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as reply:
            return reply.read() == b"ok"
    except OSError:
        return False


@contextmanager
def served(url: str, folder: Path):
    """``ascgov serve`` on the store at ``url`` (a store that holds data: no demo load), on a
    free port, in its own process group, its output in ``folder/server.log``. Yields ``Served``;
    whatever is still running of it afterwards is killed."""
    port, log = _free_port(), folder / "server.log"
    env = {**os.environ, "ASCGOV_DATABASE_URL": url}
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [ASCGOV, "serve", f"--port={port}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,  # its own group, which the bench kills at the end
            preexec_fn=_die_with_parent,
        )
    server = Served(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_started(server)
        yield server
    finally:
        _kill_group(process)


def _wait_started(server: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        if _healthy(server.base):
            return
        time.sleep(0.3)
    tail = server.log.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise RuntimeError(f"ascgov serve did not answer within {START_TIMEOUT_S:.0f} s:\n{tail}")


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process, its group and every descendant (a supervisor may have put the server
    in a group of its own)."""
    for pid in reversed(_descendants(process.pid)):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            for task in tasks:
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by the process and its children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in _descendants(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def rss_mb(pid: int) -> float | None:
    """Resident memory of the process and its children, in MB (None once it has gone)."""
    total = None
    for each in _descendants(pid):
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            total = (total or 0.0) + int(match.group(1)) / 1024
    return total


def py_spy() -> str | None:
    """py-spy, if installed (beside this Python, on the PATH or as $PY_SPY); it is not a
    dependency of the project: ``pip install py-spy`` somewhere to get stacks of a stuck server."""
    return os.environ.get("PY_SPY") or shutil.which(
        "py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )


def stacks(pid: int) -> str | None:
    """Every thread's stack in the server and its child processes (``py-spy dump``), or None
    without py-spy."""
    tool = py_spy()
    if tool is None:
        return None
    return "\n".join(_dump(tool, each) for each in _descendants(pid))


def _dump(tool: str, pid: int) -> str:
    # --native adds the C/Rust frames (polars' threads waiting for the GIL have no Python
    # frames without it); some builds cannot unwind them, so fall back to Python frames only
    failed = "timed out after 60 s"
    for extra in (["--native"], []):
        try:
            done = subprocess.run(
                [tool, "dump", *extra, "--pid", str(pid)],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except subprocess.TimeoutExpired:
            continue
        if done.returncode == 0:
            return done.stdout
        failed = (done.stderr or done.stdout)[-500:]
    return "py-spy dump failed: " + failed


@dataclass
class Stop:
    seconds: float | None  # from SIGTERM to the process ending; None if we had to kill it
    status: int | None  # its exit status: 0 or -SIGTERM is a clean stop
    stacks: str | None = None  # taken before killing a server that ignored SIGTERM

    @property
    def clean(self) -> bool:
        """Stopped by itself: not killed by us, nor by a supervisor (which exits 1 then)."""
        return self.seconds is not None and self.status in (0, -signal.SIGTERM)


def stop(server: Served, within: float) -> Stop:
    """Send SIGTERM, as a service manager does, and time the stop; a server still running
    after ``within`` seconds has its stacks taken and is killed."""
    if server.process.poll() is not None:
        return Stop(None, server.process.returncode)
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        status = server.process.wait(timeout=within)
        return Stop(time.monotonic() - started, status)
    except subprocess.TimeoutExpired:
        dump = stacks(server.pid)
        _kill_group(server.process)
        return Stop(None, None, dump)
