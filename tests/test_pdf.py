"""PDF originals: read by their ruled tables, the same figures as their text
versions; PDFs that cannot be read — scanned, damaged, locked by a password,
without a map from glyphs to characters, far too long — each refused with
their own message."""

from __future__ import annotations

import hashlib
import io
import json
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.model import Report
from etl.readers import pdf as pdf_reader
from etl.readers.pdf import MAX_PAGES, pdf_to_text
from etl.readers.pdf_chars import MAX_PAGE_CHARS
from etl.readers.pdf_paths import MAX_PAGE_OBJECTS
from etl.readers.pdf_streams import MAX_UNPACKED
from tests.conftest import CORPUS, EXPECTED, figures, parsed
from tests.documents import one_page_pdf as _pdf
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
    # The PDF's properties date it (etl/published.py); its text copy has no date.
    findings = [(f.rule, f.cells, f.expected, f.actual) for f in report.findings]
    assert [f for f in findings if f[0] != "report.late"] == [
        (f.rule, f.cells, f.expected, f.actual) for f in text_version.findings
    ]
    assert report.source.published_on_from == "PDF 文件属性「创建时间」"
    assert text_version.source.published_on is None


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


# --- The same reading as the reader before (pdfplumber) ------------------------

EXPECTED_PDF = EXPECTED / "pdf"
BUILT_REPORTS = ("2024_huaian_shi", "2023_huaian_hongzequ", "2021_zhenhai_jingxinju")


def _recorded(report: Report, keep_file: bool) -> dict:
    """The canonical report as recorded in tests/expected/pdf/: without the
    parser's version, the prose as its SHA-256 (the prose is the corpus's)."""
    data = json.loads(report.to_json())
    if keep_file:
        del data["source"]["parser"]
    else:
        del data["source"]  # a built PDF's bytes change with the time it is built
    narrative = data.pop("narrative")
    data["narrative_sha256"] = {
        section: hashlib.sha256(text.encode()).hexdigest() if text is not None else None
        for section, text in narrative.items()
    }
    return data


