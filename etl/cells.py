"""Cell text to canonical cells: what was printed, and what it is worth."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from etl.tokens import BLANK_CELL, ROW_BREAK

# More digits than this are not a count or amount anyone reported (the largest
# real figures are city-wide totals of eight digits); they stay text, exactly as
# printed, rather than becoming numbers that lose precision or overflow.
MAX_FIGURE_DIGITS = 15

# A cell as plain data, validated into a model with the whole report at once:
# one validation pass instead of one per cell, as cells are the bulk of a report.
CellData = dict

PieceKind = Literal["number", "dash", "blank", "text", "row_break"]

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")
_UNITS = "万元|元|件|条|个|项|次|宗|人次|人"
_PIECE = re.compile(
    rf"""
    (?P<numbering>\d{{1,2}}[.．、](?=[^\d\s{BLANK_CELL}{ROW_BREAK}]))  # 1.属于…: a row number
    |(?P<number>[-+－−＋]?(?:\d{{1,3}}(?:[,，]\d{{3}})+|\d+)(?:[.．]\d+)?)[^\S\n]*(?P<unit>{_UNITS})?
    |(?P<dash>[/／\\\-－—–─]+)
    |(?P<blank>{BLANK_CELL})
    |(?P<row_break>{ROW_BREAK})
    |(?P<text>[^\s\d{BLANK_CELL}{ROW_BREAK}/／\\\-－—–─]+)
    """,
    re.VERBOSE,
)
# Words that stand for "nothing to report" in a cell: read as a dash.
_DASH_WORDS = frozenset({"无", "暂无", "空"})


class Piece(NamedTuple):
    """A stretch of a table region: one printed figure, dash, blank cell, row
    break or run of text, with its offset in the token stream."""

    kind: PieceKind
    raw: str
    offset: int


def pieces_between(text: str, start: int, end: int) -> list[Piece]:
    chunk = text[start:end]
    if chunk.isascii():
        pieces = _marked_digit_lines(chunk, start)  # the usual row of any table
        if pieces is not None:
            return pieces
    pieces = []
    for match in _PIECE.finditer(text, start, end):
        kind = match.lastgroup
        raw = match.group()
        if kind == "unit":
            kind = "number"
        elif kind == "numbering":
            kind = "text"
        elif kind == "text" and raw in _DASH_WORDS:
            kind = "dash"
        pieces.append(Piece(kind, raw.rstrip(), match.start()))  # type: ignore[arg-type]
    return pieces


def is_figure(text: str) -> bool:
    """Whether a whole cell's text is one figure, dash or “无” — a value, not a label."""
    match = _PIECE.fullmatch(text.strip())
    if match is None:
        return False
    return match.lastgroup in ("number", "unit", "dash") or match.group() in _DASH_WORDS


# A line of the token stream that is a piece by itself (see tokens.py).
_MARKER_PIECES: dict[str, PieceKind] = {BLANK_CELL: "blank", ROW_BREAK: "row_break"}


def _marked_digit_lines(chunk: str, start: int) -> list[Piece] | None:
    """Pieces of an ASCII stretch whose every line is a figure of bare digits, a
    blank cell or a row break, as _PIECE would read them; None for any other."""
    pieces = []
    offset = start
    for line in chunk.split("\n"):
        if line.isdigit():
            pieces.append(Piece("number", line, offset))
        elif line in _MARKER_PIECES:
            pieces.append(Piece(_MARKER_PIECES[line], "", offset))  # a marker prints nothing
        elif line:
            return None
        offset += len(line) + 1
    return pieces


def number_value(raw: str) -> int | float | None:
    """The value of a printed figure, units and thousands separators removed;
    None when it is no figure, or longer than any real count or amount."""
    if raw.isascii() and raw.isdigit():  # the common case, first
        return int(raw) if len(raw) <= MAX_FIGURE_DIGITS else None
    digits = raw.translate(_FULL_WIDTH_DIGITS).replace("−", "-").replace(",", "")
    digits = re.sub(rf"\s*(?:{_UNITS})$", "", digits)
    if sum(char.isdigit() for char in digits) > MAX_FIGURE_DIGITS:
        return None
    try:
        return float(digits) if "." in digits else int(digits)
    except ValueError:
        return None


_UNIT_SUFFIX = re.compile(rf"(?:{_UNITS})$")


def unit_of(raw: str) -> str | None:
    """The unit printed after a figure (件, 万元, …), if any."""
    match = _UNIT_SUFFIX.search(raw)
    return match.group() if match else None


def make_cell(piece: Piece, line: int) -> CellData:
    value = number_value(piece.raw) if piece.kind == "number" else None
    if value is not None:
        status = "number"
    elif piece.kind in ("dash", "blank"):
        status = piece.kind
    else:
        status = "text"
    raw = "" if piece.kind == "blank" else piece.raw
    return {"value": value, "raw": raw, "status": status, "at": {"line": line}}
