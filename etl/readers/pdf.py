"""A PDF with a text layer to text in the Word-table layout the parser reads.

Pages are read through pdfium (pypdfium2), each on its own: a page with
characters is laid out from its text layer (etl/readers/pdf_page.py reads
its characters and ruling, etl/readers/pdf_layout.py writes its tables and
text), a page without any (a scanned page) goes to ``_write_scanned_page``.

A PDF that needs a password, one whose text cannot be decoded, one of more
pages than any report has, one drawing or unpacking to far more than any
report does and a damaged one each end with their own message.
"""

from __future__ import annotations

import re
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.errors import ExtractionError
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
    with _PDFIUM:
        laid_out = _read(data, file)
    if not laid_out.text.strip():
        raise ExtractionError(file, "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）")
    unmapped = len(_UNMAPPED.findall(laid_out.text))
    if unmapped > len("".join(_UNMAPPED.sub("", laid_out.text).split())):
        raise ExtractionError(file, _NO_UNICODE)
    return laid_out


def _read(data: bytes, file: str) -> LaidOutText:
    document = _open(data, file)
    try:
        pages = len(document)
        if pages <= 0:
            raise ExtractionError(file, _DAMAGED.format("没有页面"))
        if pages > MAX_PAGES:
            raise ExtractionError(
                file, f"PDF 有 {pages} 页，超过 {MAX_PAGES} 页的上限，不像年度报告"
            )
        out = TableTextWriter()
        items = 0
        for number in range(1, pages + 1):
            out.page = number
            items += _read_page(document, number, out, file)
            if items > MAX_DOCUMENT_ITEMS:
                raise ExtractionError(
                    file, f"PDF 的文字和图形超过 {MAX_DOCUMENT_ITEMS:,} 个的上限，不像年度报告"
                )
        return out.result()
    finally:
        document.close()


def _open(data: bytes, file: str) -> pdfium.PdfDocument:
    if unpacks_beyond_limit(data):
        limit = MAX_UNPACKED // (1024 * 1024)
        raise ExtractionError(file, f"PDF 解压后超过 {limit} MB 的上限，不像年度报告")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        problem = _OPEN_PROBLEMS.get(error.err_code, _DAMAGED.format("无法打开"))
        raise ExtractionError(file, problem) from error


def _read_page(document: pdfium.PdfDocument, number: int, out: TableTextWriter, file: str) -> int:
    """Lays page ``number`` out; returns how many characters and objects it had."""
    try:
        page = document[number - 1]
    except pdfium.PdfiumError as error:
        raise ExtractionError(file, _DAMAGED.format(f"第 {number} 页无法读取")) from error
    try:
        content = read_page(page)
        if any(not char.text.isspace() for char in content.chars):
            write_page(content, out)
        else:
            _write_scanned_page(page, number, out)
        return len(content.chars) + content.objects
    except PageTooBusy as busy:
        problem = _TOO_BUSY[busy.what].format(page=number, limit=busy.limit)
        raise ExtractionError(file, problem) from busy
    except pdfium.PdfiumError as error:
        raise ExtractionError(file, _DAMAGED.format(f"第 {number} 页无法读取")) from error
    finally:
        page.close()  # frees the page's objects: memory stays that of one page


def _write_scanned_page(page: pdfium.PdfPage, number: int, out: TableTextWriter) -> None:
    """A page without a text layer (a scan): nothing is read from it yet."""
