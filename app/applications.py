"""依申请公开: the applications received and carried over, their outcomes
and the reasons within each outcome group, the applicant types, and the
公开率 and 结转率 — by year over the filtered reports."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import aggregate, charts
from app.db import query
from app.filters import Filters
from app.measures import MEASURE_BY_KEY
from etl import template
from etl.db.schema import OUTCOME_MEASURES

FLOW_KEYS = ("received", "carried_over", "processed", "carried_forward")
# The outcome groups in print order: group key → its measure in report_measures.
OUTCOME_KEYS: dict[str, str] = {
    group: OUTCOME_MEASURES[group] for group in template.OUTCOME_GROUP_LABELS
}
# 本年新收 by applicant type: measure key → the template's column label.
APPLICANT_KEYS: dict[str, str] = {
    f"received_{applicant}": template.APPLICANT_COLUMN_LABELS[applicant]
    for applicant in template.APPLICANT_COLUMNS[:-1]
}
RATE_KEYS = ("disclosure_rate", "carry_forward_rate")
VIEWS = {"counts": "件数", "shares": "占比"}
# The groups whose reasons are itemised in the template.
REASON_GROUPS: dict[str, str] = {
    group: template.OUTCOME_GROUP_LABELS[group]
    for group in ("withheld", "unavailable", "declined", "other")
}
COUNT, SHARE = "件数", "占比"
_COLUMN_NAME = re.compile(r"[a-z0-9_]+")


def by_year(filters: Filters) -> pd.DataFrame:
    """Every figure of the page but the reasons, one row per year (one scan)."""
    return aggregate.by_year(
        filters, "reports", *FLOW_KEYS, *OUTCOME_KEYS.values(), *APPLICANT_KEYS, *RATE_KEYS
    )


def definitions(*keys: str) -> str:
    """One line per measure: 「name：definition」, for a caption."""
    return "；".join(
        f"{MEASURE_BY_KEY[key].label}：{MEASURE_BY_KEY[key].definition}" for key in keys
    )


APPLICANT_DEFINITION = (
    f"{definitions('received')}，按申请人类型分列"
    f"（{'、'.join(APPLICANT_KEYS.values())}，后五类为法人或其他组织）；"
    "占比：该类申请数占当年六类之和的比例。"
)
OUTCOME_DEFINITION = (
    f"{'、'.join(template.OUTCOME_GROUP_LABELS.values())}：办理结果为该组的申请数，"
    "即该组各项之和（总计列）；占比：该组件数占当年六组办理结果之和的比例。"
)


# --- Received and carried over ----------------------------------------------


def flow_table(data: pd.DataFrame) -> pd.DataFrame:
    """The figures the received and carried-over chart draws."""
    return aggregate.labelled(data[["year", "received", "carried_over"]])


def flow_figure(data: pd.DataFrame) -> go.Figure:
    """本年新收 and 上年结转 stacked: together, the applications to handle."""
    long = data.melt(id_vars="year", value_vars=["received", "carried_over"], value_name=COUNT)
    long["申请"] = long.variable.map(lambda key: MEASURE_BY_KEY[key].label)
    figure = charts.year_bars(
        long, x="year", y=COUNT, colour="申请", title="本年新收与上年结转的申请"
    )
    return figure.update_layout(xaxis_title="年度", yaxis_title="件")


# --- Stacked parts by year (outcome groups, reasons, applicant types) -------


def parts_by_year(data: pd.DataFrame, columns: dict[str, str], name: str) -> pd.DataFrame:
    """Wide yearly counts → long rows 年度, ``name``, 件数, 占比; the share is
    of the year's sum of these parts (None when that sum is 0)."""
    long = data.melt(id_vars="year", value_vars=list(columns), var_name="key", value_name=COUNT)
    long[name] = long.key.map(columns)
    totals = long.groupby("year")[COUNT].transform("sum")
    long[SHARE] = (long[COUNT] / totals).where(totals > 0)
    long = long.rename(columns={"year": "年度"})
    return long[["年度", name, COUNT, SHARE]]


def stacked_figure(
    parts: pd.DataFrame, name: str, view: str, colours: dict[str, str] | None, title: str
) -> go.Figure:
    """Stacked bars of ``parts_by_year`` rows, as counts or shares."""
    shares = view == "shares"
    figure = charts.year_bars(
        parts,
        x="年度",
        y=SHARE if shares else COUNT,
        colour=name,
        colours=colours,
        title=title,
        percent=shares,
    )
    return figure.update_layout(yaxis_title="占比" if shares else "件", xaxis_title="年度")


def outcomes(data: pd.DataFrame) -> pd.DataFrame:
    """The six outcome groups by year (long)."""
    columns = {OUTCOME_KEYS[group]: label for group, label in template.OUTCOME_GROUP_LABELS.items()}
    return parts_by_year(data, columns, "办理结果")


