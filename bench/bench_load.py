"""Load benchmark (issue 9): concurrent sessions on one server while an officer edits. On demand.

For each database (SQLite, PostgreSQL): a fresh store with the demo council and demo sign-ins,
``ascgov serve`` on a free port, then for ``--duration`` seconds (longer, up to 3 times, until
every session has visited each of its pages once and the officer has saved twice and imported):
- ``--sessions`` browser sessions (websocket clients speaking Streamlit's protocol, see
  ``load_client.py``), members, officers, directors and administrators mixed, each signing in
  through the app's own form and then visiting every page its role is offered, in turn, with a
  pause of ``--think`` seconds (0.5 to 1.5 times it) between pages;
- the demo officer saving an accountability area through the Updates page every 10 s, in its
  own session, as in a browser; and importing a milestones file every 60 s with
  ``ascgov import ... --as`` (a second process writing to the store, as a scheduled load would);
- the server's resident memory sampled every second.
Then SIGTERM, timed; then the store is read back to check that the last save and import are in it.

A page's headline is its ``PageSpec.headline`` in ``dashboard/navigation.py`` (the h1 a member sees
first, which the browser tests wait for too); a visit times the request to that heading and to
the end of the script run. A page with no headline in the registry, or a run that ends without
it, is an error, so a renamed heading fails loudly instead of timing nothing.

Errors: exceptions and error alerts shown, pages not found, runs that did not compile, refused
sign-ins, dropped connections, failed saves and imports, writes missing afterwards. A hang: no end
of a script run within ``--hang-after`` seconds; the first hang stops the run (the server's
stacks are taken with ``py-spy dump`` when py-spy is installed).

Exit status 1 when anything went wrong (errors, hangs, failed saves or imports, no clean stop
within 10 s of SIGTERM); the latency and memory targets are verdicts in the report only.

Usage: ``python bench/bench_load.py [--sessions 20] [--duration 600] [--db sqlite|postgresql|both]
[--smoke] [--think 1.0] [--hang-after 30] [--pg-url URL] [--shared-accounts] [--json FILE]``
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import os
import random
import re
import signal
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import load_server  # noqa: E402
from load_client import Client, Disconnected, Hang, Run, press, value  # noqa: E402
from load_report import (  # noqa: E402
    HEADLINES,
    SIGN_IN,
    STOP_TARGET_S,
    Attempt,
    Load,
    Visit,
    print_report,
    status_text,
    summarise,
)
from streamlit.proto.Alert_pb2 import Alert  # noqa: E402

from dashboard.navigation import PAGES, pages_for  # noqa: E402
from data_access.demo_accounts import demo_principals, demo_users  # noqa: E402

# the mix of sessions, in turn: members are the main audience; every role sees its own pages
ROLES = ("member", "officer", "director", "member", "admin")
OFFICER = next(u for u in demo_users() if u.role.value == "officer")
AREA = OFFICER.areas[0]  # the area the officer saves, and whose milestones the imports change
SAVE_EVERY_S, FIRST_SAVE_S = 10.0, 5.0
IMPORT_EVERY_S, FIRST_IMPORT_S = 60.0, 30.0
OVERTIME_FACTOR = 3  # a run may last up to 3 x --duration to visit every page once
PG_ADMIN_URL = os.environ.get(
    "ASCGOV_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


# sessions -----------------------------------------------------------------------------------
def person(index: int, role: str, shared: bool) -> str:
    """Who session ``index`` signs in as: a person of their own (as twenty people would), or
    with ``shared`` the demo user of the role (several sessions signing in as one person)."""
    return f"{role}@demo.example" if shared else f"{role}-{index}@demo.example"


async def sign_in(client: Client, email: str, role: str) -> Run:
    """Fill in the app's sign-in form as ``email`` (a ``role``) and press Sign in; the run
    that follows (the default page, or the refusal). A local sign-in sends the browser to
    collect its session cookie and open the page again: the run's times count from pressing
    Sign in, that round trip included."""
    form = await client.run()
    states = [
        value(form.widget("text_input", "Email address").id, email),
        value(form.widget("text_input", "Password").id, load_server.PASSWORDS[role]),
        press(form.widget("button", "Sign in").id),
    ]
    default = next(spec.title for spec in PAGES if spec.default)
    pressed = await client.run("", states, headline=HEADLINES[default])
    if pressed.redirect is None:
        return pressed
    await client.follow(pressed.redirect)
    run = await client.run("", headline=HEADLINES[default])
    since = run.asked_at - pressed.asked_at
    run.asked_at = pressed.asked_at
    run.headline_s = None if run.headline_s is None else run.headline_s + since
    run.finished_s = None if run.finished_s is None else run.finished_s + since
    run.problems = pressed.problems + run.problems
    return run


def _signed_in(run: Run) -> bool:
    return any(text.startswith("Signed in as") for text in run.texts())


async def browse(load: Load, base: str, index: int, role: str, opts) -> None:
    """One person: sign in, then visit every page offered, in turn, until the run stops;
    after a dropped connection, connect and sign in again."""
    who = f"session {index} ({role})"
    email = person(index, role, opts.shared_accounts)
    await load.pause(index * 0.25)  # people arrive over a few seconds, not in one instant
    while not load.stop.is_set():
        try:
            async with Client(base, load.hang_after) as client:
                pages = await _signed_in_pages(load, client, index, email, role)
                if pages:
                    await tour(load, client, index, role, pages, opts.think)
                else:
                    await load.pause(2)
        except Disconnected as exc:
            load.error(who, f"disconnected: {exc}")
            await load.pause(1)
        except LookupError as exc:  # the sign-in form was not shown
            load.error(who, str(exc))
            await load.pause(2)
        except Hang as exc:
            load.hang(who, exc)
            return


async def _signed_in_pages(
    load: Load, client: Client, index: int, email: str, role: str
) -> dict[str, str]:
    """Sign in; the pages offered (title -> script hash), or {} if the sign-in failed."""
    who = f"session {index} ({role})"
    run = await sign_in(client, email, role)
    load.problems(who, run)
    if not _signed_in(run):
        load.error(who, "sign-in refused: " + "; ".join(run.alerts(Alert.ERROR)))
        return {}
    unknown = sorted(set(run.pages) - set(HEADLINES))
    if unknown:
        load.error(who, f"pages with no headline in dashboard/navigation.py: {unknown}")
    _record(load, index, role, SIGN_IN, run)
    return {title: page for title, page in run.pages.items() if title in HEADLINES}


def plan_tours(sessions: int) -> list[list[str]]:
    """Each session's order of visits, so that together the first visits reach every page
    as early as possible: at each step a session takes, of its role's pages, the one least
    planned so far, the rarer (offered to fewer sessions) first; then the registry's order.

    >>> plan_tours(5)[4][0]  # the administrator starts where only they may go
    'Administration'
    """
    offered = {p.role.value: [spec.title for spec in pages_for(p)] for p in demo_principals()}
    lists = [offered[ROLES[i % len(ROLES)]] for i in range(sessions)]
    sharing = {title: sum(title in pages for pages in lists) for title in HEADLINES}
    planned = dict.fromkeys(HEADLINES, 0)
    orders: list[list[str]] = [[] for _ in lists]
    for _ in range(len(HEADLINES)):
        for pages, order in zip(lists, orders, strict=True):
            left = [title for title in pages if title not in order]
            if left:
                pick = min(left, key=lambda t: (planned[t], sharing[t], pages.index(t)))
                order.append(pick)
                planned[pick] += 1
    return orders


async def tour(
    load: Load, client: Client, index: int, role: str, pages: dict[str, str], think: float
) -> None:
    planned = plan_tours(load.sessions)[index]
    if set(planned) != set(pages):
        load.error(f"session {index} ({role})", f"offered {sorted(pages)}, not {sorted(planned)}")
    order = [title for title in planned if title in pages]
    rounds = 0
    while not load.stop.is_set():
        for title in order:
            if load.stop.is_set():
                return
            run = await client.run(pages[title], headline=HEADLINES[title])
            _record(load, index, role, title, run)
            await load.pause(think * random.uniform(0.5, 1.5))
        rounds += 1
        if rounds == 1:
            load.mark_toured(index)


def _record(load: Load, index: int, role: str, page: str, run: Run) -> None:
    who = f"session {index} ({role}) on {page}"
    load.problems(who, run)
    if run.headline_s is None and not run.problems:
        load.error(who, f"the run ended without the headline {run.headline!r}")
    load.visits.append(
        Visit(index, role, page, run.asked_at - load.started, run.headline_s, run.finished_s)
    )


# the officer --------------------------------------------------------------------------------
async def every(load: Load, first: float, period: float):
    """Ticks at ``first``, ``first + period``, ... seconds into the run, until it stops (a
    tick missed because the previous one overran is skipped, not bunched)."""
    tick = 0
    while True:
        await load.pause(load.started + first + tick * period - time.monotonic())
        if load.stop.is_set():
            return
        tick += 1
        yield tick
        tick = max(tick, math.ceil((load.now() - first) / period))


async def officer_saves(load: Load, base: str) -> None:
    """The demo officer, in a session of their own, saves an area's commentary every 10 s
    through the Updates page (open the page, choose the area, change the commentary, Save)."""
    who = "officer saving"
    try:
        async with Client(base, load.hang_after) as client:
            updates = await _updates_page(load, client)
            async for tick in every(load, FIRST_SAVE_S, SAVE_EVERY_S):
                await save_once(load, client, updates, tick)
    except Disconnected as exc:
        load.error(who, f"disconnected: {exc}")
    except LookupError as exc:
        load.error(who, str(exc))
    except Hang as exc:
        load.hang(who, exc)


async def _updates_page(load: Load, client: Client) -> str | None:
    """Sign in as the demo officer (again after a refusal); the Updates page's script hash."""
    while not load.stop.is_set():
        run = await sign_in(client, OFFICER.email, "officer")
        load.problems("officer saving", run)
        if _signed_in(run) and "Updates" in run.pages:
            return run.pages["Updates"]
        load.error("officer saving", f"not signed in, or no Updates page: {run.summary()}")
        await load.pause(2)
    return None


