"""A page's ruled tables, from the edges of its paths.

The steps and tolerances are those of pdfplumber's "lines" strategy (the
reader before this one), so that tables, cells and grid columns come out as
they did: edges shorter than 1 pt are dropped; edges within 3 pt of one
another's line are moved to their average; collinear edges with gaps of at
most 3 pt are joined; edges shorter than 3 pt are dropped; a vertical and a
horizontal edge meet where they pass within 3 pt of each other; a cell is the
smallest rectangle whose four corners are meeting points joined by edges
along all four sides; cells sharing a corner form a table; a table of one
cell is none. A table's grid columns are the distinct left sides of its
cells, its rows the distinct tops; a merged cell stands in its first row and
column, and the grid positions it covers are ``None``.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable
from operator import attrgetter, itemgetter
from typing import NamedTuple

from etl.readers.pdf_geometry import Box, Edge, PageTooBusy, cluster_numbers

SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
INTERSECTION_TOLERANCE = 3.0
MIN_EDGE_BEFORE_MERGING = 1.0
MIN_EDGE = 3.0
# Far beyond any report page (a dense table page has ~100 edges, ~1,000 meeting
# points): finding cells goes through points below times points to the right.
MAX_EDGES = 2_000
MAX_MEETINGS = 20_000
MAX_CELL_STEPS = 2_000_000

_Point = tuple[float, float]
_LEFT, _TOP = attrgetter("x0"), attrgetter("top")
_X, _Y = itemgetter(0), itemgetter(1)
_new = tuple.__new__  # a NamedTuple made without its Python-level __new__: half the cost


class Table(NamedTuple):
    cells: list[Box]

    @property
    def bbox(self) -> Box:
        return _bounds(self.cells)

    def rows(self) -> list[list[Box | None]]:
        """The table's rows top to bottom, each with a place for every grid
        column left to right: the cell whose left side is there, or None."""
        columns = sorted({cell[0] for cell in self.cells})
        ordered = sorted(self.cells, key=lambda cell: (cell[1], cell[0]))
        rows = []
        for _, row_cells in itertools.groupby(ordered, key=lambda cell: cell[1]):
            by_left = {cell[0]: cell for cell in row_cells}
            rows.append([by_left.get(x) for x in columns])
        return rows


def find_tables(edges: Iterable[Edge]) -> list[Table]:
    """The page's tables, top to bottom (then left to right). Raises
    PageTooBusy for ruling far denser than any report's."""
    kept = [edge for edge in edges if _length(edge) >= MIN_EDGE_BEFORE_MERGING]
    merged = [edge for edge in _merge(kept) if _length(edge) >= MIN_EDGE]
    if len(merged) > MAX_EDGES:
        raise PageTooBusy("ruling", MAX_EDGES)
    meetings = _meetings(merged)
    return [Table(cells) for cells in _group(_cells(meetings))]


def _length(edge: Edge) -> float:
    return edge.bottom - edge.top if edge.orientation == "v" else edge.x1 - edge.x0


def _snap(edges: list[Edge], along: str) -> list[Edge]:
    """Edges whose lines are within the tolerance moved onto their average:
    vertical edges by x, horizontal ones by top."""
    vertical = along == "v"
    position = _LEFT if vertical else _TOP
    cluster_of = cluster_numbers(map(position, edges), SNAP_TOLERANCE)
    members: dict[int, list[Edge]] = {}
    for edge in edges:
        members.setdefault(cluster_of[position(edge)], []).append(edge)
    snapped = []
    for number in sorted(members):
        group = members[number]
        average = sum(map(position, group)) / len(group)
        for orientation, x0, top, x1, bottom in group:
            if vertical:
                shift = average - x0
                snapped.append(_new(Edge, (orientation, x0 + shift, top, x1 + shift, bottom)))
            else:
                shift = average - top
                snapped.append(_new(Edge, (orientation, x0, top + shift, x1, bottom + shift)))
    return snapped


def _merge(edges: list[Edge]) -> list[Edge]:
    """Snapped, then joined along each line where the gaps are small."""
    snapped = _snap([e for e in edges if e.orientation == "v"], "v")
    snapped += _snap([e for e in edges if e.orientation == "h"], "h")

    def line(edge: Edge) -> tuple[str, float]:
        return (edge.orientation, edge.top if edge.orientation == "h" else edge.x0)

    joined: list[Edge] = []
    for (orientation, _), group in itertools.groupby(sorted(snapped, key=line), key=line):
        joined += _join(list(group), orientation == "h")
    return joined


