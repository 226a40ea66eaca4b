"""Cell text to canonical cells: what was printed, and what it is worth."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from etl.model import Cell, Location
from etl.tokens import BLANK_CELL, ROW_BREAK

PieceKind = Literal["number", "dash", "blank", "text", "row_break"]

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")
_UNITS = "万元|元|件|条|个|项|次|宗|人次|人"
_PIECE = re.compile(
    rf"""
    (?P<number>[-+－−＋]?(?:\d{{1,3}}(?:[,，]\d{{3}})+|\d+)(?:[.．]\d+)?)[^\S\n]*(?P<unit>{_UNITS})?
    |(?P<dash>[/／\\\-－—–─]+)
    |(?P<blank>{BLANK_CELL})
    |(?P<row_break>{ROW_BREAK})
    |(?P<text>(?:增\s*[/／]\s*减|[^\s\d{BLANK_CELL}{ROW_BREAK}/／\\\-－—–─])+)
    """,
    re.VERBOSE,
)
# Words that stand for "nothing to report" in a cell: read as a dash.
_DASH_WORDS = frozenset({"无", "暂无", "空"})


@dataclass(frozen=True)
class Piece:
    """A stretch of a table region: one printed figure, dash, blank cell, row
    break or run of text, with its offset in the token stream."""

    kind: PieceKind
    raw: str
    offset: int


def pieces_between(text: str, start: int, end: int) -> list[Piece]:
    pieces = []
    for match in _PIECE.finditer(text, start, end):
        kind = match.lastgroup
        if kind == "unit":
            kind = "number"
        raw = match.group(0).strip()
        if kind == "text" and raw in _DASH_WORDS:
            kind = "dash"
        pieces.append(Piece(kind, raw, match.start()))  # type: ignore[arg-type]
    return pieces


def number_value(raw: str) -> int | float | None:
    """The value of a printed figure, units and thousands separators removed."""
    if raw.isascii() and raw.isdigit():  # the common case, first
        return int(raw)
    digits = raw.translate(_FULL_WIDTH_DIGITS).replace("−", "-").replace(",", "")
    digits = re.sub(rf"\s*(?:{_UNITS})$", "", digits)
    try:
        return float(digits) if "." in digits else int(digits)
    except ValueError:
        return None


def make_cell(piece: Piece, line: int) -> Cell:
    # Built without re-validation: every field here is correct by construction,
    # and cells are the bulk of a report (model checks cost a third of parsing).
    at = Location.model_construct(line=line)
    if piece.kind == "number":
        value = number_value(piece.raw)
        status = "number" if value is not None else "text"
        return Cell.model_construct(value=value, raw=piece.raw, status=status, at=at)
    raw = "" if piece.kind == "blank" else piece.raw
    status = piece.kind if piece.kind in ("dash", "blank") else "text"
    return Cell.model_construct(value=None, raw=raw, status=status, at=at)