async def save_once(load: Load, client: Client, updates: str, tick: int) -> None:
    started, text = load.now(), f"Load test save {tick} at {datetime.now():%H:%M:%S.%f}"
    try:
        page = await client.run(updates)
        kind = page.widget("radio", "What are you updating?")
        pick = page.widget("selectbox", "Accountability area")
        chosen = [value(kind.id, kind.options[kind.default])]
        chosen.append(value(pick.id, next(o for o in pick.options if o.startswith(AREA + ":"))))
        form = await client.run(updates, chosen)
        saved = await client.run(updates, chosen + _form_values(form, text))
    except (LookupError, StopIteration) as exc:
        load.attempts.append(Attempt("save", started, load.now() - started, False, str(exc)))
        return
    for run in (page, form, saved):
        load.problems("officer saving", run)
    outcome = [_plain(body) for body in saved.alerts(Alert.SUCCESS)]
    ok = any(f"{AREA} is now at version" in body for body in outcome)
    detail = text if ok else f"no 'Saved' message; shown: {outcome + saved.alerts(Alert.ERROR)}"
    load.attempts.append(Attempt("save", started, saved.finished_s, ok, detail))


def _form_values(form: Run, commentary: str) -> list:
    name = f"area:{AREA}"
    status = form.widget("selectbox", "Status", form=name)
    rag = form.widget("selectbox", "RAG", form=name)
    return [
        value(status.id, status.options[status.default]),  # as stored: only the text changes
        value(rag.id, rag.options[rag.default]),
        value(form.widget("text_area", "Commentary", form=name).id, commentary),
        press(form.widget("button", "Save", form=name).id),
    ]


