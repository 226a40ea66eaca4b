"""The app's own stylesheet: Chinese words where Streamlit writes English,
and how a page prints.

Streamlit (1.67) has no setting for the language of its widgets' chrome.
What an official sees is put in Chinese here by CSS: the file uploader's
button and size line, the multi-select's "Select all" and the "Stop" shown
while a page runs. What CSS cannot
translate — the tooltips of the table toolbar (Search, Download as CSV,
Fullscreen, Show/hide columns) and of plotly's mode bar (Zoom, Pan, Download
plot as a PNG …) — is hidden: every table and chart has its own 下载 CSV
button, which writes rates as percentages and Chinese headers where the
toolbar's CSV would write raw fractions, and hovering, zooming by dragging
and resetting by a double click still work on the charts.

Printing (the browser's 打印, to paper or PDF, A4): no sidebar, header,
buttons or toolbars; the page laid out at the width it has on a screen and
shrunk to the paper, so charts drawn at screen width fit and cards keep
their lines; a chart or card is not split across pages; a table prints as its
plain copy (show.print_copy), every column of it. On any screen a
card's comparison year moves under its change rather than being cut short.
"""

from __future__ import annotations

from functools import cache

import streamlit as st

from app.check import MAX_UPLOAD_MB
from app.imports import MAX_UPLOAD_MB as SERVER_UPLOAD_MB
from app.show import PRINT_COPY_CLASS

# A4 with 12 mm margins is 186 mm ≈ 703 CSS px wide; the main column is laid
# out 1,000 px wide for print and scaled to fit.
_PRINT_WIDTH_PX = 1000
_PRINT_ZOOM = 0.7
_INSTRUCTIONS = "[data-testid=stFileUploaderDropzoneInstructions] span"


def _replaced(selector: str, text: str, size: str = "0.875rem") -> str:
    """CSS showing ``text`` instead of the element's own (English) text."""
    return (
        f"{selector} {{ font-size: 0 !important; }}\n"
        f'{selector}::after {{ content: "{text}"; font-size: {size}; }}\n'
    )


@cache  # the same every run: built once
def stylesheet() -> str:
    chinese = (
        _replaced("[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p",
                  "选择文件")
        # The limit the server takes (数据导入), then the smaller one of 检查报告's uploader.
        + _replaced(f"{_INSTRUCTIONS}", f"每个文件不超过 {SERVER_UPLOAD_MB} MB", "0.75rem")
        + _replaced(f".st-key-check_file {_INSTRUCTIONS}", f"每个文件不超过 {MAX_UPLOAD_MB} MB",
                    "0.75rem")
        + _replaced('[role=option][data-key="__select_all__"] > div:first-child', "全选")
        # While a page runs, the top bar offers "Stop".
        + _replaced("[data-testid=stStatusWidget] button", "停止")
    )  # fmt: skip
    hidden = "[data-testid=stElementToolbar], .modebar-container { display: none !important; }\n"
    # A table's print copy (show.print_copy): on paper instead of the table, never on screen.
    # (:has() takes no :has() inside: the copy's container is named by its children.)
    copy_path = f"[data-testid=stElementContainer] > [data-testid=stHtml] > .{PRINT_COPY_CLASS}"
    print_copy = (
        f"[data-testid=stElementContainer]:has(> [data-testid=stHtml] > .{PRINT_COPY_CLASS})"
    )
    canvas_table = (
        f"[data-testid=stElementContainer]:has([data-testid=stDataFrame]):has(+ {copy_path})"
    )
    # A card's "较 2023 年度" goes under its change when the card is narrow
    # (1280 px screens, four cards a row), where Streamlit cuts it to "较 2…".
    uncut = """
div:has(> [data-testid=stMetricDeltaDescription]) { flex-wrap: wrap; row-gap: 0.125rem; }
[data-testid=stMetricDeltaDescription], [data-testid=stMetricDeltaDescription] .stMarkdownEllipsis {
  overflow: visible !important; text-overflow: clip !important;
}
"""
    printed = f"""
@page {{ size: A4; margin: 12mm; }}
@media print {{
  [data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stHeader],
  [data-testid=stToolbar], [data-testid=stDownloadButton], [data-testid=stDecoration],
  [data-testid=stStatusWidget], [data-testid=stElementToolbar], .stSkipLink,
  [data-testid=stExpander]:has(> details:not([open])) {{
    display: none !important;  /* a closed section would print as its label alone */
  }}
  [data-testid=stMain] {{ margin-left: 0 !important; }}
  [data-testid=stMainBlockContainer] {{
    width: {_PRINT_WIDTH_PX}px !important; max-width: none !important;
    padding: 0 !important; zoom: {_PRINT_ZOOM};
  }}
  [data-testid=stPlotlyChart], [data-testid=stMetric], [data-testid=stDataFrame],
  [data-testid=stTable] {{ break-inside: avoid; }}
  {canvas_table} {{ display: none !important; }}
  {print_copy} {{ display: block !important; }}
  .{PRINT_COPY_CLASS} table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
  .{PRINT_COPY_CLASS} thead {{ display: table-header-group; }}
  .{PRINT_COPY_CLASS} tr {{ break-inside: avoid; }}
  .{PRINT_COPY_CLASS} th, .{PRINT_COPY_CLASS} td {{
    border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top;
  }}
  .{PRINT_COPY_CLASS} th {{ background: #f0f2f6; }}
  .{PRINT_COPY_CLASS} td.number {{ text-align: right; white-space: nowrap; }}
  .{PRINT_COPY_CLASS} p {{ font-size: 14px; color: #555; }}
}}
"""
    return chinese + hidden + f"{print_copy} {{ display: none; }}\n" + uncut + printed


def apply() -> None:
    """The stylesheet on the page (once a run; Streamlit puts a style-only
    st.html in the page's head area, taking no space)."""
    st.html(f"<style>{stylesheet()}</style>")
