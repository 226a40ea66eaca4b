"""Fuzz tests of the saved forms of a web page: single-file pages (.mht),
CMS fragments and portals' JSON replies, damaged or random, end in a report or
one clean ExtractionError, in bounded time (the contract of tests/test_fuzz.py)."""

from __future__ import annotations

import json
import re
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from etl.saved_pages import portal_reply, single_file_page
from tests.conftest import RAW
from tests.test_fuzz import (
    HTML_PIECES,
    PAGE_MUTATIONS,
    TITLE,
    assert_contract,
    fuzz_settings,
)


@cache
def _real_page() -> str:
    return (RAW / "2023_shuyang_fagaiju.html").read_text(encoding="utf-8")


@cache
def _stored_body() -> tuple[str, str]:
    """The real page's article as its CMS stores it: title and body."""
    page = _real_page()
    title = re.search(r"<ucaptitle>(.*?)</ucaptitle>", page, re.DOTALL)
    body = re.search(r"<ucapcontent>(.*?)</ucapcontent>", page, re.DOTALL)
    assert title and body
    return title.group(1), body.group(1)


@cache
def _saved(charset: str, transfer_encoding: str) -> bytes:
    return single_file_page(_real_page(), charset, transfer_encoding)


# --- Single-file pages ----------------------------------------------------------


@fuzz_settings(60, shrink=False)
@given(data=st.data())
def test_damaged_single_file_page(data: st.DataObject) -> None:
    """A real page saved as .mht with bytes overwritten, lines dropped or cut off."""
    charset = data.draw(st.sampled_from(["gbk", "utf-8"]), label="charset")
    encoding = data.draw(st.sampled_from(["quoted-printable", "base64"]), label="encoding")
    saved = bytearray(_saved(charset, encoding))
    for _ in range(data.draw(st.integers(0, 20), label="damage")):
        position = data.draw(st.integers(0, len(saved) - 1), label="position")
        saved[position] = data.draw(st.integers(0, 255), label="byte")
    lines = bytes(saved).split(b"\r\n")
    dropped = set(data.draw(st.lists(st.integers(0, len(lines) - 1), max_size=8), label="lines"))
    damaged = b"\r\n".join(line for index, line in enumerate(lines) if index not in dropped)
    if data.draw(st.booleans(), label="cut"):
        damaged = damaged[: data.draw(st.integers(0, len(damaged)), label="length")]
    assert_contract(damaged, "damaged.mht")


# fmt: off
MIME_WORDS = (
    "--b", "--b--", "\r\n", "\r\n\r\n", "Content-Type: text/html", "; charset=gbk",
    '; charset="utf-8"', "; charset=x-unknown", "Content-Type: multipart/related;",
    ' boundary="b"', "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable", "Content-ID: <a>", ' start="<a>"',
    "=3D", "=\r\n", "=E4=BA=8C", "PHRhYmxlPg==", "====", "\t",
)
# fmt: on
MIME_PIECES = st.one_of(st.sampled_from(MIME_WORDS), HTML_PIECES)


@fuzz_settings(300)
@given(st.lists(MIME_PIECES, max_size=60).map("".join))
def test_random_single_file_page(body: str) -> None:
    """MIME headers, boundaries and encoded pieces in any order after a
    multipart/related header."""
    message = f'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n{body}'
    assert_contract(message.encode("utf-8", errors="replace"), "random.mht")


def test_parts_nested_thousands_deep_end_cleanly() -> None:
    header = 'Content-Type: multipart/related; boundary="b{0}"\r\n\r\n--b{0}\r\n'
    message = "".join(header.format(depth) for depth in range(5000)) + "x"
    assert_contract(("MIME-Version: 1.0\r\n" + message).encode("ascii"), "nested.mht")


# --- CMS fragments ----------------------------------------------------------------


@fuzz_settings(100, shrink=False)
@given(data=st.data())
def test_damaged_fragment(data: st.DataObject) -> None:
    """The real page's stored body, its first table far down, with tags left out,
    spans of any value, text inserted or cut off."""
    title, body = _stored_body()
    text = f"<h1>{title}</h1>{body}"
    for mutation in data.draw(st.lists(st.sampled_from(PAGE_MUTATIONS), min_size=1, max_size=4)):
        text = mutation(data.draw, text)
    encoding = data.draw(st.sampled_from(["utf-8", "gb18030"]), label="encoding")
    assert_contract(text.encode(encoding, errors="replace"), "fragment.html")


# --- Portals' JSON replies ----------------------------------------------------------

# What only JSON escapes put in a string: NUL, the parser's cell markers, a lone surrogate.
JSON_ESCAPED = st.sampled_from(["\x00", "\x1e\x1f", "\ud800", "\u200b", "\x0c"])
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.just(TITLE),
        st.lists(st.one_of(HTML_PIECES, JSON_ESCAPED), max_size=40).map(
            lambda pieces: "<p>" + "".join(pieces)
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)


@fuzz_settings(300)
@given(json_values, st.booleans())
def test_random_portal_reply(reply: object, gson_escaped: bool) -> None:
    """JSON of any shape with titles and tag soup in its strings."""
    text = json.dumps(reply, ensure_ascii=False)
    if gson_escaped:
        text = text.replace("<", "\\u003c")
    assert_contract(text.encode("utf-8", "surrogatepass"), "reply.json")


@fuzz_settings(100, shrink=False)
@given(data=st.data())
def test_damaged_portal_reply(data: st.DataObject) -> None:
    """The real page's stored body as a portal's reply, with its page damaged
    (tags left out, spans, text inserted, cut), or the JSON itself cut off."""
    title, body = _stored_body()
    for mutation in data.draw(st.lists(st.sampled_from(PAGE_MUTATIONS), max_size=3)):
        body = mutation(data.draw, body)
    reply = portal_reply(title, body)
    if data.draw(st.booleans(), label="cut"):
        reply = reply[: data.draw(st.integers(0, len(reply)), label="length")]
    assert_contract(reply, "reply.json")


def test_json_nested_past_the_recursion_limit_ends_cleanly() -> None:
    assert_contract(("[" * 100_000 + '"<table>"' + "]" * 100_000).encode("ascii"), "deep.json")
