"""机关档案: one agency over all its years, and one of its reports as published —
the original tables cell by cell, the narrative text, the findings marked on
the cells they concern, and where every number was read."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from app import aggregate, charts, show
from app.db import Params, query
from app.filters import (
    AGENCY_LIST_LIMIT,
    AGENCY_SCOPE,
    AGENCY_SEARCH_RESULTS,
    Filters,
    agency_count,
    agency_names,
    names_of,
    scope_params,
)
from app.plain import markdown_text
from app.rules import SEVERITY_LABELS, rule_name
from app.urlstate import url_number
from etl import template
from etl.db.cellkeys import cell_headings, cells_named
from etl.readers import FORMAT_LABELS

SERIES_KEYS = (
    "received",
    "processed",
    "disclosure_rate",
    "carry_forward_rate",
    "review_total",
    "litigation_total",
    "headline_proactive_items",
)
STATUS_LABELS = {"number": "数字", "blank": "空白", "dash": "短横", "text": "文字"}
SECTION_LABELS = {
    "headline": "正文数字",
    "proactive": "二、主动公开",
    "applications": "三、依申请公开",
    "review_litigation": "四、复议诉讼",
}
NARRATIVES = ("overview", "problems", "other")
# What reports.scope says about the report (docs/data-model.md, Scope).
SCOPE_NOTES = {
    "region": (
        "区域汇总报告：正文写明的本地区申请数与表中总计相同，表中数字含本地区各部门和下级政府。"
    ),
    "self": "本机关报告：正文写明的本机关申请数与表中总计相同，表中数字只含本机关。",
}
# Shown in a cell the report should have but that was not read (its row is
# missing or unreadable): distinct from a printed blank, which shows empty.
NOT_READ = "（未读出）"

# Cell colours: the findings that concern a cell, and the one picked in the URL.
ERROR_CSS = "background-color: #f8d7da; color: #842029"
WARNING_CSS = "background-color: #fff3cd; color: #664d03"
PICKED_CSS = "background-color: #c62828; color: #ffffff"
NOT_READ_CSS = "color: #9e9e9e"

# A list of findings: rows tall enough for three lines, so a finding's
# explanation wraps instead of being cut off (st.dataframe wraps text only in
# rows taller than 4rem); this many rows and a half are shown (a hint that the
# list scrolls) instead of st.dataframe's default 400 px.
WRAPPING_ROW_HEIGHT = 76
TABLE_HEADER_HEIGHT = 38  # st.dataframe's header row and borders
FINDINGS_SHOWN = 7.5


# --- Which agency -------------------------------------------------------------


def candidate_count(filters: Filters) -> int:
    """How many agencies the profile may show: those picked in the sidebar, or
    else every agency in the sidebar's region, level and kind."""
    return len(filters.agencies) if filters.agencies else agency_count(filters)


def needs_search(filters: Filters) -> bool:
    return candidate_count(filters) > AGENCY_LIST_LIMIT


def candidates(filters: Filters, search: str = "") -> dict[str, str]:
    """agency_id → name of the agencies offered, by name (a search narrows them)."""
    if filters.agencies:
        names = names_of(filters.agencies)
        return dict(sorted(names.items(), key=lambda item: item[1]))
    limit = AGENCY_SEARCH_RESULTS if search else AGENCY_LIST_LIMIT
    rows = agency_names(filters, search, limit)
    return dict(zip(rows.agency_id, rows.name, strict=False))


def in_scope(filters: Filters, agency_id: str) -> bool:
    if filters.agencies:
        return agency_id in filters.agencies
    rows = query(
        f"SELECT count(*) AS n FROM agencies WHERE agency_id = $agency_id AND {AGENCY_SCOPE}",
        scope_params(filters) | {"agency_id": agency_id},
    )
    return bool(rows.n.iloc[0])


def default_agency(filters: Filters) -> str | None:
    """The sidebar's agency when exactly one is picked there."""
    return filters.agencies[0] if len(filters.agencies) == 1 else None


