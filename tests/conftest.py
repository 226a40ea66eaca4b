"""Shared paths and helpers. The real reports live beside the clone, in
../shared/corpus (CI lays it there too); none of them is committed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from etl.extract import extract_path
from etl.model import Report

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RAW = CORPUS / "raw"
EXPECTED = Path(__file__).resolve().parent / "expected"

if not RAW.is_dir():
    raise RuntimeError(f"the report corpus is missing: expected it at {RAW}")

# Reports whose every cell is known, written by hand from the originals
# (tests/expected/), whatever their format: text, a web page, Markdown.
COMPLETE_REPORTS = (
    "2021_zhenhai_jingxinju",
    "2023_huaian_hongzequ",
    "2024_huaian_hongzequ",
    "2024_huaian_shi",
    "2023_shuyang_fagaiju",
    "2025_shuyang_xianzhengfu",
)
# Web pages flattened to text with table cells run together.
PARTIAL_TEXT_REPORTS = (
    "2019_fujian_pingtan",
    "2021_fujian_pingtan",
    "2023_fujian_pingtan",
    "2024_fujian_pingtan",
)
# Markdown converted from PDFs whose table rows came out of step with their labels.
PARTIAL_MARKDOWN_REPORTS = ("2024_shanghai_kewei", "2025_shanghai_bgt")
# Reports built as web pages, Word documents and PDFs (tests/documents.py): one
# with the three （六） sub-rows, one with the single （六）其他处理 row and two
# arithmetic errors in section 四, one laid out in Word with tab-indented cells.
BUILT_REPORTS = ("2024_huaian_shi", "2023_huaian_hongzequ", "2021_zhenhai_jingxinju")
# The old Office formats LibreOffice saves the built Word documents in.
OFFICE_FORMATS = ("doc", "rtf", "odt")


def raw_path(stem: str) -> Path:
    """The corpus file of a report, whatever its extension."""
    (path,) = RAW.glob(f"{stem}.*")
    return path


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
def office_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    """The Word documents of BUILT_REPORTS saved by LibreOffice in each of
    OFFICE_FORMATS: (format, stem) → bytes. One LibreOffice run per format."""
    from tests.documents import document_from, saved_by_libreoffice

    documents = {stem: document_from(stem) for stem in BUILT_REPORTS}
    saved = {}
    for target in OFFICE_FORMATS:
        folder = tmp_path_factory.mktemp(f"office-{target}")
        for stem, data in saved_by_libreoffice(documents, target, folder).items():
            saved[target, stem] = data
    return saved


@pytest.fixture(scope="session")
def bundled_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database loaded from data/reports, as `make run` builds it."""
    from etl.db.load import load
    from etl.reports import BUNDLED_REPORTS

    db = tmp_path_factory.mktemp("bundled") / "xxgk.duckdb"
    summary = load([BUNDLED_REPORTS], db)
    assert not summary.rejects
    return db


@pytest.fixture(scope="session")
def synthetic_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 synthetic reports (2019–2025, every level and kind, seeded slips)."""
    db = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    result = run_cli("synth", "--reports", "300", "--seed", "3", "--out", str(db))
    assert result.returncode == 0, result.stderr
    return db


def dashboard(database: Path, page: str | None = None, **params: str | list[str]):
    """The app as Streamlit's AppTest runs it, on ``database``, opened on
    ``page`` (a file under views/) with URL ``params``; not yet run."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ["XXGK_DB"] = str(database)  # read by app.db at each run
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for name, value in params.items():
        app.query_params[name] = value
    if page:
        # The entry runs first (it draws the sidebar and hands pages their
        # filters), as it does for a deep link in the browser.
        app.run()
        app.switch_page(f"views/{page}")
        for name, value in params.items():
            app.query_params[name] = value
    return app


def cell_sum(database: Path, path: str, where: str = "TRUE", params: tuple = ()) -> float:
    """The sum of one template cell (``cell_keys.path``) over the reports
    matching ``where`` — straight from the long ``cells`` table, not through
    the views the app reads. Blank, dash and text cells count as 0."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        (total,) = con.execute(
            f"""
            SELECT coalesce(sum(CASE WHEN c.status = 'number' THEN c.value END), 0)
            FROM reports r JOIN cells c USING (report_id) JOIN cell_keys k USING (cell_id)
            WHERE k.path = ? AND ({where})
            """,
            (path, *params),
        ).fetchone()
    return float(total)


def database_with_narrative(
    folder: Path, stem: str, section: str, text: str, *, alone: bool = False
) -> Path:
    """A database of the bundled reports (or of report ``stem`` alone) in
    which that report's narrative ``section`` reads ``text``."""
    import shutil

    from etl.db.load import load
    from etl.reports import BUNDLED_REPORTS

    for report in BUNDLED_REPORTS.glob(f"{stem}.json" if alone else "*.json"):
        shutil.copy(report, folder)
    edited = folder / f"{stem}.json"
    content = json.loads(edited.read_text(encoding="utf-8"))
    content["narrative"][section] = text
    edited.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    db = folder / "edited.duckdb"
    assert not load([folder], db).rejects
    return db


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for the browser tests of a module."""
    from tests.browser import chromium

    with chromium() as browser:
        yield browser
