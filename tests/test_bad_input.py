"""Bad input: a clear one-line error naming the file, or a report whose cells
say exactly what was printed — never a traceback, never a silent fix."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from etl.decode import decode_text
from etl.errors import ExtractionError
from etl.extract import NARRATIVE_SECTIONS, extract_bytes, extract_path, find_sections
from etl.files import MAX_INPUT_BYTES, read_bytes
from etl.narrative import section_text
from etl.script import (
    OTHER_FORMS,
    UNCHANGED,
    recognition_copy,
    vocabulary,
    vocabulary_words,
)
from etl.tokens import tokenize
from tests.conftest import RAW, figures, parsed, raw_path, run_cli

# The complete reports that are plain text files.
TEXT_REPORTS = (
    "2021_zhenhai_jingxinju",
    "2023_huaian_hongzequ",
    "2024_huaian_hongzequ",
    "2024_huaian_shi",
    "2025_shuyang_xianzhengfu",
)
TABLES = ("proactive", "applications", "review_litigation")


def _lines(stem: str) -> list[str]:
    return raw_path(stem).read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "文件为空"),
        (b"  \n\n\t \n", "文件为空"),
        (bytes(range(256)) * 20, "二进制文件"),
        (b"\x89PNG\r\n\x1a\n" + bytes(500), "图片文件已损坏"),  # a picture, read as a scan
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


@pytest.mark.parametrize("stem", TEXT_REPORTS)
def test_gb18030_file_reads_like_utf8(stem: str) -> None:
    """2024_huaian_shi breaks 商业企业 after 企: the line 业 in GBK (D2 B5) is
    also UTF-8 (ҵ), and still reads as 业."""
    text = raw_path(stem).read_text(encoding="utf-8")
    from_gb = extract_bytes(text.encode("gb18030"), f"{stem}.txt")
    from_utf8 = parsed(stem)
    assert from_gb.agency == from_utf8.agency
    for table in TABLES:
        assert getattr(from_gb, table) == getattr(from_utf8, table)
    assert from_gb.narrative == from_utf8.narrative
    assert from_gb.source.sha256 != from_utf8.source.sha256  # the bytes differ


def _mixed(text: str, how: str) -> bytes:
    """``text`` with some lines in GB18030, the others in UTF-8."""
    lines = text.split("\n")
    half = len(lines) // 2
    if how == "halves":  # a GBK header pasted above a UTF-8 body
        in_gb = [index < half for index in range(len(lines))]
    else:  # every other line
        in_gb = [index % 2 == 0 for index in range(len(lines))]
    encoded = (
        line.encode("gb18030" if gb else "utf-8") for line, gb in zip(lines, in_gb, strict=True)
    )
    return b"\n".join(encoded)


@pytest.mark.parametrize("how", ["halves", "alternate lines"])
@pytest.mark.parametrize("stem", TEXT_REPORTS)
def test_file_mixing_utf8_and_gbk_reads_every_line(stem: str, how: str) -> None:
    """Decoded whole, either way, one part would be garbled: each line is read on its own."""
    text = raw_path(stem).read_text(encoding="utf-8")
    data = _mixed(text, how)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_text(data, "mixed.txt") == decode_text(text.encode(), "utf8.txt")
    report, original = extract_bytes(data, "mixed.txt"), parsed(stem)
    for table in TABLES:
        assert getattr(report, table) == getattr(original, table)
    assert report.narrative == original.narrative


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as huge:
        huge.truncate(200 * 1024 * 1024)  # sparse: no disk is used
    problem = "文件过大（200.0 MB），超过 100 MB 的上限，不像年度报告，已拒绝读取"
    with pytest.raises(ExtractionError) as raised:
        extract_path(path)
    assert raised.value.problem == problem
    result = run_cli("parse", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"{path}: {problem}\n"


def test_a_device_or_pipe_is_never_opened(tmp_path: Path) -> None:
    """A device or pipe has no size to check, and opening a pipe may wait
    forever: refused before it is opened."""
    pipe = tmp_path / "x.txt"
    os.mkfifo(pipe)
    for special in (Path("/dev/zero"), pipe):
        with pytest.raises(ExtractionError) as raised:
            read_bytes(special)
        assert raised.value.problem == "不是普通文件（命名管道、设备或套接字），未读取"


def test_bytes_over_the_size_limit_are_refused() -> None:
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(bytes(MAX_INPUT_BYTES + 1), "big.txt")
    assert raised.value.problem.startswith("文件过大（100.1 MB），超过 100 MB 的上限")


# --- Traditional characters and other printed forms --------------------------


def _is_compatibility_form(char: str) -> bool:
    return unicodedata.normalize("NFKC", char) != char


# A vocabulary character → its traditional form (radical and compatibility forms aside).
TRADITIONAL = {
    char: forms[0] for char, forms in OTHER_FORMS.items() if not _is_compatibility_form(forms[0])
}
RADICAL = {
    char: form
    for char, forms in OTHER_FORMS.items()
    for form in forms
    if "\u2f00" <= form <= "\u2fdf"
}


def _written_with(forms: dict[str, str], text: str) -> str:
    return "".join(forms.get(char, char) for char in text)


def test_every_recognised_character_is_in_the_table() -> None:
    """Characters added to the template's labels need their other forms added too."""
    assert vocabulary() <= set(OTHER_FORMS) | set(UNCHANGED)
    assert not set(OTHER_FORMS) & set(UNCHANGED)


def _recognition_text(text: str) -> str:
    return recognition_copy(text)[0]


