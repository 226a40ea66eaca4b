"""Bytes to text: the encodings Chinese reports come in, and what is not text at all."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from etl.errors import ExtractionError

# Control characters other than tab, newline, carriage return and form feed
# mean the bytes are not a text document.
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f"} | {"\x7f"}
# Zero-width spaces, joiners and byte-order marks: invisible in a cell, spacing to us.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROL_BYTES = "".join(sorted(_CONTROL)).encode("ascii")
_CONTROL_PATTERN = re.compile("[" + re.escape("".join(sorted(_CONTROL))) + "]")
_TO_SPACE_CHARACTERS = "".join(sorted(_CONTROL)) + _INVISIBLE
_TO_SPACE = re.compile("[" + re.escape(_TO_SPACE_CHARACTERS) + "]")
_MAX_CONTROL_SHARE = 0.01
_MAX_STRAY_BYTES = 8
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY = (
    "这是二进制文件，不是文本；请提供文本、网页、Word（.docx、.doc）、WPS、RTF、ODT、PDF"
    " 或 Markdown 格式的年度报告"
)

# <meta charset="gbk">, <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
# and <?xml … encoding="big5"?>, looked for near the top as browsers do.
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_DECLARATION_BYTES = 4096
# Declarations honoured as such. UTF-8 and the GB family are not among them:
# bytes are tried as both anyway (below), and a saved page often keeps the
# charset of the page it was saved from after being rewritten in UTF-8.
# Western charsets are left out too: declared on a Chinese page they are a
# server's default, and they would "decode" any bytes into nonsense.
_HONOURED = frozenset({"big5", "big5hkscs", "cp950", "hz"})
# A charset given outside the page (a MIME header) is the browser's: honoured
# for UTF-8 and the GB family too; GB2312 and GBK bytes read as GB18030, their
# superset (pages labelled GB2312 use GBK characters).
_HONOURED_OUTSIDE = _HONOURED | {"utf-8", "gb2312", "gbk", "gb18030"}
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}


@dataclass(frozen=True)
class Decoded:
    """A file's text, and the bytes it was decoded from when they are exactly its
    UTF-8: a reader that parses UTF-8 (the HTML parser) then takes them as they
    are instead of encoding the text again."""

    text: str
    utf8: bytes | None = None


def decode_text(data: bytes, file: str, charset: str | None = None) -> str:
    """The text of a report (see decode)."""
    return decode(data, file, charset).text


def decode(data: bytes, file: str, charset: str | None = None) -> Decoded:
    """The text of a report.

    ``charset`` is one given outside the bytes (a MIME part's header, which a
    browser writes as the encoding it read the page in): UTF-8, a GB or Big5
    charset, or HZ is honoured when the bytes decode cleanly in it.

    Bytes that are UTF-8 throughout are UTF-8; bytes with no Chinese UTF-8 line
    are GB18030 (a superset of GBK and GB2312). A file stitched together from
    parts saved in both is read line by line — UTF-8 where a line is Chinese
    UTF-8, else GB18030 or UTF-8, whichever reads more plausibly — so every
    line stays readable, where decoding it whole either way would garble the
    other part.
    """
    if not data.strip():
        raise ExtractionError(file, "文件为空，没有可读取的内容")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_checked(data.decode(encoding, errors="replace"), file))
    # A stray NUL or other control byte (from an editor or a transfer) is
    # spacing (_checked); only many make a binary file. No byte of a UTF-8 or
    # GB sequence is a control byte, so they are counted before decoding.
    control_bytes = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if control_bytes > _MAX_CONTROL_SHARE * len(data):
        raise ExtractionError(file, _BINARY)
    # Decoded from these bytes, the text has a control character only where they
    # have a control byte: without one, only invisible characters are looked for.
    spacing = _TO_SPACE_CHARACTERS if control_bytes else _INVISIBLE
    given = _codec(charset.encode("ascii", "replace")) if charset else None
    for declared, honoured in ((given, _HONOURED_OUTSIDE), (_declared_encoding(data), _HONOURED)):
        if declared in honoured:
            try:
                return _decoded(data, _SUPERSETS.get(declared, declared), file, spacing)
            except UnicodeDecodeError:
                pass  # a declaration the bytes do not bear out: read them as they are
    try:
        return _decoded(data, "utf-8", file, spacing)
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    chinese_utf8 = [_chinese_utf8(line) for line in lines]
    if not any(chinese_utf8):  # no part in UTF-8: GBK, GB2312 or GB18030 throughout
        try:
            return _decoded(data, "gb18030", file, spacing)
        except UnicodeDecodeError:
            pass
    decoded = [
        (text, 0) if text is not None else _guess_line(line)
        for line, text in zip(lines, chinese_utf8, strict=True)
    ]
    # A UTF-8 file cut mid-character or with a stray byte is kept, the few
    # undecodable bytes marked with U+FFFD, rather than refusing the whole report.
    if sum(strays for _, strays in decoded) > _MAX_STRAY_BYTES:
        raise ExtractionError(file, "无法识别文字编码（既不是 UTF-8，也不是 GB18030/GBK）")
    return Decoded(_checked("\n".join(text for text, _ in decoded), file, spacing))


def _decoded(data: bytes, encoding: str, file: str, spacing: str) -> Decoded:
    """The bytes decoded in ``encoding`` and checked; raises UnicodeDecodeError."""
    text = data.decode(encoding)
    checked = _checked(text, file, spacing)
    # Nothing changed by the check: UTF-8 bytes are the text's own.
    return Decoded(checked, data if encoding == "utf-8" and checked is text else None)


def _declared_encoding(data: bytes) -> str | None:
    """The charset a web page declares near its top, as Python's codec name."""
    match = _DECLARED.search(data[:_DECLARATION_BYTES])
    if match is None:
        return None
    return _codec(match.group(1) or match.group(2))


