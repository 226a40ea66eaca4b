"""Word 97–2003 (.doc), Works (.wps), RTF and OpenDocument text (.odt): each
converted to .docx by LibreOffice (etl/readers/libreoffice.py) and read by the
Word reader, so it lays out exactly as a .docx does.

Recognised by content: .doc and .wps files are OLE compound files (the
container of old Office files), told apart by their main stream — Word's
``WordDocument`` (WPS Office saves its .wps files so too), Microsoft Works'
``MatOST`` (older versions) or ``CONTENTS`` (later ones). An OLE file whose streams
cannot be listed is taken for a Word file, the usual kind, and LibreOffice
decides. RTF begins ``{\\rtf``; an .odt is a zip whose ``mimetype`` entry
says so (ODF writes it first and uncompressed, so it is read from the zip's
first bytes: a damaged .odt is still an .odt).
Each is read by its own LibreOffice import filter only.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import olefile

from etl.files import ZIP_SIGNATURE
from etl.readers import libreoffice
from etl.readers.docx import docx_to_text
from etl.table_text import LaidOutText

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_WORKS_STREAMS = ("MatOST", "CONTENTS")


def _ole_streams(data: bytes) -> set[str] | None:
    """The names of an OLE file's top-level streams, or None when they cannot be read."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {path[0] for path in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile raises many kinds on damaged files
        return None


def is_word_97(data: bytes) -> bool:
    if not data.startswith(_OLE_MAGIC):
        return False
    streams = _ole_streams(data)
    return streams is None or "WordDocument" in streams


def is_works(data: bytes) -> bool:
    if not data.startswith(_OLE_MAGIC):
        return False
    streams = _ole_streams(data) or set()
    return "WordDocument" not in streams and any(name in streams for name in _WORKS_STREAMS)


def is_rtf(data: bytes) -> bool:
    return data.startswith(b"{\\rtf")


def is_odt(data: bytes) -> bool:
    if not data.startswith(ZIP_SIGNATURE):
        return False
    if _first_zip_entry(data) == (b"mimetype", _ODT_MIMETYPE):
        return True  # as ODF writes it: read even if the rest of the zip is damaged
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entry = archive.getinfo("mimetype")
            return entry.file_size < 100 and archive.read(entry).strip() == _ODT_MIMETYPE
    except Exception:  # zipfile raises many kinds on damaged archives
        return False


def _first_zip_entry(data: bytes) -> tuple[bytes, bytes]:
    """The name and stored bytes of a zip's first entry, from its local header."""
    size = int.from_bytes(data[18:22], "little")
    name_length = int.from_bytes(data[26:28], "little")
    content = 30 + name_length + int.from_bytes(data[28:30], "little")
    return data[30 : 30 + name_length], data[content : content + size]


@dataclass(frozen=True)
class ConvertedFormat:
    """A format LibreOffice converts to .docx for the Word reader."""

    media_type: str
    recognises: Callable[[bytes], bool]
    suffix: str  # the file's name for LibreOffice
    import_filter: str  # the one LibreOffice filter allowed to read it

    def read(self, data: bytes, file: str) -> LaidOutText:
        docx = libreoffice.to_docx(data, file, self.suffix, self.import_filter)
        return docx_to_text(docx, file)


WORD_97 = ConvertedFormat("application/msword", is_word_97, ".doc", "MS Word 97")
WORKS = ConvertedFormat("application/vnd.ms-works", is_works, ".wps", "MS_Works")
RTF = ConvertedFormat("application/rtf", is_rtf, ".rtf", "Rich Text Format")
ODT = ConvertedFormat("application/vnd.oasis.opendocument.text", is_odt, ".odt", "writer8")
