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
from operator import itemgetter
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
# An edge as the steps below handle it, its orientation known from the list it
# is in: (x0, top, x1, bottom).
_Line = tuple[float, float, float, float]
_X0, _TOP, _BOTTOM = itemgetter(0), itemgetter(1), itemgetter(3)


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
        for _, row_cells in itertools.groupby(ordered, key=_TOP):
            by_left = {cell[0]: cell for cell in row_cells}
            rows.append([by_left.get(x) for x in columns])
        return rows


def find_tables(edges: Iterable[Edge]) -> list[Table]:
    """The page's tables, top to bottom (then left to right). Raises
    PageTooBusy for ruling far denser than any report's."""
    verticals: list[_Line] = []
    horizontals: list[_Line] = []
    for orientation, x0, top, x1, bottom in edges:
        if orientation == "v":
            if bottom - top >= MIN_EDGE_BEFORE_MERGING:
                verticals.append((x0, top, x1, bottom))
        elif x1 - x0 >= MIN_EDGE_BEFORE_MERGING:
            horizontals.append((x0, top, x1, bottom))
    verticals = [e for e in _merge(verticals, vertical=True) if e[3] - e[1] >= MIN_EDGE]
    horizontals = [e for e in _merge(horizontals, vertical=False) if e[2] - e[0] >= MIN_EDGE]
    if len(verticals) + len(horizontals) > MAX_EDGES:
        raise PageTooBusy("ruling", MAX_EDGES)
    meetings = _meetings(verticals, horizontals)
    cells, corners, points = _cells(meetings)
    return [Table(cells) for cells in _group(cells, corners, points)]


def _merge(edges: list[_Line], vertical: bool) -> list[_Line]:
    """Edges of one orientation snapped, then joined along each line where the
    gaps are small."""
    line, start = (_X0, _TOP) if vertical else (_TOP, _X0)
    joined: list[_Line] = []
    for _, group in itertools.groupby(sorted(_snap(edges, vertical), key=line), key=line):
        joined += _join(sorted(group, key=start), vertical)
    return joined


def _snap(edges: list[_Line], vertical: bool) -> list[_Line]:
    """Edges whose lines are within the tolerance moved onto their average:
    vertical edges by x, horizontal ones by top (clusters in order, the edges
    of each in the order given)."""
    position = _X0 if vertical else _TOP
    cluster_of = cluster_numbers(map(position, edges), SNAP_TOLERANCE)
    members: dict[int, list[_Line]] = {}
    for edge in edges:
        members.setdefault(cluster_of[position(edge)], []).append(edge)
    snapped = []
    for number in sorted(members):
        group = members[number]
        average = sum(map(position, group)) / len(group)
        if vertical:
            for x0, top, x1, bottom in group:
                shift = average - x0
                snapped.append((x0 + shift, top, x1 + shift, bottom))
        else:
            for x0, top, x1, bottom in group:
                shift = average - top
                snapped.append((x0, top + shift, x1, bottom + shift))
    return snapped


def _join(edges: list[_Line], vertical: bool) -> list[_Line]:
    """Edges of one line, in order along it, each joined to the one before when
    it starts at most the tolerance after that one ends."""
    joined = [edges[0]]
    x0, top, x1, bottom = edges[0]
    for edge in edges[1:]:
        if vertical and edge[1] <= bottom + JOIN_TOLERANCE:
            if edge[3] > bottom:
                bottom = edge[3]
                joined[-1] = (x0, top, x1, bottom)
        elif not vertical and edge[0] <= x1 + JOIN_TOLERANCE:
            if edge[2] > x1:
                x1 = edge[2]
                joined[-1] = (x0, top, x1, bottom)
        else:
            joined.append(edge)
            x0, top, x1, bottom = edge
    return joined


class _Meetings(NamedTuple):
    """Points where edges meet, each with the edges through it as bit masks
    (bit ``n`` for edge ``n``: an edge drawn twice passes through the same
    points as itself). Masks are ints, which the garbage collector never
    follows, unlike thousands of small sets."""

    vertical: dict[_Point, int]
    horizontal: dict[_Point, int]


def _meetings(verticals: list[_Line], horizontals: list[_Line]) -> _Meetings:
    """Points where a vertical and a horizontal edge meet, within the tolerance:
    at the vertical's x and the horizontal's top."""
    tolerance = INTERSECTION_TOLERANCE
    horizontals = sorted(horizontals, key=lambda e: (e[1], e[0]))
    tops = [edge[1] for edge in horizontals]
    downs: dict[_Point, int] = {}
    acrosses: dict[_Point, int] = {}
    verticals = sorted(verticals, key=lambda e: (e[0], e[1]))
    for v, (x, v_top, _, v_bottom) in enumerate(verticals):
        # Horizontals whose top is within [v_top - tolerance, v_bottom + tolerance].
        lowest = v_bottom + tolerance
        for h in range(bisect_left(tops, v_top - tolerance), len(horizontals)):
            h_x0, h_top, h_x1, _ = horizontals[h]
            if h_top > lowest:
                break
            if h_x0 - tolerance <= x <= h_x1 + tolerance:
                point = (x, h_top)
                downs[point] = downs.get(point, 0) | 1 << v
                acrosses[point] = acrosses.get(point, 0) | 1 << h
        if len(downs) > MAX_MEETINGS:
            raise PageTooBusy("ruling", MAX_MEETINGS)
    return _Meetings(downs, acrosses)


