"""Writing a document's tables as Word-table text, remembering where each line came from.

The readers of web pages, Word documents, PDFs, scans and Markdown all lay their input
out as the text the parser reads (a tab-indented line per table cell, a blank line
after each row) and record, for each line, the page, table, row and column it
came from, so every figure can be found again in the original. A line read by
OCR also keeps what the engine said of it (ScannedText).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from etl.cells import is_figure
from etl.model import Finding, Location
from etl.published import PublishedOn

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class ScannedText:
    """One line of a scan as OCR read it: its text (whitespace folded), the
    confidence of each of its characters, its box on the page image (left, top,
    right, bottom) and the grey pixels of that box, to show a person."""

    text: str
    confidences: tuple[float, ...]
    box: tuple[int, int, int, int]
    image: np.ndarray

    def __post_init__(self) -> None:
        if len(self.confidences) != len(self.text):
            raise ValueError("one confidence per character")


@dataclass
class LaidOutText:
    """Text in the Word-table layout, and where each of its lines was in the input."""

    text: str
    locations: dict[int, Location] = field(default_factory=dict)  # 1-based line → place
    # What the reader saw but could not lay out with certainty (see readers/markdown.py).
    findings: list[Finding] = field(default_factory=list)
    scans: dict[int, ScannedText] = field(default_factory=dict)  # lines read by OCR
    # The file's own creation date (a PDF's or Word file's properties), if it has one.
    file_date: PublishedOn | None = None


def folded(text: str) -> str:
    """Whitespace folded to single spaces, as every laid-out line is."""
    return " ".join(text.split())


class TableTextWriter:
    def __init__(self) -> None:
        self._lines: list[str] = []
        self._locations: dict[int, Location] = {}
        self._scans: dict[int, ScannedText] = {}
        self._tables = 0
        self._open: list[list[int]] = []  # [table number, row number] of the open tables
        self.page: int | None = None  # set by readers of paged input
        self.line: int | None = None  # set by readers of line-based input (Markdown)

    def text_line(self, text: str, scan: ScannedText | None = None) -> None:
        """A line of running text (whitespace folded); nothing for an empty one."""
        text = folded(text) if scan is None else scan.text
        if text:
            self._lines.append(text)
            place = self._source_place(scan)
            if place:
                self._locations[len(self._lines)] = place

    def blank_line(self) -> None:
        if self._lines and self._lines[-1] != "":
            self._lines.append("")

    def start_table(self) -> None:
        self.blank_line()
        self._tables += 1
        self._open.append([self._tables, 0])

    def end_table(self) -> None:
        self.blank_line()
        if self._open:
            self._open.pop()

    def start_row(self) -> None:
        self.blank_line()
        if self._open:
            self._open[-1][1] += 1

    def cell(self, text: str, column: int, scan: ScannedText | None = None) -> None:
        """One table cell (empty text: a blank cell), at 1-based ``column``."""
        self._lines.append("\t" + (folded(text) if scan is None else scan.text))
        # A web page's cells, hundreds a page, have no page, line or scan to note.
        unplaced = scan is None and self.page is None and self.line is None
        place: Location = {} if unplaced else self._source_place(scan)
        if self._open:
            place["table"], place["row"] = self._open[-1]
        place["col"] = column
        self._locations[len(self._lines)] = place

    def _source_place(self, scan: ScannedText | None) -> Location:
        place: Location = {}
        if self.page is not None:
            place["page"] = self.page
        if self.line is not None:
            place["line"] = self.line
        if scan is not None:
            self._scans[len(self._lines)] = scan
            place["box"] = list(scan.box)
            # No character read where there is a mark: as unsure as can be.
            place["confidence"] = round(min(scan.confidences, default=0.0), 3)
        return place

    def result(self) -> LaidOutText:
        return LaidOutText("\n".join(self._lines), self._locations, scans=self._scans)


@dataclass(frozen=True)
class RuledCell:
    """A cell of a table found by its ruling lines (a PDF's or a scan's): its
    text, a newline where a printed line ends, and what OCR said of it."""

    text: str
    scan: ScannedText | None = None


def write_ruled_table(rows: list[list[RuledCell | None]], out: TableTextWriter) -> None:
    """A ruled table's rows, each a list over the table's grid columns (None
    where a merged cell from the left or above covers the column).

    Empty cells between a row's label and its first figure are the unused parts
    of the label columns and are no cells; a "table" of one column is a page
    frame around prose and is read as plain lines (a cell's lines joined by a
    space, as prose lines are); in a table, a cell's lines are joined as they
    are, a label broken over two lines being one label.
    """
    if all(sum(cell is not None for cell in row) <= 1 for row in rows):
        for row in rows:
            for cell in row:
                if cell is not None and cell.text:
                    out.text_line(cell.text, cell.scan)
        return
    out.start_table()
    for row in rows:
        out.start_row()
        cells = [
            (column, cell.text.replace("\n", ""), cell.scan)
            for column, cell in enumerate(row, 1)
            if cell is not None
        ]
        first_figure = next((i for i, (_, text, _) in enumerate(cells) if is_figure(text)), None)
        if first_figure is not None:
            cells = [c for c in cells[:first_figure] if c[1]] + cells[first_figure:]
        for column, text, scan in cells:
            out.cell(text, column, scan)
    out.end_table()
