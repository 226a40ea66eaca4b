"""Labels as real reports print them: 合计 for 总计, other quote styles,
half-width punctuation, spaces and line breaks inside labels."""

from __future__ import annotations

from etl.extract import extract_bytes
from tests.conftest import figures, parsed, raw_path


def test_label_variants_read_the_same_cells() -> None:
    text = raw_path("2024_huaian_shi").read_text(encoding="utf-8")
    variants = (
        text.replace("（七）总计", "(七)合计")
        .replace("3.危及“三安全一稳定”", '3．危及"三安全一稳定"')
        .replace("1.属于国家秘密", "1、属于 国家\n秘密")
        .replace("二、上年结转政府信息公开申请数量", "二 、上年结转政府信息\n公开申请数量")
        .replace("行政规范性文件", "行政规范性\n文件")
    )
    assert variants != text
    report = extract_bytes(variants.encode(), "variants.txt")
    original = parsed("2024_huaian_shi")
    assert figures(report.applications) == figures(original.applications)
    assert figures(report.proactive) == figures(original.proactive)
    assert len(report.applications) == 25
    assert report.findings == []


def test_damaged_label_is_still_found() -> None:
    # 洪泽区 prints "2.其他法律行政止公开" (法规禁 missing) in both years.
    report = parsed("2023_huaian_hongzequ")
    row = report.applications["withheld_prohibited_by_law"]
    assert row["natural_person"]["at"]["line"] == 142
    assert [c["value"] for c in row.values()] == [0] * 7


def _zhenhai_with_other_rows(values: tuple[int, int, int]) -> list[str]:
    """The 镇海 Word-text report with figures in the three （六） sub-rows (and
    the totals raised to match), so misplaced figures would show."""
    lines = raw_path("2021_zhenhai_jingxinju").read_text(encoding="utf-8").split("\n")
    total = sum(values)
    for label_line, value in zip((299, 310, 321), values, strict=True):
        assert lines[label_line].startswith(("\t1.申请人", "\t2.申请人", "\t3.其他"))
        lines[label_line + 1] = f"\t{value}"
        lines[label_line + 7] = f"\t{value}"
    for label_line in (81, 331):  # 一、本年新收 and （七）总计
        lines[label_line + 1] = f"\t{total}"
        lines[label_line + 7] = f"\t{total}"
    return lines


def test_other_sub_rows_keep_their_figures() -> None:
    report = extract_bytes("\n".join(_zhenhai_with_other_rows((1, 2, 3))).encode(), "six.txt")
    totals = {key: report.applications[key]["total"]["value"] for key in report.applications}
    assert (totals["other_no_correction"], totals["other_fee_unpaid"], totals["other_other"]) == (
        1,
        2,
        3,
    )
    assert report.findings == []


def test_lost_sub_row_label_loses_no_figure_silently() -> None:
    lines = _zhenhai_with_other_rows((1, 2, 3))
    del lines[299]  # the label of （六）1, as a converter may drop it
    report = extract_bytes("\n".join(lines).encode(), "lost.txt")
    assert "other_handling" not in report.applications  # still the 2021 variant
    assert report.applications["other_fee_unpaid"]["total"]["value"] == 2
    assert report.applications["other_other"]["total"]["value"] == 3
    rules = [(f.rule, f.actual) for f in report.findings if f.rule.startswith("extract.")]
    assert rules == [
        ("extract.row_missing", None),
        ("extract.unplaced_values", "1 0 0 0 0 0 1"),
    ]


def test_row_numbers_dropped_by_word_lists_are_not_needed() -> None:
    text = raw_path("2024_huaian_shi").read_text(encoding="utf-8")
    for number in "12345678":
        text = text.replace(f"\n{number}.", "\n").replace(f"\n{number}、", "\n")
    report = extract_bytes(text.encode(), "unnumbered.txt")
    original = parsed("2024_huaian_shi")
    unread = {f.cells[0].rsplit(".", 1)[0] for f in report.findings if f.cells}
    # Only 3.其他 is too short to be found without its number; the row before it
    # then shows 14 figures and is left out too — with findings, not misread.
    assert unread == {"applications.other_other", "applications.other_fee_unpaid"}
    del original.applications["other_other"], original.applications["other_fee_unpaid"]
    assert figures(report.applications) == figures(original.applications)


def _shi_with_withheld_subtotal(figures: list[int]) -> str:
    text = raw_path("2024_huaian_shi").read_text(encoding="utf-8")
    subtotal = "（三）不予公开\n" + "\n".join(map(str, figures)) + "\n"
    assert "（三）不\n予公开\n" in text
    return text.replace("（三）不\n予公开\n", subtotal)


def test_printed_subtotal_row_is_recognised_and_left_out() -> None:
    report = extract_bytes(_shi_with_withheld_subtotal([176, 2, 0, 0, 0, 0, 178]).encode(), "s.txt")
    assert figures(report.applications) == figures(parsed("2024_huaian_shi").applications)
    assert [(f.rule, f.severity, f.actual) for f in report.findings] == [
        ("extract.subtotal_row", "warning", "176 2 0 0 0 0 178")
    ]


def test_figures_after_a_group_label_that_are_no_subtotal_are_not_placed() -> None:
    report = extract_bytes(_shi_with_withheld_subtotal([169, 2, 0, 0, 0, 0, 171]).encode(), "s.txt")
    assert figures(report.applications) == figures(parsed("2024_huaian_shi").applications)
    assert [(f.rule, f.severity) for f in report.findings] == [("extract.unplaced_values", "error")]
