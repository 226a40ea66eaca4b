"""A fetched file saved in the folder: under a safe name that is its URL's
alone, written atomically, with its row in the manifest."""

from __future__ import annotations

from pathlib import Path

from etl.fetch.client import Head, Response
from etl.fetch.media import saved_suffix
from etl.fetch.names import disposition_filename, file_name, url_filename, with_url_hash
from etl.fetch.provenance import Entry, Manifest, now, write_atomically

# Hash lengths tried when a name is taken by another URL's file; 64 digits
# (the whole SHA-256) are that URL's alone.
_HASH_DIGITS = (8, 16, 64)


def names_of(head: Head, hint: str | None) -> list[str | None]:
    """The names a response may be saved under, most trusted first: the
    server's Content-Disposition, the URL's last segment, the link's text."""
    return [disposition_filename(head.filename), url_filename(head.url), hint]


def save(
    folder: Path,
    manifest: Manifest,
    response: Response,
    hint: str | None = None,
    page_url: str | None = None,
) -> str:
    """Save ``response`` in ``folder`` and record it; the file's name. A URL
    fetched again is saved over its own file."""
    head = response.head
    names = names_of(head, hint)
    suffix = saved_suffix(head.url, head.media_type, names, attachment=page_url is not None)
    name = manifest.file_of(head.url)
    if name is None:
        name = _free_name(folder, manifest, file_name(names, suffix), head.url)
    write_atomically(folder / name, response.body)
    manifest.record(Entry(name, head.url, now(), page_url or ""))
    return name


def _free_name(folder: Path, manifest: Manifest, name: str, url: str) -> str:
    """``name``, or it with a hash of ``url`` when another URL's file (or
    a file the manifest does not know) already has it."""
    candidate = name
    for digits in _HASH_DIGITS:
        owner = manifest.url_of(candidate)
        if owner == url or (owner is None and not (folder / candidate).exists()):
            return candidate
        candidate = with_url_hash(name, url, digits)
    return candidate
