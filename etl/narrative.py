"""The free-text sections and the headline figures stated in them."""

from __future__ import annotations

import re

from etl.cells import CellData, number_value
from etl.tokens import BLANK_CELL, ROW_BREAK

# 主动公开政府信息304条 / 主动发布各类政府信息2428 条 / 主动公开…5500 余条
_PROACTIVE_ITEMS = re.compile(
    r"主\s*动\s*(?:公\s*开|发\s*布)[^。；;\d]{0,30}?信\s*息\s*(?:数\s*量|总\s*数)?\s*"
    r"(?:共\s*计|合\s*计|累\s*计|总\s*计|共|为|达)?\s*"
    r"(?P<number>\d[\d,，]*)\s*(?:余|多)?\s*条"
)
# 收取政府信息公开信息处理费0 元 / 信息处理费3940 元 / 信息处理费1.2万元
_FEE = re.compile(
    r"信\s*息\s*处\s*理\s*费\s*(?:共\s*计|合\s*计|总\s*计|共|为)?\s*(?P<number>\d[\d,，]*(?:\.\d+)?)\s*(?P<unit>万\s*元|元)"
)


def section_text(text: str) -> str:
    """A section's text verbatim, whitespace normalised: one line per source
    line, runs of spaces folded, table markers removed."""
    lines = []
    for line in text.split("\n"):
        cleaned = " ".join(line.replace(ROW_BREAK, " ").replace(BLANK_CELL, " ").split())
        if cleaned:
            lines.append(cleaned)
    return "\n".join(lines)


def headline_cell(pattern: re.Pattern[str], text: str, line_of) -> CellData | None:
    """The first figure ``pattern`` finds in ``text``, as a cell; ``line_of``
    maps an offset in ``text`` to its source line."""
    match = pattern.search(text)
    if match is None:
        return None
    raw = match.group(0)[match.start("number") - match.start() :].strip()
    value = number_value(match.group("number"))
    if value is None:
        return None
    if "万" in (match.groupdict().get("unit") or ""):
        value = round(value * 10_000, 2)
    line = line_of(match.start("number"))
    return {"value": value, "raw": raw, "status": "number", "at": {"line": line}}


def proactive_items(text: str, line_of) -> CellData | None:
    return headline_cell(_PROACTIVE_ITEMS, text, line_of)


def fee_yuan(text: str, line_of) -> CellData | None:
    return headline_cell(_FEE, text, line_of)
