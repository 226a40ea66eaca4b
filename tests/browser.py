"""Driving the dashboard in a real browser: ``streamlit run`` on a free port
and Debian's Chromium through Playwright. Shared by the browser tests and
the page-load benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# url path → page title (its h1). The default page is also served at /.
PAGE_TITLES = {
    "overview": "总览",
    "proactive": "主动公开",
    "applications": "依申请公开",
    "review": "复议诉讼",
    "compare": "机关对比",
    "profile": "机关档案",
    "quality": "数据质量",
    "definitions": "指标说明",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


@contextmanager
def streamlit_server(database: Path, log: Path | None = None) -> Iterator[str]:
    """``streamlit run dashboard.py`` on ``database``; yields its URL."""
    with streamlit_process(database, log) as (url, _):
        yield url


@contextmanager
def streamlit_process(
    database: Path, log: Path | None = None, environment: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like streamlit_server, with ``environment`` added; yields the URL and
    the server's process."""
    port = free_port()
    output = log.open("w") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=ROOT,
        env={**os.environ, "XXGK_DB": str(database), **(environment or {})},
        stdout=output,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            output.close()


def launch(playwright: Playwright) -> Browser:
    assert Path(CHROMIUM).exists(), "Debian chromium is required: `make test` installs it"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser: Browser) -> Page:
    return browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")


def main_chart(page: Page):
    """The first plotly chart's drawn plot area (an SVG that exists only once
    plotly has rendered the figure)."""
    return page.locator("[data-testid=stPlotlyChart] .main-svg").first


def wait_until_idle(page: Page, timeout: float = 90_000) -> None:
    """Until the page is connected and Streamlit's script run has finished."""
    page.locator(
        "[data-testid=stApp][data-test-script-state=notRunning]"
        "[data-test-connection-state=CONNECTED]"
    ).wait_for(timeout=timeout)


def screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the
    viewport is made as tall as the content for the picture."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stSidebarContent]')].map(e => e.scrollHeight))"
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(500)  # charts redraw at the new size
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright, for a test module."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def open_page(page: Page, url: str) -> None:
    """Go to ``url`` and wait for the script run: no traceback, no
    "Page not found" dialog."""
    page.goto(url)
    wait_until_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
