"""Shared paths and helpers. The real reports live beside the clone, in
../shared/corpus (CI lays it there too); none of them is committed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl.extract import extract_path
from etl.model import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RAW = CORPUS / "raw"
EXPECTED = Path(__file__).resolve().parent / "expected"

if not RAW.is_dir():
    raise RuntimeError(f"the report corpus is missing: expected it at {RAW}")

# Reports whose every cell is known, written by hand from the originals.
COMPLETE_TEXT_REPORTS = (
    "2021_zhenhai_jingxinju",
    "2023_huaian_hongzequ",
    "2024_huaian_hongzequ",
    "2024_huaian_shi",
)
# Web pages flattened to text with table cells run together.
PARTIAL_TEXT_REPORTS = (
    "2019_fujian_pingtan",
    "2021_fujian_pingtan",
    "2023_fujian_pingtan",
    "2024_fujian_pingtan",
)


def raw_path(stem: str) -> Path:
    return RAW / f"{stem}.txt"


def figures(table: dict) -> dict[str, list]:
    """A report table as its figures: row (or group, or item) → values in column order."""
    return {row: [cell["value"] for cell in cells.values()] for row, cells in table.items()}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m etl ARGS`` in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=ROOT
    )


def expected(stem: str) -> dict:
    return json.loads((EXPECTED / f"{stem}.json").read_text(encoding="utf-8"))


_parsed: dict[str, Report] = {}


def parsed(stem: str) -> Report:
    """The report extracted from a corpus file (cached: reports are immutable here)."""
    if stem not in _parsed:
        _parsed[stem] = extract_path(raw_path(stem))
    return _parsed[stem].model_copy(deep=True)


@pytest.fixture
def tmp_report(tmp_path: Path):
    """Write text to a report file and return its path."""

    def write(text: str | bytes, name: str = "report.txt") -> Path:
        path = tmp_path / name
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)
        return path

    return write


@pytest.fixture(scope="session")
def bundled_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database loaded from data/reports, as `make run` builds it."""
    from etl.db.load import load
    from etl.reports import BUNDLED_REPORTS

    db = tmp_path_factory.mktemp("bundled") / "xxgk.duckdb"
    summary = load([BUNDLED_REPORTS], db)
    assert not summary.rejects
    return db
