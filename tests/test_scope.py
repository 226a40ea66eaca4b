"""A government report's scope: its own office, or its whole region."""

from __future__ import annotations

import pytest

from etl.scope import report_scope
from tests.conftest import parsed


@pytest.mark.parametrize(
    ("stem", "scope"),
    [
        ("2024_huaian_shi", "region"),  # 全市共受理政府信息公开申请3119 件 = its 总计
        ("2023_huaian_hongzequ", "region"),  # 全区受理政府信息公开申请21 件
        ("2024_huaian_hongzequ", None),  # the text gives no count of applications
        ("2021_zhenhai_jingxinju", None),  # a department: always its own work
    ],
)
def test_the_scope_of_real_reports(stem: str, scope: str | None) -> None:
    assert parsed(stem).scope == scope


def test_a_stated_count_must_be_the_tables_total() -> None:
    text = "2024年，全市共受理政府信息公开申请3119\n件，答复3050件。"
    assert report_scope("government", text, 3119) == "region"
    assert report_scope("government", text, 95) is None  # another figure: not this table
    assert report_scope("department", text, 3119) is None
    assert report_scope("government", text, None) is None


def test_the_own_office_is_self() -> None:
    text = "本机关全年共收到政府信息公开申请1,204件。"
    assert report_scope("government", text, 1204) == "self"


def test_an_endless_number_is_not_a_count() -> None:
    # Found by fuzzing: a run of thousands of digits once reached int().
    text = "全市共受理政府信息公开申请" + "9" * 5000 + "件。"
    assert report_scope("government", text, 3119) is None
