"""``python -m etl accuracy``: every report with a hand-checked expected file,
extracted from the real corpus and compared cell by cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from etl import template
from etl.accuracy import Absent, AccuracyResult, Difference, measure
from tests.conftest import BUILT_REPORTS, CORPUS, EXPECTED, expected, run_cli

# Cells per report: section 二 (10), 三 (25 rows × 7, or 23 × 7 with the single
# （六）其他处理 row), 四 (15) and the two headline figures.
FULL, SINGLE_OTHER_ROW = 10 + 25 * 7 + 15 + 2, 10 + 23 * 7 + 15 + 2
EXACT_FILES = {
    "raw/2021_zhenhai_jingxinju.txt": FULL,
    "raw/2023_huaian_hongzequ.txt": SINGLE_OTHER_ROW,
    "orig/2023_huaian_hongzequ.pdf": SINGLE_OTHER_ROW,
    "raw/2023_shuyang_fagaiju.html": FULL,
    "raw/2023_shuyang_fagaiju.html→片段": FULL,
    "raw/2023_shuyang_fagaiju.html→mht GBK": FULL,
    "raw/2023_shuyang_fagaiju.html→mht UTF-8": FULL,
    "raw/2023_shuyang_fagaiju.html→JSON": FULL,
    "raw/2024_huaian_hongzequ.txt": SINGLE_OTHER_ROW,
    "orig/2024_huaian_hongzequ.pdf": SINGLE_OTHER_ROW,
    "raw/2024_huaian_shi.txt": FULL,
    "orig/2024_huaian_shi.pdf": FULL,
}


@pytest.fixture(scope="module")
def corpus_result() -> AccuracyResult:
    return measure(EXPECTED, CORPUS)


def test_every_hand_checked_report_is_exact(corpus_result: AccuracyResult) -> None:
    files = {file.file: file for file in corpus_result.files}
    for name, cells in EXACT_FILES.items():
        file = files[name]
        assert (file.exact, file.expected, file.differences, file.error) == (cells, cells, (), None)
        assert file.is_exact


def test_the_command_prints_each_file_and_their_sum() -> None:
    result = run_cli("accuracy")  # the default folders: tests/expected, ../shared/corpus
    rows = _table_rows(result.stdout)
    for name, cells in EXACT_FILES.items():
        assert rows[name] == [f"{cells}", f"{cells}", "100.0%", "0"]
    files = [row for name, row in rows.items() if name != "合计 total"]
    total = rows["合计 total"]
    assert _number(total[0]) == sum(_number(row[0]) for row in files)
    assert _number(total[1]) == sum(_number(row[1]) for row in files)
    # New expected files may not be exact yet: the status follows the rows.
    all_exact = all(row[0] == row[1] and row[3] == "0" for row in files)
    assert result.returncode == (0 if all_exact else 1), result.stderr
    assert result.stderr == ""


def test_old_word_reports_are_measured_as_any_other(
    tmp_path: Path, office_documents: dict[tuple[str, str], bytes]
) -> None:
    """A corpus's .doc files are measured too: the .doc LibreOffice saves from
    the built Word version of each report reads every hand-checked cell."""
    corpus, expected_dir = tmp_path / "corpus", tmp_path / "expected"
    (corpus / "raw").mkdir(parents=True)
    expected_dir.mkdir()
    for stem in BUILT_REPORTS:
        (corpus / "raw" / f"{stem}.doc").write_bytes(office_documents["doc", stem])
        shutil.copy(EXPECTED / f"{stem}.json", expected_dir)
    result = run_cli("accuracy", "--expected", str(expected_dir), "--corpus", str(corpus))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _table_rows(result.stdout)
    for stem in BUILT_REPORTS:
        cells = f"{EXACT_FILES[f'raw/{stem}.txt']}"
        assert rows[f"raw/{stem}.doc"] == [cells, cells, "100.0%", "0"]


def test_an_edited_expected_cell_is_reported_where_it_is(tmp_path: Path) -> None:
    want = expected("2024_huaian_shi")
    want["applications"]["granted"][0] = 1289  # the report prints 1288
    _write(tmp_path, "2024_huaian_shi", want)
    result = run_cli("accuracy", "--expected", str(tmp_path))
    assert result.returncode == 1
    rows = _table_rows(result.stdout)
    assert rows["raw/2024_huaian_shi.txt"] == [f"{FULL - 1}", f"{FULL}", "99.5%", "1"]
    assert rows["orig/2024_huaian_shi.pdf"] == [f"{FULL - 1}", f"{FULL}", "99.5%", "1"]
    assert rows["合计 total"] == [f"{2 * FULL - 2}", f"{2 * FULL}", "99.5%", "2"]
    cell = "applications.granted.natural_person（三、收到和处理：（一）予以公开 · 自然人）"
    lines = result.stdout.splitlines()
    assert f"  raw/2024_huaian_shi.txt: {cell}：期望 1289，读出 1288（第 134 行）" in lines
    assert (
        f"  orig/2024_huaian_shi.pdf: {cell}：期望 1289，读出 1288（第 4 页 表 3 第 6 行第 4 列）"
        in lines
    )
    assert lines[-1] == "有单元格不一致（见上）。"


def test_headline_rows_not_read_and_cells_not_expected(tmp_path: Path) -> None:
    want = expected("2024_huaian_shi")
    want["headline"]["fee_yuan"] = None  # the report does print a fee: 3940 元
    want["review_litigation"]["litigation_direct"][4] = None  # printed 26
    del want["applications"]["other_other"]  # read all the same: 7 cells not expected
    want["applications"]["other_handling"] = [0] * 7  # a row this report does not have
    _write(tmp_path, "2024_huaian_shi", want)
    (text, pdf) = measure(tmp_path, CORPUS).files
    assert (text.file, pdf.file) == ("raw/2024_huaian_shi.txt", "orig/2024_huaian_shi.pdf")
    assert (text.expected, text.exact) == (FULL, FULL - 2 - 7)
    columns = template.APPLICANT_COLUMNS
    printed = [108, 2, 0, 0, 0, 0, 110]  # 3.其他 as the report prints it
    assert [_short(d) for d in text.differences] == [
        ("headline.fee_yuan", None, 3940),
        *(
            (f"applications.other_other.{column}", "absent", value)
            for column, value in zip(columns, printed, strict=True)
        ),
        *((f"applications.other_handling.{column}", 0, "absent") for column in columns),
        ("review_litigation.litigation_direct.total", None, 26),
    ]
    assert [_short(d) for d in pdf.differences] == [_short(d) for d in text.differences]
    assert text.differences[0].at == {"line": 394}


def test_a_blank_cell_is_not_a_zero(tmp_path: Path) -> None:
    want = expected("2023_shuyang_fagaiju")
    want["applications"]["granted"][1] = 0  # the page leaves 商业企业 empty
    _write(tmp_path, "2023_shuyang_fagaiju", want)
    result = run_cli("accuracy", "--expected", str(tmp_path))
    assert result.returncode == 1
    assert (
        "  raw/2023_shuyang_fagaiju.html: applications.granted.commercial"
        "（三、收到和处理：（一）予以公开 · 商业企业）：期望 0，读出 无数字（表 3 第 6 行第 5 列）"
    ) in result.stdout.splitlines()


def test_a_report_that_cannot_be_extracted_counts_nothing(tmp_path: Path) -> None:
    # The 2017 report predates the template: extraction ends in its message.
    _write(tmp_path, "2017_fujian_pingtan", expected("2024_huaian_shi"))
    _write(tmp_path, "1999_nowhere", expected("2024_huaian_shi"))
    result = run_cli("accuracy", "--expected", str(tmp_path))
    assert result.returncode == 1
    rows = _table_rows(result.stdout)
    assert rows["raw/1999_nowhere.*"] == ["0", f"{FULL}", "0.0%", "无法读取"]
    assert rows["raw/2017_fujian_pingtan.txt"] == ["0", f"{FULL}", "0.0%", "无法读取"]
    lines = result.stdout.splitlines()
    assert "  raw/1999_nowhere.*: 语料中没有这份报告的原文（raw/1999_nowhere.*）" in lines
    assert any(
        line.startswith("  raw/2017_fujian_pingtan.txt: 这是 2017 年度的报告") for line in lines
    )


@pytest.mark.parametrize("option", ["--expected", "--corpus"])
def test_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path, option: str) -> None:
    missing = tmp_path / "nowhere"
    result = run_cli("accuracy", option, str(missing))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"{missing}: 找不到这个文件夹\n"


def test_a_broken_expected_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    want = expected("2024_huaian_shi")
    want["review_litigation"]["litigation_direct"] = [13, 4, 8, 1]  # 总计 left out
    path = _write(tmp_path, "2024_huaian_shi", want)
    result = run_cli("accuracy", "--expected", str(tmp_path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"{path}: 期望值 JSON 有误：review_litigation.litigation_direct "
        "应是 5 个数字（或 null）的列表\n"
    )


def test_an_empty_expected_folder_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("accuracy", "--expected", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path}: 文件夹里没有期望值 JSON（STEM.json）\n"


def _write(folder: Path, stem: str, content: dict) -> Path:
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def _table_rows(stdout: str) -> dict[str, list[str]]:
    """The summary table's rows: file → exact, expected, share, differences."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 5:
            rows[cells[0]] = cells[1:]
    return rows


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _short(difference: Difference) -> tuple[str, object, object]:
    """A difference as (cell, expected, got), "absent" for a cell on one side only."""

    def shown(value: object) -> object:
        return "absent" if value is Absent.CELL else value

    return difference.path, shown(difference.expected), shown(difference.got)


def test_scanned_copies_of_the_original_pdfs_are_measured(tmp_path: Path) -> None:
    """--scans: each original PDF also printed and scanned (etl/scan_copies.py),
    read by OCR as an image-only PDF and as PNG pages."""
    shutil.copy(EXPECTED / "2023_huaian_hongzequ.json", tmp_path)
    result = run_cli("accuracy", "--expected", str(tmp_path), "--scans", "200")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _table_rows(result.stdout)
    for form in ("PDF", "PNG"):
        assert rows[f"orig/2023_huaian_hongzequ.pdf→扫描 200 dpi {form}"] == [
            "188", "188", "100.0%", "0"
        ]  # fmt: skip
