"""A web page to text in the Word-table layout the parser already reads.

Government portals publish reports as HTML tables. Each table cell becomes one
tab-indented line and each table row ends with a blank line — the layout of a
Word document converted to text — so every table goes through the same label
and row recognition as the other inputs. Paragraphs outside tables become
plain lines; scripts, styles and later <title>s (portal chrome) are dropped.
Merged cells need no expansion for their values — rows are found by their
labels, not by position — but each cell's column is its column in the table's
grid, counting the columns a colspan covers and those taken by rowspan cells
of the rows above, so a figure's place points at the column it is printed in.

A cell that holds a table of its own is page layout, not data: its text is
written as plain lines and its inner table read as a table.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from etl.table_text import LaidOutText, TableTextWriter

HTML_MEDIA_TYPE = "text/html"
_HTML = re.compile(r"<!DOCTYPE\s+html|<html[\s>]|<table[\s>]|<body[\s>]", re.IGNORECASE)

_SKIPPED = frozenset({"script", "style", "noscript", "template", "select", "option"})
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
     "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "caption"}
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})


# The largest spans HTML allows; larger values are read as these.
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
# Rowspans are followed over this many columns (a report's widest table has 15):
# bounds the work a page of huge spans can cause.
_TRACKED_COLUMNS = 100
_LEADING_DIGITS = re.compile(r"\s*(\d+)")


class _Cell:
    def __init__(self, column: int, table: int) -> None:
        self.column = column
        self.table = table  # how many tables were open around it
        self.text: list[str] = []
        self.is_layout = False  # holds a table: its text is flow, not a cell


class _Grid:
    """Where the cells of one table stand: the next free column of the current
    row, skipping the columns that rowspan cells of earlier rows still cover."""

    def __init__(self) -> None:
        self.row = 0
        self._next = 1
        self._covered_until: dict[int, int] = {}  # column → last row a rowspan covers

    def start_row(self) -> None:
        self.row += 1
        self._next = 1

    def start_row_group(self) -> None:
        """<thead>, <tbody>, <tfoot>: no rowspan reaches across them."""
        self._covered_until.clear()

    def place(self, colspan: int, rowspan: int) -> int:
        """The 1-based column of the next cell, which covers ``colspan`` columns
        of this row and the ``rowspan`` − 1 rows below."""
        column = self._next
        while column in self._covered_until and self._covered_until[column] >= self.row:
            column += 1
        if rowspan > 1:
            last_row = self.row + rowspan - 1
            for covered in range(column, min(column + colspan, _TRACKED_COLUMNS + 1)):
                self._covered_until[covered] = last_row
        self._next = column + colspan
        return column


def _span(attrs: list[tuple[str, str | None]], name: str, largest: int) -> int:
    """A colspan or rowspan attribute, read as browsers do (its leading digits;
    values past what HTML allows as the largest, a missing or unreadable one as 1)."""
    digits = _LEADING_DIGITS.match(dict(attrs).get(name) or "")
    span = int(digits.group(1)[:6]) if digits else 1
    if span == 0:
        return largest if name == "rowspan" else 1  # rowspan="0": to the end of the table
    return min(span, largest)


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = TableTextWriter()
        self._flow: list[str] = []  # text of the current plain line
        self._cells: list[_Cell] = []  # open cells, innermost last
        self._grids: list[_Grid] = []  # one per open table, innermost last
        self._skipping = 0
        self._titles = 0  # the first <title> names the report; later ones are portal chrome

    def _end_flow_line(self) -> None:
        self.out.text_line("".join(self._flow))
        self._flow = []

    def _in_data_cell(self) -> bool:
        return bool(self._cells) and not self._cells[-1].is_layout

    def _close_cells(self) -> None:
        """End the open cells of the innermost table: HTML lets </td> go unwritten
        before the next cell, the next row or the table's end."""
        while self._cells and self._cells[-1].table >= len(self._grids):
            cell = self._cells.pop()
            if cell.is_layout:
                self._end_flow_line()
            else:
                self.out.cell("".join(cell.text), cell.column)

    def end(self) -> None:
        """The end of the page: cells still open (a page cut off mid-table) are kept."""
        self._grids.clear()
        self._close_cells()
        self._end_flow_line()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._titles += 1
        if tag in _SKIPPED or (tag == "title" and self._titles > 1):
            self._skipping += 1
        elif tag == "title":
            self._end_flow_line()
        elif tag == "table":
            self._end_flow_line()
            if self._in_data_cell():  # the cell is layout: what it held so far is lines
                cell = self._cells[-1]
                cell.is_layout = True
                for line in "".join(cell.text).split("\n"):
                    self.out.text_line(line)
                cell.text = []
            self.out.start_table()
            self._grids.append(_Grid())
        elif tag == "tr":
            self._close_cells()
            self._end_flow_line()
            self.out.start_row()
            if self._grids:
                self._grids[-1].start_row()
        elif tag in _ROW_GROUPS and self._grids:
            self._grids[-1].start_row_group()
        elif tag in _CELLS:
            self._close_cells()
            self._end_flow_line()
            colspan = _span(attrs, "colspan", _MAX_COLSPAN)
            rowspan = _span(attrs, "rowspan", _MAX_ROWSPAN)
            column = self._grids[-1].place(colspan, rowspan) if self._grids else 1
            self._cells.append(_Cell(column, len(self._grids)))
        elif tag in _BLOCKS:
            if self._in_data_cell():  # a line break in a cell: a space, unless the cell is layout
                self._cells[-1].text.append("\n")
            else:
                self._end_flow_line()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED or (tag == "title" and self._titles > 1):
            self._skipping = max(self._skipping - 1, 0)
        elif tag == "title":
            self._end_flow_line()
        elif tag in _CELLS or tag == "tr":
            self._close_cells()
        elif tag == "table":
            self._close_cells()
            self._end_flow_line()
            self.out.end_table()
            if self._grids:
                self._grids.pop()
        elif tag in _BLOCKS and not self._in_data_cell():
            self._end_flow_line()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._in_data_cell():
            self._cells[-1].text.append(data)
        else:
            self._flow.append(data)


def is_html(text: str) -> bool:
    """Whether the text is a web page: its first tags say so."""
    return _HTML.search(text[:4096]) is not None


def html_to_text(html: str) -> LaidOutText:
    """The text of a web page, tables laid out as Word-table text."""
    page = _PageText()
    page.feed(html)
    page.close()
    page.end()
    return page.out.result()