def _plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


async def officer_imports(load: Load, url: str, rows: list[dict[str, str]], folder: Path) -> None:
    """The demo officer imports the area's milestones every 60 s with ``ascgov import``,
    each time with new evidence text."""
    async for tick in every(load, FIRST_IMPORT_S, IMPORT_EVERY_S):
        text = f"Load test import {tick} at {datetime.now():%H:%M:%S.%f}"
        path = folder / f"milestones_{tick}.csv"
        write_import(path, rows, text)
        started = load.now()
        try:
            code, output = await _ascgov(
                url, "import", "milestones", str(path), "--as", OFFICER.email
            )
        except asyncio.CancelledError:  # the run ended first: it may or may not have written
            load.attempts.append(Attempt("import", started, load.now() - started, None, text))
            raise
        ok = code == 0
        load.attempts.append(
            Attempt("import", started, load.now() - started, ok, text if ok else output[-300:])
        )


def write_import(path: Path, rows: list[dict[str, str]], evidence: str) -> None:
    # the store sets these; a version in a file is the version the writer expects to replace
    kept = [c for c in rows[0] if c not in ("loaded_by", "loaded_at", "version")]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=kept, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**row, "evidence": evidence} for row in rows)


async def _ascgov(url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        load_server.ASCGOV,
        *args,
        env={**os.environ, "ASCGOV_DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), load_server.CLI_TIMEOUT_S)
    except TimeoutError:
        output = f"no answer within {load_server.CLI_TIMEOUT_S:.0f} s".encode()
    finally:
        if process.returncode is None:  # timed out, or the run was cancelled
            process.kill()
            await process.wait()
    return process.returncode, output.decode(errors="replace")


# memory -------------------------------------------------------------------------------------
async def sample_memory(load: Load, server: load_server.Served) -> None:
    while not load.stop.is_set():
        rss = load_server.rss_mb(server.pid)
        if rss is None or server.process.poll() is not None:
            load.error("server", f"exited during the run ({status_text(server.process.poll())})")
            load.stop.set()
            return
        load.rss.append((load.now(), rss))
        load.cpu.append((load.now(), load_server.cpu_seconds(server.pid)))
        await load.pause(1.0)


# the run ------------------------------------------------------------------------------------
async def drive(server: load_server.Served, url: str, rows: list, folder: Path, opts) -> Load:
    roles = tuple(ROLES[i % len(ROLES)] for i in range(opts.sessions))
    offered = frozenset(title for tour in plan_tours(len(roles)) for title in tour)
    load = Load(roles, opts.duration, opts.hang_after, offered)
    tasks = [
        asyncio.create_task(browse(load, server.base, i, role, opts))
        for i, role in enumerate(roles)
    ]
    tasks += [
        asyncio.create_task(officer_saves(load, server.base)),
        asyncio.create_task(officer_imports(load, url, rows, folder)),
        asyncio.create_task(sample_memory(load, server)),
    ]
    await load.pause(opts.duration)
    await _overtime(load, opts.duration * OVERTIME_FACTOR)
    load.stop.set()
    load.ended_at = load.now()
    # a visit under way may finish (each is bounded by hang_after); after a hang, nothing waits
    _, pending = await asyncio.wait(tasks, timeout=0 if load.hangs else opts.hang_after + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            load.error("bench", f"{type(task.exception()).__name__}: {task.exception()}")
    return load


async def _overtime(load: Load, limit: float) -> None:
    """Go on past the duration (up to ``limit`` seconds into the run) until every session has
    visited each of its pages once, the officer has tried two saves and one import: on a busy
    machine a short run would otherwise leave pages and writes untested."""

    def tried(kind: str) -> int:
        return sum(a.kind == kind for a in load.attempts)

    while not load.stop.is_set() and load.now() < limit:
        if len(load.toured) == load.sessions and tried("save") >= 2 and tried("import") >= 1:
            return
        await load.pause(1.0)


def check_writes(load: Load, url: str, folder: Path) -> list[str]:
    """After the stop: the last save's commentary and the last import's evidence are in the
    store (or a later attempt's, whose outcome the run did not see)."""
    missing = []
    for kind, dataset, column, key in (
        ("save", "areas", "commentary", "code"),
        ("import", "milestones", "evidence", "area_code"),
    ):
        attempts = [a for a in load.attempts if a.kind == kind]
        good = [i for i, a in enumerate(attempts) if a.ok]
        if not good:
            continue
        allowed = {a.detail for a in attempts[good[-1] :] if a.ok is not False}
        try:
            rows = load_server.export_rows(url, dataset, folder)
        except RuntimeError as exc:
            missing.append(str(exc))
            continue
        stored = {row[column] for row in rows if row[key] == AREA}
        if not stored or not stored <= allowed:
            missing.append(f"{dataset} {AREA} {column}: stored {sorted(stored)}, saved {allowed}")
    return missing


def _people(opts) -> list[tuple[str, str]]:
    """The sign-ins to add to the store: one per session, unless they share the demo ones."""
    if opts.shared_accounts:
        return []
    roles = [ROLES[i % len(ROLES)] for i in range(opts.sessions)]
    return [(person(i, role, False), role) for i, role in enumerate(roles)]


def run_one(kind: str, opts) -> dict:
    """The whole benchmark on one database; its results as a dict."""
    with tempfile.TemporaryDirectory(prefix="ascgov_load_") as tmp:
        folder = Path(tmp)
        built = time.monotonic()
        with load_server.demo_store(kind, opts.pg_url, _people(opts)) as url:
            rows = [
                r
                for r in load_server.export_rows(url, "milestones", folder)
                if r["area_code"] == AREA
            ]
            print(f"{kind}: store ready in {time.monotonic() - built:.1f} s", flush=True)
            with load_server.served(url, folder) as server:
                load = asyncio.run(drive(server, url, rows, folder, opts))
                stacks = load_server.stacks(server.pid) if load.hangs else None
                stopped = load_server.stop(server, STOP_TARGET_S)
                errors_logged = server.error_lines()
            lost = check_writes(load, url, folder)  # the server has gone, stopped or killed
    return summarise(kind, load, stopped, stacks or stopped.stacks, lost, errors_logged)


def options(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--smoke", action="store_true", help="5 sessions for 60 s")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between pages (s)")
    parser.add_argument("--hang-after", type=float, default=30.0, help="a run longer is a hang")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="server to create the store on")
    parser.add_argument(
        "--shared-accounts",
        action="store_true",
        help="sessions of a role all sign in as its one demo user (default: one person each)",
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    opts = parser.parse_args(argv)
    if opts.smoke:
        opts.sessions, opts.duration = 5, 60.0
    return opts


def _exit_on_sigterm(signum: int, _frame) -> None:
    # as for Ctrl+C: unwind, so the server is stopped and the store removed on the way out
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    opts = options(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    kinds = ("sqlite", "postgresql") if opts.db == "both" else (opts.db,)
    results = []
    for kind in kinds:
        result = run_one(kind, opts)
        print_report(result)
        results.append(result)
    if opts.json:
        config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(opts).items()}
        config.pop("pg_url")  # may hold a password
        opts.json.write_text(json.dumps({"options": config, "results": results}, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
