"""指标说明: every measure of the dashboard, its formula and its template label."""

from __future__ import annotations

import pandas as pd

from app.measures import MEASURES, Measure


def formula(measure: Measure) -> str:
    if measure.is_rate:
        return f"Σ（{measure.numerator_label}）÷ Σ（{measure.denominator_label}）"
    if measure.key == "reports":
        return "报告份数"
    if measure.key == "agencies":
        return "不同机关的个数"
    return f"Σ 各份报告的「{measure.label}」"


def definitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "指标": [m.label for m in MEASURES],
            "定义": [m.definition for m in MEASURES],
            "计算公式": [formula(m) for m in MEASURES],
            "模板位置": [m.source for m in MEASURES],
            "单位": [m.unit or "比例" for m in MEASURES],
        }
    )


NOTES = (
    "比率一律先求和再相除：多个机关或多个年度合计时，先把分子、分母各自相加，再相除；"
    "分母为 0 时显示“—”，不记为 0。",
    "空白、短横（“—”“/”“无”）和文字单元格在合计中按 0 计；数据质量页列出它们的个数。",
    "主动公开信息条数取自报告正文，正文未写明的报告不计入。",
    "区域汇总报告：有的人民政府年报汇总了本地区各部门和下级政府的数字（正文写明“全市共受理申请…件”"
    "且与表中总计相同）。与同年度本地区其他机关的报告相加会重复计算，页面会提示；左侧勾选"
    "“不计区域汇总报告”可将其排除。",
    "“现行有效件数”是年末存量：同一年各机关相加，但一个机关跨多年时取最近一年，不逐年相加。",
    "2019 版模板（国办公开办函〔2019〕60号）与 2021 版（〔2021〕30号）都有的指标才跨版本比较；"
    "只在一版中有的指标，另一版的报告不计入。",
)
