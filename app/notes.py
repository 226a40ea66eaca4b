"""Administrators' notes on reports and cells, as the pages show them, and
the page's way of writing one (administrators only: app/admin.py)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from app.admin import BUNDLED_NOTE, is_admin, require_admin, writes_bundled_database
from app.db import database_path, query
from app.filters import Filters
from app.plain import markdown_text
from etl.db.atomic import LoadError
from etl.db.cellkeys import cell_headings
from etl.db.notes import MAX_AUTHOR_CHARS, MAX_NOTE_CHARS, NewNote, add_note, delete_note

WHOLE_REPORT = "整份报告"
NOTES_CAPTION = (
    "备注由管理员填写（如“已电话核实，原文如此”），与报告所印数据分开保存，"
    "重新载入或替换报告后仍在。"
)


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    headings = cell_headings()
    return pd.DataFrame(
        {
            "备注编号": rows.note_id,
            "对象": rows.cell_path.map(
                lambda path: WHOLE_REPORT if pd.isna(path) else headings.get(path, path)
            ),
            "备注": rows.text,
            "记录人": rows.author.fillna(""),
            "记录时间": rows.written_at.dt.strftime("%Y-%m-%d %H:%M"),
        }
    )


def report_notes(agency_id: str, year: int) -> pd.DataFrame:
    """The notes on one agency's report for one year, oldest first."""
    rows = query(
        "SELECT note_id, cell_path, text, author, written_at FROM notes "
        "WHERE agency_id = ? AND year = ? ORDER BY note_id",
        (agency_id, year),
    )
    return _shown(rows)


def notes_in_scope(filters: Filters) -> pd.DataFrame:
    """The notes on the reports within ``filters``, by agency and year."""
    where, params = filters.where("r")
    rows = query(
        f"""
        SELECT r.agency_name, r.year, r.agency_id, n.note_id, n.cell_path, n.text, n.author,
               n.written_at
        FROM notes n JOIN reports r USING (agency_id, year)
        WHERE {where}
        ORDER BY r.agency_id, r.year, n.note_id
        """,
        params,
    )
    shown = _shown(rows)
    shown.insert(0, "年度", rows.year)
    shown.insert(0, "机关", rows.agency_name)
    shown["机关编号"] = rows.agency_id
    return shown


def save_note(agency_id: str, year: int, cell_path: str | None, text: str, author: str) -> int:
    require_admin()
    return add_note(database_path(), NewNote(agency_id, year, cell_path, text, author))


def remove_note(note_id: int) -> None:
    require_admin()
    delete_note(database_path(), note_id)


def show_editor(agency_id: str, year: int, cell_paths: list[str]) -> None:
    """An administrator's form to note the report or one of ``cell_paths``,
    and to delete a note; nothing for anyone else."""
    if not is_admin():
        return
    if writes_bundled_database():
        st.caption(BUNDLED_NOTE)
        return
    with st.expander("添加或删除备注（管理员）", icon=":material/edit_note:"):
        _note_form(agency_id, year, cell_paths)
        existing = report_notes(agency_id, year)
        if existing.empty:
            return
        shown = {
            int(number): f"{target}：{text if len(text) <= 30 else text[:30] + '…'}"
            for number, target, text in zip(
                existing["备注编号"], existing["对象"], existing["备注"], strict=True
            )
        }
        chosen = st.selectbox("删除备注", list(shown), key="note_delete", format_func=shown.get)
        left, right = st.columns([3, 1], vertical_alignment="center")
        sure = left.checkbox("确认删除所选备注（删除后不能恢复）", key="note_delete_sure")
        delete = right.button(
            "删除", icon=":material/delete:", key="note-delete-button", disabled=not sure
        )
        if delete:
            _written(lambda: remove_note(int(chosen)), "备注已删除。")


def _note_form(agency_id: str, year: int, cell_paths: list[str]) -> None:
    headings = cell_headings()
    with st.form(f"note-{agency_id}-{year}", clear_on_submit=True):
        # The whole report is "" (not None, which a cleared form shows as no choice).
        cell = st.selectbox(
            "对象",
            ["", *cell_paths],
            format_func=lambda path: headings.get(path, path) if path else WHOLE_REPORT,
            key="note_cell",
        )
        text = st.text_area("备注", max_chars=MAX_NOTE_CHARS, key="note_text",
                            placeholder="如：已电话核实，原文如此")  # fmt: skip
        author = st.text_input("记录人（可不填）", max_chars=MAX_AUTHOR_CHARS, key="note_author")
        saved = st.form_submit_button("保存备注", icon=":material/save:")
    if saved:
        _written(lambda: save_note(agency_id, year, cell or None, text, author), "备注已保存。")


def _written(write: Callable[[], object], done: str) -> None:
    try:
        write()
    except LoadError as error:
        st.error(markdown_text(str(error)), icon=":material/error:")
        return
    st.toast(done, icon=":material/check:")
    st.rerun()
