"""总览: the headline figures of the latest year with their change on the year
before, the trend by year, and the agencies with the most applications."""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.graph_objects as go

from app import aggregate, charts
from app.db import query
from app.filters import Filters
from app.measures import MEASURE_BY_KEY

HEADLINE_KEYS = (
    "agencies",
    "reports",
    "received",
    "disclosure_rate",
    "review_total",
    "review_correction_rate",
    "litigation_total",
    "litigation_correction_rate",
)
TREND_KEYS = ("reports", "received", "processed", "disclosure_rate", "review_total",
              "litigation_total")  # fmt: skip
TOP_AGENCIES = 10


@dataclasses.dataclass(frozen=True)
class Headline:
    key: str
    label: str
    definition: str
    value: float | None
    change: float | None  # on the year before; percentage points for rates
    is_rate: bool
    series: tuple[float, ...]  # the selected years, oldest first, for a sparkline


def headlines(filters: Filters) -> tuple[int, list[Headline]] | None:
    """The latest year in the selection and its figures, or None if empty."""
    years = aggregate.by_year(filters, *HEADLINE_KEYS)
    if years.empty:
        return None
    latest = years.iloc[-1]
    year = int(latest.year)
    before = aggregate.by_year(
        dataclasses.replace(filters, year_from=year - 1, year_to=year - 1), *HEADLINE_KEYS
    )
    previous = before.iloc[0] if not before.empty else None
    result = []
    for key in HEADLINE_KEYS:
        measure = MEASURE_BY_KEY[key]
        value = _number(latest[key])
        change = None
        if previous is not None and value is not None and _number(previous[key]) is not None:
            change = value - _number(previous[key])
        series = tuple(float(v) for v in years[key].dropna())
        result.append(
            Headline(key, measure.label, measure.definition, value, change, measure.is_rate, series)
        )
    return year, result


def region_overlaps(filters: Filters) -> int:
    """Region-wide reports in the selection that share a year with another
    selected report from inside their region: their sum counts twice."""
    where, params = filters.where("r")
    inner, _ = filters.where("o")
    return int(
        query(
            f"""
            SELECT count(*) AS n FROM reports r
            WHERE {where} AND r.scope = 'region' AND EXISTS (
                SELECT 1 FROM reports o
                WHERE {inner} AND o.report_id <> r.report_id AND o.year = r.year
                  AND o.province = r.province
                  AND (r.city IS NULL OR o.city = r.city)
                  AND (r.county IS NULL OR o.county = r.county))
            """,
            params,
        ).n.iloc[0]
    )


def caveats(filters: Filters, year: int, figures: list[Headline]) -> list[str]:
    """What a reader must know before trusting the year's changes and totals."""
    notes = []
    reports = next(figure for figure in figures if figure.key == "reports")
    if reports.change:
        before = reports.value - reports.change
        notes.append(
            f"{year} 年度收录 {reports.value:,.0f} 份报告，{year - 1} 年度 {before:,.0f} 份："
            "各项变化含收录范围的变化。"
        )
    if not filters.without_region:
        overlapping = region_overlaps(filters)
        if overlapping:
            notes.append(
                f"筛选范围内有 {overlapping:,} 份区域汇总报告（正文写明本地区合计数），同年度"
                "本地区其他机关的报告也在范围内，相加会重复计算；可在左侧勾选“不计区域汇总报告”。"
            )
    flawed = aggregate.by_year(
        dataclasses.replace(filters, year_from=year, year_to=year), "reports_with_errors"
    )
    count = int(flawed.reports_with_errors.iloc[0]) if not flawed.empty else 0
    if count:
        notes.append(
            f"{year} 年度有 {count:,} 份报告存在错误（如总计与分项之和不符），"
            "其数字按报告所印计入，各页合计可能与分项之和不一致；详见「数据质量」页。"
        )
    return notes


def _number(value: object) -> float | None:
    return None if pd.isna(value) else float(value)


def trend(filters: Filters) -> pd.DataFrame:
    return aggregate.by_year(filters, *TREND_KEYS)


def trend_figure(data: pd.DataFrame) -> go.Figure:
    """Applications received per year, with the 公开率 on a second axis."""
    return charts.bars_with_rate(data, ("received",), "disclosure_rate", "本年新收申请与公开率")


def review_figure(data: pd.DataFrame) -> go.Figure:
    long = data.melt(
        id_vars="year", value_vars=["review_total", "litigation_total"], value_name="cases"
    )
    long["kind"] = long.variable.map(lambda key: MEASURE_BY_KEY[key].label)
    colours = {MEASURE_BY_KEY[key].label: charts.MEASURE_COLOURS[key]
               for key in ("review_total", "litigation_total")}  # fmt: skip
    return charts.year_bars(
        long, x="year", y="cases", colour="kind", colours=colours, barmode="group",
        title="行政复议与行政诉讼案件",
    ).update_layout(xaxis_title="年度", yaxis_title="件")  # fmt: skip


def top_agencies(filters: Filters) -> pd.DataFrame:
    return aggregate.by_agency(
        filters, "received", "processed", "disclosure_rate", limit=TOP_AGENCIES
    )