def _codec(label: bytes) -> str | None:
    """A charset label as Python's codec name, without underscores."""
    try:
        return codecs.lookup(label.decode("ascii").lower()).name.replace("_", "")
    except (LookupError, UnicodeDecodeError):
        return None


def _chinese_utf8(line: bytes) -> str | None:
    """The line's text if it is UTF-8 with Chinese in it. Chinese characters take
    three bytes each in UTF-8; GBK bytes of common characters never line up into
    such a sequence (they may into two-byte ones: 业 in GBK reads as UTF-8 ҵ)."""
    if line.isascii():
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if any(ord(char) >= 0x800 for char in text) else None


def _guess_line(line: bytes) -> tuple[str, int]:
    """A line that is not Chinese UTF-8, read as GB18030 or as UTF-8 (a line cut
    mid-character, or with a stray byte), whichever reads more plausibly; with
    the number of bytes neither could decode."""
    readings = []
    for encoding in ("gb18030", "utf-8"):  # GB18030 first: it wins a tie
        try:
            readings.append((line.decode(encoding), 0))
        except UnicodeDecodeError:
            text = line.decode(encoding, errors="replace")
            readings.append((text, text.count("\ufffd")))
    return max(readings, key=lambda reading: _plausibility(reading[0]))


def _plausibility(text: str) -> int:
    """Characters of GB2312 (the 6,763 common characters and the usual symbols)
    count for, others against: UTF-8 bytes read as GB18030 come out as rare
    characters (鍏紑), GB18030 bytes read as UTF-8 as foreign letters or U+FFFD."""
    score = 0
    for char in text:
        if char < "\x80":
            continue
        if char in _GB2312:
            score += 1
        elif "\u3400" <= char <= "\u9fff":
            score -= 2
        else:
            score -= 1
    return score


def _gb2312_characters() -> frozenset[str]:
    pairs = (bytes((lead, trail)) for lead in range(0xA1, 0xF8) for trail in range(0xA1, 0xFF))
    characters = set()
    for pair in pairs:
        try:
            characters.add(pair.decode("gb2312"))
        except UnicodeDecodeError:
            continue  # an unassigned code
    return frozenset(characters)


_GB2312 = _gb2312_characters()


def _checked(text: str, file: str, spacing: str = _TO_SPACE_CHARACTERS) -> str:
    """The text with line ends made "\\n" and control and invisible characters
    made spaces; refused when it has too many controls to be text. ``spacing``:
    the characters it may hold of those, when fewer are possible."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Most text has none: a search for each character (in C) is quicker than one
    # regular expression over the text.
    if not any(character in text for character in spacing):
        return text
    controls = len(_CONTROL_PATTERN.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ExtractionError(file, _BINARY)
    # The parser uses two control characters as cell markers: none may remain.
    # Zero-width characters and stray byte-order marks are invisible spacing.
    return _TO_SPACE.sub(" ", text)
