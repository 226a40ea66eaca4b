"""Section 二 in the 2019 template (国办公开办函〔2019〕60号): five small tables,
a signed 本年增/减 and the 政府集中采购 amount — read row by row like 2021."""

from __future__ import annotations

import pytest

from etl.extract import extract_bytes
from tests.conftest import raw_path

# Section 二 as a PDF of the 2019 template comes out as text: one cell per line.
SECTION_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容
本年新制
作数量
本年新公
开数量
对外公开总数量
规章
0
0
3
规范性文件
12
12
140
第二十条第（五）项
信息内容
上一年项目数量
本年增/减
处理决定数量
行政许可
86
-3
1520
其他对外管理服务事项
4
0
37
第二十条第（六）项
信息内容
上一年项目数量
本年增/减
处理决定数量
行政处罚
120
+5
2210
行政强制
9
0
41
第二十条第（八）项
信息内容
上一年项目数量
本年增/减
行政事业性收费
6
-1
第二十条第（九）项
信息内容
采购项目数量
采购总金额
政府集中采购
17
356.42
"""


def _report_2019():
    text = raw_path("2023_huaian_hongzequ").read_text(encoding="utf-8")
    start = text.index("二、主动公开政府信息情况")
    end = text.index("三、收到和处理政府信息公开申请情况")
    return extract_bytes((text[:start] + SECTION_2019 + text[end:]).encode(), "2019.txt")


def test_2019_section_two_is_read_with_its_own_columns() -> None:
    report = _report_2019()
    assert report.format == "2019"
    values = {
        item: {column: cell["value"] for column, cell in cells.items()}
        for item, cells in report.proactive.items()
    }
    assert values == {
        "regulations": {"new_made": 0, "new_published": 0, "total_published": 3},
        "normative_documents": {"new_made": 12, "new_published": 12, "total_published": 140},
        "licensing": {"prev_items": 86, "change": -3, "decisions": 1520},
        "other_services": {"prev_items": 4, "change": 0, "decisions": 37},
        "penalty": {"prev_items": 120, "change": 5, "decisions": 2210},
        "coercion": {"prev_items": 9, "change": 0, "decisions": 41},
        "fees": {"prev_items": 6, "change": -1},
        "procurement": {"items": 17, "amount": 356.42},
    }
    assert report.proactive["licensing"]["change"]["raw"] == "-3"


def test_2019_signed_change_is_not_an_error() -> None:
    rules = {f.rule for f in _report_2019().findings}
    assert "cells.non_negative_integer" not in rules
    assert "report.complete" not in rules


@pytest.mark.parametrize(
    "header", ["本年增/\n减", "本年增 / 减", "本年增／减", "本年增（减）", "本年增\n/减"]
)
def test_change_header_variants(header: str) -> None:
    text = raw_path("2023_huaian_hongzequ").read_text(encoding="utf-8")
    start = text.index("二、主动公开政府信息情况")
    end = text.index("三、收到和处理政府信息公开申请情况")
    section = SECTION_2019.replace("本年增/减", header)
    report = extract_bytes((text[:start] + section + text[end:]).encode(), "2019.txt")
    assert report.proactive["licensing"]["change"]["value"] == -3
    assert len(report.proactive) == 8
