"""Characters to lines of words, as pdfplumber (the reader before this one)
lays out text without its layout mode, so that every line reads as before.

Characters are taken in runs of the same uprightness. Upright ones are
clustered into lines by their tops (each within 3 pt of the one before, in
sorted order), each line read left to right; a word ends at a space, where
the next character starts before the last one's left side or more than 3 pt
after its right side, or where the tops differ by more than 3 pt. Turned
characters are read column by column, top to bottom, with x and y exchanged.
Words are then gathered into lines by their tops again, and a line's words
are joined by one space. (pdfium already splits ligatures such as ﬁ into
their letters.)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from etl.readers.pdf_geometry import Char, cluster_numbers, clusters

X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0

_TOP = attrgetter("top")
_LEFT = attrgetter("x0")
_UPRIGHT = attrgetter("upright")
_new = tuple.__new__  # a NamedTuple made without its Python-level __new__: half the cost


class Word(NamedTuple):
    text: str
    top: float


def words(chars: Iterable[Char]) -> list[Word]:
    """The words of ``chars`` (in the page's order), line by line."""
    found: list[Word] = []
    for upright, run in itertools.groupby(chars, key=_UPRIGHT):
        run = list(run)
        if upright:
            for line in clusters(run, _TOP, Y_TOLERANCE):
                line.sort(key=_LEFT)
                _split_line(line, found)
        else:
            for column in clusters(run, _LEFT, X_TOLERANCE):
                column.sort(key=lambda char: (char.top, char.bottom))
                _split_column(column, found)
    return found


def _split_line(line: list[Char], found: list[Word]) -> None:
    """Left to right: a space, a step back, a gap over the tolerance or a top
    off the last character's by more than the tolerance ends a word."""
    text: list[str] = []
    top = start = end = level = 0.0
    for char_text, x0, x1, char_top, _, _ in line:
        if char_text.isspace():
            if text:
                found.append(_new(Word, ("".join(text), top)))
                text = []
            continue
        if text and (x0 < start or x0 > end + X_TOLERANCE or abs(char_top - level) > Y_TOLERANCE):
            found.append(_new(Word, ("".join(text), top)))
            text = []
        if not text or char_top < top:
            top = char_top
        text.append(char_text)
        start, end, level = x0, x1, char_top
    if text:
        found.append(_new(Word, ("".join(text), top)))


def _split_column(column: list[Char], found: list[Word]) -> None:
    """Top to bottom, for turned characters: x and y exchanged."""
    word: list[Char] = []
    for char in column:
        if char.text.isspace():
            if word:
                found.append(_word(word))
            word = []
            continue
        before = word[-1] if word else None
        if before and (
            char.top < before.top
            or char.top > before.bottom + Y_TOLERANCE
            or abs(char.x0 - before.x0) > X_TOLERANCE
        ):
            found.append(_word(word))
            word = []
        word.append(char)
    if word:
        found.append(_word(word))


def _word(chars: list[Char]) -> Word:
    return _new(Word, ("".join(char.text for char in chars), min(map(_TOP, chars))))


def cell_text(chars: list[Char]) -> str:
    """A table cell's text: its words in lines by their tops, top to bottom."""
    if len(chars) == 1:  # most cells hold one figure of one digit
        return "" if chars[0].text.isspace() else chars[0].text
    tops = [char.top for char in chars]
    if max(tops) - min(tops) <= Y_TOLERANCE and all(map(_UPRIGHT, chars)):
        # One line, as most cells are: its words, left to right.
        found: list[Word] = []
        _split_line(sorted(chars, key=_LEFT), found)
        return " ".join(word.text for word in found)
    lines = clusters(words(chars), _TOP, Y_TOLERANCE)
    return "\n".join(" ".join(word.text for word in line) for line in lines)


def text_lines(chars: list[Char]) -> list[str]:
    """Running text: the words in the order found, a new line wherever the next
    word's top is in another cluster than the word before's."""
    found = words(chars)
    if not found:
        return []
    number = cluster_numbers(map(_TOP, found), Y_TOLERANCE)
    lines = itertools.groupby(found, key=lambda word: number[word.top])
    return [" ".join(word.text for word in line) for _, line in lines]
