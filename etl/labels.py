"""Tolerant matching of printed labels.

Real reports break labels across lines, put spaces inside them, swap
full-width and half-width punctuation, use different quote styles and write
合计 for 总计. A label is compiled once into a regular expression that accepts
all of these; the data rows themselves are then found by these anchors, never
by counting numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

# Characters that real reports print interchangeably.
_EQUIVALENT: dict[str, str] = {
    "、": "[、.．,，]",
    ".": "[、.．,，]",
    "（": "[（(]",
    "(": "[（(]",
    "）": "[）)]",
    ")": "[）)]",
    "：": "[：:]",
    "，": "[，,]",
    "总": "[总合]",
    "/": "[/／]",
}
_QUOTES = "“”\"'‘’「」『』"
_DIGIT_VARIANTS = {str(d): f"[{d}{chr(0xFF10 + d)}]" for d in range(10)}
# Whitespace that may stand inside a label; row breaks (\x1e) and blank-cell
# markers (\x1f) of the token stream never do.
_GAP = r"[^\S\x1e\x1f]*"
# Layout text that can trail an anchor on the same line: letters and
# punctuation, but never a figure, a dash, or a cell boundary.
LABEL_TAIL = r"[^\s\d\x1e\x1f/／\-－—–─]*"


def _char_pattern(char: str) -> str:
    if char in _QUOTES:
        return f"[{re.escape(_QUOTES)}]?"
    if char in _EQUIVALENT:
        return _EQUIVALENT[char]
    if char in _DIGIT_VARIANTS:
        return _DIGIT_VARIANTS[char]
    return re.escape(char)


# Row numbering that Word's automatic lists drop on conversion: 1. / （一） / 一、
NUMBERING = re.compile(r"^(?:\d+[.、]|（[一二三四五六七八九十]）|[一二三四五六七八九十]、)")
# Without its number a label must still say enough to be found only where it belongs.
MIN_UNNUMBERED_CHARS = 4


def _spaced(text: str) -> str:
    return _GAP.join(_char_pattern(c) for c in text if not c.isspace())


@cache
def label_pattern(anchor: str, tail: bool = True, number_optional: bool = False) -> re.Pattern[str]:
    """A regex matching ``anchor`` with any whitespace between its characters;
    with ``tail`` it also swallows the rest of the label up to the next figure.
    With ``number_optional`` (table rows, not section headings) a leading
    number (1. （一） 一、) may be missing when the rest is distinctive alone."""
    numbering = NUMBERING.match(anchor) if number_optional else None
    rest = anchor[numbering.end() :] if numbering else anchor
    if numbering and len(rest) >= MIN_UNNUMBERED_CHARS:
        body = f"(?:{_spaced(numbering.group())}{_GAP})?{_spaced(rest)}"
    else:
        body = _spaced(anchor)
    return re.compile(body + (LABEL_TAIL if tail else ""))


def compact(text: str) -> str:
    """The text without whitespace or quote marks, for substring comparisons."""
    return "".join(c for c in text if not c.isspace() and c not in _QUOTES)


_VOCABULARIES: list[LayoutVocabulary] = []


def clear_layout_caches() -> None:
    for vocabulary in _VOCABULARIES:
        vocabulary.is_layout.cache_clear()
    _unnumbered.cache_clear()


class LayoutVocabulary:
    """Recognises printed layout text (headers, merged group cells, broken
    label tails) that stands between figures and carries no data.

    A piece of text is layout when it is a run of whole labels, possibly
    starting inside one label and ending inside another: flattened web pages
    run several header cells together (第二十条第（五）项信息内容本年处理决定数量).
    """

    def __init__(self, labels: tuple[str, ...]) -> None:
        normalised = {_normalise(label) for label in labels}
        self._labels = frozenset(normalised)
        self._longest = max(map(len, normalised), default=0)
        self._joined = "\x00".join(normalised)
        self._tails = frozenset(label[i:] for label in normalised for i in range(len(label)))
        self._heads = frozenset(label[:i] for label in normalised for i in range(1, len(label) + 1))
        # The same layout texts recur in every report: remember the answers.
        self.is_layout = lru_cache(maxsize=8192)(self._is_layout)
        _VOCABULARIES.append(self)

    def _is_layout(self, text: str) -> bool:
        piece = _normalise(text)
        if not piece or piece in self._joined or piece.strip(_BRACKETS) == "":
            return True  # brackets alone are what is left of a bracketed header
        # reachable[i]: piece[:i] is a run of labels (the first may be a label's tail).
        reachable = [True] + [False] * len(piece)
        for start in range(len(piece)):
            if not reachable[start]:
                continue
            # No part longer than the longest label can match: bounds the work on long text.
            for end in range(start + 1, min(len(piece), start + self._longest) + 1):
                part = piece[start:end]
                if (
                    part in self._labels
                    or (start == 0 and part in self._tails)
                    or (end == len(piece) and part in self._heads)
                ):
                    reachable[end] = True
        return reachable[-1]


class RowLabels:
    """The labels of a table's rows, to tell a whole label printed among
    another row's figures (a row out of the template's order) from layout."""

    def __init__(self, labels: Iterable[str]) -> None:
        self._labels = _long_unnumbered(tuple(labels))

    def names_another_row(self, text: str, own_label: str) -> bool:
        label = _unnumbered(text)
        return label in self._labels and label != _unnumbered(own_label)


@cache
def _long_unnumbered(labels: tuple[str, ...]) -> frozenset[str]:
    """The labels without their numbers; shorter ones (其他, 总计) are also
    column headings, so they end no row."""
    unnumbered = (_unnumbered(label) for label in labels)
    return frozenset(label for label in unnumbered if len(label) >= MIN_UNNUMBERED_CHARS)


@lru_cache(maxsize=4096)  # the same labels and layout words recur in every report
def _unnumbered(text: str) -> str:
    return NUMBERING.sub("", _normalise(text))


def _normalise(text: str) -> str:
    return _normalise_punctuation(compact(text))


_BRACKETS = "（）【】〔〕[]"
_PUNCTUATION_TABLE = str.maketrans("(),.:，．", "（），、：，、")


def _normalise_punctuation(text: str) -> str:
    return text.translate(_PUNCTUATION_TABLE).replace("合计", "总计")
