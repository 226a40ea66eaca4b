"""主动公开: the section 二 figures, and the number of items published where
a report's text states it, by year and by agency.

The two templates differ in section 二. The 2019 template (国办公开办函〔2019〕60号)
has the 行政许可, 行政处罚 and 行政强制 decisions, but not the 2021 template's
规章 and 行政规范性文件 issued / repealed / in force, nor the 行政事业性收费 amount.
So every figure says how many 2019-format reports it includes, and a measure
the 2019 template lacks is marked as such instead of counting those reports
as 0. Which template has which cell comes from ``cell_keys.formats``.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import aggregate, charts
from app.db import query
from app.filters import Filters
from app.measures import MEASURE_BY_KEY

HEADLINE = "headline_proactive_items"
# Each measure and the template cell it reads (its ``cell_keys.path``).
CELL_PATHS: dict[str, str] = {
    HEADLINE: "headline.proactive_items",
    "regulations_issued": "proactive.regulations.issued",
    "regulations_repealed": "proactive.regulations.repealed",
    "regulations_in_force": "proactive.regulations.in_force",
    "normative_documents_issued": "proactive.normative_documents.issued",
    "normative_documents_repealed": "proactive.normative_documents.repealed",
    "normative_documents_in_force": "proactive.normative_documents.in_force",
    "licensing_decisions": "proactive.licensing.decisions",
    "penalty_decisions": "proactive.penalty.decisions",
    "coercion_decisions": "proactive.coercion.decisions",
    "fees_10k_yuan": "proactive.fees.amount_10k_yuan",
}
MEASURE_KEYS: tuple[str, ...] = tuple(CELL_PATHS)
DEFAULT_MEASURE = "licensing_decisions"
# Stocks, not flows: summed over agencies within a year, but an agency's
# figure over several years is its latest one, not the sum.
STOCK_KEYS = frozenset(
    key for key in MEASURE_KEYS if key in MEASURE_BY_KEY and MEASURE_BY_KEY[key].stock
)
NOT_IN_2019 = "2019 版模板无此项"
TEMPLATE_LABELS = {"2021": "2021 版报告", "2019": "2019 版报告"}
TEMPLATE_COLOURS = {
    "2021 版报告": charts.SERIES_COLOURS[0],
    "2019 版报告": charts.SERIES_COLOURS[-1],
}
TOP_AGENCIES = 20


@dataclasses.dataclass(frozen=True)
class Cell:
    formats: frozenset[str]  # the templates that print this cell: "2019", "2021"
    item: str  # the template's row label, e.g. 规章


def cells() -> dict[str, Cell]:
    """Measure key → which templates have its cell, from ``cell_keys``."""
    rows = query(
        "SELECT path, formats, row_label FROM cell_keys"
        " WHERE list_contains($paths::VARCHAR[], path)",
        {"paths": tuple(CELL_PATHS.values())},
    )
    by_path = {
        path: Cell(frozenset(formats.split(",")), item)
        for path, formats, item in zip(rows.path, rows.formats, rows.row_label, strict=True)
    }
    return {key: by_path[path] for key, path in CELL_PATHS.items()}


def in_2019(key: str) -> bool:
    return "2019" in cells()[key].formats


def label(key: str) -> str:
    """The measure's heading (with 万元 where it applies)."""
    return aggregate.label(key)


# --- By year -------------------------------------------------------------------


def _sums(key: str) -> str:
    # ``key`` is one of MEASURE_KEYS (a fixed column of report_measures).
    sums = f"sum({key}) AS {key}_sum, sum({key}) FILTER (WHERE format = '2019') AS {key}_sum_2019"
    if key == HEADLINE:
        sums += (
            f", count({key}) AS {key}_stated,"
            f" count({key}) FILTER (WHERE format = '2019') AS {key}_stated_2019"
        )
    return sums


