"""总览: the headline figures of the latest year with their change on the year
before, the trend by year, and the agencies with the most applications."""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.graph_objects as go

from app import aggregate, charts
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


def _number(value: object) -> float | None:
    return None if pd.isna(value) else float(value)


def trend(filters: Filters) -> pd.DataFrame:
    return aggregate.by_year(filters, *TREND_KEYS)


def trend_figure(data: pd.DataFrame) -> go.Figure:
    """Applications received per year, with the 公开率 on a second axis."""
    measure = MEASURE_BY_KEY["disclosure_rate"]
    figure = go.Figure()
    figure.add_bar(
        x=data.year,
        y=data.received,
        name="本年新收申请",
        marker_color=charts.SERIES_COLOURS[0],
        texttemplate="%{y:,}",
        hovertemplate="%{x} 年度<br>本年新收申请：%{y:,} 件<extra></extra>",
    )
    figure.add_scatter(
        x=data.year,
        y=data.disclosure_rate,
        name="公开率",
        yaxis="y2",
        mode="lines+markers",
        marker_color=charts.OUTCOME_COLOURS["予以公开"],
        customdata=data[["disclosure_rate_num", "disclosure_rate_den"]],
        hovertemplate=(
            f"%{{x}} 年度<br>公开率：%{{y:.1%}}<br>{measure.numerator_label}：%{{customdata[0]:,}}"
            f"<br>{measure.denominator_label}：%{{customdata[1]:,}}<extra></extra>"
        ),
    )
    figure.update_layout(
        title="本年新收申请与公开率",
        yaxis={"title": "件"},
        yaxis2={"title": "公开率", "overlaying": "y", "side": "right", "tickformat": ".0%",
                "rangemode": "tozero", "showgrid": False},
    )  # fmt: skip
    figure = charts.styled(figure)
    figure.update_layout(yaxis2={"tickformat": ".0%"})
    return figure


def review_figure(data: pd.DataFrame) -> go.Figure:
    long = data.melt(
        id_vars="year", value_vars=["review_total", "litigation_total"], value_name="cases"
    )
    long["kind"] = long.variable.map(lambda key: MEASURE_BY_KEY[key].label)
    return charts.year_bars(
        long, x="year", y="cases", colour="kind", barmode="group", title="行政复议与行政诉讼案件"
    ).update_layout(xaxis_title="年度", yaxis_title="件")


def top_agencies(filters: Filters) -> pd.DataFrame:
    return aggregate.by_agency(
        filters, "received", "processed", "disclosure_rate", limit=TOP_AGENCIES
    )
