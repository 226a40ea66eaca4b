"""What a PDF page draws, read through pdfium: its characters with their boxes,
and the straight edges of its paths (the ruling of its tables).

Coordinates are those the table and text layout works in (pdfplumber's, which
this reader replaced with identical output): points from the page's top-left
corner, ``top`` growing downwards. A character's box is the one pdfminer
gives it — from its origin, its advance width and the font's descent, one
font size high — rather than pdfium's glyph outline, so that lines, words and
cells are read as before; edges are taken from path objects as pdfminer
classes paths: a single segment is a line, a closed axis-aligned four-sided
path a rectangle (four edges), anything else a curve whose segments between
end points are edges.

A handful of pdfium calls are made for every character; they go through lean
ctypes prototypes of pypdfium2's own functions (no per-call argument
conversion), a third of the cost of its raw API, since they are most of the
time a PDF takes to read.
"""

from __future__ import annotations

import ctypes
import itertools
import struct
from ctypes import byref, c_double, c_float, c_int, c_uint, c_ushort, c_void_p
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.readers.pdf_geometry import Char, Edge, PageTooBusy

# Beyond these a page is no report page (a dense page of text has 3,000
# characters, a ruled table a few hundred path segments): reading stops with
# PageTooBusy instead of taking minutes over a hostile file.
MAX_PAGE_CHARS = 60_000
MAX_PAGE_OBJECTS = 60_000  # path, image, text and form objects, form contents included
MAX_FORM_DEPTH = 16  # forms inside forms; pdfium itself stops deeper nesting


class PageContent(NamedTuple):
    width: float
    height: float
    chars: list[Char]
    edges: list[Edge]
    objects: int  # drawn objects and path segments read


# --- Lean calls -----------------------------------------------------------------

_FunctionPointer = type(pdfium_c.FPDF_GetPageCount)  # the library's ctypes function class


def _lean(function, restype=c_int):
    """pypdfium2's ``function`` called without argument conversion: arguments
    must be ctypes objects or ints that fit a C int."""
    lean = _FunctionPointer(ctypes.cast(function, c_void_p).value)
    lean.restype = restype
    return lean


class _Handle(c_void_p):
    """A pdfium handle as a function returns it: kept a ctypes object (a plain
    c_void_p comes back as an int), so that it can be passed on as it is."""


_count_chars = _lean(pdfium_c.FPDFText_CountChars)
_get_text = _lean(pdfium_c.FPDFText_GetText)
_get_unicode = _lean(pdfium_c.FPDFText_GetUnicode, c_uint)
_is_generated = _lean(pdfium_c.FPDFText_IsGenerated)
_is_hyphen = _lean(pdfium_c.FPDFText_IsHyphen)
_has_map_error = _lean(pdfium_c.FPDFText_HasUnicodeMapError)
_get_text_object = _lean(pdfium_c.FPDFText_GetTextObject, _Handle)
_get_char_origin = _lean(pdfium_c.FPDFText_GetCharOrigin)
_get_char_matrix = _lean(pdfium_c.FPDFText_GetMatrix)
_get_font_size = _lean(pdfium_c.FPDFText_GetFontSize, c_double)
_get_loose_box = _lean(pdfium_c.FPDFText_GetLooseCharBox)
_get_font = _lean(pdfium_c.FPDFTextObj_GetFont, c_void_p)
_get_glyph_width = _lean(pdfium_c.FPDFFont_GetGlyphWidth)
_get_descent = _lean(pdfium_c.FPDFFont_GetDescent)
_get_base_name = _lean(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t)


