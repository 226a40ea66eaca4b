"""Text from outside the app — a link's parameters, an uploaded file, a
report's title — shown as text and nothing else.

Streamlit renders notices, captions, headings and widget labels as Markdown
(with its own ``:red[…]`` and ``:material/…:`` directives), and plotly renders
a subset of HTML (``<a href>`` among it) in chart labels. Such text is escaped
first, so it can never become a link, a picture, a tag or emphasis, and its
invisible characters (controls, bidirectional overrides) are made visible,
so they cannot reorder or hide what is around them. Escaping alone does not
stop a web or e-mail address from becoming a link — the renderer finds those
in the text after it is parsed — so a word joiner (U+2060, invisible) goes
where an address would begin: before each ``:``, after ``www`` and each ``@``.
"""

from __future__ import annotations

import re
import unicodedata

# Every ASCII punctuation character may be backslash-escaped in CommonMark;
# these are the ones that can start or end something.
_MARKDOWN_PUNCTUATION = re.compile(r"""([\\`*_{}\[\]()#+\-.!|<>~$:&=@%^"'/])""")
_SHOWN_FOR_INVISIBLE = "\N{REPLACEMENT CHARACTER}"
_ADDRESS_JOINTS = re.compile(r"(?=:)|(?i:(?<=www)(?=\.))|(?<=@)")
_WORD_JOINER = "\N{WORD JOINER}"
ELLIPSIS = "…"


def _visible(text: str) -> str:
    """Controls, format characters (bidi overrides, zero-width joiners) and
    line separators each shown as one replacement character; a newline or tab
    as a space."""
    out = []
    for char in text:
        if char in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            out.append(_SHOWN_FOR_INVISIBLE)
        else:
            out.append(char)
    return "".join(out)


def cut(text: str, limit: int) -> str:
    """``text`` with at most ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def markdown_text(text: str, limit: int | None = None) -> str:
    """``text`` (cut to ``limit`` characters when given) as Markdown that
    shows it as written, addresses unlinked."""
    shown = _visible(text if limit is None else cut(text, limit))
    unlinked = _ADDRESS_JOINTS.sub(_WORD_JOINER, shown)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", unlinked)


def chart_text(text: str) -> str:
    """``text`` as a plotly label that shows exactly it (plotly decodes these
    entities and reads what looks like a tag)."""
    return _visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
