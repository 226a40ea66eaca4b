"""Characters to lines of words, as pdfplumber (the reader before this one)
lays out text without its layout mode, so that every line reads as before.

Characters are taken in runs of the same uprightness. Upright ones are
clustered into lines by their tops (each within 3 pt of the one before, in
sorted order), each line read left to right; a word ends at a space, where
the next character starts before the last one's left side or more than 3 pt
after its right side, or where the tops differ by more than 3 pt. Turned
characters are read column by column, top to bottom, with x and y exchanged.
Words are then gathered into lines by their tops again, and a line's words
are joined by one space.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import NamedTuple

from etl.readers.pdf_geometry import Char, cluster_numbers, clusters

X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


class Word(NamedTuple):
    text: str
    top: float


def words(chars: Iterable[Char]) -> list[Word]:
    """The words of ``chars`` (in the page's order), line by line."""
    found: list[Word] = []
    for upright, run in itertools.groupby(chars, key=lambda char: char.upright):
        run = list(run)
        if upright:
            lines = clusters(run, lambda char: char.top, Y_TOLERANCE)
            lines = [sorted(line, key=lambda char: char.x0) for line in lines]
        else:
            lines = clusters(run, lambda char: char.x0, X_TOLERANCE)
            lines = [sorted(line, key=lambda char: (char.top, char.bottom)) for line in lines]
        for line in lines:
            found += _split(line, upright)
    return found


def _split(line: list[Char], upright: bool) -> list[Word]:
    found = []
    word: list[Char] = []
    for char in line:
        if char.text.isspace():
            if word:
                found.append(_word(word))
            word = []
        elif word and _starts_word(word[-1], char, upright):
            found.append(_word(word))
            word = [char]
        else:
            word.append(char)
    if word:
        found.append(_word(word))
    return found


def _starts_word(before: Char, char: Char, upright: bool) -> bool:
    if upright:
        start, end, at, across = before.x0, before.x1, char.x0, abs(char.top - before.top)
        return at < start or at > end + X_TOLERANCE or across > Y_TOLERANCE
    start, end, at, across = before.top, before.bottom, char.top, abs(char.x0 - before.x0)
    return at < start or at > end + Y_TOLERANCE or across > X_TOLERANCE


def _word(chars: list[Char]) -> Word:
    text = "".join(LIGATURES.get(char.text, char.text) for char in chars)
    return Word(text, min(char.top for char in chars))


def cell_text(chars: Iterable[Char]) -> str:
    """A table cell's text: its words in lines by their tops, top to bottom."""
    lines = clusters(words(chars), lambda word: word.top, Y_TOLERANCE)
    return "\n".join(" ".join(word.text for word in line) for line in lines)


def text_lines(chars: Iterable[Char]) -> list[str]:
    """Running text: the words in the order found, a new line wherever the next
    word's top is in another cluster than the word before's."""
    found = words(chars)
    if not found:
        return []
    number = cluster_numbers([word.top for word in found], Y_TOLERANCE)
    lines = itertools.groupby(found, key=lambda word: number[word.top])
    return [" ".join(word.text for word in line) for _, line in lines]
