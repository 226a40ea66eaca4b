"""总览 — the selection at a glance."""

import streamlit as st

from app import aggregate, charts, overview, show
from app.filters import current, year_span
from app.rules import rule_name

filters = current()
st.title("总览")
show.scope_caption(filters)
latest = overview.headlines(filters)
show.stop_if_empty(0 if latest is None else 1)
year, figures = latest
# The year compared with, said once above the cards (a card's line has no room
# for it beside a rate's cases), and only when some card has a change.
compared = any(figure.change is not None for figure in figures)
st.subheader(f"{year} 年度主要指标")
if compared:
    st.caption(f"各卡片的变化为较 {year - 1} 年度；比率下方为其分子 / 分母（件）。")
CARDS_A_ROW = 4
for index, figure in enumerate(figures):
    if index % CARDS_A_ROW == 0:  # a row of its own: a taller card does not push the next row
        columns = st.columns(CARDS_A_ROW)
    columns[index % CARDS_A_ROW].metric(
        figure.label,
        show.figure_text(figure.value, rate=figure.is_rate),
        figure.change_text(),
        help=f"{figure.definition}。变化为与上一年度相比，小图为所选各年度"
        + ("；比率下方为其分子 / 分母（件）。" if figure.is_rate else "。")
        + (overview.PARTS_HELP if figure.parts is not None else ""),
        # Only a higher 公开率 is plainly better; more cases or more reports are not.
        delta_color="normal" if figure.key == "disclosure_rate" else "off",
        delta_arrow="off" if not figure.change else "auto",
        # A rate's cases, or why a total differs from the parts its rate is read from.
        delta_description=figure.cases() or figure.parts_note(),
        height="stretch",  # the cards of a row one height, whatever their delta's length
        chart_data=list(figure.series) if len(figure.series) > 1 else None,
        chart_type="line",
        border=True,
    )

split = overview.parts_warning(figures, year)
if split:  # a total that is not its parts' sum: said loudly, with the way to the reports
    st.warning(split, icon=":material/warning:")
    st.page_link(
        "views/quality.py",
        label=f"在「数据质量」页查看这些报告（{rule_name(overview.PARTS_RULE)}）",
        icon=":material/fact_check:",
        query_params={"qa_rule": overview.PARTS_RULE},
    )

for note in overview.caveats(filters, year):
    st.caption(f":material/info: {note}")

trend = overview.trend(filters)
st.subheader("逐年趋势")
for figure, keys, topic, key in (
    (overview.trend_figure(trend), overview.TREND_CHART_KEYS, "总览-逐年趋势", "overview-trend"),
    (overview.review_figure(trend), overview.REVIEW_CHART_KEYS, "总览-复议诉讼", "overview-review"),
):
    show.chart(
        figure, aggregate.labelled(overview.chart_rows(trend, keys)), topic, filters, key=key
    )

top = aggregate.labelled(overview.top_agencies(filters))
st.subheader(f"本年新收申请最多的 {len(top)} 个机关" if len(top) else "本年新收申请最多的机关")
st.caption(f"{year_span(filters.year_from, filters.year_to)} 年度筛选范围内各机关报告的合计；"
           "没有新收申请的机关不列出。")  # fmt: skip
if top.empty:
    st.info("筛选范围内的报告都没有新收申请。", icon=":material/search:")
else:
    st.plotly_chart(
        charts.ranking_bars(top, name="机关", value="本年新收申请"), key="chart-overview-top"
    )
    show.table(show.agency_id_last(top), "总览-申请最多的机关", filters, key="overview-top",
               opens=show.profile_queries(top["机关编号"]))  # fmt: skip