def by_year(filters: Filters) -> pd.DataFrame:
    """One row per year with reports: ``reports``, ``reports_2019`` and, per
    measure, ``<key>`` (None where no report counted has the figure),
    ``<key>_2019`` (the part from 2019-format reports), ``<key>_included``
    and ``<key>_included_2019`` (how many reports, and 2019-format reports,
    the figure counts)."""
    where, params = filters.where()
    raw = query(
        f"""
        SELECT year, count(*) AS reports, count(*) FILTER (WHERE format = '2019') AS reports_2019,
               {", ".join(_sums(key) for key in MEASURE_KEYS)}
        FROM report_measures WHERE {where} GROUP BY year ORDER BY year
        """,
        params,
    )
    return coverage(raw)


def coverage(raw: pd.DataFrame) -> pd.DataFrame:
    """Sums and report counts → each measure's figure and what it counts.

    A report counts for a measure when its template has the cell (a blank
    cell is then 0, as everywhere in the dashboard); for 主动公开信息条数, when
    its text states the number."""
    data = raw[["year", "reports", "reports_2019"]].copy()
    # A report follows one of the two templates (reports.format).
    reports_2021 = raw.reports - raw.reports_2019
    for key in MEASURE_KEYS:
        if key == HEADLINE:
            included, included_2019 = raw[f"{key}_stated"], raw[f"{key}_stated_2019"]
        else:
            formats = cells()[key].formats
            included_2019 = raw.reports_2019 * ("2019" in formats)
            included = included_2019 + reports_2021 * ("2021" in formats)
        data[key] = raw[f"{key}_sum"].fillna(0).where(included > 0)
        data[f"{key}_2019"] = raw[f"{key}_sum_2019"].fillna(0).where(included_2019 > 0)
        data[f"{key}_included"] = included
        data[f"{key}_included_2019"] = included_2019
    return data


def note(key: str, row: pd.Series) -> str:
    """What a figure of one ``by_year`` row (or a total of rows) counts, in words."""
    reports, reports_2019 = int(row.reports), int(row.reports_2019)
    included, included_2019 = int(row[f"{key}_included"]), int(row[f"{key}_included_2019"])
    of_2019 = f"，含 2019 版报告 {included_2019:,} 份" if included_2019 else ""
    if key == HEADLINE:
        if included == 0:
            return f"{reports:,} 份报告均未在正文写明"
        return f"{reports:,} 份报告中 {included:,} 份在正文写明{of_2019}"
    if in_2019(key):
        return f"计入 {included:,} 份报告{of_2019}"
    if included == 0:
        return NOT_IN_2019
    if reports_2019:
        left_out = f"{reports_2019:,} 份 2019 版报告未计入（{NOT_IN_2019}）"
        return f"计入 2021 版报告 {included:,} 份；{left_out}"
    return f"计入 {included:,} 份报告"


def value_text(key: str, value: float | None) -> str:
    """A figure as shown, or why there is none."""
    if value is not None and not pd.isna(value):
        return show_number(value, MEASURE_BY_KEY[key].unit)
    return "—" if key == HEADLINE or in_2019(key) else NOT_IN_2019


def show_number(value: float, unit: str) -> str:
    return f"{value:,.2f}" if unit == "万元" else f"{value:,.0f}"


@dataclasses.dataclass(frozen=True)
class LatestFigure:
    key: str
    label: str
    definition: str
    text: str  # the figure as shown
    note: str  # what it counts


def latest_figures(data: pd.DataFrame) -> tuple[int, list[LatestFigure]]:
    """The latest year of a non-empty ``by_year`` result and its figures."""
    latest = data.iloc[-1]
    figures = [
        LatestFigure(
            key,
            label(key),
            MEASURE_BY_KEY[key].definition,
            value_text(key, latest[key]),
            note(key, latest),
        )
        for key in MEASURE_KEYS
    ]
    return int(latest.year), figures


