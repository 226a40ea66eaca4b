"""Lines of text to a stream of cell tokens, for the layouts reports come in.

- Word converted to text: each table cell on its own tab-indented line, a cell
  running on over untabbed lines (``商业`` / ``企业``), rows separated by blank
  lines, empty cells as tab-only lines.
- PDF converted to text: one cell per line, no blank cells, page markers
  (``- 3 -``) in the middle of tables.
- Web pages flattened to text: many cells run together on one line.

The stream is one string, tokens joined by newlines, so that labels can be
matched across line breaks; ROW_BREAK and BLANK_CELL stand for the row
structure of the Word layout. Every offset maps back to a source line.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

ROW_BREAK = "\x1e"
BLANK_CELL = "\x1f"

_PAGE_MARKER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,3}\s*页)?)\s*$"
)
_PAGE_MARKER_STARTS = frozenset("-—–－第 \t\u3000")
_CHANGE_SLASH = re.compile(r"(增\s*)[/／](?=\s*[（(]?\s*减)")
_WORD_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
# A text whose table figures stand on tab-indented lines came from a Word document.
_TABBED_FIGURE = re.compile(r"^\t[^\S\n]*[\d０-９/／\-—－]", re.MULTILINE)
_MIN_TABBED_FIGURES = 20


@dataclass(frozen=True)
class TokenStream:
    """Tokens joined by newlines, with the source line of every token."""

    text: str
    starts: tuple[int, ...]
    lines: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        """The 1-based source line of the character at ``offset``."""
        index = bisect_right(self.starts, offset) - 1
        return self.lines[max(index, 0)] if self.lines else 1

    def source_lines(self, start: int, end: int) -> tuple[int, int]:
        """The source lines the tokens of ``[start, end)`` and the token after
        them were read from (a token may join several lines; the last line
        of the text is given as the largest integer)."""
        first = self.lines[max(bisect_right(self.starts, start) - 1, 0)] if self.lines else 1
        after = bisect_right(self.starts, end - 1) + 1  # the token past the next one
        return first, self.lines[after] - 1 if after < len(self.lines) else sys.maxsize

    def tokens_between(self, start: int, end: int) -> int:
        """How many tokens begin in ``[start, end)``."""
        return bisect_right(self.starts, end - 1) - bisect_right(self.starts, start - 1)


def is_page_marker(line: str) -> bool:
    return len(line) <= 20 and line[:1] in _PAGE_MARKER_STARTS and bool(_PAGE_MARKER.match(line))


def tokenize(lines: list[str]) -> TokenStream:
    """The token stream of a text, choosing the Word layout when cells are tabbed."""
    whole = "\n".join(lines)
    bookmarks = "[bookmark:" in whole  # Word's bookmarks, as python-docx's text gives them
    # Word tables put every cell, figures included, on a tabbed line; PDF text may
    # indent paragraphs with tabs, but never its figures.
    word = len(_TABBED_FIGURE.findall(whole)) >= _MIN_TABBED_FIGURES
    pairs = _word_tokens(lines, bookmarks) if word else _line_tokens(lines, bookmarks)
    if not pairs:
        return TokenStream(text="", starts=(), lines=())
    texts, numbers = zip(*pairs, strict=True)
    starts = tuple(accumulate([len(text) + 1 for text in texts[:-1]], initial=0))
    # The slash of the 2019 header 本年增/减 is no dash cell: blank it (same length,
    # so offsets still map to lines) wherever the header is printed or broken.
    text = _CHANGE_SLASH.sub(lambda m: m.group(1) + " ", "\n".join(texts))
    return TokenStream(text=text, starts=starts, lines=numbers)


def _line_tokens(lines: list[str], bookmarks: bool) -> list[tuple[str, int]]:
    if bookmarks:
        lines = [_WORD_BOOKMARK.sub("", line) for line in lines]
    pairs = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text and not is_page_marker(text):
            pairs.append((text, number))
    return pairs


def _word_tokens(lines: list[str], bookmarks: bool) -> list[tuple[str, int]]:
    pairs: list[tuple[str, int]] = []
    in_cell = False  # the previous line was a table cell, so an untabbed line continues it
    for number, line in enumerate(lines, start=1):
        text = (_WORD_BOOKMARK.sub("", line) if bookmarks else line).strip()
        if line.startswith("\t"):
            pairs.append((text or BLANK_CELL, number))
            in_cell = True
        elif not text:
            if pairs and pairs[-1][0] != ROW_BREAK:
                pairs.append((ROW_BREAK, number))
            in_cell = False
        elif is_page_marker(text):
            continue
        elif in_cell and pairs:
            previous, first_line = pairs[-1]
            pairs[-1] = (text if previous == BLANK_CELL else previous + text, first_line)
        else:
            pairs.append((text, number))
    return pairs
