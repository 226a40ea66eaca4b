"""A Word document (.docx) to text in the Word-table layout the parser reads.

Paragraphs become lines; each table row becomes its cells, one tab-indented
line each, followed by a blank line — exactly what converting the document to
text gives, which the parser already reads (see tokens.py). A cell merged
across columns appears once (python-docx's ``row.cells`` would repeat it); the
continuation of a cell merged down the rows is an empty placeholder, as in the
text conversion. A cell's column is its printed column in the table's grid.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Twips

from etl.errors import ExtractionError
from etl.files import ZIP_SIGNATURE
from etl.published import from_file_properties
from etl.table_text import LaidOutText, TableTextWriter

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A report's document.xml is a few hundred KB; far more unpacked is a zip bomb.
# Sizes are counted by unpacking (a zip's directory can claim any size), and
# XML far past this takes python-docx a minute and gigabytes to parse.
_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_MAX_XML_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024
# A grid column narrower than a point is no printed column: it is the sliver
# left where the edges of cells in different rows differ by a twip, as in Word
# 97 files saved as .docx (by Word or by LibreOffice).
_SLIVER = Twips(20)


def is_docx(data: bytes) -> bool:
    return data.startswith(ZIP_SIGNATURE) and b"word/" in data[:65536]


def docx_to_text(data: bytes, file: str) -> LaidOutText:
    """The document's paragraphs and tables as Word-table text."""
    document = _open(data, file)
    out = TableTextWriter()
    try:
        for element in document.element.body.iterchildren():
            if element.tag == qn("w:p"):
                out.text_line(_text_of(element))
            elif element.tag == qn("w:tbl"):
                _write_table(element, out)
    except Exception as error:  # python-docx parses attributes (spans, merges) as it reads them
        raise ExtractionError(file, _damaged(error)) from error
    laid_out = out.result()
    try:
        created = document.core_properties.created
    except Exception:  # a damaged core.xml: the report is read, only without the date
        created = None
    laid_out.file_date = from_file_properties("Word", created.isoformat() if created else None)
    return laid_out


def _open(data: bytes, file: str):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not unpacks_within_limits(archive):
                raise ExtractionError(file, "Word 文件解压后过大，不像年度报告，已拒绝读取")
        return Document(io.BytesIO(data))
    except ExtractionError:
        raise
    except Exception as error:  # python-docx and zipfile raise many kinds on damaged files
        raise ExtractionError(file, _damaged(error)) from error


def unpacks_within_limits(archive: zipfile.ZipFile) -> bool:
    """Whether the parts, unpacked, stay within the limits: each part is
    unpacked (and thrown away) until it ends or passes them."""
    total = 0
    for entry in archive.infolist():
        xml = entry.filename.endswith((".xml", ".rels"))
        size = 0
        with archive.open(entry) as part:
            while chunk := part.read(_CHUNK):
                size += len(chunk)
                if (size > _MAX_XML_BYTES and xml) or total + size > _MAX_UNPACKED_BYTES:
                    return False
        total += size
    return True


def _damaged(error: Exception) -> str:
    return f"Word 文件已损坏或无法打开（{type(error).__name__}）"


def _text_of(element) -> str:
    """The text of a paragraph or cell, its paragraphs joined by spaces."""
    paragraphs = element.iter(qn("w:p")) if element.tag != qn("w:p") else [element]
    texts = ("".join(node.text or "" for node in p.iter(qn("w:t"))) for p in paragraphs)
    return " ".join(text for text in texts if text)


def _write_table(table, out: TableTextWriter) -> None:
    printed_column = _printed_columns(table)
    out.start_table()
    for row in table.iterchildren(qn("w:tr")):
        out.start_row()
        grid_column = row.grid_before
        for cell in row.iterchildren(qn("w:tc")):
            merged_from_above = cell.vMerge == "continue"
            out.cell("" if merged_from_above else _text_of(cell), printed_column(grid_column))
            grid_column += cell.grid_span
    out.end_table()


def _printed_columns(table) -> Callable[[int], int]:
    """The printed column (from 1) of a grid column (from 0): the grid's
    slivers are not counted, and columns past the declared grid each count."""
    grid = table.find(qn("w:tblGrid"))
    widths = [] if grid is None else [column.w for column in grid.iterchildren(qn("w:gridCol"))]
    starts, printed = [], 1
    for width in widths:
        starts.append(printed)
        printed += not (width is not None and 0 < width < _SLIVER)

    def printed_column(grid_column: int) -> int:
        if grid_column < len(starts):
            return starts[grid_column]
        return printed + grid_column - len(starts)

    return printed_column
