"""Whether a government's report covers its own office or its whole region.

The template does not say (report-format.md, S6): some 县级以上人民政府
reports count their own office only, others add up every department and
lower government of the region. Summing both kinds across agencies counts
the same applications twice, so the dashboard needs to know. The rule is
deliberately narrow — a report is ``region`` only when its text states a
region-wide count of applications (全市共受理政府信息公开申请 3119 件) equal
to its table's total, and ``self`` only when it states its own office's count
(本机关共收到申请 21 件) equal to that total. Anything else stays unknown.
"""

from __future__ import annotations

import re
from typing import Literal

Scope = Literal["self", "region"]

# A count has at most 12 digits (with separators): anything longer is not one.
_COUNT = (
    r"[^。；]{0,16}?(?:受理|收到|新收|接收|办理)[^。；]{0,16}?申请\D{0,4}?"
    r"(?<![\d,，])(\d[\d,，]{0,15})(?![\d,，])\s*件"
)
_REGION = re.compile(r"全(?:省|自治区|市|州|盟|地区|区|县|旗)(?:范围内)?" + _COUNT)
_SELF = re.compile(r"(?:本机关|本级政府|本单位|本部门|本局|本办)" + _COUNT)


def _stated(pattern: re.Pattern[str], text: str) -> set[int]:
    return {int(re.sub(r"[,，]", "", match[1])) for match in pattern.finditer(text)}


def report_scope(kind: str, text: str, received: float | None) -> Scope | None:
    """``region`` / ``self`` for a government report whose text states the
    count of applications received (``received``, the table's 总计) for its
    region / its own office; None when it does not say."""
    if kind != "government" or received is None:
        return None  # a department reports its own work; without a total nothing to match
    flat = re.sub(r"\s+", "", text)  # PDF and web text break lines inside phrases
    if received in _stated(_REGION, flat):
        return "region"
    if received in _stated(_SELF, flat):
        return "self"
    return None
