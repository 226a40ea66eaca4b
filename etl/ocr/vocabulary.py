"""The template's printed words, for text the engine read uncertainly.

A label is not a figure: misreading one character of 7.属于行政执法案卷 (执去)
loses its whole row. Where the engine was unsure of some characters of a
cell or a heading, and the text is within that many edits of a word the
template prints, the template's word is what was printed. Figures are never
changed: a text that reads as a figure is left as it is, and so is any text
whose sure characters disagree with every word.
"""

from __future__ import annotations

from functools import cache

from etl import template
from etl.cells import is_figure

UNSURE = 0.9  # a character read with less confidence than this may be wrong
_MAX_EDIT_SHARE = 0.2  # never more than a fifth of a word's characters


def snapped(text: str, confidences: tuple[float, ...]) -> tuple[str, tuple[float, ...]]:
    """The template word the text stands for, with the confidences carried
    over position by position, or the text as read."""
    unsure = sum(confidence < UNSURE for confidence in confidences)
    if not unsure or is_figure(text):
        return text, confidences
    best = None
    for word in _words_near_length(len(text)):
        allowed = min(unsure, int(len(word) * _MAX_EDIT_SHARE))
        distance = edit_distance(text, word, allowed)
        if distance <= allowed and (best is None or distance < best[0]):
            best = (distance, word)
    if best is None or best[1] == text:
        return text, confidences
    word = best[1]
    carried = tuple(confidences[min(i, len(confidences) - 1)] for i in range(len(word)))
    return word, carried


@cache
def _by_length() -> dict[int, tuple[str, ...]]:
    lengths: dict[int, list[str]] = {}
    for word in template.PRINTED_WORDS:
        lengths.setdefault(len(word), []).append(word)
    return {length: tuple(words) for length, words in lengths.items()}


def _words_near_length(length: int) -> list[str]:
    reach = max(1, int(length * _MAX_EDIT_SHARE))
    by_length = _by_length()
    return [
        word for n in range(length - reach, length + reach + 1) for word in by_length.get(n, ())
    ]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
