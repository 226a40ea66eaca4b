"""数据质量 — the findings of the filtered reports, the reports with errors, and
who has not published."""

import pandas as pd
import streamlit as st

from app import bulletin, notes, plain, profile, quality, show
from app.filters import current, names_of, year_span
from app.rules import rule_name
from app.urlstate import InvalidParameter, parse_many, parse_one, url_flag, url_number, url_widget

filters = current()
st.title("数据质量")
show.scope_caption(filters)
totals = quality.cell_totals(filters)
show.stop_if_empty(int(totals.reports))

known_rules = quality.rules()


def _rule_label(rule: str) -> str:
    # The code last: a chosen rule's chip, cut to its width, shows the name and what it checks.
    return f"{rule_name(rule)}：{quality.RULE_DESCRIPTIONS.get(rule, '—')}（{rule}）"


rules = url_widget(
    "qa_rule",
    default=[],
    parse=parse_many(lambda value: value if value in known_rules else None, "校验规则"),
    encode=list,
    render=lambda: st.multiselect(
        "校验规则",
        known_rules,
        format_func=_rule_label,
        key="qa_rule",
        placeholder="全部规则",
        help="可选多条规则；选定后，按年度、按机关和报告列表只计所选规则的校验结果。",
    ),
)
errors_only = url_flag(
    "qa_errors",
    lambda: st.checkbox(
        "只看错误", key="qa_errors", help="只计严重程度为“错误”的校验结果，不计“提示”。"
    ),
)
counted = quality.Counted(tuple(rules), errors_only)
scope_note = counted.note()
narrowed = counted.in_file_name()

# --- Headline counts ------------------------------------------------------------------
years = quality.by_year(filters, counted)
columns = st.columns(4)
columns[0].metric("报告数", f"{int(totals.reports):,}", help="筛选范围内载入的年度报告份数")
columns[1].metric(
    "有错误的报告",
    f"{int(years['有错误的报告'].sum()):,}",
    help=f"至少有一条错误的报告份数{scope_note}",
)
columns[2].metric("错误", f"{int(years['错误'].sum()):,}",
                  help=f"严重程度为“错误”的校验结果条数{scope_note}")  # fmt: skip
columns[3].metric("提示", f"{int(years['提示'].sum()):,}",
                  help=f"严重程度为“提示”的校验结果条数{scope_note}")  # fmt: skip
columns = st.columns(4)
columns[0].metric(
    "空白单元格", f"{int(totals.blank):,}", help="表格中留空的单元格数（汇总时按 0 计）"
)
columns[1].metric("短横单元格", f"{int(totals.dash):,}",
                  help="填写“/”“-”“—”“无”等的单元格数（汇总时按 0 计）")  # fmt: skip
columns[2].metric("文字单元格", f"{int(totals.text):,}",
                  help="填写了数字以外文字的单元格数（汇总时按 0 计）")  # fmt: skip
columns[3].metric("有此类单元格的报告", f"{int(totals.with_any):,}",
                  help="至少有一个空白、短横或文字单元格的报告份数")  # fmt: skip

# --- By rule, year and agency -------------------------------------------------------------
st.subheader("按校验规则")
rule_table = quality.by_rule(filters)
if rule_table.empty:
    st.success("筛选范围内的报告没有校验结果：模板的勾稽关系均成立，所有单元格均为数字。")
else:
    show.table(rule_table, "数据质量-按规则", filters, key="quality-rules")
    st.caption(
        quality.definitions(list(rule_table.columns))
        + "。列出全部规则，不受上方规则与“只看错误”的选择限制。"
    )

st.subheader(f"按年度{scope_note}")
show.chart(
    quality.year_figure(years),
    years,
    "数据质量-按年度" + narrowed,
    filters,
    key="quality-years-chart",
)
show.table(years, "数据质量-按年度" + narrowed, filters, key="quality-years")
st.caption(quality.definitions(list(years.columns[1:])) + "。")

st.subheader(f"校验结果最多的 {quality.AGENCY_LIST_LIMIT} 个机关{scope_note}")
agencies = quality.by_agency(filters, counted)
if agencies.empty:
    st.info("筛选范围内没有机关有校验结果。")
else:
    show.table(show.agency_id_last(agencies), "数据质量-按机关" + narrowed, filters,
               key="quality-agencies",
               opens=show.profile_queries(agencies["机关编号"]))  # fmt: skip
    st.caption(quality.definitions(["报告数", "错误", "提示"]) + "。错误多的在前。")

