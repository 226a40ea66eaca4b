"""The straight edges of the paths a PDF page paints (the ruling of its
tables), read through pdfium as pdfminer classes paths: a single segment is a
line, a closed axis-aligned four-sided path a rectangle (four edges), anything
else a curve whose straight segments between end points are edges. Forms
drawn on the page are gone into, 16 deep; the text objects are counted on the
way (and kept, when asked for).
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.readers.pdf_geometry import Edge, PageTooBusy
from etl.readers.pdf_pdfium import (
    Handle,
    Matrix,
    PageSpace,
    Point,
    address,
    object_count,
    page_objects,
    path_segments,
    segment_count,
    times,
)

MAX_PAGE_OBJECTS = 60_000  # path, image, text and form objects and path segments
MAX_FORM_DEPTH = 16  # forms inside forms; pdfium itself stops deeper nesting
_new = tuple.__new__  # a NamedTuple made without its Python-level __new__: half the cost


class Walk(NamedTuple):
    """What a walk through the page's objects gathers."""

    space: PageSpace
    edges: list[Edge]
    budget: list[int]  # objects and path segments still allowed
    texts: list[tuple[Handle, Matrix]] | None  # if wanted: the text objects in drawing
    # order, each with the matrix from its container to the device
    text_count: list[int]  # how many text objects there are
    known_texts: set[int]  # text objects known already (those with characters)


def read_edges(page: pdfium.PdfPage, walk: Walk) -> None:
    """The straight edges of every path the page paints, forms included, and
    the text objects in the order they are drawn."""
    _walk(address(page.raw), False, walk.space.device, walk, 0)


_TEXT, _PATH, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
_KNOWN = -1  # the type of a text object known from its characters: not asked


def _walk(container: int, is_form: bool, to_device: Matrix, walk: Walk, depth: int) -> None:
    """The objects of the page or form ``container``, in the order drawn."""
    count = max(object_count(container, is_form), 0)
    walk.budget[0] -= count
    if walk.budget[0] < 0:
        raise PageTooBusy("objects", MAX_PAGE_OBJECTS)
    texts = walk.texts
    text_count = 0
    for obj, kind, has_matrix, *matrix in page_objects(container, is_form, count, walk.known_texts):
        # Most objects are text, known from their characters: counted (and
        # kept, if asked for) without asking pdfium anything more.
        if kind in (_KNOWN, _TEXT):
            text_count += 1
            if texts is not None:
                texts.append((Handle(obj), to_device))
            continue
        if (kind != _PATH and kind != _FORM) or not has_matrix:
            continue
        own = times(matrix, to_device)
        if kind == _FORM:
            if depth < MAX_FORM_DEPTH:
                _walk(obj, True, own, walk, depth + 1)
            continue
        for subpath in _subpaths(obj, own, walk.budget):
            walk.edges.extend(_shape_edges(subpath, walk.space))
    walk.text_count[0] += text_count


_MOVE, _LINE, _BEZIER, _UNKNOWN = (
    pdfium_c.FPDF_SEGMENT_MOVETO,
    pdfium_c.FPDF_SEGMENT_LINETO,
    pdfium_c.FPDF_SEGMENT_BEZIERTO,
    pdfium_c.FPDF_SEGMENT_UNKNOWN,
)


def _subpaths(path: int, to_device: Matrix, budget: list[int]) -> list[tuple[str, list[Point]]]:
    """A path's subpaths as pdfminer sees them: the letters of their operators
    (m, l, c, h) and the point each ends at, on the device (a closing h is
    back at the subpath's start)."""
    count = max(segment_count(path), 0)
    budget[0] -= count
    if budget[0] < 0:
        raise PageTooBusy("objects", MAX_PAGE_OBJECTS)
    a, b, c, d, e, f = to_device
    subpaths: list[tuple[str, list[Point]]] = []
    letters: list[str] = []
    points: list[Point] = []
    bezier_points = 0
    for kind, closes, u, v in path_segments(path, count):
        if kind == _UNKNOWN:  # no segment: a path pdfium cannot describe is drawn by no one
            return []
        if kind == _BEZIER:
            bezier_points += 1
            if bezier_points % 3:
                continue  # control points: a curve is known by where it ends
        point = (a * u + c * v + e, b * u + d * v + f)
        if kind == _MOVE:
            if letters:
                subpaths.append(("".join(letters), points))
            letters, points = ["m"], [point]
        elif not letters:
            return []  # pdfminer ignores a path that does not begin with a move
        elif kind == _LINE:
            # pdfium closes a subpath with a line back to its start: pdfminer's h.
            letters.append("h" if point == points[0] and closes else "l")
            points.append(point)
            continue
        elif kind == _BEZIER:
            letters.append("c")
            points.append(point)
        else:
            return []
        if closes:  # a closed curve or move: pdfminer's h goes back to the start
            letters.append("h")
            points.append(points[0])
    if letters:
        subpaths.append(("".join(letters), points))
    # pdfminer reads only subpaths that draw something after their move.
    return [(shape, pts) for shape, pts in subpaths if len(shape) > 1]


def _shape_edges(subpath: tuple[str, list[Point]], space: PageSpace) -> list[Edge]:
    shape, device_points = subpath
    x_shift, y_flip = space.x_shift, space.y_flip
    points = [(x + x_shift, y_flip - y) for x, y in device_points]
    if shape in ("mlh", "ml"):
        return [_line_edge(points[0], points[1])]
    if shape in ("mlllh", "mllll") and _is_rectangle(device_points):
        (x0, t0), _, (x1, t1), _, _ = points
        left, right, top, bottom = min(x0, x1), max(x0, x1), min(t0, t1), max(t0, t1)
        return [
            _new(Edge, ("h", left, top, right, top)),
            _new(Edge, ("h", left, bottom, right, bottom)),
            _new(Edge, ("v", left, top, left, bottom)),
            _new(Edge, ("v", right, top, right, bottom)),
        ]
    edges = []
    for (x0, t0), (x1, t1) in itertools.pairwise(points):
        orientation = "v" if x0 == x1 else "h" if t0 == t1 else None
        if orientation:
            box = (orientation, min(x0, x1), min(t0, t1), max(x0, x1), max(t0, t1))
            edges.append(_new(Edge, box))
    return edges


def _is_rectangle(points: list[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
    return last == points[0] and (
        (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
        or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    )


def _line_edge(start: Point, end: Point) -> Edge:
    (x0, t0), (x1, t1) = start, end
    box = ("h" if t0 == t1 else "v", min(x0, x1), min(t0, t1), max(x0, x1), max(t0, t1))
    return _new(Edge, box)
