"""What a web page may cost the HTML5 parser, checked before it is parsed.

A browser's parser builds the tree the HTML standard prescribes, and two of
its rules let a small hostile page cost far more than its size:

- Formatting elements (<b>, <font>, <a> …) that are left open are reopened,
  one copy each, wherever text follows a block they were closed with: a page
  of 3,000 <b> tags with different attributes, then 3,000 <div>x</div>, is
  65 KB and builds 9 million elements (3 GB). The standard keeps at most three
  open copies of one tag with the same attributes, so a page only does this
  with many *different* formatting tags left open.
- Many rules look through the open elements, so a page nested ever deeper
  costs time with the square of its depth (100,000 nested <div>s: 14 s).

Both are bounded here from the tags alone, by a scan that overestimates what
the parser will hold open: a page the scan passes cannot cost the parser more
than a few million elements or a second or two. Real report pages keep a
handful of formatting tags open and nest a dozen levels deep; the 108 KB page
of 沭阳县发改局 has 3,600 tags.
"""

from __future__ import annotations

import re

from etl.errors import ExtractionError

# A tree of a page takes about 170 bytes a node: more tags than this is no
# report, and would only fill memory.
MAX_TAGS = 1_000_000
# The parser inserts at most about two nodes a tag; each insertion may reopen
# every formatting element still open. Pages whose bound on that passes this
# are read.
MAX_REOPENED = 4_000_000
MAX_DEPTH = 1000
# Below this many tags no page can nest deep enough to cost a second, so the
# depth scan (about 0.3 µs a tag) is left out.
_DEPTH_SCAN_FROM = 20_000

# The page is scanned as UTF-8 bytes in lower case: ASCII tag names match at
# C speed, and no byte of a multi-byte character is ASCII.
_FORMATTING_NAMES = rb"a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u"
_FORMATTING_TAG = re.compile(rb"<(/?)(" + _FORMATTING_NAMES + rb")(?=[\s/>])[^<>]*>?")
_FORMATTING_START = re.compile(rb"<(?:" + _FORMATTING_NAMES + rb")(?=[\s/>])")
_ANY_TAG = re.compile(rb"<(/?)([a-z][^\s/<>]*)")


def _names(*names: str) -> frozenset[bytes]:
    return frozenset(name.encode("ascii") for name in names)


_VOID = _names(
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr"
)  # fmt: skip
# A new one of these ends the one open just before it (a <p> ends a <p> …).
_ENDS_ITS_LIKE = _names(
    "p", "li", "dd", "dt", "option", "optgroup", "td", "th", "tr", "tbody", "thead", "tfoot"
)
# An end tag of an element of these is looked for down to the nearest of _SCOPE;
# any other end tag only down to the nearest of these ("special" in the standard).
_SPECIAL = _names(
    "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
     "blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "dd",
     "details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure",
     "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
     "header", "hgroup", "hr", "html", "iframe", "img", "input", "li", "link", "listing",
     "main", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript", "object",
     "ol", "p", "param", "plaintext", "pre", "script", "search", "section", "select",
     "source", "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot",
     "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp"
)  # fmt: skip
_SCOPE = _names("applet", "caption", "html", "table", "td", "th", "marquee", "object")


def check_page_limits(page: bytes, file: str) -> None:
    """Refuse a page (UTF-8) that would take the parser unbounded memory or time."""
    tags = page.count(b"<")
    if tags > MAX_TAGS:
        raise ExtractionError(
            file, f"网页有 {tags:,} 个标签，超过 {MAX_TAGS:,} 个的上限，不像年度报告，已拒绝读取"
        )
    lowered = page.lower()
    # No more can be open than start tags are written: most pages pass on that
    # count alone (one scan in C) without the exact count's loop.
    starts = len(_FORMATTING_START.findall(lowered))
    reopened = starts if 2 * tags * starts <= MAX_REOPENED else _most_formatting_open(lowered)
    if 2 * tags * reopened > MAX_REOPENED:
        raise ExtractionError(
            file,
            f"网页有 {reopened:,} 个不同的格式标签（<b>、<font> 等）同时未闭合，"
            "不像年度报告，已拒绝读取",
        )
    if tags <= _DEPTH_SCAN_FROM:
        return
    depth = _deepest_nesting(lowered)
    if depth + reopened > MAX_DEPTH and reopened == starts:  # only the bound: count exactly
        reopened = _most_formatting_open(lowered)
    if depth + reopened > MAX_DEPTH:
        raise ExtractionError(file, f"网页的标签嵌套超过 {MAX_DEPTH} 层，不像年度报告，已拒绝读取")


def _most_formatting_open(page: bytes) -> int:
    """At most how many formatting elements the parser keeps to reopen at once.

    Each start tag adds one; an end tag takes off the latest of its name. Up to
    three with the same tag text count (the standard's limit, by tag name and
    attributes). The parser also forgets them at every table cell; this count
    does not, so it never counts fewer than the parser holds."""
    open_by_name: dict[bytes, list[bytes]] = {}
    copies: dict[bytes, int] = {}  # tag text → how many of it are open (at most 3 count)
    counted = most = 0
    for tag in _FORMATTING_TAG.finditer(page):
        is_end, name = tag.group(1), tag.group(2)
        if is_end:
            opened = open_by_name.get(name)
            if opened:
                text = opened.pop()
                copies[text] -= 1
                if copies[text] < 3:
                    counted -= 1
            continue
        text = tag.group()
        open_by_name.setdefault(name, []).append(text)
        copies[text] = copies.get(text, 0) + 1
        if copies[text] <= 3:
            counted += 1
            most = max(most, counted)
    return most


def _deepest_nesting(page: bytes) -> int:
    """At most how deep the parser's open elements go: every start tag opens an
    element (void ones excepted; a <p>, <li>, <td> … first ends one of its kind
    as its end tag would), and an end tag closes only what the standard lets it
    close — down to its element, past no boundary the standard stops at."""
    stack = _OpenElements()
    for tag in _ANY_TAG.finditer(page):
        is_end, name = tag.groups()
        if is_end:
            stack.close(name)
        elif name not in _VOID:
            if name in _ENDS_ITS_LIKE:
                stack.close(name)
            stack.open(name)
            if len(stack.names) > MAX_DEPTH:
                break  # deep enough to refuse: no need to know how much deeper
    return stack.deepest


class _OpenElements:
    """A stack of element names that finds, in constant time, the latest open
    element of a name and the nearest boundary above which an end tag stops."""

    def __init__(self) -> None:
        self.names: list[bytes] = []
        self.deepest = 0
        self._at: dict[bytes, list[int]] = {}  # name → where it is open, innermost last
        self._special: list[int] = []
        self._scope: list[int] = []

    def open(self, name: bytes) -> None:
        self._at.setdefault(name, []).append(len(self.names))
        if name in _SPECIAL:
            self._special.append(len(self.names))
        if name in _SCOPE:
            self._scope.append(len(self.names))
        self.names.append(name)
        self.deepest = max(self.deepest, len(self.names))

    def close(self, name: bytes) -> None:
        """The end tag of ``name``: the latest such element and everything in
        it are closed, unless a boundary stands in between."""
        at = self._at.get(name)
        if not at:
            return
        boundaries = self._scope if name in _SPECIAL else self._special
        if boundaries and boundaries[-1] > at[-1]:
            return
        start = at[-1]
        while len(self.names) > start:
            closed = self.names.pop()
            self._at[closed].pop()
            for positions in (self._special, self._scope):
                if positions and positions[-1] == len(self.names):
                    positions.pop()
