"""机关对比's 多指标并列: the agencies compared, on several measures at once —
one table with a row per measure and agency (a count's value; a rate with its
numerator and denominator), and a chart of small multiples, one panel per
measure, the agencies in the same colours in every panel.

Each figure is the agency's sum over its reports in the selected years, as in
the ranking (app/compare.py); a rate is the rate of those sums.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from app import aggregate, charts, compare, show
from app.db import query
from app.filters import Filters
from app.measures import MEASURE_BY_KEY
from app.plain import chart_text
from app.urlstate import InvalidParameter, parse_many

MAX_MEASURES = 6
DEFAULT_MEASURES = ["received", "disclosure_rate", "review_correction_rate",
                    "litigation_correction_rate"]  # fmt: skip
AGENCY_ID = show.AGENCY_ID
MEASURE = "指标"
VALUE, RATE, NUMERATOR, DENOMINATOR = "数值", "比率", "分子", "分母"
NOTE = compare.NOTE
_PANELS_PER_ROW = 2
_NOTE_COLOUR = "#616161"  # a note standing where a bar would be: grey, not an agency's colour


def parse_measures(values: list[str]) -> list[str]:
    """The measures a link brings: known ones, at most MAX_MEASURES (the first)."""
    known = parse_many(lambda key: key if key in compare.MEASURE_CHOICES else None, "指标")
    try:
        chosen, problem = known(values), None
    except InvalidParameter as unknown:  # unknown keys: noted, the known ones kept
        chosen, problem = unknown.usable, str(unknown)
    if len(chosen) > MAX_MEASURES:
        problem = problem or (
            f"并列的指标最多 {MAX_MEASURES} 个，链接中有 {len(chosen)} 个，取前 {MAX_MEASURES} 个"
        )
    if problem:
        raise InvalidParameter(problem, chosen[:MAX_MEASURES])
    return chosen


def figures(scope: Filters, keys: list[str], agency_ids: list[str]) -> pd.DataFrame:
    """Per agency of ``agency_ids``: each measure of ``keys`` over the scope's
    years (a rate as ``<key>``, ``<key>_num``, ``<key>_den``)."""
    where, params = scope.where()
    values = ", ".join(compare.value_sql(MEASURE_BY_KEY[key], key) for key in keys)
    return query(
        f"""
        SELECT agency_id, {values} FROM report_measures
        WHERE {where} AND list_contains($drawn::VARCHAR[], agency_id)
        GROUP BY agency_id
        """,
        {**params, "drawn": tuple(agency_ids)},
    )


def table(
    data: pd.DataFrame, drawn: pd.DataFrame, keys: list[str], min_cases: int = 0
) -> pd.DataFrame:
    """One row per measure and agency (measures in the order chosen, agencies
    in the order of ``drawn``, the ranking's rows): 指标, 机关, 数值 for a count,
    比率 with its 分子 and 分母 for a rate, 机关编号. Long, not one column group
    per measure: it fits a 1280-wide screen and an A4 page, and pivots in Excel.
    A rate over fewer than ``min_cases`` cases, or over none, is kept with its
    parts and 说明 says so (the chart draws no bar for it, as the ranking
    ranks it not)."""
    rows = drawn[["agency_id", "label"]].merge(data, on="agency_id", how="left")
    parts = []
    for key in keys:
        measure = MEASURE_BY_KEY[key]
        rate = measure.is_rate
        empty = pd.Series(pd.NA, index=rows.index, dtype="Float64")
        parts.append(
            pd.DataFrame(
                {
                    MEASURE: aggregate.label(key),
                    compare.AGENCY: rows.label,
                    VALUE: empty if rate else rows[key].astype("Float64"),
                    RATE: rows[key].astype("Float64") if rate else empty,
                    NUMERATOR: rows[f"{key}_num"].astype("Float64") if rate else empty,
                    DENOMINATOR: rows[f"{key}_den"].astype("Float64") if rate else empty,
                    AGENCY_ID: rows.agency_id,
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    notes = _notes(rows, min_cases)
    if notes.str.len().any():
        rows.insert(len(rows.columns) - 1, NOTE, notes)
    return rows


def _notes(rows: pd.DataFrame, min_cases: int) -> pd.Series:
    """Why a rate is not compared: too few cases, or none."""
    is_rate = rows[DENOMINATOR].notna()
    too_few = is_rate & rows[RATE].notna() & (rows[DENOMINATOR] < min_cases)
    no_case = is_rate & rows[RATE].isna()
    notes = pd.Series("", index=rows.index, dtype=object)
    notes[too_few.fillna(False).astype(bool)] = f"分母不足 {min_cases:,} 件，不比较"
    notes[no_case.fillna(False).astype(bool)] = "无案件"
    return notes


def definitions(keys: list[str]) -> str:
    """What 分子 and 分母 are for each rate chosen, for the caption."""
    rates = [MEASURE_BY_KEY[key] for key in keys if MEASURE_BY_KEY[key].is_rate]
    parts = [f"{m.label}：分子为{m.numerator_label}，分母为{m.denominator_label}" for m in rates]
    return "；".join(parts)


def column_config() -> dict[str, object]:
    return {
        VALUE: st.column_config.NumberColumn(format="localized", help="计数类指标的合计"),
        RATE: st.column_config.NumberColumn(format="percent", help="分子 ÷ 分母（合计后计算）"),
        NUMERATOR: st.column_config.NumberColumn(format="localized", help="比率的分子"),
        DENOMINATOR: st.column_config.NumberColumn(format="localized", help="比率的分母"),
    }


def figure(shown: pd.DataFrame, keys: list[str]) -> go.Figure:
    """One bar panel per measure, an agency's bar the same colour in each,
    its value written on it (0 too); a rate's hover gives its numerator and
    denominator. A rate the table notes (too few cases, none) has no bar:
    the note stands in its place."""
    columns = min(len(keys), _PANELS_PER_ROW)
    rows = math.ceil(len(keys) / columns)
    titles = [aggregate.label(key) for key in keys]
    chart = make_subplots(rows=rows, cols=columns, subplot_titles=titles,
                          vertical_spacing=0.3 / rows, horizontal_spacing=0.12)  # fmt: skip
    colours = charts.SERIES_COLOURS
    for index, key in enumerate(keys):
        measure = MEASURE_BY_KEY[key]
        panel = shown[shown[MEASURE] == aggregate.label(key)]
        for position, row in enumerate(panel.to_dict("records")):
            name = chart_text(row[compare.AGENCY])  # the agency, shown as written
            note = row.get(NOTE, "")
            if note:
                parts = (f"{measure.numerator_label} {_count(row[NUMERATOR])}"
                         f" / {measure.denominator_label} {_count(row[DENOMINATOR])}")  # fmt: skip
                chart.add_annotation(
                    x=name, y=0, text=note, textangle=-90, showarrow=False, yanchor="bottom",
                    hovertext=f"{name}<br>{parts}",
                    font={"size": 11, "color": _NOTE_COLOUR},
                    row=index // columns + 1, col=index % columns + 1,
                )  # fmt: skip
            if measure.is_rate:
                value = None if note else row[RATE]
                text = "%{y:.1%}"
                hover = (f"{text}<br>{measure.numerator_label} {_count(row[NUMERATOR])}"
                         f" / {measure.denominator_label} {_count(row[DENOMINATOR])}")  # fmt: skip
            else:
                value = row[VALUE]
                text = hover = "%{y:,.2f}" if measure.unit == "万元" else "%{y:,}"
            chart.add_trace(
                go.Bar(
                    x=[name], y=[value], name=name, legendgroup=name, showlegend=index == 0,
                    marker_color=colours[position % len(colours)], texttemplate=text,
                    textposition="outside", cliponaxis=False,
                    hovertemplate=f"%{{x}}<br>{hover}<extra></extra>",
                ),
                row=index // columns + 1, col=index % columns + 1,
            )  # fmt: skip
    chart = charts.styled(chart)
    for index, key in enumerate(keys):  # after styled(), which sets one format for all
        percent = MEASURE_BY_KEY[key].is_rate
        chart.update_yaxes(tickformat=".1~%" if percent else ",~f",
                           row=index // columns + 1, col=index % columns + 1)  # fmt: skip
    chart.update_xaxes(showticklabels=False)  # the legend names the colours
    chart.update_layout(title="多指标并列", height=230 * rows + 130, bargap=0.25,
                        legend={"y": -0.3 / rows})  # fmt: skip
    return chart


def _count(value: object) -> str:
    return "—" if pd.isna(value) else f"{int(value):,}"
