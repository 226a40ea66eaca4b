"""One thin reader per input format, and the one table from a file's content to its reader.

Each reader only lays its input out as Word-table text (etl/table_text.py: a
tab-indented line per table cell, a blank line after each row) and records
where every line stood in the input (page, table, row, column). Titles,
sections, rows, labels and validation are one parser for every format
(etl/extract.py), so a report reads the same whichever format it came in.

Formats are recognised by their content, never by the file's name: binary
formats by their signature first, then — once the bytes are decoded — the
text formats, plain text last. Old Office formats (.doc, .wps, .rtf, .odt)
are converted to .docx by LibreOffice and read by the Word reader
(etl/readers/office.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from etl.decode import Decoded, decode
from etl.errors import ExtractionError
from etl.files import damaged_zip
from etl.readers import docx, html, image, markdown, mht, office, pdf, portal_json
from etl.table_text import LaidOutText


@dataclass(frozen=True)
class Document:
    """A file laid out for the parser, and the format it was read as."""

    laid_out: LaidOutText
    media_type: str


@dataclass(frozen=True)
class BinaryFormat:
    media_type: str
    label: str  # the format's name on the dashboard, in the template's language
    recognises: Callable[[bytes], bool]
    read: Callable[[bytes, str], LaidOutText]  # (bytes, file name) → laid-out text


@dataclass(frozen=True)
class TextFormat:
    media_type: str
    label: str
    recognises: Callable[[str], bool]
    read: Callable[[Decoded, str], LaidOutText]  # (decoded text, file name) → laid-out text


def _plain_text(decoded: Decoded, file: str) -> LaidOutText:
    return LaidOutText(decoded.text)


def _is_media(media_type: str, data: bytes) -> bool:
    return image.image_media_type(data) == media_type


def _markdown(decoded: Decoded, file: str) -> LaidOutText:
    return markdown.markdown_to_text(decoded.text)


def _html(decoded: Decoded, file: str) -> LaidOutText:
    return html.html_to_text(decoded.text, file, decoded.utf8)


def _portal_reply(decoded: Decoded, file: str) -> LaidOutText:
    return portal_json.portal_reply_to_text(decoded.text, file)


def _always(text: str) -> bool:
    return True


def _by_libreoffice(converted: office.ConvertedFormat, label: str) -> BinaryFormat:
    return BinaryFormat(converted.media_type, label, converted.recognises, converted.read)


# Tried in this order; the first format that recognises the content reads it.
BINARY_FORMATS: tuple[BinaryFormat, ...] = (
    _by_libreoffice(office.WORD_97, "Word（.doc）"),
    _by_libreoffice(office.WORKS, "Works（.wps）"),
    _by_libreoffice(office.RTF, "RTF"),
    # Before Word: an .odt is a zip too, and only its mimetype tells it apart.
    _by_libreoffice(office.ODT, "ODT（OpenDocument）"),
    BinaryFormat(docx.DOCX_MEDIA_TYPE, "Word", docx.is_docx, docx.docx_to_text),
    BinaryFormat(pdf.PDF_MEDIA_TYPE, "PDF", pdf.is_pdf, pdf.pdf_to_text),
    BinaryFormat(
        image.PAGE_ARCHIVE_MEDIA_TYPE,
        "扫描页压缩包",
        image.is_page_archive,
        image.page_archive_to_text,
    ),
    *(
        BinaryFormat(
            media_type, f"扫描图片（{name}）", partial(_is_media, media_type), image.image_to_text
        )
        for media_type, name in (
            ("image/png", "PNG"),
            ("image/jpeg", "JPEG"),
            ("image/tiff", "TIFF"),
        )
    ),
    BinaryFormat(mht.MHT_MEDIA_TYPE, "单一文件网页（.mht）", mht.is_mht, mht.mht_to_text),
)
TEXT_FORMATS: tuple[TextFormat, ...] = (
    # Before web pages: a reply's page may begin with <html> near its top.
    TextFormat(
        portal_json.PORTAL_JSON_MEDIA_TYPE,
        "网站接口 JSON",
        portal_json.is_portal_reply,
        _portal_reply,
    ),
    TextFormat(html.HTML_MEDIA_TYPE, "网页", html.is_html, _html),
    TextFormat(markdown.MARKDOWN_MEDIA_TYPE, "Markdown", markdown.is_markdown, _markdown),
    TextFormat("text/plain", "文本", _always, _plain_text),
)
FORMAT_LABELS = {f.media_type: f.label for f in (*BINARY_FORMATS, *TEXT_FORMATS)}


def read_document(data: bytes, file: str) -> Document:
    """The file laid out for the parser, by the first format that recognises it."""
    for binary in BINARY_FORMATS:
        if binary.recognises(data):
            return Document(binary.read(data, file), binary.media_type)
    # A zip no format could open is damaged, not "binary, no text": say so.
    problem = damaged_zip(data)
    if problem is not None:
        raise ExtractionError(file, problem)
    decoded = decode(data, file)
    for textual in TEXT_FORMATS:
        if textual.recognises(decoded.text):
            return Document(textual.read(decoded, file), textual.media_type)
    raise AssertionError("plain text recognises every text")  # pragma: no cover
