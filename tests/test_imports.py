"""数据导入: nothing is written without the administrator's password — by the
import page, any other page, a link or a parameter; with it, uploaded files
and zips of real reports load with one outcome each, a report that differs
from the stored one waits for a confirmation, and the register imports. The
archive unpacking is bounded and keeps every name inside its folder."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import admin, imports, plain
from etl.db.load import load
from etl.files import MAX_INPUT_BYTES
from etl.reports import BUNDLED_REPORTS
from tests.conftest import CORPUS, dashboard
from tests.documents import document_from
from tests.hostile_files import zip_claiming_version

RAW, ORIG = CORPUS / "raw", CORPUS / "orig"
PASSWORD = "测试-密码-2024"
PAGE = "imports.py"
DATA_PAGES = ("overview.py", "proactive.py", "applications.py", "review.py", "compare.py",
              "profile.py", "quality.py", "check.py", "definitions.py", PAGE)  # fmt: skip
# Four real reports: text (new), PDF (the stored 淮安市 2024 read from its text
# copy: different), web page (the stored one: unchanged), Word (new).
FOUR = {
    "2023_fujian_pingtan.txt": (RAW / "2023_fujian_pingtan.txt").read_bytes(),
    "2024_huaian_shi.pdf": (ORIG / "2024_huaian_shi.pdf").read_bytes(),
    "2023_shuyang_fagaiju.html": (RAW / "2023_shuyang_fagaiju.html").read_bytes(),
}


class _GbkName(zipfile.ZipInfo):
    """An entry named as a Chinese Windows names it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits


def _marked_encrypted(data: bytes, name: str) -> bytes:
    """``data`` with entry ``name`` flagged encrypted, as a zip with a password
    says (zipfile cannot write one): bit 0 of its local and central headers."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        patched[info.header_offset + 6] |= 0x1
        central = archive.start_dir
        for entry in archive.infolist():
            if entry.filename == name:
                patched[central + 8] |= 0x1
            name_length, extra_length, comment_length = struct.unpack_from(
                "<HHH", patched, central + 28
            )
            central += 46 + name_length + extra_length + comment_length
    return bytes(patched)


def _zip(files: dict[str, bytes], utf8_names: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if utf8_names:
                archive.writestr(name, data)
            else:
                archive.writestr(_GbkName(name), data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def four_files() -> dict[str, bytes]:
    return {**FOUR, "2024_fujian_pingtan.docx": document_from("2024_fujian_pingtan")}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    db = tmp_path / "office" / "xxgk.duckdb"
    db.parent.mkdir()
    assert not load([BUNDLED_REPORTS], db).rejects
    return db


@pytest.fixture
def password() -> Iterator[str]:
    os.environ[admin.PASSWORD_ENV] = PASSWORD
    yield PASSWORD
    os.environ.pop(admin.PASSWORD_ENV, None)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _signed_in(db: Path) -> AppTest:
    app = dashboard(db, PAGE).run()
    app.text_input(key="admin_password_input").input(PASSWORD)
    app.button[0].click().run()  # 登录
    assert not app.exception
    assert any("已以管理员身份登录" in note.value for note in app.success)
    return app


def _button(app: AppTest, label: str):
    (button,) = [b for b in app.button if b.label == label]
    return button


def _imported(app: AppTest, files: dict[str, bytes]) -> AppTest:
    uploader = app.file_uploader(key="import_files_0")
    for name, data in files.items():
        uploader.upload(name, data, "application/octet-stream")
    app.run()
    _button(app, "读取并载入").click().run()
    assert not app.exception
    return app


def _table(app: AppTest, column: str):
    """The page's one table with ``column`` (AppTest shows no key of a plain table)."""
    (table,) = [frame.value for frame in app.dataframe if column in frame.value.columns]
    return table


def _results(app: AppTest) -> dict[str, str]:
    table = _table(app, "结果")
    return dict(zip(table["文件"].map(lambda name: Path(name).name), table["结果"], strict=True))


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


