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

The page is parsed by Lexbor (through selectolax), an HTML5 parser: the tree
is the one a browser builds, whatever the markup leaves out or gets wrong —
end tags left unwritten, a stray </td>, a row outside any <tbody>, text
between cells (moved before the table), misnested tags. A page without
<html>, <head> or <body> (a CMS's stored article body) is a page too: the
parser supplies them, as a browser does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from etl.readers.html_limits import check_page_limits
from etl.table_text import LaidOutText, TableTextWriter

HTML_MEDIA_TYPE = "text/html"
# A whole page: its first tags say so.
_PAGE = re.compile(r"<!DOCTYPE\s+html|<html[\s>]|<table[\s>]|<body[\s>]", re.IGNORECASE)
# A fragment: text that begins with an HTML element's tag (or a comment) and
# holds a table somewhere, however far down.
_FRAGMENT_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:p|div|span|table|section|article|h[1-6]|font|center|strong|b|ul"
    r"|ol|style|meta|link|br|img|a|form|ucapcontent|ucaptitle)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
_TABLE_TAG = re.compile(r"<table[\s>]", re.IGNORECASE)

_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "select", "option", "-comment", "-doctype"}
)
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
     "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "caption"}
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
# SVG and MathML: a <td> in them is no cell of the table around them.
_FOREIGN = frozenset({"svg", "math"})
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
# What lays text out (besides blocks); every other element only holds text.
_LAYOUT = _CELLS | _ROW_GROUPS | {"title", "table", "tr"}
# Between plain lines. No text holds it: decoding refuses NUL bytes (and
# cleans what JSON escapes spell), and the parser reads &#0; as U+FFFD.
_LINE_BREAK = "\x00"

# The largest spans HTML allows; larger values are read as these.
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
# Rowspans are followed over this many columns (a report's widest table has 15):
# bounds the work a page of huge spans can cause.
_TRACKED_COLUMNS = 100
_LEADING_DIGITS = re.compile(r"\s*(\d+)")


# What a node's tag makes it do (see _PageText.read).
_INLINE, _SKIP, _BLOCK, _LAYING_OUT = range(4)
_TEXT_ID = LexborHTMLParser("x").body.first_child.tag_id  # a text node's tag number


# What a node's tag makes it in a row read flat (see _PageText._read_plain_row).
_HOLDS_TEXT, _BREAKS_LINE, _STARTS_CELL, _NOT_PLAIN = range(4)


def _in_row(tag: str | None) -> int:
    role, name = _role(tag)
    if name in _FOREIGN:
        return _NOT_PLAIN
    if role == _BLOCK:
        return _BREAKS_LINE
    if name in _CELLS:
        return _STARTS_CELL
    return _HOLDS_TEXT if role == _INLINE or name == "-comment" else _NOT_PLAIN


def _role(tag: str | None) -> tuple[int, str]:
    if tag is None or tag in _SKIPPED:
        return _SKIP, tag or ""
    if tag in _BLOCKS:
        return _BLOCK, tag
    return (_LAYING_OUT if tag in _LAYOUT else _INLINE), tag


class _Cell:
    def __init__(self, column: int) -> None:
        self.column = column
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


def _span(value: str | None, name: str, largest: int) -> int:
    """A colspan or rowspan attribute, read as browsers do (its leading digits;
    values past what HTML allows as the largest, a missing or unreadable one as 1)."""
    if not value:
        return 1
    digits = _LEADING_DIGITS.match(value)
    span = int(digits.group(1)[:6]) if digits else 1
    if span == 0:
        return largest if name == "rowspan" else 1  # rowspan="0": to the end of the table
    return min(span, largest)