class _Grid(NamedTuple):
    """The meeting points numbered in order (by x, then top: each column top to
    bottom), with the edges through each and where each stands."""

    points: list[_Point]
    number: dict[_Point, int]
    downs: list[int]  # the vertical edges through each point, as a mask
    acrosses: list[int]  # the horizontal ones
    column_end: list[int]  # the points below a point run from the next to this one
    line_of: list[tuple[list[int], int]]  # its line, left to right, and the place after it


def _grid(meetings: _Meetings) -> _Grid:
    points = sorted(meetings.vertical)
    count = len(points)
    column_end = [0] * count
    start = 0
    for i in range(1, count + 1):
        if i == count or points[i][0] != points[start][0]:
            column_end[start:i] = [i] * (i - start)
            start = i
    line_of: list[tuple[list[int], int]] = [([], 0)] * count
    by_top = sorted(range(count), key=lambda i: (points[i][1], points[i][0]))
    for _, line in itertools.groupby(by_top, key=lambda i: points[i][1]):
        line = list(line)
        for place, i in enumerate(line, 1):
            line_of[i] = (line, place)
    return _Grid(
        points,
        {point: i for i, point in enumerate(points)},
        [meetings.vertical[point] for point in points],
        [meetings.horizontal[point] for point in points],
        column_end,
        line_of,
    )


def _cells(meetings: _Meetings) -> tuple[list[Box], list[tuple[int, ...]], int]:
    """For each meeting point, the smallest cell it is the top-left corner of:
    trying the points below it nearest first, and for each the points to its
    right nearest first, the first pair it is joined to by edges whose
    bottom-right corner is a meeting point joined to both. The cells, the
    numbers of their four corners and how many points there are."""
    grid = _grid(meetings)
    points, downs = grid.points, grid.downs
    steps = 0
    cells: list[Box] = []
    corners: list[tuple[int, ...]] = []
    for corner, (x, top) in enumerate(points):
        down = downs[corner]
        end = grid.column_end[corner]
        steps += end - corner - 1
        line, right = grid.line_of[corner]
        if right == len(line):  # nothing to its right (the table's right side): no cell
            lowers = range(corner + 1, end)
            if steps > MAX_CELL_STEPS and any(down & downs[i] for i in lowers):
                raise PageTooBusy("ruling", MAX_CELL_STEPS)
            continue
        for lower in range(corner + 1, end):
            if not down & downs[lower]:
                continue
            steps += len(line) - right
            if steps > MAX_CELL_STEPS:
                raise PageTooBusy("ruling", MAX_CELL_STEPS)
            found = _first_cell(corner, lower, line[right:], grid)
            if found:
                other, bottom_right = found
                cells.append((x, top, points[other][0], points[lower][1]))
                corners.append((corner, lower, other, bottom_right))
                break
    return cells, corners, len(points)


def _first_cell(corner: int, lower: int, others: list[int], grid: _Grid) -> tuple | None:
    """The first of ``others``, the points right of ``corner``, on a horizontal
    edge with it whose point below, level with ``lower``, is a meeting point
    joined to both: that point and the one below."""
    points, downs, acrosses = grid.points, grid.downs, grid.acrosses
    across, lower_across, lower_top = acrosses[corner], acrosses[lower], points[lower][1]
    for other in others:
        if not across & acrosses[other]:
            continue
        bottom_right = grid.number.get((points[other][0], lower_top))
        if (
            bottom_right is not None
            and downs[other] & downs[bottom_right]
            and lower_across & acrosses[bottom_right]
        ):
            return other, bottom_right
    return None


def _group(cells: list[Box], corners: list[tuple[int, ...]], points: int) -> list[list[Box]]:
    """Cells into tables: those linked, directly or through others, by shared
    corners (pdfplumber grows each table pass after pass until a pass adds
    none: the same groups). Tables in order of their top-left corner (no two
    share one), each its cells in the order found; tables of one cell left out."""
    table_of = list(range(len(cells)))  # each cell's link towards its table's first cell

    def first_of(number: int) -> int:
        while table_of[number] != number:
            table_of[number] = number = table_of[table_of[number]]
        return number

    first_at = [-1] * points  # the first cell at each corner
    for number, cell_corners in enumerate(corners):
        mine = number  # the first cell of this one's table, as far as known
        for corner in cell_corners:
            other = first_at[corner]
            if other < 0:
                first_at[corner] = number
                continue
            theirs = first_of(other)
            if theirs != mine:  # two tables so far, one now: the later joins the earlier
                later, mine = max(theirs, mine), min(theirs, mine)
                table_of[later] = mine
    tables: dict[int, list[Box]] = {}
    for number, cell in enumerate(cells):
        tables.setdefault(first_of(number), []).append(cell)
    found = [table for table in tables.values() if len(table) > 1]
    return sorted(found, key=lambda table: min((cell[1], cell[0]) for cell in table))


def _bounds(boxes: Iterable[Box]) -> Box:
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return min(x0s), min(tops), max(x1s), max(bottoms)
