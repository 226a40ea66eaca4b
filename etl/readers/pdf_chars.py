"""A PDF page's characters, read through pdfium, each with the box pdfminer
gives it — from its origin, its advance width (the font's) and the font's
descent (pdfminer's own for the standard fonts), one font size high — rather
than pdfium's glyph outline, so that lines, words and cells are read as the
reader before this one (pdfplumber, on pdfminer) read them.
"""

from __future__ import annotations

import ctypes
from ctypes import byref, c_float, c_ushort, c_void_p
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.readers.pdf_geometry import Char, PageTooBusy
from etl.readers.pdf_pdfium import (
    THOUSAND,
    PageSpace,
    count_chars,
    drawn_chars,
    get_base_name,
    get_descent,
    get_glyph_width,
    get_loose_box,
    get_text,
    get_unicode,
    has_map_error,
    is_hyphen,
)

MAX_PAGE_CHARS = 60_000  # a dense page of text has 3,000
_MAYBE_GENERATED = frozenset(" \r\n")  # pdfium adds spaces and line breaks of its own
_new = tuple.__new__  # a NamedTuple made without its Python-level __new__: half the cost
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


class Glyph(NamedTuple):
    text: str  # the character, or "(cid:123)" for a glyph without one
    width: float  # advance, in thousandths of the font size (negative: vertical writing)


class Font(NamedTuple):
    handle: c_void_p
    key: int  # the handle's address
    descent: float  # below the baseline, in thousandths of the font size (negative)
    glyphs: dict[str, Glyph]  # character → its glyph, as this font draws it on the page


def read_chars(textpage: pdfium.PdfTextPage, space: PageSpace) -> tuple[list[Char], list[int]]:
    """The page's characters in pdfium's order, without the spaces and line
    breaks pdfium generates, and the text object each is drawn by; a glyph
    pdfium splits into several characters (a ligature) is one character with
    their text."""
    page_text = c_void_p(ctypes.cast(textpage.raw, c_void_p).value)
    count = count_chars(page_text)
    if count > MAX_PAGE_CHARS:
        raise PageTooBusy("characters", MAX_PAGE_CHARS)
    text = _page_text(page_text, count)
    characters = text or [_character(get_unicode(page_text, i)) for i in range(count)]
    fonts: dict[int, Font] = {}
    chars: list[Char] = []
    owners: list[int] = []
    append, own = chars.append, owners.append
    # On an unturned page, x is shifted and y flipped: (x + x_add, y_flip - y).
    plain_page = (space.a, space.b, space.c, space.d) == (1, 0, 0, 1)
    x_add, y_flip = space.e + space.x_shift, space.y_flip - space.f
    last_x = last_y = last_font = last_drawing = last_size = None
    for record in drawn_chars(page_text.value or 0, count, text):
        index, new_object, text_object, ox, oy, ma, mb, mc, md, size, font_key = record
        unicode = characters[index]
        if new_object:
            drawing = (ma, mb, mc, md)
            # WPS (the originals) draws every character as an object of its own, most
            # in the font, size and matrix of the one before.
            if font_key != last_font or drawing != last_drawing or size != last_size:
                last_font, last_drawing, last_size = font_key, drawing, size
                font = fonts.get(font_key) or font_of(font_key, fonts)
                font_glyphs = font.glyphs
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
            glyph = glyph_of(font, unicode, page_text, index, ma * size)
            if unicode not in _MARKS:
                font_glyphs[unicode] = glyph
        glyph_text, width = glyph
        if plain and width >= 0:
            left = ox + x_add
            bottom = y_flip - (oy + descent)
            box = (glyph_text, left, left + width * width_scale, bottom - height, bottom, True)
            append(_new(Char, box))
        else:
            append(char_box(glyph, (ox, oy), font, size, (ma, mb, mc, md), space))
        own(text_object)
    return chars, owners


def _character(code: int) -> str:
    """The character of a code pdfium gives; U+FFFD for one that is none (half
    a surrogate pair or beyond Unicode, from a damaged character map)."""
    return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)


def _page_text(page_text: c_void_p, count: int) -> str:
    """The page's characters in one call, when pdfium's text has one character
    for each of them (no control characters, nothing beyond the BMP); "" otherwise."""
    if count == 0:
        return ""
    buffer = (c_ushort * (count + 1))()
    written = get_text(page_text, 0, count, buffer)
    text = bytes(buffer)[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
    return text if len(text) == count else ""


def font_of(key: int, fonts: dict[int, Font]) -> Font:
    """The font at address ``key`` (each known once, in ``fonts``)."""
    font = fonts.get(key)
    if font is None:
        pointer, value = c_void_p(key), c_float()
        descent = -abs(value.value) if get_descent(pointer, THOUSAND, byref(value)) else 0.0
        descent = _STANDARD_DESCENTS.get(_base_name(pointer), descent)
        font = fonts[key] = Font(pointer, key, descent, {})
    return font


def _base_name(font: c_void_p) -> str:
    buffer = ctypes.create_string_buffer(128)
    length = get_base_name(font, buffer, 128)
    return buffer.value.decode("latin-1") if 0 < length <= 128 else ""


def glyph_of(font: Font, unicode: str, page_text: c_void_p, index: int, scale: float) -> Glyph:
    """The glyph's text and advance width: the font's width for the character;
    for a glyph without a character (pdfium then gives its code), the width of
    pdfium's loose box around it."""
    if unicode in _MARKS:
        code = get_unicode(page_text, index)
        unicode = "-" if code == 2 and is_hyphen(page_text, index) == 1 else _character(code)
    if has_map_error(page_text, index) or unicode == "\x00":
        text = f"(cid:{ord(unicode)})"
    else:
        value = c_float()
        # A character's code fits a C int: passed as it is.
        if get_glyph_width(font.handle, ord(unicode), THOUSAND, byref(value)):
            return _new(Glyph, (unicode, value.value))
        text = unicode
    loose = pdfium_c.FS_RECTF()
    if not get_loose_box(page_text, index, byref(loose)) or not scale:
        return Glyph(text, 0.0)
    return Glyph(text, (loose.right - loose.left) / scale * 1000)


def char_box(glyph: Glyph, origin, font: Font, size: float, matrix, space: PageSpace) -> Char:
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