# --- Reports, those with errors first ---------------------------------------------------------
st.subheader(f"报告（错误多的在前）{scope_note}")
listed = quality.reports(filters, counted)
if listed.empty:
    st.info("筛选范围内没有所选的校验结果。", icon=":material/search:")
else:
    total = int(listed.total.iloc[0])
    shown = f"，显示前 {len(listed):,} 份，下载的 CSV 含全部" if total > len(listed) else ""
    st.caption(f"共 {total:,} 份报告{shown}。" + quality.definitions(["错误", "提示", "空白单元格",
               "短横单元格", "文字单元格"]) + "。")  # fmt: skip

    def every_report() -> pd.DataFrame:  # for the download: the list whole
        return quality.report_table(quality.reports(filters, counted, limit=None))

    show.table(quality.report_table(listed), "数据质量-报告" + narrowed, filters,
               key="quality-reports", whole=every_report,
               opens=show.profile_queries(listed.agency_id, listed.year))  # fmt: skip

# --- Click-through to the profile, the finding's cells marked ---------------------------------
flagged = listed[(listed.errors + listed.warnings) > 0]
st.subheader("在机关档案中查看")
if flagged.empty:
    st.info("列表中没有有校验结果的报告。")
else:

    def _counts(errors: int, warnings: int) -> str:
        """A report's counts as the list above counts them (the rules chosen, errors only)."""
        counts = [f"错误 {errors:,}"] + ([] if errors_only else [f"提示 {warnings:,}"])
        return ("所选规则" if rules else "") + "，".join(counts)

    options = {
        (str(row.agency_id), int(row.year)): (
            f"{row.name} {row.year} 年度（{_counts(row.errors, row.warnings)}）"
        )
        for row in flagged.itertuples()
    }

    def _parse_report(values: list[str]) -> tuple[str, int]:
        agency_id, _, year = values[-1].rpartition(":")
        if url_number(year) is None or not quality.report_in_scope(filters, agency_id, int(year)):
            raise InvalidParameter("筛选范围内没有这份有校验结果的报告")
        return agency_id, int(year)

    first = next(iter(options))
    if "qa_report" in st.session_state and st.session_state["qa_report"] not in options:
        st.session_state["qa_report"] = first

    def _render_report() -> tuple[str, int]:
        chosen = st.session_state.get("qa_report")
        if chosen not in options:  # brought by a link, beyond the listed reports
            name = names_of((chosen[0],)).get(chosen[0], chosen[0])
            options[chosen] = f"{name} {chosen[1]} 年度"
        return st.selectbox("报告", list(options), format_func=options.__getitem__, key="qa_report")

    agency_id, year = url_widget(
        "qa_report",
        default=first,
        parse=_parse_report,
        encode=lambda value: [f"{value[0]}:{value[1]}"],
        render=_render_report,
    )
    meta = profile.report(agency_id, year)
    canonical_name = names_of((agency_id,)).get(agency_id, meta.agency_name)
    found = profile.findings(int(meta.report_id))
    offered = found[found.rule.isin(rules)] if rules else found
    if errors_only:
        offered = offered[offered.severity == "error"]
    if offered.empty:
        offered = found  # the report has no finding of the rule: offer all of its findings
    numbers = [int(n) for n in offered.number]
    if st.session_state.get("_qa_finding_report") != meta.report_id or (
        "qa_finding" in st.session_state and st.session_state["qa_finding"] not in numbers
    ):
        st.session_state["qa_finding"] = numbers[0]  # a number names a finding of one report
        st.session_state["_qa_finding_report"] = meta.report_id
    number = url_widget(
        "qa_finding",
        default=numbers[0],
        parse=parse_one(lambda value: n if (n := url_number(value)) in numbers else None,
                        "校验结果"),
        encode=lambda value: [str(value)],
        render=lambda: st.selectbox(
            "校验结果", numbers, key="qa_finding",
            format_func=lambda n: profile.finding_label(found[found.number == n].iloc[0]),
            help="机关档案中将以深红色标出这条校验结果涉及的单元格",
        ),
    )  # fmt: skip
    st.page_link(
        "views/profile.py",
        label=plain.markdown_text(
            f"打开 {canonical_name} {year} 年度报告的档案，标出第 {number} 条校验结果"
        ),
        icon=":material/folder_open:",
        query_params={
            "prof_agency": agency_id,
            "prof_year": str(year),
            "prof_finding": str(number),
        },
    )

