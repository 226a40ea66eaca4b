"""The 通报 that closes an office's year: a Word document an office edits and
sends to its agencies — who reported, late or not at all, the reports with
errors (in the template's words), the main figures with their change on the
year before, and rankings with the cases each rate is taken over; and 检查报告's
检查意见 on one agency's report, in the same form.

Every figure comes from the dashboard's own queries for the same filters
(app/overview.py, app/quality.py, app/compare.py, app/check.py), so the
documents say what the pages show."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app import compare, notes, overview, quality, show
from app.check import Checked, figure_changes
from app.db import data_version, query
from app.filters import Filters
from app.profile import format_name
from app.rules import rule_name

BODY_FONT, HEADING_FONT = "仿宋", "黑体"
RANKED = 10  # agencies listed per ranking
RANKINGS = (("received", 0), ("disclosure_rate", 10), ("review_correction_rate", 10))


def region_name(filters: Filters) -> str:
    return filters.county or filters.city or filters.province or "全国"


class UnknownRegion(ValueError):
    """A region the data and the register do not know, or one name of several places."""


def region_filters(name: str, year: int) -> Filters:
    """The filters of a region named as the dashboard names it (江苏省, 淮安市,
    洪泽区; 全国 for everything), over ``year`` and the year before."""
    if name in ("", "全国"):
        return Filters(year - 1, year)
    places = query(
        """
        SELECT DISTINCT province, city, county FROM (
            SELECT province, city, county FROM agencies UNION ALL
            SELECT province, city, county FROM register)
        WHERE province = $name OR city = $name OR county = $name
        """,
        {"name": name},
    )
    levels = ("province", "city", "county")
    for depth, level in enumerate(levels, start=1):
        # The region and the regions above it: one place, or the name is ambiguous.
        found = places[places[level] == name][list(levels[:depth])].drop_duplicates()
        if len(found) == 1:
            return Filters(year - 1, year, **found.iloc[0].to_dict())
        if len(found) > 1:
            where = "、".join(sorted("".join(row) for row in found.values))
            raise UnknownRegion(
                f"地区「{name}」不止一处（{where}）：请在看板左侧选定地区后，从「数据质量」页下载通报"
            )
    raise UnknownRegion(
        f"地区「{name}」在数据和应报名录中都没有：请写省、市或区县的全称，如“淮安市”"
    )


def bulletin(filters: Filters, year: int) -> bytes:
    """The 通报 for ``year`` over the agencies within the sidebar's region,
    level and kind (``filters``' years are replaced by ``year`` and the one
    before, for the changes)."""
    scope = dataclasses.replace(filters, year_from=year, year_to=year)
    document = _document()
    place = region_name(filters)
    _title(document, f"关于{place}{year}年度政府信息公开工作年度报告发布情况的通报")
    _paragraph(
        document,
        f"根据《中华人民共和国政府信息公开条例》第五十条，各行政机关应于每年 1 月 31 日前"
        f"向社会公布本机关上一年度政府信息公开工作年度报告。现将{place}各行政机关 {year} "
        "年度报告的发布、质量和主要数据情况通报如下。",
    )
    _coverage(document, filters, year)
    _errors(document, scope)
    _notes(document, scope)
    _figures(document, dataclasses.replace(filters, year_from=year - 1, year_to=year), year)
    _rankings(document, scope)
    _note(
        document, f"数据版本 {data_version()}；统计口径与看板相同，指标定义见看板「指标说明」页。"
    )
    _paragraph(document, "请各机关对照本通报核对本机关报告，发现问题的及时更正并重新发布。")
    closing = document.add_paragraph(f"（单位名称）\n{_chinese_date(date.today())}")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- sections ------------------------------------------------------------------------------------


def _coverage(document, filters: Filters, year: int) -> None:
    _heading(document, "一、报告发布情况")
    if not quality.has_register():
        reported = _reported_agencies(filters, year)
        _paragraph(
            document,
            f"{year} 年度共收录 {len(reported):,} 个机关的报告。尚未导入应报名录，"
            "无法核对应报未报和逾期情况。",
        )
        return
    due = quality.register_status(filters, year)
    counts = due.status.value_counts()
    on_time, missing, late = (int(counts.get(status, 0)) for status in ("已报", "未报", "逾期"))
    undated = int(((due.status == "已报") & due.published_on.isna()).sum())
    _paragraph(
        document,
        f"按应报名录，{year} 年度应发布报告的机关 {len(due):,} 个：已发布 {on_time + late:,} 个，"
        f"其中逾期发布（晚于 {year + 1} 年 1 月 31 日）{late:,} 个；未发布 {missing:,} 个。"
        + (f"另有 {undated:,} 个机关的报告未能读出发布日期，是否按时有待核实。" if undated else ""),
    )
    if missing:
        names = "、".join(due[due.status == "未报"].name)
        _paragraph(document, f"未发布报告的机关（{missing:,} 个）：{names}。")
    if late:
        rows = due[due.status == "逾期"]
        _paragraph(document, f"逾期发布报告的机关（{late:,} 个），发布日期及其出处：")
        _table(
            document,
            ["机关", "发布日期", "发布日期出处"],
            rows[["name", "published_on", "published_on_from"]].astype(str).values.tolist(),
        )


def _reported_agencies(filters: Filters, year: int) -> pd.DataFrame:
    where, params = dataclasses.replace(filters, year_from=year, year_to=year).where()
    return query(f"SELECT DISTINCT agency_id FROM reports WHERE {where}", params)


def _errors(document, scope: Filters) -> None:
    _heading(document, "二、报告质量")
    with_errors = quality.reports(scope, quality.Counted(errors_only=True), limit=None)
    if with_errors.empty:
        _paragraph(document, "收录的报告均未发现错误（违反模板勾稽关系、缺项或无法读取）。")
        return
    _paragraph(
        document,
        f"{len(with_errors):,} 份报告有错误（违反模板勾稽关系、缺项或无法读取），"
        "请相关机关核对原文、更正后重新发布：",
    )
    findings = query(
        "SELECT report_id, rule, message FROM findings WHERE severity = 'error' "
        "AND list_contains($ids::INTEGER[], report_id) ORDER BY report_id, rule",
        {"ids": [int(i) for i in with_errors.report_id]},
    )
    names = dict(zip(with_errors.report_id, with_errors.name, strict=True))
    rows = [
        [names[row.report_id], rule_name(row.rule), row.message]
        for row in findings.itertuples(index=False)
    ]
    _table(document, ["机关", "问题", "说明"], rows, widths=(4.0, 3.5, 9.5))


def _notes(document, scope: Filters) -> None:
    """What the office noted on these reports (已核实 …), beside what they print."""
    noted = notes.notes_in_scope(scope)
    if noted.empty:
        return
    _paragraph(document, f"核实备注（{len(noted):,} 条，由管理员记录，报告所印数据未改动）：")
    rows = noted[["机关", "对象", "备注"]].astype(str).values.tolist()
    _table(document, ["机关", "对象", "备注"], rows, widths=(4.0, 4.5, 8.5))


def _figures(document, filters: Filters, year: int) -> None:
    _heading(document, "三、主要数据")
    latest = overview.headlines(filters)
    if latest is None or latest[0] != year:
        _paragraph(document, f"{year} 年度没有收录的报告。")
        return
    _, figures = latest
    rows = []
    for figure in figures:
        value = show.figure_text(figure.value, rate=figure.is_rate)
        if figure.cases():
            value += f"（{figure.cases()}）"
        rows.append([figure.label, value, figure.change_text() or "—", figure.definition])
    _table(document, ["指标", f"{year} 年度", f"较 {year - 1} 年度", "说明"], rows,
           widths=(3.2, 3.8, 2.6, 7.4))  # fmt: skip
    split = overview.parts_warning(figures, year)
    if split:
        _paragraph(document, split)


def _rankings(document, scope: Filters) -> None:
    _heading(document, "四、机关排名")
    for number, (key, min_cases) in enumerate(RANKINGS, start=1):
        measure = compare.MEASURE_BY_KEY[key]
        rows = compare.ranking(scope, key, limit=RANKED, min_cases=min_cases)
        ranked = rows[rows.ranked]
        title = f"（{_chinese_number(number)}）{measure.label}前 {RANKED} 名"
        if measure.is_rate:
            title += f"（{min_cases} 件以上的机关）"
        _subheading(document, title)
        if ranked.empty:
            _paragraph(document, "没有可排名的机关。")
            continue
        table = compare.ranking_table(ranked, key)
        headers = [str(column) for column in table.columns if column not in ("层级", "机关类型")]
        columns = [show.column_texts(table[column], column) for column in headers]
        _table(document, headers, [list(row) for row in zip(*columns, strict=True)])
        below = int(rows.below_minimum.iloc[0]) if not rows.empty else 0
        if measure.is_rate and below:
            _note(document, f"另有 {below:,} 个机关不足 {min_cases} 件，不排名。")


# --- the document --------------------------------------------------------------------------------


def _document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, 14)
    normal.paragraph_format.line_spacing = Pt(28)
    return document


def _font(style_or_run, name: str, size: float, bold: bool = False) -> None:
    font = style_or_run.font
    font.name, font.size, font.bold = name, Pt(size), bold
    properties = style_or_run.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)  # Word takes Chinese text's font from here


def _title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), "宋体", 20, bold=True)


def _heading(document, text: str) -> None:
    _font(document.add_paragraph().add_run(text), HEADING_FONT, 16)


def _subheading(document, text: str) -> None:
    _font(document.add_paragraph().add_run(text), "楷体", 15)


def _paragraph(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(28)


def _note(document, text: str) -> None:
    _font(document.add_paragraph().add_run(text), BODY_FONT, 10.5)


def _table(
    document, headers: list[str], rows: list[list[str]], widths: tuple[float, ...] | None = None
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5)
    for cell_row in table.rows:
        for cell in cell_row.cells:
            cell.paragraphs[0].paragraph_format.line_spacing = 1.0  # not the body's 28 pt
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid, which LibreOffice lays out by
        for cell_row in table.rows:
            for cell, width in zip(cell_row.cells, widths, strict=True):
                cell.width = Cm(width)  # each cell, which Word lays out by


_DIGITS = "〇一二三四五六七八九"


def _chinese_number(number: int) -> str:
    return _DIGITS[number] if number < 10 else str(number)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- 检查报告's 检查意见: one agency's report --------------------------------------------------


def check_opinion(checked: Checked) -> bytes:
    """The 检查意见 on one uploaded report (检查报告): its findings in the
    template's words, errors first, and its main figures against the year
    before — what the page shows, as a document to send the agency."""
    meta, found = checked.meta, checked.findings
    document = _document()
    name, year = str(meta.agency_name), checked.year
    _title(document, f"关于{name}{year}年度政府信息公开工作年度报告的检查意见")
    _heading(document, "一、基本情况")
    published = (
        f"{meta.published_on}（{meta.published_on_from}）"
        if isinstance(meta.published_on, str)
        else "未能从报告中读出"
    )
    _paragraph(
        document,
        f"报告文件：{meta.source_file}（{format_name(meta.media_type)}）；"
        f"按 {meta.format} 版模板填报；发布日期：{published}。",
    )
    _heading(document, "二、发现的问题")
    errors, warnings = found[found.severity == "error"], found[found.severity != "error"]
    if found.empty:
        _paragraph(document, "按模板勾稽关系和各项规则检查，未发现问题。")
    for rows, words in ((errors, "错误（违反模板勾稽关系、缺项或无法读取，须更正）"),
                        (warnings, "提示（需要留意，请核实）")):  # fmt: skip
        if rows.empty:
            continue
        _paragraph(document, f"{words}{len(rows):,} 条：")
        _table(
            document,
            ["序号", "问题", "说明"],
            [[str(row.number), rule_name(row.rule), row.message] for row in rows.itertuples()],
            widths=(1.4, 3.6, 11.0),
        )
    _heading(document, f"三、主要数据与上年（{year - 1} 年度）对比")
    if checked.previous is None:
        _paragraph(document, f"数据库中没有该机关 {year - 1} 年度的报告，未作对比。")
    else:
        changes = figure_changes(checked)
        _table(document, [str(c) for c in changes.columns], changes.astype(str).values.tolist())
    _heading(document, "四、意见")
    _paragraph(
        document,
        "请对照上述错误核对报告原文，更正后重新发布；提示所列事项请逐项核实。"
        if not errors.empty
        else "未发现错误；提示所列事项（如有）请逐项核实。",
    )
    closing = document.add_paragraph(f"（单位名称）\n{_chinese_date(date.today())}")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
