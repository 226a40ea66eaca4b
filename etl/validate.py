"""Single-report rules: the template's identities, checked, never enforced.

A report that breaks an identity is still a report: the finding records the
cells involved, what the identity expects and what was printed. Blank, dash
and text cells count as 0 in sums, as the dashboard's aggregates do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from pydantic import TypeAdapter

from etl import template
from etl.cells import unit_of
from etl.model import Cell, Finding, Report
from etl.stated import stated_figures
from etl.uncertain import uncertain_figures

EXTRACTION_RULE_PREFIX = "extract."
_FINDINGS = TypeAdapter(list[Finding])
_STATUS_WORDS = {"dash": "短横或“无”", "text": "文字"}


def _as_printed(cell: Cell) -> str:
    if cell["status"] == "blank":
        return "留空"
    return f"填写为{_STATUS_WORDS[cell['status']]}（“{cell['raw']}”）"


def validate(report: Report) -> list[Finding]:
    """Every single-report rule of the spec, in a stable order, then the flags
    of figures read uncertainly from a scan (etl/uncertain.py)."""
    findings = _template_rules(report)
    return [
        *findings,
        *_late(report),
        *stated_figures(report),
        *uncertain_figures(report, findings, _template_rules),
    ]


def _template_rules(report: Report) -> list[Finding]:
    return [
        *_complete(report),
        *_cells(report),
        *_row_totals(report),
        *_balance(report),
        *_outcomes_sum(report),
        *_review_totals(report),
    ]


def revalidate(report: Report) -> list[Finding]:
    """The findings of a stored report brought up to date: extraction findings
    kept (they cannot be recomputed from the JSON), validation recomputed."""
    kept = [f for f in report.findings if f.rule.startswith(EXTRACTION_RULE_PREFIX)]
    return kept + validate(report)


def amount(cell: Cell | None) -> int | float:
    value = cell["value"] if cell is not None else None
    return value if value is not None else 0


def _number(total: int | float) -> int | float:
    return round(total, 6) if isinstance(total, float) else total


# --- labels for messages ----------------------------------------------------


def _application_label(row: str) -> str:
    return template.APPLICATION_ROW_BY_KEY[row].label


def _row_label(report: Report, section: str, row: str) -> str:
    """A row's printed label, for messages."""
    if section == "proactive":
        items = {item.key: item.label for item in template.PROACTIVE_ITEMS[report.format]}
        return items[row]
    if section == "applications":
        return _application_label(row)
    return template.REVIEW_GROUP_LABELS[row]


_COLUMN_LABELS = {
    "proactive": template.PROACTIVE_COLUMN_LABELS,
    "applications": template.APPLICANT_COLUMN_LABELS,
    "review_litigation": template.REVIEW_COLUMN_LABELS,
}


def _cell_label(report: Report, section: str, row: str, column: str) -> str:
    """A cell's printed row and column labels, for messages."""
    return f"{_row_label(report, section, row)}·{_COLUMN_LABELS[section][column]}"


def _iter_rows(report: Report) -> Iterator[tuple[str, str, dict[str, Cell]]]:
    """Every table row with its section and row keys."""
    for section in ("proactive", "applications", "review_litigation"):
        for row, cells in getattr(report, section).items():
            yield section, row, cells


# --- rules ------------------------------------------------------------------


def _complete(report: Report) -> Iterator[Finding]:
    missing = [
        template.SECTION_HEADINGS[key][0]
        for key in ("overview", "problems", "other")
        if getattr(report.narrative, key) is None
    ]
    items = template.PROACTIVE_ITEMS[report.format]
    missing += [f"第二部分「{i.label}」" for i in items if i.key not in report.proactive]
    missing += [
        f"第三部分「{_application_label(key)}」"
        for key in _expected_rows(report)
        if key not in report.applications
    ]
    missing += [
        f"第四部分「{template.REVIEW_GROUP_LABELS[group]}」"
        for group in template.REVIEW_GROUPS
        if group not in report.review_litigation
    ]
    if missing:
        yield Finding(
            rule="report.complete",
            severity="error",
            message="报告不完整，缺少：" + "；".join(missing) + "。",
            cells=[],
            expected=None,
            actual=len(missing),
        )


