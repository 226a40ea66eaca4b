"""A web page saved as a single file (.mht, .mhtml: "网页，单一文件").

Browsers and Word save a page with its images as one MIME message,
multipart/related (RFC 2557): mail-style headers, then each part — the page
itself, its images and styles — with its own headers, the page usually
quoted-printable or base64. The page is the part the message's ``start``
parameter names, else its first text/html part; it is decoded from its
transfer encoding, then from its charset (the part's header, which the browser
wrote as the encoding it read the page in, when the bytes bear it out; else
the bytes are read as any text file is, etl/decode.py), and read as a web page
(etl/readers/html.py). The other parts are not read.

Recognised by content, never by name: the file begins with mail headers, one
of them ``Content-Type: multipart/related``.
"""

from __future__ import annotations

import binascii
import email
import email.policy
import re
from email.message import Message

from etl.decode import decode
from etl.errors import ExtractionError
from etl.readers.html import html_to_text
from etl.table_text import LaidOutText

MHT_MEDIA_TYPE = "multipart/related"
_HEADER_BYTES = 16384  # the message's headers are read from this much of the file
_HEADER_LINE = re.compile(rb"[!-9;-~]+:|[ \t]")  # a header, or the continuation of one
_MULTIPART_RELATED = re.compile(rb"^content-type:\s*multipart/related\b", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"


def is_mht(data: bytes) -> bool:
    """Whether the bytes are a MIME multipart/related message: every line up
    to the first blank one a header, one of them its Content-Type."""
    head = data[:_HEADER_BYTES].removeprefix(_BOM).lstrip(b"\r\n").replace(b"\r\n", b"\n")
    if b"\n\n" not in head:
        return False
    headers = head.split(b"\n\n", 1)[0].split(b"\n")
    if not all(_HEADER_LINE.match(line) for line in headers):
        return False
    unfolded = re.sub(rb"\n[ \t]+", b" ", b"\n".join(headers))
    return any(_MULTIPART_RELATED.match(line) for line in unfolded.split(b"\n"))


def mht_to_text(data: bytes, file: str) -> LaidOutText:
    """The page of a single-file web page, laid out as a web page is."""
    try:
        message = email.message_from_bytes(data.removeprefix(_BOM), policy=email.policy.compat32)
        page = _page_part(message)
    except RecursionError as error:  # parts nested thousands deep
        raise ExtractionError(file, "单一文件网页（.mht）已损坏：各部分嵌套过深") from error
    if page is None:
        raise ExtractionError(file, "单一文件网页（.mht）中没有网页部分（text/html）")
    html = decode(_body(page, file), file, page.get_content_charset())
    return html_to_text(html.text, file, html.utf8)


def _page_part(message: Message) -> Message | None:
    """The part ``start`` names (by its Content-ID), else the first text/html part."""
    start = message.get_param("start")
    parts = [part for part in message.walk() if not part.is_multipart()]
    if isinstance(start, str):
        named = [part for part in parts if part.get("Content-ID", "").strip() == start.strip()]
        if named:
            return named[0]
    return next((part for part in parts if part.get_content_type() == "text/html"), None)


def _body(part: Message, file: str) -> bytes:
    """The part's bytes, its transfer encoding undone."""
    payload = part.get_payload()
    # Parsed from bytes, the text keeps every byte as it was (surrogate escapes).
    raw = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "quoted-printable":
        return binascii.a2b_qp(raw)
    if encoding == "base64":
        try:
            return binascii.a2b_base64(raw)
        except binascii.Error as error:
            raise ExtractionError(
                file, f"单一文件网页（.mht）的网页部分已损坏（base64 编码有误：{error}）"
            ) from error
    return raw
