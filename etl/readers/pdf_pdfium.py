"""pdfium as the PDF reader calls it: its answers about a page's characters,
objects and path segments gathered in C, lean prototypes of pypdfium2's other
functions, and the page's coordinate space.

A handful of pdfium calls are made for every character and path segment, and
one ctypes call costs more than pdfium's answer: they are asked by a small C
module (etl/readers/_pdfium_bulk.c, built by ``pip install``), one call a page
or path, which packs the answers as records read here with ``struct``. It is
given pypdfium2's own function pointers, so it needs no pdfium of its own.
The rarer calls go through prototypes of those pointers without argument
conversion, a third of the cost of pypdfium2's raw API: their arguments must
be ctypes objects, or ints that fit a C int.

Coordinates are those the table and text layout works in (pdfplumber's, the
reader before this one): points from the page's top-left corner, ``top``
growing downwards, as pdfminer turns a page by its /Rotate and pdfplumber
shifts and flips it.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterator
from ctypes import c_float, c_int, c_uint, c_void_p
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.readers import _pdfium_bulk

_FunctionPointer = type(pdfium_c.FPDF_GetPageCount)  # the library's ctypes function class


def lean(function, restype=c_int, argtypes=None):
    """pypdfium2's ``function`` called without argument conversion: arguments
    must be ctypes objects or ints that fit a C int (unless ``argtypes`` says
    what they are)."""
    lean = _FunctionPointer(ctypes.cast(function, c_void_p).value)
    lean.restype = restype
    if argtypes is not None:
        lean.argtypes = argtypes
    return lean


class Handle(c_void_p):
    """A pdfium handle as a function returns it: kept a ctypes object (a plain
    c_void_p comes back as an int), so that it can be passed on as it is."""


count_chars = lean(pdfium_c.FPDFText_CountChars)
get_text = lean(pdfium_c.FPDFText_GetText)
get_unicode = lean(pdfium_c.FPDFText_GetUnicode, c_uint)
is_hyphen = lean(pdfium_c.FPDFText_IsHyphen)
has_map_error = lean(pdfium_c.FPDFText_HasUnicodeMapError)
get_loose_box = lean(pdfium_c.FPDFText_GetLooseCharBox)
get_font = lean(pdfium_c.FPDFTextObj_GetFont, c_void_p, [c_void_p])
get_glyph_width = lean(pdfium_c.FPDFFont_GetGlyphWidth)
get_descent = lean(pdfium_c.FPDFFont_GetDescent)
get_base_name = lean(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t)
object_matrix = lean(pdfium_c.FPDFPageObj_GetMatrix)
object_bounds = lean(pdfium_c.FPDFPageObj_GetBounds)
text_size = lean(pdfium_c.FPDFTextObj_GetFontSize)

# The functions the C module calls, in the order its bind() takes them.
_pdfium_bulk.bind(
    *(
        ctypes.cast(function, c_void_p).value
        for function in (
            pdfium_c.FPDFText_GetUnicode,
            pdfium_c.FPDFText_IsGenerated,
            pdfium_c.FPDFText_GetTextObject,
            pdfium_c.FPDFText_GetCharOrigin,
            pdfium_c.FPDFText_GetMatrix,
            pdfium_c.FPDFText_GetFontSize,
            pdfium_c.FPDFTextObj_GetFont,
            pdfium_c.FPDFPage_CountObjects,
            pdfium_c.FPDFPage_GetObject,
            pdfium_c.FPDFFormObj_CountObjects,
            pdfium_c.FPDFFormObj_GetObject,
            pdfium_c.FPDFPageObj_GetType,
            pdfium_c.FPDFPageObj_GetMatrix,
            pdfium_c.FPDFPath_CountSegments,
            pdfium_c.FPDFPath_GetPathSegment,
            pdfium_c.FPDFPathSegment_GetPoint,
            pdfium_c.FPDFPathSegment_GetType,
            pdfium_c.FPDFPathSegment_GetClose,
        )
    )
)


def address(handle) -> int:
    """A pypdfium2 handle's address, as the C module takes it."""
    return ctypes.cast(handle, c_void_p).value or 0


def drawn_chars(page_text: int, count: int, text: str) -> Iterator[tuple]:
    """The page's drawn characters (neither a space or line break pdfium
    generated, nor one without a text object), each as (index, new object?,
    text object, origin x, y, the object's matrix a b c d, font size, font);
    the matrix, size and font asked only of a new object. ``text``: the page's
    characters, one for each, or "" to have their codes asked."""
    return _CHAR_RECORD.iter_unpack(_pdfium_bulk.chars(page_text, count, text))


def object_count(container: int, is_form: bool) -> int:
    return _pdfium_bulk.object_count(container, is_form)


def page_objects(container: int, is_form: bool, count: int, known: set[int]) -> Iterator[tuple]:
    """The page's or form's first ``count`` objects, each as (address, type,
    matrix read?, matrix a…f); type -1, nothing asked, for an address in ``known``;
    the matrix only of a path or form."""
    return _OBJECT_RECORD.iter_unpack(_pdfium_bulk.objects(container, is_form, count, known))


def segment_count(path: int) -> int:
    return _pdfium_bulk.segment_count(path)


def path_segments(path: int, count: int) -> Iterator[tuple[int, int, float, float]]:
    """The path's first ``count`` segments, each as (type, closes?, x, y)."""
    return _SEGMENT_RECORD.iter_unpack(_pdfium_bulk.segments(path, count))


# The C module's records (etl/readers/_pdfium_bulk.c).
_CHAR_RECORD = struct.Struct("=iiQdd4fdQ")
_OBJECT_RECORD = struct.Struct("=Qii6f")
_SEGMENT_RECORD = struct.Struct("=iiff")

# An FS_MATRIX's fields read at once: a third of the cost of reading them one by one.
six_floats = struct.Struct("6f").unpack_from

THOUSAND = c_float(1000.0)  # font metrics are asked for in thousandths of the font size


Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]


class PageSpace(NamedTuple):
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
    def device(self) -> Matrix:
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


def media_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
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


def page_space(page: pdfium.PdfPage) -> PageSpace:
    left, bottom, right, top = media_box(page)
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
    return PageSpace(*device, x0, 2 * height - y1, x1 - x0, height)


def times(m: Matrix, n: Matrix) -> Matrix:
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
