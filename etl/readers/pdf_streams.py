"""How much a PDF's compressed streams unpack to, bounded before pdfium reads it.

pdfium unpacks a page's content streams and fonts in memory, whatever their
size: 500 KB of deflated spaces become 500 MB, and more than a gigabyte of
memory. Deflate expands at most 1,032 times, so streams whose compressed
sizes add up to little cannot unpack to much: a report's (half a megabyte of
fonts and text) stays under the limit by that bound alone. Only when the
bound is over the limit are streams unpacked here, the largest first, each no
further than the limit, until the bound (with their real sizes) is under it
or they really do unpack to more.

Streams are found by their ``stream`` keyword and ``endstream``; images are
left out (reading text never unpacks them); a stream whose data does not
unpack as deflate (an encrypted one, before pdfium decrypts it) counts at
its compressed size.
"""

from __future__ import annotations

import re
import zlib

MAX_UNPACKED = 512 * 1024 * 1024
_DEFLATE_RATIO = 1032  # the most deflate can expand
_FLATE = re.compile(rb"/Fl(?:ateDecode)?\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_DICTIONARY_REACH = 4096  # how far before the data its dictionary is looked for


def unpacks_beyond_limit(data: bytes) -> bool:
    """Whether the document's deflated streams unpack to more than MAX_UNPACKED bytes."""
    streams = sorted(_deflated_streams(data), key=lambda span: span[1] - span[0])
    bound = sum(_DEFLATE_RATIO * (end - start) for start, end in streams)
    view = memoryview(data)
    while bound > MAX_UNPACKED and streams:
        start, end = streams.pop()  # the largest left
        unpacked = _unpacked_size(view[start:end], MAX_UNPACKED + 1)
        if unpacked > MAX_UNPACKED:
            return True
        bound += unpacked - _DEFLATE_RATIO * (end - start)
    return bound > MAX_UNPACKED


def _deflated_streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the data of every stream, not an image, whose dictionary
    names FlateDecode."""
    spans = []
    keyword = data.find(b"stream")
    while keyword >= 0:
        start = keyword + len(b"stream")
        start += 2 if data[start : start + 2] == b"\r\n" else 1
        if data[keyword - 3 : keyword] != b"end" and data[start - 1 : start] == b"\n":
            opening = data.rfind(b"obj", max(0, keyword - _DICTIONARY_REACH), keyword)
            end = data.find(b"endstream", start)
            end = len(data) if end < 0 else end
            dictionary = data[opening:keyword] if opening >= 0 else b""
            if _FLATE.search(dictionary) and not _IMAGE.search(dictionary):
                spans.append((start, end))
            keyword = data.find(b"stream", end + len(b"endstream"))
        else:
            keyword = data.find(b"stream", keyword + 1)
    return spans


def _unpacked_size(compressed: memoryview, limit: int) -> int:
    """Bytes the deflated data unpacks to, counted no further than ``limit``."""
    inflater = zlib.decompressobj()
    size = 0
    try:
        while compressed and size < limit:
            size += len(inflater.decompress(compressed, min(limit - size, 1 << 24)))
            compressed = memoryview(inflater.unconsumed_tail)
            if inflater.eof:
                break
    except zlib.error:
        return size or len(compressed)
    return size
