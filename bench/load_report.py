"""What a load benchmark run saw (``Load``), and the report made of it: latency per page,
errors, hangs, the officer's saves and imports, memory, the stop on SIGTERM; pass or fail, and
the targets of issue 9 (p95 time to headline under 3 s, memory flat after warm-up)."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import time
from dataclasses import dataclass, field

from load_client import Hang, Run

from dashboard.navigation import PAGES

# a page's headline is its PageSpec.headline: the h1 a member sees first (browser tests wait
# for it too); a page missing from here, or a run ending without it, is an error
HEADLINES = {spec.title: spec.headline for spec in PAGES}
HEADLINE_TARGET_S, STOP_TARGET_S, RSS_GROWTH_LIMIT = 3.0, 10.0, 0.20
SIGN_IN = "(sign in)"


# what happened ------------------------------------------------------------------------------
@dataclass
class Visit:
    session: int
    role: str
    page: str
    at_s: float  # when it was asked for, seconds into the run
    headline_s: float | None
    finished_s: float


@dataclass
class Attempt:
    kind: str  # "save" or "import"
    at_s: float
    seconds: float
    ok: bool | None  # None: cut off by the end of the run, outcome unknown
    detail: str  # the text written, or why it failed


@dataclass
class Load:
    """Everything the workload saw; shared by its tasks (one event loop, no locks needed)."""

    roles: tuple[str, ...]  # each session's role
    duration: float
    hang_after: float
    offered: frozenset[str]  # the pages some session's role is offered (and must visit)
    started: float = field(default_factory=time.monotonic)
    visits: list[Visit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hangs: list[dict] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)
    cpu: list[tuple[float, float]] = field(default_factory=list)  # (at, server CPU seconds)
    warm_at: float | None = None
    ended_at: float | None = None  # when the load stopped (the deadline, or the first hang)
    toured: set[int] = field(default_factory=set)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def sessions(self) -> int:
        return len(self.roles)

    def now(self) -> float:
        return time.monotonic() - self.started

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{self.now():7.1f} s  {who}: {what}")

    def hang(self, who: str, exc: Hang) -> None:
        """A run that never finished: recorded with when it was asked for and how much CPU
        the server used meanwhile (none: it is stuck; some: it is only slow), and the load
        stops (a stuck server would only pile up more of them)."""
        asked = exc.asked_at - self.started
        used = [cpu for at, cpu in self.cpu if at >= asked]
        self.hangs.append(
            {
                "who": who,
                "what": str(exc),
                "asked_s": round(asked, 1),
                "server_cpu_s_meanwhile": round(used[-1] - used[0], 1) if used else None,
            }
        )
        self.stop.set()

    def problems(self, who: str, run: Run) -> None:
        for problem in run.problems:
            self.error(who, problem)

    def mark_toured(self, session: int) -> None:
        self.toured.add(session)
        if self.warm_at is None and len(self.toured) == self.sessions:
            self.warm_at = self.now()

    async def pause(self, seconds: float) -> None:
        """Sleep, but wake as soon as the run is stopped."""
        try:
            await asyncio.wait_for(self.stop.wait(), max(seconds, 0))
        except TimeoutError:
            pass


def status_text(code: int | None) -> str:
    if code is not None and code < 0:
        return f"ended by {signal.Signals(-code).name}"
    return f"exit status {code}"


# the report ---------------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` of 0.95 for p95); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _times(visits: list[Visit], attribute: str) -> dict:
    values = [getattr(v, attribute) for v in visits if getattr(v, attribute) is not None]
    return {
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values, default=None),
    }


def _memory(load: Load) -> dict:
    if not load.rss:
        return {"first_mb": None, "peak_mb": None, "last_mb": None, "warm_at_s": None}
    warm = load.warm_at if load.warm_at is not None else load.duration / 4
    after = [mb for t, mb in load.rss if t >= warm] or [load.rss[-1][1]]
    return {
        "first_mb": after[0],
        "peak_mb": max(mb for _, mb in load.rss),
        "last_mb": after[-1],
        "warm_at_s": load.warm_at,
    }


def summarise(kind, load: Load, stopped, stacks, lost: list[str], logged: list[str]) -> dict:
    pages = {}
    for title in [SIGN_IN, *HEADLINES]:
        visits = [v for v in load.visits if v.page == title]
        pages[title] = {
            "visits": len(visits),
            "headline_s": _times(visits, "headline_s"),
            "finished_s": _times(visits, "finished_s"),
        }
    browsed = [v for v in load.visits if v.page != SIGN_IN]
    saves = [a for a in load.attempts if a.kind == "save"]
    imports = [a for a in load.attempts if a.kind == "import"]
    result = {
        "db": kind,
        "sessions": load.sessions,
        "roles": {role: load.roles.count(role) for role in dict.fromkeys(load.roles)},
        "duration_s": round(load.ended_at or load.now(), 1),
        "asked_duration_s": load.duration,
        "visits": len(browsed),
        "pages": pages,
        "overall": {
            "headline_s": _times(browsed, "headline_s"),
            "finished_s": _times(browsed, "finished_s"),
        },
        "pages_not_visited": [
            t for t in HEADLINES if t in load.offered and pages[t]["visits"] == 0
        ],
        "errors": len(load.errors) + len(lost),
        "error_samples": (load.errors + lost)[:25],
        "server_log_errors": logged,
        "hangs": len(load.hangs),
        "hang_samples": load.hangs[:10],
        "first_hang_s": min((h["asked_s"] for h in load.hangs), default=None),
        "stacks": stacks,
        "saves": _attempts(saves),
        "imports": _attempts(imports),
        "rss": _memory(load),
        "sigterm": {
            "stopped_s": stopped.seconds,
            "exit_status": stopped.status,
            "clean": stopped.clean,
        },
        "lost_writes": lost,
        # every visit and write, for a closer look (stalls that hit every session at once)
        "timeline": {
            "visits": [
                [v.session, v.page, round(v.at_s, 2), _round(v.headline_s), _round(v.finished_s)]
                for v in load.visits
            ],
            "writes": [[a.kind, round(a.at_s, 2), _round(a.seconds), a.ok] for a in load.attempts],
        },
        "load_average_at_end": os.getloadavg()[0],  # other work on the machine slows every page
    }
    result["ok"] = _ok(result)
    result["targets"] = _targets(result)
    return result


def _attempts(attempts: list[Attempt]) -> dict:
    return {
        "done": sum(a.ok is True for a in attempts),
        "failed": sum(a.ok is False for a in attempts),
        "cut_off": sum(a.ok is None for a in attempts),
        "median_s": percentile([a.seconds for a in attempts if a.seconds is not None], 0.5),
        "failures": [f"{a.at_s:.1f} s: {a.detail}" for a in attempts if a.ok is False][:10],
    }


def _ok(result: dict) -> bool:
    """Nothing went wrong: the run's pass/fail (latency and memory are targets, not this)."""
    return (
        result["errors"] == 0
        and result["hangs"] == 0
        and result["saves"]["failed"] == 0
        and result["imports"]["failed"] == 0
        and result["saves"]["done"] > 0
        and not result["pages_not_visited"]
        and result["sigterm"]["clean"]
    )


