"""检查报告 — a draft report uploaded by its agency, read and checked as a
loaded report is, and never stored."""

import streamlit as st

from app import bulletin, check, plain, profile, show
from app.failure import show_failure
from app.filters import Filters
from app.rules import RULE_DESCRIPTIONS, rule_name
from etl.errors import ExtractionError, WorkerFailure

st.title("检查报告")
st.caption(
    "供机关在发布年度报告前检查草稿：上传的文件按与已载入报告相同的规则读取和校验，不写入数据库。"
)
uploaded = st.file_uploader(
    "年度报告文件",
    key="check_file",
    max_upload_size=check.MAX_UPLOAD_MB,
    help="按文件内容识别格式，与扩展名无关。",
)
st.caption(f"支持{check.FORMATS}；文件不超过 {check.MAX_UPLOAD_MB} MB。左侧筛选不影响本页。")
if uploaded is None:
    st.info("请上传一份政府信息公开工作年度报告。", icon=":material/upload_file:")
    st.stop()

name = uploaded.name
try:
    checked = check.check(uploaded.getvalue(), name)
except Exception as error:
    if isinstance(error, ExtractionError) and not isinstance(error, WorkerFailure):
        st.error(plain.markdown_text(f"无法读取“{name}”：{error.problem}"), icon=":material/error:")
    else:  # a bug of ours, here or in the worker: the details go to the server's log alone
        show_failure(error, plain.markdown_text(f"无法读取“{name}”：内部错误"))
    st.stop()

meta, cells, found = checked.meta, checked.cells, checked.findings
year = checked.year
scope = Filters(year, year, agencies=(checked.report.agency.id,))
topic = f"检查报告-{meta.agency_name}-{year}"


# --- Whose report ---------------------------------------------------------------

st.header(f"{year} 年度报告：{plain.markdown_text(str(meta.agency_name))}")
st.caption(
    plain.markdown_text(f"上传的文件：{name}（格式：{profile.format_name(meta.media_type)}）")
)
if checked.in_database:
    st.caption(f":material/info: 数据库中已载入该机关 {year} 年度的报告；本页只检查上传的文件。")
show.table(check.identity(meta), f"{topic}-报告概况", scope, key="check-identity")
if meta.scope in profile.SCOPE_NOTES:
    st.caption(f":material/info: {profile.SCOPE_NOTES[meta.scope]}")
st.download_button(
    "下载读取结果（标准 JSON）",
    data=check.report_json(checked.report),
    file_name=check.json_name(name),
    mime="application/json",
    on_click="ignore",
    icon=":material/data_object:",
    key="check-json",
    help="与 `python -m etl parse` 写出的 JSON 相同：每个单元格的数值、原文和位置，"
    "及单份报告的校验结果（不含与上年比对的结果）",
)
with st.expander("源文件与读取信息"):
    show.table(profile.source_table(meta), f"{topic}-源文件", scope, key="check-source")


# --- Findings ---------------------------------------------------------------------

st.subheader("校验结果")
profile.show_counts(meta)
if found.empty:
    st.success(profile.NO_FINDINGS)
else:
    show.table(check.rule_summary(found), f"{topic}-校验结果汇总", scope, key="check-rules")
    profile.show_findings(profile.findings_table(found), f"{topic}-校验结果", scope,
                          key="check-findings")  # fmt: skip
    st.caption(
        "序号：本报告校验结果的编号（错误在前）；级别：错误为违反模板勾稽关系、缺项或无法读取，"
        "提示为需要留意但不一定有误。"
    )
    profile.show_scan_checks(found, cells, checked.crops)
st.download_button(
    "下载检查意见（Word）",
    data=lambda: bulletin.check_opinion(checked),
    file_name=f"{meta.agency_name}{year}年度报告检查意见.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    on_click="ignore",
    icon=":material/description:",
    key="check-opinion",
    help="本页的校验结果（错误在前）和主要数据与上年对比，可在 Word 中修改后发给报告机关",
)


# --- The year before ------------------------------------------------------------------

st.subheader(f"与上年（{year - 1} 年度）报告比对")
if checked.previous is None:
    st.info(
        f"数据库中没有该机关 {year - 1} 年度的报告，无法与上年比对"
        "（结转衔接、现行有效件数、问题与改进是否雷同、主要指标变化）。",
        icon=":material/history:",
    )
else:
    before = checked.previous
    st.caption(
        plain.markdown_text(f"上年报告：{before.agency_name}（{before.source_file}），取自数据库。")
    )
    cross_year = found[found.origin == "cross_year"]
    if cross_year.empty:
        st.success("与上年比对的规则均未发现问题。")
    else:
        profile.show_findings(profile.findings_table(cross_year), f"{topic}-与上年比对", scope,
                              key="check-cross-year")  # fmt: skip
    st.caption(
        "；".join(
            f"{rule_name(rule)}：{RULE_DESCRIPTIONS[rule]}" for rule in check.CROSS_YEAR_RULES
        )
        + "。单元格有一方为空白、短横、文字或未读出的，不比较。"
    )

    st.markdown("**结转衔接**")
    carry_over = check.carry_over_grid(checked)
    profile.styled_table(
        profile.styled(carry_over, profile.cell_marks(found, None)),
        profile.flat(carry_over),
        f"{topic}-结转衔接",
        scope,
        key="check-carry-over",
        column_config=check.carry_over_columns(),
        row_height=check.CARRY_OVER_ROW_HEIGHT,
    )

    st.markdown("**主要指标变化**")
    changes = check.figure_changes(checked)
    profile.styled_table(
        check.styled_changes(changes),
        changes,
        f"{topic}-主要指标变化",
        scope,
        key="check-changes",
        column_config=check.change_columns(changes),
    )
    st.caption(check.BIG_CHANGE_NOTE)


# --- The tables as printed --------------------------------------------------------------

st.subheader("原表与校验结果")
if st.session_state.get("_check_finding_report") != meta.source_sha256:
    st.session_state["check_finding"] = None  # a number names a finding of one report
    st.session_state["_check_finding_report"] = meta.source_sha256
picked = profile.pick_finding(found, key="check_finding")
if picked is not None:
    profile.show_picked(found[found.number == picked].iloc[0])
marks = profile.cell_marks(found, picked)
st.caption(profile.MARKS_CAPTION)
profile.show_proactive(cells, meta.format, marks, topic, scope, key="check")
profile.show_applications(cells, meta.format, marks, topic, scope, key="check")
profile.show_review(cells, marks, topic, scope, key="check")

st.subheader("单元格来源")
st.caption(profile.SOURCES_CAPTION)
sources = profile.cell_sources(cells, found, meta.format)
show.table(sources, f"{topic}-单元格来源", scope, key="check-cells",
           column_config=check.source_columns(sources))  # fmt: skip
