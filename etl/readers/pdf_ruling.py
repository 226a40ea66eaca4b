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
from operator import attrgetter
from typing import NamedTuple

from etl.readers.pdf_geometry import Box, Edge, cluster_numbers

SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
INTERSECTION_TOLERANCE = 3.0
MIN_EDGE_BEFORE_MERGING = 1.0
MIN_EDGE = 3.0

_Point = tuple[float, float]
_LEFT, _TOP = attrgetter("x0"), attrgetter("top")
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
    """The page's tables, top to bottom (then left to right)."""
    kept = [edge for edge in edges if _length(edge) >= MIN_EDGE_BEFORE_MERGING]
    merged = [edge for edge in _merge(kept) if _length(edge) >= MIN_EDGE]
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
    return meetings


def _cells(meetings: dict[_Point, _Meeting]) -> list[Box]:
    """For each meeting point, the smallest cell it is the top-left corner of:
    the nearest point below and the nearest to the right that it is joined to
    by an edge, whose bottom-right corner is a meeting point joined to both."""
    points = sorted(meetings)
    below: dict[_Point, list[_Point]] = {}  # same x, further down, nearest first
    right: dict[_Point, list[_Point]] = {}  # same top, further right, nearest first
    for _x, column in itertools.groupby(points, key=lambda point: point[0]):
        column = list(column)
        for i, point in enumerate(column):
            below[point] = column[i + 1 :]
    for _, line in itertools.groupby(
        sorted(points, key=lambda p: (p[1], p[0])), key=lambda p: p[1]
    ):
        line = list(line)
        for i, point in enumerate(line):
            right[point] = line[i + 1 :]

    def down(upper: _Point, lower: _Point) -> bool:
        return not meetings[upper].vertical.isdisjoint(meetings[lower].vertical)

    def across(left: _Point, other: _Point) -> bool:
        return not meetings[left].horizontal.isdisjoint(meetings[other].horizontal)

    cells = []
    for corner in points:
        cell = _smallest_cell(corner, below[corner], right[corner], meetings, down, across)
        if cell:
            cells.append(cell)
    return cells


def _smallest_cell(corner, below, right, meetings, down, across) -> Box | None:
    for lower in below:
        if not down(corner, lower):
            continue
        for other in right:
            if not across(corner, other):
                continue
            bottom_right = (other[0], lower[1])
            if (
                bottom_right in meetings
                and down(other, bottom_right)
                and across(lower, bottom_right)
            ):
                return (corner[0], corner[1], bottom_right[0], bottom_right[1])
    return None


def _group(cells: list[Box]) -> list[list[Box]]:
    """Cells into tables: a table grows by every cell sharing a corner with it,
    pass after pass over the cells left, until a pass adds none."""
    remaining = list(cells)
    corners: set[_Point] = set()
    current: list[Box] = []
    tables: list[list[Box]] = []
    while remaining:
        added = len(current)
        left_over = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(point in corners for point in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
            else:
                left_over.append(cell)
        remaining = left_over
        if len(current) == added:
            tables.append(current)
            corners, current = set(), []
    if current:
        tables.append(current)
    tables.sort(key=lambda table: min((cell[1], cell[0]) for cell in table))
    return [table for table in tables if len(table) > 1]


def _bounds(boxes: Iterable[Box]) -> Box:
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return min(x0s), min(tops), max(x1s), max(bottoms)
