"""A PDF with a text layer to text in the Word-table layout the parser reads.

pdfplumber finds each page's ruled tables and the cells in them; each table
row becomes its cells, one tab-indented line each, followed by a blank line,
and the text between tables becomes plain lines, top to bottom. Reading cells
by their ruling, rather than the page's text flow, keeps a figure beside its
row even where a long label is centred over two lines.

Details of the layout: a cell merged across columns comes back once (the
others are None); empty cells between a row's label and its first figure are
the unused parts of the label columns and are dropped; a "table" of one
column is a page frame around prose and is read as plain lines.

A PDF that needs a password, one whose text cannot be decoded, and one of
more pages than any report has each end with their own message.
"""

from __future__ import annotations

import io
import re

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from etl.cells import is_figure
from etl.errors import ExtractionError
from etl.table_text import LaidOutText, TableTextWriter

PDF_MEDIA_TYPE = "application/pdf"
_PDF_MAGIC = b"%PDF-"
# Reports run to a few dozen pages; reading one page takes a fraction of a second.
MAX_PAGES = 500
# pdfminer writes a character whose font has no map to Unicode as "(cid:123)".
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_ENCRYPTED = "PDF 文件已加密（需要密码才能打开），请提供未加密的版本"
# pdfminer cannot decrypt some fonts of a PDF that opens without a password
# (one locked against copying or printing): its text comes out unmapped.
_ENCRYPTED_FONTS = "PDF 文件已加密（文字无法解密），请提供未加密的版本"
_NO_UNICODE = "PDF 的字体没有字符编码表，文字无法读出，需要先做文字识别（OCR）"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(_PDF_MAGIC)


def pdf_to_text(data: bytes, file: str) -> LaidOutText:
    """The document's text and tables as Word-table text, with page numbers."""
    out = TableTextWriter()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            encrypted = pdf.doc.encryption is not None
            if not pdf.pages:
                raise ExtractionError(file, "PDF 文件已损坏或无法读取（没有页面）")
            if len(pdf.pages) > MAX_PAGES:
                raise ExtractionError(
                    file, f"PDF 有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页的上限，不像年度报告"
                )
            for number, page in enumerate(pdf.pages, start=1):
                out.page = number
                _write_page(page, out)
                page.close()  # frees the page's parsed objects: memory stays that of one page
    except ExtractionError:
        raise
    except Exception as error:  # pdfminer raises many kinds on damaged or encrypted files
        raise ExtractionError(file, _unreadable(error)) from error
    laid_out = out.result()
    if not laid_out.text.strip():
        raise ExtractionError(file, "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）")
    unmapped = len(_UNMAPPED.findall(laid_out.text))
    if unmapped > len("".join(_UNMAPPED.sub("", laid_out.text).split())):
        raise ExtractionError(file, _ENCRYPTED_FONTS if encrypted else _NO_UNICODE)
    return laid_out


def _unreadable(error: Exception) -> str:
    # pdfplumber wraps pdfminer's errors: the wrapped one says what went wrong.
    wrapped = isinstance(error, PdfminerException) and error.args
    cause = error.args[0] if wrapped and isinstance(error.args[0], Exception) else error
    if isinstance(cause, PDFPasswordIncorrect):
        return _ENCRYPTED
    if isinstance(cause, PDFEncryptionError):  # a kind of encryption pdfminer cannot undo
        return "PDF 文件已加密（加密方式无法解开），请提供未加密的版本"
    return f"PDF 文件已损坏或无法读取（{type(cause).__name__}）"


def _write_page(page, out: TableTextWriter) -> None:
    top = 0.0
    for table in sorted(page.find_tables(), key=lambda table: table.bbox[1]):
        _write_text(page, top, table.bbox[1], out)
        _write_table(table.extract(), out)
        top = table.bbox[3]
    _write_text(page, top, page.height, out)


def _write_text(page, top: float, bottom: float, out: TableTextWriter) -> None:
    if bottom - top < 1:
        return
    text = page.crop((0, top, page.width, bottom), strict=False).extract_text() or ""
    for line in text.split("\n"):
        out.text_line(line)


def _write_table(rows: list[list[str | None]], out: TableTextWriter) -> None:
    if all(sum(cell is not None for cell in row) <= 1 for row in rows):  # a frame around prose
        for row in rows:
            for cell in row:
                if cell:
                    out.text_line(cell)
        return
    out.start_table()
    for row in rows:
        out.start_row()
        # Columns as the table's grid has them; None is the rest of a merged cell.
        cells = [
            (column, cell.replace("\n", ""))
            for column, cell in enumerate(row, 1)
            if cell is not None
        ]
        first_figure = next((i for i, (_, text) in enumerate(cells) if is_figure(text)), None)
        if first_figure is not None:  # empty parts of the label columns are no cells
            cells = [c for c in cells[:first_figure] if c[1]] + cells[first_figure:]
        for column, text in cells:
            out.cell(text, column)
    out.end_table()
