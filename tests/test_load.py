"""Loading canonical reports into DuckDB: idempotent, conflicts, rejects, and
every stored figure equal to the report it came from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.db.cellkeys import cell_key_index
from etl.db.load import load
from etl.db.schema import DB_SCHEMA_VERSION
from etl.reports import BUNDLED_REPORTS, bundled_reports, load_report
from tests.conftest import CORPUS, RAW, run_cli
from tests.documents import document_from

HONGZE_2023 = BUNDLED_REPORTS / "2023_huaian_hongzequ.json"
HONGZE_2024 = BUNDLED_REPORTS / "2024_huaian_hongzequ.json"


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def edited_copy(source: Path, folder: Path, edit, name: str | None = None) -> Path:
    """A copy of a canonical report JSON with ``edit(data)`` applied."""
    data = json.loads(source.read_text(encoding="utf-8"))
    edit(data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or source.name)
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def set_cell(data: dict, path: str, value: int) -> None:
    section, row, column = path.split(".")
    data[section][row][column].update(value=value, raw=str(value), status="number")


@pytest.fixture
def bundled_db(tmp_path: Path) -> Path:
    db = tmp_path / "xxgk.duckdb"
    summary = load([BUNDLED_REPORTS], db)
    assert summary.loaded == len(bundled_reports()) and not summary.rejects
    return db


def test_every_stored_cell_is_the_reports_cell(bundled_db: Path) -> None:
    keys = cell_key_index()
    for report in bundled_reports():
        (report_id,) = query(
            bundled_db,
            "SELECT report_id FROM reports WHERE agency_id = ? AND year = ?",
            [report.agency.id, report.year],
        )[0]
        stored = {
            cell_id: rest
            for cell_id, *rest in query(
                bundled_db,
                "SELECT cell_id, value, status, raw, at_line, at_page, at_table, at_row, at_col "
                "FROM cells WHERE report_id = ?",
                [report_id],
            )
        }
        expected = {}
        for section in ("proactive", "applications", "review_litigation"):
            for row, cells in getattr(report, section).items():
                for column, cell in cells.items():
                    at = cell["at"]
                    expected[keys[section, row, column].cell_id] = [
                        cell["value"],
                        cell["status"],
                        cell["raw"],
                        *(at.get(k) for k in ("line", "page", "table", "row", "col")),
                    ]
        for key, cell in report.headline.items():
            at = cell["at"]
            expected[keys["headline", key, ""].cell_id] = [
                cell["value"],
                cell["status"],
                cell["raw"],
                *(at.get(k) for k in ("line", "page", "table", "row", "col")),
            ]
        assert stored == expected, report.source.file
        wide = dict(
            zip(
                [key.column for key in keys.values()],
                query(
                    bundled_db,
                    f"SELECT {', '.join(key.column for key in keys.values())} FROM reports "
                    "WHERE report_id = ?",
                    [report_id],
                )[0],
                strict=True,
            )
        )
        for key in keys.values():
            assert wide[key.column] == (expected.get(key.cell_id) or [None])[0], key.path


def test_loading_the_same_files_again_changes_nothing(bundled_db: Path) -> None:
    before = bundled_db.read_bytes()
    mtime = bundled_db.stat().st_mtime_ns
    summary = load([BUNDLED_REPORTS], bundled_db)
    count = len(bundled_reports())
    assert (summary.read, summary.unchanged, summary.loaded, summary.replaced) == (
        count,
        count,
        0,
        0,
    )
    assert summary.data_version is None
    assert bundled_db.read_bytes() == before and bundled_db.stat().st_mtime_ns == mtime


def test_a_raw_report_and_its_json_are_the_same_content(bundled_db: Path) -> None:
    summary = load([RAW / "2024_huaian_shi.txt", RAW / "2021_zhenhai_jingxinju.txt"], bundled_db)
    assert (summary.unchanged, summary.loaded, summary.replaced) == (2, 0, 0)


def test_the_same_bytes_under_two_names_are_one_report(tmp_path: Path) -> None:
    """A report saved twice (a download kept as 报告.txt and 报告(1).txt) is one
    report, the first name kept; not a conflict between two reports."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    raw = (RAW / "2023_huaian_hongzequ.txt").read_bytes()
    (folder / "a.txt").write_bytes(raw)
    (folder / "b.txt").write_bytes(raw)
    shutil.copy(HONGZE_2024, folder / "c.json")
    shutil.copy(HONGZE_2024, folder / "d.json")
    db = tmp_path / "x.duckdb"
    summary = load([folder], db)
    assert (summary.read, summary.loaded, summary.unchanged, summary.rejects) == (4, 2, 2, [])
    assert query(db, "SELECT source_file FROM reports ORDER BY year") == [
        ("a.txt",), ("2024_huaian_hongzequ.txt",)]  # fmt: skip


