"""Helpers for tests that run the project's processes: line-driven children, the ``ascgov``
entry point, and what ``/proc`` says about a process's SQLite files and libraries."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import REPO

# the entry point installed beside the interpreter running the tests (.venv/bin/ascgov)
ASCGOV = str(Path(sys.executable).parent / "ascgov")
# every copy of the SQLite library holds this text (the first bytes of every database file)
SQLITE_MAGIC = b"SQLite format 3\x00"


class LineProcess:
    """A child process spoken to one line at a time on stdin, answering on stdout."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None):
        self.popen = subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def send(self, line: str) -> None:
        self.popen.stdin.write(line + "\n")
        self.popen.stdin.flush()

    def answer(self, timeout: float = 120) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no answer from {self.popen.args} in {timeout} s") from None
        if line is None:
            raise AssertionError(f"{self.popen.args} ended: {self.popen.stderr.read()[-3000:]}")
        return line

    def kill(self) -> list[str]:
        """SIGKILL; every line it had written before."""
        os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=60)
        said = []
        while (line := self.lines.get(timeout=60)) is not None:
            said.append(line)
        self.popen.stdin.close()
        self.popen.stderr.close()
        return said

    def close(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=60)


def deleted_journals(pid: int) -> list[str]:
    """The write-ahead log and shared-memory files the process holds open that are deleted."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # the descriptor closed while we looked
            continue
        if target.endswith(" (deleted)") and target.removesuffix(" (deleted)").endswith(
            ("-wal", "-shm")
        ):
            found.append(target)
    return found


def open_files(pid: int) -> set[str]:
    files = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            files.add(os.readlink(fd))
        except OSError:
            continue
    return files


def sqlite_libraries(pid: int) -> set[str]:
    """The files mapped into the process that carry a copy of the SQLite library."""
    mapped = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/") and ".so" in parts[5]:
            mapped.add(parts[5])
    return {path for path in mapped if _holds_sqlite(path)}


def _holds_sqlite(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return SQLITE_MAGIC in handle.read()
    except OSError:
        return False


def cli_env(url: str, actor: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASCGOV_")}
    return {**env, "ASCGOV_DATABASE_URL": url, "ASCGOV_AS": actor}
