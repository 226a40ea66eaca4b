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
"""

from __future__ import annotations

import io
import re

import pdfplumber

from etl.errors import ExtractionError

PDF_MEDIA_TYPE = "application/pdf"
_PDF_MAGIC = b"%PDF-"
_FIGURE = re.compile(r"^[-+－−]?[\d０-９][\d０-９,，.．]*\s*\S{0,2}$|^[/／\-－—–─]+$|^无$")


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(_PDF_MAGIC)


def pdf_to_text(data: bytes, file: str) -> str:
    """The document's text and tables as Word-table text."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            lines = [line for page in pdf.pages for line in _page_lines(page)]
    except ExtractionError:
        raise
    except Exception as error:  # pdfminer raises many kinds on damaged or encrypted files
        raise ExtractionError(file, f"PDF 文件无法读取（{type(error).__name__}）") from error
    if not any(line.strip() for line in lines):
        raise ExtractionError(file, "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）")
    return "\n".join(lines)


def _page_lines(page) -> list[str]:
    lines: list[str] = []
    top = 0.0
    for table in sorted(page.find_tables(), key=lambda table: table.bbox[1]):
        lines += _text_lines(page, top, table.bbox[1])
        lines += _table_lines(table.extract())
        top = table.bbox[3]
    lines += _text_lines(page, top, page.height)
    return lines


def _text_lines(page, top: float, bottom: float) -> list[str]:
    if bottom - top < 1:
        return []
    text = page.crop((0, top, page.width, bottom), strict=False).extract_text() or ""
    return text.split("\n")


def _table_lines(rows: list[list[str | None]]) -> list[str]:
    cells_of_rows = [[cell for cell in row if cell is not None] for row in rows]
    if all(len(cells) <= 1 for cells in cells_of_rows):  # a frame around prose
        return [cells[0] for cells in cells_of_rows if cells and cells[0]]
    lines = [""]
    for cells in cells_of_rows:
        texts = [cell.replace("\n", "") for cell in cells]
        first_figure = next((i for i, text in enumerate(texts) if _FIGURE.match(text)), None)
        if first_figure is not None:
            label_part = [text for text in texts[:first_figure] if text]
            texts = label_part + texts[first_figure:]
        lines += [f"\t{text}" for text in texts]
        lines.append("")
    return lines
