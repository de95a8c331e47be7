"""Page benchmark: server-side run time (AppTest) and browser time per page. Run on demand.

For each page of the navigation registry, at sample scale (the demo council) and national scale
(the synthetic national set from ``generate_national.py``):
- AppTest cold run (caches cleared) and cached rerun, median of ``--repeats``;
- the SQL statements of a cached rerun, and how many of them read the dataset versions
  (counted by a SQLAlchemy ``before_cursor_execute`` event: AppTest runs the page in this
  process, on the store's engine; bulk SQLite reads through the raw sqlite3 cursor, and
  PostgreSQL's through ADBC, are not seen, and a cached rerun should make none);
- a bare one-line Streamlit page measured the same way in the same run, and each page's ratio
  to it;
- in the Debian chromium: time from navigation to the page's headline being visible (fresh
  browser context each time, so no client cache), and the bytes the page's script run sends over
  the websocket (its payload).

Targets: cached rerun under 50 ms and within 3x the bare page at sample scale, under 300 ms at
national scale (issue 10; issue 3 asked 200 ms and 1 s), with one read of the dataset versions;
payload per page under 2 MB.

Usage: ``python bench/bench_pages.py [--scale sample|national|both] [--councils N] [--repeats N]
[--no-browser] [--smoke] [--json FILE]``. ``--smoke`` runs both scales once, without the browser,
the national store holding one synthetic council, all in a temporary folder: the test suite runs
it so that a broken benchmark fails a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import record  # noqa: E402
from sql_count import CountedSQL  # noqa: E402

from dashboard.navigation import PAGES  # noqa: E402
from data_access.sample_data import load_sample_data  # noqa: E402
from data_access.store import Store  # noqa: E402

BARE = "import streamlit as st\nst.title('Bare page')\n"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# issue 3's targets, with issue 10's for the cached rerun (was 200 ms and 1 s) and its reads
TARGET_CACHED_S, TARGET_RATIO, TARGET_NATIONAL_S, TARGET_PAYLOAD = 0.05, 3.0, 0.3, 2 * 1024 * 1024
TARGET_VERSION_QUERIES = 1
SMOKE_COUNCILS = 1
# the browser waits for the script run to finish before the page counts as drawn
SCRIPT_DONE = (
    "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state') "
    "=== 'notRunning'"
)


# demo sign-ins for the benchmark's own stores (throwaway, never a council's data)
PASSWORDS = {role: f"bench-{role}-password" for role in ("member", "officer", "director", "admin")}


def with_users(store: Store, passwords: bool = True) -> None:
    """Migrate and add the demo sign-ins if missing (a store built before sign-in has none);
    without ``passwords`` (hashing them is slow) only AppTest can sign in, not the browser."""
    from data_access.access import principal_for
    from data_access.demo_accounts import create_demo_accounts

    store.upgrade()
    if principal_for(store, "member@demo.example") is None:
        create_demo_accounts(store, passwords=PASSWORDS, with_passwords=passwords)


def role_for(spec) -> str:
    """The least-privileged demo role offered the page: what the bench signs in as."""
    from data_access.demo_accounts import demo_principals

    return next(p.role.value for p in demo_principals() if spec.offered_to(p))


def sample_store(folder: Path, passwords: bool = True) -> str:
    url = "sqlite:///" + str((folder / "sample.sqlite3").resolve())
    store = Store(url)
    store.upgrade()
    load_sample_data(store)
    with_users(store, passwords)
    store.dispose()
    return url


def national_store(data: Path, councils: int, keep: Path, passwords: bool = True) -> str:
    """The demo council plus ``councils`` synthetic councils (generated under ``data`` if not
    there yet), built through the importers; the store is kept in the folder ``keep`` and
    reused by later runs."""
    import generate_national
    from bench_store import ensure_data, import_council

    keep.mkdir(parents=True, exist_ok=True)
    path = keep / f"national-pages-{councils}.sqlite3"
    url = "sqlite:///" + str(path.resolve())
    if path.exists():  # built by an earlier run: the import is store_bench's business, not ours
        print(f"national: reusing {path} (delete it to rebuild from {data})")
        store = Store(url)
        store.upgrade()  # kept from before a migration: bring its schema up to date
        with_users(store)
        store.dispose()
        return url
    folders = ensure_data(data, councils, generate_national.DEFAULT_SEED)
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)  # left by a run that was stopped: start again
    store = Store("sqlite:///" + str(building.resolve()))
    store.upgrade()
    load_sample_data(store)
    started = time.perf_counter()
    for i, council in enumerate(folders, 1):
        import_council(store, council)
        if i % 25 == 0:
            print(f"  imported {i}/{len(folders)} councils ({time.perf_counter() - started:.0f} s)")
    with_users(store, passwords)
    store.dispose()
    building.rename(path)  # only a complete store is reused
    return url


def _median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class PageRun:
    cold_s: float
    cached_s: float
    version_queries: int  # in a cached rerun (the most of any repeat)
    statements: int


def apptest_times(
    path: Path | None, repeats: int, role: str = "member", headline: str = "Bare page"
) -> PageRun:
    """Cold and cached seconds for one page script signed in as the demo ``role``, and the
    SQL of its cached rerun; ``None`` measures the bare page. A page that does not show
    ``headline`` (the person is not known to the store, say) is an error: its time would not
    be the page's."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, cached, versions, statements = [], [], [], []
    for _ in range(repeats):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_string(BARE) if path is None else AppTest.from_file(str(path))
        at.user = {"is_logged_in": True, "email": f"{role}@demo.example", "name": role}
        at.default_timeout = 120
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"{path}: {at.exception[0].value}")
        shown = [title.value for title in at.title]
        if headline not in shown:
            raise RuntimeError(f"{path} as {role}: showed {shown}, not {headline!r}")
        with CountedSQL() as sql:
            start = time.perf_counter()
            at.run()
            cached.append(time.perf_counter() - start)
        versions.append(sql.version_queries)
        statements.append(len(sql.statements))
    return PageRun(_median(cold), _median(cached), max(versions), max(statements))


