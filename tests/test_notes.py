"""Notes on a report or a cell: written by an administrator on 机关档案, kept in
their own table (the printed figures untouched), still there after the report
is loaded again or replaced, and shown on 机关档案, 数据质量 and in the 通报."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import docx
import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import admin
from etl.db.atomic import LoadError
from etl.db.load import load
from etl.db.notes import NewNote, add_note
from etl.reports import BUNDLED_REPORTS
from tests.conftest import CORPUS, dashboard

HONGZE = "320813-人民政府"
CELL = "applications.new_received.total"
CELL_HEADING = "一、本年新收政府信息公开申请数量·总计"
PASSWORD = "备注-密码"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    db = tmp_path / "xxgk.duckdb"
    assert not load([BUNDLED_REPORTS], db).rejects
    return db


@pytest.fixture
def password() -> Iterator[None]:
    os.environ[admin.PASSWORD_ENV] = PASSWORD
    yield
    os.environ.pop(admin.PASSWORD_ENV, None)


def _profile(db: Path, signed_in: bool) -> AppTest:
    app = dashboard(db, "imports.py").run()
    if signed_in:
        app.text_input(key="admin_password_input").input(PASSWORD)
        app.button[0].click().run()
    app.switch_page("views/profile.py")
    app.query_params["prof_agency"] = HONGZE
    app.query_params["prof_year"] = "2024"
    return app.run()


def _notes_table(app: AppTest):
    (table,) = [frame.value for frame in app.dataframe if "备注" in frame.value.columns]
    return table


def _write(app: AppTest, text: str, cell: str | None = None, author: str = "") -> AppTest:
    app.selectbox(key="note_cell").set_value(cell or "")
    app.text_area(key="note_text").input(text)
    app.text_input(key="note_author").input(author)
    (save,) = [b for b in app.button if b.label == "保存备注"]
    save.click().run()
    assert not app.exception
    return app


def _figures(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT * EXCLUDE (loaded_at) FROM reports ORDER BY report_id"
        ).fetchall()


def test_an_administrator_notes_a_report_and_a_cell(database: Path, password: None) -> None:
    figures = _figures(database)
    app = _profile(database, signed_in=True)
    assert "本报告尚无备注。" in [c.value for c in app.caption]
    _write(app, "已电话核实，原文如此", author="张三")
    _write(app, "总计与分项之和不符，机关称以总计为准", cell=CELL)
    table = _notes_table(app)
    assert table[["对象", "备注", "记录人"]].values.tolist() == [
        ["整份报告", "已电话核实，原文如此", "张三"],
        [CELL_HEADING, "总计与分项之和不符，机关称以总计为准", ""],
    ]
    assert _figures(database) == figures  # the printed figures are as they were


def test_notes_stay_when_the_report_is_loaded_again_or_replaced(
    database: Path, password: None
) -> None:
    add_note(database, NewNote(HONGZE, 2024, CELL, "已核实", "李四"))
    summary = load([CORPUS / "orig" / "2024_huaian_hongzequ.pdf"], database, replace=True)
    assert summary.replaced == 1
    app = _profile(database, signed_in=False)
    assert _notes_table(app)["备注"].tolist() == ["已核实"]


def test_others_see_notes_but_cannot_write_them(database: Path, password: None) -> None:
    add_note(database, NewNote(HONGZE, 2024, None, "已核实", ""))
    app = _profile(database, signed_in=False)
    assert _notes_table(app)["备注"].tolist() == ["已核实"]
    assert not [b for b in app.button if b.label in ("保存备注", "删除")]
    assert any("管理员在“数据导入”页登录后可添加" in c.value for c in app.caption)


def test_a_note_is_deleted(database: Path, password: None) -> None:
    app = _write(_profile(database, signed_in=True), "写错了")
    (delete,) = [b for b in app.button if b.label == "删除"]
    assert delete.disabled  # until the deletion is confirmed
    assert app.selectbox(key="note_delete").options == ["整份报告：写错了"]
    app.checkbox(key="note_delete_sure").check().run()
    next(b for b in app.button if b.label == "删除").click().run()
    assert not [frame for frame in app.dataframe if "备注" in frame.value.columns]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM notes").fetchone() == (0,)


def test_an_empty_note_or_one_on_no_report_is_refused(database: Path, password: None) -> None:
    app = _write(_profile(database, signed_in=True), "   ")
    assert [e.value for e in app.error] == ["备注是空的，未保存"]
    with pytest.raises(LoadError, match="数据库中没有「000000-无」2024 年度的报告"):
        add_note(database, NewNote("000000-无", 2024, None, "x"))
    with pytest.raises(LoadError, match=r"模板中没有单元格 no\.such\.cell"):
        add_note(database, NewNote(HONGZE, 2024, "no.such.cell", "x"))


def test_notes_show_on_the_quality_page_and_in_the_bulletin(database: Path) -> None:
    add_note(database, NewNote(HONGZE, 2024, CELL, "已电话核实，原文如此", "张三"))
    app = dashboard(database, "quality.py", **{"from": "2024", "to": "2024"}).run()
    assert not app.exception
    table = _notes_table(app)
    assert table[["机关", "年度", "备注", "机关编号"]].values.tolist() == [
        ["淮安市洪泽区人民政府", 2024, "已电话核实，原文如此", HONGZE]
    ]
    from app.bulletin import bulletin, region_filters

    document = docx.Document(io.BytesIO(bulletin(region_filters("淮安市", 2024), 2024)))
    texts = [p.text for p in document.paragraphs]
    assert "核实备注（1 条，由管理员记录，报告所印数据未改动）：" in texts
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert [
        "淮安市洪泽区人民政府",
        CELL_HEADING,
        "已电话核实，原文如此",
    ] in rows