def _late(report: Report) -> Iterator[Finding]:
    """Published after 31 January of the following year (政府信息公开条例 第五十条)."""
    published, deadline = report.source.published_on, f"{report.year + 1}-01-31"
    if published is not None and published > deadline:
        yield Finding(
            rule="report.late",
            severity="warning",
            message=(
                f"发布日期 {published}（{report.source.published_on_from or '来源不明'}）"
                f"晚于 {report.year + 1} 年 1 月 31 日；《政府信息公开条例》第五十条要求"
                "每年 1 月 31 日前公布上一年度的年度报告。"
            ),
            cells=[],
            expected=deadline,
            actual=published,
        )


def _cells(report: Report) -> list[Finding]:
    """Per cell: not a number, a number of the wrong kind, a unit beside a figure."""
    # Validated at once: a report may have dozens of rows of blank cells.
    return _FINDINGS.validate_python(list(_cell_problems(report)))


def _cell_problems(report: Report) -> Iterator[dict]:
    """The fields of each finding of _cells."""
    with_units: list[str] = []
    for section, row, cells in _iter_rows(report):
        # A row's cells left blank (or dashed, or worded) alike are one finding:
        # a report that leaves columns empty would otherwise list every cell.
        not_numbers: dict[tuple[str, str], list[str]] = {}
        for column, cell in cells.items():
            if _plain_count(cell, column):
                continue  # the common case, checked first: a bare whole number
            if cell["status"] != "number":
                not_numbers.setdefault((cell["status"], cell["raw"]), []).append(column)
            else:
                yield from _number_problems(report, (section, row, column), cell, with_units)
        for columns in not_numbers.values():
            yield _not_a_number(report, (section, row), cells[columns[0]], columns)
    if with_units:
        yield dict(
            rule="cells.unit",
            severity="warning",
            message=(
                f"{len(with_units)} 个单元格在数字后写了单位（如“0件”），按去掉单位后的数值读取。"
            ),
            cells=with_units,
            actual=len(with_units),
        )


def _number_problems(
    report: Report, keys: tuple[str, str, str], cell: Cell, with_units: list[str]
) -> Iterator[dict]:
    """A figure of the wrong kind or with a unit; its path joins ``with_units`` if it has one."""
    section, row, column = keys
    path = f"{section}.{row}.{column}"
    label = partial(_cell_label, report, section, row, column)  # only built when needed
    wanted = _kind_of_number(column, cell["value"])
    if wanted is not None:
        yield dict(
            rule="cells.non_negative_integer",
            severity="error",
            message=f"「{label()}」为 {cell['raw']}，应为{wanted}。",
            cells=[path],
            actual=cell["value"],
        )
    unit = unit_of(cell["raw"])
    if unit is None:
        return
    with_units.append(path)
    if column == "amount_10k_yuan" and unit != "万元":
        yield dict(
            rule="cells.unit_mismatch",
            severity="warning",
            message=(
                f"「{label()}」写作“{cell['raw']}”，单位与表头（万元）不符；"
                f"数值按原样读作 {cell['value']}，未换算。"
            ),
            cells=[path],
            expected="万元",
            actual=unit,
        )


def _not_a_number(report: Report, keys: tuple[str, str], cell: Cell, columns: list[str]) -> dict:
    """The finding on ``columns`` of one row, each printed as ``cell`` is, not as a number."""
    section, row = keys
    if len(columns) == 1:
        where = f"「{_cell_label(report, section, row, columns[0])}」"
    else:
        names = "、".join(_COLUMN_LABELS[section][column] for column in columns)
        where = f"「{_row_label(report, section, row)}」一行的{names} {len(columns)} 格"
    return dict(
        rule="cells.not_a_number",
        severity="warning",
        message=f"{where}{_as_printed(cell)}，不是数字；汇总时按 0 计。",
        cells=[f"{section}.{row}.{column}" for column in columns],
        actual=cell["raw"],
    )


def _plain_count(cell: Cell, column: str) -> bool:
    """A count printed as bare digits: nothing to say about it."""
    return (
        type(cell["value"]) is int
        and cell["value"] >= 0
        and cell["raw"].isdigit()
        and column not in template.SIGNED_COLUMNS
    )


