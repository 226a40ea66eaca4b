"""Word documents: built with python-docx from a real report's figures
(tests/documents.py), with the merged cells real reports have, and read back
exactly; damaged and oversized files refused with their own message."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Twips
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.readers.docx import docx_to_text
from tests.documents import document_from, document_xml, with_document_xml


def test_damaged_word_file_gets_a_clear_message() -> None:
    data = document_from("2024_huaian_shi")
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data[: len(data) // 2], "cut.docx")
    assert "Word 文件已损坏" in raised.value.problem


def test_zip_bomb_renamed_docx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (250 * 1024 * 1024))
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(buffer.getvalue(), "bomb.docx")
    assert "过大" in raised.value.problem


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_damaged_word_documents_are_read_or_refused_cleanly(data: st.DataObject) -> None:
    document = bytearray(_cached_document())
    for _ in range(data.draw(st.integers(1, 20), label="damage")):
        position = data.draw(st.integers(0, len(document) - 1), label="position")
        document[position] = data.draw(st.integers(0, 255), label="byte")
    try:
        report = extract_bytes(bytes(document), "damaged.docx")
    except ExtractionError as error:
        assert error.problem and str(error).startswith("damaged.docx: ")
    else:
        assert report.source.media_type.endswith("wordprocessingml.document")


@cache
def _cached_document() -> bytes:
    return document_from("2024_huaian_shi")


def test_word_cells_say_table_row_and_column() -> None:
    report = extract_bytes(document_from("2024_huaian_shi"), "report.docx")
    at = report.applications["granted"]["natural_person"]["at"]
    # Table 2 (section 三): three header rows, 一, 二, then （一）予以公开, whose
    # label spans grid columns 2–3 beside 三、本年度办理结果 merged down from above.
    assert (at["table"], at["row"], at["col"]) == (2, 6, 4)
    assert "page" not in at
    for key, row in report.applications.items():
        assert [cell["at"]["col"] for cell in row.values()] == list(range(4, 11)), key


def test_row_starting_past_skipped_grid_columns() -> None:
    """A row whose first cells are left out of the grid (w:gridBefore) starts further right."""
    document = Document()
    table = document.add_table(rows=2, cols=3)
    for row, texts in zip(table.rows, (["a", "b", "c"], ["d", "e", ""]), strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    second = table.rows[1]._tr
    second.remove(second.tc_lst[-1])
    second.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    laid_out = docx_to_text(_saved(document), "grid.docx")
    lines = laid_out.text.split("\n")
    cells = [(lines[n - 1].strip(), at["col"]) for n, at in sorted(laid_out.locations.items())]
    assert cells == [("a", 1), ("b", 2), ("c", 3), ("d", 2), ("e", 3)]


def test_sliver_grid_columns_are_not_printed_columns() -> None:
    """Where cell edges of two rows differ by a twip (Word 97 files saved as
    .docx), the grid has a column a twip wide; cells keep their printed column."""
    document = Document()
    table = document.add_table(rows=2, cols=3)
    widths = table._tbl.tblGrid.gridCol_lst
    for column, twips in zip(widths, (1000, 1, 999), strict=True):
        column.w = Twips(twips)
    first, second = table.rows
    first.cells[0].text, first.cells[1].merge(first.cells[2]).text = "a", "b"
    second.cells[0].merge(second.cells[1]).text, second.cells[2].text = "c", "d"
    laid_out = docx_to_text(_saved(document), "sliver.docx")
    lines = laid_out.text.split("\n")
    cells = [(lines[n - 1].strip(), at["col"]) for n, at in sorted(laid_out.locations.items())]
    assert cells == [("a", 1), ("b", 2), ("c", 1), ("d", 2)]


def test_unreadable_cell_span_gets_a_clear_message() -> None:
    """A document.xml whose merged cell says it spans “x” columns: damaged, not a crash."""
    docx = document_from("2024_huaian_shi")
    xml = document_xml(docx).replace(b'<w:gridSpan w:val="3"/>', b'<w:gridSpan w:val="x"/>', 1)
    damaged = with_document_xml(docx, xml)
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(damaged, "span.docx")
    assert raised.value.problem.startswith("Word 文件已损坏或无法打开")


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
