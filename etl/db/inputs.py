"""The loader's inputs: canonical JSON files, raw reports (extracted on the way)
and folders of either, each read into a report or a reject with its reason.

Every input is read in a bounded worker process (etl/bounded.py): a file that
hangs, exhausts memory or crashes its worker is rejected with its reason and
the rest load."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.bounded import FileReaders, Limits, Refused, Task, limits_from_environment
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
from etl.files import not_a_file, read_bytes
from etl.model import Report
from etl.readers import portal_json
from etl.readers.image import IMAGE_SUFFIXES, is_page_folder
from etl.reports import parse_report_json
from etl.validate import revalidate

JSON_SUFFIX = ".json"
CHUNK = 64  # canonical JSON files sent to a worker at a time (a raw report goes alone)
# What a folder is searched for; a file named on the command line is read whatever its name.
REPORT_SUFFIXES = frozenset(
    {JSON_SUFFIX, ".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".mht",
     ".mhtml", ".docx", ".doc", ".wps", ".rtf", ".odt", ".pdf", ".zip", *IMAGE_SUFFIXES}
)  # fmt: skip


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read, in a stable order: each named file, and the report
    files under each named folder (hidden files and folders skipped). A folder
    holding page pictures and nothing else is one scanned report. A folder
    that cannot be listed is an input too, rejected with its reason."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir() or is_page_folder(path):
            files.append(path)
            continue
        found: list[str] = []
        for folder, subfolders, names in os.walk(path, onerror=_keep_unreadable(found)):
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


def _keep_unreadable(found: list[str]) -> Callable[[OSError], None]:
    """For os.walk: a folder it cannot list goes into ``found``, to be rejected."""
    return lambda error: found.append(str(error.filename))


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
    except MemoryError:
        raise  # past the worker's memory limit: etl/bounded.py says so, and ends the worker
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


def _tasks(files: list[Path]) -> Iterator[Task | Reject]:
    """What the workers read: canonical JSON files CHUNK at a time (cheap and
    uniform), each raw report alone (any one may be hostile); inputs that are
    no file to open, rejected at once."""
    batch: list[Path] = []
    for path in files:
        problem = not_a_file(path)
        if problem is None and path.suffix.lower() == JSON_SUFFIX:
            batch.append(path)
            if len(batch) < CHUNK:
                continue
        if batch:
            yield Task(prepare_files, (batch,), str(batch[0]))
            batch = []
        if problem is not None:
            yield Reject(str(path), problem)
        elif path.suffix.lower() != JSON_SUFFIX:
            yield Task(prepare_files, ([path],), str(path))
    if batch:
        yield Task(prepare_files, (batch,), str(batch[0]))


@contextmanager
def prepared_chunks(
    files: list[Path], limits: Limits | None = None
) -> Iterator[Iterator[PreparedChunk]]:
    """The inputs prepared in bounded worker processes (one per core), in input order."""
    limits = limits or limits_from_environment()
    workers = min(os.cpu_count() or 1, max(1, len(files)))
    with FileReaders(workers, limits) as readers, FileReaders(1, limits) as retry:
        yield _in_order(readers, retry, files)


def _in_order(
    readers: FileReaders, retry: FileReaders, files: list[Path]
) -> Iterator[PreparedChunk]:
    """Results in input order, a few tasks ahead at most (a slow consumer never
    lets prepared reports pile up in memory). A batch of JSON files that fails
    is read again file by file, so only the file at fault is rejected."""
    tasks = list(_tasks(files))
    work = [task for task in tasks if isinstance(task, Task)]
    results = readers.run(work, window=8)
    for task in tasks:
        if isinstance(task, Reject):
            yield prepare_chunk([task])
            continue
        outcome = next(results)
        if not isinstance(outcome, Refused):
            yield outcome
        elif len(task.arguments[0]) == 1:
            yield prepare_chunk([Reject(outcome.file, outcome.problem)])
        else:
            singles = [Task(prepare_files, ([path],), str(path)) for path in task.arguments[0]]
            for single in retry.run(singles):
                yield (
                    single
                    if not isinstance(single, Refused)
                    else prepare_chunk([Reject(single.file, single.problem)])
                )


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