def _join(edges: list[Edge], horizontal: bool) -> list[Edge]:
    """Edges of one line, in order along it, each joined to the one before when
    it starts at most the tolerance after that one ends."""
    edges.sort(key=_LEFT if horizontal else _TOP)
    joined = [edges[0]]
    for edge in edges[1:]:
        orientation, x0, top, x1, bottom = joined[-1]
        if horizontal and edge.x0 <= x1 + JOIN_TOLERANCE:
            if edge.x1 > x1:
                joined[-1] = _new(Edge, (orientation, x0, top, edge.x1, bottom))
        elif not horizontal and edge.top <= bottom + JOIN_TOLERANCE:
            if edge.bottom > bottom:
                joined[-1] = _new(Edge, (orientation, x0, top, x1, edge.bottom))
        else:
            joined.append(edge)
    return joined


class _Meeting(NamedTuple):
    """The edges that pass through a meeting point (an edge is known by its
    box: two of the same box are one)."""

    vertical: set[Edge]
    horizontal: set[Edge]


def _meetings(edges: list[Edge]) -> dict[_Point, _Meeting]:
    """Points where a vertical and a horizontal edge meet, within the tolerance:
    at the vertical's x and the horizontal's top."""
    tolerance = INTERSECTION_TOLERANCE
    horizontals = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    tops = [edge.top for edge in horizontals]
    meetings: dict[_Point, _Meeting] = {}
    for v in sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top)):
        # Horizontals whose top is within [v.top - tolerance, v.bottom + tolerance].
        for h in horizontals[bisect_left(tops, v.top - tolerance) :]:
            if h.top > v.bottom + tolerance:
                break
            if h.x0 - tolerance <= v.x0 <= h.x1 + tolerance:
                meeting = meetings.setdefault((v.x0, h.top), _Meeting(set(), set()))
                meeting.vertical.add(v)
                meeting.horizontal.add(h)
        if len(meetings) > MAX_MEETINGS:
            raise PageTooBusy("ruling", MAX_MEETINGS)
    return meetings


def _cells(meetings: dict[_Point, _Meeting]) -> list[Box]:
    """For each meeting point, the smallest cell it is the top-left corner of:
    trying the points below it nearest first, and for each the points to its
    right nearest first, the first pair it is joined to by edges whose
    bottom-right corner is a meeting point joined to both."""
    points = sorted(meetings)  # by x, then top: each column top to bottom
    columns = [list(column) for _, column in itertools.groupby(points, key=_X)]
    by_top = sorted(points, key=lambda point: (point[1], point[0]))
    lines = [list(line) for _, line in itertools.groupby(by_top, key=_Y)]
    place: dict[_Point, tuple[list[_Point], int, list[_Point], int]] = {}
    for column in columns:
        for i, point in enumerate(column):
            place[point] = (column, i + 1, [], 0)
    for line in lines:
        for i, point in enumerate(line):
            place[point] = (place[point][0], place[point][1], line, i + 1)

    def down(upper: _Point, lower: _Point) -> bool:
        return not meetings[upper].vertical.isdisjoint(meetings[lower].vertical)

    def across(left: _Point, other: _Point) -> bool:
        return not meetings[left].horizontal.isdisjoint(meetings[other].horizontal)

    steps = 0
    cells = []
    for corner in points:
        column, below, line, right = place[corner]
        steps += len(column) - below
        for lower in itertools.islice(column, below, None):
            if not down(corner, lower):
                continue
            steps += len(line) - right
            if steps > MAX_CELL_STEPS:
                raise PageTooBusy("ruling", MAX_CELL_STEPS)
            cell = _first_cell(corner, lower, line[right:], meetings, down, across)
            if cell:
                cells.append(cell)
                break
    return cells


def _first_cell(corner, lower, rightwards, meetings, down, across) -> Box | None:
    for other in rightwards:
        if not across(corner, other):
            continue
        bottom_right = (other[0], lower[1])
        if bottom_right in meetings and down(other, bottom_right) and across(lower, bottom_right):
            return (corner[0], corner[1], bottom_right[0], bottom_right[1])
    return None


def _group(cells: list[Box]) -> list[list[Box]]:
    """Cells into tables: those linked, directly or through others, by shared
    corners (pdfplumber grows each table pass after pass until a pass adds
    none: the same groups)."""
    by_corner: dict[_Point, list[int]] = {}
    for number, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            by_corner.setdefault(corner, []).append(number)
    table_of = [-1] * len(cells)
    tables: list[list[Box]] = []
    for first in range(len(cells)):
        if table_of[first] >= 0:
            continue
        table_of[first] = len(tables)
        members, waiting = [], [first]
        while waiting:
            number = waiting.pop()
            members.append(number)
            x0, top, x1, bottom = cells[number]
            for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
                for other in by_corner[corner]:
                    if table_of[other] < 0:
                        table_of[other] = len(tables)
                        waiting.append(other)
        tables.append([cells[number] for number in sorted(members)])
    tables.sort(key=lambda table: min((cell[1], cell[0]) for cell in table))
    return [table for table in tables if len(table) > 1]


def _bounds(boxes: Iterable[Box]) -> Box:
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return min(x0s), min(tops), max(x1s), max(bottoms)
