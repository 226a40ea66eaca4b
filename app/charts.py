"""Plotly figures in the dashboard's one style: Chinese labels, thousands
separators, and one colour per outcome on every page."""

from __future__ import annotations

import itertools
import numbers

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from app.measures import MEASURE_BY_KEY
from app.plain import chart_text
from etl import template

# 予以公开 … 其他处理: greens for what was disclosed, warm colours for what was not.
OUTCOME_COLOURS: dict[str, str] = dict(
    zip(
        template.OUTCOME_GROUP_LABELS.values(),
        ("#2e7d32", "#81c784", "#c62828", "#ef6c00", "#6a1b9a", "#78909c"),
        strict=False,
    )
)
REVIEW_OUTCOME_COLOURS: dict[str, str] = dict(
    zip(
        template.REVIEW_COLUMN_LABELS.values(),
        ("#1565c0", "#c62828", "#78909c", "#ffb300", "#37474f"),
        strict=False,
    )
)
# Applicant types: a palette of their own, apart from the measures' colours below.
APPLICANT_COLOURS: dict[str, str] = dict(
    zip(
        list(template.APPLICANT_COLUMN_LABELS.values())[:-1],
        ("#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#b3b3b3"),
        strict=False,
    )
)
SERIES_COLOURS = px.colors.qualitative.Safe
# Measures drawn side by side on several pages keep one colour everywhere.
MEASURE_COLOURS: dict[str, str] = {
    "received": "#1565c0",
    "processed": "#00838f",
    "carried_over": "#90caf9",
    "review_total": "#8e24aa",
    "litigation_total": "#6d4c41",
    "disclosure_rate": OUTCOME_COLOURS["予以公开"],
    "carry_forward_rate": "#ef6c00",
    "review_correction_rate": "#8e24aa",
    "litigation_direct_correction_rate": "#6d4c41",
    "litigation_after_review_correction_rate": "#a1887f",
    "litigation_correction_rate": "#6d4c41",
}
_LABEL_COLOURS = {MEASURE_BY_KEY[key].label: colour for key, colour in MEASURE_COLOURS.items()}
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def styled(figure: go.Figure, *, percent: bool = False, money: bool = False) -> go.Figure:
    """The common layout: Chinese font, ``1,234`` numbers, legend on top."""
    figure.update_layout(
        font_family=FONT,
        separators=".,",
        uniformtext_minsize=9,  # a label that does not fit its bar segment is hidden
        uniformtext_mode="hide",
        legend={"orientation": "h", "y": -0.2, "title": None},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hoverlabel={"font_family": FONT},
    )
    # "~" drops trailing zeros, so a small range reads 0, 0.5, 1 rather than 0, 1, 1.
    tickformat = ".1~%" if percent else (",.2~f" if money else ",~f")
    figure.update_yaxes(tickformat=tickformat, rangemode="tozero")
    figure.update_xaxes(type="category")
    if not percent and not money:
        whole_steps(figure, "y")
    return figure


_FEW_CASES = 5  # an axis up to this ticks 0.2, 0.4 … unless told to tick whole cases


def whole_steps(figure: go.Figure, axis: str) -> None:
    """A count axis over a few cases ticks 0, 1, 2 件, not 0.2, 0.4 … 件 (the
    main axis only: a rate's second axis has its own ticks). Stacked bars
    are as high as their sum."""
    stacked = figure.layout.barmode in ("stack", "relative")
    sums: dict[object, float] = {}
    largest = 0.0
    for trace in figure.data:
        values = getattr(trace, axis)
        if values is None or getattr(trace, f"{axis}axis", None) not in (None, axis):
            continue
        places = getattr(trace, "y" if axis == "x" else "x")
        places = itertools.count() if places is None else places  # a trace given one axis only
        for place, value in zip(places, values, strict=False):
            if not isinstance(value, numbers.Real) or value != value:  # text, or NaN
                continue
            if stacked:
                sums[place] = value = sums.get(place, 0.0) + value
            largest = max(largest, value)
    if largest < _FEW_CASES:
        figure.update_layout({f"{axis}axis": {"dtick": 1}})


def _shown_as_text(data: pd.DataFrame) -> pd.DataFrame:
    """Names in the data (an agency's, from its report's title) as labels that
    plotly shows as written, never as its HTML (a link, a line break)."""
    text = {
        name: data[name].map(chart_text, na_action="ignore")
        for name in data.columns
        if pd.api.types.is_object_dtype(data[name]) or pd.api.types.is_string_dtype(data[name])
    }
    return data.assign(**text) if text else data


