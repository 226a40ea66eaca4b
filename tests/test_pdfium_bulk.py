"""The C module that gathers pdfium's answers about a page (etl/readers/_pdfium_bulk.c)
gives exactly what pdfium answers each question asked through pypdfium2's own
API: for every character, page object and path segment of the original PDFs
and of a page drawing turned text, a form, curves and closed paths."""

from __future__ import annotations

import ctypes
from ctypes import byref, c_double, c_float

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from etl.readers import _pdfium_bulk
from etl.readers.pdf_pdfium import (
    address,
    drawn_chars,
    object_count,
    page_objects,
    path_segments,
    segment_count,
)
from tests.conftest import CORPUS
from tests.documents import one_page_pdf

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
FORM = (
    b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [0.5 0 0 0.5 10 20]"
    b" /Resources << /Font << /F1 5 0 R >> >> /Length 68 >>\nstream\n"
    b"0 0 m 100 0 l 100 50 l 0 50 l h S BT /F1 9 Tf 5 5 Td (in a form) Tj ET"
    b"\nendstream"
)
DRAWING = b"\n".join(
    [
        b"BT /F1 12 Tf 72 700 Td (Plain text, fi and spaces) Tj ET",
        b"BT /F1 12 Tf 0 1 -1 0 300 300 Tm (Turned) Tj ET",  # a quarter turn
        b"BT /F1 10 Tf 2 0 0 1 72 600 Tm (Wide) Tj ET",
        b"72 500 m 200 500 l S",  # a line
        b"72 400 100 50 re f",  # a rectangle: closed
        b"72 300 m 100 350 150 350 180 300 c 200 250 l h S",  # a curve, closed
        b"q 1 0 0 1 50 50 cm /X0 Do Q",
    ]
)
RESOURCES = b"/Resources << /Font << /F1 5 0 R >> /XObject << /X0 6 0 R >> >> "
DOCUMENTS = {
    **{path.stem: path.read_bytes() for path in sorted((CORPUS / "orig").glob("*.pdf"))},
    "drawn": one_page_pdf(DRAWING, RESOURCES, HELVETICA, FORM),
}


def _pages(data: bytes) -> list[pdfium.PdfPage]:
    document = pdfium.PdfDocument(data)  # each page keeps it open
    return [document[index] for index in range(len(document))]


def _pdfium_chars(textpage) -> list[tuple]:
    """What the reader asks of each character, asked one call at a time."""
    x, y, matrix = c_double(), c_double(), pdfium_c.FS_MATRIX()
    records, last_object, size, font = [], None, 0.0, 0
    for index in range(pdfium_c.FPDFText_CountChars(textpage)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        if chr(code) in " \r\n" and pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        handle = pdfium_c.FPDFText_GetTextObject(textpage, index)
        text_object = address(handle)
        if not text_object:
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, byref(x), byref(y))
        new_object = text_object != last_object
        if new_object:
            last_object = text_object
            pdfium_c.FPDFText_GetMatrix(textpage, index, byref(matrix))
            size = pdfium_c.FPDFText_GetFontSize(textpage, index)
            font = address(pdfium_c.FPDFTextObj_GetFont(handle))
        four = (matrix.a, matrix.b, matrix.c, matrix.d)
        records.append((index, int(new_object), text_object, x.value, y.value, *four, size, font))
    return records


def _pdfium_objects(container, is_form: bool) -> list[tuple]:
    count = (pdfium_c.FPDFFormObj_CountObjects if is_form else pdfium_c.FPDFPage_CountObjects)(
        container
    )
    get = pdfium_c.FPDFFormObj_GetObject if is_form else pdfium_c.FPDFPage_GetObject
    records, matrix = [], pdfium_c.FS_MATRIX()
    for index in range(count):
        obj = get(container, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        has_matrix, six = 0, (0.0,) * 6
        if kind in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            has_matrix = int(bool(pdfium_c.FPDFPageObj_GetMatrix(obj, byref(matrix))))
            six = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        records.append((address(obj), kind, has_matrix, *six))
    return records


def _pdfium_segments(path) -> list[tuple]:
    x, y, records = c_float(), c_float(), []
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, byref(x), byref(y))
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        closes = int(bool(pdfium_c.FPDFPathSegment_GetClose(segment)))
        records.append((kind, closes, x.value, y.value))
    return records


def _each_container(page) -> list[tuple[int, bool]]:
    """The page and every form on it, forms in forms included."""
    containers, pending = [], [(address(page.raw), False)]
    while pending:
        container, is_form = pending.pop()
        containers.append((container, is_form))
        for obj, kind, *_ in page_objects(
            container, is_form, object_count(container, is_form), set()
        ):
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                pending.append((obj, True))
    return containers


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_character_reads_as_pdfium_answers_it(name: str) -> None:
    pages = 0
    for page in _pages(DOCUMENTS[name]):
        textpage = page.get_textpage()
        count = pdfium_c.FPDFText_CountChars(textpage)
        expected = _pdfium_chars(textpage)
        assert expected, "every page of these draws characters"
        assert list(drawn_chars(address(textpage.raw), count, "")) == expected
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
        assert list(drawn_chars(address(textpage.raw), count, text)) == expected
        textpage.close()
        pages += 1
    assert pages > 0


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_object_and_path_segment_reads_as_pdfium_answers_it(name: str) -> None:
    paths = 0
    for page in _pages(DOCUMENTS[name]):
        for container, is_form in _each_container(page):
            kind = pdfium_c.FPDF_PAGEOBJECT if is_form else pdfium_c.FPDF_PAGE
            handle = ctypes.cast(container, kind)
            records = list(
                page_objects(container, is_form, object_count(container, is_form), set())
            )
            assert records == _pdfium_objects(handle, is_form)
            for obj, kind, *_ in records:
                if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                    segments = list(path_segments(obj, segment_count(obj)))
                    assert segments == _pdfium_segments(ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT))
                    paths += 1
    assert paths > 0


def test_known_text_objects_are_not_asked_about() -> None:
    (page,) = _pages(DOCUMENTS["drawn"])
    container = address(page.raw)
    count = object_count(container, False)
    everything = list(page_objects(container, False, count, set()))
    texts = {obj for obj, kind, *_ in everything if kind == pdfium_c.FPDF_PAGEOBJ_TEXT}
    known = list(page_objects(container, False, count, texts))
    assert [record[:2] for record in known] == [
        (obj, -1 if obj in texts else kind) for obj, kind, *_ in everything
    ]


def test_a_text_of_the_wrong_length_is_refused() -> None:
    (page,) = _pages(DOCUMENTS["drawn"])
    textpage = page.get_textpage()
    with pytest.raises(ValueError, match="one character for each"):
        _pdfium_bulk.chars(address(textpage.raw), 3, "ab")
    textpage.close()
