"""PDF originals: read by their ruled tables, the same figures as their text versions."""

from __future__ import annotations

import pytest

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from tests.conftest import CORPUS, figures, parsed

PDF_REPORTS = ("2023_huaian_hongzequ", "2024_huaian_hongzequ", "2024_huaian_shi")


@pytest.mark.parametrize("stem", PDF_REPORTS)
def test_original_pdf_gives_the_text_versions_report(stem: str) -> None:
    data = (CORPUS / "orig" / f"{stem}.pdf").read_bytes()
    report, text_version = extract_bytes(data, f"{stem}.pdf"), parsed(stem)
    assert report.source.media_type == "application/pdf"
    assert report.agency == text_version.agency
    assert (report.year, report.format) == (text_version.year, text_version.format)
    for table in ("proactive", "applications", "review_litigation"):
        assert figures(getattr(report, table)) == figures(getattr(text_version, table))
    assert {k: c["value"] for k, c in report.headline.items()} == {
        k: c["value"] for k, c in text_version.headline.items()
    }
    findings = [(f.rule, f.cells, f.expected, f.actual) for f in report.findings]
    assert findings == [(f.rule, f.cells, f.expected, f.actual) for f in text_version.findings]


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws ``content`` (no fonts: no text layer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_pdf_without_a_text_layer_needs_ocr() -> None:
    scanned = _pdf(b"0 0 m 100 100 l S")  # a drawing, as a scan is an image: no text
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(scanned, "scan.pdf")
    assert "OCR" in raised.value.problem


def test_damaged_pdf_gets_a_clear_message() -> None:
    data = (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data[:2000], "cut.pdf")
    assert raised.value.problem


def test_pdf_cells_say_page_table_row_and_column() -> None:
    data = (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()
    report = extract_bytes(data, "2024_huaian_shi.pdf")
    new_total = report.applications["new_received"]["total"]["at"]
    # 一、本年新收 … 总计 3119: page 4, the last of the table's ten grid columns.
    assert (new_total["page"], new_total["col"], new_total["row"]) == (4, 10, 4)
    assert report.headline["fee_yuan"]["at"]["page"] == 6
    pages = {cell["at"]["page"] for row in report.applications.values() for cell in row.values()}
    assert pages == {4, 5}
