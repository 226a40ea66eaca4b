"""A report's text cannot become a live formula in a download: a title
written as an Excel formula is an agency name like any other, exported as
text in CSV and Excel (read back from the files), while figures stay numbers.
And a page that fails shows an error id, not a traceback."""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from pathlib import Path

import duckdb

from app import exports, show
from app import failure as failure_module
from app.filters import Filters
from etl.db.load import load
from etl.errors import WorkerFailure
from tests.conftest import RAW, dashboard

FORMULA = '=HYPERLINK("//attacker.example","点此更正")'
TITLE = "淮安市洪泽区人民政府\n2024 年政府信息公开工作年度报告"


def _formula_titled_database(tmp_path: Path) -> Path:
    """The real 洪泽区 2024 report with its title written as a formula."""
    text = (RAW / "2024_huaian_hongzequ.txt").read_text(encoding="utf-8")
    assert TITLE in text
    report = tmp_path / "formula.txt"
    report.write_text(text.replace(TITLE, f"{FORMULA}2024年政府信息公开工作年度报告"), "utf-8")
    db = tmp_path / "formula.duckdb"
    summary = load([report], db)
    assert not summary.rejects
    return db


def test_a_formula_title_exports_as_text(tmp_path: Path, monkeypatch) -> None:
    db = _formula_titled_database(tmp_path)
    monkeypatch.setenv("XXGK_DB", str(db))
    chosen = Filters(2024, 2024)

    text = show.csv_bytes(exports.report_cells(chosen)).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    (record,) = [dict(zip(header, row, strict=True)) for row in rows]
    assert record["机关"] == "'" + FORMULA  # behind a quote: Excel shows it, never runs it
    assert record["年度"] == "2024"
    (received,) = [name for name in header if name.startswith("一、本年新收") and "总计" in name]
    assert record[received] == "95"  # a figure stays a number

    workbook = show.excel_bytes(exports.workbook_sheets(chosen))
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist()
                  if name.startswith("xl/worksheets/")]  # fmt: skip
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert sheets and not any("<f>" in sheet for sheet in sheets)  # no formula anywhere
    assert "<t>=HYPERLINK(&quot;//attacker.example&quot;,&quot;点此更正&quot;)</t>" in strings or (
        '<t>=HYPERLINK("//attacker.example","点此更正")</t>' in strings
    )
    assert not any("<hyperlink" in sheet for sheet in sheets)


def test_only_formula_starts_are_neutralised() -> None:
    import pandas as pd

    data = pd.DataFrame(
        {"机关": ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "-", "正常名称", "a=b"], "数": range(8)}
    )
    lines = show.csv_bytes(data).decode("utf-8-sig").splitlines()
    assert lines == ["机关,数", "'=1+1,0", "'+1,1", "'-1+2,2", "'@SUM(A1),3", "'\tx,4", "-,5",
                     "正常名称,6", "a=b,7"]  # fmt: skip


def _without_narratives(bundled_database: Path, folder: Path) -> Path:
    """The bundled database with its narratives table gone: 机关档案 reads it,
    and so does 检查报告 when it compares an upload with the year before."""
    broken = folder / "broken.duckdb"
    broken.write_bytes(bundled_database.read_bytes())
    with duckdb.connect(str(broken)) as con:
        con.execute("DROP TABLE narratives")
        # A data version of its own, so no answer cached from the intact copy is used.
        con.execute("UPDATE build_info SET data_version = 'broken-narratives'")
    return broken


def test_a_failing_page_shows_an_error_id_not_a_traceback(
    bundled_database: Path, tmp_path: Path
) -> None:
    broken = _without_narratives(bundled_database, tmp_path)
    app = dashboard(broken, "profile.py", prof_agency="320813-人民政府")
    app.run()
    assert not app.exception  # nothing for Streamlit to print in the page
    (message,) = [error.value for error in app.error if "错误编号" in error.value]
    assert re.fullmatch(r"本页出错，未能全部显示（错误编号 [0-9a-f]{8}）。.*系统管理员。", message)


def test_a_failing_check_names_the_file_and_an_error_id(
    bundled_database: Path, tmp_path: Path
) -> None:
    broken = _without_narratives(bundled_database, tmp_path)
    app = dashboard(broken, "check.py").run()
    name = "2024_huaian_hongzequ.txt"  # its 2023 report is loaded: the comparison fails
    app.file_uploader(key="check_file").upload(name, (RAW / name).read_bytes(), "text/plain")
    app.run()
    assert not app.exception
    (message,) = [error.value for error in app.error]
    assert re.fullmatch(
        r"无法读取“2024\\_huaian\\_hongzequ\\.txt”：内部错误（错误编号 [0-9a-f]{8}）。"
        r".*系统管理员。",
        message,
    ), message
    assert "Catalog" not in message and "narratives" not in message


def test_a_workers_traceback_goes_to_the_log_under_the_error_id() -> None:
    failure = WorkerFailure(
        "report.txt", "内部错误（KeyError: 'x'），请报告此问题", "Traceback …\nKeyError: 'x'\n"
    )
    records: list[logging.LogRecord] = []

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Kept()
    log = logging.getLogger(failure_module.__name__)
    log.addHandler(handler)
    try:
        error_id = failure_module.logged_failure(failure)
    finally:
        log.removeHandler(handler)
    (record,) = records
    assert record.getMessage() == f"页面出错，错误编号 {error_id}\nTraceback …\nKeyError: 'x'\n"