# --- Without the password nothing writes ----------------------------------------------------


def test_without_a_configured_password_the_page_only_says_so(database: Path) -> None:
    os.environ.pop(admin.PASSWORD_ENV, None)
    app = dashboard(database, PAGE).run()
    assert not app.exception
    (warning,) = app.warning
    assert "写入已关闭" in warning.value and admin.PASSWORD_ENV in warning.value
    assert len(app.file_uploader) == 0 and len(app.text_input) == 0 and len(app.button) == 0


def test_a_wrong_password_signs_no_one_in(database: Path, password: str) -> None:
    app = dashboard(database, PAGE).run()
    assert len(app.file_uploader) == 0  # before signing in: only the password box
    app.text_input(key="admin_password_input").input(password + "x")
    app.button[0].click().run()
    assert not app.exception
    assert [error.value for error in app.error] == ["密码不正确，未登录。"]
    assert len(app.file_uploader) == 0


@pytest.mark.parametrize("configured", [False, True])
def test_no_page_link_or_parameter_writes_without_signing_in(
    database: Path, configured: bool
) -> None:
    if configured:
        os.environ[admin.PASSWORD_ENV] = PASSWORD
    before = _digest(database)
    hostile = {"admin": "1", "password": PASSWORD, "replace": "1", admin.SIGNED_IN_KEY: "1",
               "prof_agency": "320813-人民政府", "note_text": "x"}  # fmt: skip
    try:
        for page in DATA_PAGES:
            app = dashboard(database, page, **hostile).run()
            assert not app.exception, page
            assert not [b for b in app.button if b.label in ("读取并载入", "保存备注", "导入名录")]
    finally:
        os.environ.pop(admin.PASSWORD_ENV, None)
    assert _digest(database) == before
    assert not imports.imports_folder(database).exists()


def test_every_write_refuses_a_session_not_signed_in(database: Path, password: str) -> None:
    from app import notes

    before = _digest(database)
    report = RAW / "2023_fujian_pingtan.txt"
    writes = [
        lambda: imports.load_uploads([report], database, lambda *_: None),
        lambda: imports.import_register(report, database),
        lambda: imports.discard(report),
        lambda: notes.save_note("320813-人民政府", 2024, None, "x", ""),
        lambda: notes.remove_note(1),
    ]
    for write in writes:
        with pytest.raises(admin.NotAdmin):
            write()
    assert report.exists()
    assert _digest(database) == before


# --- With it ------------------------------------------------------------------------------


def test_a_zip_of_four_reports_loads_with_an_outcome_each(
    database: Path, password: str, four_files: dict[str, bytes]
) -> None:
    app = _imported(_signed_in(database), {"2024年度报告.zip": _zip(four_files)})
    assert _results(app) == {
        "2023_fujian_pingtan.txt": "新增",
        "2024_huaian_shi.pdf": "与已载入的不同：需确认替换",
        "2023_shuyang_fagaiju.html": "未变",
        "2024_fujian_pingtan.docx": "新增",
    }
    assert _metrics(app) == {"新增": "2", "未变": "1", "需确认替换": "1", "已替换": "0",
                             "未替换": "0", "拒收": "0"}  # fmt: skip
    (bar,) = app.get("progress")
    assert bar.proto.text == "已读取 4 / 4 个文件，数据库已更新"
    table = _table(app, "结果")
    pingtan = table[table["文件"].str.endswith("2023_fujian_pingtan.txt")].iloc[0]
    assert (pingtan["机关"], pingtan["年度"]) == ("平潭综合实验区", 2023)
    assert (pingtan["错误"], pingtan["提示"]) == (5, 25)  # as `python -m etl load` counts them
    with duckdb.connect(str(database), read_only=True) as con:
        stored = dict(con.execute("SELECT agency_name || year, input_file FROM reports").fetchall())
    assert len(stored) == 7
    kept = imports.imports_folder(database)
    assert Path(stored["平潭综合实验区2023"]).is_relative_to(kept)  # the file it was read from
    assert Path(stored["平潭综合实验区2023"]).read_bytes() == FOUR["2023_fujian_pingtan.txt"]
    # The uploader is empty again for the next files.
    assert app.file_uploader(key="import_files_1").value in (None, [])


