"""机关档案 — one agency over all its years, and one of its reports as published."""

import streamlit as st

from app import admin, aggregate, notes, plain, profile, show
from app.filters import Filters, current, names_of, year_span
from app.measures import MEASURE_BY_KEY
from app.urlstate import InvalidParameter, parse_one, url_number, url_widget
from etl import template

filters = current()
st.title("机关档案")
st.caption(
    f"筛选范围：{show.scope_words(filters)}。可选的机关为左侧地区、层级、机关类型"
    "和机关筛选范围内的机关；档案列出所选机关的全部年度，不受年度筛选限制。"
)
show.stop_if_empty(profile.candidate_count(filters), "机关")


# --- Which agency and which year ------------------------------------------------


def _agency_choice() -> str | None:
    search = ""
    if profile.needs_search(filters):
        search = st.text_input(
            "机关名称关键词",
            key="prof_search",
            help=f"当前范围内有 {profile.candidate_count(filters):,} 个机关，"
            "先输入名称中的字词再选择。",
        ).strip()
    offered = (
        profile.candidates(filters, search) if search or not profile.needs_search(filters) else {}
    )
    default = profile.default_agency(filters)
    # (Absent, it is the choice kept from an earlier visit, or the default: url_widget.)
    if "prof_agency" in st.session_state:
        chosen = st.session_state["prof_agency"]
        if chosen is None or not profile.in_scope(filters, chosen):
            st.session_state["prof_agency"] = default  # outside the sidebar's scope now

    def parse(values: list[str]) -> str:
        if not profile.in_scope(filters, values[-1]):
            raise InvalidParameter("左侧筛选范围内没有这个机关")
        return values[-1]

    def render() -> str | None:
        # The chosen agency stays listed whatever the search.
        names = offered | names_of(
            [st.session_state["prof_agency"]] if st.session_state.get("prof_agency") else []
        )
        return st.selectbox(
            "机关",
            list(names),
            format_func=names.__getitem__,
            key="prof_agency",
            placeholder="选择机关（可输入名称搜索）",
            help="机关编号为行政区划代码加机关名称；同一机关历年名称不同时合为一个机关。",
        )

    return url_widget(
        "prof_agency", default=default, parse=parse, encode=lambda value: [value], render=render
    )


agency_id = _agency_choice()
if agency_id is None:
    for stale in ("prof_year", "prof_finding"):  # they belong to the agency no longer shown
        st.query_params.pop(stale, None)
    if profile.needs_search(filters) and not st.session_state.get("prof_search"):
        st.info("请先输入机关名称关键词，再从列表中选择机关。", icon=":material/search:")
    else:
        st.info("请选择一个机关，查看它的历年报告。", icon=":material/folder_open:")
    st.stop()

years = profile.agency_years(agency_id)
agency = profile.agency_info(agency_id)
if not years or agency is None:
    st.info("这个机关没有载入的报告。", icon=":material/search:")
    st.stop()
if "prof_year" in st.session_state and st.session_state["prof_year"] not in years:
    st.session_state["prof_year"] = years[0]  # the latest, when the agency changed
year = url_widget(
    "prof_year",
    default=years[0],
    parse=parse_one(lambda value: year if (year := url_number(value)) in years else None,
                    "年度的报告"),
    encode=lambda value: [str(value)],
    render=lambda: st.selectbox(
        "年度", years, key="prof_year", format_func=lambda value: f"{value} 年度",
        help="该机关已载入报告的年度",
    ),
)  # fmt: skip


# --- The agency over its years ------------------------------------------------------

name = plain.markdown_text(str(agency["name"]))
st.header(name)
other_names = [str(n) for n in agency["names"] if n != agency["name"]]
place = " ".join(str(agency[part]) for part in ("province", "city", "county") if agency[part])
also = f" · 报告中也写作：{'、'.join(other_names)}" if other_names else ""
st.caption(
    plain.markdown_text(
        f"机关编号 {agency_id} · {place or '地区不详'} · {len(years)} 份报告"
        f"（{year_span(min(years), max(years))} 年度）{also}"
    )
)

st.subheader("逐年主要指标")
series = profile.series(agency_id, years)
series_scope = Filters(min(years), max(years), agencies=(agency_id,))
series_table = profile.series_table(series)
show.chart(profile.series_figure(series), series_table, f"机关档案-{agency['name']}-逐年",
           series_scope, key="profile-series-chart")  # fmt: skip
