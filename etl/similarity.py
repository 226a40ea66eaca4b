"""How much of a text repeats an earlier one, clause by clause.

Supervisors call a 问题及改进 section copied from last year 内容雷同. The
measure here is one an official can check by eye: the share of this year's
characters that lie in clauses (分句, the text between ，、；：。！？) printed,
word for word, last year too. Clauses rather than whole sentences, because
Chinese sentences run long and one changed word would hide a copied one.
Digits are ignored (a copied section usually changes only its year) and so
is whitespace, which PDF and web extraction do not reproduce faithfully.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLAUSE_END = re.compile(r"[。！？；：，、!?;:,]+")
_IGNORED = re.compile(r"[\s\u3000]+")
_DIGITS = re.compile(r"[0-9０-９]+")
# Fragments shorter than this ("一是", "无") say nothing about copying.
MIN_CLAUSE_CHARS = 4


@dataclass(frozen=True)
class Repetition:
    clauses: int  # clauses in this year's text
    repeated_clauses: int  # of which printed last year too
    share: float  # repeated characters ÷ all characters of this year's clauses
    chars: int  # characters compared (after removing whitespace)


def clauses(text: str) -> list[str]:
    """The text's clauses, whitespace removed and digits masked."""
    # Line breaks go too: a PDF wraps a sentence wherever its column ends.
    masked = _DIGITS.sub("#", _IGNORED.sub("", text))
    return [part for part in _CLAUSE_END.split(masked) if len(part) >= MIN_CLAUSE_CHARS]


def repetition(current: str, previous: str) -> Repetition:
    """How much of ``current`` repeats ``previous``."""
    current_clauses = clauses(current)
    earlier = set(clauses(previous))
    chars = sum(len(clause) for clause in current_clauses)
    repeated = [clause for clause in current_clauses if clause in earlier]
    share = sum(len(clause) for clause in repeated) / chars if chars else 0.0
    return Repetition(len(current_clauses), len(repeated), share, chars)
