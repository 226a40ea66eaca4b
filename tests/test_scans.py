"""Scans of the original PDFs (tests/scans.py: printed and scanned at 150 and
200 dpi, askew, blurred, speckled, JPEG-compressed, on grey paper), read by
OCR as an image-only PDF and as PNG pages: every figure is the text version's
or is flagged cells.ocr_uncertain — a wrong figure without a flag fails at
any resolution — and at 150 dpi at least 98 % are exact."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from etl import uncertain
from tests.conftest import parsed
from tests.scans import ORIGINALS, SCAN_KINDS, figures_of, flagged, scanned

SCANS = [(stem, dpi, kind) for dpi in (200, 150) for stem in ORIGINALS for kind in SCAN_KINDS]


def _same(got: dict | None, want: dict) -> bool:
    return got is not None and (got["value"], got["status"]) == (want["value"], want["status"])


@pytest.mark.parametrize(("stem", "dpi", "kind"), SCANS)
def test_every_figure_of_a_scan_is_exact_or_flagged(stem: str, dpi: int, kind: str) -> None:
    report, text = scanned(stem, dpi, kind), parsed(stem)
    assert (report.agency, report.year, report.format) == (text.agency, text.year, text.format)
    got, marked = figures_of(report), flagged(report)
    wanted = figures_of(text)
    wrong = {path for path, cell in wanted.items() if not _same(got.get(path), cell)}
    assert wrong <= marked, f"wrong and not flagged: {sorted(wrong - marked)}"
    exact = len(wanted) - len(wrong)
    if dpi == 150:
        assert exact >= 0.98 * len(wanted)
    assert set(got) <= set(wanted)  # nothing read that the text version has not


@pytest.mark.parametrize("stem", ORIGINALS)
def test_scanned_cells_say_where_they_were_read(stem: str) -> None:
    report = scanned(stem, 200, "pdf")
    for cell in figures_of(report).values():
        at = cell["at"]
        assert {"page", "box", "confidence"} <= set(at)
        left, top, right, bottom = at["box"]
        assert left < right and top < bottom
        assert 0 <= at["confidence"] <= 1
    table_cells = [c for path, c in figures_of(report).items() if not path.startswith("headline")]
    assert all({"table", "row", "col"} <= set(cell["at"]) for cell in table_cells)


def test_findings_of_the_scan_are_the_text_versions_and_the_flags() -> None:
    report, text = scanned("2023_huaian_hongzequ", 200, "pdf"), parsed("2023_huaian_hongzequ")
    rules = [(f.rule, f.cells) for f in report.findings if f.rule != uncertain.RULE]
    assert rules == [(f.rule, f.cells) for f in text.findings]


def test_flagged_figures_carry_their_picture() -> None:
    report = scanned("2023_huaian_hongzequ", 200, "pdf")
    marked = flagged(report)
    assert marked and set(report.crops) == marked
    for png in report.crops.values():
        picture = Image.open(io.BytesIO(base64.b64decode(png)))
        assert picture.format == "PNG" and min(picture.size) > 10
