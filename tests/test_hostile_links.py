"""Links are anyone's to write: every URL key of every page, given hostile
values, gives a short note shown as text — never an exception, a traceback,
Markdown that turns into a link or a picture, or a change to the database.

The keys are those the code declares (``urlstate.URL_KEYS``); a widget kept
under any other key fails, so a new key cannot escape these tests.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from app import plain, urlstate
from app.urlstate import URL_KEYS, url_number
from tests.conftest import dashboard

PAGES = (None, "proactive.py", "applications.py", "review.py", "compare.py", "profile.py",
         "quality.py", "check.py", "definitions.py")  # fmt: skip
# Keys that must be valid for the keys after them to be read at all.
ANCHORS = {
    "province": "江苏省",
    "city": "淮安市",
    "prof_agency": "320813-人民政府",
    "qa_report": "320813-人民政府:2023",
    "cmp_mode": "agencies",
}
LISTENER = "127.0.0.1:9"  # nothing may ever ask for it (the browser test runs a real one)


def hostile_values(listener: str) -> dict[str, str]:
    """What a hostile link may carry, by name; addresses point at ``listener``."""
    return {
        "superscript two": "²",
        "Arabic-Indic three": "٣",
        "circled one": "①",
        "full-width year": "２０２４",
        "5,000 digits": "9" * 5000,
        "100 KB": "a" * 100_000,
        "controls and bidi": "2024\x00\x07\u202e\u2066\u200b\r\n",
        "Markdown image": f"![x](http://{listener}/pixel.gif)",
        "Markdown link": f"[点此下载更正模板](http://{listener}/template)",
        "HTML": f'<img src="http://{listener}/i.png" onerror="alert(1)"><script>alert(2)</script>',
        "Streamlit directive": ":red[已通过] :material/check:",
        "SQL": "2024' OR '1'='1'; DROP TABLE reports; --",
    }


HOSTILE_VALUES = hostile_values(LISTENER)
# Streamlit itself ignores a query string longer than this (524,288): the
# keys are tried in groups that stay under it, so every value is read.
QUERY_LIMIT = 500_000
NOTE_LIMIT = 400  # characters: a note names the key and shows the value cut short
_UNESCAPED_MARKUP = re.compile(r"(?<!\\)[<>\[\]!()`*_:]")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _url_notes(app) -> list[str]:
    shown = [*app.warning, *app.error]  # the sidebar's among them
    return [note.value for note in shown if note.value.startswith("链接中的参数")]


def groups(keys: list[str], value: str) -> list[list[str]]:
    """``keys`` in groups whose query string, each key given ``value``, fits
    under QUERY_LIMIT."""
    size = len(quote(value)) + 20
    per_group = max(1, QUERY_LIMIT // size)
    return [keys[start : start + per_group] for start in range(0, len(keys), per_group)]


def _run(database: Path, page: str | None, params: dict[str, str]):
    app = dashboard(database, page, **params)
    app.run()
    return app


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_every_url_key_of_every_page_takes_hostile_values_as_text(
    bundled_database: Path, value: str
) -> None:
    before = _digest(bundled_database)
    # The anchors take the value themselves; then every other key does, the
    # anchors valid so that it is read (a key read without them is read with them).
    tried = [dict.fromkeys(group, value) for group in groups(list(ANCHORS), value)] + [
        dict.fromkeys(group, value) | ANCHORS
        for group in groups([key for key in URL_KEYS if key not in ANCHORS], value)
    ]
    for page in PAGES:
        for params in tried:
            app = _run(bundled_database, page, params)
            assert not app.exception, (page, app.exception)
            assert not [e for e in app.error if "错误编号" in e.value], page
            for note in _url_notes(app):
                assert len(note) <= NOTE_LIMIT, (page, note[:100])
                # What the value brought is escaped: after the key (one of
                # ours), the note has no markup besides what plain.markdown_text escapes.
                shown = re.sub(r"^链接中的参数 [a-z_]+", "", note)
                assert not _UNESCAPED_MARKUP.search(shown), (page, note)
    assert _digest(bundled_database) == before


def test_a_refused_value_is_named_short_and_as_text(bundled_database: Path) -> None:
    app = _run(bundled_database, None, {"from": "![x](http://h/p.gif)", "to": "9" * 5000})
    notes = _url_notes(app)
    assert notes == [
        "链接中的参数 from=\\!\\[x\\]\\(http\u2060\\:\\/\\/h\\/p\\.gif\\) 无效，已忽略："
        "没有这个年度（数据中为 2021–2024）",
        f"链接中的参数 to={'9' * 39}… 无效，已忽略：值长于 200 个字符",
    ]


def test_every_key_a_page_keeps_is_declared(bundled_database: Path) -> None:
    """Each page, visited with its defaults, keeps only declared keys; an
    undeclared key is refused where it would be read."""
    for page in PAGES:
        app = _run(bundled_database, page, ANCHORS)
        assert not app.exception, page
        assert set(app.query_params) <= set(URL_KEYS), page
    with pytest.raises(KeyError, match="not in URL_KEYS"):
        urlstate.take_from_url("undeclared", lambda values: values)


@pytest.mark.parametrize(
    ("text", "number"),
    [("2024", 2024), ("0", 0), ("²", None), ("٣", None), ("①", None), ("２０２４", None),
     ("9" * 10, None), ("", None), (" 1", None), ("1\n", None), ("-1", None), ("+1", None)],
)  # fmt: skip
def test_a_number_in_a_link_is_ascii_digits(text: str, number: int | None) -> None:
    assert url_number(text) == number


def test_text_from_outside_shows_as_written() -> None:
    joiner = "\u2060"  # keeps an address from becoming a link
    assert plain.markdown_text("![x](http://h/p.gif)") == (
        rf"\!\[x\]\(http{joiner}\:\/\/h\/p\.gif\)"
    )
    assert plain.markdown_text("www.h.cn a@h.cn") == rf"www{joiner}\.h\.cn a\@{joiner}h\.cn"
    assert plain.markdown_text(":red[已通过]") == rf"{joiner}\:red\[已通过\]"
    assert plain.markdown_text("a\u202eb\x00c\nd", 10) == "a\ufffdb\ufffdc d"
    assert plain.markdown_text("一二三四五", 4) == "一二三…"
    assert plain.chart_text('<a href="http://h">洪泽</a> & 1') == (
        '&lt;a href="http://h"&gt;洪泽&lt;/a&gt; &amp; 1'
    )