def _targets(result: dict) -> dict:
    missed = [
        title
        for title, page in result["pages"].items()
        if page["visits"] and not page["headline_s"]["p95"] < HEADLINE_TARGET_S
    ]
    rss = result["rss"]
    flat = rss["first_mb"] is not None and rss["last_mb"] <= rss["first_mb"] * (
        1 + RSS_GROWTH_LIMIT
    )
    return {
        "headline_p95_under_3s": not missed,
        "headline_p95_missed_on": missed,  # "(sign in)": from Sign in to the overview's headline
        "memory_flat": flat,
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _seconds(x: float | None) -> str:
    return f"{x:7.2f}" if x is not None else f"{'-':>7}"


def print_report(result: dict) -> None:
    roles = ", ".join(f"{n} {role}" for role, n in result["roles"].items() if n)
    over = result["duration_s"] - result["asked_duration_s"]
    longer = ""
    if over >= 1:
        longer = f" (+{over:.0f} s to visit every page and save twice)"
    elif over <= -1:
        longer = f" (stopped at {result['duration_s']:.0f} s)"
    print(
        f"\n== {result['db']}: {result['sessions']} sessions ({roles}), "
        f"{result['asked_duration_s']:.0f} s{longer} =="
    )
    print(
        f"{'page':30} {'visits':>6}  {'headline p50':>12} {'p95':>7} {'max':>7}  "
        f"{'page end p50':>12} {'p95':>7} {'max':>7}  target"
    )
    rows = [
        *result["pages"].items(),
        ("all pages", {**result["overall"], "visits": result["visits"]}),
    ]
    for title, page in rows:
        head, end = page["headline_s"], page["finished_s"]
        p95 = head["p95"]
        verdict = "-" if p95 is None else ("ok" if p95 < HEADLINE_TARGET_S else "MISSED")
        print(
            f"{title:30} {page['visits']:6}  {_seconds(head['p50']):>12} {_seconds(p95)} "
            f"{_seconds(head['max'])}  {_seconds(end['p50']):>12} {_seconds(end['p95'])} "
            f"{_seconds(end['max'])}  {verdict}"
        )
    _print_outcomes(result)


def _print_outcomes(result: dict) -> None:
    print(
        f"errors: {result['errors']}   hangs: {result['hangs']}"
        + (f" (first asked at {result['first_hang_s']} s)" if result["hangs"] else "")
    )
    for line in result["error_samples"][:10] + [_hang_text(h) for h in result["hang_samples"]]:
        print("   ", line)
    if result["server_log_errors"] and (result["errors"] or result["hangs"]):
        print("  the server's log ends with:", *result["server_log_errors"][-6:], sep="\n    ")
    for kind in ("saves", "imports"):
        got = result[kind]
        print(
            f"officer {kind}: {got['done']} done, {got['failed']} failed, "
            f"{got['cut_off']} cut off by the end, "
            f"median {_seconds(got['median_s']).strip()} s",
            *got["failures"][:3],
            sep="\n    ",
        )
    if result["pages_not_visited"]:
        print("pages never visited:", ", ".join(result["pages_not_visited"]))
    rss = result["rss"]
    if rss["first_mb"] is not None:
        growth = (rss["last_mb"] / rss["first_mb"] - 1) * 100
        warm = (
            f"after warm-up at {rss['warm_at_s']:.0f} s"
            if rss["warm_at_s"] is not None
            else "no session finished a round of its pages: sampled from a quarter of the run"
        )
        print(
            f"server RSS: first {rss['first_mb']:.0f} MB ({warm}), peak {rss['peak_mb']:.0f} MB, "
            f"last {rss['last_mb']:.0f} MB ({growth:+.0f}%): "
            f"{'flat' if result['targets']['memory_flat'] else 'GROWING'}"
        )
    print("SIGTERM: " + _stop_text(result["sigterm"]))
    if result["stacks"]:
        print("server stacks (py-spy dump):\n" + result["stacks"])
    missed = result["targets"]["headline_p95_missed_on"]
    latency = (
        f"p95 to headline under {HEADLINE_TARGET_S:.0f} s on every page"
        if not missed
        else f"p95 to headline NOT under {HEADLINE_TARGET_S:.0f} s on: {', '.join(missed)}"
    )
    print(f"verdict: {'no errors, no hangs' if result['ok'] else 'FAILED'}; {latency}")


def _hang_text(hang: dict) -> str:
    used = hang["server_cpu_s_meanwhile"]
    state = (
        "unknown"
        if used is None
        else ("stuck: it used no CPU" if used < 0.5 else f"busy: {used:.1f} CPU-s")
    )
    return f"{hang['who']}: {hang['what']}, asked at {hang['asked_s']} s; the server was {state}"


def _stop_text(sigterm: dict) -> str:
    if sigterm["stopped_s"] is None and sigterm["exit_status"] is not None:
        return f"none sent: the server had already gone ({status_text(sigterm['exit_status'])})"
    if sigterm["stopped_s"] is None:
        return f"NOT stopped within {STOP_TARGET_S:.0f} s (killed)"
    how = "clean" if sigterm["clean"] else "NOT clean: killed by its supervisor, or failed"
    return f"stopped in {sigterm['stopped_s']:.1f} s, {status_text(sigterm['exit_status'])} ({how})"