def agency_info(agency_id: str) -> pd.Series | None:
    rows = query(
        "SELECT agency_id, name, names, province, city, county, level, kind, first_year, "
        "last_year, report_count FROM agencies WHERE agency_id = ?",
        (agency_id,),
    )
    return None if rows.empty else rows.iloc[0]


def agency_years(agency_id: str) -> list[int]:
    """The years the agency has a report for, latest first."""
    rows = query("SELECT year FROM reports WHERE agency_id = ? ORDER BY year DESC", (agency_id,))
    return [int(year) for year in rows.year]


# --- The agency over its years ------------------------------------------------


def series(agency_id: str, years: list[int]) -> pd.DataFrame:
    """The key measures of each of the agency's reports, with its findings counted."""
    scope = Filters(min(years), max(years), agencies=(agency_id,))
    data = aggregate.by_year(scope, *SERIES_KEYS)
    counts = query(
        "SELECT year, errors, warnings FROM reports WHERE agency_id = ? ORDER BY year",
        (agency_id,),
    )
    return data.merge(counts, on="year", how="left")


def series_table(data: pd.DataFrame) -> pd.DataFrame:
    return aggregate.labelled(data).rename(columns={"errors": "错误", "warnings": "提示"})


def series_figure(data: pd.DataFrame) -> go.Figure:
    """Applications and cases per year, the 公开率 on a second axis."""
    return charts.bars_with_rate(
        data,
        ("received", "processed", "review_total", "litigation_total"),
        "disclosure_rate",
        "逐年申请、复议诉讼与公开率",
    )


# --- One report -----------------------------------------------------------------

# What runs a query: the app's database, or (检查报告) a scratch database of the
# same schema holding an uploaded report.
Run = Callable[[str, Params], pd.DataFrame]


def report(agency_id: str, year: int, run: Run = query) -> pd.Series | None:
    """The report's metadata: who, which template, its source file, its counts."""
    rows = run(
        """
        SELECT report_id, agency_id, agency_name, province, city, county, level, kind, year,
               format, source_file, source_sha256, media_type, source_url, source_fetched_at,
               published_on, published_on_from,
               parser_name, parser_version, input_file, errors, warnings, blank_cells,
               dash_cells, text_cells, scope
        FROM reports WHERE agency_id = ? AND year = ?
        """,
        (agency_id, year),
    )
    return None if rows.empty else rows.iloc[0]


def cells(report_id: int, run: Run = query) -> pd.DataFrame:
    """Every cell the report printed, in template order, with where it was read."""
    return run(
        """
        SELECT k.path, k.section, k.row_key, k.col_key, k.row_label, k.col_label,
               c.value, c.status, c.raw, c.at_line, c.at_page, c.at_table, c.at_row, c.at_col,
               c.at_box, c.at_confidence
        FROM cells c JOIN cell_keys k USING (cell_id)
        WHERE c.report_id = ? ORDER BY k.cell_id
        """,
        (report_id,),
    )


def findings(report_id: int, run: Run = query) -> pd.DataFrame:
    """The report's findings, errors first, each rule's in the order of their
    first cell in the table (then by message), numbered from 1 (the number a
    link names in ``prof_finding``; the quality page uses the same numbering)."""
    rows = run(
        """
        SELECT rule, severity, message, cells, expected, actual, origin
        FROM findings f LEFT JOIN cell_keys k ON k.path = f.cells[1]
        WHERE report_id = ?
        ORDER BY severity <> 'error', rule, k.cell_id NULLS LAST, message, cells::VARCHAR
        """,
        (report_id,),
    ).copy()
    rows.insert(0, "number", range(1, len(rows) + 1))
    rows["cells"] = rows["cells"].map(list)
    return rows


def crops(report_id: int, run: Run = query) -> dict[str, bytes]:
    """The scan's picture (PNG) of each figure flagged cells.ocr_uncertain, by cell path."""
    rows = run(
        "SELECT k.path, c.png FROM cell_crops c JOIN cell_keys k USING (cell_id) "
        "WHERE c.report_id = ? ORDER BY k.cell_id",
        (report_id,),
    )
    return dict(zip(rows.path, (bytes(png) for png in rows.png), strict=True))


