"""Figures a report states in its prose, against its own table.

Section 一 (总体情况) usually repeats the year's count of new applications
("2024年，全市共受理政府信息公开申请3119件"), which section 三's table prints
as 一、本年新收政府信息公开申请数量 · 总计. When the two differ, one of them is
wrong — or the prose speaks of one office while the table covers a whole
district — and an official should look: a warning naming both places, never
a change to either figure.

Only sentences that unambiguously name new applications are read: a verb of
receiving (受理, 收到, 接收, 新收) with 政府信息公开申请 and a count in 件.
"办理…申请 N 件" is not read: what was handled may include the applications
carried over from the year before. For the same reason a stated count equal to
本年新收 + 上年结转 is no difference: many reports count as 受理 the year's
whole workload (沭阳县 2025: 受理 749 件 = 新收 713 + 结转 36).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from etl import template
from etl.cells import number_value
from etl.model import Finding, Report

RULE = "narrative.received_differs"
_RECEIVED_ROW, _CARRIED_ROW = "new_received", "carried_over"
# 全市共受理政府信息公开申请3119件 / 接收通过邮寄、网络提交的各类政府信息公开申请共计81件
# / 全年收到政府信息公开申请34件 / 共收到70件申请 (read with whitespace removed).
_STATED_RECEIVED = re.compile(
    r"(?:受理|收到|接收|新收)(?:通过[^。；，]{0,20}?的)?(?:各类)?(?:政府)?信息公开申请"
    r"(?:共计|合计|总计|共|为)?(?P<number>\d[\d,，]*)件"
    r"|(?:受理|收到|接收|新收)(?P<before>\d[\d,，]*)件(?:政府信息公开|信息公开)?申请"
)
_CONTEXT_CHARS = 30  # at most, of the clause before the figure, quoted in the message


def stated_figures(report: Report) -> Iterator[Finding]:
    """A warning when section 一 states a count of new applications that the
    table's total does not print."""
    text = report.narrative.overview
    cell = report.applications.get(_RECEIVED_ROW, {}).get("total")
    if not text or cell is None or cell["status"] != "number":
        return
    carried = report.applications.get(_CARRIED_ROW, {}).get("total")
    compact = re.sub(r"\s+", "", text)
    match = _STATED_RECEIVED.search(compact)
    if match is None:
        return
    stated = number_value((match.group("number") or match.group("before")).replace("，", ","))
    table = cell["value"]
    with_carried = table + carried["value"] if carried and carried["status"] == "number" else None
    if stated is None or stated in (table, with_carried):
        return
    quoted = compact[_clause_start(compact, match.start()) : match.end()]
    label = template.APPLICATION_ROW_BY_KEY[_RECEIVED_ROW].label
    yield Finding(
        rule=RULE,
        severity="warning",
        message=(
            f"正文“一、总体情况”写明“{quoted}”（{stated:,} 件），而第三部分表格"
            f"「{label}·总计」为 {table:,} 件，两处不一致，请核对。"
        ),
        cells=[f"applications.{_RECEIVED_ROW}.total"],
        expected=table,
        actual=stated,
    )


def _clause_start(text: str, end: int) -> int:
    """Where the clause holding ``end`` begins (after 。，；), looking back at
    most _CONTEXT_CHARS characters."""
    start = max(text.rfind(mark, 0, end) for mark in "。，；") + 1
    return max(start, end - _CONTEXT_CHARS)
