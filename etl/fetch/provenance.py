"""Where a fetched file came from: the manifest ``fetched.tsv`` that
``python -m etl fetch`` keeps beside the files it saves, one row a file —
the URL it was fetched from (after redirects), when, and the page that linked
it. The extractor reads it, so a report keeps its ``source.url`` and
``source.fetched_at`` whatever the file came to be called; hence only the
standard library here."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from etl.errors import ExtractionError

MANIFEST = "fetched.tsv"
HEADER = ("file", "url", "fetched_at", "page_url")
# Some 200 bytes a row: a manifest far larger holds something else.
MAX_MANIFEST_BYTES = 20 * 1024 * 1024
_SCHEMES = ("http://", "https://")


class Fetched(NamedTuple):
    """What a report's source gets from the manifest."""

    url: str
    fetched_at: str  # ISO-8601, UTC, seconds: 2026-12-07T07:10:00+00:00


class Entry(NamedTuple):
    """One row of the manifest."""

    file: str  # the name in the manifest's folder
    url: str
    fetched_at: str
    page_url: str  # the page the file was linked from; "" for a page


def now() -> str:
    """The current time as the manifest records it."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def fetched_source(path: Path) -> Fetched | None:
    """Where the file at ``path`` was fetched from, by the manifest beside it;
    None when there is no manifest or it does not list the file."""
    try:
        stat = (path.parent / MANIFEST).stat()
    except FileNotFoundError:
        return None
    except OSError:
        entries = read_manifest(path.parent)  # says why it cannot be read
    else:
        entries = _manifest_as_of(str(path.parent), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    entry = entries.get(path.name)
    return Fetched(entry.url, entry.fetched_at) if entry is not None else None


@lru_cache(maxsize=8)
def _manifest_as_of(folder: str, inode: int, mtime_ns: int, size: int) -> dict[str, Entry]:
    """The manifest of ``folder``, read once while it is unchanged (it is
    replaced whole, so a new one is a new inode): a load reads every file of
    a folder, each looking up the same manifest."""
    return read_manifest(Path(folder))


def read_manifest(folder: Path) -> dict[str, Entry]:
    """The manifest in ``folder`` by file name (empty when there is none); a
    malformed one is an ExtractionError naming it and the line at fault."""
    manifest = folder / MANIFEST
    try:
        with manifest.open("rb") as stream:
            data = stream.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as error:
        problem = f"无法读取下载记录（{error.strerror or error}）"
        raise ExtractionError(str(manifest), problem) from error
    if len(data) > MAX_MANIFEST_BYTES:
        raise ExtractionError(str(manifest), f"{MANIFEST} 过大，不像下载记录")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractionError(str(manifest), f"{MANIFEST} 不是 UTF-8 文本") from error
    return _entries(text, manifest)


def _entries(text: str, manifest: Path) -> dict[str, Entry]:
    lines = text.split("\n")
    if lines[0].rstrip("\r") != "\t".join(HEADER):
        raise ExtractionError(
            str(manifest), f"{MANIFEST} 第 1 行应为表头 {'、'.join(HEADER)}（以制表符分隔）"
        )
    entries: dict[str, Entry] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        entry = _entry(line.rstrip("\r"), number, manifest)
        if entry.file in entries:
            first = first_line[entry.file]
            raise ExtractionError(
                str(manifest), f"{MANIFEST} 第 {number} 行的文件 {entry.file} 与第 {first} 行重复"
            )
        entries[entry.file] = entry
        first_line[entry.file] = number
    return entries


def _entry(line: str, number: int, manifest: Path) -> Entry:
    """One row, checked: a plain file name, http(s) URLs, a time with its zone."""
    fields = line.split("\t")

    def wrong(what: str) -> ExtractionError:
        return ExtractionError(str(manifest), f"{MANIFEST} 第 {number} 行{what}")

    if len(fields) != len(HEADER):
        raise wrong(f"有 {len(fields)} 列，应为 {len(HEADER)} 列（以制表符分隔）")
    entry = Entry(*fields)
    if entry.file in ("", ".", "..") or "/" in entry.file or "\\" in entry.file:
        raise wrong(f"的文件名 {entry.file!r} 不是本文件夹中的文件名")
    if not entry.url.startswith(_SCHEMES) or (
        entry.page_url and not entry.page_url.startswith(_SCHEMES)
    ):
        raise wrong("的网址不是 http 或 https 网址")
    try:
        zoned = datetime.fromisoformat(entry.fetched_at).tzinfo is not None
    except ValueError:
        zoned = False
    if not zoned:
        raise wrong(f"的下载时间 {entry.fetched_at!r} 不是带时区的 ISO-8601 时间")
    return entry


class Manifest:
    """The manifest of a folder being fetched into, updated row by row: a
    file fetched again keeps its row, with the new time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries = read_manifest(folder)

    def file_of(self, url: str) -> str | None:
        """The file ``url`` was saved as before, if it was."""
        return next((e.file for e in self.entries.values() if e.url == url), None)

    def url_of(self, file: str) -> str | None:
        entry = self.entries.get(file)
        return entry.url if entry is not None else None

    def record(self, entry: Entry) -> None:
        """Add or update ``entry``'s row and write the manifest at once, so a
        fetch stopped half-way leaves every saved file with its row."""
        self.entries[entry.file] = entry
        lines = ["\t".join(HEADER), *("\t".join(row) for row in self.entries.values())]
        write_atomically(self.folder / MANIFEST, ("\n".join(lines) + "\n").encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden temporary file renamed over
    it: a reader sees the old file or the new, never half of one."""
    # Hidden, so that a load of the folder meanwhile never takes it; created
    # as open() would be (the umask's permissions, not mkstemp's 0600).
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