def test_a_different_report_is_replaced_only_when_confirmed(database: Path, password: str) -> None:
    app = _imported(_signed_in(database), {"2024_huaian_shi.pdf": FOUR["2024_huaian_shi.pdf"]})
    assert "**需确认替换的报告（1 份）**" in [m.value for m in app.markdown]
    shown = plain.markdown_text("2024_huaian_shi.pdf")
    (pending,) = [m.value for m in app.markdown if shown in m.value]
    assert "「淮安市人民政府」2024 年度的报告已由" in pending and "两者内容不同" in pending

    def stored_media() -> str:
        with duckdb.connect(str(database), read_only=True) as con:
            (media,) = con.execute(
                "SELECT media_type FROM reports WHERE agency_name = '淮安市人民政府'"
            ).fetchone()
        return media

    assert stored_media() == "text/plain"  # not replaced by the upload alone
    _button(app, "替换为新文件").click().run()
    assert not app.exception
    assert _results(app) == {"2024_huaian_shi.pdf": imports.CONFIRMED}
    assert stored_media() == "application/pdf"
    assert not [b for b in app.button if b.label == "替换为新文件"]


def test_a_report_kept_as_it_was_is_not_loaded(database: Path, password: str) -> None:
    app = _imported(_signed_in(database), {"2024_huaian_shi.pdf": FOUR["2024_huaian_shi.pdf"]})
    before = _digest(database)
    _button(app, "不替换").click().run()
    assert _results(app) == {"2024_huaian_shi.pdf": imports.KEPT}
    assert _digest(database) == before
    assert not list(imports.imports_folder(database).rglob("*.pdf"))


def test_unreadable_files_are_refused_with_their_reason(database: Path, password: str) -> None:
    upload = {"说明.txt": "这不是年度报告。".encode(), "清单.zip": _zip({"名单.xls": b"x"})}
    app = _imported(_signed_in(database), upload)
    table = _table(app, "结果")
    reasons = dict(zip(table["文件"], table["说明"], strict=True))
    assert reasons["清单/名单.xls"] == "不是报告文件（扩展名“.xls”），未读取"
    assert set(table["结果"]) == {"拒收"}
    assert _metrics(app)["拒收"] == "2"


def test_the_register_imports_on_the_page(database: Path, password: str) -> None:
    app = _signed_in(database)
    rows = "机关名称,地区,起始年度\n淮安市人民政府,淮安市,2020\n"
    app.file_uploader(key="import_register").upload("名录.csv", rows.encode(), "text/csv")
    app.run()
    _button(app, "导入名录").click().run()
    assert not app.exception
    assert [s.value for s in app.success][-1] == "已导入应报名录：1 个机关。"
    unlisted = _table(app, "机关编号")
    assert "洪泽区人民政府" in set(unlisted["机关名称"]) or "淮安市洪泽区人民政府" in set(
        unlisted["机关名称"]
    )
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT name FROM register").fetchall() == [("淮安市人民政府",)]


# --- Unpacking ------------------------------------------------------------------------------


def test_names_of_a_chinese_windows_zip_are_read_as_written(tmp_path: Path) -> None:
    data = _zip({"淮安市/2023年度报告.txt": FOUR["2023_fujian_pingtan.txt"]}, utf8_names=False)
    unpacked = imports.unpack([("报告.zip", data)], tmp_path)
    assert unpacked.refused == []
    assert unpacked.files == [tmp_path / "报告" / "淮安市" / "2023年度报告.txt"]


