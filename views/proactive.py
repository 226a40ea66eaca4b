"""主动公开 — section 二 of the reports and the items published, by year and agency."""

import streamlit as st

from app import proactive, show
from app.filters import current
from app.measures import MEASURE_BY_KEY, PROACTIVE
from app.urlstate import url_choice

filters = current()
st.title("主动公开")
show.scope_caption(filters)
years = proactive.by_year(filters)
show.stop_if_empty(len(years))
st.caption(
    f"数据来自「{PROACTIVE}」和正文中写明的主动公开信息条数。"
    "2019 版模板（国办公开办函〔2019〕60号）有行政许可、行政处罚、行政强制的处理决定数量，"
    "这些数字计入 2019 版报告；"
    "规章、行政规范性文件的制发/废止/现行有效件数和行政事业性收费金额只有 2021 版模板有，"
    f"只计 2021 版报告，2019 版报告标为「{proactive.NOT_IN_2019}」而不是计为 0。"
)

year, figures = proactive.latest_figures(years)
st.subheader(f"{year} 年度")
columns = st.columns(4)
for index, figure in enumerate(figures):
    with columns[index % 4]:
        st.metric(figure.label, figure.text, help=f"{figure.definition}。{figure.note}。")
        st.caption(figure.note)


measure = url_choice(
    "pro_measure",
    "指标",
    {key: proactive.label(key) for key in proactive.MEASURE_KEYS},
    default=proactive.DEFAULT_MEASURE,
    widget=st.selectbox,
    help="逐年趋势图和机关排名所显示的指标",
)
chosen = MEASURE_BY_KEY[measure]
st.caption(f"{chosen.label}：{chosen.definition}。来源：{chosen.source}。")

st.subheader("逐年趋势")
trend = proactive.trend_data(years, measure)
show.chart(
    proactive.trend_figure(years, trend, measure),
    trend,
    f"主动公开-{chosen.label}-逐年",
    filters,
    key="proactive-trend",
)
st.caption("柱子按报告模板分段：2021 版报告在下，2019 版报告在上；悬停可见每段计入的报告份数。")

st.subheader("逐年数据")
table = proactive.year_table(years)
show.table(
    table,
    "主动公开-逐年数据",
    filters,
    key="proactive-years",
    column_config=proactive.column_help(table),
)
st.caption(
    f"悬停在列名上可见各指标的定义。空白表示该年度的报告没有这一项"
    f"（{proactive.NOT_IN_2019}，或正文未写明），见「说明」列。"
)

st.subheader(f"{chosen.label}最多的 {proactive.TOP_AGENCIES} 个机关")
agencies = proactive.by_agency(filters, measure)
if agencies.empty:
    reason = "正文均未写明" if measure == proactive.HEADLINE else proactive.NOT_IN_2019
    st.info(f"筛选范围内没有报告有「{chosen.label}」这一项（{reason}）。")
else:
    ranked = proactive.agency_table(agencies, measure)
    show.table(
        ranked,
        f"主动公开-{chosen.label}-机关",
        filters,
        key="proactive-agencies",
        column_config=proactive.column_help(ranked),
    )
    st.caption(proactive.agency_note(measure))
