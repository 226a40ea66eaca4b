"""数据导入 — an administrator uploads a year's reports (or a .zip of them) and
the register of who must report; everyone else only reads this page's note."""

from pathlib import Path

import streamlit as st

from app import admin, imports, plain, show
from app.db import database_path
from etl.db.atomic import LoadError
from etl.errors import ExtractionError

SITTING = "import_sitting"  # session key: the latest sitting's outcomes
UPLOADS = "import_uploads"  # session key: a number in the uploader's key, to empty it
JUST_LOADED = "import_just_loaded"  # session key: the results below are new: say so at once
DONE = "import_done"  # session key: the confirmation just made, said once
REGISTERED = "import_registered"  # session key: the latest register import's match

st.title("数据导入")
st.caption(
    "管理员在此上传年度报告文件（可一次多个，或整年报告的 .zip 压缩包）和应报名录，"
    "读取、校验后载入数据库；载入完成后，所有已打开的页面在下一次操作时即显示新数据。"
)

if admin.configured_password() is None:
    st.warning(
        "写入已关闭：服务器没有设置管理员密码，本看板对所有人只读。"
        f"需要在网页上导入时，由服务器管理员设置环境变量 `{admin.PASSWORD_ENV}`，"
        f'或在 `.streamlit/secrets.toml` 中写入 `{admin.PASSWORD_SECRET} = "……"`，然后重启看板'
        "（见 docs/deploy.md）。不设密码时仍可用 `python -m etl load` 在服务器上载入。",
        icon=":material/lock:",
    )
    st.stop()

if not admin.is_admin():
    with st.form("admin-sign-in"):
        given = st.text_input("管理员密码", type="password", key="admin_password_input")
        signed = st.form_submit_button("登录", icon=":material/key:")
    if signed:
        try:
            if admin.sign_in(given):
                st.rerun()
            st.error("密码不正确，未登录。", icon=":material/error:")
        except admin.TooManyAttempts as error:
            st.error(str(error), icon=":material/timer:")
    st.info(
        "导入和备注只对管理员开放，密码请向本看板的服务器管理员索取；其他页面无需登录。"
        "登录只在当前浏览器标签页有效：刷新页面或打开新标签页后需重新登录。",
        icon=":material/lock:",
    )
    st.stop()

db = database_path()
if admin.writes_bundled_database():
    st.warning(admin.BUNDLED_NOTE, icon=":material/lock:")
    st.stop()
left, right = st.columns([4, 1], vertical_alignment="center")
left.success("已以管理员身份登录：本页和“机关档案”的备注可写入数据库。", icon=":material/key:")
if right.button("退出登录", icon=":material/logout:"):
    admin.sign_out()
    st.rerun()


# --- Reports ---------------------------------------------------------------------------

st.header("导入年度报告")
uploads_key = f"import_files_{st.session_state.get(UPLOADS, 0)}"
files = st.file_uploader(
    "报告文件或 .zip 压缩包",
    accept_multiple_files=True,
    key=uploads_key,
    max_upload_size=imports.MAX_UPLOAD_MB,
    help="格式按文件内容识别；.zip 里的报告逐个读取，只含扫描页图片的 .zip 算一份扫描报告。",
)
st.caption(
    f"每个文件不超过 {imports.MAX_UPLOAD_MB} MB；压缩包最多 {imports.MAX_ARCHIVE_FILES:,} 个文件。"
    "同一机关同一年度已有不同内容的报告时，先列出，由您逐份确认是否替换。"
    "上传的文件保存在服务器的导入文件夹中，数据库记录每个数据读自哪个文件。"
)


def _progress_text(done: int, total: int, latest: str) -> str:
    shown = f"：{Path(latest).name}" if latest else ""
    return f"已读取 {done:,} / {total:,} 个文件{shown}"


if st.button("读取并载入", type="primary", icon=":material/upload:", disabled=not files):
    folder = imports.sitting_folder(db)
    unpacked = imports.unpack(((file.name, file.getvalue()) for file in files or []), folder)
    bar = st.progress(0.0, text="正在读取……")

    def show_progress(done: int, total: int, latest: str) -> None:
        bar.progress(done / total if total else 1.0, text=_progress_text(done, total, latest))

    try:
        summary = (
            imports.load_uploads(unpacked.files, db, show_progress)
            if unpacked.files
            else imports.LoadSummary()
        )
    except LoadError as error:
        st.error(plain.markdown_text(str(error)), icon=":material/error:")
        st.stop()
    done, refused = len(unpacked.files), len(unpacked.refused)
    finished = _progress_text(done, done, "") + (
        "，数据库已更新" if summary.data_version else "，数据库未改动"
    )
    if refused:
        finished += f"；另有 {refused:,} 个文件未读取（见“拒收”）"
    st.session_state[SITTING] = (imports.sitting(folder, unpacked, summary), finished)
    st.session_state[JUST_LOADED] = True
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1  # an empty uploader
    st.rerun()