def year_bars(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    colour: str | None = None,
    colours: dict[str, str] | None = None,
    title: str = "",
    barmode: str = "stack",
    percent: bool = False,
) -> go.Figure:
    """Bars per year (or per agency), stacked by ``colour`` when given."""
    figure = px.bar(
        _shown_as_text(data),
        x=x,
        y=y,
        color=colour,
        color_discrete_map=_LABEL_COLOURS | (colours or {}),
        color_discrete_sequence=SERIES_COLOURS,
        barmode=barmode,
        title=title,
        text_auto=".1%" if percent else ",d",
    )
    hover = "%{y:.1%}" if percent else "%{y:,}"
    figure.update_traces(hovertemplate=f"%{{x}}<br>{hover}<extra>%{{fullData.name}}</extra>")
    return styled(figure, percent=percent)


def rate_lines(
    data: pd.DataFrame,
    *,
    x: str,
    rate: str,
    numerator: str,
    denominator: str,
    numerator_label: str,
    denominator_label: str,
    series: str | None = None,
    title: str = "",
) -> go.Figure:
    """A rate over the years; hovering a point shows its numerator and
    denominator, so a reader sees what the percentage is made of."""
    figure = px.line(
        _shown_as_text(data),
        x=x,
        y=rate,
        color=series,
        markers=True,
        title=title,
        custom_data=[numerator, denominator],
        # One rate alone is drawn in its own colour, as on every page.
        color_discrete_sequence=(
            [MEASURE_COLOURS[rate]]
            if series is None and rate in MEASURE_COLOURS
            else SERIES_COLOURS
        ),
    )
    figure.update_traces(
        hovertemplate=(
            f"%{{x}}：%{{y:.1%}}<br>{numerator_label}：%{{customdata[0]:,}}"
            f"<br>{denominator_label}：%{{customdata[1]:,}}<extra></extra>"
        )
    )
    return styled(figure, percent=True)


def ranking_bars(data: pd.DataFrame, *, name: str, value: str, title: str = "") -> go.Figure:
    """Horizontal bars, largest on top, for top-N agency lists."""
    figure = px.bar(
        _shown_as_text(data.iloc[::-1]),
        x=value,
        y=name,
        orientation="h",
        title=title,
        text_auto=",d",
    )
    figure.update_traces(
        marker_color=SERIES_COLOURS[0], hovertemplate="%{y}<br>%{x:,}<extra></extra>"
    )
    figure = styled(figure)
    figure.update_xaxes(tickformat=",~f", type="linear")
    figure.update_yaxes(type="category", title=None)
    whole_steps(figure, "x")
    return figure


def bars_with_rate(data: pd.DataFrame, bars: tuple[str, ...], rate: str, title: str) -> go.Figure:
    """Counts per year as bars, and a rate on a second axis whose hover shows
    its numerator and denominator (``data`` from aggregate.by_year)."""
    figure = go.Figure()
    for key in bars:
        label = MEASURE_BY_KEY[key].label
        figure.add_bar(
            x=data.year,
            y=data[key],
            name=label,
            marker_color=MEASURE_COLOURS.get(key),
            texttemplate="%{y:,}",
            hovertemplate=f"%{{x}} 年度<br>{label}：%{{y:,}} 件<extra></extra>",
        )
    measure = MEASURE_BY_KEY[rate]
    figure.add_scatter(
        x=data.year,
        y=data[rate],
        name=measure.label,
        yaxis="y2",
        mode="lines+markers",
        marker_color=OUTCOME_COLOURS["予以公开"],
        customdata=data[[f"{rate}_num", f"{rate}_den"]],
        hovertemplate=(
            f"%{{x}} 年度<br>{measure.label}：%{{y:.1%}}<br>{measure.numerator_label}："
            f"%{{customdata[0]:,}}<br>{measure.denominator_label}：%{{customdata[1]:,}}"
            "<extra></extra>"
        ),
    )
    figure.update_layout(
        title=title,
        barmode="group",
        yaxis={"title": "件"},
        # A rate's axis is always 0–100 %: comparable between charts, never cut off.
        yaxis2={"title": measure.label, "overlaying": "y", "side": "right", "range": [0, 1.05],
                "dtick": 0.2, "showgrid": False},
    )  # fmt: skip
    figure = styled(figure)
    figure.update_layout(yaxis2={"tickformat": ".0%"})
    return figure
