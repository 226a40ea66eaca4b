"""The dashboard in a browser on the million-report database: time from
navigation to each page's main chart drawn, and concurrent sessions.

    .venv/bin/python -m benchmarks.page_load [--db PATH] [--runs 5] [--sessions 10]

Starts ``streamlit run`` on ``--db`` (build it with ``make bench-large``) and
measures, per page, the time until its main element is drawn (a plotly
chart's SVG, or the first table):

* **in-app navigation** — in an open session, a click on the page's link in
  the sidebar once the page before has finished loading (round 1 meets the
  server's cold query cache, later rounds show the cached path);
* **opening a link** — a new browser tab on the page's URL with its
  parameters: a new Streamlit session, with the browser's cache of the app's
  scripts, as for an official opening a shared link.

* **a first visit** — a browser with an empty cache opening 总览: the time
  until its first chart is drawn and the bytes transferred (HTTP bodies and
  headers as received, compressed where the server compressed them; the
  websocket's messages are not counted), straight from Streamlit and through
  nginx configured by ``deploy/nginx.conf`` (gzip), as docs/deploy.md sets
  an office's server up.

Then ``--sessions`` browser sessions walk every page at the same time on the
same server and any exception, dialog or timeout is counted.

``make bench-pages`` runs it on a 20,000-report synthetic database (built
once, ``python -m etl synth``); ``--db`` takes any other, such as the
million-report one of ``make bench-large``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import duckdb
from playwright.async_api import Page as AsyncPage
from playwright.async_api import async_playwright
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_TITLES,
    launch,
    new_page,
    screenshot,
    streamlit_server,
    wait_until_idle,
)
from tests.proxy import nginx_in_front_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "benchmarks" / "data" / "large.duckdb"
CHART = "[data-testid=stPlotlyChart] .main-svg"
TABLE = "[data-testid=stTable] table"
# What "drawn" means per page: its main chart, or its first table.
READY = {path: CHART for path in PAGE_TITLES} | {"definitions": TABLE}
TIMEOUT_MS = 120_000


def page_links(db: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A URL per page, with the page's own parameters picked from the data;
    and the sidebar filters a session needs before it clicks to a page."""
    with duckdb.connect(str(db), read_only=True) as con:
        compared = [
            agency_id
            for (agency_id,) in con.execute(
                "SELECT agency_id FROM agencies WHERE province = '江苏省' AND level = 'county' "
                "AND kind = 'government' ORDER BY report_count DESC, agency_id LIMIT 5"
            ).fetchall()
        ]
    compare = "&".join(f"cmp_agency={agency_id}" for agency_id in compared)
    starts = {
        "compare": "/?" + compare.replace("cmp_agency", "agency"),
        "profile": f"/?agency={compared[0]}",
    }
    links = {
        "overview": "/",
        "proactive": "/proactive",
        "applications": "/applications",
        "review": "/review",
        "compare": f"/compare?{compare}",
        "profile": f"/profile?prof_agency={compared[0]}",
        "quality": "/quality",
        "definitions": "/definitions",
    }
    return links, starts


def time_page(page: Page, url: str, ready: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.locator(ready).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    return time.perf_counter() - started


def time_click(page: Page, path: str) -> float:
    """Click the page's sidebar link; wait for its title and main element in
    the new run (Streamlit marks what the previous page left as stale)."""
    fresh = "[data-testid=stMain] [data-stale=false]"
    started = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=PAGE_TITLES[path]).click()
    page.locator(f"{fresh} h1", has_text=PAGE_TITLES[path]).first.wait_for(timeout=TIMEOUT_MS)
    page.locator(f"{fresh} {READY[path]}").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    return time.perf_counter() - started


def click_times(browser: Browser, base: str, starts: dict[str, str], rounds: int) -> dict:
    """Each round clicks through every page in one session. Pages that need
    agencies get them from the sidebar filter the session was opened with.
    Each click is made once the page before has finished loading, as an
    official clicks after reading it: a click while it is still loading
    would also time the rest of that page."""
    times: dict[str, list[float]] = {path: [] for path in PAGE_TITLES}
    for _ in range(rounds):
        sessions: dict[str, Page] = {}
        for path in PAGE_TITLES:
            start = starts.get(path, "/")
            if start not in sessions:
                sessions[start] = new_page(browser)
                sessions[start].goto(base + start)
                sessions[start].locator(CHART).first.wait_for(timeout=TIMEOUT_MS)
            wait_until_idle(sessions[start], TIMEOUT_MS)
            times[path].append(time_click(sessions[start], path))
        for page in sessions.values():
            page.close()
    return times


