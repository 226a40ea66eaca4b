"""政府信息公开年报看板 — the Streamlit entry: ``streamlit run dashboard.py``.

It draws what every page shares (the database check, the synthetic-data
banner, the sidebar filters and the filtered-data downloads) and then runs
the chosen page from ``views/``.
"""

import streamlit as st

from app import exports, filters, page_style, plain, show, urlstate
from app.db import data_version, synthetic_reports
from app.failure import show_failure
from etl.db.atomic import LoadError

# The page scripts live in views/, not pages/: Streamlit treats a pages/
# folder as an old-style multipage app until this entry has run once, and
# would serve a deep link such as /review from pages/review.py directly,
# skipping this entry and its sidebar (and AppTest reruns would skip it too).
PAGES = [
    st.Page(
        "views/overview.py",
        title="总览",
        icon=":material/dashboard:",
        default=True,  # served at /
    ),
    st.Page(
        "views/proactive.py",
        title="主动公开",
        icon=":material/campaign:",
        url_path="proactive",
    ),
    st.Page(
        "views/applications.py",
        title="依申请公开",
        icon=":material/mail:",
        url_path="applications",
    ),
    st.Page(
        "views/review.py",
        title="复议诉讼",
        icon=":material/gavel:",
        url_path="review",
    ),
    st.Page(
        "views/compare.py",
        title="机关对比",
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "views/profile.py",
        title="机关档案",
        icon=":material/folder_open:",
        url_path="profile",
    ),
    st.Page(
        "views/quality.py",
        title="数据质量",
        icon=":material/fact_check:",
        url_path="quality",
    ),
    st.Page(
        "views/check.py",
        title="检查报告",
        icon=":material/upload_file:",
        url_path="check",
    ),
    st.Page(
        "views/imports.py",
        title="数据导入",
        icon=":material/cloud_upload:",
        url_path="import",
    ),
    st.Page(
        "views/definitions.py",
        title="指标说明",
        icon=":material/menu_book:",
        url_path="definitions",
    ),
]


IMPORT_PAGE = "import"


def _filtered_downloads(chosen: filters.Filters) -> None:
    st.sidebar.divider()
    count = exports.report_count(chosen)
    st.sidebar.caption(f"筛选范围内共 {count:,} 份报告。")
    if count == 0:
        return
    stem = chosen.file_stem("报告单元格", data_version())
    downloads = [
        ("CSV", lambda: show.csv_bytes(exports.report_cells(chosen)), "csv", "text/csv",
         ":material/download:", "每份报告一行，每个模板单元格一列（UTF-8 带 BOM）"),
    ]  # fmt: skip
    if count <= exports.EXCEL_REPORT_LIMIT:
        downloads.append(
            ("Excel", lambda: show.excel_bytes(exports.workbook_sheets(chosen)), "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ":material/table:", "二、三、四部分各一个工作表，另附校验结果"),
        )  # fmt: skip
    for kind, build, suffix, mime, icon, help_text in downloads:
        st.sidebar.download_button(
            f"筛选结果的全部单元格（{kind}）",
            data=build,
            file_name=f"{stem}.{suffix}",
            mime=mime,
            on_click="ignore",
            icon=icon,
            help=help_text,
        )
    if count > exports.EXCEL_REPORT_LIMIT:
        st.sidebar.caption(
            f"超过 {exports.EXCEL_REPORT_LIMIT:,} 份报告时请缩小范围再下载 Excel，"
            "或用 `python -m etl export` 导出 Parquet。"
        )


st.set_page_config(page_title="政府信息公开年报看板", page_icon="📊", layout="wide")


def _run_page() -> None:
    urlstate.begin_run()
    page_style.apply()
    navigation = st.navigation(PAGES)
    if navigation.url_path == IMPORT_PAGE:
        navigation.run()  # reads no data: it fills an empty or new database too
        return
    try:
        synthetic = synthetic_reports()
    except LoadError as error:
        st.error(plain.markdown_text(f"无法打开数据库：{error}"))
        st.stop()
    if synthetic:
        st.warning(
            f"当前数据含 {synthetic:,} 份合成（模拟）报告，仅供测试和性能评估，不是真实数据。",
            icon=":material/science:",
        )
    if not filters.years():
        st.info(
            "数据库中还没有报告。管理员可在“数据导入”页上传，"
            "或用 `python -m etl load 报告文件或文件夹 --db 数据库` 载入。"
        )
        st.stop()
    _filtered_downloads(filters.sidebar())
    navigation.run()


try:
    _run_page()
except Exception as error:  # st.stop() and reruns are not Exceptions: they pass
    show_failure(error)