class _PageText:
    """The page's tree, node by node in document order, as table text."""

    def __init__(self) -> None:
        self.out = TableTextWriter()
        # Text of the plain lines since the last table cell, row or table: the
        # lines are written, split at _LINE_BREAK, when the next one begins.
        self._flow: list[str] = []
        self._cells: list[_Cell] = []  # open cells, innermost last
        self._grids: list[_Grid] = []  # one per open table, innermost last
        self._titles = 0  # the first <title> names the report; later ones are portal chrome
        self.sink = self._flow  # where text goes: the open data cell's text, or the flow
        self._roles: dict[int, tuple[int, str]] = {}  # tag number → (role, name)
        self._in_rows: dict[int, int] = {}  # tag number → what it is in a plain row

    def read(self, root: LexborNode) -> None:
        """Every node under ``root``, depth first. The open elements are a list,
        not the call stack, so a deeply nested page needs no deep recursion.
        Most elements (<span>, <font>, <a> …) only hold text: they are entered
        without a word; blocks break lines; tables, rows and cells lay them out."""
        # Nodes are told apart by their tag's number, each number's role and
        # name looked up once a page: a page has thousands of nodes and a few
        # dozen tags, and a tag's name costs a string each time it is asked for.
        roles = self._roles
        open_elements: list[tuple[str, Iterator[LexborNode]]] = [("", iter((root,)))]
        enter = open_elements.append
        while open_elements:
            tag, children = open_elements[-1]
            sink = self.sink
            for node in children:
                number = node.tag_id
                if number == _TEXT_ID:
                    sink.append(node.text_content or "")
                    continue
                role, name = roles.get(number) or roles.setdefault(number, _role(node.tag))
                if role == _INLINE:
                    enter((name, node.iter(include_text=True)))
                    break
                if role == _SKIP:
                    continue
                if role == _BLOCK:
                    # A line break; in a data cell a space (the cell is one line).
                    sink.append("\n" if sink is not self._flow else _LINE_BREAK)
                elif not self._start(name, node) or (name == "tr" and self._read_plain_row(node)):
                    continue
                enter((name, node.iter(include_text=True)))
                break
            else:  # every child read: the element ends
                open_elements.pop()
                if tag in _LAYOUT:
                    self._end(tag)
                elif tag in _BLOCKS and self.sink is self._flow:
                    self._flow.append(_LINE_BREAK)
        self._end_flow()

    def _end_flow(self) -> None:
        """The plain lines since the last cell, row or table, written."""
        if self._flow:
            text = "".join(self._flow)
            self._flow.clear()
            # Mostly the spacing between a table's tags: lines with nothing to write.
            if not text.replace(_LINE_BREAK, " ").isspace():
                for line in text.split(_LINE_BREAK):
                    self.out.text_line(line)

    def _in_data_cell(self) -> bool:
        return bool(self._cells) and not self._cells[-1].is_layout

    def _start(self, tag: str, node: LexborNode) -> bool:
        """A title, table, row group, row or cell begins; False when what it holds is not read."""
        self._end_flow()
        if tag == "title":
            self._titles += 1
            return self._titles == 1
        if tag == "table":
            if self._in_data_cell():  # the cell is layout: what it held so far is lines
                cell = self._cells[-1]
                cell.is_layout = True
                for line in "".join(cell.text).split("\n"):
                    self.out.text_line(line)
                cell.text = []
                self.sink = self._flow
            self.out.start_table()
            self._grids.append(_Grid())
        elif tag == "tr":
            self.out.start_row()
            if self._grids:
                self._grids[-1].start_row()
        elif tag in _ROW_GROUPS:
            if self._grids:
                self._grids[-1].start_row_group()
        else:  # a cell
            self._cells.append(_Cell(self._column(node)))
            self.sink = self._cells[-1].text
        return True

    def _column(self, cell: LexborNode) -> int:
        """The grid column of a cell that begins."""
        if not self._grids:
            return 1  # a cell outside any table is foreign content (<svg><td>)
        attributes = cell.attributes  # one dict: cheaper than two lookups through .attrs
        if "colspan" not in attributes and "rowspan" not in attributes:
            return self._grids[-1].place(1, 1)  # most cells
        colspan = _span(attributes.get("colspan"), "colspan", _MAX_COLSPAN)
        rowspan = _span(attributes.get("rowspan"), "rowspan", _MAX_ROWSPAN)
        return self._grids[-1].place(colspan, rowspan)

    def _read_plain_row(self, row: LexborNode) -> bool:
        """A table row whose cells hold only text, inline elements and blocks
        (nearly every row of a report), read in one flat pass over its subtree:
        a row's hundred nodes cost far less in one traverse() than each entered
        with an iterator of its own. False, with nothing read, when it holds
        anything else (a table in a cell, a script, foreign content …): the
        walk then enters it node by node."""
        in_rows = self._in_rows
        cells: list[tuple[LexborNode, list[str]]] = []
        text: list[str] | None = None  # the open cell's text
        nodes = row.traverse(include_text=True)
        next(nodes)  # the row itself
        for node in nodes:
            number = node.tag_id
            if number == _TEXT_ID:
                content = node.text_content or ""
                if text is not None:
                    text.append(content)  # after a cell's end only whitespace: folded away
                elif not content.isspace():
                    return False
                continue
            kind = in_rows.get(number)
            if kind is None:
                kind = in_rows[number] = _in_row(node.tag)
            if kind == _HOLDS_TEXT:
                continue
            if kind == _BREAKS_LINE:
                if text is None:
                    return False
                text.append("\n")  # in a data cell a space: the cell is one line
            elif kind == _STARTS_CELL:
                text = []
                cells.append((node, text))
            else:
                return False
        for cell, text in cells:
            self.out.cell("".join(text), self._column(cell))
        return True

    def _end(self, tag: str) -> None:
        self._end_flow()
        if tag in _CELLS:
            cell = self._cells.pop()
            if not cell.is_layout:
                self.out.cell("".join(cell.text), cell.column)
            self.sink = self._cells[-1].text if self._in_data_cell() else self._flow
        elif tag == "table":
            self.out.end_table()
            self._grids.pop()


def is_html(text: str) -> bool:
    """Whether the text is a web page (its first tags say so) or a fragment of
    one: text beginning with an HTML element's tag, with a table in it."""
    if _PAGE.search(text[:4096]) is not None:
        return True
    return _FRAGMENT_START.match(text) is not None and _TABLE_TAG.search(text) is not None


def html_to_text(html: str, file: str, utf8: bytes | None = None) -> LaidOutText:
    """The text of a web page, tables laid out as Word-table text. ``utf8``:
    the page's text as UTF-8 bytes, if the caller has them."""
    # What the parser reads: UTF-8 bytes.
    encoded = utf8 if utf8 is not None else html.encode("utf-8", "replace")
    check_page_limits(encoded, file)
    page = _PageText()
    # Without the events that rewrite the tree after parsing (a <selectedcontent>
    # copying its <option>): no report text is in what they touch, and it parses quicker.
    page.read(LexborHTMLParser(encoded, options=LexborDocumentOptions.WO_EVENTS).root)
    return page.out.result()
