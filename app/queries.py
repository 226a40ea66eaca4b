"""The SQL behind the report list page; every value a user picks is bound as
a parameter."""

from __future__ import annotations

import pandas as pd

from app.db import query
from etl import template

# Column name → one-line definition shown in the app.
DEFINITIONS: dict[str, str] = {
    "本年新收申请": "三、一、本年新收政府信息公开申请数量（总计列）",
    "办理结果总计": "三、（七）总计：本年度办理完毕的申请数（总计列）",
    "公开率": "（予以公开 + 部分公开）÷ 办理结果总计",
    "结转率": "结转下年度继续办理 ÷（本年新收 + 上年结转）",
    "行政复议": "四、行政复议总计",
    "行政诉讼": "四、未经复议直接起诉与复议后起诉的总计之和",
    "错误": "违反模板勾稽关系或无法读取的项数",
    "提示": "需要留意但不一定有误的项数（如空白、短横单元格、与上年不衔接）",
}


def report_list() -> pd.DataFrame:
    """One row per report: who, when, the key counts and rates, how many findings."""
    return query(
        """
        SELECT report_id, agency_name AS 机关, year AS 年度, format AS 格式,
               received AS 本年新收申请, processed AS 办理结果总计,
               disclosure_rate AS 公开率, carry_forward_rate AS 结转率,
               review_total AS 行政复议,
               litigation_direct_total + litigation_after_review_total AS 行政诉讼,
               errors AS 错误, warnings AS 提示
        FROM report_measures ORDER BY agency_id, year
        """
    )


def application_table(report_id: int) -> pd.DataFrame:
    """Section 三 of one report as published: template labels down, applicant types across."""
    cells = query(
        """
        SELECT k.row_key, k.col_key, c.raw
        FROM cells c JOIN cell_keys k USING (cell_id)
        WHERE c.report_id = ? AND k.section = 'applications'
        """,
        (report_id,),
    )
    table = cells.pivot(index="row_key", columns="col_key", values="raw")
    rows = [key for key in template.APPLICATION_ROW_KEYS if key in table.index]
    table = table.loc[rows, list(template.APPLICANT_COLUMNS)]
    table.index = [template.APPLICATION_ROW_BY_KEY[key].label for key in rows]
    table.columns = [template.APPLICANT_COLUMN_LABELS[c] for c in template.APPLICANT_COLUMNS]
    return table


def findings(report_id: int) -> pd.DataFrame:
    return query(
        "SELECT severity, rule, message FROM findings WHERE report_id = ? "
        "ORDER BY severity = 'warning', rule",
        (report_id,),
    )


def synthetic_reports() -> int:
    (count,) = query("SELECT synthetic_reports FROM build_info").iloc[0]
    return int(count)
