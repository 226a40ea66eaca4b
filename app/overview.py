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
from etl import template

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
# What each trend chart draws, and so what its CSV holds (a rate with its parts).
TREND_CHART_KEYS = ("reports", "received", "disclosure_rate")
REVIEW_CHART_KEYS = ("reports", "review_total", "litigation_total")
TOP_AGENCIES = 10
# A total card's parts: its rate (纠错率) is read from them, the total as printed.
TOTAL_PARTS = {
    "review_total": ("review",),
    "litigation_total": ("litigation_direct", "litigation_after_review"),
}
_OUTCOMES = tuple(column for column in template.REVIEW_COLUMNS if column != "total")


@dataclasses.dataclass(frozen=True)
class Headline:
    key: str
    label: str
    definition: str
    value: float | None
    change: float | None  # on the year before; percentage points for rates
    is_rate: bool
    series: tuple[float, ...]  # the selected years, oldest first, for a sparkline
    numerator: float | None = None  # a rate's cases: its parts, summed like the rate
    denominator: float | None = None
    parts: float | None = None  # a total's outcomes summed, when they differ from the total

    def change_text(self) -> str | None:
        """The change on the year before as a card shows it: +1,234, or +4.2 个百分点."""
        if self.change is None:
            return None
        return f"{self.change * 100:+.1f} 个百分点" if self.is_rate else f"{self.change:+,.0f}"

    def cases(self) -> str | None:
        """A rate's "n / m 件", shown beside it; None for a count or no cases."""
        if not self.is_rate or self.denominator is None:
            return None
        return f"{self.numerator or 0:,.0f} / {self.denominator:,.0f} 件"

    def parts_note(self) -> str | None:
        """Why a total and the rate beside it disagree: the printed total is
        not the sum of the outcomes the rate is read from."""
        if self.parts is None:
            return None
        return (
            f"分项之和 {self.parts:,.0f} 件"  # short enough for a card at 1280 wide; help says why
        )


PARTS_HELP = (
    "总计按报告所印计入；有报告所印总计与其分项（结果维持、结果纠正、其他结果、尚未审结）之和不符，"
    "而纠错率由分项算出，故两者不一致：详见「数据质量」页。"
)


# The rule that flags a printed 总计 of 四 that is not its outcomes' sum.
PARTS_RULE = "review_litigation.total"


def parts_warning(figures: list[Headline], year: int) -> str | None:
    """The line under the cards when a total card and its rate disagree."""
    split = [f"{f.label}按所印为 {f.value:,.0f} 件、分项之和 {f.parts:,.0f} 件"
             for f in figures if f.parts is not None and f.value is not None]  # fmt: skip
    if not split:
        return None
    return (
        f"{year} 年度有报告所印的总计与其分项之和不符：{'；'.join(split)}。"
        "卡片上的总计按报告所印计入，纠错率由分项算出，两者因此不一致。"
    )


def parts_sums(filters: Filters, year: int) -> dict[str, float]:
    """The year's total cards whose outcomes (维持、纠正、其他、尚未审结) do
    not add up to the printed total, with the outcomes' sum."""
    columns = ", ".join(
        f"{' + '.join(f'sum({group}_{outcome})' for group in groups for outcome in _OUTCOMES)}"
        f" AS {key}, {' + '.join(f'sum({group}_total)' for group in groups)} AS {key}_printed"
        for key, groups in TOTAL_PARTS.items()
    )
    one_year = dataclasses.replace(filters, year_from=year, year_to=year)
    where, params = one_year.where()
    sums = query(f"SELECT {columns} FROM report_measures WHERE {where}", params).iloc[0]
    return {
        key: float(sums[key])
        for key in TOTAL_PARTS
        if _number(sums[key]) is not None and _number(sums[key]) != _number(sums[f"{key}_printed"])
    }


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
    differing = parts_sums(filters, year)
    result = []
    for key in HEADLINE_KEYS:
        measure = MEASURE_BY_KEY[key]
        value = _number(latest[key])
        change = None
        if previous is not None and value is not None and _number(previous[key]) is not None:
            change = value - _number(previous[key])
        series = tuple(float(v) for v in years[key].dropna())
        parts = (
            (_number(latest[f"{key}_num"]), _number(latest[f"{key}_den"]))
            if measure.is_rate
            else (None, None)
        )
        headline = Headline(key, measure.label, measure.definition, value, change,
                            measure.is_rate, series, *parts, differing.get(key))  # fmt: skip
        result.append(headline)
    return year, result


def caveats(filters: Filters, year: int) -> list[str]:
    """What a reader must know before trusting the year's changes: whether
    both years hold the same agencies, and whether their reports have errors."""
    both = dataclasses.replace(filters, year_from=year - 1, year_to=year)
    where, params = both.where()
    counts = query(
        f"""
        SELECT count(*) FILTER (WHERE year = $year) AS now,
               count(*) FILTER (WHERE year = $year - 1) AS before,
               count(*) FILTER (WHERE year = $year AND agency_id IN (
                   SELECT agency_id FROM reports WHERE {where} AND year = $year - 1)) AS common,
               count(*) FILTER (WHERE year = $year AND errors > 0) AS flawed_now,
               count(*) FILTER (WHERE year = $year - 1 AND errors > 0) AS flawed_before
        FROM reports WHERE {where}
        """,
        params | {"year": year},
    ).iloc[0]
    notes = []
    if counts.before and not counts.now == counts.before == counts.common:
        notes.append(
            f"{year} 年度与 {year - 1} 年度收录的机关不完全相同（本年 {counts.now:,} 个，"
            f"上年 {counts.before:,} 个，两年都有报告的 {counts.common:,} 个）：各项变化含收录"
            "范围的变化。"
        )
    flawed = [
        f"{label} {int(count):,} 份"
        for label, count in (
            (f"{year} 年度", counts.flawed_now),
            (f"{year - 1} 年度", counts.flawed_before),
        )
        if count
    ]
    if flawed:
        notes.append(
            f"有错误的报告：{'，'.join(flawed)}（如总计与分项之和不符）。其数字按报告所印计入，"
            "合计与比率可能与分项不一致；详见「数据质量」页。"
        )
    return notes


def _number(value: object) -> float | None:
    return None if pd.isna(value) else float(value)


def trend(filters: Filters) -> pd.DataFrame:
    return aggregate.by_year(filters, *TREND_KEYS)


def chart_rows(data: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """The year and ``keys`` of ``trend``'s rows, each rate followed by its
    numerator and denominator: the figures one chart draws."""
    columns = ["year"]
    for key in keys:
        columns += [column for column in (key, f"{key}_num", f"{key}_den") if column in data]
    return data[columns]


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
    """The agencies with most applications received (at most TOP_AGENCIES);
    one that received none is no "most" and is not listed."""
    data = aggregate.by_agency(
        filters, "received", "processed", "disclosure_rate", limit=TOP_AGENCIES
    )
    return data[data.received > 0].reset_index(drop=True)
