"""One web page as the other files it reaches an office in, built from the page.

The corpus has each report in one form; an office also receives a page saved
as a single file (.mht, in GBK or UTF-8, quoted-printable or base64), the
article body copied out of the CMS (a fragment, without <html>, <head> or
<body>), and the portal's JSON reply holding the body and the title. These are
built here from a page, so that ``python -m etl accuracy``, the format
benchmark and the tests read every form from the one real page and can check
that each reads as the page itself.
"""

from __future__ import annotations

import base64
import json
from email import encoders
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32

from selectolax.lexbor import LexborHTMLParser

# A 1×1 GIF: the image a saved page carries beside the page itself.
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
PAGE_LOCATION = "http://www.example.gov.cn/xxgk/nb/report.html"


def single_file_page(html: str, charset: str, transfer_encoding: str) -> bytes:
    """The page as a browser saves it as one file (.mht): a multipart/related
    message of the page, in ``charset`` and ``transfer_encoding``
    ("quoted-printable" or "base64"), and an image, with CRLF line ends."""
    message = MIMEMultipart("related", type="text/html")
    message.set_boundary("----=_NextPart_000_0000_01DA4C2B.8E5F1A20")  # as IE writes one
    message["From"] = "<Saved by Windows Internet Explorer 11>"
    page = MIMENonMultipart("text", "html", charset=charset)
    page.set_payload(html.encode(charset))
    encode = {"quoted-printable": encoders.encode_quopri, "base64": encoders.encode_base64}
    encode[transfer_encoding](page)
    page["Content-Location"] = PAGE_LOCATION
    message.attach(page)
    image = MIMEImage(_PIXEL, "gif")
    image["Content-Location"] = PAGE_LOCATION.rsplit("/", 1)[0] + "/pixel.gif"
    message.attach(image)
    return message.as_bytes(policy=compat32.clone(linesep="\r\n"))


def page_body(html: str) -> str:
    """What the page's <body> holds, as an HTML fragment (a CMS's stored body)."""
    body = LexborHTMLParser(html).body
    return body.inner_html if body is not None else ""


def page_title(html: str) -> str:
    """The text of the page's first <title>."""
    title = LexborHTMLParser(html).css_first("title")
    return title.text(strip=True) if title is not None else ""


def portal_reply(title: str, content: str) -> bytes:
    """A portal's JSON reply for an article: its title and its HTML body."""
    article = {"id": 1024, "title": title, "publishDate": "2024-01-17", "content": content}
    reply = {"code": 200, "msg": "操作成功", "data": article}
    return json.dumps(reply, ensure_ascii=False).encode("utf-8")


def saved_forms(html: str) -> dict[str, bytes]:
    """Each other form of the page, by a short name of the form."""
    body = page_body(html)
    return {
        "片段": body.encode("utf-8"),
        "mht GBK": single_file_page(html, "gbk", "quoted-printable"),
        "mht UTF-8": single_file_page(html, "utf-8", "base64"),
        "JSON": portal_reply(page_title(html), body),
    }
