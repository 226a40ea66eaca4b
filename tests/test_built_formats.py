"""The same real report as a web page, a Word document and a PDF (built by
tests/documents.py with the template's merged cells and labels broken over two
lines) reads back as its text version: every figure, the headline figures and
the findings; and every figure has the same place — the printed grid's row
and column — in all three."""

from __future__ import annotations

from functools import cache

import pytest

from etl.extract import extract_bytes
from etl.model import Report
from etl.readers.docx import DOCX_MEDIA_TYPE
from etl.readers.pdf import PDF_MEDIA_TYPE
from tests.conftest import BUILT_REPORTS, figures, parsed
from tests.documents import document_from, page_from, pdf_from

FORMATS = {
    "html": (page_from, "text/html"),
    "docx": (document_from, DOCX_MEDIA_TYPE),
    "pdf": (pdf_from, PDF_MEDIA_TYPE),
}
STEMS = BUILT_REPORTS
TABLES = ("proactive", "applications", "review_litigation")


@cache
def _built(kind: str, stem: str) -> Report:
    build, _ = FORMATS[kind]
    return extract_bytes(build(stem), stem)  # no extension: recognised by content


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("kind", FORMATS)
def test_built_document_reads_as_its_text_version(kind: str, stem: str) -> None:
    report, text_version = _built(kind, stem), parsed(stem)
    assert report.source.media_type == FORMATS[kind][1]
    assert report.agency == text_version.agency
    assert (report.year, report.format) == (text_version.year, text_version.format)
    for table in TABLES:
        assert figures(getattr(report, table)) == figures(getattr(text_version, table)), table
    headline = {key: cell["value"] for key, cell in report.headline.items()}
    assert headline == {key: cell["value"] for key, cell in text_version.headline.items()}
    findings = [(f.rule, f.cells, f.expected, f.actual) for f in report.findings]
    assert findings == [(f.rule, f.cells, f.expected, f.actual) for f in text_version.findings]


def _places(report: Report) -> dict[str, tuple[int, int]]:
    """Every table cell's grid row and column, by its path."""
    return {
        f"{table}.{row}.{column}": (cell["at"]["row"], cell["at"]["col"])
        for table in TABLES
        for row, cells in getattr(report, table).items()
        for column, cell in cells.items()
    }


@pytest.mark.parametrize("stem", STEMS)
def test_every_figure_has_the_same_place_in_every_format(stem: str) -> None:
    places = {kind: _places(_built(kind, stem)) for kind in FORMATS}
    assert places["html"] == places["docx"] == places["pdf"]
    # Section 三: three header rows, then one row per template row; seven figure
    # columns after three label columns, however the label cells are merged.
    report = _built("html", stem)
    for index, (key, cells) in enumerate(report.applications.items()):
        assert [places["pdf"][f"applications.{key}.{c}"] for c in cells] == [
            (4 + index, column) for column in range(4, 11)
        ]
    # Section 二: one-figure rows merged across columns 2–4 are read in column 2.
    assert places["docx"]["proactive.licensing.decisions"] == (7, 2)
    assert places["html"]["proactive.fees.amount_10k_yuan"] == (14, 2)


def _cells(report: Report, table: str) -> list[dict]:
    return [cell for cells in getattr(report, table).values() for cell in cells.values()]


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_figures_say_their_page(stem: str) -> None:
    """Each table starts on a new page when it does not fit on the current one:
    section 二's figures come before section 三's, each table's on one page."""
    report = _built("pdf", stem)
    pages = {table: {cell["at"]["page"] for cell in _cells(report, table)} for table in TABLES}
    assert all(len(on) == 1 for on in pages.values()), pages
    assert min(pages["proactive"]) < min(pages["applications"]) <= min(pages["review_litigation"])
    assert not any("page" in cell["at"] for cell in _cells(_built("docx", stem), "applications"))