def _confirm(sitting: imports.Sitting, place: int) -> None:
    """The administrator's choice for one report that differs from the stored one."""
    outcome = sitting.outcomes[place]
    path = Path(outcome.input_file)
    with st.container(border=True):
        name = plain.markdown_text(sitting.shown(outcome.input_file))
        reason = plain.markdown_text(sitting.plain(outcome.reason))
        stored = imports.stored_counts(str(outcome.agency_id), int(outcome.year or 0))
        before = f"已载入的有 {stored[0]:,} 个错误、{stored[1]:,} 个提示；" if stored else ""
        st.markdown(
            f"**{name}**：{reason}。{before}"
            f"新文件有 {outcome.errors:,} 个错误、{outcome.warnings:,} 个提示。"
        )
        st.page_link(
            "views/profile.py",
            label="在“机关档案”中查看已载入的报告",
            icon=":material/folder_open:",
            query_params={"prof_agency": str(outcome.agency_id), "prof_year": str(outcome.year)},
        )
        replace, keep, _ = st.columns([1, 1, 3])
        if replace.button("替换为新文件", key=f"import-replace-{place}", icon=":material/sync:"):
            bar = st.progress(0.0, text="正在替换……")
            try:
                summary = imports.load_uploads(
                    [path],
                    db,
                    lambda done, total, latest: bar.progress(done / max(total, 1)),
                    replace=True,
                )
            except LoadError as error:
                st.error(plain.markdown_text(str(error)), icon=":material/error:")
                return
            replaced = [o for o in summary.outcomes if o.status == imports.REPLACED]
            sitting.status[place] = (
                imports.CONFIRMED if replaced else imports.STATUS_LABELS[summary.outcomes[0].status]
            )
            st.session_state[DONE] = f"{name}：{sitting.status[place]}"
            st.rerun()
        if keep.button("不替换", key=f"import-keep-{place}", icon=":material/block:"):
            imports.discard(path)
            sitting.status[place] = imports.KEPT
            st.session_state[DONE] = f"{name}：{imports.KEPT}"
            st.rerun()


if SITTING in st.session_state:
    sitting, finished = st.session_state[SITTING]
    st.subheader("本次导入的结果")
    st.progress(1.0, text=finished)
    counts = sitting.counts()
    if st.session_state.pop(JUST_LOADED, False):  # the results may be below the screen's edge
        st.toast(finished + "。" + "，".join(f"{k} {v:,}" for k, v in counts.items() if v),
                 icon=":material/check:")  # fmt: skip
    if done_now := st.session_state.pop(DONE, None):
        st.success(done_now, icon=":material/check:")
    for column, (label, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(label, f"{count:,}", help=imports.COUNT_HELP[label])
    results = sitting.table()
    st.dataframe(
        results,
        hide_index=True,
        key="import-results",
        placeholder="—",
        column_config=show.number_columns(results) | imports.RESULT_WIDTHS,
    )
    show.print_copy(results)
    st.download_button(
        "下载导入结果（CSV）",
        data=show.csv_bytes(results),
        file_name=f"导入结果-{sitting.folder.name}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    pending = [
        place
        for place, status in enumerate(sitting.status)
        if status == imports.STATUS_LABELS[imports.CONFLICT]
    ]
    if pending:
        st.markdown(f"**需确认替换的报告（{len(pending):,} 份）**")
        for place in pending:
            _confirm(sitting, place)


# --- The register ------------------------------------------------------------------------

st.header("导入应报名录")
st.caption(
    "应报名录列出本地区每年应发布年度报告的机关（名称、机关编号、地区、层级、类型、起止年度）；"
    "导入后替换原有名录，“数据质量”页据此列出应报、已报、未报和逾期。"
)
register = st.file_uploader(
    "应报名录（.xlsx 或 .csv）", type=["xlsx", "csv"], key="import_register"
)
left, right = st.columns(2)
show.register_template_button(left)
if right.button("导入名录", icon=":material/checklist:", disabled=register is None):
    assert register is not None
    folder = imports.sitting_folder(db)
    path = folder / imports.safe_name(register.name)
    path.write_bytes(register.getvalue())
    replaced = imports.register_size()
    try:
        match = imports.import_register(path, db)
    except (ExtractionError, LoadError) as error:
        st.error(plain.markdown_text(str(error)), icon=":material/error:")
        st.stop()
    st.session_state[REGISTERED] = (match, replaced)
if REGISTERED in st.session_state:
    match, replaced = st.session_state[REGISTERED]
    before = f"，替换了原有的 {replaced:,} 个机关的名录" if replaced else ""
    st.success(f"已导入应报名录：{match.entries:,} 个机关{before}。", icon=":material/check:")
    if match.unmatched_entries:
        st.markdown(f"**名录中尚无任何报告的机关（{len(match.unmatched_entries):,} 个）**")
        st.dataframe(imports.unmatched_table(match), hide_index=True, key="import-unmatched")
    if match.unlisted_agencies:
        st.markdown(f"**有报告但不在名录中的机关（{len(match.unlisted_agencies):,} 个）**")
        st.dataframe(imports.unlisted_table(match), hide_index=True, key="import-unlisted")
