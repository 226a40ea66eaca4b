"""An upload that takes long to read — the fan-out PDF, which grows until its
worker's limit — keeps no other session waiting: a second session's 总览
opens while the upload is still being read, in about its usual time (the
figures are printed, for the record; machines are too noisy to assert them);
closing the uploading tab stops the reading, its worker killed; and the
server still stops on SIGTERM, its workers with it."""

from __future__ import annotations

import signal
import statistics
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.uploads import READING_NOTE, SLOTS_ENV, WAITING_NOTE
from etl.bounded import MEMORY_ENV, SECONDS_ENV, Limits, memory_limit_problem
from tests.browser import launch, main_chart, new_page, streamlit_process, wait_until_idle
from tests.hostile_files import fan_out_pdf
from tests.processes import alive, children, ended

ROUNDS = 3


def _overview_seconds(browser: Browser, url: str) -> float:
    page = new_page(browser)
    started = time.monotonic()
    page.goto(url)
    expect(main_chart(page)).to_be_visible(timeout=90_000)
    taken = time.monotonic() - started
    page.close()
    return taken


def _start_reading(browser: Browser, url: str, hostile: Path) -> Page:
    page = _upload(browser, url, hostile)
    expect(page.get_by_text("正在读取和校验报告")).to_be_visible(timeout=60_000)
    return page


def _upload(browser: Browser, url: str, hostile: Path) -> Page:
    page = new_page(browser)
    page.goto(f"{url}/check")
    wait_until_idle(page)
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(hostile)
    return page


def test_a_slow_upload_keeps_no_one_waiting_and_the_server_stops(
    bundled_database: Path, tmp_path: Path
) -> None:
    hostile = tmp_path / "fan-out.pdf"
    hostile.write_bytes(fan_out_pdf())
    limits = {SECONDS_ENV: "120", MEMORY_ENV: "16384"}  # it reads on while we measure
    with (
        streamlit_process(bundled_database, tmp_path / "server.log", limits) as (url, server),
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        _overview_seconds(browser, url)  # the first visit warms the server's caches
        usual = [_overview_seconds(browser, url) for _ in range(ROUNDS)]
        uploader = _start_reading(browser, url, hostile)
        workers = [pid for pid in children(server.pid) if alive(pid)]
        assert workers, "the upload is not read in a worker process"
        during = [_overview_seconds(browser, url) for _ in range(ROUNDS)]
        expect(uploader.get_by_text("正在读取和校验报告")).to_be_visible()  # read all along
        print(
            f"总览 opened in {statistics.median(usual):.2f} s (median of {ROUNDS}) alone, "
            f"{statistics.median(during):.2f} s while the fan-out PDF was read"
        )
        uploader.close()  # the session stops at its next half-second wait
        assert ended(workers), "closing the tab left its upload being read"

        _start_reading(browser, url, hostile)
        workers = [pid for pid in children(server.pid) if alive(pid)]
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        server.wait(timeout=60)  # raises if the server ignores SIGTERM
        print(f"the server stopped {time.monotonic() - started:.1f} s after SIGTERM")
        assert ended(workers), "a worker outlived the server"
        browser.close()


def test_an_upload_past_the_slots_waits_its_turn(bundled_database: Path, tmp_path: Path) -> None:
    """One slot: a second upload is told it waits while the first is read,
    only one worker runs, and the second is read once the first has ended
    (at its memory limit)."""
    hostile = tmp_path / "fan-out.pdf"
    hostile.write_bytes(fan_out_pdf())
    limits = Limits(seconds=120, memory_mb=8192)
    environment = {SLOTS_ENV: "1", SECONDS_ENV: "120", MEMORY_ENV: str(limits.memory_mb)}
    with (
        streamlit_process(bundled_database, tmp_path / "server.log", environment) as (url, server),
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        first = _start_reading(browser, url, hostile)
        second = _upload(browser, url, hostile)
        expect(second.get_by_text(WAITING_NOTE)).to_be_visible(timeout=60_000)
        assert len([pid for pid in children(server.pid) if alive(pid)]) == 1
        expect(first.get_by_text(memory_limit_problem(limits), exact=False)).to_be_visible(
            timeout=120_000
        )
        expect(second.get_by_text(READING_NOTE[:10], exact=False)).to_be_visible(timeout=60_000)
        workers = [pid for pid in children(server.pid) if alive(pid)]
        assert len(workers) == 1
        second.close()
        assert ended(workers), "closing the tab left its upload being read"
        browser.close()
