"""PDF originals: read by their ruled tables, the same figures as their text
versions; PDFs that cannot be read — scanned, damaged, locked by a password,
without a map from glyphs to characters, far too long — each refused with
their own message."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.readers.pdf import MAX_PAGES
from tests.conftest import CORPUS, figures, parsed
from tests.documents import pdf_document

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


def _pdf(content: bytes, resources: bytes = b"", *more: bytes) -> bytes:
    """A one-page PDF whose page draws ``content`` with ``resources``; ``more``
    objects are numbered from 5."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s>>" % resources,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *more,
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


def _problem(data: bytes, file: str = "report.pdf") -> str:
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data, file)
    return raised.value.problem


def test_pdf_without_a_text_layer_needs_ocr() -> None:
    scanned = _pdf(b"0 0 m 100 100 l S")  # a drawing, as a scan is an image: no text
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(scanned, "scan.pdf")
    assert "OCR" in raised.value.problem


@pytest.mark.parametrize(
    "data",
    [
        (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()[:2000],  # cut off
        b"%PDF-1.4\n" + bytes(range(256)) * 8,  # a header and garbage
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["cut", "garbage", "no pages"],
)
def test_damaged_pdf_gets_a_clear_message(data: bytes) -> None:
    assert _problem(data).startswith("PDF 文件已损坏或无法读取（")


def _encrypted(data: bytes, user_password: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_that_needs_a_password_says_so(algorithm: str) -> None:
    original = (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()
    locked = _encrypted(original, "secret", algorithm)
    assert _problem(locked) == "PDF 文件已加密（需要密码才能打开），请提供未加密的版本"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_locked_only_against_copying_reads_as_the_original(algorithm: str) -> None:
    """Portals often publish PDFs encrypted with an owner password only (no
    copying or printing): they open without one, and read as the original."""
    original = (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()
    restricted = _encrypted(original, "", algorithm)
    report, unlocked = extract_bytes(restricted, "r.pdf"), extract_bytes(original, "o.pdf")
    for table in ("proactive", "applications", "review_litigation", "headline"):
        assert getattr(report, table) == getattr(unlocked, table)
    assert report.findings == unlocked.findings


def test_encrypted_pdf_with_encrypted_fonts_reads_as_the_unlocked_one() -> None:
    """reportlab's own encryption of Adobe's built-in Chinese font opens without
    a password; pdfium decrypts the font's description too (pdfminer 20260107
    could not, and read glyph numbers, “(cid:1993)(cid:957)…”), so the PDF reads
    as the same PDF unencrypted. With a user password it still needs one."""
    text_version = parsed("2024_huaian_shi")
    restricted = pdf_document(text_version, StandardEncryption("", "owner"))
    report = extract_bytes(restricted, "r.pdf")
    unlocked = extract_bytes(pdf_document(text_version), "u.pdf")
    for table in ("proactive", "applications", "review_litigation", "headline"):
        assert getattr(report, table) == getattr(unlocked, table)
    assert report.findings == unlocked.findings
    assert figures(report.applications) == figures(text_version.applications)
    locked = pdf_document(text_version, StandardEncryption("secret", "owner"))
    assert _problem(locked) == "PDF 文件已加密（需要密码才能打开），请提供未加密的版本"


def test_pdf_whose_font_has_no_character_map_needs_ocr() -> None:
    """A font with glyph numbers only (Identity-H, no ToUnicode): no text to read."""
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] >>"
    )
    glyphs = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /F"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
    )
    text = b"BT /F1 12 Tf 72 700 Td <0012003400560078> Tj ET"
    data = _pdf(text, b"/Resources << /Font << /F1 5 0 R >> >> ", font, glyphs)
    assert _problem(data) == "PDF 的字体没有字符编码表，文字无法读出，需要先做文字识别（OCR）"


def test_pdf_of_more_pages_than_any_report_is_refused() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(MAX_PAGES + 1):
        canvas.drawString(72, 720, f"page {number + 1}")
        canvas.showPage()
    canvas.save()
    assert _problem(buffer.getvalue()) == (
        f"PDF 有 {MAX_PAGES + 1} 页，超过 {MAX_PAGES} 页的上限，不像年度报告"
    )


def test_pdf_cells_say_page_table_row_and_column() -> None:
    data = (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()
    report = extract_bytes(data, "2024_huaian_shi.pdf")
    new_total = report.applications["new_received"]["total"]["at"]
    # 一、本年新收 … 总计 3119: page 4, the last of the table's ten grid columns.
    assert (new_total["page"], new_total["col"], new_total["row"]) == (4, 10, 4)
    assert report.headline["fee_yuan"]["at"]["page"] == 6
    pages = {cell["at"]["page"] for row in report.applications.values() for cell in row.values()}
    assert pages == {4, 5}
