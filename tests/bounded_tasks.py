"""Tasks for the bounded workers' tests (tests/test_bounded.py): module-level
functions, so that a worker can import them by name."""

from __future__ import annotations

import os
import signal
import time

from etl.errors import ExtractionError


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def refuse(problem: str) -> None:
    raise ExtractionError("refused", problem)


def fail(key: str) -> None:
    """A bug of ours, as a reader might have one."""
    raise KeyError(key)
