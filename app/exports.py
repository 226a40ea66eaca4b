"""The filtered reports' every cell, as one Excel workbook or one CSV: one row
per report, one column per template cell, headed by the template's labels."""

from __future__ import annotations

import pandas as pd

from app.db import query
from app.filters import KIND_LABELS, LEVEL_LABELS, Filters
from app.rules import rule_name
from etl.db.cellkeys import cell_keys, cells_named

# An Excel sheet holds 1,048,576 rows; a workbook this size also takes
# minutes to write, so larger selections are pointed to the Parquet export.
EXCEL_REPORT_LIMIT = 50_000
SECTION_SHEETS = {  # in the template's order
    "proactive": "二、主动公开",
    "applications": "三、依申请公开",
    "review_litigation": "四、复议诉讼",
    "headline": "正文数字",
}
_METADATA = (
    "agency_name AS 机关, year AS 年度, province AS 省份, city AS 市, county AS 县区, "
    "level AS 层级, kind AS 机关类型, format AS 模板版本, errors AS 错误数, "
    "warnings AS 提示数, source_file AS 来源文件"
)
# At the end, for pivot tables and joins: the agency's id and the codes the labels stand for.
_CODES = "agency_id AS 机关编号, level AS 层级代码, kind AS 机关类型代码"
_LABELS = {"层级": LEVEL_LABELS, "机关类型": KIND_LABELS}


def report_count(filters: Filters) -> int:
    where, params = filters.where()
    return int(query(f"SELECT count(*) AS n FROM reports WHERE {where}", params).n.iloc[0])


def _cell_columns(sections: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key.column, key.heading) for key in cell_keys() if key.section in sections]


def report_cells(
    filters: Filters, sections: tuple[str, ...] = tuple(SECTION_SHEETS)
) -> pd.DataFrame:
    """One row per filtered report: who and when, then every cell of ``sections``."""
    # Column names come from cell_keys (the template), never from the user.
    columns = ", ".join(f'{column} AS "{label}"' for column, label in _cell_columns(sections))
    where, params = filters.where()
    rows = query(
        f"SELECT {_METADATA}, {columns}, {_CODES} FROM reports WHERE {where} "
        "ORDER BY agency_id, year",
        params,
    )
    return rows.replace(_LABELS)  # a code the app does not know stays as it is


def findings(filters: Filters) -> pd.DataFrame:
    """Every finding of the filtered reports in Chinese — the rule's name, the
    cells' headings — with the codes in the last columns."""
    where, params = filters.where("r")
    rows = query(
        f"""
        SELECT r.agency_name AS 机关, r.year AS 年度,
               CASE f.severity WHEN 'error' THEN '错误' ELSE '提示' END AS 级别,
               f.rule AS 规则代码, f.message AS 说明, f.cells AS 涉及单元格,
               r.agency_id AS 机关编号, array_to_string(f.cells, '、') AS 单元格代码
        FROM findings f JOIN reports r USING (report_id)
        WHERE {where} ORDER BY r.agency_id, r.year, f.severity, f.rule
        """,
        params,
    )
    rows.insert(3, "规则", rows["规则代码"].map(rule_name))
    rows["涉及单元格"] = rows["涉及单元格"].map(cells_named)
    codes = ["机关编号", "规则代码", "单元格代码"]
    return rows[[column for column in rows.columns if column not in codes] + codes]


def workbook_sheets(filters: Filters) -> dict[str, pd.DataFrame]:
    sheets = {name: report_cells(filters, (section,)) for section, name in SECTION_SHEETS.items()}
    sheets["校验结果"] = findings(filters)
    return sheets
