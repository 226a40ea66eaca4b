"""Real reports rebuilt as the documents agencies publish: a web page
(``page_from``), a Word document (``document_from``) and a PDF (``pdf_from``)
of a corpus report, all three drawn from one description of its printed
tables — the national template's grid, with its merged cells (group labels
merged down their sub-rows, section 二's single figures merged across three
columns, headers over several columns and rows) and labels broken over two
lines — so that they can be read back and compared with the text version.
``web_page``, ``word_document`` and ``pdf_document`` build the same from a
report already extracted (a benchmark builds its Word inputs so);
``saved_by_libreoffice`` saves Word documents in the old Office formats
(.doc, .rtf, .odt) as LibreOffice writes them."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docx import Document
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table

from etl import template
from etl.model import Report
from etl.readers import libreoffice
from tests.conftest import parsed

# --- What is printed ------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A printed cell: its text (a newline where the label is broken) and the
    0-based grid row and column of its top-left corner, with the rows and
    columns it spans."""

    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Grid:
    """A printed table: every grid position is covered by exactly one cell."""

    width: int
    cells: tuple[Cell, ...]

    @property
    def height(self) -> int:
        return max(cell.row + cell.rows for cell in self.cells)

    def row(self, number: int) -> list[Cell]:
        """The cells whose top-left corner is in grid row ``number``, left to right."""
        return sorted((c for c in self.cells if c.row == number), key=lambda c: c.col)


Block = str | Grid  # a paragraph or a table


def broken(label: str) -> str:
    """A long label broken over two lines, as narrow table columns print it."""
    if len(label) < 6:
        return label
    half = len(label) // 2
    return f"{label[:half]}\n{label[half:]}"


def _figures(row: int, first_col: int, cells: dict) -> list[Cell]:
    return [Cell(cell["raw"], row, first_col + i) for i, cell in enumerate(cells.values())]


def proactive_grid(report: Report) -> Grid:
    """Section 二 of the 2021 template: four columns; each （一）/（五）/（六）/（八）
    block under its own caption and header row; one-figure rows merged across
    the three figure columns."""
    assert report.format == "2021", "the built documents follow the 2021 template"
    items = {item.key: item for item in template.PROACTIVE_ITEMS["2021"]}
    blocks = [
        ("第二十条第（一）项", ["regulations", "normative_documents"]),
        ("第二十条第（五）项", ["licensing"]),
        ("第二十条第（六）项", ["penalty", "coercion"]),
        ("第二十条第（八）项", ["fees"]),
    ]
    cells: list[Cell] = []
    row = 0
    for caption, keys in blocks:
        cells.append(Cell(caption, row, 0, cols=4))
        cells.append(Cell("信息内容", row + 1, 0))
        columns = items[keys[0]].columns
        if len(columns) == 3:
            headers = [template.PROACTIVE_COLUMN_LABELS[column] for column in columns]
            cells += [Cell(header, row + 1, 1 + i) for i, header in enumerate(headers)]
        else:
            cells.append(Cell(template.PROACTIVE_COLUMN_LABELS[columns[0]], row + 1, 1, cols=3))
        row += 2
        for key in keys:
            cells.append(Cell(broken(items[key].label), row, 0))
            figures = report.proactive.get(key, {})  # a row not read: printed empty
            if len(figures) == 3:
                cells += _figures(row, 1, figures)
            else:
                raw = next(iter(figures.values()))["raw"] if figures else ""
                cells.append(Cell(raw, row, 1, cols=3))
            row += 1
    return Grid(4, tuple(cells))


def applications_grid(report: Report) -> Grid:
    """Section 三: three label columns and seven figure columns; 三、本年度办理结果
    merged down all outcome rows, each group label (（三）不予公开 …) down its
    sub-rows, the caption and applicant headers over several rows and columns."""
    labels = template.APPLICANT_COLUMN_LABELS
    caption = next(x for x in template.APPLICATION_LAYOUT_LABELS if x.startswith("（本列数据"))
    cells = [
        Cell(caption, 0, 0, rows=3, cols=3),
        Cell("申请人情况", 0, 3, cols=7),
        Cell(labels["natural_person"], 1, 3, rows=2),
        Cell("法人或其他组织", 1, 4, cols=5),
        Cell(labels["total"], 1, 9, rows=2),
        Cell("商业\n企业", 2, 4),
        Cell("科研\n机构", 2, 5),
        *(Cell(labels[c], 2, 6 + i) for i, c in enumerate(("public_interest", "legal_service"))),
        Cell(labels["other_org"], 2, 8),
    ]
    keys = list(report.applications)
    outcomes = [k for k in keys if k not in ("new_received", "carried_over", "carried_forward")]
    row = 3
    for key in keys:
        label = broken(template.APPLICATION_ROW_BY_KEY[key].label)
        group = template.APPLICATION_ROW_BY_KEY[key].group
        if outcomes and key == outcomes[0]:
            cells.append(Cell("三、本年度办理结果", row, 0, rows=len(outcomes)))
        if key in ("new_received", "carried_over", "carried_forward"):
            cells.append(Cell(label, row, 0, cols=3))
        elif key in template.GROUP_LABEL_BEFORE:
            members = [k for k in outcomes if template.APPLICATION_ROW_BY_KEY[k].group == group]
            cells.append(Cell(template.GROUP_LABEL_BEFORE[key], row, 1, rows=len(members)))
            cells.append(Cell(label, row, 2))
        elif group in ("withheld", "unavailable", "declined") or key in template.OTHER_SUB_ROWS:
            cells.append(Cell(label, row, 2))
        else:
            cells.append(Cell(label, row, 1, cols=2))
        cells += _figures(row, 3, report.applications[key])
        row += 1
    return Grid(10, tuple(cells))


