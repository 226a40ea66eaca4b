"""Labels as real reports print them: 合计 for 总计, other quote styles,
half-width punctuation, spaces and line breaks inside labels."""

from __future__ import annotations

from etl.extract import extract_bytes
from tests.conftest import parsed, raw_path


def _values(table: dict) -> dict:
    return {row: [c.value for c in cells.values()] for row, cells in table.items()}


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
    assert _values(report.applications) == _values(original.applications)
    assert _values(report.proactive) == _values(original.proactive)
    assert len(report.applications) == 25
    assert report.findings == []


def test_damaged_label_is_still_found() -> None:
    # 洪泽区 prints "2.其他法律行政止公开" (法规禁 missing) in both years.
    report = parsed("2023_huaian_hongzequ")
    row = report.applications["withheld_prohibited_by_law"]
    assert row["natural_person"].at["line"] == 142
    assert [c.value for c in row.values()] == [0] * 7