def applicants(data: pd.DataFrame) -> pd.DataFrame:
    """本年新收 by applicant type by year (long)."""
    return parts_by_year(data, APPLICANT_KEYS, "申请人类型")


# --- Reasons within a group -------------------------------------------------


def reason_rows(group: str) -> dict[str, str]:
    """A group's template rows: row key → its label as the template prints it.
    （六）其他处理 printed as one row (the 2019 template) is marked as such."""
    if group not in REASON_GROUPS:
        raise ValueError(f"not an outcome group with reasons: {group}")
    return {
        row.key: f"{row.label}（未分项）" if row.key == "other_handling" else row.label
        for row in template.APPLICATION_ROWS
        if row.group == group
    }


def reason_columns(group: str) -> dict[str, str]:
    """A group's rows → the wide ``reports`` column of their 总计 cell, read
    from ``cell_keys`` (so SQL only ever names columns the database lists)."""
    rows = reason_rows(group)
    found = query(
        "SELECT row_key, wide_column FROM cell_keys WHERE section = 'applications'"
        " AND col_key = 'total' AND list_contains($rows::VARCHAR[], row_key)",
        {"rows": tuple(rows)},
    )
    columns = dict(zip(found.row_key, found.wide_column, strict=True))
    if set(columns) != set(rows) or not all(_COLUMN_NAME.fullmatch(c) for c in columns.values()):
        raise RuntimeError(f"cell_keys does not list the 总计 cells of {group}: {columns}")
    return {row: columns[row] for row in rows}  # in template order


def reasons_by_year(filters: Filters, group: str) -> pd.DataFrame:
    """Each reason of ``group`` summed by year (long: 年度, 理由, 件数, 占比;
    the share is of the group's total that year). Blank cells count as 0."""
    columns = reason_columns(group)
    where, params = filters.where()
    sums = ", ".join(f"coalesce(sum({column}), 0) AS {row}" for row, column in columns.items())
    wide = query(
        f"SELECT year, {sums} FROM reports WHERE {where} GROUP BY year ORDER BY year", params
    )
    return parts_by_year(wide, reason_rows(group), "理由")


def reason_table(reasons: pd.DataFrame, view: str) -> pd.DataFrame:
    """Years down, reasons across (in template order), with the group total."""
    value = SHARE if view == "shares" else COUNT
    order = list(dict.fromkeys(reasons["理由"]))
    table = reasons.pivot(index="年度", columns="理由", values=value)[order]
    if view != "shares":
        table["合计"] = table.sum(axis=1)
    table.columns.name = None
    return table.reset_index()


def share_columns(table: pd.DataFrame) -> dict[str, object]:
    """Percent format for a table of shares (whose headings do not end in 率)."""
    return {
        name: st.column_config.NumberColumn(format="percent")
        for name in table.columns
        if name != "年度"
    }


# --- Rates ---------------------------------------------------------------------


def rate_figure(data: pd.DataFrame, key: str) -> go.Figure:
    measure = MEASURE_BY_KEY[key]
    figure = charts.rate_lines(
        data,
        x="year",
        rate=key,
        numerator=f"{key}_num",
        denominator=f"{key}_den",
        numerator_label=measure.numerator_label,
        denominator_label=measure.denominator_label,
        title=measure.label,
    )
    return figure.update_layout(xaxis_title="年度", yaxis_title=measure.label)


def rate_table(data: pd.DataFrame, key: str) -> pd.DataFrame:
    return aggregate.labelled(data[["year", key, f"{key}_num", f"{key}_den"]])


def measure_columns(table: pd.DataFrame) -> dict[str, object]:
    """Each labelled measure column's number format and, as its header's
    tooltip, the measure's definition (rate parts: what they sum)."""
    config: dict[str, object] = {}
    for measure in MEASURE_BY_KEY.values():
        heading = aggregate.label(measure.key)
        if heading in table.columns:
            config[heading] = st.column_config.NumberColumn(
                format="percent" if measure.is_rate else "localized", help=measure.definition
            )
        for part, text in (("分子", measure.numerator_label), ("分母", measure.denominator_label)):
            if f"{measure.label}·{part}" in table.columns:
                config[f"{measure.label}·{part}"] = st.column_config.NumberColumn(
                    format="localized", help=f"{measure.label}的{part}：{text}"
                )
    return config


def summary_table(data: pd.DataFrame) -> pd.DataFrame:
    """The yearly figures in one table: flows, outcome groups, rates."""
    columns = ["year", "reports", *FLOW_KEYS, *OUTCOME_KEYS.values(), *RATE_KEYS]
    return aggregate.labelled(data[columns])
