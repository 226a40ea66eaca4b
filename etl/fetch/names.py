"""Safe file names for downloads, from what Chinese portals send: a
Content-Disposition file name (RFC 6266 ``filename*``, or ``filename`` as raw
UTF-8 or GBK bytes, percent-encoded, or a MIME encoded word) or the URL's
last path segment. A name never leaves the folder it is saved in."""

from __future__ import annotations

import email.errors
import email.header
import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes, urlsplit

from etl.fetch.media import keeps_suffix, suffix_of

# Bytes of UTF-8 a name may take (filesystems allow 255), leaving room for
# the hash that tells two URLs' files apart and the temporary prefix.
MAX_NAME_BYTES = 150
_MAX_SUFFIX_CHARS = 10
FALLBACK_STEM = "index"  # a page whose URL ends in /
# Separators, characters Windows forbids in names, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*\"?([\w!#$%&+^`{}~-]*)'[^']*'([^;\"\s]+)", re.I)
_FILENAME = re.compile(r'(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))', re.I)
_ESCAPED = re.compile(r"\\(.)")
_GB_FAMILY = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030"}


def disposition_filename(header: str | None) -> str | None:
    """The file name a Content-Disposition header gives, ``filename*`` first.
    ``header`` is as http.client gives it: its bytes read as Latin-1."""
    if not header:
        return None
    star = _FILENAME_STAR.search(header)
    if star is not None:
        name = _decoded(unquote_to_bytes(star.group(2)), star.group(1))
        if name:
            return name
    plain = _FILENAME.search(header)
    if plain is None:
        return None
    quoted, bare = plain.groups()
    value = _ESCAPED.sub(r"\1", quoted) if quoted is not None else bare.strip()
    if value.startswith("=?"):
        try:
            return str(email.header.make_header(email.header.decode_header(value)))
        except (ValueError, LookupError, email.errors.HeaderParseError):
            pass  # a broken encoded word: read as the bytes it is
    if re.search(r"%[0-9A-Fa-f]{2}", value):
        return _decoded(unquote_to_bytes(value), None)
    return _decoded(value.encode("latin-1", "replace"), None)


def url_filename(url: str) -> str:
    """The URL's last path segment, percent-decoded (UTF-8, else GBK)."""
    segment = posixpath.basename(urlsplit(url).path)
    return _decoded(unquote_to_bytes(segment), None)


def _decoded(data: bytes, charset: str | None) -> str:
    """Bytes of a name as text: in ``charset`` if given, else UTF-8, else GB18030."""
    for encoding in (charset, "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return data.decode(_GB_FAMILY.get(encoding.lower(), encoding))
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def safe_name(name: str) -> str:
    """``name`` as a plain file name: its last part only, without control,
    format or reserved characters, not hidden, not ``..``, of bounded length;
    ``""`` when nothing is left."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    # Format characters (U+202E turns "fdp.exe" around) and the like go too.
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = re.sub(r"\s+", " ", _UNSAFE.sub("_", name))
    # A leading dot hides the file (load skips it); trailing ones Windows drops.
    name = name.strip(" .")
    return bounded(name) if name else ""


def bounded(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """``name`` cut to ``limit`` bytes of UTF-8, its suffix kept."""
    stem, suffix = posixpath.splitext(name)
    if len(suffix) > _MAX_SUFFIX_CHARS:
        stem, suffix = name, ""
    stem = _cut(stem, limit - len(suffix.encode("utf-8"))).rstrip(" .")
    return (stem or FALLBACK_STEM) + suffix


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", "ignore")


def file_name(candidates: Iterable[str | None], suffix: str) -> str:
    """The name to save a file of ``suffix`` under: the first candidate (in
    order of trust) whose own suffix fits the content, else the first one with
    ``suffix`` added (a page ``content?id=5`` saved as ``content.html``)."""
    names = [name for name in map(safe_name, filter(None, candidates)) if name]
    for name in names:
        if keeps_suffix(suffix_of(name), suffix):
            return name
    return bounded((names[0] if names else FALLBACK_STEM) + suffix)


def with_url_hash(name: str, url: str, digits: int = 8) -> str:
    """``name`` told apart by a short hash of ``url``: two URLs' files both named report.pdf."""
    stem, suffix = posixpath.splitext(name)
    tag = "-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:digits]
    room = MAX_NAME_BYTES - len(tag) - len(suffix.encode("utf-8"))
    return (_cut(stem, room).rstrip(" .") or FALLBACK_STEM) + tag + suffix
