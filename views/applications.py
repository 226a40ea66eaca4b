"""依申请公开 — applications received, their outcomes and reasons, applicant
types, and the 公开率 and 结转率."""

import pandas as pd
import streamlit as st

from app import applications, charts, show
from app.filters import current
from app.measures import APPLICATIONS, MEASURE_BY_KEY
from app.urlstate import url_choice

filters = current()
st.title("依申请公开")
show.scope_caption(filters)
data = applications.by_year(filters)
show.stop_if_empty(len(data))
st.caption(f"数据来自「{APPLICATIONS}」各行的总计列；空白、“/”等未填数字的单元格按 0 计。")

st.subheader("收到和结转的申请")
show.chart(
    applications.flow_figure(data),
    applications.flow_table(data),
    "依申请公开-收到和结转",
    filters,
    key="applications-flows",
)
st.caption(applications.definitions("received", "carried_over") + "。")

st.subheader("办理结果")
view = url_choice(
    "app_view",
    "显示方式",
    applications.VIEWS,
    default="counts",
    horizontal=True,
    help="件数，或占当年合计的比例；用于办理结果、理由和申请人类型三张图表",
)


def stacked_chart(
    parts: pd.DataFrame, name: str, colours: dict[str, str] | None, title: str, key: str
) -> None:
    """Parts of a yearly whole as stacked bars, in the counts/shares view chosen above."""
    figure = applications.stacked_figure(parts, name, view, colours, f"{title}（逐年）")
    show.chart(figure, parts, f"依申请公开-{title}", filters, key=f"applications-{key}")


stacked_chart(applications.outcomes(data), "办理结果", charts.OUTCOME_COLOURS, "各组办理结果",
              "outcomes")  # fmt: skip
st.caption(applications.OUTCOME_DEFINITION)

st.subheader("不予公开、无法提供、不予处理、其他处理的理由")
group = url_choice(
    "app_group",
    "办理结果分组",
    applications.REASON_GROUPS,
    default="withheld",
    horizontal=True,
    help="查看该组内模板各行（理由）的件数",
)
group_label = applications.REASON_GROUPS[group]
reasons = applications.reasons_by_year(filters, group)
stacked_chart(reasons, "理由", None, f"{group_label}的理由", "reasons")
table = applications.reason_table(reasons, view)
show.table(
    table,
    f"依申请公开-{group_label}的理由-{applications.VIEWS[view]}",
    filters,
    key="applications-reasons-table",
    column_config=applications.share_columns(table) if view == "shares" else None,
)
st.caption(
    f"各理由为模板「{group_label}」组内该行总计列的件数"
    + ("；占比为该行件数占当年本组合计的比例" if view == "shares" else "；合计为本组各行之和")
    + "。（六）其他处理：2021 版模板分三行，2019 版模板只有一行（标为“未分项”）。"
)

st.subheader("申请人类型")
stacked_chart(applications.applicants(data), "申请人类型", charts.APPLICANT_COLOURS,
              "本年新收申请的申请人类型", "applicants")  # fmt: skip
st.caption(applications.APPLICANT_DEFINITION)

st.subheader("公开率与结转率")
left, right = st.columns(2)
for column, key in zip((left, right), applications.RATE_KEYS, strict=True):
    with column:
        show.chart(
            applications.rate_figure(data, key),
            applications.rate_table(data, key),
            f"依申请公开-{MEASURE_BY_KEY[key].label}",
            filters,
            key=f"applications-{key}",
        )
st.caption(
    applications.definitions(*applications.RATE_KEYS)
    + "。比率为筛选范围内各项之和相除（不是各报告比率的平均）；悬停可见分子和分母。"
)

st.subheader("逐年汇总")
summary = applications.summary_table(data)
show.table(
    summary,
    "依申请公开-逐年汇总",
    filters,
    key="applications-summary",
    column_config=applications.measure_columns(summary),
)
st.caption("悬停在列名上可见各指标的定义。")