def scan_checks_table(
    found: pd.DataFrame, cells_: pd.DataFrame, pictures: dict[str, bytes]
) -> pd.DataFrame:
    """Each figure flagged cells.ocr_uncertain: what was read, how surely, the
    figure an identity asks for, and the scan's picture (a data URL)."""
    flags = found[found.rule == OCR_UNCERTAIN]
    names = cell_headings()
    confidence = dict(zip(cells_.path, cells_.at_confidence, strict=False))
    paths = [cells[0] for cells in flags.cells]
    return pd.DataFrame(
        {
            "序号": flags.number.to_numpy(),
            "扫描件原样": [_data_url(pictures.get(path)) for path in paths],
            "识别为": [value or "（空白）" for value in flags.actual.fillna("")],
            "识别置信度（%）": [_percent(confidence.get(path)) for path in paths],
            "若为（关系即成立）": flags.expected.fillna("").to_numpy(),
            "单元格": [names.get(path, path) for path in paths],
        }
    )


def _percent(share: float | None) -> str:
    """A confidence as a percentage with one decimal: 89.9 is below the 90.0 threshold."""
    return "" if share is None or pd.isna(share) else f"{share * 100:.1f}"


def _data_url(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode()


def show_scan_checks(found: pd.DataFrame, cells_: pd.DataFrame, pictures: dict[str, bytes]) -> None:
    """The figures read uncertainly from a scan beside the scan's picture of each,
    so that the person checking reads the figure himself."""
    table = scan_checks_table(found, cells_, pictures)
    if table.empty:
        return
    st.markdown(f"**扫描件中识别存疑的数字（{len(table):,} 个）**")
    st.caption(SCAN_CHECK_CAPTION)
    st.dataframe(
        table,
        hide_index=True,
        row_height=SCAN_ROW_HEIGHT,
        height=min(len(table), SCAN_ROWS_SHOWN) * SCAN_ROW_HEIGHT + 40,
        column_config={
            "序号": st.column_config.NumberColumn(format="%d", help="校验结果的序号"),
            "识别置信度": st.column_config.NumberColumn(
                "识别置信度（%）",
                format="%.0f",
                help="文字识别对这个数字最没把握的一个字符的置信度",
            ),
            "若为（关系即成立）": st.column_config.TextColumn(
                help="与勾稽关系不符时，只差一个字符、能使关系成立的数字"
            ),
            "扫描件原样": st.column_config.ImageColumn(
                width="small", help="扫描件上这个单元格的原样"
            ),
        },
    )


def narrative(report_id: int, run: Run = query) -> dict[str, str | None]:
    rows = run("SELECT overview, problems, other FROM narratives WHERE report_id = ?", (report_id,))
    if rows.empty:
        return dict.fromkeys(NARRATIVES)
    row = rows.iloc[0]
    return {key: None if pd.isna(row[key]) else str(row[key]) for key in NARRATIVES}


def finding_number(findings_: pd.DataFrame, value: str) -> int | None:
    """A finding named in a link: its number, or a rule name (its first finding)."""
    value = value.strip()
    number = url_number(value)
    if number is not None and 1 <= number <= len(findings_):
        return number
    matching = findings_[findings_.rule == value]
    return int(matching.number.iloc[0]) if not matching.empty else None


def finding_label(finding: pd.Series) -> str:
    message = finding.message if len(finding.message) <= 60 else f"{finding.message[:60]}…"
    return f"第 {finding.number} 条 · {SEVERITY_LABELS.get(finding.severity, '')} · {message}"


def findings_table(findings_: pd.DataFrame) -> pd.DataFrame:
    """The list of findings as the page shows it, each cell named from the
    template (a cell the report did not print, 未读出, too)."""
    narrative = _narrative_names()
    return pd.DataFrame(
        {
            "序号": findings_.number,
            "级别": findings_.severity.map(SEVERITY_LABELS),
            "规则": findings_.rule.map(rule_name),
            "说明": findings_.message,
            "涉及单元格": findings_.cells.map(lambda paths: cells_named(paths, narrative)),
        }
    )


def show_findings(table: pd.DataFrame, topic: str, filters: Filters, *, key: str) -> None:
    """A list of findings (findings_table) and its CSV, with room for the
    explanation, the column an official reads: all of them, or FINDINGS_SHOWN
    and a scroll bar."""
    tall = TABLE_HEADER_HEIGHT + int(FINDINGS_SHOWN * WRAPPING_ROW_HEIGHT)
    height = "content" if len(table) <= FINDINGS_SHOWN else tall
    columns = {
        "序号": st.column_config.NumberColumn(width=48),
        "级别": st.column_config.TextColumn(width=48),
        "说明": st.column_config.TextColumn(width="large"),
        "涉及单元格": st.column_config.TextColumn(width="medium"),
    }
    show.table(table, topic, filters, key=key, column_config=columns,
               row_height=WRAPPING_ROW_HEIGHT, height=height)  # fmt: skip


def _narrative_names() -> dict[str, str]:
    """The parts of the report's text a finding may name, by their headings."""
    return {
        f"narrative.{key}": template.SECTION_HEADINGS[key][0]
        for key in ("overview", "problems", "other")
    }


def cell_marks(findings_: pd.DataFrame, picked: int | None) -> dict[str, str]:
    """path → the CSS of a cell some finding concerns: errors over warnings,
    the picked finding over both."""
    marks: dict[str, str] = {}
    for severity, css in (("warning", WARNING_CSS), ("error", ERROR_CSS)):
        for paths in findings_[findings_.severity == severity].cells:
            marks |= dict.fromkeys(paths, css)
    if picked is not None:
        marks |= dict.fromkeys(findings_[findings_.number == picked].cells.iloc[0], PICKED_CSS)
    return marks


# --- The original tables ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Grid:
    """A table as printed: ``text`` is what the page shows (labels and each
    cell's printed text), ``paths`` the same shape with the cell path of every
    data cell and "" for labels and headings."""

    text: pd.DataFrame
    paths: pd.DataFrame

    def cell_paths(self) -> list[str]:
        return [path for path in self.paths.to_numpy().ravel() if path]


def make_grid(rows: list[list[tuple[str, str]]], columns: pd.Index) -> Grid:
    """Build a grid from rows of (text, path) pairs."""
    text = pd.DataFrame([[cell[0] for cell in row] for row in rows], columns=columns, dtype=str)
    paths = pd.DataFrame([[cell[1] for cell in row] for row in rows], columns=columns, dtype=str)
    return Grid(text, paths)


def printed(raw: dict[str, str], path: str) -> tuple[str, str]:
    """A data cell of a grid: its printed text (or NOT_READ) and its path."""
    return raw.get(path, NOT_READ), path


def application_row_keys(cells_: pd.DataFrame, report_format: str) -> tuple[str, ...]:
    """The section-三 rows as this report printed them: the three （六） sub-rows
    (2021 template) or the single （六）其他处理 row (2019 template, which some
    later reports still print)."""
    printed = set(cells_[cells_.section == "applications"].row_key)
    if printed & set(template.OTHER_SUB_ROWS):
        return template.application_row_keys(single_other_row=False)
    if "other_handling" in printed:
        return template.application_row_keys(single_other_row=True)
    return template.application_row_keys(single_other_row=report_format == "2019")


# Headings printed before a row, in merged cells that carry no figures.
_HEADINGS_BEFORE = {"granted": "三、本年度办理结果", **template.GROUP_LABEL_BEFORE}
APPLICATION_CAPTION = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def application_columns() -> pd.MultiIndex:
    """项目 | 自然人 | 法人或其他组织 (商业企业 … 其他) | 总计, as the template heads
    them (a column without a second header row has "" below)."""
    columns = [("项目", "")]
    for key in template.APPLICANT_COLUMNS:
        label = template.APPLICANT_COLUMN_LABELS[key]
        grouped = key not in ("natural_person", "total")
        columns.append(("法人或其他组织", label) if grouped else (label, ""))
    return pd.MultiIndex.from_tuples(columns)


def application_grid(cells_: pd.DataFrame, report_format: str) -> Grid:
    """Section 三 as printed: template rows down (with the group headings),
    applicant types across."""
    raw = dict(zip(cells_.path, cells_.raw, strict=False))
    blank_row = [("", "")] * len(template.APPLICANT_COLUMNS)
    rows: list[list[tuple[str, str]]] = []
    for key in application_row_keys(cells_, report_format):
        if key in _HEADINGS_BEFORE:
            rows.append([(_HEADINGS_BEFORE[key], ""), *blank_row])
        label = template.APPLICATION_ROW_BY_KEY[key].label
        rows.append(
            [(label, "")]
            + [printed(raw, f"applications.{key}.{col}") for col in template.APPLICANT_COLUMNS]
        )
    return make_grid(rows, application_columns())


def review_grid(cells_: pd.DataFrame) -> Grid:
    """Section 四: one row a group (行政复议, then the two kinds of 行政诉讼),
    its five outcomes across. The template prints the 15 cells in one row;
    three rows of five keep every cell, the totals included, on the screen."""
    raw = dict(zip(cells_.path, cells_.raw, strict=False))
    columns = pd.Index(
        ["项目", *(template.REVIEW_COLUMN_LABELS[c] for c in template.REVIEW_COLUMNS)]
    )
    rows = [
        [(template.REVIEW_GROUP_LABELS[group], "")]
        + [printed(raw, f"review_litigation.{group}.{col}") for col in template.REVIEW_COLUMNS]
        for group in template.REVIEW_GROUPS
    ]
    return make_grid(rows, columns)


# Section 二 is printed as small tables, one per article of the regulation.
PROACTIVE_CAPTIONS = {
    "regulations": "第二十条第（一）项",
    "normative_documents": "第二十条第（一）项",
    "licensing": "第二十条第（五）项",
    "other_services": "第二十条第（五）项",
    "penalty": "第二十条第（六）项",
    "coercion": "第二十条第（六）项",
    "fees": "第二十条第（八）项",
    "procurement": "第二十条第（九）项",
}
# The 2019 template heads its decision column without 本年.
_PROACTIVE_2019_LABELS = {"decisions": "处理决定数量"}


def proactive_column_label(column: str, report_format: str) -> str:
    if report_format == "2019":
        return _PROACTIVE_2019_LABELS.get(column, template.PROACTIVE_COLUMN_LABELS[column])
    return template.PROACTIVE_COLUMN_LABELS[column]


def proactive_grids(cells_: pd.DataFrame, report_format: str) -> dict[str, Grid]:
    """Section 二 in the report's template (2019 or 2021): caption → its table,
    信息内容 down and the template's columns across."""
    raw = dict(zip(cells_.path, cells_.raw, strict=False))
    items: dict[str, list[template.ProactiveItem]] = {}
    for item in template.PROACTIVE_ITEMS[report_format]:
        items.setdefault(PROACTIVE_CAPTIONS[item.key], []).append(item)
    grids = {}
    for caption, members in items.items():
        columns = pd.Index(
            [
                "信息内容",
                *(proactive_column_label(col, report_format) for col in members[0].columns),
            ]
        )
        rows = [
            [(item.label, "")]
            + [printed(raw, f"proactive.{item.key}.{col}") for col in item.columns]
            for item in members
        ]
        grids[caption] = make_grid(rows, columns)
    return grids


def proactive_long(grids: dict[str, Grid]) -> pd.DataFrame:
    """All section-二 tables as one list of cells, for the section's CSV."""
    rows = []
    for caption, grid in grids.items():
        for _, line in grid.text.iterrows():
            for column in grid.text.columns[1:]:
                rows.append((caption, line["信息内容"], column, line[column]))
    return pd.DataFrame(rows, columns=["表", "信息内容", "栏目", "原文"])


def styled(grid: Grid, marks: dict[str, str]) -> Styler:
    """The grid's printed text, each cell coloured by the findings about it;
    cells that were not read are grey."""

    def css(_: pd.DataFrame) -> pd.DataFrame:
        colours = grid.paths.map(lambda path: marks.get(path, "") if path else "")
        not_read = (grid.text == NOT_READ) & (colours == "")
        return colours.mask(not_read, NOT_READ_CSS)

    return grid.text.style.apply(css, axis=None)


def flat(grid: Grid) -> pd.DataFrame:
    """The grid with one header row (``法人或其他组织·商业企业``), for a CSV."""
    data = grid.text.copy()
    if isinstance(data.columns, pd.MultiIndex):
        data.columns = [
            top if bottom in ("", top) else f"{top}·{bottom}" for top, bottom in data.columns
        ]
    return data


def styled_table(
    styler: Styler,
    data: pd.DataFrame,
    topic: str,
    filters: Filters,
    *,
    key: str,
    column_config: dict[str | int, object] | None = None,
    **options: object,
) -> None:
    """A coloured table and the CSV of its text (show.table takes no Styler)."""
    st.dataframe(
        styler,
        hide_index=True,
        height="content",
        key=f"table-{key}",
        column_config=column_config,
        **options,
    )
    show.print_copy(data)
    show.csv_download(data, topic, filters, key)


# --- Drawing one report (机关档案 and 检查报告) --------------------------------------

MARKS_CAPTION = (
    "原表中：浅红底为错误涉及的单元格，浅黄底为提示涉及的单元格，深红底为特别标出的校验结果；"
    f"单元格内容为报告原文（空白即报告中留空）；灰字“{NOT_READ}”为报告应有但未能读出的单元格。"
)
SOURCES_CAPTION = (
    "每个单元格在源文件中的位置。原文：报告中印的文字；数值：读出的数字（空白、短横、文字为空）；"
    "状态：数字、空白、短横或文字；行号：源文件（网页、Word、PDF 为转成的文本）中的行；"
    "页码、表格序号、表内行、表内列：源文件有表格或分页时的位置；校验结果序号：涉及该单元格的校验结果。"
)
OCR_UNCERTAIN = "cells.ocr_uncertain"
SCAN_CHECK_CAPTION = (
    "报告是扫描件，数字经文字识别读出。下列数字识别置信度低，或与勾稽关系不符而改动一个字符即可相符，"
    "可能识别有误：请对照扫描件原样核对；读入的数值未作任何改动。"
)
SCAN_ROW_HEIGHT = 56  # px: the picture of a cell stays legible
SCAN_ROWS_SHOWN = 10
NO_FINDINGS = "未发现问题：模板的勾稽关系均成立，所有单元格均为数字。"


def show_counts(meta: pd.Series) -> None:
    """The report's findings and its cells without a figure, as a row of metrics."""
    metrics = (
        ("错误", meta.errors, "违反模板勾稽关系、缺项或无法读取的校验结果条数"),
        ("提示", meta.warnings, "需要留意但不一定有误的校验结果条数（如空白单元格、与上年不衔接）"),
        ("空白单元格", meta.blank_cells, "表格中留空的单元格数（汇总时按 0 计）"),
        ("短横单元格", meta.dash_cells, "填写“/”“-”“—”“无”等的单元格数（汇总时按 0 计）"),
        ("文字单元格", meta.text_cells, "填写了数字以外文字的单元格数（汇总时按 0 计）"),
    )
    for column, (label, count, meaning) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(label, f"{int(count):,}", help=meaning)


def pick_finding(found: pd.DataFrame, key: str) -> int | None:
    """A select box of the findings: the one to mark apart in the tables."""
    return st.selectbox(
        "在表中特别标出",
        [None, *(int(n) for n in found.number)],
        format_func=lambda n: "（不特别标出）" if n is None else finding_label(
            found[found.number == n].iloc[0]),
        key=key,
        placeholder="（不特别标出）",  # shown for None, the default
        disabled=found.empty,
        help="所选校验结果涉及的单元格在下列原表中以深红色标出",
    )  # fmt: skip


def show_picked(finding: pd.Series) -> None:
    """The finding picked to be marked in the tables, above them."""
    alert = st.error if finding.severity == "error" else st.warning
    alert(
        f"第 {finding.number} 条校验结果（{SEVERITY_LABELS[finding.severity]}），"
        "涉及的单元格在下列原表中以深红色标出：",
        icon=":material/my_location:",
    )
    st.text(finding.message)  # may quote the report: never rendered


def show_proactive(
    cells_: pd.DataFrame,
    report_format: str,
    marks: dict[str, str],
    topic: str,
    filters: Filters,
    *,
    key: str,
) -> None:
    """Section 二 as printed, table by table, with one CSV of all its cells."""
    st.markdown(f"#### {template.SECTION_HEADINGS['proactive'][0]}")
    st.caption(f"按 {report_format} 版模板的表格复原。")
    grids = proactive_grids(cells_, report_format)
    for caption, grid in grids.items():
        st.markdown(f"**{caption}**")
        st.dataframe(
            styled(grid, marks), hide_index=True, height="content", key=f"table-{key}-pro-{caption}"
        )
        show.print_copy(grid.text)
    show.csv_download(proactive_long(grids), f"{topic}-二、主动公开", filters, f"{key}-proactive")


def show_applications(
    cells_: pd.DataFrame,
    report_format: str,
    marks: dict[str, str],
    topic: str,
    filters: Filters,
    *,
    key: str,
) -> None:
    """Section 三 as printed."""
    st.markdown(f"#### {template.SECTION_HEADINGS['applications'][0]}")
    st.caption(APPLICATION_CAPTION)
    grid = application_grid(cells_, report_format)
    styled_table(
        styled(grid, marks),
        flat(grid),
        f"{topic}-三、依申请公开",
        filters,
        key=f"{key}-applications",
    )


def show_review(
    cells_: pd.DataFrame, marks: dict[str, str], topic: str, filters: Filters, *, key: str
) -> None:
    """Section 四 as printed."""
    st.markdown(f"#### {template.SECTION_HEADINGS['review_litigation'][0]}")
    grid = review_grid(cells_)
    styled_table(
        styled(grid, marks), flat(grid), f"{topic}-四、复议诉讼", filters, key=f"{key}-review"
    )


# --- Where every number was read --------------------------------------------------

LOCATION_COLUMNS = {
    "at_line": "行号",
    "at_page": "页码",
    "at_table": "表格序号",
    "at_row": "表内行",
    "at_col": "表内列",
}


def in_print_order(cells_: pd.DataFrame, report_format: str) -> pd.DataFrame:
    """The cells in the order the report prints them: the template order of
    cell_keys, except section 二, whose 2019 table interleaves cells the 2021
    template shares."""
    proactive = [
        f"proactive.{item.key}.{col}"
        for item in template.PROACTIVE_ITEMS[report_format]
        for col in item.columns
    ]
    position = {path: index for index, path in enumerate(proactive)}
    sections = list(SECTION_LABELS)
    order = [
        (sections.index(section), position.get(path, 0), index)
        for index, (section, path) in enumerate(zip(cells_.section, cells_.path, strict=False))
    ]
    return cells_.iloc[sorted(range(len(cells_)), key=order.__getitem__)]


def cell_sources(cells_: pd.DataFrame, findings_: pd.DataFrame, report_format: str) -> pd.DataFrame:
    """Each cell with its label, printed text, value, status, where it was read
    and the findings about it. Location columns the input had none of are left out."""
    cells_ = in_print_order(cells_, report_format)
    about: dict[str, list[str]] = {}
    for number, paths in zip(findings_.number, findings_.cells, strict=False):
        for path in paths:
            about.setdefault(path, []).append(str(number))
    columns = [
        proactive_column_label(col, report_format) if section == "proactive" else label
        for section, col, label in zip(
            cells_.section, cells_.col_key, cells_.col_label, strict=False
        )
    ]
    table = pd.DataFrame(
        {
            "部分": cells_.section.map(SECTION_LABELS).to_numpy(),
            "项目": cells_.row_label.to_numpy(),
            "栏目": columns,
            "原文": cells_.raw.to_numpy(),
            "数值": cells_.value.to_numpy(),
            "状态": cells_.status.map(STATUS_LABELS).to_numpy(),
        }
    )
    for column, label in LOCATION_COLUMNS.items():
        if cells_[column].notna().any():
            table[label] = cells_[column].astype("Int64").to_numpy()
    if cells_.at_confidence.notna().any():  # a scan: where on the page, and how sure
        table["扫描位置（像素）"] = [_box_text(box) for box in cells_.at_box]
        table["识别置信度"] = (cells_.at_confidence * 100).to_numpy()
    table["校验结果序号"] = ["、".join(about.get(path, [])) for path in cells_.path]
    return table


def _box_text(box: object) -> str:
    """A box on a scanned page as 左,上–右,下 (pixels), or nothing."""
    if box is None or not len(box):  # type: ignore[arg-type]
        return ""
    left, top, right, bottom = (int(v) for v in box)  # type: ignore[union-attr]
    return f"{left},{top}–{right},{bottom}"


def location_columns(table: pd.DataFrame) -> dict[str, object]:
    """Line and page numbers shown as plain integers, without thousands separators;
    a scan's confidences as percentages."""
    columns: dict[str, object] = {
        label: st.column_config.NumberColumn(format="%d")
        for label in LOCATION_COLUMNS.values()
        if label in table.columns
    }
    if "识别置信度" in table.columns:
        columns["识别置信度"] = st.column_config.NumberColumn(
            "识别置信度（%）", format="%.1f", help="文字识别对该单元格最没把握的一个字符的置信度"
        )
    return columns


def source_line(meta: pd.Series) -> str:
    """The source document in one line, for a caption (Markdown-escaped)."""
    url = meta.source_url if isinstance(meta.source_url, str) and meta.source_url else "—"
    return markdown_text(
        f"源文件：{meta.source_file}（{format_name(meta.media_type)}）· 网址：{url}"
    )


def format_name(media_type: str) -> str:
    """A file format as an official names it (网页, Word, PDF …), not its MIME type."""
    return FORMAT_LABELS.get(media_type, media_type)


def _published(meta: pd.Series) -> str | None:
    """The publication date and where the report says it (落款日期（第 357 行）…)."""
    if not isinstance(meta.published_on, str):
        return None
    where = meta.published_on_from
    return f"{meta.published_on}（{where}）" if isinstance(where, str) else meta.published_on


def source_table(meta: pd.Series) -> pd.DataFrame:
    """The report's source document and how it was read, as 项目/内容 rows."""
    rows = [
        ("报告中的机关名称", meta.agency_name),
        ("机关编号", meta.agency_id),
        ("年度", f"{int(meta.year)}"),
        ("模板版本（第二部分）", f"{meta.format} 版"),
        ("源文件", meta.source_file),
        ("文件类型", format_name(meta.media_type)),
        ("源文件网址", meta.source_url),
        ("下载时间（UTC）", meta.get("source_fetched_at")),
        ("发布日期", _published(meta)),
        ("源文件 SHA-256", meta.source_sha256),
        ("读取程序", f"{meta.parser_name} {meta.parser_version}"),
        ("载入的文件", meta.input_file),
    ]
    return pd.DataFrame(
        [(name, "—" if value is None or pd.isna(value) else str(value)) for name, value in rows],
        columns=["项目", "内容"],
    )