def test_no_entry_lands_outside_its_folder(tmp_path: Path) -> None:
    inside = tmp_path / "sitting"
    inside.mkdir()
    names = ["../../escaped.txt", "/etc/escaped.txt", "C:\\Windows\\escaped.txt", "a/./../b.txt"]
    data = _zip({name: b"x" for name in names})
    unpacked = imports.unpack([("../up.zip", data)], inside)
    assert not list(tmp_path.glob("*.txt")) and not (tmp_path / "escaped.txt").exists()
    assert all(path.is_relative_to(inside / "up") for path in unpacked.files)
    assert len(unpacked.files) == 4


def test_an_entry_too_large_or_encrypted_is_refused_and_the_rest_kept(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("大.txt", "w", force_zip64=True) as entry:
            for _ in range(MAX_INPUT_BYTES // (1024 * 1024) + 1):
                entry.write(b"\0" * 1024 * 1024)
        archive.writestr("加密.pdf", b"%PDF")
        archive.writestr("好.txt", b"x")
    unpacked = imports.unpack([("up.zip", _marked_encrypted(buffer.getvalue(), "加密.pdf"))],
                              tmp_path)  # fmt: skip
    refused = {reject.file: reject.reason for reject in unpacked.refused}
    assert refused == {
        "up/大.txt": "解压后超过 100 MB 的上限，不像年度报告，未读取",
        "up/加密.pdf": "文件已加密，无法读取；请上传未加密的压缩包",
    }
    assert unpacked.files == [tmp_path / "up" / "好.txt"]
    assert not (tmp_path / "up" / "大.txt").exists()


def test_a_zip_needing_an_unknown_zip_version_is_refused_as_damaged(tmp_path: Path) -> None:
    data = zip_claiming_version(_zip({"a.txt": b"1", "b.txt": b"2"}))
    unpacked = imports.unpack([("up.zip", data)], tmp_path)
    assert unpacked.files == []
    assert [(reject.file, reject.reason) for reject in unpacked.refused] == [
        ("up.zip", "压缩包已损坏，无法打开（NotImplementedError）")
    ]


def test_a_zip_of_page_pictures_stays_one_scanned_report(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    data = _zip({"第1页.png": png, "第2页.png": png})
    unpacked = imports.unpack([("扫描件.zip", data)], tmp_path)
    assert unpacked.files == [tmp_path / "扫描件.zip"]


def test_uploads_of_one_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    unpacked = imports.unpack([("a.txt", b"1"), ("a.txt", b"2")], tmp_path)
    assert [path.read_bytes() for path in unpacked.files] == [b"1", b"2"]
    shutil.rmtree(tmp_path)


def test_guessing_is_stopped_in_its_session_and_keeps_no_one_else_out(
    database: Path, password: str
) -> None:
    guesser = dashboard(database, PAGE).run()
    for _ in range(admin.MAX_FAILURES):
        guesser.text_input(key="admin_password_input").input("guess")
        guesser.button[0].click().run()
    guesser.text_input(key="admin_password_input").input(password)  # right, but too late
    guesser.button[0].click().run()
    (error,) = guesser.error
    assert error.value.startswith("本页密码错误次数过多，请 ") and error.value.endswith(" 秒后再试")
    assert len(guesser.file_uploader) == 0
    _signed_in(database)  # the administrator, in his own session, is not kept out


def test_the_bundled_database_is_never_written(password: str) -> None:
    """`make run` rebuilds data/xxgk.duckdb from data/reports: what an import
    put there would be lost, so the page says so and offers nothing to upload."""
    from app.db import BUNDLED_DB

    app = dashboard(BUNDLED_DB, PAGE).run()
    app.text_input(key="admin_password_input").input(password)
    app.button[0].click().run()
    assert not app.exception
    assert [w.value for w in app.warning] == [admin.BUNDLED_NOTE]
    assert len(app.file_uploader) == 0 and not [b for b in app.button if b.label == "读取并载入"]
    assert admin.writes_bundled_database()  # XXGK_DB as dashboard() left it