# --- Coverage ------------------------------------------------------------------------------------
with_register = quality.has_register()
if with_register:
    year = filters.year_to
    st.subheader(f"{year} 年度应报情况")
    due = quality.register_status(filters, year)
    counts = due.status.value_counts()
    columns = st.columns(4)
    for column, (label, count, help_text) in zip(
        columns,
        [
            ("应报", len(due), "应报名录中该年度应发布报告、且在筛选范围内的机关数"),
            (
                "已报",
                int(counts.get("已报", 0)),
                "数据中有该年度报告、未见逾期的机关数（含读不出发布日期的）",
            ),
            ("未报", int(counts.get("未报", 0)), "数据中没有该年度报告的机关数"),
            ("逾期", int(counts.get("逾期", 0)), "报告发布日期晚于次年 1 月 31 日的机关数"),
        ],
        strict=True,
    ):
        column.metric(label, f"{count:,}", help=help_text)
    st.caption(
        f"按导入的应报名录统计筛选范围截止年度（{year} 年度）；"
        "《政府信息公开条例》第五十条要求每年 1 月 31 日前公布上一年度的年度报告。"
        + quality.definitions(["状态", "发布日期出处", "名录行号"])
        + "。"
    )
    if not due.empty:
        show.table(show.agency_id_last(quality.register_table(due)), f"数据质量-{year}年度应报情况",
                   filters, key="quality-register")  # fmt: skip

st.subheader("管理员备注")
scope_notes = notes.notes_in_scope(filters)
if scope_notes.empty:
    st.caption("筛选范围内的报告尚无备注。管理员可在“机关档案”中为报告或单元格添加备注。")
else:
    opens = show.profile_queries(scope_notes["机关编号"], scope_notes["年度"])
    shown_notes = scope_notes.drop(columns="备注编号")
    show.table(shown_notes, "数据质量-管理员备注", filters, key="quality-notes", opens=opens)
    st.caption(notes.NOTES_CAPTION)

st.subheader("报告收录情况")
if not with_register:
    st.info(
        "未导入应报名录：下表只列曾载入过报告的机关，从未报告的机关不会出现，"
        "机关设立前的年度也记为未收录。系统管理员导入应报名录（模板见下方按钮）后，"
        "本页按名录统计应报、已报、未报和逾期。",
        icon=":material/info:",
    )
place = bulletin.region_name(filters)
first, second = st.columns(2)
first.download_button(
    f"下载{place} {filters.year_to} 年度通报（Word）",
    data=lambda: bulletin.bulletin(filters, filters.year_to),
    file_name=f"{place}{filters.year_to}年度政府信息公开工作年度报告发布情况通报.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    on_click="ignore",
    icon=":material/description:",
    key="bulletin",
    help="筛选范围（地区、层级、机关类型）截止年度的通报：发布情况、有错误的报告、主要数据及较上年变化、"
    "机关排名；可在 Word 中修改后印发",
)
show.register_template_button(second)
coverage = quality.coverage(filters)
if coverage.empty:
    st.info("筛选范围内没有机关。", icon=":material/search:")
else:
    agencies_total = int(coverage.agencies.iloc[0])
    missing_total = int(coverage.missing_total.iloc[0])
    listed_note = (
        f"按未收录年数从多到少显示前 {len(coverage):,} 个机关。"
        if agencies_total > len(coverage)
        else ""
    )
    span = year_span(filters.year_from, filters.year_to)
    whose = (
        "机关为应报名录中的机关，以及有报告而名录未列的机关（名录外）；"
        "无需报告：该年度在名录所列起始年度之前或截止年度之后。"
        if with_register
        else "机关为曾载入过报告的机关。"
    )
    st.caption(
        f"筛选范围内共 {agencies_total:,} 个机关，{span} 年度"
        f"共有 {missing_total:,} 份报告未收录。{listed_note}"
        "✓：数据中有该机关该年度的报告；未收录：数据中没有（可能未发布，也可能尚未收集）；"
        + quality.definitions(["未收录年数"] + (["应报名录"] if with_register else []))
        + "。"
        + whose
    )
    matrix = quality.coverage_matrix(coverage, filters.year_from, filters.year_to, with_register)
    # A register's agency without reports has no 机关档案 to open.
    opens = [
        query if has_reports else None
        for query, has_reports in zip(
            show.profile_queries(matrix["机关编号"]), coverage.ever_reported, strict=True
        )
    ]
    show.table(show.agency_id_last(matrix), "数据质量-报告收录情况", filters,
               key="quality-coverage", opens=opens)  # fmt: skip
