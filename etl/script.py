"""Other printed forms of the characters the parser recognises, for recognition only.

A report printed in traditional characters (年度報告, 行政復議, 無法提供) says
the template's words in other characters; so does PDF text whose fonts map
some characters to Kangxi radicals or compatibility ideographs (⼀ for 一).
Titles, headings and row labels are found in a recognition copy of the text
in which each such form is replaced by the template's character, one
character for one, so that every offset and line of the copy is that of the
original: prose and names are then taken from the original, as printed
(figures are the same in both; a text cell such as 無 reads as the copy's 无).

The table covers the characters of vocabulary() only — the template's labels
and section headings, and the few fixed words of titles, headline figures and
metadata lines — not Chinese at large. Its traditional forms follow OpenCC's
character table (Apache-2.0): every character that OpenCC's t2s conversion
turns into a character of the vocabulary; its radical and compatibility forms
are those that Unicode's NFKC normalisation turns into one. A test checks
that every character of the vocabulary is in the table.
"""

from __future__ import annotations

import re

from etl import template

# Fixed words the parser looks for outside the tables of etl/template.py: the
# report title (agency.py), the headline figures of sections 一 and 六
# (narrative.py) and the metadata lines of saved pages (extract.py).
OTHER_WORDS: tuple[str, ...] = (
    "政府信息公开工作年度报告",
    "标题",
    "题目",
    "主动公开政府信息共计合计累计总计为达余多条",
    "主动发布信息数量总数",
    "信息处理费万元",
    "原文链接来源链接网址发布时间发布日期成文日期",
)

# Characters of the vocabulary printed the same way in both scripts, with no other form.
UNCHANGED = (
    "七三上下中主之九予事五仍他以件企位作供保信元公共其分到加勾危原反取另可告和商四在址增外存"
    "安定容密尚已府性息情或投持按掌接提握收改政效新明有服期未本果案正求法源然版物由申的相知研"
    "禁科程稽章第等管要通部重集需"
)

# Each group: a character of the vocabulary, then the other forms it is printed in.
_GROUPS = """
一\u2f00 万萬 不\uf967 业業 为爲為 举舉 二\u2f06 于於 人\u2f08 会會 体體 余餘 全\ufa72 八\u2f0b
六\uf9d1 关關 具\U0002f811 内內\U0002f814 再\U0002f815 决決 况況\ufa71\U0002f81b 减減 出齣
列\uf99c 制製 办辦 务務 动動 区區 十\u2f17 单單 卷捲 及\U0002f836 发發髮 只隻 合閤 后後 国國
处處 复復複\uf966 多\U0002f85d 大\u2f24 审審 家傢 对對 属屬 工\u2f2f 布佈 年\uf98e 废廢 度\ufa01
开開\U0002f9ee 强強 当當噹\U0002f874 形\U0002f899 律\uf9d8 总總 成\U0002f8b2 执執 护護
报報\U0002f857 据據 数數\uf969 文\u2f42 方\u2f45 无無\u2f46 日\u2f47 时時 机機 权權 条條
来來\uf92d 构構 查査 标標 止\u2f4c 没沒 现現 理\uf9e4 用\u2f64 益\ufa17\ufaa6 目\u2f6c
直\ufaa8\U0002f940 确確 社\ufa4c 秘祕 稳穩 类類\uf9d0\ufaae 系係繫 累纍\uf94f 纠糾 纳納 组組
织織 经經 结結 继繼 续續 维維 缴繳 网網\u2f79 罚罰 自\u2f83 范範 获獲穫 行\u2f8f\ufa08 补補 规規
计計 认認 议議 许許 讼訟 访訪 诉訴 询詢 请請\ufabb 购購 费費 起\U0002f9d7 转轉 达達 过過 这這
进進 逾踰 采採埰寀 量\uf97e 金\u2fa6\uf90a 链鏈 问問 间間 项項 题題 额額
"""

# A vocabulary character → its other forms, traditional first.
OTHER_FORMS: dict[str, str] = {group[0]: group[1:] for group in _GROUPS.split()}
_CHARACTER_OF = {form: char for char, forms in OTHER_FORMS.items() for form in forms}
# The forms beyond the Basic Multilingual Plane (compatibility ideographs) are
# looked for as one range, from the first of them to the last: listed one by
# one, they would make the expression compare every character of a report with
# each of them, five times slower. The other characters of the range it finds
# are skipped.
_BEYOND_BMP = sorted(form for form in _CHARACTER_OF if form > "\uffff")
_ANY_OTHER_FORM = re.compile(
    "["
    + re.escape("".join(form for form in _CHARACTER_OF if form <= "\uffff"))
    + (f"{_BEYOND_BMP[0]}-{_BEYOND_BMP[-1]}" if _BEYOND_BMP else "")
    + "]"
)


def recognition_copy(text: str) -> tuple[str, list[int]]:
    """``text`` with every other form of a vocabulary character replaced by the
    character itself — the same length, line for line and offset for offset —
    and the 1-based lines in which it replaced one (none: the text itself)."""
    # A report prints a few such forms if any: replacing them where the search
    # finds them is a fraction of str.translate's look-up of every character.
    pieces: list[str] = []
    lines: list[int] = []
    line, copied_to = 1, 0
    for match in _ANY_OTHER_FORM.finditer(text):
        character = _CHARACTER_OF.get(match.group())
        if character is None:
            continue  # a character of the range that is no form
        start = match.start()
        line += text.count("\n", copied_to, start)
        if not lines or lines[-1] != line:
            lines.append(line)
        pieces += (text[copied_to:start], character)
        copied_to = start + 1  # each form is one character
    if not pieces:
        return text, lines
    pieces.append(text[copied_to:])
    return "".join(pieces), lines


def vocabulary_words() -> tuple[str, ...]:
    """The words the parser recognises: the template's labels and headings, and OTHER_WORDS."""
    return (
        *(heading for pair in template.SECTION_HEADINGS.values() for heading in pair),
        *(text for row in template.APPLICATION_ROWS for text in (row.label, row.anchor)),
        *template.APPLICANT_COLUMN_LABELS.values(),
        *template.GROUP_LABEL_BEFORE.values(),
        *template.OUTCOME_GROUP_LABELS.values(),
        *template.APPLICATION_LAYOUT_LABELS,
        *template.REVIEW_GROUP_LABELS.values(),
        *template.REVIEW_COLUMN_LABELS.values(),
        *template.REVIEW_HEADER_WORDS,
        *(item.label for items in template.PROACTIVE_ITEMS.values() for item in items),
        *template.PROACTIVE_COLUMN_LABELS.values(),
        *template.PROACTIVE_LAYOUT_LABELS,
        *template.FORMAT_2019_MARKERS,
        *template.FORMAT_2021_MARKERS,
        *OTHER_WORDS,
    )


def vocabulary() -> frozenset[str]:
    """The Chinese characters of the words the parser recognises."""
    words = vocabulary_words()
    return frozenset(char for word in words for char in word if "\u4e00" <= char <= "\u9fff")


def as_printed(fragment: str, recognised: str, printed: str) -> str:
    """The printed text's words where the recognition copy ``recognised`` of
    ``printed`` first says ``fragment`` (a name found in the copy, as printed)."""
    at = recognised.find(fragment)
    return printed[at : at + len(fragment)] if at >= 0 else fragment
