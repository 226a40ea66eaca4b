"""The register of who must report (应报名录): read from a sheet, matched to
the reports by 机关编号 and printed name, and 数据质量's coverage for a year
(应报 / 已报 / 未报 / 逾期) counted from it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from etl.db.load import load
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.register import TEMPLATE_HEADERS, read_register, register_template
from etl.reports import BUNDLED_REPORTS
from tests.conftest import RAW, dashboard, run_cli
from tests.test_page_profile import table

# The bundled agencies — written as an office would, not as the reports print
# them (洪泽区人民政府, printed 淮安市洪泽区人民政府 in 2024; 发展和改革局 with its
# 地区) — and two that never reported.
REGISTER = """机关名称,机关编号,地区,层级,机关类型,起始年度,截止年度
淮安市人民政府,,,,,2024,
洪泽区人民政府,,,,,2023,
发展和改革局,,江苏省宿迁市沭阳县,,,2023,2023
宁波市镇海区经济和信息化局,,,,,2021,2021
淮安市淮阴区人民政府,,,,,2024,
淮安市清江浦区人民政府,,,县级,人民政府,,
"""
NEVER_REPORTED = ["淮安市淮阴区人民政府", "淮安市清江浦区人民政府"]


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled reports, 洪泽区's 2024 one as published on 15 February 2025,
    and the register above, imported with the command an office runs."""
    folder = tmp_path_factory.mktemp("register")
    db = folder / "xxgk.duckdb"
    assert not load([BUNDLED_REPORTS], db).rejects
    text = (RAW / "2024_huaian_hongzequ.txt").read_text(encoding="utf-8")
    late = extract_bytes(f"发布日期：2025-02-15\n{text}".encode(), "2024_huaian_hongzequ.txt")
    (folder / "late.json").write_text(late.to_json(), encoding="utf-8")
    assert load([folder / "late.json"], db, replace=True).replaced == 1
    (folder / "名录.csv").write_text(REGISTER, encoding="utf-8-sig")
    result = run_cli("register", str(folder / "名录.csv"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "已导入应报名录" in result.stdout and "6 个机关" in result.stdout
    # Only the two that never reported match no report; every report is named.
    assert "名录中尚无任何报告的机关（2 个）" in result.stdout
    assert all(name in result.stdout for name in NEVER_REPORTED)
    assert "不在名录中" not in result.stdout
    return db


def test_the_year_lists_exactly_who_did_not_report(registered: Path) -> None:
    app = dashboard(registered, "quality.py")
    app.run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert (metrics["应报"], metrics["已报"], metrics["未报"], metrics["逾期"]) == (
        "4",
        "1",
        "2",
        "1",
    )
    due = table(app, "quality-register")
    assert sorted(due[due["状态"] == "未报"]["机关"]) == sorted(NEVER_REPORTED)
    late = due[due["状态"] == "逾期"].iloc[0]
    # Matched although the register writes the name without 淮安市.
    assert (late["机关"], late["报告中的机关名称"]) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert (late["发布日期"], late["发布日期出处"]) == ("2025-02-15", "「发布日期」（第 1 行）")
    assert list(due[due["状态"] == "已报"]["机关"]) == ["淮安市人民政府"]


def test_no_year_before_an_agencys_first_year_is_missing(registered: Path) -> None:
    app = dashboard(registered, "quality.py")
    app.run()
    matrix = table(app, "quality-coverage").set_index("机关")
    assert list(matrix.loc["淮安市人民政府", ["2021", "2023", "2024"]]) == [
        "无需报告",
        "无需报告",
        "✓",
    ]
    assert list(matrix.loc["发展和改革局", ["2023", "2024"]]) == ["✓", "无需报告"]
    assert list(matrix.loc["洪泽区人民政府", ["2022", "2023", "2024"]]) == ["无需报告", "✓", "✓"]
    assert list(matrix.loc["宁波市镇海区经济和信息化局", ["2021", "2022"]]) == ["✓", "无需报告"]
    # 清江浦区 has no first year: every year of the range is due, and missing.
    assert matrix.loc["淮安市清江浦区人民政府", "未收录年数"] == 4
    assert matrix.loc["淮安市淮阴区人民政府", "未收录年数"] == 1
    assert matrix.loc["淮安市人民政府", "未收录年数"] == 0
    assert set(matrix["应报名录"]) == {"在名录"}


def test_without_a_register_the_page_says_what_coverage_counts(bundled_database: Path) -> None:
    app = dashboard(bundled_database, "quality.py")
    app.run()
    assert any("未导入应报名录" in info.value for info in app.info)
    assert "应报" not in {metric.label for metric in app.metric}


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(register_template()))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def test_the_template_filled_in_excel_reads_as_the_csv(tmp_path: Path) -> None:
    template = openpyxl.load_workbook(io.BytesIO(register_template()))
    assert [cell.value for cell in template.worksheets[0][1]] == list(TEMPLATE_HEADERS)
    assert template.sheetnames == ["应报名录", "填写说明"]
    csv_file = tmp_path / "名录.csv"
    csv_file.write_text(REGISTER, encoding="utf-8-sig")
    rows = [
        [value or None for value in line.split(",")] for line in REGISTER.strip().splitlines()[1:]
    ]
    # Excel keeps a year typed in a cell as a number.
    rows = [[int(v) if v and v.isdigit() else v for v in row] for row in rows]
    workbook = tmp_path / "名录.xlsx"
    workbook.write_bytes(_workbook(rows))
    from_csv, from_excel = read_register(csv_file), read_register(workbook)
    assert from_excel == from_csv
    assert [entry.agency_id for entry in from_csv] == [
        "320800-人民政府",
        "320813-人民政府",
        "321322-发展和改革局",
        "330211-经济和信息化局",
        "320804-人民政府",
        "320812-人民政府",
    ]
    empty = tmp_path / "空白.xlsx"
    empty.write_bytes(register_template())
    assert read_register(empty) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("名称,年度\n淮安市人民政府,2024\n", "第 1 行缺少「机关名称」列"),
        ("机关名称,备注\n淮安市人民政府,x\n", "第 1 行有不认识的列：备注"),
        ("机关名称,起始年度\n淮安市人民政府,2024\n洪泽区人民政府,20x4\n",
         "第 3 行「起始年度」“20x4”应为 2008 至 2100 之间的年份"),
        ("机关名称,层级\n淮安市人民政府,地级\n", "第 2 行「层级」“地级”应为"),
        ("机关名称,起始年度,截止年度\n淮安市人民政府,2024,2022\n",
         "第 2 行「截止年度」2022 早于起始年度 2024"),
        ("机关名称\n洪泽区人民政府\n淮安市洪泽区人民政府\n",
         "第 3 行「淮安市洪泽区人民政府」与第 2 行是同一机关（机关编号 320813-人民政府）"),
        ("机关名称,机关编号\n,320800-人民政府\n", "第 2 行「机关名称」为空"),
    ],
)  # fmt: skip
def test_a_bad_register_is_refused_naming_the_row_and_column(
    tmp_path: Path, content: str, message: str
) -> None:
    sheet = tmp_path / "名录.csv"
    sheet.write_text(content, encoding="utf-8")
    with pytest.raises(ExtractionError) as error:
        read_register(sheet)
    assert str(error.value).startswith(f"{sheet}: ")
    assert message in str(error.value)


def test_an_old_excel_file_and_a_refused_register_leave_the_database_as_it_was(
    bundled_database: Path, tmp_path: Path
) -> None:
    db = tmp_path / "xxgk.duckdb"
    shutil.copy(bundled_database, db)
    before = db.read_bytes()
    old = tmp_path / "名录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    result = run_cli("register", str(old), "--db", str(db))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"{old}: 这是旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后再导入"
    )
    assert db.read_bytes() == before


def test_only_agencies_with_reports_link_to_a_profile(
    registered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import quality
    from app.filters import Filters

    monkeypatch.setenv("XXGK_DB", str(registered))
    coverage = quality.coverage(Filters(2021, 2024)).set_index("name")
    assert sorted(coverage.index[~coverage.ever_reported]) == sorted(NEVER_REPORTED)
