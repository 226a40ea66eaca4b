"""The dashboard's per-report measures, from the reports' own cells."""

from __future__ import annotations

import math

from app.summary import application_table, report_summary
from tests.conftest import parsed


def test_rates_from_counts() -> None:
    shi, zhenhai = parsed("2024_huaian_shi"), parsed("2021_zhenhai_jingxinju")
    frame = report_summary([shi, zhenhai])
    first = frame.iloc[0]
    assert first["本年新收申请"] == 3119
    assert first["公开率"] == (1362 + 454) / 3050
    assert first["结转率"] == 103 / (3119 + 34)
    assert first["行政复议"] == 351 and first["行政诉讼"] == 26 + 20
    # No applications: a rate has no denominator, so it is missing rather than 0.
    assert math.isnan(frame.iloc[1]["公开率"])


def test_application_table_as_published() -> None:
    table = application_table(parsed("2023_huaian_hongzequ"))
    assert table.loc["2.其他法律行政法规禁止公开", "自然人"] == "0"
    assert table.loc["（六）其他处理", "总计"] == "0"
    assert list(table.columns)[-1] == "总计"
