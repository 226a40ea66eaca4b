"""The promise that matters most: a figure is never read into the wrong cell.

Every cell of a real report is given a figure of its own, then one line is
deleted or doubled (what converters and careless edits do). Whatever the parser
then reads, each cell it returns must hold that cell's own figure; a row it
cannot place must be missing, with a finding, rather than shifted."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from tests.conftest import parsed, raw_path

REPORTS = (
    "2021_zhenhai_jingxinju",
    "2023_huaian_hongzequ",
    "2024_huaian_shi",
    "2025_shuyang_xianzhengfu",  # Markdown
)
TABLES = ("proactive", "applications", "review_litigation")


@cache
def _unique_figures(stem: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """The report's lines with every table cell's figure made unique, and the
    figure each cell path should then hold."""
    lines = raw_path(stem).read_text(encoding="utf-8").split("\n")
    report = parsed(stem)
    figures: dict[str, int] = {}
    for table in TABLES:
        for row, cells in getattr(report, table).items():
            for column, cell in cells.items():
                figure = 1000 + len(figures)
                index = cell["at"]["line"] - 1
                lines[index] = _with_figure(lines[index], cell["at"].get("col"), figure)
                figures[f"{table}.{row}.{column}"] = figure
    return tuple(lines), figures


def _with_figure(line: str, column: int | None, figure: int) -> str:
    """The line with the cell's figure replaced: a whole line of text, or one
    cell of a Markdown pipe row."""
    if line.startswith("|") and column is not None:
        cells = line.split("|")
        cells[column] = f" {figure} "  # cells[0] is what precedes the first pipe
        return "|".join(cells)
    return ("\t" if line.startswith("\t") else "") + str(figure)


def _read_cells(lines: list[str]) -> dict[str, int | float | None]:
    try:
        report = extract_bytes("\n".join(lines).encode(), "mutated.txt")
    except ExtractionError:
        return {}  # e.g. the title's line was lost: no report, so no misplaced figure
    return {
        f"{table}.{row}.{column}": cell["value"]
        for table in TABLES
        for row, cells in getattr(report, table).items()
        for column, cell in cells.items()
    }


@pytest.mark.parametrize("stem", REPORTS)
def test_unique_figures_read_back_exactly(stem: str) -> None:
    lines, figures = _unique_figures(stem)
    assert _read_cells(list(lines)) == figures


@pytest.mark.parametrize("stem", REPORTS)
@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(data=st.data())
def test_a_lost_or_doubled_line_never_moves_a_figure(stem: str, data: st.DataObject) -> None:
    lines, figures = _unique_figures(stem)
    mutated = list(lines)
    index = data.draw(st.integers(0, len(mutated) - 1), label="line")
    if data.draw(st.booleans(), label="delete"):
        del mutated[index]
    else:
        mutated.insert(index, mutated[index])
    for path, value in _read_cells(mutated).items():
        assert value == figures[path], f"{path} holds {value}, printed for another cell"
