"""The filtered reports' every cell, as one Excel workbook or one CSV: one row
per report, one column per template cell, headed by the template's labels."""

from __future__ import annotations

import pandas as pd

from app.db import query
from app.filters import Filters

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


def report_count(filters: Filters) -> int:
    where, params = filters.where()
    return int(query(f"SELECT count(*) AS n FROM reports WHERE {where}", params).n.iloc[0])


def _cell_columns(sections: tuple[str, ...]) -> list[tuple[str, str]]:
    keys = query(
        "SELECT wide_column, row_label, col_label FROM cell_keys "
        "WHERE list_contains($sections::VARCHAR[], section) ORDER BY cell_id",
        {"sections": sections},
    )
    # A cell with no column label (a figure of the text) is headed by its row alone.
    return [
        (column, f"{row}·{col}" if col else row)
        for column, row, col in zip(keys.wide_column, keys.row_label, keys.col_label, strict=False)
    ]


def report_cells(
    filters: Filters, sections: tuple[str, ...] = tuple(SECTION_SHEETS)
) -> pd.DataFrame:
    """One row per filtered report: who and when, then every cell of ``sections``."""
    # Column names come from cell_keys (the template), never from the user.
    columns = ", ".join(f'{column} AS "{label}"' for column, label in _cell_columns(sections))
    where, params = filters.where()
    return query(
        f"SELECT {_METADATA}, {columns} FROM reports WHERE {where} ORDER BY agency_id, year",
        params,
    )


def findings(filters: Filters) -> pd.DataFrame:
    where, params = filters.where("r")
    return query(
        f"""
        SELECT r.agency_name AS 机关, r.year AS 年度,
               CASE f.severity WHEN 'error' THEN '错误' ELSE '提示' END AS 级别,
               f.rule AS 规则, f.message AS 说明, array_to_string(f.cells, '、') AS 涉及单元格
        FROM findings f JOIN reports r USING (report_id)
        WHERE {where} ORDER BY r.agency_id, r.year, f.severity, f.rule
        """,
        params,
    )


def workbook_sheets(filters: Filters) -> dict[str, pd.DataFrame]:
    sheets = {name: report_cells(filters, (section,)) for section, name in SECTION_SHEETS.items()}
    sheets["校验结果"] = findings(filters)
    return sheets
