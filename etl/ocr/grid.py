"""Ruled tables on an upright scanned page: their cells, rows and columns.

A ruling is a long straight run of ink. Runs are found with a morphological
opening (only ink that stays ink along a horizontal or vertical stretch of a
fifth of an inch survives), and a run counts as a ruling only where it meets a
run of the other direction: a table's rulings cross, while a dash in a cell
(——) or the stroke of a character (丨) meets nothing. The rulings that join
up form a table; the white areas they enclose are its cells, a merged cell
being one area. A cell's column is the place of its left edge among the
table's distinct left edges, its row the place of its top edge — the grid a
PDF's ruled table has, merged cells counted once at their top-left.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from etl.ocr.pixels import pixels

Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom excluded)

_RULING_RUN = 0.2  # inches of straight ink that make a ruling
_MIN_TABLE = (1.0, 0.3)  # inches: smaller "tables" are boxes around a word
_MIN_CELL = 0.08  # inches: smaller white areas are where rulings cross
_EDGE_TOLERANCE = 0.04  # inches: edges closer than this are one grid line


@dataclass(frozen=True)
class GridCell:
    box: Box  # the white inside of the cell
    row: int  # 1-based, among the table's distinct top edges
    col: int  # 1-based, among the table's distinct left edges


@dataclass(frozen=True)
class RuledTable:
    box: Box
    cells: tuple[GridCell, ...]  # top to bottom, left to right

    def rows(self) -> list[list[GridCell | None]]:
        """The cells row by row, each row a list over the grid columns (None
        where no cell starts: a merged cell from the left or above covers it)."""
        width = max(cell.col for cell in self.cells)
        height = max(cell.row for cell in self.cells)
        grid: list[list[GridCell | None]] = [[None] * width for _ in range(height)]
        for cell in self.cells:
            grid[cell.row - 1][cell.col - 1] = cell
        return [row for row in grid if any(row)]


def rulings(ink: np.ndarray, dpi: float) -> np.ndarray:
    """The page's rulings (255), dashes and strokes that cross no other ruling left out."""
    run = pixels(_RULING_RUN, dpi)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    reach = np.ones((5, 5), np.uint8)  # a ruling may stop a pixel or two short of the next
    near_vertical = cv2.dilate(vertical, reach)
    near_horizontal = cv2.dilate(horizontal, reach)
    return _touching(horizontal, near_vertical) | _touching(vertical, near_horizontal)


def _touching(runs: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The connected runs that touch ``others`` somewhere."""
    count, labels = cv2.connectedComponents(runs, connectivity=8)
    if count <= 1:
        return np.zeros_like(runs)
    touched = np.unique(labels[(others > 0) & (runs > 0)])
    keep = np.zeros(count, bool)
    keep[touched] = True
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def find_tables(ruling_mask: np.ndarray, dpi: float) -> list[RuledTable]:
    """The ruled tables of a page, top to bottom."""
    closed = cv2.dilate(ruling_mask, np.ones((3, 3), np.uint8))  # mend rulings broken by the scan
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    min_width, min_height = pixels(_MIN_TABLE[0], dpi), pixels(_MIN_TABLE[1], dpi)
    tables = []
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if width >= min_width and height >= min_height:
            box = (int(left), int(top), int(left + width), int(top + height))
            cells = _cells(closed, box, dpi)
            if cells:
                tables.append(RuledTable(box, cells))
    return sorted(tables, key=lambda table: table.box[1])


def _cells(closed: np.ndarray, box: Box, dpi: float) -> tuple[GridCell, ...]:
    left, top, right, bottom = box
    inside = cv2.bitwise_not(_closed_at_page_breaks(closed[top:bottom, left:right]))
    count, _, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
    smallest = pixels(_MIN_CELL, dpi)
    height, width = inside.shape
    areas: list[Box] = []
    for label in range(1, count):
        x, y, w, h, _ = (int(value) for value in stats[label])
        outside = x == 0 or y == 0 or x + w >= width or y + h >= height
        if not outside and w >= smallest and h >= smallest:
            areas.append((left + x, top + y, left + x + w, top + y + h))
    if not areas:
        return ()
    tolerance = pixels(_EDGE_TOLERANCE, dpi)
    columns = _grid_lines([area[0] for area in areas], tolerance)
    rows = _grid_lines([area[1] for area in areas], tolerance)
    cells = [GridCell(area, _place(area[1], rows), _place(area[0], columns)) for area in areas]
    return tuple(sorted(cells, key=lambda cell: (cell.row, cell.col)))


def _closed_at_page_breaks(table: np.ndarray) -> np.ndarray:
    """A table cut by a page break has no ruling along the cut: its columns'
    rulings just stop. A line across them closes its first or last row."""
    closed = table.copy()
    for edge in (slice(0, 3), slice(table.shape[0] - 3, table.shape[0])):
        reaching = np.flatnonzero(table[edge].any(axis=0))
        if len(reaching) >= 2:
            closed[edge, reaching[0] : reaching[-1] + 1] = 255
    return closed


def _grid_lines(edges: list[int], tolerance: int) -> list[int]:
    """Distinct edge positions: edges within ``tolerance`` of the previous one join it."""
    lines: list[int] = []
    for edge in sorted(edges):
        if not lines or edge - lines[-1] > tolerance:
            lines.append(edge)
    return lines


def _place(edge: int, lines: list[int]) -> int:
    """The 1-based grid line an edge belongs to: the last one at or before it (with tolerance)."""
    nearest = min(range(len(lines)), key=lambda index: abs(lines[index] - edge))
    return nearest + 1
