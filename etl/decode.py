"""Bytes to text: the encodings Chinese reports come in, and what is not text at all."""

from __future__ import annotations

import codecs
import re

from etl.errors import ExtractionError

# Control characters other than tab, newline, carriage return and form feed
# mean the bytes are not a text document.
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f"} | {"\x7f"}
# Zero-width spaces, joiners and byte-order marks: invisible in a cell, spacing to us.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROL_PATTERN = re.compile("[" + re.escape("".join(sorted(_CONTROL))) + "]")
_TO_SPACE = re.compile("[" + re.escape("".join(sorted(_CONTROL)) + _INVISIBLE) + "]")
_MAX_CONTROL_SHARE = 0.01
_MAX_STRAY_BYTES = 8
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, file: str) -> str:
    """The text of a report.

    UTF-8 is tried first because a GB18030 decoder accepts most UTF-8 bytes
    and would turn them into nonsense; GB18030 is a superset of GBK and GB2312.
    """
    if not data.strip():
        raise ExtractionError(file, "文件为空，没有可读取的内容")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), file)
    if b"\x00" in data:
        raise ExtractionError(
            file, "这是二进制文件，不是文本；请提供文本、网页、Word 或 PDF 格式的年度报告"
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding), file)
        except UnicodeDecodeError:
            continue
    # A UTF-8 file cut mid-character or with a stray byte: keep it, marking the
    # few undecodable bytes with U+FFFD, rather than refusing the whole report.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= _MAX_STRAY_BYTES:
        return _checked(text, file)
    raise ExtractionError(file, "无法识别文字编码（既不是 UTF-8，也不是 GB18030/GBK）")


def _checked(text: str, file: str) -> str:
    controls = len(_CONTROL_PATTERN.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ExtractionError(
            file, "这是二进制文件，不是文本；请提供文本、网页、Word 或 PDF 格式的年度报告"
        )
    # The parser uses two control characters as cell markers: none may remain.
    # Zero-width characters and stray byte-order marks are invisible spacing.
    return _TO_SPACE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
