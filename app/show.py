"""Tables and charts on a page, each with a CSV download of exactly the rows
shown. Files are built only when the button is clicked."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app import aggregate, plain
from app.db import data_version
from app.filters import Filters
from etl.register import register_template


def _counts_as_integers(data: pd.DataFrame) -> pd.DataFrame:
    # Figures are stored as DOUBLE (a fractional count is kept as printed);
    # whole-number columns are written as 3119, not 3119.0.
    columns = {
        name: data[name].astype("Int64")
        for name in data.columns
        if pd.api.types.is_float_dtype(data[name])
        and data[name].dropna().apply(float.is_integer).all()
    }
    return data.assign(**columns) if columns else data


# What makes a spreadsheet read a cell as a formula (OWASP's CSV-injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Strings are written as strings: never turned into formulas or links.
_EXCEL_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def _inert(value: object) -> object:
    """Text a spreadsheet would run as a formula, behind a quote (shown as
    text); every other value as it is."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _without_formulas(data: pd.DataFrame) -> pd.DataFrame:
    """Text columns and headers made inert; figures stay numbers."""
    text = {
        name: data[name].map(_inert)
        for name in data.columns
        if pd.api.types.is_object_dtype(data[name]) or pd.api.types.is_string_dtype(data[name])
    }
    inert = data.assign(**text) if text else data
    return inert.rename(columns=_inert)


def _rates_as_percentages(data: pd.DataFrame) -> pd.DataFrame:
    """A rate column (named …率) as a percentage to one decimal, as the page
    shows it, the unit in its header: 公开率（%） 19.0, not 0.19047619047619047.
    The exact figure is in its numerator and denominator columns."""
    rates = [name for name in data.columns if _number_kind(data[name], str(name)) == "rate"]
    if not rates:
        return data
    percentages = data.assign(**{name: (data[name] * 100).round(1) for name in rates})
    return percentages.rename(columns={name: f"{name}（%）" for name in rates})


def csv_bytes(data: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel on Chinese Windows reads the headers."""
    written = _without_formulas(_counts_as_integers(_rates_as_percentages(data)))
    return written.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook to use at once: the header row and first column frozen, the
    headers wrapped and filterable, columns as wide as their content, counts
    with thousands separators (an amount with its decimals) and rates
    (columns named …率) as percentages."""
    buffer = io.BytesIO()
    writer_options = {"options": _EXCEL_OPTIONS}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=writer_options) as writer:
        book = writer.book
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
        formats: dict[str, object] = {}  # one workbook format per number format
        for name, sheet in sheets.items():
            sheet.to_excel(writer, sheet_name=name, index=False)
            worksheet = writer.sheets[name]
            worksheet.freeze_panes(1, 1)
            worksheet.autofilter(0, 0, len(sheet), max(len(sheet.columns) - 1, 0))
            for index, column in enumerate(sheet.columns):
                worksheet.write(0, index, column, header)
                code = _excel_number_format(sheet[column], str(column))
                if code and code not in formats:
                    formats[code] = book.add_format({"num_format": code})
                width = _excel_width(sheet[column], str(column), code)
                worksheet.set_column(index, index, width, formats.get(code) if code else None)
    return buffer.getvalue()


_WIDE_CHARACTER = r"[^\x00-\xff]"  # a Chinese character takes two columns' width
_EXCEL_WIDTH_RANGE = (6, 40)  # a longer header wraps instead
_WIDTH_SAMPLE = 1000  # rows measured: enough for a column's width, quick on 50,000 rows
_MOST_DECIMALS = 4  # an amount in 万元 is printed with at most this many


def _excel_number_format(values: pd.Series, header: str) -> str | None:
    """How Excel shows a column: 0.0% for a rate, #,##0 for a count, and as many
    decimals as an amount has (96,171.6 万元, not 96,172); None for years and text."""
    kind = _number_kind(values, header)
    if kind == "rate":
        return "0.0%"
    if kind is None:
        return None
    places = _decimal_places(values.dropna().astype(float).to_numpy())  # every row: one is enough
    return "#,##0" + ("." + "0" * places if places else "")


def _decimal_places(numbers: np.ndarray) -> int:
    for places in range(_MOST_DECIMALS):
        scaled = numbers * 10**places
        if np.allclose(scaled, scaled.round(), rtol=0, atol=1e-6):
            return places
    return _MOST_DECIMALS


def _shown_in_excel(value: float, code: str) -> str:
    """A number as Excel shows it in ``code`` (one of _excel_number_format's)."""
    if code.endswith("%"):
        return f"{value:.1%}"
    places = len(code.partition(".")[2])
    return f"{value:,.{places}f}"


