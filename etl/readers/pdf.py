"""A PDF with a text layer to text in the Word-table layout the parser reads.

Pages are read through pdfium (pypdfium2), each on its own: a page with
characters is laid out from its text layer (etl/readers/pdf_page.py reads
its characters and ruling, etl/readers/pdf_layout.py writes its tables and
text), a page without any (a scanned page) is rendered at its scan's
resolution and read by OCR (etl/ocr/). pdfium is locked only while it works:
a page being read by OCR (seconds) keeps no other session's PDF waiting.

A PDF that needs a password, one whose text cannot be decoded, one of more
pages than any report has, one drawing or unpacking to far more than any
report does and a damaged one each end with their own message.
"""

from __future__ import annotations

import re
import threading

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.errors import ExtractionError
from etl.ocr import MAX_OCR_DPI, PageImage, ScanReader, check_page_count
from etl.published import from_file_properties
from etl.readers.pdf_geometry import PageTooBusy
from etl.readers.pdf_layout import write_page
from etl.readers.pdf_page import read_page
from etl.readers.pdf_streams import MAX_UNPACKED, unpacks_beyond_limit
from etl.table_text import LaidOutText, TableTextWriter

PDF_MEDIA_TYPE = "application/pdf"
_PDF_MAGIC = b"%PDF-"
# Reports run to a few dozen pages; reading one page takes a few milliseconds.
MAX_PAGES = 500
# Characters and drawn objects of the whole document: some 300 pages of dense text.
MAX_DOCUMENT_ITEMS = 1_000_000
# A character whose font has no map to Unicode is written "(cid:123)", as pdfminer did.
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_ENCRYPTED = "PDF 文件已加密（需要密码才能打开），请提供未加密的版本"
_NO_UNICODE = "PDF 的字体没有字符编码表，文字无法读出，需要先做文字识别（OCR）"
_DAMAGED = "PDF 文件已损坏或无法读取（{}）"
_OPEN_PROBLEMS = {
    pdfium_c.FPDF_ERR_PASSWORD: _ENCRYPTED,
    pdfium_c.FPDF_ERR_SECURITY: "PDF 文件已加密（加密方式无法解开），请提供未加密的版本",
    pdfium_c.FPDF_ERR_FORMAT: _DAMAGED.format("文件结构无法解析"),
    pdfium_c.FPDF_ERR_PAGE: _DAMAGED.format("页面无法读取"),
}
_TOO_BUSY = {
    "characters": "PDF 第 {page} 页的文字过多（超过 {limit:,} 个字符），不像年度报告",
    "objects": "PDF 第 {page} 页的图形过多（超过 {limit:,} 个图形和线段），不像年度报告",
    "ruling": "PDF 第 {page} 页的表格线过于密集，不像年度报告",
}
# pdfium must not be called from two threads at once, even for two documents
# (the dashboard reads uploads in one thread per session).
_PDFIUM = threading.Lock()


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(_PDF_MAGIC)


def pdf_to_text(data: bytes, file: str) -> LaidOutText:
    """The document's text and tables as Word-table text, with page numbers."""
    laid_out = _read(data, file)
    if not laid_out.text.strip():
        raise ExtractionError(
            file, "PDF 没有文字层，文字识别（OCR）也没有识别出文字（可能是空白页）"
        )
    unmapped = len(_UNMAPPED.findall(laid_out.text))
    if unmapped > len("".join(_UNMAPPED.sub("", laid_out.text).split())):
        raise ExtractionError(file, _NO_UNICODE)
    return laid_out


def _read(data: bytes, file: str) -> LaidOutText:
    with _PDFIUM:
        document = _open(data, file)
    try:
        pages = len(document)
        if pages <= 0:
            raise ExtractionError(file, _DAMAGED.format("没有页面"))
        if pages > MAX_PAGES:
            raise ExtractionError(
                file, f"PDF 有 {pages:,} 页，超过 {MAX_PAGES:,} 页的上限，不像年度报告"
            )
        out = TableTextWriter()
        scans = _Scans(document, file)
        items = 0
        for number in range(1, pages + 1):
            out.page = number
            items += _read_page(document, number, out, file, scans)
            if items > MAX_DOCUMENT_ITEMS:
                raise ExtractionError(
                    file, f"PDF 的文字和图形超过 {MAX_DOCUMENT_ITEMS:,} 个的上限，不像年度报告"
                )
        laid_out = out.result()
        laid_out.file_date = from_file_properties("PDF", _creation_date(document))
        return laid_out
    finally:
        with _PDFIUM:
            document.close()


