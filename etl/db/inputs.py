"""The loader's inputs: canonical JSON files, raw reports (extracted on the way)
and folders of either, each read into a report or a reject with its reason."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.db.flatten import StoredReport
from etl.errors import ExtractionError
from etl.extract import extract_path
from etl.files import read_bytes
from etl.model import Report
from etl.reports import parse_report_json
from etl.validate import revalidate

JSON_SUFFIX = ".json"
# What a folder is searched for; a file named on the command line is read whatever its name.
REPORT_SUFFIXES = frozenset({JSON_SUFFIX, ".txt", ".md", ".html", ".htm", ".docx", ".doc", ".pdf"})


@dataclass(frozen=True)
class Reject:
    """An input that could not be loaded, and why (one line, in Chinese)."""

    file: str
    reason: str


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read, in a stable order: each named file, and the report
    files under each named folder (hidden files and folders skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                found
                for found in path.rglob("*")
                if found.is_file()
                and found.suffix.lower() in REPORT_SUFFIXES
                and not any(part.startswith(".") for part in found.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


def read_input(path: Path) -> StoredReport | Reject:
    """One input as a report ready to store, or the reason it cannot be."""
    try:
        if path.suffix.lower() == JSON_SUFFIX:
            data = read_bytes(path)
            report = parse_report_json(data, str(path))
        else:
            report = extract_path(path)
            data = None
        findings = revalidate(report)
    except ExtractionError as error:
        return Reject(str(path), error.problem)
    except Exception as error:  # a bug of ours: the rest still loads
        return Reject(str(path), f"内部错误（{type(error).__name__}: {error}），请报告此问题")
    content = hashlib.sha256(data).hexdigest() if data is not None else content_sha256(report)
    return StoredReport(report, findings, str(path), content)


def content_sha256(report: Report) -> str:
    """The hash of the JSON `python -m etl parse --out` writes for ``report``, so
    a raw report and its saved JSON count as the same content."""
    return hashlib.sha256((report.to_json() + "\n").encode("utf-8")).hexdigest()