def year_note(row: pd.Series) -> str:
    """The measures a year's 2019-format reports do not have."""
    if not row.reports_2019:
        return ""
    items = dict.fromkeys(cells()[key].item for key in MEASURE_KEYS if not in_2019(key))
    return f"{'、'.join(items)}：{NOT_IN_2019}，{int(row.reports_2019):,} 份 2019 版报告未计入"


def year_table(data: pd.DataFrame) -> pd.DataFrame:
    """Every measure by year, as the page shows it (blank where the template
    has no such item; 说明 says so)."""
    table = pd.DataFrame(
        {
            "年度": data.year,
            "报告数": data.reports,
            "其中 2019 版报告": data.reports_2019,
            "正文写明主动公开条数的报告": data[f"{HEADLINE}_included"],
        }
    )
    for key in MEASURE_KEYS:
        table[label(key)] = data[key]
    table["说明"] = data.apply(year_note, axis=1)
    return table


COUNT_HELP = {
    "报告数": MEASURE_BY_KEY["reports"].definition,
    "其中 2019 版报告": "按 2019 版模板填报的报告份数",
    "正文写明主动公开条数的报告": "正文（一、总体情况）写明本年主动公开政府信息条数的报告份数",
    "计入报告数": "这一数字所计入的报告份数（模板有此项；主动公开信息条数为正文写明的）",
    "数据年度": "现行有效件数所取的报告年度（机关在筛选范围内最近一年有此项的报告）",
    "说明": "该年度哪些数字未计入 2019 版报告及其原因",
}


def column_help(table: pd.DataFrame) -> dict[str, object]:
    """Each column's definition as its header's tooltip, numbers with
    thousands separators (the 万元 amount with two decimals)."""
    config: dict[str, object] = {}
    for key in MEASURE_KEYS:
        if label(key) in table.columns:
            money = MEASURE_BY_KEY[key].unit == "万元"
            config[label(key)] = st.column_config.NumberColumn(
                format="accounting" if money else "localized", help=MEASURE_BY_KEY[key].definition
            )
    for name, text in COUNT_HELP.items():
        if name in table.columns:
            if name == "说明":
                config[name] = st.column_config.TextColumn(help=text)
            elif name == "数据年度":
                config[name] = st.column_config.NumberColumn(format="%d", help=text)
            else:
                config[name] = st.column_config.NumberColumn(format="localized", help=text)
    return config


# --- Trend of one measure ---------------------------------------------------


def trend_data(data: pd.DataFrame, key: str) -> pd.DataFrame:
    """One measure by year and report template (2021 版 / 2019 版), the
    figures the trend chart stacks; years without the item have no rows."""
    part_2019, counted_2019 = data[f"{key}_2019"], data[f"{key}_included_2019"]
    by_template = {
        "2021": (data[key] - part_2019.fillna(0), data[f"{key}_included"] - counted_2019),
        "2019": (part_2019, counted_2019),
    }
    frames = [
        pd.DataFrame(
            {
                "年度": data.year,
                "报告模板": TEMPLATE_LABELS[fmt],
                label(key): figures,
                "计入报告数": counted,
            }
        )
        for fmt, (figures, counted) in by_template.items()
    ]
    long = pd.concat(frames, ignore_index=True)
    long = long[long["计入报告数"] > 0]
    return long.sort_values(["年度", "报告模板"], ascending=[True, False], ignore_index=True)


