"""检查报告 takes files from anyone: each hostile file uploaded ends in its
limits with one clear line, read in a bounded worker, never in the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import check, plain
from app.uploads import SLOTS_ENV, BytesBoundedCache, upload_slots
from etl.bounded import MEMORY_ENV, SECONDS_ENV, Limits, memory_limit_problem, time_limit_problem
from tests.hostile_files import HOSTILE_FILES, REFUSED_FOR
from tests.test_page_check import upload

LIMITS = Limits(seconds=20, memory_mb=1536)
# Files past 20 MB are refused by the upload's size limit before they are read.
PAST_THE_UPLOAD_LIMIT = {"pages.pdf", "row.md", "line.txt"}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_a_hostile_upload_ends_with_one_line(
    bundled_database: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(SECONDS_ENV, str(LIMITS.seconds))
    monkeypatch.setenv(MEMORY_ENV, str(LIMITS.memory_mb))
    file_name, build = HOSTILE_FILES[name]
    app = upload(bundled_database, file_name, build())
    assert not app.exception
    (error,) = [element.value for element in app.error]
    assert error.startswith(plain.markdown_text(f"无法读取“{file_name}”："))
    expected = "超过 20 MB 的上限" if file_name in PAST_THE_UPLOAD_LIMIT else REFUSED_FOR[file_name]
    if expected is None:
        assert error.endswith(
            (
                plain.markdown_text(time_limit_problem(LIMITS)),
                plain.markdown_text(memory_limit_problem(LIMITS)),
            )
        ), error
    else:
        assert plain.markdown_text(expected) in error, error


def test_checked_uploads_are_kept_within_their_byte_bound() -> None:
    """The cache of checked uploads, shared by every session, drops the least
    recently used past its bound and never keeps what is larger than it."""
    cache = BytesBoundedCache(max_bytes=100, size_of=len)
    cache.put("a", "x" * 40)
    cache.put("b", "y" * 40)
    assert cache.get("a") == "x" * 40  # now the most recently used
    cache.put("c", "z" * 40)  # 120 bytes: "b" goes
    assert (cache.get("b"), len(cache), cache.bytes) == (None, 2, 80)
    cache.put("huge", "w" * 101)
    assert (cache.get("huge"), len(cache), cache.bytes) == (None, 2, 80)
    assert check.CACHED_CHECK_BYTES == 256 * 1024 * 1024


@pytest.mark.parametrize(("value", "slots"), [("", None), ("1", 1), ("3", 3), ("0", None),
                                              ("²", None), ("two", None)])  # fmt: skip
def test_the_upload_slots_are_a_positive_count_or_one_per_core(
    monkeypatch: pytest.MonkeyPatch, value: str, slots: int | None
) -> None:
    monkeypatch.setenv(SLOTS_ENV, value)
    assert upload_slots() == (slots or os.cpu_count() or 1)
