"""Bad input: a clear one-line error naming the file, or a report whose cells
say exactly what was printed — never a traceback, never a silent fix."""

from __future__ import annotations

import pytest

from etl.errors import ExtractionError
from etl.extract import extract_bytes, extract_path
from tests.conftest import parsed, raw_path, run_cli


def _lines(stem: str) -> list[str]:
    return raw_path(stem).read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "文件为空"),
        (b"  \n\n\t \n", "文件为空"),
        (bytes(range(256)) * 20, "二进制文件"),
        (b"\x89PNG\r\n\x1a\n" + bytes(500), "二进制文件"),
        ("今天天气很好，我们去公园散步。\n".encode() * 30, "不是政府信息公开工作年度报告"),
        (
            "某某局2022年度政府信息公开工作年度报告\n一、总体情况\n正文。\n".encode(),
            "没有找到任何表格章节",
        ),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_report, content: bytes, problem: str) -> None:
    path = tmp_report(content, name="坏文件.txt")
    with pytest.raises(ExtractionError) as raised:
        extract_path(path)
    assert problem in raised.value.problem
    result = run_cli("parse", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: ") and problem in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file_names_it() -> None:
    result = run_cli("parse", "no/such/report.txt")
    assert result.returncode == 2
    assert result.stderr.startswith("no/such/report.txt: 无法读取文件")


def test_pre_2019_report_is_recognised_not_poured_into_modern_tables() -> None:
    with pytest.raises(ExtractionError) as raised:
        extract_path(raw_path("2017_fujian_pingtan"))
    assert "2017 年度" in raised.value.problem
    assert "〔2019〕60号" in raised.value.problem
    result = run_cli("parse", str(raw_path("2017_fujian_pingtan")))
    assert result.returncode == 2 and result.stdout == ""


def test_gb18030_file_reads_like_utf8() -> None:
    text = raw_path("2021_zhenhai_jingxinju").read_text(encoding="utf-8")
    from_gb = extract_bytes(text.encode("gb18030"), "2021_zhenhai_jingxinju.txt")
    from_utf8 = parsed("2021_zhenhai_jingxinju")
    assert from_gb.agency == from_utf8.agency
    assert from_gb.applications == from_utf8.applications
    assert from_gb.proactive == from_utf8.proactive
    assert from_gb.source.sha256 != from_utf8.source.sha256  # the bytes differ


def test_report_cut_off_mid_table_keeps_what_was_printed() -> None:
    lines = _lines("2024_huaian_shi")
    cut = "\n".join(lines[:228])  # ends inside （四）无法提供, after 2.没有现成信息…'s label
    report = extract_bytes(cut.encode(), "cut.txt")
    assert report.applications["unavailable_not_held"]["total"]["value"] == 769
    assert "unavailable_needs_creation" not in report.applications
    assert report.review_litigation == {}
    rules = {(f.rule, f.cells[0].rsplit(".", 1)[0] if f.cells else "") for f in report.findings}
    assert ("extract.row_unreadable", "applications.unavailable_needs_creation") in rules
    assert ("extract.row_missing", "applications.carried_forward") in rules
    complete = next(f for f in report.findings if f.rule == "report.complete")
    assert "四、结转下年度继续办理" in complete.message
    assert "五、存在的主要问题及改进情况" in complete.message
    # Balance cannot be checked without 四、结转: no invented arithmetic findings.
    assert not any(f.rule == "applications.balance" for f in report.findings)


def test_word_layout_dash_blank_text_and_unit_cells() -> None:
    lines = _lines("2021_zhenhai_jingxinju")
    assert lines[23] == "\t规章" and lines[38] == "\t行政许可"
    lines[24], lines[25], lines[26] = "\t/", "\t—", "\t无"
    lines[39] = "\t0件"
    assert lines[81] == "\t一、本年新收政府信息公开申请数量"
    lines[82] = "\t"  # 自然人 left empty
    lines[83] = "\t见附件"
    report = extract_bytes("\n".join(lines).encode(), "cells.txt")

    regulations = report.proactive["regulations"]
    assert [(c["status"], c["raw"], c["value"]) for c in regulations.values()] == [
        ("dash", "/", None),
        ("dash", "—", None),
        ("dash", "无", None),
    ]
    licensing = report.proactive["licensing"]["decisions"]
    assert (licensing["status"], licensing["raw"], licensing["value"]) == ("number", "0件", 0)
    new = report.applications["new_received"]
    assert (new["natural_person"]["status"], new["natural_person"]["raw"]) == ("blank", "")
    assert (new["commercial"]["status"], new["commercial"]["raw"]) == ("text", "见附件")
    assert new["natural_person"]["at"]["line"] == 83

    flagged = {f.cells[0] for f in report.findings if f.rule == "cells.not_a_number"}
    assert flagged == {
        "proactive.regulations.issued",
        "proactive.regulations.repealed",
        "proactive.regulations.in_force",
        "applications.new_received.natural_person",
        "applications.new_received.commercial",
    }
    units = next(f for f in report.findings if f.rule == "cells.unit")
    assert units.cells == ["proactive.licensing.decisions"]
    assert all(f.severity == "warning" for f in report.findings)


def test_fee_in_yuan_under_a_10k_yuan_header_is_flagged_not_converted() -> None:
    lines = _lines("2024_huaian_shi")
    assert lines[91] == "96171.6"
    lines[91] = "961716000元"
    report = extract_bytes("\n".join(lines).encode(), "yuan.txt")
    fee = report.proactive["fees"]["amount_10k_yuan"]
    assert (fee["value"], fee["raw"]) == (961716000, "961716000元")
    mismatch = next(f for f in report.findings if f.rule == "cells.unit_mismatch")
    assert (mismatch.expected, mismatch.actual) == ("万元", "元")
    assert mismatch.cells == ["proactive.fees.amount_10k_yuan"]


def test_pdf_layout_dash_cell_and_too_few_values() -> None:
    lines = _lines("2023_huaian_hongzequ")
    assert lines[57] == "550" and lines[63] == "4119"
    lines[57] = "/"
    del lines[63]  # 行政处罚 loses its figure: nothing may be shifted into its place
    report = extract_bytes("\n".join(lines).encode(), "pdf.txt")
    licensing = report.proactive["licensing"]["decisions"]
    assert (licensing["status"], licensing["raw"]) == ("dash", "/")
    assert "penalty" not in report.proactive
    unreadable = [f for f in report.findings if f.rule == "extract.row_unreadable"]
    assert [f.cells for f in unreadable] == [["proactive.penalty.decisions"]]
    assert "行政处罚" in unreadable[0].message and unreadable[0].severity == "error"
    assert report.proactive["coercion"]["decisions"]["value"] == 195


def test_pdf_layout_row_with_a_missing_cell_is_not_shifted() -> None:
    lines = _lines("2024_huaian_shi")
    assert lines[108] == "一、本年新收政府信息公开申请数量"
    del lines[110]  # 商业企业 cell of 一、本年新收 dropped, as PDF extraction drops empty cells
    report = extract_bytes("\n".join(lines).encode(), "shifted.txt")
    assert "new_received" not in report.applications
    finding = next(f for f in report.findings if f.rule == "extract.row_unreadable")
    assert finding.cells[0] == "applications.new_received.natural_person"
    assert (finding.expected, finding.actual) == (7, 6)
    assert report.applications["carried_over"]["total"]["value"] == 34


def test_impossible_title_year() -> None:
    text = "淮安市人民政府1900年度政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(text.encode(), "old.txt")
    assert "1900" in raised.value.problem and "2008" in raised.value.problem


def test_absurdly_long_figure_stays_text() -> None:
    lines = _lines("2024_huaian_shi")
    assert lines[109] == "3001"
    lines[109] = "1" * 400 + ".5"
    report = extract_bytes("\n".join(lines).encode(), "long.txt")
    cell = report.applications["new_received"]["natural_person"]
    assert (cell["status"], cell["value"], cell["raw"]) == ("text", None, "1" * 400 + ".5")
    assert any(f.rule == "cells.not_a_number" for f in report.findings)


def test_pdf_text_with_tab_indented_paragraphs_is_not_taken_for_word() -> None:
    lines = _lines("2023_huaian_hongzequ")
    indented = [f"\t{line}" if len(line) > 15 else line for line in lines]
    assert sum(line.startswith("\t") for line in indented) > 20
    report = extract_bytes("\n".join(indented).encode(), "indented.txt")
    original = parsed("2023_huaian_hongzequ")
    assert report.applications == original.applications
    assert report.review_litigation == original.review_litigation


def test_utf8_cut_mid_character_still_reads() -> None:
    data = raw_path("2024_huaian_shi").read_bytes()
    cut = data[: data.index("六、其他需要报告的事项".encode()) + 10]  # inside a character
    report = extract_bytes(cut, "cut.txt")
    assert report.applications["new_received"]["total"]["value"] == 3119


def test_zero_width_characters_inside_cells_are_spacing() -> None:
    text = raw_path("2024_huaian_shi").read_text(encoding="utf-8")
    text = text.replace("\n3001\n", "\n\u200b3001\ufeff\n")
    report = extract_bytes(text.encode(), "zw.txt")
    assert report.applications["new_received"]["natural_person"]["value"] == 3001


def test_unwritable_out_names_the_out_file(tmp_path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "r.json"
    result = run_cli("parse", str(raw_path("2024_huaian_shi")), "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{out}: 无法写入")
