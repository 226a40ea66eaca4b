"""A load killed with SIGKILL at any moment leaves the previous database intact
and readable, and the next load works. Real processes, really killed."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.db.load import load
from etl.reports import BUNDLED_REPORTS
from tests.conftest import ROOT, run_cli
from tests.test_load import HONGZE_2023, query

BUNDLED = len(list(BUNDLED_REPORTS.glob("*.json")))
MANY = 4_000  # enough reports that the load runs for a few seconds


@pytest.fixture(scope="module")
def many_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of a real report under made-up agency ids: a load that takes a while."""
    folder = tmp_path_factory.mktemp("many")
    data = json.loads(HONGZE_2023.read_text(encoding="utf-8"))
    for number in range(MANY):
        data["agency"]["id"] = f"test-{number:05d}"
        data["source"]["sha256"] = hashlib.sha256(str(number).encode()).hexdigest()
        (folder / f"{number:05d}.json").write_text(json.dumps(data, ensure_ascii=False))
    return folder


@pytest.fixture
def live_db(tmp_path: Path) -> Path:
    db = tmp_path / "xxgk.duckdb"
    load([BUNDLED_REPORTS], db)
    return db


def start_load(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for_temp_file(db: Path, process: subprocess.Popen, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(db.parent.glob(db.name + ".loading-*"))
        if found:
            return found[0]
        assert process.poll() is None, "the load ended before it started writing"
        time.sleep(0.02)
    raise TimeoutError("the load never started writing")


def fingerprint(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.mark.parametrize("seconds_into_writing", [0.0, 0.4, 1.2])
def test_kill_9_mid_load_leaves_the_previous_database(
    many_reports: Path, live_db: Path, seconds_into_writing: float
) -> None:
    before = fingerprint(live_db)
    process = start_load(many_reports, live_db)
    try:
        wait_for_temp_file(live_db, process)
        time.sleep(seconds_into_writing)
        # The dashboard keeps reading the previous database while the load runs.
        assert query(live_db, "SELECT count(*) FROM reports") == [(BUNDLED,)]
        assert process.poll() is None, "the load finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert fingerprint(live_db) == before
    with duckdb.connect(str(live_db), read_only=True) as con:
        # 本年新收: 21 (洪泽区 2023) + 26 (沭阳县发改局 2023) + 3,214 (2024); 镇海 0.
        assert con.execute("SELECT count(*), sum(received) FROM report_measures").fetchone() == (
            BUNDLED,
            3261.0,
        )
    # The next load clears what the killed one left and completes.
    summary = load([many_reports], live_db)
    assert summary.loaded == MANY and not summary.rejects
    assert not list(live_db.parent.glob(live_db.name + ".loading-*"))
    assert query(live_db, "SELECT count(*) FROM reports") == [(MANY + BUNDLED,)]


def test_a_second_load_at_the_same_time_is_turned_away(many_reports: Path, live_db: Path) -> None:
    process = start_load(many_reports, live_db)
    try:
        wait_for_temp_file(live_db, process)
        second = run_cli("load", str(HONGZE_2023), "--db", str(live_db))
        assert second.returncode == 2
        assert second.stderr.strip() == f"{live_db}: 另一个载入正在进行，请等它结束后再试"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_a_reader_opened_before_the_swap_keeps_its_snapshot(
    many_reports: Path, live_db: Path
) -> None:
    with duckdb.connect(str(live_db), read_only=True) as reader:
        load([many_reports], live_db)
        assert reader.execute("SELECT count(*) FROM reports").fetchone() == (BUNDLED,)
    assert query(live_db, "SELECT count(*) FROM reports") == [(MANY + BUNDLED,)]