def _excel_width(values: pd.Series, header: str, code: str | None) -> float:
    """Wide enough for the column's values as shown and its header on up to three lines."""
    sample = values.head(_WIDTH_SAMPLE).dropna()
    shown = sample.map(lambda value: _shown_in_excel(value, code)) if code else sample.map(str)
    texts = pd.concat([shown.astype(str), pd.Series([header])], ignore_index=True)
    widths = texts.str.len() + texts.str.count(_WIDE_CHARACTER)
    wanted = max(int(widths.iloc[:-1].max()) if len(shown) else 0, -(-int(widths.iloc[-1]) // 3))
    low, high = _EXCEL_WIDTH_RANGE
    return min(max(wanted + 2, low), high)


def _number_kind(values: pd.Series, header: str) -> str | None:
    """How a column's numbers are shown: "rate", "count", or None (a year or text)."""
    if not pd.api.types.is_numeric_dtype(values) or header in ("年度", "年份"):
        return None
    return "rate" if header.endswith("率") else "count"


def csv_download(
    data: pd.DataFrame | Callable[[], pd.DataFrame], topic: str, filters: Filters, key: str
) -> None:
    """The CSV of ``data`` — or of what ``data()`` gives, built only when clicked."""
    st.download_button(
        "下载 CSV",
        data=lambda: csv_bytes(data() if callable(data) else data),
        file_name=f"{filters.file_stem(topic, data_version())}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=f"csv-{key}",
        help="所显示的数据（UTF-8 带 BOM，Excel 可直接打开）",
    )


def number_columns(data: pd.DataFrame) -> dict[str, object]:
    """Thousands separators for counts, percentages for rates (columns named …率)."""
    formats = {"rate": "percent", "count": "localized"}
    config: dict[str, object] = {}
    for name in data.columns:
        kind = _number_kind(data[name], str(name))
        if kind is not None:
            config[name] = st.column_config.NumberColumn(format=formats[kind])
    return config


# Printed, a table shows its first rows (the CSV has them all).
PRINT_ROWS = 50
PRINT_COPY_CLASS = "print-copy"  # shown instead of the canvas table on paper (page_style)


def print_copy(data: pd.DataFrame) -> None:
    """The table as plain HTML, hidden on the screen and printed instead of the
    table itself: that is drawn on a canvas as wide as the screen gave it, and
    on paper its columns past the page and a long cell's end would be cut.
    Numbers read as in the Excel file: 1,234, 96,171.6, 59.5%."""
    shown = data.head(PRINT_ROWS)
    columns = [_printed_cells(shown[name], str(name)) for name in shown.columns]
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in shown.columns)
    body = "".join(
        "<tr>" + "".join(column[row] for column in columns) + "</tr>" for row in range(len(shown))
    )
    more = len(data) - len(shown)
    note = f"<p>另有 {more:,} 行未打印，全部见“下载 CSV”。</p>" if more > 0 else ""
    st.html(
        f'<div class="{PRINT_COPY_CLASS}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>{note}</div>"
    )


_FIGURE_TEXT = re.compile(r"^-?[\d,]+(?:\.\d+)?%?$")  # a figure kept as printed text: right-aligned


def column_texts(values: pd.Series, header: str) -> list[str]:
    """A column's cells as text, as the Excel file shows them (1,234, 96,171.6,
    59.5%; text as it is; "—" for no value): for paper and Word documents."""
    code = _excel_number_format(values, header)
    return [
        "—"
        if value is None or (not isinstance(value, str) and bool(pd.isna(value)))
        else _shown_in_excel(value, code)
        if code
        else str(value)
        for value in values
    ]


def _printed_cells(values: pd.Series, header: str) -> list[str]:
    """A column's cells as printed: <td> elements, escaped, figures right-aligned."""
    numbers = _excel_number_format(values, header) is not None
    cells = []
    for text in column_texts(values, header):
        figure = numbers or _FIGURE_TEXT.match(text) is not None
        escaped = html.escape(text)
        cells.append(f'<td class="number">{escaped}</td>' if figure else f"<td>{escaped}</td>")
    return cells


PROFILE_PAGE = "views/profile.py"
OPENS_PROFILE_NOTE = "点选表格最左侧的方框，打开该行机关的机关档案。"


def profile_queries(agency_ids: pd.Series, years: pd.Series | None = None) -> list[dict[str, str]]:
    """The 机关档案 link of each row: its agency (and the year of its report)."""
    if years is None:
        return [{"prof_agency": str(agency_id)} for agency_id in agency_ids]
    return [
        {"prof_agency": str(agency_id), "prof_year": str(int(year))}
        for agency_id, year in zip(agency_ids, years, strict=True)
    ]


AGENCY_ID = "机关编号"


def agency_id_last(data: pd.DataFrame) -> pd.DataFrame:
    """机关编号 moved to the last column: in every agency table (so one agency
    printed under two names pivots as one), after the figures, which stay in
    view on a narrow screen."""
    if AGENCY_ID not in data.columns:
        return data
    return data[[name for name in data.columns if name != AGENCY_ID] + [AGENCY_ID]]


def table(
    data: pd.DataFrame,
    topic: str,
    filters: Filters,
    *,
    key: str,
    column_config: dict[str, object] | None = None,
    whole: Callable[[], pd.DataFrame] | None = None,
    opens: list[dict[str, str] | None] | None = None,
    **options: object,
) -> None:
    """A table and the CSV of the same rows and columns — or, for a list shown
    cut short, of ``whole()``: every row, built when the button is clicked.
    With ``opens`` (profile_queries, one per row) a row can be selected, and
    selecting it opens that row's 机关档案 (a row whose ``opens`` is None has
    none: an agency of the register without reports)."""
    selectable = {"on_select": "rerun", "selection_mode": "single-row"} if opens else {}
    event = st.dataframe(
        data,
        hide_index=True,
        column_config=number_columns(data) | (column_config or {}),
        key=f"table-{key}",
        placeholder="—",  # no value (e.g. a rate without denominator), never "None"
        **selectable,
        **options,
    )
    print_copy(data)
    if opens:
        selected = event.selection.rows
        if selected and opens[selected[0]] is None:
            st.info("该机关尚无载入的报告，没有机关档案可打开。", icon=":material/info:")
        elif selected:
            st.switch_page(PROFILE_PAGE, query_params=opens[selected[0]])
        st.caption(OPENS_PROFILE_NOTE)
    csv_download(whole or data, topic, filters, key)


def _every_year(figure: go.Figure, filters: Filters) -> None:
    # A year axis lists every year of the filter, so a year without reports
    # shows as a gap instead of silently closing up.
    xs = [
        x
        for trace in figure.data
        if trace.orientation != "h" and trace.x is not None
        for x in trace.x
    ]
    years = range(filters.year_from, filters.year_to + 1)
    if xs and all(isinstance(x, (int, np.integer)) and x in years for x in xs):
        figure.update_xaxes(categoryorder="array", categoryarray=list(years))


def chart(figure: go.Figure, data: pd.DataFrame, topic: str, filters: Filters, *, key: str) -> None:
    """A chart and the CSV of the figures it draws."""
    _every_year(figure, filters)
    st.plotly_chart(figure, key=f"chart-{key}", config={"displaylogo": False})
    csv_download(data, topic, filters, key)


REGION_NOTE = (
    "筛选范围内有 {count:,} 份区域汇总报告（{names}）：其表中数字含本地区各部门和下级政府，"
    "同年度本地区其他机关的报告也在范围内，相加会重复计算；可在左侧勾选“不计区域汇总报告”。"
)
REGION_LEFT_OUT = (
    "已不计 {count:,} 份区域汇总报告（{names}）：其表中数字含本地区各部门和下级政府。"
    "是否区域汇总按每份报告的正文判断，同一机关其他年度只计本机关的报告仍计入。"
)
REGION_ALONE = (
    "另有 {count:,} 份区域汇总报告（{names}）同年度没有本地区其他机关的报告在范围内，"
    "不会重复计算；勾选“不计区域汇总报告”时也一并不计。"
)
_NAMED_REPORTS = 5  # named in the note; more are counted


def _named(reports: pd.DataFrame) -> str:
    names = [f"{row.name} {row.year} 年度" for row in reports.head(_NAMED_REPORTS).itertuples()]
    more = f"等 {len(reports):,} 份" if len(reports) > _NAMED_REPORTS else ""
    return plain.markdown_text("、".join(names) + more)


def scope_words(filters: Filters) -> str:
    """The filters in words, as Markdown (place names come from the reports)."""
    return plain.markdown_text(filters.describe().replace("_", " · "))


def scope_caption(filters: Filters) -> None:
    """The filters in words under a page's title, and a warning when the
    selection adds region-wide reports to reports they already include."""
    st.caption(f"筛选范围：{scope_words(filters)}")
    region = aggregate.region_reports(filters)
    if filters.without_region:
        notes = [(REGION_LEFT_OUT, region)]
    else:  # the reports the choice would leave out are all named, so the counts agree
        notes = [(REGION_NOTE, region[region.overlapping])]
        if region.overlapping.any():
            notes.append((REGION_ALONE, region[~region.overlapping]))
    text = "".join(note.format(count=len(listed), names=_named(listed))
                   for note, listed in notes if len(listed))  # fmt: skip
    if text:
        st.caption(f":material/info: {text}")


def stop_if_empty(rows: int, what: str = "报告") -> None:
    """An empty selection explains itself instead of drawing empty charts."""
    if rows == 0:
        st.info(
            f"当前筛选范围内没有{what}。请放宽左侧的年度、地区、层级、机关类型或机关筛选。",
            icon=":material/search:",
        )
        st.stop()


def figure_text(value: float | None, *, rate: bool = False, unit: str = "") -> str:
    """``1,234`` for counts, ``59.5%`` for rates, ``—`` when there is no value."""
    if value is None or pd.isna(value):
        return "—"
    if rate:
        return f"{value:.1%}"
    text = f"{value:,.2f}" if unit == "万元" else f"{value:,.0f}"
    return f"{text} {unit}" if unit == "万元" else text


def register_template_button(where: DeltaGenerator) -> None:
    """The empty 应报名录 to fill in, as an Excel sheet."""
    where.download_button(
        "下载应报名录模板（Excel）",
        data=register_template,
        file_name="应报名录模板.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
        key="register-template",
        help="机关名称、机关编号、地区、层级、机关类型、起始年度、截止年度；第二页为填写说明",
    )
