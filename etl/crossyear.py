"""Rules across two consecutive years of one agency (run at load time, stored
with the later report): carry-over continuity, stock-flow and 内容雷同.

Only printed figures are compared: a blank, dash or unread cell on either side
says nothing about continuity, so it is skipped rather than counted as 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from etl import template
from etl.model import Finding
from etl.similarity import repetition

# Share of this year's section-五 characters repeated from last year at which
# the section counts as 内容雷同, and the least text worth comparing.
REPEATED_SHARE = 0.8
MIN_PROBLEMS_CHARS = 30
STOCK_ITEMS = ("regulations", "normative_documents")
STOCK_COLUMNS = ("issued", "repealed", "in_force")

Figure = float | int | None


@dataclass(frozen=True)
class YearFigures:
    """What the cross-year rules read of one report."""

    year: int
    format: str
    carried_over: dict[str, Figure]  # by applicant column
    carried_forward: dict[str, Figure]
    stock: dict[str, dict[str, Figure]]  # item → issued / repealed / in_force
    problems: str | None


def cross_year_findings(current: YearFigures, previous: YearFigures) -> list[Finding]:
    """Findings on ``current`` against the same agency's report of the year before."""
    assert previous.year == current.year - 1
    return [
        *_carry_over(current, previous),
        *_stock_flow(current, previous),
        *_repeated_problems(current, previous),
    ]


def _shown(value: float | int) -> int | float:
    """A figure as printed: 3, not 3.0."""
    return int(value) if float(value).is_integer() else value


def _carry_over(current: YearFigures, previous: YearFigures) -> Iterator[Finding]:
    carried_over = template.APPLICATION_ROW_BY_KEY["carried_over"].label
    carried_forward = template.APPLICATION_ROW_BY_KEY["carried_forward"].label
    for column in template.APPLICANT_COLUMNS:
        now, before = current.carried_over.get(column), previous.carried_forward.get(column)
        if now is None or before is None or now == before:
            continue
        label = template.APPLICANT_COLUMN_LABELS[column]
        yield Finding(
            rule="applications.carry_over_continuity",
            severity="warning",
            message=(
                f"「{carried_over}·{label}」为 {_shown(now)}，与上年（{previous.year} 年度）"
                f"报告「{carried_forward}·{label}」的 {_shown(before)} 不一致。"
            ),
            cells=[f"applications.carried_over.{column}"],
            expected=_shown(before),
            actual=_shown(now),
        )


def _stock_flow(current: YearFigures, previous: YearFigures) -> Iterator[Finding]:
    if current.format != "2021" or previous.format != "2021":
        return  # the 2019 template has no 现行有效件数
    labels = {item.key: item.label for item in template.PROACTIVE_2021}
    for item in STOCK_ITEMS:
        issued, repealed, in_force = (current.stock[item].get(c) for c in STOCK_COLUMNS)
        before = previous.stock[item].get("in_force")
        if None in (issued, repealed, in_force, before):
            continue
        expected = _shown(before + issued - repealed)
        if expected == _shown(in_force):
            continue
        yield Finding(
            rule="proactive.stock_flow",
            severity="warning",
            message=(
                f"「{labels[item]}」现行有效件数为 {_shown(in_force)}；按上年（{previous.year} "
                f"年度）现行有效 {_shown(before)} + 本年制发 {_shown(issued)} − 本年废止 "
                f"{_shown(repealed)}，应为 {expected}。"
            ),
            cells=[f"proactive.{item}.{column}" for column in STOCK_COLUMNS],
            expected=expected,
            actual=_shown(in_force),
        )


def _repeated_problems(current: YearFigures, previous: YearFigures) -> Iterator[Finding]:
    if not current.problems or not previous.problems:
        return
    measured = repetition(current.problems, previous.problems)
    if measured.chars < MIN_PROBLEMS_CHARS or measured.share < REPEATED_SHARE:
        return
    heading = template.SECTION_HEADINGS["problems"][0]
    sameness = "与上年完全相同" if measured.share == 1 else "与上年基本相同"
    yield Finding(
        rule="narrative.repeated",
        severity="warning",
        message=(
            f"「{heading}」{sameness}（内容雷同）：本年 {measured.clauses} 个分句中有 "
            f"{measured.repeated_clauses} 个与上年（{previous.year} 年度）报告逐字相同，"
            f"按字数计占 {measured.share:.0%}（比较时不计空白和数字）。"
        ),
        cells=["narrative.problems"],
        expected=f"< {REPEATED_SHARE:.0%}",
        actual=round(measured.share, 3),
    )