_count_objects = _lean(pdfium_c.FPDFPage_CountObjects)
_get_object = _lean(pdfium_c.FPDFPage_GetObject, _Handle)
_count_form_objects = _lean(pdfium_c.FPDFFormObj_CountObjects)
_get_form_object = _lean(pdfium_c.FPDFFormObj_GetObject, _Handle)
_object_type = _lean(pdfium_c.FPDFPageObj_GetType)
_object_matrix = _lean(pdfium_c.FPDFPageObj_GetMatrix)
_object_bounds = _lean(pdfium_c.FPDFPageObj_GetBounds)
_text_size = _lean(pdfium_c.FPDFTextObj_GetFontSize)
_count_segments = _lean(pdfium_c.FPDFPath_CountSegments)
_get_segment = _lean(pdfium_c.FPDFPath_GetPathSegment, _Handle)
_segment_point = _lean(pdfium_c.FPDFPathSegment_GetPoint)
_segment_type = _lean(pdfium_c.FPDFPathSegment_GetType)
_segment_closes = _lean(pdfium_c.FPDFPathSegment_GetClose)

# An FS_MATRIX's fields read at once: a third of the cost of reading them one by one.
_four_floats = struct.Struct("4f").unpack_from
_six_floats = struct.Struct("6f").unpack_from

_THOUSAND = c_float(1000.0)  # font metrics are asked for in thousandths of the font size
_MAYBE_GENERATED = frozenset(" \r\n")  # pdfium adds spaces and line breaks of its own
# pdfium's text has U+FFFE for a glyph without text and for a hyphen ending a
# line (its character then reads U+0002): both are looked at one by one.
_MARKS = frozenset("\ufffe\x02")
# pdfminer's own metrics for the standard fonts, used whatever the PDF says:
# their descent, in thousandths (Symbol and ZapfDingbats have none).
_STANDARD_DESCENTS = {
    **dict.fromkeys(("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique"), -194),
    **dict.fromkeys(("CourierNew", "CourierNew,Italic", "CourierNew,Bold"), -194),
    "CourierNew,BoldItalic": -194,
    **dict.fromkeys(("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique"), -207),
    **dict.fromkeys(("Helvetica-Oblique", "Arial", "Arial,Italic", "Arial,Bold"), -207),
    "Arial,BoldItalic": -207,
    **dict.fromkeys(("Times-Bold", "Times-BoldItalic", "Times-Italic", "Times-Roman"), -217),
    **dict.fromkeys(("TimesNewRoman", "TimesNewRoman,Italic", "TimesNewRoman,Bold"), -217),
    "TimesNewRoman,BoldItalic": -217,
    "Symbol": 0,
    "ZapfDingbats": 0,
}


# --- Page geometry -------------------------------------------------------------

_Matrix = tuple[float, float, float, float, float, float]
_Point = tuple[float, float]


