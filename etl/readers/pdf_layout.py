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

from etl.readers.pdf_geometry import Box, Char, PageTooBusy
from etl.readers.pdf_page import PageContent
from etl.readers.pdf_ruling import Table, find_tables
from etl.readers.pdf_words import cell_text, text_lines
from etl.table_text import RuledCell, TableTextWriter, write_ruled_table

# Characters looked at to fill a page's cells and bands: each is looked at once
# or twice on a report page; hundreds of times only on a page built to be slow.
MAX_LOOKUPS = 2_000_000


class _Index:
    """The page's characters sorted by their tops and by their centres, to find
    those of a band or a cell without going through them all."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        self.lookups = 0
        self.tops = tops = [char.top for char in chars]
        self.highest, self.lowest = min(tops, default=0.0), max(tops, default=0.0)
        self.tallest = max([char.bottom - char.top for char in chars], default=0.0)

    @cached_property
    def _by_top(self) -> tuple[list[int], list[float]]:
        """Indexes of the characters in order of their tops; and those tops."""
        tops = self.tops
        by_top = sorted(range(len(tops)), key=tops.__getitem__)
        return by_top, [tops[i] for i in by_top]

    @cached_property
    def _centres(self) -> tuple[list[int], list[float], list[float], list[float]]:
        """The characters' indexes in order of their vertical centres, and those
        centres in that order; every character's vertical and horizontal centre."""
        chars = self.chars
        middles = [(char.top + char.bottom) / 2 for char in chars]
        centres = [(char.x0 + char.x1) / 2 for char in chars]
        order = sorted(range(len(chars)), key=middles.__getitem__)
        return order, [middles[i] for i in order], middles, centres

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
        order, ordered_middles, middles, centres = self._centres
        top, bottom = cells[0][1], max(cell[3] for cell in cells)
        band = order[bisect_left(ordered_middles, top) : bisect_left(ordered_middles, bottom)]
        lefts = [cell[0] for cell in cells]
        found: list[list[int]] = [[] for _ in cells]
        for i in self._looked_at(band):
            centre = centres[i]
            column = bisect_right(lefts, centre) - 1
            if column >= 0:
                _, _, right, cell_bottom = cells[column]
                if centre < right and middles[i] < cell_bottom:
                    found[column].append(i)
        return [sorted(indexes) for indexes in found]

    def centred_in(self, x0: float, top: float, x1: float, bottom: float) -> list[int]:
        """Indexes, in the page's order, of the characters centred in the box."""
        order, ordered_middles, _, centres = self._centres
        band = order[bisect_left(ordered_middles, top) : bisect_left(ordered_middles, bottom)]
        return sorted(i for i in self._looked_at(band) if x0 <= centres[i] < x1)

    def _looked_at(self, found: list) -> list:
        self.lookups += len(found)
        if self.lookups > MAX_LOOKUPS:
            raise PageTooBusy("ruling", MAX_LOOKUPS)
        return found


def write_page(content: PageContent, out: TableTextWriter) -> None:
    index = _Index(content.chars)
    top = 0.0
    tables = [(table.bbox, table) for table in find_tables(content.edges)]
    for (_, table_top, _, table_bottom), table in sorted(tables, key=lambda item: item[0][1]):
        _write_text(content, index, top, table_top, out)
        _write_table(_cell_texts(table, index), out)
        top = table_bottom
    _write_text(content, index, top, content.height, out)


def _write_text(
    content: PageContent, index: _Index, top: float, bottom: float, out: TableTextWriter
) -> None:
    """The lines of the characters reaching into the band from ``top`` to
    ``bottom``, each cut to the band and the page's width (pdfplumber's crop)."""
    if bottom - top < 1:
        return
    width, chars = content.width, content.chars
    band = []
    for i in index.reaching_into(top, bottom):
        char = chars[i]
        _, left, right, upper, lower, _ = char
        inside = top <= upper and lower <= bottom and left >= 0 and right <= width
        if inside and right - left + lower - upper > 0:
            band.append(char)  # wholly inside, as nearly all are: nothing to cut
            continue
        x0, x1 = max(left, 0), min(right, width)
        upper, lower = max(upper, top), min(lower, bottom)
        if x1 >= x0 and lower >= upper and (x1 - x0) + (lower - upper) > 0:
            band.append(char._replace(x0=x0, x1=x1, top=upper, bottom=lower))
    for line in text_lines(band):
        out.text_line(line)


def _cell_texts(table: Table, index: _Index) -> list[list[str | None]]:
    chars = index.chars
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
                texts.append(cell_text([chars[i] for i in inside]) if inside else "")
        rows.append(texts)
    return rows


def _write_table(rows: list[list[str | None]], out: TableTextWriter) -> None:
    """Columns as the table's grid has them; None is the rest of a merged cell."""
    ruled = [[None if cell is None else RuledCell(cell) for cell in row] for row in rows]
    write_ruled_table(ruled, out)
