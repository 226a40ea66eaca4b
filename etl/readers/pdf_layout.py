"""A PDF page's characters and ruling laid out as Word-table text.

The page's ruled tables (etl/readers/pdf_ruling.py) are written top to
bottom, each row its cells, one tab-indented line each, followed by a blank
line; the text above, between and below them becomes plain lines
(etl/readers/pdf_words.py). A cell's text is that of the characters whose
centre is inside it (left and top sides in, right and bottom out); a band of
running text holds every character reaching into it, cut to the band — the
rules of pdfplumber, the reader before this one.

Details of the layout: a cell merged across columns comes back once (the
others are None); empty cells between a row's label and its first figure are
the unused parts of the label columns and are dropped; a "table" of one
column is a page frame around prose and is read as plain lines.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from functools import cached_property

from etl.cells import is_figure
from etl.readers.pdf_geometry import Box, Char, PageTooBusy
from etl.readers.pdf_page import PageContent
from etl.readers.pdf_ruling import Table, find_tables
from etl.readers.pdf_words import cell_text, text_lines
from etl.table_text import TableTextWriter

# Characters looked at to fill a page's cells and bands: each is looked at once
# or twice on a report page; hundreds of times only on a page built to be slow.
MAX_LOOKUPS = 2_000_000


class _Index:
    """The page's characters sorted by their tops and by their centres, to find
    those of a band or a cell without going through them all."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        self.lookups = 0
        tops = [char.top for char in chars]
        self.highest, self.lowest = min(tops, default=0.0), max(tops, default=0.0)
        self.tallest = max((char.bottom - char.top for char in chars), default=0.0)

    @cached_property
    def _by_top(self) -> tuple[list[int], list[float]]:
        """Indexes of the characters in order of their tops; and those tops."""
        chars = self.chars
        by_top = sorted(range(len(chars)), key=lambda i: chars[i].top)
        return by_top, [chars[i].top for i in by_top]

    @cached_property
    def _centres(self) -> tuple[list[tuple[float, float, int]], list[float]]:
        """(vertical centre, horizontal centre, index) of every character, in
        order of their vertical centres; and those centres alone."""
        centres = sorted(
            ((char.top + char.bottom) / 2, (char.x0 + char.x1) / 2, i)
            for i, char in enumerate(self.chars)
        )
        return centres, [centre[0] for centre in centres]

    def reaching_into(self, top: float, bottom: float) -> list[int]:
        """Indexes, in the page's order, of the characters whose box may reach
        into the band from ``top`` to ``bottom`` (their top at most ``bottom``
        and at least ``top`` less the tallest character's height)."""
        if top - self.tallest <= self.highest and self.lowest <= bottom:
            return self._looked_at(list(range(len(self.chars))))  # a page without tables
        by_top, tops = self._by_top
        start = bisect_left(tops, top - self.tallest)
        return sorted(self._looked_at(by_top[start : bisect_right(tops, bottom)]))

    def centred_in_row(self, cells: list[Box]) -> list[list[int]]:
        """For cells with one top, side by side, the indexes (in the page's
        order) of the characters centred in each: those of the row's band,
        each put in the cell its centre falls in."""
        centres, middles = self._centres
        top, bottom = cells[0][1], max(cell[3] for cell in cells)
        band = centres[bisect_left(middles, top) : bisect_left(middles, bottom)]
        lefts = [cell[0] for cell in cells]
        found: list[list[int]] = [[] for _ in cells]
        for middle, centre, i in self._looked_at(band):
            column = bisect_right(lefts, centre) - 1
            if column >= 0 and centre < cells[column][2] and middle < cells[column][3]:
                found[column].append(i)
        return [sorted(indexes) for indexes in found]

    def centred_in(self, x0: float, top: float, x1: float, bottom: float) -> list[int]:
        """Indexes, in the page's order, of the characters centred in the box."""
        centres, middles = self._centres
        band = centres[bisect_left(middles, top) : bisect_left(middles, bottom)]
        return sorted(i for _, centre, i in self._looked_at(band) if x0 <= centre < x1)

    def _looked_at(self, found: list) -> list:
        self.lookups += len(found)
        if self.lookups > MAX_LOOKUPS:
            raise PageTooBusy("ruling", MAX_LOOKUPS)
        return found


def write_page(content: PageContent, out: TableTextWriter) -> None:
    index = _Index(content.chars)
    top = 0.0
    for table in sorted(find_tables(content.edges), key=lambda table: table.bbox[1]):
        _write_text(content, index, top, table.bbox[1], out)
        _write_table(_cell_texts(table, index), out)
        top = table.bbox[3]
    _write_text(content, index, top, content.height, out)


def _write_text(
    content: PageContent, index: _Index, top: float, bottom: float, out: TableTextWriter
) -> None:
    """The lines of the characters reaching into the band from ``top`` to
    ``bottom``, each cut to the band and the page's width (pdfplumber's crop)."""
    if bottom - top < 1:
        return
    width = content.width
    band = []
    for i in index.reaching_into(top, bottom):
        char = content.chars[i]
        inside = top <= char.top and char.bottom <= bottom and char.x0 >= 0 and char.x1 <= width
        if inside and char.x1 - char.x0 + char.bottom - char.top > 0:
            band.append(char)  # wholly inside, as nearly all are: nothing to cut
            continue
        x0, x1 = max(char.x0, 0), min(char.x1, width)
        upper, lower = max(char.top, top), min(char.bottom, bottom)
        if x1 >= x0 and lower >= upper and (x1 - x0) + (lower - upper) > 0:
            band.append(char._replace(x0=x0, x1=x1, top=upper, bottom=lower))
    for line in text_lines(band):
        out.text_line(line)


def _cell_texts(table: Table, index: _Index) -> list[list[str | None]]:
    rows = []
    for row in table.rows():
        cells = [cell for cell in row if cell is not None]
        if all(left[2] <= right[0] for left, right in itertools.pairwise(cells)):
            found = iter(index.centred_in_row(cells))  # the usual row: cells side by side
        else:  # cells overlapping (ruling drawn oddly): each looked through on its own
            found = iter([index.centred_in(*cell) for cell in cells])
        texts: list[str | None] = []
        for cell in row:
            inside = next(found) if cell is not None else None
            if inside is None:
                texts.append(None)
            else:
                texts.append(cell_text([index.chars[i] for i in inside]) if inside else "")
        rows.append(texts)
    return rows


def _write_table(rows: list[list[str | None]], out: TableTextWriter) -> None:
    if all(sum(cell is not None for cell in row) <= 1 for row in rows):  # a frame around prose
        for row in rows:
            for cell in row:
                if cell:
                    out.text_line(cell)
        return
    out.start_table()
    for row in rows:
        out.start_row()
        # Columns as the table's grid has them; None is the rest of a merged cell.
        cells = [
            (column, cell.replace("\n", ""))
            for column, cell in enumerate(row, 1)
            if cell is not None
        ]
        first_figure = next((i for i, (_, text) in enumerate(cells) if is_figure(text)), None)
        if first_figure is not None:  # empty parts of the label columns are no cells
            cells = [c for c in cells[:first_figure] if c[1]] + cells[first_figure:]
        for column, text in cells:
            out.cell(text, column)
    out.end_table()