def _creation_date(document: pdfium.PdfDocument) -> str | None:
    """The document's CreationDate property (D:20240226144123+08'00'), if readable."""
    try:
        with _PDFIUM:
            return document.get_metadata_value("CreationDate")
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):  # damaged properties: no date
        return None


def _open(data: bytes, file: str) -> pdfium.PdfDocument:
    if unpacks_beyond_limit(data):
        limit = MAX_UNPACKED // (1024 * 1024)
        raise ExtractionError(file, f"PDF 解压后超过 {limit} MB 的上限，不像年度报告")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        problem = _OPEN_PROBLEMS.get(error.err_code, _DAMAGED.format("无法打开"))
        raise ExtractionError(file, problem) from error


def _read_page(
    document: pdfium.PdfDocument, number: int, out: TableTextWriter, file: str, scans: _Scans
) -> int:
    """Lays page ``number`` out; returns how many characters and objects it had."""
    with _PDFIUM:
        try:
            page = document[number - 1]
        except pdfium.PdfiumError as error:
            raise ExtractionError(file, _DAMAGED.format(f"第 {number} 页无法读取")) from error
        try:
            content = read_page(page)
            scanned = not any(not char.text.isspace() for char in content.chars)
            if not scanned:
                write_page(content, out)
            else:
                scans.check_count(number)
                image = _rendered(page)
        except PageTooBusy as busy:
            problem = _TOO_BUSY[busy.what].format(page=number, limit=busy.limit)
            raise ExtractionError(file, problem) from busy
        except pdfium.PdfiumError as error:
            raise ExtractionError(file, _DAMAGED.format(f"第 {number} 页无法读取")) from error
        finally:
            page.close()  # frees the page's objects: memory stays that of one page
    if scanned:
        scans.reader.read(PageImage(number, lambda: image), out)
    return len(content.chars) + content.objects


class _Scans:
    """The scanned pages of one PDF: counted, before the first is read, against
    the limit for a scan; and read within one report's time limit."""

    def __init__(self, document: pdfium.PdfDocument, file: str) -> None:
        self._document = document
        self._file = file
        self._counted = False
        self.reader = ScanReader(file)

    def check_count(self, first: int) -> None:
        """Called, with pdfium locked, on each scanned page (``first`` the first)."""
        if self._counted:
            return
        self._counted = True
        later = range(first, len(self._document))
        textless = 1 + sum(not _has_text(self._document[index]) for index in later)
        check_page_count(textless, self._file)


def _has_text(page: pdfium.PdfPage) -> bool:
    try:
        return page.get_textpage().count_chars() > 0
    finally:
        page.close()


def _rendered(page: pdfium.PdfPage) -> tuple[np.ndarray, float]:
    """A page without text as a grey picture, at the resolution of the scan it holds."""
    dpi = _scan_resolution(page)
    pixels = page.render(scale=dpi / 72, grayscale=True).to_numpy()
    return np.array(pixels if pixels.ndim == 2 else pixels[:, :, 0]), dpi  # a copy: the bitmap goes


def _scan_resolution(page: pdfium.PdfPage) -> float:
    """The resolution of the largest picture on the page, between 150 and 300 dpi
    (200 for a page without one: its text drawn as shapes)."""
    best = None
    for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        width, _ = picture.get_px_size()
        left, _, right, _ = picture.get_bounds()
        if right - left > 0 and (best is None or width > best[0]):
            best = (width, width / ((right - left) / 72))
    dpi = best[1] if best else 200.0
    return min(max(dpi, 150.0), float(MAX_OCR_DPI))
