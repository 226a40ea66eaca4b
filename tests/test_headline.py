"""Headline figures stated in the text, as sentences phrase them."""

from __future__ import annotations

import pytest

from etl.narrative import fee_yuan, proactive_items


@pytest.mark.parametrize(
    ("sentence", "value", "raw"),
    [
        ("主动公开政府信息304条（不同渠道和方式公开相同信息计1条）", 304, "304条"),
        ("市政府网站主动公开各类政府信息5500 余条", 5500, "5500 余条"),
        ("主动公开政府信息共计1,204条", 1204, "1,204条"),
        ("主动发布各类政府信息数量2428 条", 2428, "2428 条"),
    ],
)
def test_proactive_items(sentence: str, value: int, raw: str) -> None:
    cell = proactive_items(sentence, lambda offset: 7)
    assert cell == {"value": value, "raw": raw, "status": "number", "at": {"line": 7}}


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("全年收取政府信息公开信息处理费0 元。", 0),
        ("收取信息处理费共计120元", 120),
        ("信息处理费为1.5万元", 15000),
    ],
)
def test_fee_in_yuan(sentence: str, value: int) -> None:
    assert fee_yuan(sentence, lambda offset: 1)["value"] == value


def test_no_figure_no_cell() -> None:
    assert fee_yuan("故未产生任何有关政府信息公开信息处理事项及费用。", lambda offset: 1) is None
    assert proactive_items("本年度未收到依申请公开。", lambda offset: 1) is None