def server_side(url: str, repeats: int) -> dict[str, PageRun]:
    os.environ["ASCGOV_DATABASE_URL"] = url
    from data_access.settings import get_settings

    get_settings.cache_clear()
    results = {"(bare page)": apptest_times(None, repeats)}
    for spec in PAGES:
        results[spec.title] = apptest_times(
            ROOT / spec.path, repeats, role_for(spec), spec.headline
        )
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(command: list[str], env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            *command,
            f"--server.port={port}",
            "--server.headless=true",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as reply:
                if reply.read() == b"ok":
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def browser_side(url: str, repeats: int, folder: Path) -> dict[str, tuple[float, int]]:
    """Seconds from navigation to headline visible, and websocket bytes, per page."""
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "ASCGOV_DATABASE_URL": url}
    bare_file = folder / "bare.py"
    bare_file.write_text(BARE, encoding="utf-8")
    app, base = _serve(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "streamlit_app.py")],
        env,
    )
    bare, bare_base = _serve([sys.executable, "-m", "streamlit", "run", str(bare_file)], env)
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            targets = [("(bare page)", bare_base + "/", "Bare page", None)] + [
                (s.title, f"{base}/{'' if s.default else s.path[6:-3]}", s.headline, role_for(s))
                for s in PAGES
            ]
            for title, address, headline, role in targets:
                runs = [_visit(browser, address, headline, role) for _ in range(repeats)]
                results[title] = (_median([r[0] for r in runs]), max(r[1] for r in runs))
            browser.close()
    finally:
        app.terminate()
        bare.terminate()
    return results


