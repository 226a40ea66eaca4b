"""The dashboard in a real browser: Debian's Chromium driven by Playwright
against ``streamlit run`` on a free port. Screenshots go to artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from etl.reports import BUNDLED_REPORTS
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
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


@pytest.fixture(scope="module")
def app_url(bundled_database: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT,
        env={**os.environ, "XXGK_DB": str(bundled_database)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "Debian chromium is required: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=_CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        yield page
        browser.close()


def test_report_list_page(page: Page, app_url: str) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", name="政府信息公开工作年度报告")).to_be_visible(
        timeout=30_000
    )
    count = len(list(BUNDLED_REPORTS.glob("*.json")))
    expect(page.get_by_text(f"共 {count:,} 份报告")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reports.png", full_page=True)
    assert page.get_by_test_id("stException").count() == 0


def test_selecting_a_report_shows_its_findings(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="洪泽区人民政府 2023 年度").click()
    alerts = page.get_by_test_id("stAlertContentError")
    expect(alerts).to_have_count(2, timeout=30_000)
    expect(alerts.first).to_contain_text("总计栏为 0")
    page.screenshot(path=ARTIFACTS / "report-findings.png", full_page=True)