show.table(series_table, f"机关档案-{agency['name']}-逐年指标", series_scope,
           key="profile-series")  # fmt: skip
st.caption(
    "；".join(
        f"{aggregate.label(key)}：{MEASURE_BY_KEY[key].definition}" for key in profile.SERIES_KEYS
    )
    + "；·分子/·分母：比率的组成；错误/提示：该年度报告的校验结果条数。"
)


# --- One report as published ----------------------------------------------------------

meta = profile.report(agency_id, year)
report_id = int(meta.report_id)
report_scope = Filters(year, year, agencies=(agency_id,))
topic = f"机关档案-{agency['name']}-{year}"
cells = profile.cells(report_id)
found = profile.findings(report_id)

st.subheader(f"{year} 年度报告：{plain.markdown_text(str(meta.agency_name))}")
if meta.scope in profile.SCOPE_NOTES:
    st.caption(f":material/info: {profile.SCOPE_NOTES[meta.scope]}")
profile.show_counts(meta)
st.caption(profile.source_line(meta))
with st.expander("源文件与读取信息"):
    show.table(profile.source_table(meta), f"{topic}-源文件", report_scope, key="profile-source")

# Findings first: the tables below are coloured by them.
st.subheader("校验结果")
if st.session_state.get("_prof_finding_report") != report_id:
    st.session_state["prof_finding"] = None  # a finding number names a finding of one report
    st.session_state["_prof_finding_report"] = report_id
picked = url_widget(
    "prof_finding",
    default=None,
    parse=parse_one(lambda value: profile.finding_number(found, value), "校验结果"),
    encode=lambda value: [str(value)],
    render=lambda: profile.pick_finding(found, key="prof_finding"),
)
if found.empty:
    st.success(profile.NO_FINDINGS)
else:
    profile.show_findings(profile.findings_table(found), f"{topic}-校验结果", report_scope,
                          key="profile-findings")  # fmt: skip
    st.caption(
        "序号：本报告校验结果的编号（错误在前）；级别：错误为违反模板勾稽关系、缺项或无法读取，"
        "提示为需要留意但不一定有误；规则：校验规则的名称，说明见「数据质量」页。"
    )
    profile.show_scan_checks(found, cells, profile.crops(report_id))
if picked is not None:
    profile.show_picked(found[found.number == picked].iloc[0])
marks = profile.cell_marks(found, picked)
st.caption(profile.MARKS_CAPTION)

st.subheader("备注")
report_notes = notes.report_notes(agency_id, year)
if report_notes.empty:
    st.caption("本报告尚无备注。")
else:
    show.table(report_notes, f"{topic}-备注", report_scope, key="profile-notes")
st.caption(notes.NOTES_CAPTION + ("" if admin.is_admin() else "管理员在“数据导入”页登录后可添加。"))
notes.show_editor(agency_id, year, cells.path.tolist())


def _narrative(key: str, text: str | None) -> None:
    st.markdown(f"#### {template.SECTION_HEADINGS[key][0]}")
    for number, severity, message, paths in zip(
        found.number, found.severity, found.message, found.cells, strict=False
    ):
        if f"narrative.{key}" in paths:
            alert = st.error if severity == "error" else st.warning
            alert(
                f"第 {number} 条校验结果涉及这一部分：",
                icon=":material/my_location:" if number == picked else ":material/warning:",
            )
            st.text(message)
    if text is None:
        st.caption("报告中未读出这一部分。")
    else:
        st.text(text)  # as printed: never rendered as Markdown or HTML


texts = profile.narrative(report_id)
_narrative("overview", texts["overview"])

profile.show_proactive(cells, meta.format, marks, topic, report_scope, key="profile")
profile.show_applications(cells, meta.format, marks, topic, report_scope, key="profile")
profile.show_review(cells, marks, topic, report_scope, key="profile")

_narrative("problems", texts["problems"])
_narrative("other", texts["other"])

st.subheader("单元格来源")
st.caption(profile.SOURCES_CAPTION)
sources = profile.cell_sources(cells, found, meta.format)
show.table(sources, f"{topic}-单元格来源", report_scope, key="profile-cells",
           column_config=profile.location_columns(sources))  # fmt: skip
