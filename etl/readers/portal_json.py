"""A portal's JSON reply holding the report's web page in a field.

Portals serve an article to their own pages as JSON — ``{"code": 200, "data":
{"title": "…年度报告", "content": "<p>…<table>…"}}`` — and that reply is
what some offices save. The page is the longest string anywhere in the reply
that is HTML (a page, or a fragment with a table: etl/readers/html.py), read
as a web page. The article body often leaves the title to its own field, and
its first paragraph may name the report in a sentence (…现向社会公布沭阳县…
年度报告): where a short string elsewhere in the reply is a report title and
the page's first report title is not that one (none, or another agency or
year), the reply's title is laid out first, as the page's first line.

Canonical report JSON (what ``python -m etl parse`` writes) holds no HTML, so
it is never taken for a reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

from etl.agency import find_title
from etl.decode import Decoded, decode
from etl.readers.html import html_to_text, is_html
from etl.table_text import LaidOutText

PORTAL_JSON_MEDIA_TYPE = "application/json"
_LONGEST_TITLE = 200
# A page in JSON has tags: "<" as itself or escaped (Gson and others write \u003c).
_TAG_MARKS = ("<", "\\u003c", "\\u003C")
_JSON_START = re.compile(r"\s*[{\[]")


def is_portal_reply(text: str) -> bool:
    """Whether the text is JSON with a web page in one of its strings."""
    # Most texts are no JSON, and are told so before they are remembered: the
    # remembering hashes the whole text.
    return _may_be_a_reply(text) and _page_and_title(text) is not None


def _may_be_a_reply(text: str) -> bool:
    """A JSON object or array with a tag somewhere in it."""
    return _JSON_START.match(text) is not None and any(mark in text for mark in _TAG_MARKS)


def holds_a_page(data: bytes) -> bool:
    """The same for a JSON file's bytes (UTF-8, as JSON is)."""
    try:
        return is_portal_reply(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return False


def portal_reply_to_text(text: str, file: str) -> LaidOutText:
    found = _page_and_title(text)
    assert found is not None, "read only once recognised"
    # JSON escapes can spell any character (\u0000, \u001e …): the strings are
    # checked and cleaned as any decoded text is.
    page_string, title_string = found  # the page is HTML: never empty
    page = _as_text(page_string, file)
    title = _as_text(title_string, file).text if title_string else title_string
    laid_out = html_to_text(page.text, file, page.utf8)
    if title is None or _title_of(laid_out.text.split("\n")) == _title_of([title]):
        return laid_out
    # The title first; every line of the page one further down.
    locations = {line + 1: place for line, place in laid_out.locations.items()}
    return LaidOutText(f"{title}\n{laid_out.text}", locations, laid_out.findings)


def _as_text(string: str, file: str) -> Decoded:
    return decode(string.encode("utf-8", "replace"), file)


@lru_cache(maxsize=1)  # recognising a reply and reading it look once
def _page_and_title(text: str) -> tuple[str, str | None] | None:
    """The reply's page and, if a string of it is a report title, that title."""
    try:
        reply = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
        return None
    strings = list(_strings(reply))
    pages = [string for string in strings if is_html(string)]
    if not pages:
        return None
    page = max(pages, key=len)
    titles = (
        " ".join(string.split())
        for string in strings
        if string is not page and len(string) <= _LONGEST_TITLE and "<" not in string
    )
    return page, next((title for title in titles if _names_a_report(title)), None)


def _names_a_report(text: str) -> bool:
    return _title_of([text]) is not None


def _title_of(lines: list[str]) -> tuple[str, int] | None:
    """The agency and year of the first report title in the lines."""
    title = find_title(lines)
    return (title.name, title.year) if title is not None and title.name is not None else None


def _strings(value: object) -> Iterator[str]:
    """Every string value in the JSON, in the order written (no keys)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            pending.extend(reversed(item))
