"""Which responses are reports: by content type, and by file suffix where the
type says nothing. Anything else (pictures, archives, style sheets) is refused
before its body is read."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from etl.fetch.errors import FetchError

# A report page, or a plain-text copy of one.
PAGE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".xhtml", "text/plain": ".txt"}
# A report as a document.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/kswps": ".wps",
    "application/wps-office.wps": ".wps",
    "application/vnd.ms-works": ".wps",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "application/vnd.oasis.opendocument.text": ".odt",
}
# What download scripts send whatever the file is: the suffix of the URL or
# of the Content-Disposition file name decides.
GENERIC_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/x-download",
        "application/download",
        "application/force-download",
        "binary/octet-stream",
    }
)
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".rtf", ".odt")
# Suffixes that may stand for one another: a file keeps its own among them
# (a .shtml page, a .wps sent as application/msword — the readers go by
# content), else it gets its type's.
_FAMILIES = (
    frozenset({".html", ".htm", ".shtml", ".xhtml"}),
    frozenset({".txt", ".md", ".markdown"}),
    frozenset({".pdf"}),
    frozenset(ATTACHMENT_SUFFIXES) - {".pdf"},
)


def suffix_of(name: str) -> str:
    """The lower-case suffix of a file name or URL path (``.pdf``), or ``""``."""
    return posixpath.splitext(name)[1].lower()


def saved_suffix(url: str, media_type: str, names: Iterable[str | None], attachment: bool) -> str:
    """The suffix a response of ``media_type`` is saved with; the response is
    refused (FetchError naming ``url``) when it is no report. ``names`` are the
    file names it may carry (Content-Disposition, URL, link text); an
    ``attachment`` must be a document, not a page."""
    if media_type in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[media_type]
    if media_type in PAGE_TYPES:
        if attachment:
            raise FetchError(url, f"链接指向附件，服务器却返回了网页（{media_type}），已拒绝")
        return PAGE_TYPES[media_type]
    if media_type in GENERIC_TYPES:
        for name in filter(None, names):
            if suffix_of(name) in ATTACHMENT_SUFFIXES:
                return suffix_of(name)
        raise FetchError(
            url,
            f"内容类型 {media_type} 不是报告（网址和文件名都没有 "
            f"{'、'.join(ATTACHMENT_SUFFIXES)} 后缀），已拒绝",
        )
    raise FetchError(url, f"内容类型 {media_type} 不是报告，已拒绝")


def keeps_suffix(own: str, suffix: str) -> bool:
    """Whether a file named with suffix ``own`` may keep it when saved as ``suffix``."""
    return own == suffix or any(own in family and suffix in family for family in _FAMILIES)
