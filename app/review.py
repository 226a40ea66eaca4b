"""复议诉讼: administrative review and litigation cases by outcome and year,
the 纠错率 of each kind of case, and the agencies with the most decisions
corrected.

The three kinds of case are the template's rows of section 四 (行政复议,
行政诉讼·未经复议直接起诉, 行政诉讼·复议后起诉); the outcomes are its columns.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app import aggregate, charts
from app.compare import display_names
from app.db import query
from app.filters import Filters
from app.measures import MEASURE_BY_KEY
from etl import template

# Measure prefix in report_measures → the template's name of the kind of case.
GROUPS: dict[str, str] = {
    "review": template.REVIEW_GROUP_LABELS["administrative_review"],
    "litigation_direct": template.REVIEW_GROUP_LABELS["litigation_direct"],
    "litigation_after_review": template.REVIEW_GROUP_LABELS["litigation_after_review"],
}
# The outcomes a case can have; 总计 is the total the report printed.
OUTCOMES: tuple[str, ...] = ("upheld", "corrected", "other", "pending")
COLUMNS: tuple[str, ...] = (*OUTCOMES, "total")
OUTCOME_LABELS: dict[str, str] = {key: template.REVIEW_COLUMN_LABELS[key] for key in COLUMNS}
OUTCOME_DEFINITIONS: dict[str, str] = {
    "upheld": "复议或诉讼结果为维持原行政行为的案件数",
    "corrected": "复议或诉讼结果为纠正原行政行为的案件数",
    "other": "结果为维持、纠正以外的已审结案件数",
    "pending": "本年度尚未审结的案件数",
    "total": "报告所填的总计栏：结果维持 + 结果纠正 + 其他结果 + 尚未审结",
}
CORRECTED_TOTAL = "结果纠正合计"
CORRECTED_TOTAL_DEFINITION = "行政复议、未经复议直接起诉、复议后起诉三类案件中结果纠正的案件数之和"
CASES_TOTAL = "案件总计"
CASES_TOTAL_DEFINITION = "三类案件总计栏之和（含尚未审结）"
TOP_CHOICES: tuple[int, ...] = (10, 20)

YEAR, GROUP, OUTCOME, CASES = "年度", "类别", "审理结果", "案件数"


def _columns() -> list[str]:
    return [f"{prefix}_{outcome}" for prefix in GROUPS for outcome in COLUMNS]


def outcomes_by_year(filters: Filters) -> pd.DataFrame:
    """One row per year and kind of case: 年度, 类别 and a column per outcome
    (结果维持 … 尚未审结, 总计), summed over the filtered reports."""
    where, params = filters.where()
    sums = ", ".join(f"sum({name}) AS {name}" for name in _columns())
    wide = query(
        f"SELECT year, {sums} FROM report_measures WHERE {where} GROUP BY year ORDER BY year",
        params,
    )
    if wide.empty:
        return pd.DataFrame(columns=[YEAR, GROUP, *OUTCOME_LABELS.values()])
    frames = []
    for order, (prefix, label) in enumerate(GROUPS.items()):
        frame = pd.DataFrame({YEAR: wide.year, GROUP: label, "_order": order})
        for outcome in COLUMNS:
            frame[OUTCOME_LABELS[outcome]] = wide[f"{prefix}_{outcome}"].astype("int64")
        frames.append(frame)
    table = pd.concat(frames).sort_values([YEAR, "_order"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def group_outcomes(table: pd.DataFrame, group: str) -> pd.DataFrame:
    """One kind of case in long form (年度, 审理结果, 案件数) for a stacked chart.
    The printed 总计 is left out: it is in the table, and a report's 总计 does
    not always equal its four outcomes."""
    rows = table[table[GROUP] == GROUPS[group]]
    return rows.melt(
        id_vars=[YEAR],
        value_vars=[OUTCOME_LABELS[outcome] for outcome in OUTCOMES],
        var_name=OUTCOME,
        value_name=CASES,
    )


def outcomes_figure(data: pd.DataFrame, group: str) -> go.Figure:
    figure = charts.year_bars(
        data,
        x=YEAR,
        y=CASES,
        colour=OUTCOME,
        colours=charts.REVIEW_OUTCOME_COLOURS,
        title=f"{GROUPS[group]}案件审理结果",
    )
    return figure.update_layout(yaxis_title="件")


def correction_rates(filters: Filters) -> pd.DataFrame:
    """The 纠错率 of each kind of case per year, with its numerator and
    denominator: 年度, 类别, 纠错率, 结果纠正, 已审结案件."""
    keys = [f"{prefix}_correction_rate" for prefix in GROUPS]
    wide = aggregate.by_year(filters, *keys)
    frames = [
        pd.DataFrame(
            {
                YEAR: wide.year,
                GROUP: label,
                "纠错率": wide[key],
                "结果纠正": wide[f"{key}_num"].astype("int64"),
                "已审结案件": wide[f"{key}_den"].astype("int64"),
            }
        )
        for key, label in zip(keys, GROUPS.values(), strict=True)
    ]
    return pd.concat(frames, ignore_index=True)


def correction_rates_figure(data: pd.DataFrame) -> go.Figure:
    measure = MEASURE_BY_KEY["review_correction_rate"]
    figure = charts.rate_lines(
        data,
        x=YEAR,
        rate="纠错率",
        numerator="结果纠正",
        denominator="已审结案件",
        numerator_label=measure.numerator_label,
        denominator_label=measure.denominator_label,
        series=GROUP,
        title="纠错率",
    )
    return figure.update_layout(yaxis_title="纠错率")


def top_corrected(filters: Filters, limit: int) -> pd.DataFrame:
    """The agencies with the most 结果纠正 over the three kinds of case,
    most first (agencies with none are left out). Ties share a rank."""
    where, params = filters.where("m")
    per_group = ", ".join(f"sum({prefix}_corrected) AS {prefix}_corrected" for prefix in GROUPS)
    corrected = " + ".join(f"sum({prefix}_corrected)" for prefix in GROUPS)
    cases = " + ".join(f"sum({prefix}_total)" for prefix in GROUPS)
    rows = query(
        f"""
        WITH per_agency AS (
            SELECT m.agency_id, {per_group}, {corrected} AS corrected, {cases} AS cases
            FROM report_measures m WHERE {where} GROUP BY m.agency_id
            HAVING {corrected} > 0
        )
        SELECT rank() OVER (ORDER BY corrected DESC) AS rank, a.name AS agency_name, p.*
        FROM per_agency p JOIN agencies a USING (agency_id)
        ORDER BY corrected DESC, agency_name, agency_id LIMIT $limit
        """,
        {**params, "limit": limit},
    )
    table = pd.DataFrame(
        {"排名": rows["rank"], "机关": display_names(rows.agency_name, rows.agency_id)}
    )
    for prefix, label in GROUPS.items():
        table[f"{label}·结果纠正"] = rows[f"{prefix}_corrected"].astype("int64")
    table[CORRECTED_TOTAL] = rows.corrected.astype("int64")
    table[CASES_TOTAL] = rows.cases.astype("int64")
    table["机关编号"] = rows.agency_id
    return table


def top_corrected_figure(table: pd.DataFrame) -> go.Figure:
    return charts.ranking_bars(
        table, name="机关", value=CORRECTED_TOTAL, title="结果纠正案件最多的机关"
    ).update_layout(xaxis_title="件")