class _PageSpace(NamedTuple):
    """From PDF user space to top-down page coordinates, as pdfminer (which
    turns a rotated page by its /Rotate: the device matrix a…f) and pdfplumber
    (which shifts x by the page box and flips y) compute them."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float
    x_shift: float
    y_flip: float
    width: float
    height: float

    @property
    def device(self) -> _Matrix:
        return (self.a, self.b, self.c, self.d, self.e, self.f)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, y) in user space → (x, top) on the page."""
        device_x = self.a * x + self.c * y + self.e
        device_y = self.b * x + self.d * y + self.f
        return device_x + self.x_shift, self.y_flip - device_y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A user-space box → (x0, top, x1, bottom) on the page."""
        ax, at = self.point(x0, y0)
        bx, bt = self.point(x1, y1)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


def _media_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """The page's MediaBox as written; one it inherits (pdfium reads only the
    page's own) as pdfium has it, in order — which is the page's box unless a
    CropBox cuts it (or US Letter, pdfminer's guess too, where there is none)."""
    box = page.get_mediabox(fallback_ok=False)
    if box is None:
        rect = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDF_GetPageBoundingBox(page, rect):
            return (0.0, 0.0, 612.0, 792.0)
        box = (rect.left, rect.bottom, rect.right, rect.top)
    return box


def _page_space(page: pdfium.PdfPage) -> _PageSpace:
    left, bottom, right, top = _media_box(page)
    rotation = page.get_rotation()
    # pdfminer's device matrix for the page's rotation, from the MediaBox as written.
    device = {
        90: (0, -1, 1, 0, -bottom, right),
        180: (-1, 0, 0, -1, right, top),
        270: (0, 1, -1, 0, top, -left),
    }.get(rotation, (1, 0, 0, 1, -left, -bottom))
    # pdfplumber's page box: the MediaBox normalised, its sides swapped when turned.
    x0, x1 = sorted((left, right))
    y0, y1 = sorted((bottom, top))
    if rotation in (90, 270):
        x0, y0, x1, y1 = y0, x0, y1, x1
    height = y1 - y0
    # pdfplumber: x + the box's left; top = height - y + the box's top (height - y1).
    return _PageSpace(*device, x0, 2 * height - y1, x1 - x0, height)


# --- Characters ----------------------------------------------------------------


class _Font(NamedTuple):
    handle: c_void_p
    key: int  # the handle's address
    descent: float  # below the baseline, in thousandths of the font size (negative)


class _Glyph(NamedTuple):
    text: str  # the character, or "(cid:123)" for a glyph without one
    width: float  # advance, in thousandths of the font size (negative: vertical writing)


def _read_chars(textpage: pdfium.PdfTextPage, space: _PageSpace) -> tuple[list[Char], list[int]]:
    """The page's characters in pdfium's order, without the spaces and line
    breaks pdfium generates, and the text object each is drawn by; a glyph
    pdfium splits into several characters (a ligature) is one character with
    their text."""
    page_text = c_void_p(ctypes.cast(textpage.raw, c_void_p).value)
    count = _count_chars(page_text)
    if count > MAX_PAGE_CHARS:
        raise PageTooBusy("characters", MAX_PAGE_CHARS)
    text = _page_text(page_text, count)
    x, y, matrix = c_double(), c_double(), pdfium_c.FS_MATRIX()
    x_ref, y_ref, matrix_ref = byref(x), byref(y), byref(matrix)
    fonts: dict[int, _Font] = {}
    glyphs: dict[int, dict[str, _Glyph]] = {}  # font → character → its glyph
    chars: list[Char] = []
    owners: list[int] = []
    append, own, new_char = chars.append, owners.append, tuple.__new__  # Char() costs twice
    # On an unturned page, x is shifted and y flipped: (x + x_add, y_flip - y).
    plain_page = (space.a, space.b, space.c, space.d) == (1, 0, 0, 1)
    x_add, y_flip = space.e + space.x_shift, space.y_flip - space.f
    get_object, get_origin, is_generated = _get_text_object, _get_char_origin, _is_generated
    last_object = last_x = last_y = None
    for index in range(count):
        unicode = text[index] if text else chr(_get_unicode(page_text, index))
        if unicode in _MAYBE_GENERATED and is_generated(page_text, index) == 1:
            continue
        handle = get_object(page_text, index)
        text_object = handle.value
        if text_object is None:  # nothing drawn: no place to give it
            continue
        get_origin(page_text, index, x_ref, y_ref)
        ox, oy = x.value, y.value
        if text_object != last_object:
            last_object = text_object
            _get_char_matrix(page_text, index, matrix_ref)
            ma, mb, mc, md = _four_floats(matrix)
            size = _get_font_size(page_text, index)
            font = _font(handle, fonts)
            font_glyphs = glyphs.get(font.key)
            if font_glyphs is None:
                font_glyphs = glyphs[font.key] = {}
            # The usual text: unturned, unmirrored, on an unturned page.
            plain = plain_page and mb == 0 and mc == 0 and ma > 0 and md > 0
            width_scale, height = ma * size / 1000, md * size
            descent = font.descent * md * size / 1000
        elif ox == last_x and oy == last_y and chars:  # a ligature's pieces
            chars[-1] = chars[-1]._replace(text=chars[-1].text + unicode)
            continue
        last_x, last_y = ox, oy
        # A glyph's text and width are the same wherever its font draws it.
        glyph = font_glyphs.get(unicode)
        if glyph is None:
            glyph = _glyph(font, unicode, page_text, index, ma * size)
            if unicode not in _MARKS:
                font_glyphs[unicode] = glyph
        glyph_text, width = glyph
        if plain and width >= 0:
            left = ox + x_add
            bottom = y_flip - (oy + descent)
            box = (glyph_text, left, left + width * width_scale, bottom - height, bottom, True)
            append(new_char(Char, box))
        else:
            append(_char(glyph, (ox, oy), font, size, (ma, mb, mc, md), space))
        own(text_object)
    return chars, owners


def _page_text(page_text: c_void_p, count: int) -> str:
    """The page's characters in one call, when pdfium's text has one character
    for each of them (no control characters, nothing beyond the BMP); "" otherwise."""
    if count == 0:
        return ""
    buffer = (c_ushort * (count + 1))()
    written = _get_text(page_text, 0, count, buffer)
    text = bytes(buffer)[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
    return text if len(text) == count else ""


def _font(text_object: _Handle, fonts: dict[int, _Font]) -> _Font:
    """The text object's font (each known once, in ``fonts``)."""
    key = _get_font(text_object)
    font = fonts.get(key)
    if font is None:
        pointer, value = c_void_p(key), c_float()
        descent = -abs(value.value) if _get_descent(pointer, _THOUSAND, byref(value)) else 0.0
        descent = _STANDARD_DESCENTS.get(_base_name(pointer), descent)
        font = fonts[key] = _Font(pointer, key, descent)
    return font


def _base_name(font: c_void_p) -> str:
    buffer = ctypes.create_string_buffer(128)
    length = _get_base_name(font, buffer, 128)
    return buffer.value.decode("latin-1") if 0 < length <= 128 else ""


def _glyph(font: _Font, unicode: str, page_text: c_void_p, index: int, scale: float) -> _Glyph:
    """The glyph's text and advance width: the font's width for the character;
    for a glyph without a character (pdfium then gives its code), the width of
    pdfium's loose box around it."""
    value = c_float()
    if unicode in _MARKS:
        code = _get_unicode(page_text, index)
        unicode = "-" if code == 2 and _is_hyphen(page_text, index) == 1 else chr(code)
    if _has_map_error(page_text, index) or unicode == "\x00":
        text = f"(cid:{ord(unicode)})"
    else:
        if _get_glyph_width(font.handle, c_uint(ord(unicode)), _THOUSAND, byref(value)):
            return _Glyph(unicode, value.value)
        text = unicode
    loose = pdfium_c.FS_RECTF()
    if not _get_loose_box(page_text, index, byref(loose)) or not scale:
        return _Glyph(text, 0.0)
    return _Glyph(text, (loose.right - loose.left) / scale * 1000)


def _char(glyph: _Glyph, origin, font: _Font, size: float, matrix, space: _PageSpace) -> Char:
    """pdfminer's box, for any matrix: from the origin, the advance wide, from
    the descent one font size high (a vertical font: one size wide, its advance
    high; pdfium's origin is then the box's corner)."""
    a, b, c, d = matrix
    ox, oy = origin
    if glyph.width < 0:
        x0, y0, x1, y1 = 0.0, 0.0, size, -glyph.width * size / 1000
    else:
        x0, x1 = 0.0, glyph.width * size / 1000
        y0 = font.descent * size / 1000
        y1 = y0 + size
    corners = [
        (a * u + c * v + ox, b * u + d * v + oy)
        for u, v in ((x0, y0), (x1, y1), (x0, y1), (x1, y0))
    ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    left, top, right, bottom = space.box(min(xs), min(ys), max(xs), max(ys))
    # Upright as pdfminer decides it, from the matrix on the page (turned with it).
    pa, pb, pc, pd = (
        a * space.a + b * space.c,
        a * space.b + b * space.d,
        c * space.a + d * space.c,
        c * space.b + d * space.d,
    )
    return Char(glyph.text, left, right, top, bottom, pa * pd > 0 and pb * pc <= 0)


# --- Ruling -----------------------------------------------------------------------


def _times(m: _Matrix, n: _Matrix) -> _Matrix:
    """The matrix applying ``m`` first, then ``n`` (PDF's row-vector order)."""
    a, b, c, d, e, f = m
    na, nb, nc, nd, ne, nf = n
    return (
        a * na + b * nc,
        a * nb + b * nd,
        c * na + d * nc,
        c * nb + d * nd,
        e * na + f * nc + ne,
        e * nb + f * nd + nf,
    )


class _Walk(NamedTuple):
    """What a walk through the page's objects gathers."""

    space: _PageSpace
    edges: list[Edge]
    budget: list[int]  # objects and path segments still allowed
    texts: list[tuple[_Handle, _Matrix]] | None  # if wanted: the text objects in drawing
    # order, each with the matrix from its container to the device
    text_count: list[int]  # how many text objects there are


def _read_edges(page: pdfium.PdfPage, walk: _Walk) -> None:
    """The straight edges of every path the page paints, forms included, and
    the text objects in the order they are drawn."""
    handle = _Handle(ctypes.cast(page.raw, c_void_p).value)
    _walk(handle, _count_objects, _get_object, walk.space.device, walk, 0)


_TEXT, _PATH, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)


def _walk(
    container, count_objects, get_object, to_device: _Matrix, walk: _Walk, depth: int
) -> None:
    """The objects of the page or form ``container``, in the order drawn."""
    count = max(count_objects(container), 0)
    walk.budget[0] -= count
    if walk.budget[0] < 0:
        raise PageTooBusy("objects", MAX_PAGE_OBJECTS)
    matrix = pdfium_c.FS_MATRIX()
    texts, object_type = walk.texts, _object_type
    for index in range(count):
        obj = get_object(container, index)
        kind = object_type(obj)
        if kind == _TEXT:  # most objects are text: counted (and kept, if asked for)
            walk.text_count[0] += 1
            if texts is not None:
                texts.append((obj, to_device))
            continue
        if (kind != _PATH and kind != _FORM) or not _object_matrix(obj, byref(matrix)):
            continue
        own = _times(_six_floats(matrix), to_device)
        if kind == _FORM:
            if depth < MAX_FORM_DEPTH:
                _walk(obj, _count_form_objects, _get_form_object, own, walk, depth + 1)
            continue
        for subpath in _subpaths(obj, own, walk.budget):
            walk.edges.extend(_shape_edges(subpath, walk.space))


def _subpaths(path, to_device: _Matrix, budget: list[int]) -> list[tuple[str, list[_Point]]]:
    """A path's subpaths as pdfminer sees them: the letters of their operators
    (m, l, c, h) and the point each ends at, on the device (a closing h is
    back at the subpath's start)."""
    count = _count_segments(path)
    budget[0] -= max(count, 0)
    if budget[0] < 0:
        raise PageTooBusy("objects", MAX_PAGE_OBJECTS)
    a, b, c, d, e, f = to_device
    x, y = c_float(), c_float()
    x_ref, y_ref = byref(x), byref(y)
    subpaths: list[tuple[str, list[_Point]]] = []
    letters: list[str] = []
    points: list[_Point] = []
    bezier_points = 0
    for index in range(max(count, 0)):
        segment = _get_segment(path, index)
        if not segment.value or not _segment_point(segment, x_ref, y_ref):
            return []  # a path pdfium cannot describe is drawn by no one
        kind = _segment_type(segment)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        closes = _segment_closes(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if letters:
                subpaths.append(("".join(letters), points))
            letters, points = ["m"], [point]
        elif not letters:
            return []  # pdfminer ignores a path that does not begin with a move
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            # pdfium closes a subpath with a line back to its start: pdfminer's h.
            letters.append("h" if closes and point == points[0] else "l")
            points.append(point)
            continue
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier_points += 1
            if bezier_points % 3:
                continue  # control points: a curve is known by where it ends
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


def _shape_edges(subpath: tuple[str, list[_Point]], space: _PageSpace) -> list[Edge]:
    shape, device_points = subpath
    points = [(x + space.x_shift, space.y_flip - y) for x, y in device_points]
    if shape in ("mlh", "ml"):
        return [_line_edge(points[0], points[1])]
    if shape in ("mlllh", "mllll") and _is_rectangle(device_points):
        (x0, t0), _, (x1, t1), _, _ = points
        left, right, top, bottom = min(x0, x1), max(x0, x1), min(t0, t1), max(t0, t1)
        return [
            Edge("h", left, top, right, top),
            Edge("h", left, bottom, right, bottom),
            Edge("v", left, top, left, bottom),
            Edge("v", right, top, right, bottom),
        ]
    edges = []
    for (x0, t0), (x1, t1) in itertools.pairwise(points):
        orientation = "v" if x0 == x1 else "h" if t0 == t1 else None
        if orientation:
            edges.append(Edge(orientation, min(x0, x1), min(t0, t1), max(x0, x1), max(t0, t1)))
    return edges


def _is_rectangle(points: list[_Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
    return last == points[0] and (
        (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
        or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    )


def _line_edge(start: _Point, end: _Point) -> Edge:
    (x0, t0), (x1, t1) = start, end
    return Edge("h" if t0 == t1 else "v", min(x0, x1), min(t0, t1), max(x0, x1), max(t0, t1))


# --- A page ---------------------------------------------------------------------


def read_page(page: pdfium.PdfPage) -> PageContent:
    """The page's characters and the edges of its ruling."""
    space = _page_space(page)
    textpage = page.get_textpage()
    try:
        chars, owners = _read_chars(textpage, space)
    finally:
        textpage.close()
    # pdfium puts the text objects of a line in order from left to right; where
    # a page mixes upright and turned characters, which come first changes how
    # they are read (runs of the same uprightness): the drawing order is restored.
    mixed = len({char.upright for char in chars}) > 1
    walk = _Walk(space, [], [MAX_PAGE_OBJECTS], [] if mixed else None, [0])
    _read_edges(page, walk)
    if walk.text_count[0] != len(set(owners)):  # text objects without characters
        if walk.texts is None:
            walk = _Walk(space, [], [MAX_PAGE_OBJECTS], [], [0])
            _read_edges(page, walk)
        _add_blank_objects(walk, chars, owners)
        mixed = len({char.upright for char in chars}) > 1
    if mixed:
        order = {handle.value: place for place, (handle, _) in enumerate(walk.texts or ())}
        places = sorted(range(len(chars)), key=lambda i: order.get(owners[i], -1))
        chars = [chars[i] for i in places]
    drawn = MAX_PAGE_OBJECTS - walk.budget[0]
    return PageContent(space.width, space.height, chars, walk.edges, drawn)


def _add_blank_objects(walk: _Walk, chars: list[Char], owners: list[int]) -> None:
    """pdfium leaves out of its text a text object drawing nothing visible — a
    space drawn on its own — where pdfminer has the space, which
    ends a word: each such object is added as one space at its origin."""
    drawn = set(owners)
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    matrix, size = pdfium_c.FS_MATRIX(), c_float()
    for handle, to_device in walk.texts or ():
        if handle.value in drawn or not _object_bounds(
            handle, byref(left), byref(bottom), byref(right), byref(top)
        ):
            continue
        if abs(right.value - left.value) >= 0.01:  # left out as a copy of the one before
            continue
        if not _object_matrix(handle, byref(matrix)) or not _text_size(handle, byref(size)):
            continue
        own = _six_floats(matrix)
        a, b, c, d, e, f = _times(own, to_device)
        font = _font(handle, {})
        width = c_float()
        if not _get_glyph_width(font.handle, c_uint(32), _THOUSAND, byref(width)):
            width.value = 0.0
        device = _PageSpace(a, b, c, d, e, f, walk.space.x_shift, walk.space.y_flip, 0, 0)
        glyph = _Glyph(" ", width.value)
        chars.append(_char(glyph, (0.0, 0.0), font, size.value, (1, 0, 0, 1), device))
        owners.append(handle.value)
