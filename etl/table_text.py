"""Writing a document's tables as Word-table text, remembering where each line came from.

The readers of web pages, Word documents, PDFs and Markdown all lay their input out as
the text the parser reads (a tab-indented line per table cell, a blank line
after each row) and record, for each line, the page, table, row and column it
came from, so every figure can be found again in the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.model import Finding, Location


@dataclass
class LaidOutText:
    """Text in the Word-table layout, and where each of its lines was in the input."""

    text: str
    locations: dict[int, Location] = field(default_factory=dict)  # 1-based line → place
    # What the reader saw but could not lay out with certainty (see readers/markdown.py).
    findings: list[Finding] = field(default_factory=list)


class TableTextWriter:
    def __init__(self) -> None:
        self._lines: list[str] = []
        self._locations: dict[int, Location] = {}
        self._tables = 0
        self._open: list[list[int]] = []  # [table number, row number] of the open tables
        self.page: int | None = None  # set by readers of paged input
        self.line: int | None = None  # set by readers of line-based input (Markdown)

    def text_line(self, text: str) -> None:
        """A line of running text (whitespace folded); nothing for an empty one."""
        folded = " ".join(text.split())
        if folded:
            self._lines.append(folded)
            place = self._source_place()
            if place:
                self._locations[len(self._lines)] = place

    def blank_line(self) -> None:
        if self._lines and self._lines[-1] != "":
            self._lines.append("")

    def start_table(self) -> None:
        self.blank_line()
        self._tables += 1
        self._open.append([self._tables, 0])

    def end_table(self) -> None:
        self.blank_line()
        if self._open:
            self._open.pop()

    def start_row(self) -> None:
        self.blank_line()
        if self._open:
            self._open[-1][1] += 1

    def cell(self, text: str, column: int) -> None:
        """One table cell (empty text: a blank cell), at 1-based ``column``."""
        self._lines.append("\t" + " ".join(text.split()))
        place = self._source_place()
        if self._open:
            place["table"], place["row"] = self._open[-1]
        place["col"] = column
        self._locations[len(self._lines)] = place

    def _source_place(self) -> Location:
        place: Location = {}
        if self.page is not None:
            place["page"] = self.page
        if self.line is not None:
            place["line"] = self.line
        return place

    def result(self) -> LaidOutText:
        return LaidOutText("\n".join(self._lines), self._locations)
