"""报告一览: the loaded reports, their key figures and their findings."""

import streamlit as st

from app.queries import DEFINITIONS, application_table, findings, report_list

st.title("政府信息公开工作年度报告")
reports = report_list()
if reports.empty:
    st.info("数据库中还没有报告。用 `python -m etl load 报告文件或文件夹 --db 数据库` 载入。")
    st.stop()

st.caption(f"共 {len(reports):,} 份报告。")
number = st.column_config.NumberColumn
st.dataframe(
    reports.drop(columns="report_id"),
    hide_index=True,
    column_config={
        **{name: number(name, help=DEFINITIONS[name], format="localized") for name in DEFINITIONS},
        "公开率": number("公开率", help=DEFINITIONS["公开率"], format="percent"),
        "结转率": number("结转率", help=DEFINITIONS["结转率"], format="percent"),
        "年度": number("年度", format="%d"),
    },
)

labels = [f"{row.机关} {row.年度} 年度" for row in reports.itertuples()]
choice = st.selectbox("查看报告", range(len(reports)), format_func=labels.__getitem__)
report_id = int(reports.iloc[choice]["report_id"])
st.subheader("三、收到和处理政府信息公开申请情况（按原表）")
st.dataframe(application_table(report_id))
st.subheader("校验结果")
report_findings = findings(report_id)
if report_findings.empty:
    st.success("所有勾稽关系均成立。")
for finding in report_findings.itertuples():
    show = st.error if finding.severity == "error" else st.warning
    show(finding.message, icon="⚠️")
