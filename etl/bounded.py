"""Untrusted files read in worker processes, each bounded in memory and time.

A report file is anyone's to write: a PDF whose forms fan out forever, a zip
that unpacks to gigabytes. Every raw file the loader, ``parse`` and the
dashboard's 检查报告 read is read in a worker process with an address-space
limit (``RLIMIT_AS``) and a wall-clock limit. A worker past its time is
killed; one out of memory, crashed or killed from outside (as the kernel's
out-of-memory killer would) costs only the file it was reading, which is
rejected with a message naming the limit or what happened. Workers die with
the process that started them, even one killed outright (``kill -9``).

A worker is a fresh interpreter (``python -m etl.bounded``), not a fork of
the caller: the caller may run DuckDB's or a web server's threads, and
multiprocessing's own start methods would run the dashboard's script again
in each worker (Streamlit puts it in ``sys.modules["__main__"]``). Starting
one costs about a second; a load or an upload reuses its workers from file to
file, and only a killed one is replaced.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from etl.errors import ExtractionError, WorkerFailure

# A scan read by OCR (a page at a time) peaks near 1.7 GB of address space, a text
# report under 0.3 GB; OCR stops itself after 600 s a report with its own
# message, so the wall clock here is the backstop behind it.
DEFAULT_SECONDS = 900.0
DEFAULT_MEMORY_MB = 3072
SECONDS_ENV = "XXGK_FILE_SECONDS"
MEMORY_ENV = "XXGK_FILE_MEMORY_MB"
_PROJECT = Path(__file__).resolve().parent.parent  # for the worker's imports
_PR_SET_PDEATHSIG = 1
HEARTBEAT_SECONDS = 0.5
# The lowest niceness; SCHED_IDLE would be lower still, but on a busy machine
# it can starve a file past its time limit.
_NICENESS = 19
_STARTUP_SECONDS = 120.0  # for a new worker's interpreter and imports, on a busy machine
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one file may take: seconds of wall-clock time, megabytes of address space."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


def limits_from_environment() -> Limits:
    """The limits the environment sets (``XXGK_FILE_SECONDS``,
    ``XXGK_FILE_MEMORY_MB``), the defaults otherwise."""
    seconds = os.environ.get(SECONDS_ENV)
    memory = os.environ.get(MEMORY_ENV)
    return Limits(
        float(seconds) if seconds else DEFAULT_SECONDS,
        int(memory) if memory else DEFAULT_MEMORY_MB,
    )


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"应为正数，而不是 {text!r}")
        return value

    return parse


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--file-seconds`` and ``--file-memory``, defaulting to the environment's limits."""
    limits = limits_from_environment()
    for option, kind, default, metavar, what, variable in (
        ("--file-seconds", float, limits.seconds, "S", "after S seconds", SECONDS_ENV),
        ("--file-memory", int, limits.memory_mb, "MB", "past MB of memory", MEMORY_ENV),
    ):
        parser.add_argument(
            option,
            type=_positive(kind),
            default=default,
            metavar=metavar,
            help=f"stop reading a file {what} (default {default:g}; {variable})",
        )


def limits_of(args: argparse.Namespace) -> Limits:
    return Limits(args.file_seconds, args.file_memory)


@dataclass(frozen=True)
class Task:
    """``function(*arguments)`` for the file ``file``; the function, its
    arguments and its result must pickle."""

    function: Callable[..., Any]
    arguments: tuple[Any, ...]
    file: str


@dataclass(frozen=True)
class Refused:
    """A task that ended without a result: the file and the one-line reason;
    for a bug of ours, the worker's traceback too (for a log, not the user)."""

    file: str
    problem: str
    details: str = field(default="", compare=False)


def time_limit_problem(limits: Limits) -> str:
    return f"读取超过 {limits.seconds:g} 秒的时间上限，已停止（文件可能有意构造得难以处理）"


def memory_limit_problem(limits: Limits) -> str:
    return f"读取所需内存超过 {limits.memory_mb:,} MB 的上限，已停止（文件可能有意构造得难以处理）"


