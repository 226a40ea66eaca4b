"""The fewest cases a rate is ranked on.

A rate over a handful of cases says little: 1 of 2 decisions corrected is a
纠错率 of 50 %, 3 of 3 requests granted a 公开率 of 100 %. Rankings by a rate
therefore leave out agencies whose denominator is below a minimum, list them
apart, and say so; the minimum is the user's to change, and kept in the URL.
"""

from __future__ import annotations

import streamlit as st

from app.urlstate import InvalidParameter, url_number, url_widget

DEFAULT_MIN_CASES = 10
LARGEST_MIN_CASES = 100_000
LABEL = "最少案件数"
DEFINITION = "比率只对分母（申请数或案件数）不少于此数的机关排名；少于此数的机关另列，不排名"


def _parse(values: list[str]) -> int:
    number = url_number(values[-1])
    if number is None or not 1 <= number <= LARGEST_MIN_CASES:
        raise InvalidParameter(f"应为 1 至 {LARGEST_MIN_CASES:,} 之间的整数")
    return number


def minimum_cases(key: str) -> int:
    """The minimum, from a number box kept in the URL under ``key``."""
    return url_widget(
        key,
        default=DEFAULT_MIN_CASES,
        parse=_parse,
        encode=lambda value: [str(value)],
        render=lambda: st.number_input(
            LABEL, min_value=1, max_value=LARGEST_MIN_CASES, step=1, key=key, help=DEFINITION
        ),
    )


def below_minimum_note(count: int, min_cases: int, denominator_label: str) -> str:
    """The line under a ranking saying what it leaves out, and why."""
    if not count:
        return f"排名按分母（{denominator_label}）不少于 {min_cases:,} 件的机关。"
    return (
        f"排名按分母（{denominator_label}）不少于 {min_cases:,} 件的机关；"
        f"另有 {count:,} 个机关不足 {min_cases:,} 件，比率不足以比较，不排名，另列于下。"
    )
