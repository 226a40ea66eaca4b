"""Every untrusted file is read in a bounded worker process (etl/bounded.py):
a file that hangs, exhausts memory or crashes its worker is rejected with its
reason and the rest load; a killed loader takes its workers with it."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.bounded import (
    FileReaders,
    Limits,
    Refused,
    Task,
    memory_limit_problem,
    run_bounded,
    time_limit_problem,
)
from etl.errors import WorkerFailure
from tests import bounded_tasks
from tests.conftest import RAW, ROOT, run_cli
from tests.hostile_files import HOSTILE_FILES, REFUSED_FOR, fan_out_pdf, write_hostile_files
from tests.processes import children, ended, rss_mb, without_file_privileges

LIMITS = Limits(seconds=3, memory_mb=1024)
# For the load tests: long enough for any good report on a loaded machine.
LOAD_SECONDS, LOAD_MEMORY_MB = "60", "1536"
GOOD_RAW = ("2023_huaian_hongzequ.txt", "2024_huaian_hongzequ.txt", "2023_shuyang_fagaiju.html")


def test_each_task_ends_with_its_result_or_the_limit_it_passed() -> None:
    tasks = [
        Task(bounded_tasks.sleep, (0.1,), "quick"),
        Task(bounded_tasks.sleep, (30,), "hangs"),
        Task(bounded_tasks.allocate, (4096,), "greedy"),
        Task(bounded_tasks.crash, (), "crashes"),
        Task(bounded_tasks.refuse, ("不是报告",), "refused"),
        Task(bounded_tasks.sleep, (0.2,), "after them"),
    ]
    started = time.monotonic()
    with FileReaders(2, LIMITS) as readers:
        outcomes = list(readers.run(tasks))
    assert outcomes == [
        0.1,
        Refused("hangs", time_limit_problem(LIMITS)),
        Refused("greedy", memory_limit_problem(LIMITS)),
        Refused("crashes", "读取该文件的进程意外终止（SIGSEGV），已停止"),
        Refused("refused", "不是报告"),
        0.2,
    ]
    assert time.monotonic() - started < 60  # the hang ended at its limit, not at its 30 s


def test_a_worker_killed_from_outside_costs_only_its_task() -> None:
    with FileReaders(1, Limits(seconds=60, memory_mb=1024)) as readers:
        tasks = [
            Task(bounded_tasks.kill_self, (), "killed"),
            Task(bounded_tasks.sleep, (0.1,), "next"),
        ]
        outcomes = list(readers.run(tasks))
    assert outcomes == [
        Refused("killed", "读取该文件的进程被系统终止（SIGKILL，多为内存不足），已停止"),
        0.1,
    ]


def test_a_bug_in_a_worker_is_one_line_with_its_traceback_kept_for_the_log() -> None:
    limits = Limits(seconds=60, memory_mb=1024)
    with pytest.raises(WorkerFailure) as raised:
        run_bounded(Task(bounded_tasks.fail, ("秘密路径",), "report.txt"), limits)
    assert raised.value.problem == "内部错误（KeyError: '秘密路径'），请报告此问题"
    assert "in fail\n" in raised.value.details and raised.value.details.endswith(
        "KeyError: '秘密路径'\n"
    )
    with FileReaders(1, limits) as readers:  # the loader's view: a reject, then the next file
        tasks = [Task(bounded_tasks.fail, ("x",), "bug"), Task(bounded_tasks.sleep, (0.1,), "next")]
        assert list(readers.run(tasks)) == [
            Refused("bug", "内部错误（KeyError: 'x'），请报告此问题"),
            0.1,
        ]


def _load(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("load", *args, "--file-seconds", LOAD_SECONDS, "--file-memory", LOAD_MEMORY_MB)


def test_a_load_survives_its_worst_files(tmp_path: Path) -> None:
    """300 good reports (synthetic JSON and real raw reports) beside every
    hostile file and a named pipe: the good ones load, each hostile one is
    rejected with its reason."""
    folder = tmp_path / "inputs"
    result = run_cli("synth", "--reports", "297", "--seed", "5", "--out", str(folder / "synth"))
    assert result.returncode == 0, result.stderr
    for name in GOOD_RAW:
        (folder / name).write_bytes((RAW / name).read_bytes())
    hostile = write_hostile_files(folder / "hostile")
    os.mkfifo(folder / "hostile" / "x.txt")
    db = tmp_path / "x.duckdb"
    started = time.monotonic()
    result = _load(str(folder), "--db", str(db))
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (300,)
        rejects = dict(con.execute("SELECT file, reason FROM rejects").fetchall())
    reasons = {Path(file).name: reason for file, reason in rejects.items()}
    assert set(reasons) == {path.name for path in hostile.values()} | {"x.txt"}
    assert reasons.pop("x.txt") == "不是普通文件（命名管道、设备或套接字），未读取"
    limits = Limits(float(LOAD_SECONDS), int(LOAD_MEMORY_MB))
    for name, reason in reasons.items():
        assert_refused_for(name, reason, limits)
    print(f"load of 300 good and {len(reasons) + 1} hostile files: {took:.1f} s")


def assert_refused_for(file_name: str, problem: str, limits: Limits) -> None:
    """``problem`` is what the hostile file ``file_name`` is refused for."""
    expected = REFUSED_FOR[file_name]
    if expected is None:
        assert problem in (time_limit_problem(limits), memory_limit_problem(limits)), problem
    else:
        assert expected in problem, (file_name, problem)


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_parse_refuses_each_hostile_file_within_its_limits(tmp_path: Path, name: str) -> None:
    file_name, build = HOSTILE_FILES[name]
    path = tmp_path / file_name
    path.write_bytes(build())
    result = run_cli("parse", str(path), "--file-seconds", LOAD_SECONDS, "--file-memory",
                     LOAD_MEMORY_MB)  # fmt: skip
    assert result.returncode == 2
    file, problem = result.stderr.strip().split(": ", 1)
    assert file == str(path)
    assert_refused_for(file_name, problem, Limits(float(LOAD_SECONDS), int(LOAD_MEMORY_MB)))


def test_a_worker_killed_during_a_load_rejects_its_file_alone(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "a-fan-out.pdf").write_bytes(fan_out_pdf())
    for name in GOOD_RAW:
        (folder / name).write_bytes((RAW / name).read_bytes())
    db = tmp_path / "x.duckdb"
    loader = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db),
         "--file-seconds", "300", "--file-memory", "8192"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # The fan-out grows to gigabytes; a worker reading a good report holds 150–300 MB.
    worker = _worker_reading(loader.pid, min_rss_mb=1000)
    os.kill(worker, signal.SIGKILL)  # as the out-of-memory killer would
    _, err = loader.communicate(timeout=300)
    assert loader.returncode == 0, err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (len(GOOD_RAW),)
        assert con.execute("SELECT file, reason FROM rejects").fetchall() == [
            (
                str(folder / "a-fan-out.pdf"),
                "读取该文件的进程被系统终止（SIGKILL，多为内存不足），已停止",
            )
        ]


def test_a_killed_loader_takes_its_workers_with_it(tmp_path: Path) -> None:
    hanging = tmp_path / "fan-out.pdf"
    hanging.write_bytes(fan_out_pdf())
    loader = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(hanging), "--db", str(tmp_path / "x.duckdb"),
         "--file-seconds", "300", "--file-memory", "8192"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = _worker_reading(loader.pid, min_rss_mb=0)
    loader.kill()
    loader.wait()
    assert ended([worker]), "the worker outlived its loader"


def test_parse_stops_a_hanging_file_at_its_limit(tmp_path: Path) -> None:
    hanging = tmp_path / "fan-out.pdf"
    hanging.write_bytes(fan_out_pdf())
    result = run_cli("parse", str(hanging), "--file-seconds", "2", "--file-memory", "16384")
    assert result.returncode == 2
    assert result.stderr.strip() == f"{hanging}: {time_limit_problem(Limits(2, 16384))}"


def test_limit_options_refuse_what_is_no_limit() -> None:
    result = run_cli("parse", str(RAW / GOOD_RAW[0]), "--file-seconds", "0")
    assert result.returncode == 2
    assert "应为正数" in result.stderr


def _worker_reading(loader: int, min_rss_mb: float) -> int:
    """A worker process of ``loader`` once one has started reading and holds
    at least ``min_rss_mb``."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for child in children(loader):
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                if b"etl.bounded" in cmdline and rss_mb(child) >= max(min_rss_mb, 1):
                    return child
            except OSError:
                continue
        time.sleep(0.1)
    pytest.fail("no worker started reading")


