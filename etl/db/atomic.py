"""Replacing the database file all at once.

A load builds a complete new file beside the live one and renames it over the
live one only when done. A rename is atomic on POSIX, so readers see the old
database or the new one, never a half-written file; a load killed at any
moment leaves only a stray temporary file, which the next load removes.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_MARK = ".loading-"


class LoadError(Exception):
    """The load cannot start or finish; ``str()`` is the one line shown to the user."""


@contextmanager
def exclusive_lock(db: Path) -> Iterator[None]:
    """Hold the database's lock file: one load at a time. The OS releases the
    lock when the process dies, however it dies."""
    lock_path = db.with_name(db.name + ".lock")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as error:
        raise LoadError(f"{db}: 无法创建锁文件（{error.strerror or error}）") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise LoadError(f"{db}: 另一个载入正在进行，请等它结束后再试") from error
        yield


def temp_path(db: Path) -> Path:
    return db.with_name(f"{db.name}{TEMP_MARK}{os.getpid()}")


def remove_stale_temps(db: Path) -> list[Path]:
    """Remove what killed loads left behind. Only call while holding the lock."""
    stale = sorted(db.parent.glob(f"{db.name}{TEMP_MARK}*"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def swap_in(temp: Path, db: Path) -> None:
    """Make ``temp`` the database, durably: data on disk before the rename, and
    the rename itself on disk before returning."""
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, db)
    directory = os.open(db.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