def link_times(browser: Browser, base: str, links: dict[str, str], runs: int) -> dict:
    times: dict[str, list[float]] = {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    for path, link in links.items():
        times[path] = []
        for run in range(runs):
            page = context.new_page()  # a new tab: a new Streamlit session
            times[path].append(time_page(page, base + link, READY[path]))
            if run == 0:
                screenshot(page, ARTIFACTS / f"large-{path}.png")
            page.close()
    context.close()
    return times


def first_visits(browser: Browser, base: str, runs: int) -> tuple[list[float], list[int]]:
    """Seconds to 总览's first chart and bytes received, each run in a new
    browser context: nothing cached, as on an office PC's first visit."""
    seconds, received = [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
        page = context.new_page()
        responses = []
        page.on("requestfinished", lambda request, into=responses: into.append(request))
        seconds.append(time_page(page, base + "/", CHART))
        page.wait_for_load_state("networkidle")
        sizes = [request.sizes() for request in responses]
        received.append(sum(size["responseBodySize"] + size["responseHeadersSize"]
                            for size in sizes))  # fmt: skip
        context.close()
    return seconds, received


def report_first_visits(title: str, seconds: list[float], received: list[int]) -> None:
    print(f"\n{title}: median {statistics.median(seconds):.2f} s (of {len(seconds)}: "
          f"{', '.join(f'{s:.2f}' for s in seconds)}), "
          f"{statistics.median(received) / 1e6:.2f} MB received")  # fmt: skip


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'page':<14}{'first':>8}{'median of rest':>16}{'max':>8}")
    for path, runs in times.items():
        rest = runs[1:] or runs
        print(f"{PAGE_TITLES[path]:<12}{runs[0]:>8.2f}{statistics.median(rest):>16.2f}"
              f"{max(runs):>8.2f}")  # fmt: skip


async def _walk(page: AsyncPage, base: str, links: dict[str, str]) -> tuple[int, list[str]]:
    problems = []
    for path, link in links.items():
        try:
            await page.goto(base + link)
            await page.locator(READY[path]).first.wait_for(state="visible", timeout=TIMEOUT_MS)
            if await page.get_by_test_id("stException").count():
                problems.append(f"{path}: exception shown")
            if await page.get_by_role("dialog").count():
                problems.append(f"{path}: dialog shown")
        except Exception as error:  # a timeout or a crash is what we count
            problems.append(f"{path}: {type(error).__name__}")
    return len(links), problems


async def concurrent_sessions(base: str, links: dict[str, str], sessions: int) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [
            await browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            for _ in range(sessions)
        ]
        started = time.perf_counter()
        results = await asyncio.gather(*(_walk(page, base, links) for page in pages))
        elapsed = time.perf_counter() - started
        await browser.close()
    visits = sum(count for count, _ in results)
    problems = [problem for _, found in results for problem in found]
    print(f"\n{sessions} concurrent sessions, every page each: {visits} page views in "
          f"{elapsed:.1f} s, {len(problems)} problems")  # fmt: skip
    for problem in problems:
        print(f"  {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"{args.db}: no such database; build it with `make bench-large`")
    ARTIFACTS.mkdir(exist_ok=True)
    links, starts = page_links(args.db)
    with (
        streamlit_server(args.db, ARTIFACTS / "streamlit-large.log") as base,
        nginx_in_front_of(base) as proxied,
    ):
        with sync_playwright() as playwright:
            browser = launch(playwright)
            first_visits(browser, base, 1)  # the server's query cache warmed, as for a 2nd user
            direct = first_visits(browser, base, args.runs)
            gzipped = first_visits(browser, proxied, args.runs)
            clicks = click_times(browser, proxied, starts, args.runs)
            opened = link_times(browser, proxied, links, args.runs)
            browser.close()
        report_first_visits("first visit of 总览, straight from Streamlit", *direct)
        report_first_visits("first visit of 总览, through nginx (gzip)", *gzipped)
        report(f"in-app navigation → main element drawn, seconds ({args.runs} rounds)", clicks)
        report(f"opening a link in a new tab → drawn, seconds ({args.runs} tabs)", opened)
        asyncio.run(concurrent_sessions(proxied, links, args.sessions))


if __name__ == "__main__":
    main()
