"""Markdown to text in the Word-table layout the parser reads.

Reports reach us as Markdown when someone converted a PDF or a scan: tables
as pipe rows (``| 一、本年新收… | 705 | 3 | … |``), headings as ``### …``.
Each pipe row becomes its cells, one tab-indented line each, followed by a
blank line; the ``|---|`` rule under a table's header is not a row; other
lines are plain lines with their heading and bold marks taken off. Every line
remembers its line in the Markdown file, and a cell its table, row and column.

Converters get tables wrong in two ways this reader must not pass on as data:

- Column headings they invent (数据1…数据6 for a lost applicant header) or
  garble: a table's first row (or a row with a rule under it) without a single
  figure carries no data — rows are found by their labels, columns by the
  template's order — and is left out, so its digits never pass for figures.
- Tables cut off from their labels: where a table's header row is a row of
  figures, the converter started a table in the middle of a printed one and
  set its row labels apart as loose text, often in another order. Rows of
  figures alone in such a table cannot be given a row with certainty: they
  are reported as findings, never read into a row.

Empty cells at the end of a row pad it to the table's widest row and are
dropped.
"""

from __future__ import annotations

import re

from etl.cells import is_figure
from etl.model import Finding
from etl.table_text import LaidOutText, TableTextWriter

MARKDOWN_MEDIA_TYPE = "text/markdown"
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_RULE_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CELL_BORDER = re.compile(r"(?<!\\)\|")
# A Markdown table: a pipe row followed by its rule row. Spaces and tabs only,
# never \s: \s would run across blank lines and make the search quadratic.
_TABLE = re.compile(
    r"^[ \t]*\|.*\|[ \t]*\n[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$", re.MULTILINE
)


def is_markdown(text: str) -> bool:
    """Whether the text holds at least one Markdown pipe table."""
    return _TABLE.search(text) is not None


def markdown_to_text(text: str) -> LaidOutText:
    out = TableTextWriter()
    findings: list[Finding] = []
    lines = text.split("\n")
    in_table = detached = False
    for index, line in enumerate(lines):
        out.line = index + 1
        if not _PIPE_ROW.match(line):
            if in_table:
                out.end_table()
                in_table = False
            out.text_line(_plain(line))
            continue
        cells = _cells(line)
        if _is_rule(cells):
            continue
        # A header row starts a table, even right after another; the rule row
        # under it is sometimes lost, so a table's first row is a header too.
        if _has_rule_below(lines, index) or not in_table:
            if in_table:
                out.end_table()
            out.start_table()
            in_table = True
            if not any(is_figure(cell) for cell in cells):
                detached = False
                continue  # column headings
            detached = _only_figures(cells)
        if detached and _only_figures(cells):
            findings.append(_detached_row(cells, index + 1))
            continue
        out.start_row()
        for column, cell in enumerate(_without_padding(cells), start=1):
            out.cell(_plain(cell), column)
    laid_out = out.result()
    laid_out.findings = findings
    return laid_out


def _plain(text: str) -> str:
    return _BOLD.sub(r"\1", _HEADING.sub("", text))


def _cells(line: str) -> list[str]:
    """The cells of a pipe row; ``\\|`` is a pipe inside a cell."""
    inner = line.strip()[1:-1]
    return [cell.replace("\\|", "|").strip() for cell in _CELL_BORDER.split(inner)]


def _is_rule(cells: list[str]) -> bool:
    return all(_RULE_CELL.match(cell) for cell in cells)


def _has_rule_below(lines: list[str], index: int) -> bool:
    """Whether the pipe row at ``index`` has a rule row under it."""
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return _PIPE_ROW.match(following) is not None and _is_rule(_cells(following))


def _only_figures(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    return bool(filled) and all(is_figure(cell) for cell in filled)


def _without_padding(cells: list[str]) -> list[str]:
    end = len(cells)
    while end > 1 and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _detached_row(cells: list[str], line: int) -> Finding:
    printed = " ".join(cell or "空" for cell in _without_padding(cells))
    return Finding(
        rule="extract.unplaced_values",
        severity="error",
        message=(
            f"第 {line} 行是一行没有行名的数字（{printed}），所在表格的行名在转换中"
            "与数字分开了，无法确定它属于哪一行，未读入。"
        ),
        cells=[],
        actual=printed,
    )
