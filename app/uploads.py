"""An uploaded file read as the loader reads one: in a bounded worker process
(etl/bounded.py), never in the session's own thread.

At most one file per core is read at a time, server-wide (``XXGK_UPLOAD_SLOTS``
sets another number) — a session that finds every slot taken is told it
waits — so ten people uploading at once cannot starve the pages everyone
else is reading. While a file is read the
session's thread only waits and shows the time taken, every half second: a
closed tab stops it there (Streamlit stops a session's script at its next
element), and the worker is killed with it. Results are kept in a cache
bounded in bytes, shared by all sessions.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import streamlit as st
from streamlit.logger import get_logger

from etl.bounded import HEARTBEAT_SECONDS, Task, limits_from_environment, run_bounded
from etl.extract import extract_bytes
from etl.model import Report

READING_NOTE = "正在读取和校验报告……（扫描件要逐页文字识别，每页需数秒）"
WAITING_NOTE = "服务器正在读取其他用户上传的文件，请稍候，轮到后自动开始……"
SLOTS_ENV = "XXGK_UPLOAD_SLOTS"
_LOG = get_logger(__name__)


def upload_slots() -> int:
    """How many uploads are read at once, server-wide: ``XXGK_UPLOAD_SLOTS``,
    or one per core."""
    cores = os.cpu_count() or 1
    text = os.environ.get(SLOTS_ENV, "")
    if not text:
        return cores
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    _LOG.warning("%s=%r 不是正整数，按每个核心一个（%d）", SLOTS_ENV, text, cores)
    return cores


_SLOTS = threading.BoundedSemaphore(upload_slots())

Value = TypeVar("Value")


def read_upload(data: bytes, file_name: str) -> Report:
    """The report in an uploaded file; ExtractionError as extraction gives it,
    or naming the time or memory limit the file went past."""
    status = st.empty()
    started = time.monotonic()
    if not _SLOTS.acquire(blocking=False):
        while not _SLOTS.acquire(timeout=HEARTBEAT_SECONDS):
            waited = time.monotonic() - started
            status.info(f"{WAITING_NOTE}（已等待 {waited:,.0f} 秒）", icon=":material/hourglass:")
    try:
        started = time.monotonic()

        def show_progress() -> None:
            taken = time.monotonic() - started
            status.info(f"{READING_NOTE}已用时 {taken:,.0f} 秒", icon=":material/hourglass:")

        task = Task(extract_bytes, (data, file_name), file_name)
        return run_bounded(task, limits_from_environment(), show_progress)
    finally:
        _SLOTS.release()
        status.empty()


class BytesBoundedCache(Generic[Value]):
    """The most recently used values whose sizes add up to at most
    ``max_bytes``; safe to share between sessions' threads."""

    def __init__(self, max_bytes: int, size_of: Callable[[Value], int]) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._values: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key][0]

    def put(self, key: Hashable, value: Value) -> None:
        size = self._size_of(value)
        with self._lock:
            if key in self._values:
                self._bytes -= self._values.pop(key)[1]
            if size > self.max_bytes:
                return  # larger than the whole cache: not kept
            self._values[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._values.popitem(last=False)
                self._bytes -= dropped

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._values)