def test_a_database_that_cannot_be_written_is_named_and_nothing_is_left(tmp_path: Path) -> None:
    """A file-size limit of 1 MB stands in for a full disk: exit 2 with one
    line, no temporary file or write-ahead log left, an existing database
    unchanged."""
    db = tmp_path / "x.duckdb"
    assert run_cli("load", str(RAW / GOOD_RAW[0]), "--db", str(db)).returncode == 0
    before = db.read_bytes()

    def one_megabyte_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(ROOT / "data" / "reports"), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, preexec_fn=one_megabyte_files,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"{db}: 无法写入数据库（")
    assert result.stderr.strip().endswith("File too large），数据库未改动")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x.duckdb", "x.duckdb.lock"]
    assert db.read_bytes() == before
    result = run_cli("load", str(ROOT / "data" / "reports"), "--db", "/proc/x.duckdb")
    assert (result.returncode, result.stderr.strip()) == (
        2, "/proc/x.duckdb: 无法创建锁文件（No such file or directory）")  # fmt: skip


def _load_without_privileges(*args: str) -> subprocess.CompletedProcess[str]:
    command = [*without_file_privileges(), sys.executable, "-m", "etl", "load", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_a_database_in_a_read_only_folder_is_named_and_nothing_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "x.duckdb"
    assert run_cli("load", str(RAW / GOOD_RAW[0]), "--db", str(db)).returncode == 0
    before = db.read_bytes()
    folder.chmod(0o555)
    try:
        changed = _load_without_privileges(str(ROOT / "data" / "reports"), "--db", str(db))
        new = _load_without_privileges(str(RAW / GOOD_RAW[0]), "--db", str(folder / "new.duckdb"))
    finally:
        folder.chmod(0o755)
    assert (changed.returncode, changed.stderr.strip()) == (
        2, f"{db}: 无法写入数据库（Permission denied），数据库未改动")  # fmt: skip
    assert (new.returncode, new.stderr.strip()) == (
        2, f"{folder / 'new.duckdb'}: 无法创建锁文件（Permission denied）")  # fmt: skip
    assert sorted(path.name for path in folder.iterdir()) == ["x.duckdb", "x.duckdb.lock"]
    assert db.read_bytes() == before


def test_unreadable_folders_and_files_are_rejects_with_their_reasons(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    for part in ("readable", "locked", "pages-locked"):
        (inputs / part).mkdir(parents=True)
    (inputs / "readable" / GOOD_RAW[0]).write_bytes((RAW / GOOD_RAW[0]).read_bytes())
    (inputs / "locked" / GOOD_RAW[1]).write_bytes((RAW / GOOD_RAW[1]).read_bytes())
    (inputs / "secret.txt").write_bytes((RAW / GOOD_RAW[1]).read_bytes())
    locked = [inputs / "locked", inputs / "pages-locked", inputs / "secret.txt"]
    for path in locked:
        path.chmod(0)
    try:
        loaded = _load_without_privileges(str(inputs), "--db", str(tmp_path / "x.duckdb"))
        parsed = subprocess.run(
            [*without_file_privileges(), sys.executable, "-m", "etl", "parse", str(locked[0])],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        for path in locked:
            path.chmod(0o755)
    assert loaded.returncode == 0, loaded.stderr
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (1,)
        assert con.execute("SELECT file, reason FROM rejects ORDER BY file").fetchall() == [
            (str(locked[0]), "无法读取文件夹（权限不足），其中的文件未载入"),
            (str(locked[1]), "无法读取文件夹（权限不足），其中的文件未载入"),
            (str(locked[2]), "无法读取文件（Permission denied）"),
        ]
    assert (parsed.returncode, parsed.stderr.strip()) == (
        2, f"{locked[0]}: 无法读取文件夹（Permission denied）")  # fmt: skip