def _ended_problem(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:  # not by us: by the kernel, most likely for memory
            return f"读取该文件的进程被系统终止（{name}，多为内存不足），已停止"
        if -exitcode == signal.SIGABRT:  # a library's allocation failed under the limit
            return memory_limit_problem(limits)
        return f"读取该文件的进程意外终止（{name}），已停止"
    return f"读取该文件的进程意外退出（退出码 {exitcode}），已停止"


# --- The worker ----------------------------------------------------------------


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent ends, however it ends."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: a worker ends when its socket closes
        pass


def _serve(connection: Connection, limits: Limits) -> None:
    """The worker's loop: a task in, its outcome out, until the caller hangs up."""
    for module in ("etl.extract", "etl.db.inputs"):  # what tasks need, before the first
        importlib.import_module(module)
    connection.send(("ready", None))  # a file's time starts now, not at the interpreter's start
    address_space_to_keep = limits.memory_mb * _MB // 2
    gc.freeze()  # what the imports made is never garbage: not rescanned (see etl/db/inputs.py)
    # A refusal is (problem, details): details, a traceback, only for a bug of ours.
    out_of_memory = ("last", (memory_limit_problem(limits), ""))
    while True:
        try:
            task: Task = connection.recv()
        except EOFError:  # the caller is gone
            return
        try:
            reply: tuple[str, Any] = ("done", task.function(*task.arguments))
        except ExtractionError as error:
            reply = ("refused", (error.problem, ""))
        except MemoryError:
            # What was allocated may be held still: this worker reads no other file.
            connection.send(out_of_memory)
            return
        except Exception as error:  # a bug of ours: the file is rejected, the rest go on
            problem = f"内部错误（{type(error).__name__}: {error}），请报告此问题"
            reply = ("refused", (problem, traceback.format_exc()))
        if _address_space() > address_space_to_keep:
            # Memory a file took stays reserved after it (the allocator keeps
            # it): a worker that grew past half its limit reads no other file.
            reply = ("last" if reply[0] == "refused" else "done-last", reply[1])
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(out_of_memory)
            return
        if reply[0] in ("last", "done-last"):
            return


def _address_space() -> int:
    """This process's address space now, in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


def _worker_main(argv: list[str]) -> None:
    descriptor, parent, seconds, memory_mb = argv
    _die_with_parent()
    if os.getppid() != int(parent):  # the parent ended before the line above
        sys.exit(1)
    os.nice(_NICENESS)  # pages people are waiting for come before a file being read
    limits = Limits(float(seconds), int(memory_mb))
    address_space = limits.memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    _serve(Connection(int(descriptor)), limits)


class _Worker:
    def __init__(self, limits: Limits) -> None:
        ours, theirs = socket.socketpair()
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(_PROJECT), environment.get("PYTHONPATH")])
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "etl.bounded", str(theirs.fileno()), str(os.getpid()),
             str(limits.seconds), str(limits.memory_mb)],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=environment,
        )  # fmt: skip
        theirs.close()
        self.connection = Connection(ours.detach())
        self.task: tuple[int, Task] | None = None
        self.ready = False  # the worker said it has started
        self.deadline = 0.0

    def give(self, index: int, task: Task, limits: Limits) -> None:
        self.task = (index, task)
        starting = 0.0 if self.ready else _STARTUP_SECONDS
        self.deadline = time.monotonic() + starting + limits.seconds
        self.connection.send(task)

    def exit_code(self) -> int | None:
        return self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.connection.close()


# --- The pool ------------------------------------------------------------------


class FileReaders:
    """Up to ``workers`` worker processes under ``limits``; use as a context
    manager (every worker is killed at its end)."""

    def __init__(
        self,
        workers: int,
        limits: Limits,
        heartbeat: Callable[[], None] | None = None,
    ) -> None:
        """``heartbeat``, when given, is called about every HEARTBEAT_SECONDS
        while results are awaited: a caller that must stay responsive (a
        dashboard session that can be closed) does its checks there, and
        whatever it raises ends the wait, the workers killed."""
        self.limits = limits
        self._heartbeat = heartbeat
        self._count = max(1, workers)
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []

    def __enter__(self) -> FileReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in [*self._idle, *self._busy]:
            worker.stop()
        self._idle, self._busy = [], []

    def run(self, tasks: Iterable[Task], window: int = 8) -> Iterator[Any | Refused]:
        """Each task's result (or Refused), in the order of ``tasks``, with at
        most ``window`` tasks read ahead of the one next to be returned."""
        pending = iter(enumerate(tasks))
        finished: dict[int, Any] = {}
        next_out = next_in = 0  # the next task to return, the next to hand out
        exhausted = False
        while True:
            while not exhausted and len(self._busy) < self._count and next_in - next_out < window:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                self._worker().give(*item, self.limits)
                next_in += 1
            if exhausted and next_out == next_in:
                return
            for index, outcome in self._collect():
                finished[index] = outcome
            while next_out in finished:
                yield finished.pop(next_out)
                next_out += 1

    def _worker(self) -> _Worker:
        worker = self._idle.pop() if self._idle else _Worker(self.limits)
        self._busy.append(worker)
        return worker

    def _collect(self) -> Iterator[tuple[int, Any]]:
        """Wait for a worker to answer, end or pass its deadline."""
        if not self._busy:
            return
        timeout = max(0.0, min(worker.deadline for worker in self._busy) - time.monotonic())
        if self._heartbeat is not None:
            self._heartbeat()
            timeout = min(timeout, HEARTBEAT_SECONDS)
        ready = wait([worker.connection for worker in self._busy], timeout)
        now = time.monotonic()
        for worker in list(self._busy):
            assert worker.task is not None
            index, task = worker.task
            if worker.connection in ready:
                try:
                    kind, value = worker.connection.recv()
                except (EOFError, OSError):  # it ended without answering
                    problem = _ended_problem(worker.exit_code(), self.limits)
                    yield index, Refused(task.file, problem)
                    self._retire(worker)
                    continue
                if kind == "ready":
                    worker.ready = True
                    worker.deadline = now + self.limits.seconds
                    continue
                done = kind in ("done", "done-last")
                yield index, value if done else Refused(task.file, *value)
                if kind in ("last", "done-last"):  # the worker is ending: it reads no other file
                    self._retire(worker)
                    continue
                worker.task = None
                self._busy.remove(worker)
                self._idle.append(worker)
            elif now >= worker.deadline:
                yield index, Refused(task.file, time_limit_problem(self.limits))
                self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        self._busy.remove(worker)


def run_bounded(task: Task, limits: Limits, heartbeat: Callable[[], None] | None = None) -> Any:
    """One task in a worker of its own: its result, or ExtractionError."""
    with FileReaders(1, limits, heartbeat) as readers:
        (outcome,) = readers.run([task])
    if isinstance(outcome, Refused) and outcome.details:
        raise WorkerFailure(outcome.file, outcome.problem, outcome.details)
    if isinstance(outcome, Refused):
        raise ExtractionError(outcome.file, outcome.problem)
    return outcome


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