def _expected_pdf(name: str) -> dict:
    return json.loads((EXPECTED_PDF / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", PDF_REPORTS)
def test_original_pdf_reads_exactly_as_recorded(stem: str) -> None:
    """Every figure of the three original PDFs with its place (page, table, row,
    grid column, line of the laid-out text), the headline figures, the findings
    and the prose: as recorded from the reader before this one (pdfplumber 0.11)."""
    data = (CORPUS / "orig" / f"{stem}.pdf").read_bytes()
    assert _recorded(extract_bytes(data, f"{stem}.pdf"), keep_file=True) == _expected_pdf(stem)


@pytest.mark.parametrize("stem", BUILT_REPORTS)
def test_built_pdf_reads_exactly_as_recorded(stem: str) -> None:
    """The PDFs tests/documents.py builds (merged cells, labels over two lines)
    read as the reader before this one read them, places included."""
    report = extract_bytes(pdf_document(parsed(stem)), stem)
    assert _recorded(report, keep_file=False) == _expected_pdf(f"built_{stem}")


def test_threads_reading_pdfs_at_once_read_each_whole() -> None:
    """pdfium cannot be called from two threads at once: the dashboard reads
    uploads in a thread per session, and each reading waits for the other."""
    data = (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes()
    alone = pdf_to_text(data, "alone.pdf")
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda n: pdf_to_text(data, f"{n}.pdf"), range(8)))
    assert all(text == alone for text in texts)


# --- Hostile PDFs: refused, in time ---------------------------------------------

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
WITH_FONT = b"/Resources << /Font << /F1 5 0 R >> >> "


# A bound against a reader that never ends, not a speed figure: refusals take
# well under a second, reading such pages without the limits minutes or hours.
_HANG_BOUND_SECONDS = 30


def _refused_in_time(data: bytes) -> str:
    started = time.perf_counter()
    problem = _problem(data)
    assert time.perf_counter() - started < _HANG_BOUND_SECONDS, "a hostile PDF took too long"
    return problem


def test_page_of_far_more_characters_than_any_report_is_refused() -> None:
    lines = b"\n".join(
        b"BT /F1 3 Tf 10 %d Td (%s) Tj ET" % (800 - i % 260 * 3, b"a" * 100)
        for i in range(MAX_PAGE_CHARS // 100 + 1)
    )
    problem = _refused_in_time(_pdf(lines, WITH_FONT, HELVETICA))
    assert problem == f"PDF 第 1 页的文字过多（超过 {MAX_PAGE_CHARS:,} 个字符），不像年度报告"


def test_page_of_far_more_paths_than_any_report_is_refused() -> None:
    """One path of 100,000 segments, then as many paths of one segment."""
    segments = b" ".join(
        b"%d %d m %d %d l" % (i % 500, i // 500, i % 500 + 3, i // 500) for i in range(100_000)
    )
    paths = b"\n".join(b"%d %d m %d 0 l S" % (i % 500, i % 800, i % 500) for i in range(100_000))
    limit = f"PDF 第 1 页的图形过多（超过 {MAX_PAGE_OBJECTS:,} 个图形和线段），不像年度报告"
    assert _refused_in_time(_pdf(segments + b" S")) == limit
    assert _refused_in_time(_pdf(paths)) == limit


def test_ruling_far_denser_than_any_table_is_refused() -> None:
    """120 columns of dashes crossing 170 rules: 20,000 points where lines
    meet, few of them joined into cells — a search through them all would
    take minutes."""
    dashes = [
        b"%.1f %d m %.1f %d l S" % (20 + i * 4.5, 20 + j, 20 + i * 4.5, 24 + j)
        for i in range(120)
        for j in range(0, 800, 9)
    ]
    rules = [b"20 %.1f m 560 %.1f l S" % (20 + i * 4.7, 20 + i * 4.7) for i in range(170)]
    text = b"BT /F1 12 Tf 30 30 Td (x) Tj ET"
    data = _pdf(b"\n".join([*dashes, *rules, text]), WITH_FONT, HELVETICA)
    assert _refused_in_time(data) == "PDF 第 1 页的表格线过于密集，不像年度报告"


def test_forms_nested_deeper_than_pdfium_reads_end_cleanly() -> None:
    """200 forms, each drawing the next; the text is in the last. pdfium stops
    long before (so does the reader, at MAX_FORM_DEPTH for ruling)."""
    forms = []
    for depth in range(200):
        last = depth == 199
        draws = b"BT /F1 12 Tf 30 30 Td (deep) Tj ET" if last else b"/X%d Do" % (depth + 1)
        inner = b"" if last else b"/XObject << /X%d %d 0 R >> " % (depth + 1, 7 + depth)
        forms.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] "
            b"/Resources << %s/Font << /F1 5 0 R >> >> /Length %d >>\nstream\n"
            % (inner, len(draws))
            + draws
            + b"\nendstream"
        )
    resources = b"/Resources << /XObject << /X0 6 0 R >> /Font << /F1 5 0 R >> >> "
    problem = _refused_in_time(_pdf(b"/X0 Do", resources, HELVETICA, *forms))
    assert problem == "PDF 没有文字层，文字识别（OCR）也没有识别出文字（可能是空白页）"


def test_pdf_unpacking_to_more_than_the_limit_is_refused() -> None:
    """Half a megabyte of deflated spaces unpacks to more than 512 MB, which
    pdfium would hold in memory (twice over): refused before pdfium reads it."""
    deflater = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    spaces = b"".join(deflater.compress(chunk) for _ in range(MAX_UNPACKED // len(chunk) + 1))
    data = _pdf(spaces + deflater.flush(), filter=b"/FlateDecode")
    assert _refused_in_time(data) == "PDF 解压后超过 512 MB 的上限，不像年度报告"


SONG = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
    b" /DescendantFonts [6 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
)


def test_heading_drawn_twice_to_look_bold_reads_once() -> None:
    """Some writers make a heading bold by drawing it twice, a third of a point
    apart: pdfium reads it once (pdfminer read “一一、、总总体体情情况况”)."""
    heading = "一、总体情况".encode("utf-16-be").hex().encode()
    content = b" ".join(
        b"BT /F1 16 Tf %s 700 Td <%s> Tj ET" % (x, heading) for x in (b"72", b"72.3")
    )
    data = _pdf(content, b"/Resources << /Font << /F1 5 0 R >> >> ", *SONG)
    assert pdf_to_text(data, "bold.pdf").text == "一、总体情况"


def test_character_map_to_half_a_surrogate_pair_reads_as_a_replacement_character() -> None:
    """A damaged ToUnicode map can map a glyph to half of a UTF-16 surrogate
    pair, which is no character (and no JSON): it reads as U+FFFD, as a
    damaged byte does in a text file."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def"
        b" 1 begincodespacerange <0000> <FFFF> endcodespacerange"
        b" 2 beginbfchar <0001> <D951> <0002> <4E00> endbfchar"
        b" endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"
    )
    glyphs = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /F"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
    )
    to_unicode = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    text = b"BT /F1 12 Tf 72 700 Td <00010002000200010002> Tj ET"
    data = _pdf(text, b"/Resources << /Font << /F1 5 0 R >> >> ", font, glyphs, to_unicode)
    assert pdf_to_text(data, "map.pdf").text == "\ufffd一一\ufffd一"


def test_pdf_drawing_far_more_in_all_than_any_report_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages each under the limits, together over the document's (lowered here
    to 100,000 so that the test takes a second, not the real limit's several)."""
    monkeypatch.setattr(pdf_reader, "MAX_DOCUMENT_ITEMS", 100_000)
    paths = b"\n".join(
        b"%d %d m %d %d l S" % (i % 500, i % 800, i % 500 + 5, i % 800) for i in range(15_000)
    )
    page = PdfReader(
        io.BytesIO(_pdf(paths + b"\nBT /F1 12 Tf 30 30 Td (x) Tj ET", WITH_FONT, HELVETICA))
    )
    writer = PdfWriter()
    for _ in range(3):  # 45,000 objects and segments each
        writer.add_page(page.pages[0])
    document = io.BytesIO()
    writer.write(document)
    problem = _refused_in_time(document.getvalue())
    assert problem == "PDF 的文字和图形超过 100,000 个的上限，不像年度报告"