def _visit(browser, address: str, headline: str, role: str | None) -> tuple[float, int]:
    """Seconds from asking for the page (after signing in, when it needs it) to its headline
    being visible, and the bytes the server sent."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    received = [0]
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))
        ),
    )
    if role is None:
        start = time.perf_counter()
        page.goto(address)
    else:
        # a local sign-in lasts one browser session: sign in on the page's address, then time
        # from pressing "Sign in" (the page itself is what a member waits for)
        page.goto(address)
        page.get_by_role("textbox", name="Email address").fill(f"{role}@demo.example")
        page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
        start = time.perf_counter()
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=headline).first.wait_for(timeout=120_000)
    elapsed = time.perf_counter() - start
    page.wait_for_function(SCRIPT_DONE, timeout=120_000)
    context.close()
    return elapsed, received[0]


def report(scale: str, server: dict, browser: dict | None) -> None:
    bare_cached = server["(bare page)"].cached_s
    bare_browser = browser["(bare page)"][0] if browser else None
    print(f"\n== {scale} scale ==")
    print(
        f"{'page':32} {'cold s':>8} {'cached s':>9} {'x bare':>7} {'versions':>8} {'SQL':>4} "
        f"{'browser s':>10} {'x bare':>7} {'ws payload':>11}  verdict"
    )
    for title, run in server.items():
        cold, cached = run.cold_s, run.cached_s
        ratio = cached / bare_cached if bare_cached else float("nan")
        b_time, payload = (browser or {}).get(title, (None, None))
        b_text = f"{b_time:10.2f} {b_time / bare_browser:7.1f}" if b_time else f"{'-':>10} {'-':>7}"
        p_text = f"{payload / 1024:9.0f}kB" if payload is not None else f"{'-':>11}"
        # the 3x-bare target is judged on what a member waits for (the browser); the AppTest
        # ratio is printed too, but a bare rerun takes ~2 ms, so any real page is many times it
        b_ratio = b_time / bare_browser if b_time and bare_browser else None
        if scale == "sample":
            ok = cached < TARGET_CACHED_S and (b_ratio is None or b_ratio <= TARGET_RATIO)
        else:
            ok = cached < TARGET_NATIONAL_S
        ok = ok and (payload is None or payload < TARGET_PAYLOAD)
        ok = ok and run.version_queries <= TARGET_VERSION_QUERIES
        print(
            f"{title:32} {cold:8.3f} {cached:9.3f} {ratio:7.1f} {run.version_queries:8d} "
            f"{run.statements:4d} {b_text} {p_text}  "
            f"{'ok' if ok or title == '(bare page)' else 'MISSED'}"
        )


def figures(scale: str, server: dict, browser: dict | None) -> dict[str, float]:
    """The measures ``report`` prints, by name (seconds; the payload in kB; SQL statements of a
    cached rerun, and those that read the dataset versions)."""
    named = {}
    for title, run in server.items():
        named[f"{scale}.{title}.cold_s"] = run.cold_s
        named[f"{scale}.{title}.cached_s"] = run.cached_s
        if title != "(bare page)":  # the bare page reads no store
            named[f"{scale}.{title}.version_queries"] = run.version_queries
            named[f"{scale}.{title}.sql_statements"] = run.statements
    for title, (seconds, payload) in (browser or {}).items():
        named[f"{scale}.{title}.browser_s"] = seconds
        named[f"{scale}.{title}.payload_kb"] = payload / 1024
    return named


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from generate_national import DEFAULT_OUT, ENGLISH_COUNCILS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("sample", "national", "both"), default="both")
    parser.add_argument("--councils", type=int, default=ENGLISH_COUNCILS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--data", type=Path, help=f"the national dataset's folder ({DEFAULT_OUT})")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"both scales once, no browser, {SMOKE_COUNCILS} council(s), in a temporary folder",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale, args.councils, args.repeats, args.no_browser = "both", SMOKE_COUNCILS, 1, True
    args.data = args.data or DEFAULT_OUT
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    named = {}
    with tempfile.TemporaryDirectory(prefix="ascgov_bench_pages_") as tmp:
        folder = Path(tmp)
        # a smoke run keeps nothing: its data and stores go with the temporary folder
        data, keep = (folder / "national", folder) if args.smoke else (args.data, BENCH / "out")
        scales = ("sample", "national") if args.scale == "both" else (args.scale,)
        for scale in scales:
            started = time.perf_counter()
            if scale == "sample":
                url = sample_store(folder, passwords=not args.smoke)
            else:
                url = national_store(data, args.councils, keep, passwords=not args.smoke)
            named[f"{scale}.store_ready_s"] = time.perf_counter() - started
            print(f"{scale}: store ready in {named[f'{scale}.store_ready_s']:.1f} s")
            server = server_side(url, args.repeats)
            browser = None if args.no_browser else browser_side(url, args.repeats, folder)
            report(scale, server, browser)
            named |= figures(scale, server, browser)
    print(f"load average now {record.load_average()}")
    settings = {"councils": args.councils, "repeats": args.repeats, "browser": not args.no_browser}
    record.save(args.json, "bench_pages", named, smoke=args.smoke, **settings)


if __name__ == "__main__":
    main()