def test_every_other_form_reads_as_its_character() -> None:
    for char, forms in OTHER_FORMS.items():
        assert _recognition_text(forms) == char * len(forms)
        assert not set(forms) & vocabulary(), char  # no form is a character the template prints


def test_a_compatibility_ideograph_that_is_no_form_stays_as_printed() -> None:
    """Forms beyond the Basic Multilingual Plane are looked for as one range;
    the range's other characters are left alone."""
    assert "\U0002f812" not in {form for forms in OTHER_FORMS.values() for form in forms}
    text = "申请人\U0002f812情况\n其他\U0002f811"  # U+2F811 is a form of 具
    assert recognition_copy(text) == ("申请人\U0002f812情况\n其他具", [2])


def test_template_survives_traditional_and_back() -> None:
    for word in vocabulary_words():
        assert _recognition_text(_written_with(TRADITIONAL, word)) == word
        assert _recognition_text(_written_with(RADICAL, word)) == word
    assert _written_with(TRADITIONAL, "四、政府信息公开行政复议、行政诉讼情况") == (
        "四、政府信息公開行政復議、行政訴訟情況"
    )


def test_the_recognition_copy_names_the_lines_it_changed() -> None:
    text = "二、主动公開\n三、收到\n\n四、復議和訴訟"
    assert recognition_copy(text) == ("二、主动公开\n三、收到\n\n四、复议和诉讼", [1, 4])
    unchanged = "二、主动公开政府信息情况\n"
    copy, changed = recognition_copy(unchanged)
    assert copy is unchanged and changed == []


@pytest.mark.parametrize("stem", ["2024_huaian_shi", "2021_zhenhai_jingxinju"])
def test_recognition_copy_keeps_every_token_in_place(stem: str) -> None:
    """The copy differs from the original in characters only: its token stream
    has the same tokens at the same offsets, from the same lines."""
    printed = _written_with(TRADITIONAL, raw_path(stem).read_text(encoding="utf-8"))
    original = tokenize(printed.split("\n"))
    copy = tokenize(_recognition_text(printed).split("\n"))
    assert (copy.starts, copy.lines) == (original.starts, original.lines)


@pytest.mark.parametrize("forms", ["traditional", "radical"])
@pytest.mark.parametrize("stem", ["2024_huaian_shi", "2021_zhenhai_jingxinju"])
def test_report_in_other_forms_reads_with_prose_as_printed(stem: str, forms: str) -> None:
    """Every character of the template's words in its traditional form (報告,
    復議, 無法提供 …), or, as some PDF fonts give them, as Kangxi radicals (⼀,
    ⼈): the same figures and findings; the prose and the agency's name as printed."""
    table = TRADITIONAL if forms == "traditional" else RADICAL
    printed = _written_with(table, raw_path(stem).read_text(encoding="utf-8"))
    assert printed != raw_path(stem).read_text(encoding="utf-8")
    report, original = extract_bytes(printed.encode(), f"{stem}.txt"), parsed(stem)
    for name in TABLES:
        assert figures(getattr(report, name)) == figures(getattr(original, name))
    assert [(f.rule, f.cells) for f in report.findings] == [
        (f.rule, f.cells) for f in original.findings
    ]
    assert report.headline.keys() == original.headline.keys()
    assert report.narrative.overview == _written_with(table, original.narrative.overview)
    assert report.narrative.other == _written_with(table, original.narrative.other)
    assert report.agency.name == _written_with(table, original.agency.name)


def test_prose_is_as_printed_wherever_an_other_form_stands() -> None:
    """One traditional character on one line, for every line of a report in
    turn: each section's prose is that of the printed text's own token stream
    (the parser reuses the recognition copy's where the prose lines print none)."""
    lines = raw_path("2021_zhenhai_jingxinju").read_text(encoding="utf-8").split("\n")
    for index in range(len(lines)):
        printed = "\n".join([*lines[:index], "體" + lines[index], *lines[index + 1 :]])
        report = extract_bytes(printed.encode(), "one-form.txt")
        sections = find_sections(tokenize(_recognition_text(printed).split("\n")))
        own = tokenize(printed.split("\n")).text
        for key in NARRATIVE_SECTIONS:
            section = sections.get(key)
            expected = section_text(own[section.start : section.end]) if section else None
            assert getattr(report.narrative, key) == expected, (index + 1, key)


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

    # Cells of one row printed differently ("/", "—", "无"; blank beside 见附件): a finding each.
    flagged = [f.cells for f in report.findings if f.rule == "cells.not_a_number"]
    assert flagged == [
        ["proactive.regulations.issued"],
        ["proactive.regulations.repealed"],
        ["proactive.regulations.in_force"],
        ["applications.new_received.natural_person"],
        ["applications.new_received.commercial"],
    ]
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


def test_a_cell_in_traditional_characters_keeps_its_printed_text() -> None:
    lines = _lines("2021_zhenhai_jingxinju")
    assert lines[23] == "\t规章"
    lines[24], lines[25] = "\t無", "\t見附件"
    report = extract_bytes("\n".join(lines).encode(), "cells.txt")
    issued, repealed = list(report.proactive["regulations"].values())[:2]
    assert (issued["status"], issued["raw"]) == ("dash", "無")  # read as 无: nothing to report
    assert (repealed["status"], repealed["raw"]) == ("text", "見附件")


def test_a_stray_nul_byte_is_spacing_not_a_binary_file() -> None:
    report = (RAW / "2024_huaian_hongzequ.txt").read_bytes()
    at = report.find("主动公开".encode())
    damaged = extract_bytes(report[:at] + b"\x00" + report[at:], "nul.txt")
    assert damaged.applications == extract_bytes(report, "nul.txt").applications