def review_grid(report: Report) -> Grid:
    """Section 四: 行政复议 over five columns, 行政诉讼 over ten, its two kinds
    over five each, the 行政复议 column headers merged down two rows."""
    words = list(template.REVIEW_COLUMN_LABELS.values())
    cells = [
        Cell("行政复议", 0, 0, cols=5),
        Cell("行政诉讼", 0, 5, cols=10),
        *(Cell(word, 1, i, rows=2) for i, word in enumerate(words)),
        Cell("未经复议直接起诉", 1, 5, cols=5),
        Cell("复议后起诉", 1, 10, cols=5),
        *(Cell(word, 2, 5 + i) for i, word in enumerate(words * 2)),
    ]
    printed = [c["raw"] for group in report.review_litigation.values() for c in group.values()]
    printed += [""] * (15 - len(printed))  # groups not read: printed empty
    cells += [Cell(raw, 3, i) for i, raw in enumerate(printed)]
    return Grid(15, tuple(cells))


def report_blocks(report: Report) -> list[Block]:
    """A report as the paragraphs and tables it is printed in."""
    narrative = report.narrative
    return [
        report.agency.name,
        f"{report.year}年度政府信息公开工作年度报告",
        template.SECTION_HEADINGS["overview"][0],
        *(narrative.overview or "").split("\n"),
        template.SECTION_HEADINGS["proactive"][0],
        proactive_grid(report),
        template.SECTION_HEADINGS["applications"][0],
        applications_grid(report),
        template.SECTION_HEADINGS["review_litigation"][0],
        review_grid(report),
        template.SECTION_HEADINGS["problems"][0],
        *(narrative.problems or "").split("\n"),
        template.SECTION_HEADINGS["other"][0],
        *(narrative.other or "").split("\n"),
    ]


# --- A web page ---------------------------------------------------------------


def _html_table(grid: Grid) -> str:
    rows = []
    for number in range(grid.height):
        cells = []
        for cell in grid.row(number):
            text = "<br>".join(html.escape(line) for line in cell.text.split("\n"))
            if cell.col >= 1 and text and text[0].isdigit():
                text = f"&nbsp;{text}&nbsp;"  # the padding portals put around figures
            spans = f' rowspan="{cell.rows}" colspan="{cell.cols}"'
            cells.append(f"<td{spans}><p>{text}</p></td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table border="1"><tbody>{"".join(rows)}</tbody></table>'


def page_from(stem: str) -> bytes:
    return web_page(parsed(stem))


def web_page(report: Report) -> bytes:
    """The report as a government portal page (UTF-8): a script, a navigation
    table, and the report inside a layout table, its tables merged as printed."""
    blocks = report_blocks(report)
    title = f"{blocks[0]}{blocks[1]}"
    body = [
        f"<p>{html.escape(block)}</p>" if isinstance(block, str) else _html_table(block)
        for block in blocks
    ]
    return "\n".join(
        [
            '<!DOCTYPE html><html><head><meta charset="utf-8">',
            f"<title>{html.escape(title)}</title>",
            '<script>var menu = "<table><tr><td>1</td></tr></table>";</script></head><body>',
            '<table class="nav"><tr><td><a href="/">首页</a></td><td>政务公开</td></tr></table>',
            '<table class="layout"><tr><td>',
            *body,
            "</td></tr></table></body></html>",
        ]
    ).encode("utf-8")


# --- A Word document ----------------------------------------------------------


def document_from(stem: str) -> bytes:
    return word_document(parsed(stem))


def word_document(report: Report) -> bytes:
    """The report as its agency would have written it in Word (.docx)."""
    document = Document()
    for block in report_blocks(report):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=block.height, cols=block.width)
        table.style = "Table Grid"
        for cell in block.cells:
            target = table.cell(cell.row, cell.col)
            if cell.rows > 1 or cell.cols > 1:
                corner = table.cell(cell.row + cell.rows - 1, cell.col + cell.cols - 1)
                target = target.merge(corner)
            first, *rest = cell.text.split("\n")
            target.text = first
            for line in rest:  # a broken label: a paragraph of its own in the cell
                target.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_xml(docx: bytes) -> bytes:
    """The body of a Word document: its word/document.xml."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml")


def with_document_xml(docx: bytes, xml: bytes) -> bytes:
    """The Word document ``docx`` with ``xml`` for its word/document.xml."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            is_body = entry.filename == "word/document.xml"
            target.writestr(entry, xml if is_body else source.read(entry))
    return out.getvalue()


