"""The validation rules as the app names them: a short Chinese name and a
one-line description per rule code (the codes of docs/data-model.md)."""

from __future__ import annotations

SEVERITY_LABELS = {"error": "错误", "warning": "提示"}
RULE_NAMES: dict[str, str] = {
    "applications.balance": "申请数收支不平",
    "applications.outcomes_sum": "办理结果合计不符",
    "applications.row_total": "申请人合计不符",
    "review_litigation.total": "复议诉讼总计不符",
    "cells.non_negative_integer": "件数不是非负整数",
    "cells.not_a_number": "非数字单元格",
    "cells.unit": "数字带单位",
    "cells.unit_mismatch": "金额单位与表头不符",
    "cells.ocr_uncertain": "扫描件数字识别存疑",
    "report.complete": "报告内容不全",
    "report.late": "逾期发布",
    "extract.row_missing": "缺少表格行",
    "extract.row_unreadable": "表格行无法读取",
    "extract.unplaced_values": "无法归入的数字",
    "extract.subtotal_row": "自加小计行",
    "extract.split_by_total": "借总计拆开的数字",
    "applications.carry_over_continuity": "结转与上年不衔接",
    "proactive.stock_flow": "现行有效件数不衔接",
    "narrative.repeated": "问题与改进与上年雷同",
    "narrative.received_differs": "正文申请数与表格不符",
}
# One line per rule, in the words of docs/data-model.md.
RULE_DESCRIPTIONS: dict[str, str] = {
    "applications.balance": (
        "第三部分逐列：一、本年新收 + 二、上年结转 应等于 （七）总计 + 四、结转下年度"
    ),
    "applications.outcomes_sum": "第三部分逐列：（七）总计 应等于各项办理结果之和",
    "applications.row_total": "第三部分逐行：总计 应等于六类申请人之和",
    "review_litigation.total": (
        "第四部分逐类：总计 应等于 结果维持 + 结果纠正 + 其他结果 + 尚未审结"
    ),
    "cells.non_negative_integer": "件数应为非负整数（万元金额可有小数，2019 版“本年增/减”可为负）",
    "cells.not_a_number": (
        "单元格为空白、短横或文字，不是数字（汇总时按 0 计）；同一行写法相同的合为一条"
    ),
    "cells.unit": "数字后写了单位（如“0件”），按去掉单位后的数值读取",
    "cells.unit_mismatch": "收费金额的单位与表头（万元）不符，按原样读取、未换算",
    "cells.ocr_uncertain": (
        "扫描件经文字识别读出的数字置信度低，或与勾稽关系不符而改动一个字符即可相符，请对照扫描件核对"
    ),
    "report.complete": "报告缺少某一正文部分、第二部分项目、第三部分行或第四部分类别",
    "report.late": "发布日期晚于次年 1 月 31 日（《政府信息公开条例》第五十条）",
    "extract.row_missing": "未找到某一行的标签",
    "extract.row_unreadable": "某一行的数字无法确定地对应到各栏，该行未读入",
    "extract.unplaced_values": "行末有不属于任何一行的数字，已列出、未归入",
    "extract.subtotal_row": "报告自行加印了小计行（等于其子项之和），小计未读入",
    "extract.split_by_total": "连在一起的数字借助总计唯一地拆开",
    "applications.carry_over_continuity": (
        "本年“二、上年结转”与上年“四、结转下年度继续办理”逐列不一致"
    ),
    "proactive.stock_flow": (
        "现行有效件数 ≠ 上年现行有效 + 本年制发 − 本年废止（规章、行政规范性文件）"
    ),
    "narrative.repeated": "“五、存在的主要问题及改进情况”与上年基本相同（内容雷同）",
    "narrative.received_differs": (
        "正文“一、总体情况”写明的受理申请件数，既不等于表格的本年新收总计，也不等于新收加上年结转"
    ),
}


def rule_name(code: str) -> str:
    """The rule's Chinese name (its code when the app does not know it)."""
    return RULE_NAMES.get(code, code)