def trend_figure(data: pd.DataFrame, trend: pd.DataFrame, key: str) -> go.Figure:
    """Bars by year, the 2019-format reports' part stacked on the 2021 part;
    a year whose reports lack the item says so instead of showing 0."""
    name = label(key)
    figure = charts.year_bars(
        trend,
        x="年度",
        y=name,
        colour="报告模板",
        colours=TEMPLATE_COLOURS,
        title=f"{name}（逐年）",
    )
    money = MEASURE_BY_KEY[key].unit == "万元"
    number = "%{y:,.2f}" if money else "%{y:,}"
    figure.update_traces(
        hovertemplate=f"%{{x}} 年度<br>{number}<br>计入报告：%{{customdata[0]:,}} 份"
        "<extra>%{fullData.name}</extra>"
    )
    for trace in figure.data:
        counts = trend.loc[trend["报告模板"] == trace.name, "计入报告数"]
        trace.customdata = counts.to_numpy().reshape(-1, 1)
        if money:
            trace.texttemplate = "%{y:,.2f}"
    # 2021 版 at the bottom of each bar, whichever year comes first.
    figure.data = sorted(figure.data, key=lambda trace: trace.name != TEMPLATE_LABELS["2021"])
    years = [int(year) for year in data.year]
    figure.update_xaxes(categoryorder="array", categoryarray=years, title="年度")
    figure.update_yaxes(title=MEASURE_BY_KEY[key].unit, tickformat=",.2~f" if money else ",~f")
    missing = [int(year) for year in data.loc[data[key].isna(), "year"]]
    if missing:
        # A bar of height 0 that carries the reason: the year keeps its place
        # on the axis and says why it has no figure.
        reason = "正文未写明" if key == HEADLINE else NOT_IN_2019
        figure.add_bar(
            x=missing,
            y=[0] * len(missing),
            text=[reason] * len(missing),
            textposition="outside",
            name=reason,
            showlegend=False,
            hoverinfo="skip",
            marker_color="rgba(0,0,0,0)",
        )
    return figure


# --- By agency -------------------------------------------------------------


def by_agency(filters: Filters, key: str, limit: int = TOP_AGENCIES) -> pd.DataFrame:
    """The agencies with the largest figure of ``key`` over the filtered years.

    Only reports that have the figure count (template has the item, or the
    text states the number). A stock (现行有效) is the agency's latest such
    report's figure; anything else is the sum. Columns: agency_id,
    agency_name, value, included, included_2019, latest_year."""
    if key not in CELL_PATHS:
        raise ValueError(f"not a proactive measure: {key}")
    where, params = filters.where("m")
    if key == HEADLINE:
        counted = f"m.{key} IS NOT NULL"
    else:
        counted = "list_contains($formats::VARCHAR[], m.format)"
        params = {**params, "formats": tuple(sorted(cells()[key].formats))}
    value = (
        f"arg_max(coalesce(m.{key}, 0), m.year)"
        if key in STOCK_KEYS
        else f"coalesce(sum(m.{key}), 0)"
    )
    return query(
        f"""
        SELECT m.agency_id, a.name AS agency_name, {value} AS value, count(*) AS included,
               count(*) FILTER (WHERE m.format = '2019') AS included_2019,
               max(m.year) AS latest_year
        FROM report_measures m JOIN agencies a USING (agency_id)
        WHERE {where} AND {counted}
        GROUP BY m.agency_id, a.name
        ORDER BY value DESC, agency_name LIMIT $limit
        """,
        {**params, "limit": limit},
    )


def agency_table(data: pd.DataFrame, key: str) -> pd.DataFrame:
    """``by_agency`` rows with the page's headings."""
    table = pd.DataFrame(
        {
            "机关": data.agency_name,
            label(key): data.value,
            "计入报告数": data.included,
            "其中 2019 版报告": data.included_2019,
        }
    )
    if key in STOCK_KEYS:
        table["数据年度"] = data.latest_year
    return table


def agency_note(key: str) -> str:
    """How the by-agency figure is counted, for the caption."""
    parts = []
    if key == HEADLINE:
        parts.append("只计正文写明条数的报告")
    elif not in_2019(key):
        parts.append(f"只计 2021 版报告（{NOT_IN_2019}），只有 2019 版报告的机关不列入")
    else:
        parts.append("2021 版和 2019 版报告都计入，「其中 2019 版报告」列为计入的 2019 版报告份数")
    if key in STOCK_KEYS:
        parts.append("现行有效件数是存量，取各机关筛选范围内最近一年报告的数字（见「数据年度」）")
    else:
        parts.append("为筛选年度之和")
    return "；".join(parts) + "。"
