"""A scanned report on the dashboard: 检查报告 reads an uploaded scan and
机关档案 a loaded one; both show each figure flagged cells.ocr_uncertain beside
the scan's picture of it, and where on the page, and how surely, every figure
was read."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import uncertain
from etl.db.load import load
from tests.conftest import dashboard
from tests.scans import SCANNINGS, image_pdf, scan_of, scanned
from tests.test_page_profile import table

STEM = "2023_huaian_hongzequ"  # two review totals printed as 0: flagged as possible misreads
HONGZE = "320813-人民政府"


def _scan_checks(app: AppTest):
    """The table of uncertain figures (the one with the scan's pictures)."""
    (table,) = [t for t in app.dataframe if "扫描件原样" in t.value.columns]
    return table.value


@pytest.fixture(scope="module")
def checked_scan(bundled_database: Path) -> AppTest:
    pdf = image_pdf(list(scan_of(STEM, 200)), 200, SCANNINGS[STEM, 200].jpeg_quality)
    app = dashboard(bundled_database, "check.py").run()
    app.file_uploader(key="check_file").upload("扫描件.pdf", pdf, "application/pdf")
    return app.run()


def test_the_checker_shows_each_uncertain_figure_with_its_picture(checked_scan: AppTest) -> None:
    app = checked_scan
    assert not app.exception
    assert app.header[0].value == "2023 年度报告：洪泽区人民政府"
    report = scanned(STEM, 200, "pdf")
    flags = [f for f in report.findings if f.rule == uncertain.RULE]
    assert flags
    checks = _scan_checks(app)
    assert list(checks["识别为"]) == [f.actual for f in flags]
    assert list(checks["若为（关系即成立）"]) == [f.expected or "" for f in flags]
    pictures = [
        base64.b64encode(base64.b64decode(report.crops[f.cells[0]])).decode() for f in flags
    ]
    assert list(checks["扫描件原样"]) == [f"data:image/png;base64,{png}" for png in pictures]
    assert any("扫描件中识别存疑的数字" in m.value for m in app.markdown)


def test_the_checker_says_where_each_scanned_figure_was_read(checked_scan: AppTest) -> None:
    sources = table(checked_scan, "check-cells")
    assert {"页码", "表内行", "表内列", "扫描位置（像素）", "识别置信度"} <= set(sources.columns)
    numbers = sources[sources["状态"] == "数字"]
    assert numbers["识别置信度"].between(0, 100).all()
    assert numbers["扫描位置（像素）"].str.fullmatch(r"\d+,\d+–\d+,\d+").all()


def test_the_profile_of_a_loaded_scan_shows_its_pictures(tmp_path: Path) -> None:
    report = scanned(STEM, 200, "pdf")
    saved = tmp_path / "scan.json"
    saved.write_text(report.to_json() + "\n", encoding="utf-8")
    db = tmp_path / "scan.duckdb"
    load([saved], db)
    app = dashboard(db, "profile.py", prof_agency=HONGZE, prof_year="2023").run()
    assert not app.exception
    flags = [f for f in report.findings if f.rule == uncertain.RULE]
    checks = _scan_checks(app)
    assert list(checks["识别为"]) == [f.actual for f in flags]
    assert checks["扫描件原样"].str.startswith("data:image/png;base64,").all()
    assert len(checks) == len(report.crops)
