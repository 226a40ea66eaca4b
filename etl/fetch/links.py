"""The attachments a report page links: each ``<a href>`` whose URL path or
link text ends in a document suffix, resolved against the page's final URL
(or its ``<base href>``), once each, in the page's order."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from etl.decode import decode_text
from etl.errors import ExtractionError
from etl.fetch.media import ATTACHMENT_SUFFIXES, suffix_of


class Link(NamedTuple):
    url: str
    text: str | None  # the link text when it names the file (附件：2024年度报告.pdf)


def attachment_links(body: bytes, page_url: str, charset: str | None = None) -> list[Link]:
    """The attachments linked from the page ``body`` fetched from ``page_url``,
    decoded in the HTTP ``charset`` or as the page declares (etl/decode.py)."""
    try:
        text = decode_text(body, page_url, charset)
        document = lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (ExtractionError, etree.ParserError, ValueError):
        return []  # no page to read links from: the page itself is still saved
    base = page_url
    for element in document.iter("base"):
        if element.get("href"):
            base = _joined(page_url, element.get("href", "")) or page_url
            break
    links: dict[str, Link] = {}
    for anchor in document.iter("a"):
        href = anchor.get("href")
        url = _joined(base, href) if href else None
        if url is None or url == page_url or url in links:
            continue
        label = " ".join(anchor.text_content().split())
        named = suffix_of(label) in ATTACHMENT_SUFFIXES
        if named or suffix_of(unquote(urlsplit(url).path)) in ATTACHMENT_SUFFIXES:
            links[url] = Link(url, label if named else None)
    return list(links.values())


def _joined(base: str, href: str) -> str | None:
    """``href`` as an absolute http(s) URL without fragment, or None."""
    try:
        url = urldefrag(urljoin(base, href.strip())).url
    except ValueError:  # a malformed href ([ in a host …): no link
        return None
    return url if url.lower().startswith(("http://", "https://")) else None
