"""复议诉讼 — administrative review and litigation: cases by outcome, 纠错率,
and the agencies with the most decisions corrected."""

import streamlit as st

from app import compare, minimum, review, show
from app.filters import current
from app.measures import MEASURE_BY_KEY
from app.urlstate import url_choice

filters = current()
st.title("复议诉讼")
show.scope_caption(filters)
outcomes = review.outcomes_by_year(filters)
show.stop_if_empty(len(outcomes))

st.subheader("案件审理结果（逐年）")
group = url_choice("rev_group", "案件类别", review.GROUPS, default="review", horizontal=True)
st.caption(
    "；".join(
        f"**{review.OUTCOME_LABELS[key]}**：{definition}"
        for key, definition in review.OUTCOME_DEFINITIONS.items()
    )
)
chart_data = review.group_outcomes(outcomes, group)
show.chart(review.outcomes_figure(chart_data, group), chart_data,
           f"复议诉讼-{review.GROUPS[group]}审理结果", filters, key="review-outcomes")  # fmt: skip
show.table(outcomes, "复议诉讼-逐年审理结果", filters, key="review-outcomes-table")

st.subheader("纠错率")
st.caption(
    "；".join(
        f"**{MEASURE_BY_KEY[f'{prefix}_correction_rate'].label}**："
        f"{MEASURE_BY_KEY[f'{prefix}_correction_rate'].definition}"
        for prefix in review.GROUPS
    )
    + "。纠错率 = 结果纠正 ÷（结果维持 + 结果纠正 + 其他结果），按筛选范围内各报告的合计计算。"
)
rates = review.correction_rates(filters)
show.chart(review.correction_rates_figure(rates), rates, "复议诉讼-纠错率", filters,
           key="review-rates")  # fmt: skip
with st.expander("纠错率数据表"):
    show.table(rates, "复议诉讼-纠错率", filters, key="review-rates-table")

st.subheader("纠错率排名")
rate = MEASURE_BY_KEY[f"{group}_correction_rate"]  # the 案件类别 chosen above
min_cases = minimum.minimum_cases("rev_min")
ranked_rows = compare.ranking(filters, rate.key, min_cases=min_cases)
ranked_rows = ranked_rows[ranked_rows.value.notna()]  # no case decided: nothing to rank
if ranked_rows.empty:
    st.info(f"当前筛选范围内没有已审结的{review.GROUPS[group]}案件。", icon=":material/search:")
else:
    st.caption(f"按所选年度合计的**{rate.label}**从高到低。")
    compare.show_ranking(ranked_rows, rate, min_cases, f"复议诉讼-{rate.label}", filters,
                         key="review-rate-ranking")  # fmt: skip

st.subheader("结果纠正最多的机关")
top_n = url_choice(
    "rev_top",
    "显示个数",
    {n: f"前 {n} 个" for n in review.TOP_CHOICES},
    default=review.TOP_CHOICES[0],
    horizontal=True,
)
st.caption(
    f"**{review.CORRECTED_TOTAL}**：{review.CORRECTED_TOTAL_DEFINITION}；"
    f"**{review.CASES_TOTAL}**：{review.CASES_TOTAL_DEFINITION}。没有结果纠正的机关不列出。"
)
top = review.top_corrected(filters, top_n)
if top.empty:
    st.info("当前筛选范围内没有结果纠正的案件。", icon=":material/search:")
else:
    shown = show.agency_id_last(top)
    show.chart(review.top_corrected_figure(top), shown, "复议诉讼-结果纠正最多的机关", filters,
               key="review-top")  # fmt: skip
    show.table(shown, "复议诉讼-结果纠正最多的机关", filters, key="review-top-table",
               opens=show.profile_queries(top["机关编号"]))  # fmt: skip
