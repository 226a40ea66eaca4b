"""The national report template (国办公开办函〔2021〕30号 and 〔2019〕60号) as data.

Every label the parser looks for, every key of the canonical report and every
identity the validator checks is derived from the tables in this module, so a
label is spelled in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Section 三: the application table -------------------------------------

APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other_org",
    "total",
)
APPLICANT_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


@dataclass(frozen=True)
class RowLabel:
    """One data row of a table: its key, its printed label and the part of the
    label the parser anchors on (the rest may be damaged or broken across lines)."""

    key: str
    label: str
    anchor: str
    group: str | None = None


APPLICATION_ROWS: tuple[RowLabel, ...] = (
    RowLabel("new_received", "一、本年新收政府信息公开申请数量", "一、本年新收"),
    RowLabel("carried_over", "二、上年结转政府信息公开申请数量", "二、上年结转"),
    RowLabel("granted", "（一）予以公开", "（一）予以公开", "granted"),
    RowLabel(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）部分公开",
        "partially_granted",
    ),
    RowLabel("withheld_state_secret", "1.属于国家秘密", "1.属于国家秘密", "withheld"),
    RowLabel("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", "2.其他法律", "withheld"),
    RowLabel("withheld_security_stability", "3.危及“三安全一稳定”", "3.危及“三安全", "withheld"),
    RowLabel("withheld_third_party", "4.保护第三方合法权益", "4.保护第三方", "withheld"),
    RowLabel("withheld_internal_affairs", "5.属于三类内部事务信息", "5.属于三类", "withheld"),
    RowLabel("withheld_process_info", "6.属于四类过程性信息", "6.属于四类", "withheld"),
    RowLabel("withheld_enforcement_file", "7.属于行政执法案卷", "7.属于行政执法", "withheld"),
    RowLabel("withheld_admin_query", "8.属于行政查询事项", "8.属于行政查询", "withheld"),
    RowLabel("unavailable_not_held", "1.本机关不掌握相关政府信息", "1.本机关不掌握", "unavailable"),
    RowLabel(
        "unavailable_needs_creation",
        "2.没有现成信息需要另行制作",
        "2.没有现成信息",
        "unavailable",
    ),
    RowLabel("unavailable_unclear", "3.补正后申请内容仍不明确", "3.补正后申请", "unavailable"),
    RowLabel("declined_petition", "1.信访举报投诉类申请", "1.信访举报", "declined"),
    RowLabel("declined_duplicate", "2.重复申请", "2.重复申请", "declined"),
    RowLabel("declined_publication", "3.要求提供公开出版物", "3.要求提供公开出版物", "declined"),
    RowLabel("declined_excessive", "4.无正当理由大量反复申请", "4.无正当理由大量", "declined"),
    RowLabel(
        "declined_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        "5.要求行政机关确认",
        "declined",
    ),
    RowLabel(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1.申请人无正当理由逾期不补正",
        "other",
    ),
    RowLabel(
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知",
        "other",
    ),
    RowLabel("other_other", "3.其他", "3.其他", "other"),
    RowLabel("other_handling", "（六）其他处理", "（六）其他处理", "other"),
    RowLabel("total_processed", "（七）总计", "（七）总计"),
    RowLabel("carried_forward", "四、结转下年度继续办理", "四、结转下年度"),
)
APPLICATION_ROW_KEYS: tuple[str, ...] = tuple(row.key for row in APPLICATION_ROWS)
# The merged group label printed before a group's first sub-row.
GROUP_LABEL_BEFORE: dict[str, str] = {
    "withheld_state_secret": "（三）不予公开",
    "unavailable_not_held": "（四）无法提供",
    "declined_petition": "（五）不予处理",
    "other_no_correction": "（六）其他处理",
}
APPLICATION_ROW_BY_KEY: dict[str, RowLabel] = {row.key: row for row in APPLICATION_ROWS}
# A numbered sub-row's group, which its own label does not name ("1.属于国家秘密"
# is under "（三）不予公开"; "3.其他" is in (六) and "3.要求提供公开出版物" in (五)).
SUB_ROW_GROUP_LABELS: dict[str, str] = {
    row.key: label
    for first, label in GROUP_LABEL_BEFORE.items()
    for row in APPLICATION_ROWS
    if row.group == APPLICATION_ROW_BY_KEY[first].group and row.label != label
}
OTHER_SUB_ROWS: tuple[str, ...] = ("other_no_correction", "other_fee_unpaid", "other_other")
OUTCOME_ROWS: tuple[str, ...] = tuple(row.key for row in APPLICATION_ROWS if row.group)
# The outcome groups of 三、本年度办理结果, in print order, as the template names them.
OUTCOME_GROUP_LABELS: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "declined": "不予处理",
    "other": "其他处理",
}
# Labels printed in the table that carry no data: merged group cells, headers
# and captions. Fragments of them are skipped when they turn up between values.
APPLICATION_LAYOUT_LABELS: tuple[str, ...] = (
    "三、本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况",
    "法人或其他组织",
    *APPLICANT_COLUMN_LABELS.values(),
)

# --- Section 四: administrative review and litigation -----------------------

REVIEW_GROUPS: tuple[str, ...] = (
    "administrative_review",
    "litigation_direct",
    "litigation_after_review",
)
REVIEW_GROUP_LABELS: dict[str, str] = {
    "administrative_review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
REVIEW_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
REVIEW_HEADER_WORDS: tuple[str, ...] = (
    "行政复议",
    "行政诉讼",
    "未经复议直接起诉",
    "复议后起诉",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "合计",
)

# --- Section 二: proactive disclosure ---------------------------------------


@dataclass(frozen=True)
class ProactiveItem:
    """One row of a section-二 table: key, label, and its columns in print order."""

    key: str
    label: str
    columns: tuple[str, ...]


PROACTIVE_2021: tuple[ProactiveItem, ...] = (
    ProactiveItem("regulations", "规章", ("issued", "repealed", "in_force")),
    ProactiveItem("normative_documents", "行政规范性文件", ("issued", "repealed", "in_force")),
    ProactiveItem("licensing", "行政许可", ("decisions",)),
    ProactiveItem("penalty", "行政处罚", ("decisions",)),
    ProactiveItem("coercion", "行政强制", ("decisions",)),
    ProactiveItem("fees", "行政事业性收费", ("amount_10k_yuan",)),
)
PROACTIVE_2019: tuple[ProactiveItem, ...] = (
    ProactiveItem("regulations", "规章", ("new_made", "new_published", "total_published")),
    ProactiveItem(
        "normative_documents", "规范性文件", ("new_made", "new_published", "total_published")
    ),
    ProactiveItem("licensing", "行政许可", ("prev_items", "change", "decisions")),
    ProactiveItem("other_services", "其他对外管理服务事项", ("prev_items", "change", "decisions")),
    ProactiveItem("penalty", "行政处罚", ("prev_items", "change", "decisions")),
    ProactiveItem("coercion", "行政强制", ("prev_items", "change", "decisions")),
    ProactiveItem("fees", "行政事业性收费", ("prev_items", "change")),
    ProactiveItem("procurement", "政府集中采购", ("items", "amount")),
)
PROACTIVE_ITEMS: dict[str, tuple[ProactiveItem, ...]] = {
    "2021": PROACTIVE_2021,
    "2019": PROACTIVE_2019,
}
PROACTIVE_COLUMN_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（单位：万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
# Columns whose values may be decimal (money) or negative (a signed change).
DECIMAL_COLUMNS: frozenset[str] = frozenset({"amount_10k_yuan", "amount"})
SIGNED_COLUMNS: frozenset[str] = frozenset({"change"})

# Column headers that tell the two section-二 templates apart.
FORMAT_2021_MARKERS: tuple[str, ...] = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年收费金额",
)
FORMAT_2019_MARKERS: tuple[str, ...] = (
    "本年新制作数量",
    "本年新公开数量",
    "上一年项目数量",
    "采购总金额",
)

PROACTIVE_LAYOUT_LABELS: tuple[str, ...] = (
    "第二十条第（一）项",
    "第二十条第（五）项",
    "第二十条第（六）项",
    "第二十条第（八）项",
    "第二十条第（九）项",
    "信息内容",
    *PROACTIVE_COLUMN_LABELS.values(),
    "（单位：万元）",
    "处理决定数量",
    "本年增（减）",
    "本年增减",
)

# --- The six sections ---------------------------------------------------------

SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "proactive",
    "applications",
    "review_litigation",
    "problems",
    "other",
)
# The printed heading, then the parts of it the parser anchors on (first found wins).
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("一、总体情况", "一、总体情况"),
    "proactive": ("二、主动公开政府信息情况", "二、主动公开"),
    "applications": ("三、收到和处理政府信息公开申请情况", "三、收到和处理"),
    "review_litigation": ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议"),
    "problems": (
        "五、存在的主要问题及改进情况",
        "五、存在的主要问题",
        "五、政府信息公开工作存在的主要问题",  # a frequent longer wording
    ),
    "other": ("六、其他需要报告的事项", "六、其他需要报告"),
}


def cell_count(section: str, report_format: str) -> int:
    """How many data cells a table section has in a template (2021: 10, 175, 15)."""
    if section == "proactive":
        return sum(len(item.columns) for item in PROACTIVE_ITEMS[report_format])
    if section == "applications":
        rows = application_row_keys(single_other_row=report_format == "2019")
        return len(rows) * len(APPLICANT_COLUMNS)
    return len(REVIEW_GROUPS) * len(REVIEW_COLUMNS)


def application_row_keys(single_other_row: bool) -> tuple[str, ...]:
    """The section-三 rows of a table: the 2019 variant has one （六）其他处理
    row (other_handling), the 2021 variant its three sub-rows."""
    dropped = set(OTHER_SUB_ROWS) if single_other_row else {"other_handling"}
    return tuple(key for key in APPLICATION_ROW_KEYS if key not in dropped)


# Every word the template prints in its tables and headings, for a reader that
# must recognise them in uncertain text (OCR).
PRINTED_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *(row.label for row in APPLICATION_ROWS),
            *APPLICATION_LAYOUT_LABELS,
            *REVIEW_HEADER_WORDS,
            *(item.label for items in PROACTIVE_ITEMS.values() for item in items),
            *PROACTIVE_LAYOUT_LABELS,
            *(headings[0] for headings in SECTION_HEADINGS.values()),
            "（七）总计",
        ]
    )
)
