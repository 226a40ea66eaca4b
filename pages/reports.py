"""报告一览: the bundled reports, their key figures and their findings."""

import streamlit as st

from app.summary import DEFINITIONS, application_table, report_summary
from etl.reports import bundled_reports


@st.cache_data(show_spinner=False)
def _reports():
    return bundled_reports()


st.title("政府信息公开工作年度报告")
reports = _reports()
if not reports:
    st.info(
        "data/reports 中还没有报告。"
        "用 `python -m etl parse 报告文件 --out data/reports/名称.json` 添加。"
    )
    st.stop()

st.caption(f"共 {len(reports):,} 份报告，来自 data/reports。")
summary = report_summary(reports)
number = st.column_config.NumberColumn
st.dataframe(
    summary,
    hide_index=True,
    column_config={
        **{name: number(name, help=DEFINITIONS[name], format="localized") for name in DEFINITIONS},
        "公开率": number("公开率", help=DEFINITIONS["公开率"], format="percent"),
        "结转率": number("结转率", help=DEFINITIONS["结转率"], format="percent"),
        "年度": st.column_config.NumberColumn("年度", format="%d"),
    },
)

labels = [f"{r.agency.name} {r.year} 年度" for r in reports]
choice = st.selectbox("查看报告", range(len(reports)), format_func=labels.__getitem__)
report = reports[choice]
st.subheader("三、收到和处理政府信息公开申请情况（按原表）")
st.dataframe(application_table(report))
st.subheader("校验结果")
if not report.findings:
    st.success("所有勾稽关系均成立。")
for finding in report.findings:
    show = st.error if finding.severity == "error" else st.warning
    show(finding.message, icon="⚠️")
