"""cells.ocr_uncertain: figures of a scan that are not to be taken on trust.

A figure read by OCR carries the engine's confidence in its least certain
character (``at.confidence``). It is flagged, never silently taken, when

- that confidence is low, or OCR read text where a figure belongs;
- it breaks one of the template's identities, and changing one character of
  it (replacing, adding or dropping a digit) would make the identity hold —
  the signature of a misread digit (8 for 3, 1 for 7), however confident.

The finding names the cell, what was read and why; the report keeps the
scan's picture of the cell (``Report.crops``), so a person can read it. The
rule runs wherever the single-report rules run (extraction and loading), from
what the canonical JSON holds, and changes no value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from etl.cells import number_value
from etl.db.cellkeys import cell_headings
from etl.model import Cell, Finding, Report

RULE = "cells.ocr_uncertain"
LOW_CONFIDENCE = 0.9  # a character read with less confidence may be another
# The identities a single misread figure breaks, as the message names them.
IDENTITIES = {
    "applications.row_total": "该行六类申请人之和等于总计",
    "applications.balance": "该列第一项加第二项之和等于第三项加第四项之和",
    "applications.outcomes_sum": "该列各项办理结果之和等于（七）总计",
    "review_litigation.total": "该类复议、诉讼的各项结果之和等于总计",
}

Recheck = Callable[[Report], list[Finding]]


def scanned_cells(report: Report) -> Iterator[tuple[str, Cell]]:
    """Each cell read by OCR (one with a confidence), with its path."""
    for key, cell in report.headline.items():
        if "confidence" in cell["at"]:
            yield f"headline.{key}", cell
    for section in ("proactive", "applications", "review_litigation"):
        for row, cells in getattr(report, section).items():
            for column, cell in cells.items():
                if "confidence" in cell["at"]:
                    yield f"{section}.{row}.{column}", cell


def uncertain_figures(report: Report, findings: list[Finding], recheck: Recheck) -> list[Finding]:
    """The flags of a report's scanned figures; ``findings`` are the report's
    other single-report findings and ``recheck`` recomputes them."""
    cells = dict(scanned_cells(report))
    if not cells:
        return []
    flags: dict[str, Finding] = {}
    for path, cell in cells.items():
        if cell["status"] == "text" or cell["at"]["confidence"] < LOW_CONFIDENCE:
            flags[path] = _unsure(path, cell)
    for finding in findings:
        if finding.rule not in IDENTITIES:
            continue
        for path in finding.cells:
            cell = cells.get(path)
            if path in flags or cell is None or cell["status"] != "number":
                continue
            correction = _one_character_correction(report, cell, finding, recheck)
            if correction is not None:
                flags[path] = _breaks_identity(path, cell, finding, correction)
    return [flags[path] for path in cells if path in flags]  # in the report's cell order


def _one_character_correction(
    report: Report, cell: Cell, finding: Finding, recheck: Recheck
) -> str | None:
    """A figure one character away from what was read that makes the identity hold."""
    if not isinstance(finding.expected, int | float) or not isinstance(finding.actual, int | float):
        return None
    gap = finding.expected - finding.actual
    read = cell["raw"]
    for value in (cell["value"] + gap, cell["value"] - gap):  # the cell on either side
        candidate = _printed(value)
        if candidate is None or not _one_edit_apart(read, candidate):
            continue
        if _holds_with(report, cell, candidate, finding, recheck):
            return candidate
    return None


def _printed(value: int | float) -> str | None:
    if value < 0:
        return None
    return str(int(value)) if float(value).is_integer() else str(round(value, 6))


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether one character replaced, added or dropped turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _holds_with(
    report: Report, cell: Cell, candidate: str, finding: Finding, recheck: Recheck
) -> bool:
    """Whether the identity behind ``finding`` holds once the cell reads ``candidate``."""
    kept = cell["value"], cell["raw"]
    cell["value"], cell["raw"] = number_value(candidate), candidate
    try:
        return not any(f.rule == finding.rule and f.cells == finding.cells for f in recheck(report))
    finally:
        cell["value"], cell["raw"] = kept


def _label(path: str) -> str:
    return cell_headings()[path]


def _unsure(path: str, cell: Cell) -> Finding:
    confidence = cell["at"]["confidence"]
    if cell["status"] == "blank":
        read = "扫描件此格有字迹，但未能识别出内容，按空白读入"
    else:
        what = "文字" if cell["status"] == "text" else ""
        read = f"扫描件识别为{what}“{cell['raw']}”，识别置信度 {confidence:.1%}"
    return Finding(
        rule=RULE,
        severity="warning",
        message=f"「{_label(path)}」{read}，可能识别有误，请对照扫描件核对。",
        cells=[path],
        actual=cell["raw"],
    )


def _breaks_identity(path: str, cell: Cell, finding: Finding, correction: str) -> Finding:
    return Finding(
        rule=RULE,
        severity="warning",
        message=(
            f"「{_label(path)}」扫描件识别为“{cell['raw']}”（识别置信度 "
            f"{cell['at']['confidence']:.1%}），与勾稽关系（{IDENTITIES[finding.rule]}）不符；"
            f"若为 {correction}（只差一个字符），关系即成立，可能识别有误，请对照扫描件核对。"
        ),
        cells=[path],
        expected=correction,
        actual=cell["raw"],
    )
