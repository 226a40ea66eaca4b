"""Every measure the dashboard shows: its Chinese name, a one-line
definition, the template label it is read from, and the SQL that sums it over
``report_measures`` rows (rates are always rates of sums, spec: derived
measures).

Pages, the comparison picker and the 指标说明 page all read this one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl import template

APPLICATIONS = "三、收到和处理政府信息公开申请情况"
REVIEW = "四、政府信息公开行政复议、行政诉讼情况"
PROACTIVE = "二、主动公开政府信息情况"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str
    source: str  # where in the template the figures are printed
    sql: str  # an aggregate over report_measures rows
    unit: str = "件"
    numerator: str | None = None  # rates: the summed parts, shown on hover
    denominator: str | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    stock: bool = False  # a level at year end (现行有效), not a flow over the year

    @property
    def is_rate(self) -> bool:
        return self.numerator is not None

    @property
    def agency_sql(self) -> str:
        """The aggregate for one agency over its reports: a stock is its
        latest report's figure (summing years would count a document once
        per year it stays in force); anything else as ``sql``."""
        return f"arg_max({self.key}, year)" if self.stock else self.sql


def _count(
    key: str, label: str, definition: str, source: str, unit: str = "件", stock: bool = False
) -> Measure:
    return Measure(key, label, definition, source, f"sum({key})", unit, stock=stock)


def _rate(
    key: str, label: str, definition: str, source: str, parts: tuple[str, str, str, str]
) -> Measure:
    numerator, numerator_label, denominator, denominator_label = parts
    return Measure(
        key,
        label,
        definition,
        source,
        f"ratio({numerator}, {denominator})",
        "",
        numerator,
        denominator,
        numerator_label,
        denominator_label,
    )


_OUTCOME_KEYS = {
    "granted": "granted",
    "partially_granted": "partially_granted",
    "withheld": "withheld",
    "unavailable": "unavailable",
    "declined": "declined",
    "other": "other_handled",
}
_REVIEW_GROUPS = {
    "review": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_review": "复议后起诉",
}
_LITIGATION_TOTAL = "sum(litigation_direct_total) + sum(litigation_after_review_total)"
_LITIGATION_CORRECTED = "sum(litigation_direct_corrected) + sum(litigation_after_review_corrected)"
_LITIGATION_DECIDED = " + ".join(
    f"sum({group}_{outcome})"
    for group in ("litigation_direct", "litigation_after_review")
    for outcome in ("upheld", "corrected", "other")
)

MEASURES: tuple[Measure, ...] = (
    Measure("reports", "报告数", "筛选范围内载入的年度报告份数", "—", "count(*)", "份"),
    Measure(
        "agencies", "机关数", "筛选范围内有报告的机关个数", "—", "count(DISTINCT agency_id)", "个"
    ),
    Measure(
        "reports_with_errors",
        "有错误的报告",
        "至少有一条错误（违反模板勾稽关系或无法读取）的报告份数；其合计可能与分项之和不一致",
        "—",
        "count(*) FILTER (WHERE errors > 0)",
        "份",
    ),
    _count(
        "received",
        "本年新收申请",
        "本年度新收到的政府信息公开申请数（总计列）",
        f"{APPLICATIONS}：一、本年新收政府信息公开申请数量",
    ),
    _count(
        "carried_over",
        "上年结转申请",
        "上年度结转、本年度继续办理的申请数（总计列）",
        f"{APPLICATIONS}：二、上年结转政府信息公开申请数量",
    ),
    _count(
        "processed",
        "办理结果总计",
        "本年度办理完毕的申请数（总计列）",
        f"{APPLICATIONS}：三、本年度办理结果（七）总计",
    ),
    _count(
        "carried_forward",
        "结转下年度继续办理",
        "本年度未办结、结转下年度继续办理的申请数（总计列）",
        f"{APPLICATIONS}：四、结转下年度继续办理",
    ),
    *(
        _count(
            measure,
            label,
            f"办理结果为“{label}”的申请数，即该组各项之和（总计列）",
            f"{APPLICATIONS}：三、本年度办理结果 {template.GROUP_LABEL_BEFORE.get(first, label)}",
        )
        for group, label in template.OUTCOME_GROUP_LABELS.items()
        for measure in [_OUTCOME_KEYS[group]]
        for first in [next(r.key for r in template.APPLICATION_ROWS if r.group == group)]
    ),
    *(
        _count(
            f"received_{applicant}",
            f"新收申请·{template.APPLICANT_COLUMN_LABELS[applicant]}",
            f"申请人为{template.APPLICANT_COLUMN_LABELS[applicant]}的本年新收申请数",
            f"{APPLICATIONS}：一、本年新收政府信息公开申请数量（"
            f"{template.APPLICANT_COLUMN_LABELS[applicant]}列）",
        )
        for applicant in template.APPLICANT_COLUMNS[:-1]
    ),
    _rate(
        "disclosure_rate",
        "公开率",
        "办理完毕的申请中予以公开和部分公开的比例",
        f"{APPLICATIONS}：三、（一）（二）与（七）",
        (
            "sum(granted) + sum(partially_granted)",
            "予以公开 + 部分公开",
            "sum(processed)",
            "办理结果总计",
        ),
    ),
    _rate(
        "carry_forward_rate",
        "结转率",
        "应办理的申请（本年新收 + 上年结转）中结转下年度继续办理的比例",
        f"{APPLICATIONS}：一、二、四",
        (
            "sum(carried_forward)",
            "结转下年度继续办理",
            "sum(received) + sum(carried_over)",
            "本年新收 + 上年结转",
        ),
    ),
    *(
        measure
        for prefix, name in _REVIEW_GROUPS.items()
        for measure in (
            _count(
                f"{prefix}_total",
                f"{name}总计",
                f"{name}案件数（含尚未审结）",
                f"{REVIEW}：{name}·总计",
            ),
            _count(
                f"{prefix}_corrected",
                f"{name}·结果纠正",
                f"{name}中结果为纠正的案件数",
                f"{REVIEW}：{name}·结果纠正",
            ),
            _rate(
                f"{prefix}_correction_rate",
                f"{name}纠错率",
                f"已审结的{name}案件中结果纠正的比例",
                f"{REVIEW}：{name}",
                (
                    f"sum({prefix}_corrected)",
                    "结果纠正",
                    f"sum({prefix}_upheld) + sum({prefix}_corrected) + sum({prefix}_other)",
                    "结果维持 + 结果纠正 + 其他结果",
                ),
            ),
        )
    ),
    Measure(
        "litigation_total",
        "行政诉讼总计",
        "未经复议直接起诉与复议后起诉的行政诉讼案件数之和",
        f"{REVIEW}：行政诉讼",
        _LITIGATION_TOTAL,
    ),
    _rate(
        "litigation_correction_rate",
        "行政诉讼纠错率",
        "已审结的行政诉讼（两类合计）中结果纠正的比例",
        f"{REVIEW}：行政诉讼",
        (_LITIGATION_CORRECTED, "结果纠正", _LITIGATION_DECIDED, "结果维持 + 结果纠正 + 其他结果"),
    ),
    _count("regulations_issued", "规章·本年制发", "本年制发的规章件数", f"{PROACTIVE}：规章"),
    _count("regulations_repealed", "规章·本年废止", "本年废止的规章件数", f"{PROACTIVE}：规章"),
    _count(
        "regulations_in_force",
        "规章·现行有效",
        "年末现行有效的规章件数（存量：一个机关跨年取最近一年）",
        f"{PROACTIVE}：规章",
        stock=True,
    ),
    _count(
        "normative_documents_issued",
        "行政规范性文件·本年制发",
        "本年制发的行政规范性文件件数",
        f"{PROACTIVE}：行政规范性文件",
    ),
    _count(
        "normative_documents_repealed",
        "行政规范性文件·本年废止",
        "本年废止的行政规范性文件件数",
        f"{PROACTIVE}：行政规范性文件",
    ),
    _count(
        "normative_documents_in_force",
        "行政规范性文件·现行有效",
        "年末现行有效的行政规范性文件件数（存量：一个机关跨年取最近一年）",
        f"{PROACTIVE}：行政规范性文件",
        stock=True,
    ),
    _count(
        "licensing_decisions",
        "行政许可决定",
        "本年作出的行政许可处理决定数量",
        f"{PROACTIVE}：行政许可·本年处理决定数量",
    ),
    _count(
        "penalty_decisions",
        "行政处罚决定",
        "本年作出的行政处罚处理决定数量",
        f"{PROACTIVE}：行政处罚·本年处理决定数量",
    ),
    _count(
        "coercion_decisions",
        "行政强制决定",
        "本年作出的行政强制处理决定数量",
        f"{PROACTIVE}：行政强制·本年处理决定数量",
    ),
    _count(
        "fees_10k_yuan",
        "行政事业性收费",  # shown 行政事业性收费（万元）: the template's item, uncut on a card
        "本年行政事业性收费金额（2021 版模板）",
        f"{PROACTIVE}：行政事业性收费·本年收费金额（单位：万元）",
        "万元",
    ),
    _count(
        "headline_proactive_items",
        "主动公开信息条数",
        "报告正文中写明的本年主动公开政府信息条数（未写明的不计）",
        "正文（一、总体情况）",
        "条",
    ),
)
MEASURE_BY_KEY: dict[str, Measure] = {measure.key: measure for measure in MEASURES}


def selected(*keys: str, per_agency: bool = False) -> str:
    """``sql AS key`` for each measure, for a SELECT list (``agency_sql``
    when rows are grouped by agency)."""
    return ", ".join(
        f"{MEASURE_BY_KEY[key].agency_sql if per_agency else MEASURE_BY_KEY[key].sql} AS {key}"
        for key in keys
    )


def rate_parts(key: str) -> str:
    """The rate's summed numerator and denominator as ``key_num``/``key_den``."""
    measure = MEASURE_BY_KEY[key]
    return f"{measure.numerator} AS {key}_num, {measure.denominator} AS {key}_den"
