"""The loader's inputs: canonical JSON files, raw reports (extracted on the way)
and folders of either, each read into a report or a reject with its reason."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from etl.db.flatten import (
    FlatReport,
    PreparedChunk,
    Reject,
    StoredReport,
    flatten,
    prepare_chunk,
)
from etl.errors import ExtractionError
from etl.extract import extract_path
from etl.files import read_bytes
from etl.model import Report
from etl.readers import portal_json
from etl.readers.image import IMAGE_SUFFIXES, is_page_folder
from etl.reports import parse_report_json
from etl.validate import revalidate

JSON_SUFFIX = ".json"
PARALLEL_FROM = 200  # inputs; fewer are read in this process
CHUNK = 64  # inputs sent to a worker at a time
# What a folder is searched for; a file named on the command line is read whatever its name.
REPORT_SUFFIXES = frozenset(
    {JSON_SUFFIX, ".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".mht",
     ".mhtml", ".docx", ".doc", ".wps", ".rtf", ".odt", ".pdf", ".zip", *IMAGE_SUFFIXES}
)  # fmt: skip


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read, in a stable order: each named file, and the report
    files under each named folder (hidden files and folders skipped). A folder
    holding page pictures and nothing else is one scanned report."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir() or is_page_folder(path):
            files.append(path)
            continue
        found = []
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            pages = [name for name in subfolders if is_page_folder(Path(folder, name))]
            found += [os.path.join(folder, name) for name in pages]
            subfolders[:] = [name for name in subfolders if name not in pages]
            found += [
                os.path.join(folder, name)
                for name in names
                if not name.startswith(".") and os.path.splitext(name)[1].lower() in REPORT_SUFFIXES
            ]
        files += [Path(name) for name in sorted(found)]
    return files


def read_input(path: Path) -> StoredReport | Reject:
    """One input as a report ready to store, or the reason it cannot be."""
    try:
        if path.suffix.lower() == JSON_SUFFIX:
            report, data = _json_input(read_bytes(path), path)
        else:
            report, data = extract_path(path), None
        findings = revalidate(report)
    except ExtractionError as error:
        return Reject(str(path), error.problem)
    except Exception as error:  # a bug of ours: the rest still loads
        return Reject(str(path), f"内部错误（{type(error).__name__}: {error}），请报告此问题")
    content = hashlib.sha256(data).hexdigest() if data is not None else content_sha256(report)
    return StoredReport(report, findings, str(path), content)


def _json_input(data: bytes, path: Path) -> tuple[Report, bytes | None]:
    """A .json file: canonical report JSON, or else — when it holds a web page,
    a portal's reply (etl/readers/portal_json.py) — a raw report, extracted
    (no bytes returned: its content is the report's). Canonical JSON is read
    first, so it never pays for the look; a bad one keeps its message."""
    try:
        return parse_report_json(data, str(path)), data
    except ExtractionError:
        if not portal_json.holds_a_page(data):
            raise
    return extract_path(path), None


def content_sha256(report: Report) -> str:
    """The hash of the JSON `python -m etl parse --out` writes for ``report``, so
    a raw report and its saved JSON count as the same content."""
    return hashlib.sha256((report.to_json() + "\n").encode("utf-8")).hexdigest()


def prepare(path: Path) -> FlatReport | Reject:
    """One input read, checked and flattened."""
    item = read_input(path)
    return item if isinstance(item, Reject) else flatten(item)


def prepare_files(paths: list[Path]) -> PreparedChunk:
    """Inputs ready for the loader: the part of a load that runs in parallel."""
    return prepare_chunk(prepare(path) for path in paths)


@contextmanager
def prepared_chunks(files: list[Path]) -> Iterator[Iterator[PreparedChunk]]:
    """The inputs prepared in worker processes (one per core), in input order.
    Small loads stay in this process: starting workers costs more than it saves."""
    chunks = [files[start : start + CHUNK] for start in range(0, len(files), CHUNK)]
    workers = os.cpu_count() or 1
    if workers == 1 or len(files) < PARALLEL_FROM:
        yield (prepare_files(chunk) for chunk in chunks)
        return
    # forkserver, not fork: the loading process runs DuckDB's threads. Each
    # worker freezes what its imports made (parser tables, region names), so the
    # garbage collector stops rescanning them as reports churn through: 40% of
    # a worker's time otherwise.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.freeze) as pool:
        yield _in_order(pool, chunks, window=4 * workers)


def _in_order(
    pool: ProcessPoolExecutor, chunks: list[list[Path]], window: int
) -> Iterator[PreparedChunk]:
    """Results in input order, with at most ``window`` chunks in flight, so a
    slow consumer never lets prepared reports pile up in memory."""
    pending: deque[Future[PreparedChunk]] = deque()
    for chunk in chunks:
        pending.append(pool.submit(prepare_files, chunk))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def synthetic_chunks(reports: Iterable[Report]) -> Iterator[PreparedChunk]:
    """Generated reports, ready for the loader (their findings come with them).
    Their content hash is that of the file `synth` would write for them."""
    chunk: list[FlatReport | Reject] = []
    for report in reports:
        content = hashlib.sha256(report.model_dump_json().encode("utf-8")).hexdigest()
        stored = StoredReport(report, report.findings, report.source.file, content)
        chunk.append(flatten(stored))
        if len(chunk) == CHUNK:
            yield prepare_chunk(chunk)
            chunk = []
    if chunk:
        yield prepare_chunk(chunk)
