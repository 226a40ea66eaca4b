"""A web page to text in the Word-table layout the parser already reads.

Government portals publish reports as HTML tables. Each table cell becomes one
tab-indented line and each table row ends with a blank line — the layout of a
Word document converted to text — so every table goes through the same label
and row recognition as the other inputs. Paragraphs outside tables become
plain lines; scripts, styles and later <title>s (portal chrome) are dropped.
Merged cells need no expansion: rows are found by their labels, not by position.

A cell that holds a table of its own is page layout, not data: its text is
written as plain lines and its inner table read as a table.
"""

from __future__ import annotations

from html.parser import HTMLParser

from etl.table_text import LaidOutText, TableTextWriter

_SKIPPED = frozenset({"script", "style", "noscript", "template", "select", "option"})
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
     "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "caption"}
)  # fmt: skip
_CELLS = frozenset({"td", "th"})


class _Cell:
    def __init__(self, column: int) -> None:
        self.column = column
        self.text: list[str] = []
        self.is_layout = False  # holds a table: its text is flow, not a cell


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = TableTextWriter()
        self._flow: list[str] = []  # text of the current plain line
        self._cells: list[_Cell] = []  # open cells, innermost last
        self._columns: list[int] = []  # cells seen in the current row of each open table
        self._skipping = 0
        self._titles = 0  # the first <title> names the report; later ones are portal chrome

    def _end_flow_line(self) -> None:
        self.out.text_line("".join(self._flow))
        self._flow = []

    def _in_data_cell(self) -> bool:
        return bool(self._cells) and not self._cells[-1].is_layout

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._titles += 1
        if tag in _SKIPPED or (tag == "title" and self._titles > 1):
            self._skipping += 1
        elif tag == "title":
            self._end_flow_line()
        elif tag == "table":
            if self._in_data_cell():
                cell = self._cells[-1]
                cell.is_layout = True
                self._flow.extend(cell.text)
                cell.text = []
            self._end_flow_line()
            self.out.start_table()
            self._columns.append(0)
        elif tag == "tr":
            self._end_flow_line()
            self.out.start_row()
            if self._columns:
                self._columns[-1] = 0
        elif tag in _CELLS:
            self._end_flow_line()
            if self._columns:
                self._columns[-1] += 1
            self._cells.append(_Cell(self._columns[-1] if self._columns else 1))
        elif tag in _BLOCKS:
            if self._in_data_cell():
                self._cells[-1].text.append(" ")
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
        elif tag in _CELLS and self._cells:
            cell = self._cells.pop()
            if cell.is_layout:
                self._end_flow_line()
            else:
                self.out.cell("".join(cell.text), cell.column)
        elif tag == "table":
            self._end_flow_line()
            self.out.end_table()
            if self._columns:
                self._columns.pop()
        elif tag in _BLOCKS and not self._in_data_cell():
            self._end_flow_line()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._in_data_cell():
            self._cells[-1].text.append(data)
        else:
            self._flow.append(data)


def html_to_text(html: str) -> LaidOutText:
    """The text of a web page, tables laid out as Word-table text."""
    page = _PageText()
    page.feed(html)
    page.close()
    page._end_flow_line()
    return page.out.result()
