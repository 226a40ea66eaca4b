"""What a PDF page draws, read through pdfium: its characters with their
boxes (etl/readers/pdf_chars.py) and the straight edges of its paths
(etl/readers/pdf_paths.py), in the page coordinates the layout works in."""

from __future__ import annotations

from ctypes import byref, c_float, c_uint
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.readers.pdf_chars import Glyph, char_box, font_of, read_chars
from etl.readers.pdf_geometry import Char, Edge
from etl.readers.pdf_paths import MAX_PAGE_OBJECTS, Walk, read_edges
from etl.readers.pdf_pdfium import (
    THOUSAND,
    PageSpace,
    get_font,
    get_glyph_width,
    object_bounds,
    object_matrix,
    page_space,
    six_floats,
    text_size,
    times,
)


class PageContent(NamedTuple):
    width: float
    height: float
    chars: list[Char]
    edges: list[Edge]
    objects: int  # drawn objects and path segments read


def read_page(page: pdfium.PdfPage) -> PageContent:
    """The page's characters and the edges of its ruling."""
    space = page_space(page)
    textpage = page.get_textpage()
    try:
        chars, owners = read_chars(textpage, space)
    finally:
        textpage.close()
    # pdfium puts the text objects of a line in order from left to right; where
    # a page mixes upright and turned characters, which come first changes how
    # they are read (runs of the same uprightness): the drawing order is restored.
    mixed = len({char.upright for char in chars}) > 1
    drawn = set(owners)
    walk = Walk(space, [], [MAX_PAGE_OBJECTS], [] if mixed else None, [0], drawn)
    read_edges(page, walk)
    if walk.text_count[0] != len(drawn):  # text objects without characters
        if walk.texts is None:
            walk = Walk(space, [], [MAX_PAGE_OBJECTS], [], [0], drawn)
            read_edges(page, walk)
        _add_blank_objects(walk, chars, owners)
        mixed = len({char.upright for char in chars}) > 1
    if mixed:
        order = {handle.value: place for place, (handle, _) in enumerate(walk.texts or ())}
        places = sorted(range(len(chars)), key=lambda i: order.get(owners[i], -1))
        chars = [chars[i] for i in places]
    objects = MAX_PAGE_OBJECTS - walk.budget[0]
    return PageContent(space.width, space.height, chars, walk.edges, objects)


def _add_blank_objects(walk: Walk, chars: list[Char], owners: list[int]) -> None:
    """pdfium leaves out of its text a text object drawing nothing visible (a
    space drawn on its own) where pdfminer has the space, which ends a word:
    each such object is added as one space at its origin."""
    drawn = set(owners)
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    matrix, size = pdfium_c.FS_MATRIX(), c_float()
    for handle, to_device in walk.texts or ():
        if handle.value in drawn or not object_bounds(
            handle, byref(left), byref(bottom), byref(right), byref(top)
        ):
            continue
        if abs(right.value - left.value) >= 0.01:  # left out as a copy of the one before
            continue
        if not object_matrix(handle, byref(matrix)) or not text_size(handle, byref(size)):
            continue
        own = six_floats(matrix)
        a, b, c, d, e, f = times(own, to_device)
        font = font_of(get_font(handle), {})
        width = c_float()
        if not get_glyph_width(font.handle, c_uint(32), THOUSAND, byref(width)):
            width.value = 0.0
        device = PageSpace(a, b, c, d, e, f, walk.space.x_shift, walk.space.y_flip, 0, 0)
        glyph = Glyph(" ", width.value)
        chars.append(char_box(glyph, (0.0, 0.0), font, size.value, (1, 0, 0, 1), device))
        owners.append(handle.value)
