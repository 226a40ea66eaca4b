"""Per-report headline measures, computed from summed counts (never averaged rates)."""

from __future__ import annotations

import pandas as pd

from etl import template
from etl.model import Report
from etl.validate import amount

# Column name → one-line definition shown in the app.
DEFINITIONS: dict[str, str] = {
    "本年新收申请": "三、一、本年新收政府信息公开申请数量（总计列）",
    "办理结果总计": "三、（七）总计：本年度办理完毕的申请数（总计列）",
    "公开率": "（予以公开 + 部分公开）÷ 办理结果总计",
    "结转率": "结转下年度继续办理 ÷（本年新收 + 上年结转）",
    "行政复议": "四、行政复议总计",
    "行政诉讼": "四、未经复议直接起诉与复议后起诉的总计之和",
    "错误": "违反模板勾稽关系或无法读取的项数",
    "提示": "需要留意但不一定有误的项数（如空白、短横单元格）",
}


def _total(report: Report, row: str) -> int | float:
    return amount(report.applications.get(row, {}).get("total"))


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def report_summary(reports: list[Report]) -> pd.DataFrame:
    """One row per report: who, when, the key counts and rates, how many findings."""
    rows = []
    for report in reports:
        processed = _total(report, "total_processed")
        intake = _total(report, "new_received") + _total(report, "carried_over")
        review = report.review_litigation
        errors = sum(1 for f in report.findings if f.severity == "error")
        rows.append(
            {
                "机关": report.agency.name,
                "年度": report.year,
                "格式": report.format,
                "本年新收申请": _total(report, "new_received"),
                "办理结果总计": processed,
                "公开率": _ratio(
                    _total(report, "granted") + _total(report, "partially_granted"), processed
                ),
                "结转率": _ratio(_total(report, "carried_forward"), intake),
                "行政复议": amount(review.get("administrative_review", {}).get("total")),
                "行政诉讼": sum(
                    amount(review.get(group, {}).get("total"))
                    for group in template.REVIEW_GROUPS[1:]
                ),
                "错误": errors,
                "提示": len(report.findings) - errors,
            }
        )
    frame = pd.DataFrame(rows, columns=["机关", "年度", "格式", *DEFINITIONS])
    # A rate without a denominator is missing (NaN, shown blank), not zero.
    return frame.astype({"公开率": "float64", "结转率": "float64"})


def application_table(report: Report) -> pd.DataFrame:
    """Section 三 as published: template labels down, applicant types across."""
    columns = [template.APPLICANT_COLUMN_LABELS[c] for c in template.APPLICANT_COLUMNS]
    rows = {
        template.APPLICATION_ROW_BY_KEY[key].label: [
            cells[column]["raw"] for column in template.APPLICANT_COLUMNS
        ]
        for key, cells in report.applications.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)