# --- A PDF --------------------------------------------------------------------

# Adobe's built-in Chinese font: every PDF reader has it, no font file is embedded.
_FONT = "STSong-Light"
_MARGIN = 40
_COLUMN_WIDTHS = {
    4: [155, 120, 120, 120],
    10: [40, 60, 135] + [40] * 7,
    15: [34] * 15,
}


@cache
def _styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    text = ParagraphStyle("text", fontName=_FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=_FONT, fontSize=7, leading=9, wordWrap="CJK")
    return text, cell


def _pdf_table(grid: Grid, style: ParagraphStyle) -> Table:
    data: list[list[object]] = [[""] * grid.width for _ in range(grid.height)]
    for cell in grid.cells:
        lines = cell.text.split("\n")
        data[cell.row][cell.col] = Paragraph("<br/>".join(html.escape(x) for x in lines), style)
    spans = [
        ("SPAN", (c.col, c.row), (c.col + c.cols - 1, c.row + c.rows - 1))
        for c in grid.cells
        if c.rows > 1 or c.cols > 1
    ]
    return Table(
        data,
        colWidths=_COLUMN_WIDTHS[grid.width],
        style=[
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *spans,
        ],
    )


def pdf_from(stem: str) -> bytes:
    return pdf_document(parsed(stem))


def pdf_document(report: Report, encrypt: StandardEncryption | None = None) -> bytes:
    """The report as a PDF with a text layer and ruled tables (A4, several pages);
    each table begins on a new page when it would not fit on the current one.
    ``encrypt``: reportlab's encryption (passwords, permissions), if any."""
    text, cell = _styles()
    flowables: list = []
    blocks = report_blocks(report)
    for index, block in enumerate(blocks):
        if isinstance(block, Grid):
            continue
        paragraph = Paragraph(html.escape(block), text)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(following, Grid):  # a heading stays with its table
            flowables.append(KeepTogether([paragraph, _pdf_table(following, cell)]))
        else:
            flowables.append(paragraph)
    buffer = io.BytesIO()
    margins = {f"{side}Margin": _MARGIN for side in ("left", "right", "top", "bottom")}
    SimpleDocTemplate(buffer, pagesize=A4, encrypt=encrypt, **margins).build(flowables)
    return buffer.getvalue()


# --- Old Office formats -------------------------------------------------------


def saved_by_libreoffice(
    documents: dict[str, bytes], target: str, folder: Path
) -> dict[str, bytes]:
    """Word documents (stem → .docx bytes) saved by LibreOffice as ``target``
    (doc, rtf, odt), all in one LibreOffice run: stem → bytes. ``folder`` is new
    or empty."""
    sources = []
    for stem, docx in documents.items():
        sources.append(folder / f"{stem}.docx")
        sources[-1].write_bytes(docx)
    saved = libreoffice.convert(sources, target, folder, file=f"{target} fixtures")
    return {stem: path.read_bytes() for stem, path in zip(documents, saved, strict=True)}


def one_page_pdf(
    content: bytes, resources: bytes = b"", *more: bytes, filter: bytes = b""
) -> bytes:
    """A one-page PDF, written by hand, whose page draws ``content`` with
    ``resources``; ``more`` objects are numbered from 5; ``filter`` names the
    encoding ``content`` is already in (e.g. b"/FlateDecode")."""
    encoding = b" /Filter %s" % filter if filter else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s>>" % resources,
        b"<< /Length %d%s >>\nstream\n" % (len(content), encoding) + content + b"\nendstream",
        *more,
    ]
    return pdf_of_objects(objects)


def pdf_of_objects(objects: list[bytes]) -> bytes:
    """A PDF of ``objects``, numbered from 1 (the first the catalog), with
    their cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
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
    return bytes(out)
