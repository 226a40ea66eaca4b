"""cells.ocr_uncertain on a real scan's report: a figure one character from
making a broken identity hold is flagged with that figure, a figure read with
low confidence or as text is flagged, and nothing is flagged in a report that
is no scan. Flags and pictures survive the canonical JSON and the loader."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import uncertain
from etl.db.load import load
from etl.model import Report
from etl.validate import validate
from tests.conftest import parsed
from tests.scans import scanned


def _scan() -> Report:
    return scanned("2024_huaian_shi", 200, "pdf").model_copy(deep=True)


def _flags(report: Report) -> dict[str, object]:
    return {f.cells[0]: f for f in validate(report) if f.rule == uncertain.RULE}


def _misread(report: Report, section: str, row: str, column: str, raw: str) -> None:
    cell = getattr(report, section)[row][column]
    cell["raw"], cell["value"] = raw, int(raw)
    cell["at"]["confidence"] = 0.99  # read confidently, and wrong


def test_a_misread_digit_that_breaks_an_identity_is_flagged_with_the_figure_that_fits() -> None:
    report = _scan()
    before = set(_flags(report))
    _misread(report, "applications", "new_received", "total", "3149")  # printed 3119
    flags = _flags(report)
    flag = flags["applications.new_received.total"]
    assert flag.expected == "3119" and flag.actual == "3149"
    assert "若为 3119（只差一个字符）" in flag.message
    # Any other figure of the broken identities that one character would mend is
    # as suspect (3001 read for 3031 would break them the same way); no other is flagged.
    broken = {path for f in validate(report) if f.rule in uncertain.IDENTITIES for path in f.cells}
    assert set(flags) - before <= broken
    assert flags["applications.new_received.natural_person"].expected == "3031"


def test_a_figure_two_characters_off_is_no_single_misread() -> None:
    report = _scan()
    before = set(_flags(report))
    _misread(report, "applications", "new_received", "total", "3229")
    assert set(_flags(report)) == before  # the identity finding itself still says it is wrong
    assert any(f.rule == "applications.row_total" for f in validate(report))


def test_low_confidence_text_and_unread_marks_are_flagged() -> None:
    report = _scan()
    report.proactive["licensing"]["decisions"]["at"]["confidence"] = 0.5
    penalty = report.proactive["penalty"]["decisions"]
    penalty.update(value=None, raw="398S758", status="text")
    coercion = report.proactive["coercion"]["decisions"]
    coercion.update(value=None, raw="", status="blank")
    coercion["at"]["confidence"] = 0.0
    flags = _flags(report)
    assert "识别置信度 50.0%" in flags["proactive.licensing.decisions"].message
    assert "识别为文字“398S758”" in flags["proactive.penalty.decisions"].message
    assert "有字迹，但未能识别出内容" in flags["proactive.coercion.decisions"].message


def test_a_report_that_is_no_scan_has_no_flags_and_no_pictures() -> None:
    report = parsed("2023_huaian_hongzequ")
    assert not [f for f in report.findings if f.rule == uncertain.RULE]
    assert report.crops == {} and '"crops"' not in report.to_json()


def test_flags_and_pictures_are_loaded(tmp_path: Path) -> None:
    scan = scanned("2023_huaian_hongzequ", 200, "pdf")
    assert scan.crops
    saved = tmp_path / "scan.json"
    saved.write_text(scan.to_json() + "\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    load([saved], db)
    with duckdb.connect(str(db), read_only=True) as con:
        rules = con.execute(
            "SELECT cells[1] FROM findings WHERE rule = ? ORDER BY cells[1]", [uncertain.RULE]
        ).fetchall()
        crops = con.execute(
            "SELECT k.path, octet_length(c.png) FROM cell_crops c JOIN cell_keys k USING (cell_id)"
        ).fetchall()
        boxes = con.execute(
            "SELECT count(*) FROM cells WHERE at_box IS NOT NULL AND at_confidence IS NOT NULL"
        ).fetchone()
    assert [path for (path,) in rules] == sorted(scan.crops)
    assert {path for path, _ in crops} == set(scan.crops)
    assert all(size > 100 for _, size in crops)
    assert boxes[0] > 180