def test_a_different_report_for_the_same_agency_and_year_is_rejected(
    bundled_db: Path, tmp_path: Path
) -> None:
    def other_document(data: dict) -> None:
        set_cell(data, "applications.new_received.natural_person", 99)
        data["source"]["sha256"] = "0" * 64  # another file for the same agency and year

    changed = edited_copy(HONGZE_2023, tmp_path / "new", other_document, "hongze-2023-v2.json")
    result = run_cli("load", str(changed), "--db", str(bundled_db))
    assert result.returncode == 0, result.stderr
    assert (
        f"{changed}: 「洪泽区人民政府」2023 年度的报告已由 {HONGZE_2023} 载入，两者内容不同；"
        "确需替换请加 --replace" in result.stdout
    )
    assert query(
        bundled_db,
        "SELECT app_new_received_natural_person FROM reports WHERE year = 2023 "
        "AND agency_id = '320813-人民政府'",
    ) == [(21.0,)]
    assert query(bundled_db, "SELECT file, reason FROM rejects")[0][0] == str(changed)

    strict = run_cli("load", str(changed), "--db", str(bundled_db), "--strict")
    assert strict.returncode == 1

    replaced = run_cli("load", str(changed), "--db", str(bundled_db), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    rows = query(
        bundled_db,
        "SELECT app_new_received_natural_person, input_file FROM reports WHERE year = 2023 "
        "AND agency_id = '320813-人民政府'",
    )
    assert rows == [(99.0, str(changed))]
    # The replaced report's rows are gone from every table, not duplicated.
    count = len(bundled_reports())
    assert query(bundled_db, "SELECT count(*) FROM reports") == [(count,)]
    assert query(bundled_db, "SELECT count(DISTINCT report_id) FROM cells") == [(count,)]
    assert query(bundled_db, "SELECT count(DISTINCT report_id) FROM narratives") == [(count,)]


def test_a_new_extraction_of_the_same_document_replaces_it(
    bundled_db: Path, tmp_path: Path
) -> None:
    def re_extracted(data: dict) -> None:
        data["source"]["parser"]["version"] = "0.2.0"

    newer = edited_copy(HONGZE_2024, tmp_path, re_extracted)
    summary = load([newer], bundled_db)
    assert (summary.replaced, summary.loaded, summary.rejects) == (1, 0, [])
    assert query(
        bundled_db, "SELECT parser_version FROM reports WHERE year = 2024 AND county = '洪泽区'"
    ) == [("0.2.0",)]


def test_two_different_reports_in_one_load_are_not_both_taken(tmp_path: Path) -> None:
    def other_document(data: dict) -> None:
        set_cell(data, "applications.new_received.natural_person", 99)
        data["source"]["sha256"] = "1" * 64

    first = edited_copy(HONGZE_2023, tmp_path / "a", lambda data: None)
    second = edited_copy(HONGZE_2023, tmp_path / "b", other_document)
    db = tmp_path / "x.duckdb"
    summary = load([first, second], db)
    assert summary.loaded == 1
    assert [(r.file, r.reason) for r in summary.rejects] == [
        (
            str(second),
            f"「洪泽区人民政府」2023 年度的报告在本次载入中已由 {first} 提供，两者内容不同；"
            "请只保留其中一份",
        )
    ]


def test_rejected_inputs_are_listed_with_reasons_and_the_rest_loads(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.json").write_text('{"agency": ', encoding="utf-8")
    edited_copy(HONGZE_2023, bad, lambda data: data.update(year=1999), "old-year.json")
    edited_copy(HONGZE_2023, bad, lambda data: data.pop("agency"), "no-agency.json")
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4 not really")
    (bad / "empty.txt").write_text("", encoding="utf-8")
    shutil.copy(HONGZE_2024, bad / "good.json")
    db = tmp_path / "x.duckdb"
    result = run_cli("load", str(bad), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    rejects = dict(query(db, "SELECT file, reason FROM rejects"))
    assert set(rejects) == {
        str(bad / name)
        for name in ("broken.json", "old-year.json", "no-agency.json", "scan.pdf", "empty.txt")
    }
    assert rejects[str(bad / "old-year.json")].startswith("不是有效的报告 JSON：year：")
    assert rejects[str(bad / "no-agency.json")].startswith("不是有效的报告 JSON：agency：")
    for file, reason in rejects.items():
        assert f"{file}: {reason}" in result.stdout
    assert query(db, "SELECT count(*), min(year) FROM reports") == [(1, 2024)]
    assert run_cli("load", str(bad), "--db", str(db), "--strict").returncode == 1


def test_a_folder_of_every_format_loads_each_by_its_content(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(RAW / "2023_shuyang_fagaiju.html", folder / "fagaiju.shtml")
    shutil.copy(RAW / "2025_shuyang_xianzhengfu.txt", folder / "xianzhengfu.md")
    shutil.copy(CORPUS / "orig" / "2024_huaian_shi.pdf", folder / "huaian.pdf")
    (folder / "hongze.docx").write_bytes(document_from("2023_huaian_hongzequ"))
    shutil.copy(RAW / "2024_huaian_hongzequ.txt", folder / "hongze-2024.txt")
    db = tmp_path / "x.duckdb"
    summary = load([folder], db)
    assert (summary.loaded, summary.rejects) == (5, [])
    assert sorted(query(db, "SELECT year, media_type FROM reports")) == [
        (2023, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (2023, "text/html"),
        (2024, "application/pdf"),
        (2024, "text/plain"),
        (2025, "text/markdown"),
    ]


def test_a_folder_of_old_office_files_loads_each_through_libreoffice(
    tmp_path: Path, office_documents: dict[tuple[str, str], bytes]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "huaian.wps").write_bytes(office_documents["doc", "2024_huaian_shi"])
    (folder / "hongze.rtf").write_bytes(office_documents["rtf", "2023_huaian_hongzequ"])
    (folder / "zhenhai.odt").write_bytes(office_documents["odt", "2021_zhenhai_jingxinju"])
    db = tmp_path / "x.duckdb"
    summary = load([folder], db)
    assert (summary.loaded, summary.rejects) == (3, [])
    assert sorted(query(db, "SELECT year, source_file, media_type FROM reports")) == [
        (2021, "zhenhai.odt", "application/vnd.oasis.opendocument.text"),
        (2023, "hongze.rtf", "application/rtf"),
        (2024, "huaian.wps", "application/msword"),
    ]


def test_a_missing_input_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    summary = load([tmp_path / "nowhere.json", HONGZE_2023], db)
    assert summary.loaded == 1
    assert summary.rejects[0].file == str(tmp_path / "nowhere.json")
    assert summary.rejects[0].reason.startswith("无法读取文件")


def test_a_database_of_another_schema_is_named_not_patched(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE build_info (schema_version VARCHAR)")
        con.execute("INSERT INTO build_info VALUES ('0')")
    result = run_cli("load", str(HONGZE_2023), "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{db}: 数据库结构为第 0 版，本程序为第 {DB_SCHEMA_VERSION} 版；"
        "请移走该文件，从报告 JSON 重新载入"
    )
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("hello", encoding="utf-8")
    result = run_cli("load", str(HONGZE_2023), "--db", str(not_duckdb))
    assert result.returncode == 2 and result.stderr.startswith(f"{not_duckdb}: 不是可读的")
    assert len(result.stderr.strip().splitlines()) == 1


def test_agencies_collect_every_printed_name(bundled_db: Path) -> None:
    assert query(
        bundled_db,
        "SELECT name, names, first_year, last_year, report_count, level, kind FROM agencies "
        "WHERE agency_id = '320813-人民政府'",
    ) == [
        (
            "淮安市洪泽区人民政府",
            ["洪泽区人民政府", "淮安市洪泽区人民政府"],
            2023,
            2024,
            2,
            "county",
            "government",
        )
    ]


def test_build_info_and_runs_say_what_was_loaded(bundled_db: Path) -> None:
    ((schema, version, reports, agencies, synthetic),) = query(
        bundled_db,
        "SELECT schema_version, data_version, reports, agencies, synthetic_reports FROM build_info",
    )
    count = len(bundled_reports())
    agencies_printed = len({report.agency.id for report in bundled_reports()})
    assert (schema, reports, agencies, synthetic) == (DB_SCHEMA_VERSION, count, agencies_printed, 0)
    assert len(version) == 16
    assert query(
        bundled_db, "SELECT read, loaded, unchanged, replaced, rejected FROM load_runs"
    ) == [(count, count, 0, 0, 0)]


def test_findings_in_the_database_are_the_reports_findings(bundled_db: Path) -> None:
    for path in sorted(BUNDLED_REPORTS.glob("*.json")):
        report = load_report(path)
        stored = query(
            bundled_db,
            "SELECT rule, severity, message, cells, expected, actual FROM findings "
            "JOIN reports USING (report_id) WHERE input_file = ? ORDER BY findings.rowid",
            [str(path)],
        )
        assert stored == [
            (
                f.rule,
                f.severity,
                f.message,
                f.cells,
                None if f.expected is None else str(f.expected),
                None if f.actual is None else str(f.actual),
            )
            for f in report.findings
        ], path.name
