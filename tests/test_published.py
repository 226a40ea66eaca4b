"""When a report was published: read from the real reports with where it was
read, and the rule that flags a report published after 31 January."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import docx
import pytest

from etl.extract import extract_bytes, extract_path
from tests.conftest import CORPUS
from tests.documents import word_document

RAW = CORPUS / "raw"
ORIG = CORPUS / "orig"

# Every corpus report that prints a date (or whose file carries one), and where.
PUBLISHED = {
    RAW / "2019_fujian_pingtan.txt": ("2020-01-20", "「发布时间」（第 2 行）"),
    RAW / "2021_fujian_pingtan.txt": ("2022-02-08", "「发布时间」（第 2 行）"),
    RAW / "2023_fujian_pingtan.txt": ("2024-03-08", "「发布时间」（第 2 行）"),
    RAW / "2024_fujian_pingtan.txt": ("2025-03-10", "「发布时间」（第 2 行）"),
    # Above it the page prints when it was saved (采集时间：2025-12-30…) and the
    # portal's date of that day: neither is taken.
    RAW / "2023_shuyang_fagaiju.html": ("2024-01-17", "「公开日期」（第 31 行）"),
    RAW / "2025_shuyang_xianzhengfu.txt": ("2026-01-23", "落款日期（第 357 行）"),
    ORIG / "2023_huaian_hongzequ.pdf": ("2024-02-26", "PDF 文件属性「创建时间」"),
    ORIG / "2024_huaian_hongzequ.pdf": ("2025-02-25", "PDF 文件属性「创建时间」"),
    ORIG / "2024_huaian_shi.pdf": ("2025-02-25", "PDF 文件属性「创建时间」"),
}
# Reports that print no date at all (their text copies lost the PDF's properties).
UNDATED = [
    RAW / "2021_zhenhai_jingxinju.txt",
    RAW / "2023_huaian_hongzequ.txt",
    RAW / "2024_huaian_hongzequ.txt",
    RAW / "2024_huaian_shi.txt",
    RAW / "2024_shanghai_kewei.md",
    RAW / "2025_shanghai_bgt.md",
]


def _late(report) -> list:
    return [f for f in report.findings if f.rule == "report.late"]


@pytest.mark.parametrize("path", list(PUBLISHED), ids=lambda path: path.name)
def test_the_publication_date_is_read_with_where_it_stands(path: Path) -> None:
    report = extract_path(path)
    on, where = PUBLISHED[path]
    assert (report.source.published_on, report.source.published_on_from) == (on, where)
    deadline = f"{report.year + 1}-01-31"
    late = _late(report)
    assert bool(late) == (on > deadline)
    if late:
        assert (late[0].severity, late[0].expected, late[0].actual) == ("warning", deadline, on)
        assert f"发布日期 {on}（{where}）晚于 {report.year + 1} 年 1 月 31 日" in late[0].message


@pytest.mark.parametrize("path", UNDATED, ids=lambda path: path.name)
def test_a_report_that_prints_no_date_has_none(path: Path) -> None:
    report = extract_path(path)
    assert (report.source.published_on, report.source.published_on_from) == (None, None)
    assert _late(report) == []


def _with_first_line(line: str) -> bytes:
    text = (RAW / "2024_huaian_hongzequ.txt").read_text(encoding="utf-8")
    return f"{line}\n{text}".encode()


def test_a_2024_report_published_on_15_february_2025_is_late() -> None:
    report = extract_bytes(_with_first_line("发布日期：2025-02-15"), "hongze-2024.txt")
    assert report.source.published_on == "2025-02-15"
    [late] = _late(report)
    assert late.message.startswith(
        "发布日期 2025-02-15（「发布日期」（第 1 行））晚于 2025 年 1 月 31 日"
    )
    on_time = extract_bytes(_with_first_line("发布日期：2025-01-31"), "hongze-2024.txt")
    assert on_time.source.published_on == "2025-01-31" and _late(on_time) == []


def test_a_capture_date_is_not_a_publication_date() -> None:
    report = extract_bytes(_with_first_line("采集时间：2025-12-30"), "hongze-2024.txt")
    assert report.source.published_on is None


def test_a_signature_in_chinese_numerals_is_read() -> None:
    text = (RAW / "2025_shuyang_xianzhengfu.txt").read_text(encoding="utf-8")
    head, _, tail = text.rpartition("2026年1月23日")  # the signature (the title has it too)
    signed = head + "二〇二六年一月二十三日" + tail
    report = extract_bytes(signed.encode(), "shuyang-2025.txt")
    assert (report.source.published_on, report.source.published_on_from) == (
        "2026-01-23",
        "落款日期（第 357 行）",
    )


def test_a_word_files_creation_date_is_the_last_resort() -> None:
    report = extract_path(RAW / "2024_huaian_hongzequ.txt")
    document = docx.Document(io.BytesIO(word_document(report)))
    document.core_properties.created = datetime.datetime(2025, 2, 3, 9, 30)
    saved = io.BytesIO()
    document.save(saved)
    dated = extract_bytes(saved.getvalue(), "hongze-2024.docx")
    assert (dated.source.published_on, dated.source.published_on_from) == (
        "2025-02-03",
        "Word 文件属性「创建时间」",
    )
    assert _late(dated)[0].actual == "2025-02-03"
    # python-docx's blank document says it was made in 2013: no 2024 report's date.
    undated = extract_bytes(word_document(report), "hongze-2024.docx")
    assert undated.source.published_on is None