def _kind_of_number(column: str, value: int | float) -> str | None:
    """What the column's figures must be, when ``value`` is not that; else None."""
    if column in template.DECIMAL_COLUMNS:
        return None if value >= 0 else "非负数"
    if column in template.SIGNED_COLUMNS:
        return None if float(value).is_integer() else "整数"
    return None if isinstance(value, int) and value >= 0 else "非负整数"


def _totals_of_rows(
    report: Report, section: str, describe: Callable[[str, dict[str, Cell], object], str]
) -> Iterator[Finding]:
    """Each row's 总计 against the sum of the row's other cells."""
    rule = f"{section}.row_total" if section == "applications" else f"{section}.total"
    for row, cells in getattr(report, section).items():
        parts = [column for column in cells if column != "total"]
        expected = _number(sum(amount(cells[column]) for column in parts))
        actual = amount(cells["total"])
        if expected != actual:
            yield Finding(
                rule=rule,
                severity="error",
                message=f"{describe(row, cells, expected)}，总计栏为 {actual}。",
                cells=[f"{section}.{row}.{column}" for column in cells],
                expected=expected,
                actual=actual,
            )


def _row_totals(report: Report) -> Iterator[Finding]:
    return _totals_of_rows(
        report,
        "applications",
        lambda row, cells, expected: f"「{_application_label(row)}」：六类申请人之和为 {expected}",
    )


def _review_totals(report: Report) -> Iterator[Finding]:
    def describe(group: str, cells: dict[str, Cell], expected: object) -> str:
        terms = " + ".join(
            f"{template.REVIEW_COLUMN_LABELS[column]} {amount(cell)}"
            for column, cell in cells.items()
            if column != "total"
        )
        return f"「{template.REVIEW_GROUP_LABELS[group]}」：{terms} = {expected}"

    return _totals_of_rows(report, "review_litigation", describe)


def _balance(report: Report) -> Iterator[Finding]:
    rows = ("new_received", "carried_over", "total_processed", "carried_forward")
    if not all(row in report.applications for row in rows):
        return
    table = report.applications
    for column in template.APPLICANT_COLUMNS:
        new, carried, processed, forward = (amount(table[row][column]) for row in rows)
        expected, actual = _number(new + carried), _number(processed + forward)
        if expected != actual:
            yield Finding(
                rule="applications.balance",
                severity="error",
                message=(
                    f"「{template.APPLICANT_COLUMN_LABELS[column]}」列：本年新收 {new} + 上年结转 "
                    f"{carried} = {expected}，而办理结果总计 {processed} + 结转下年度 {forward} = "
                    f"{actual}；模板要求第一项加第二项之和等于第三项加第四项之和。"
                ),
                cells=[f"applications.{row}.{column}" for row in rows],
                expected=expected,
                actual=actual,
            )


def _expected_rows(report: Report) -> tuple[str, ...]:
    return template.application_row_keys("other_handling" in report.applications)


def _outcome_rows(report: Report) -> list[str] | None:
    """The outcome rows the report uses, or None when some are missing."""
    outcomes = set(template.OUTCOME_ROWS)
    rows = [key for key in _expected_rows(report) if key in outcomes]
    return rows if all(key in report.applications for key in rows) else None


def _outcomes_sum(report: Report) -> Iterator[Finding]:
    rows = _outcome_rows(report)
    if rows is None or "total_processed" not in report.applications:
        return
    table = report.applications
    for column in template.APPLICANT_COLUMNS:
        expected = _number(sum(amount(table[row][column]) for row in rows))
        actual = amount(table["total_processed"][column])
        if expected != actual:
            yield Finding(
                rule="applications.outcomes_sum",
                severity="error",
                message=(
                    f"「{template.APPLICANT_COLUMN_LABELS[column]}」列：各项办理结果之和为 "
                    f"{expected}，（七）总计为 {actual}。"
                ),
                cells=[f"applications.{row}.{column}" for row in [*rows, "total_processed"]],
                expected=expected,
                actual=actual,
            )
