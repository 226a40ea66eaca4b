"""Markdown reports: pipe tables read through the same rows as every other
format, and the damage converters do never passed on as figures."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import template
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from tests.conftest import figures, parsed, raw_path

# Every row the two scrambled Markdown reports give, checked by hand against
# their text: each figure is the one printed in that row's own pipe row.
PLACED_ROWS = {
    "2024_shanghai_kewei": {
        "proactive": {
            "regulations": [0, 0, 0],
            "normative_documents": [13, 0, 55],
            # Printed as loose lines above the table (行政许可 97), out of order.
            "licensing": [97],
            "penalty": [0],
            "coercion": [0],
        },
        "applications": {
            "new_received": [32, 2, 0, 0, 0, 0, 34],
            "carried_over": [2, 0, 0, 0, 0, 0, 2],
            "granted": [9, 0, 0, 0, 0, 0, 9],
            # Rows printed before their group label （三）不予公开 / （五）不予处理.
            "withheld_state_secret": [0, 0, 0, 0, 0, 0, 0],
            "withheld_security_stability": [0, 0, 0, 0, 0, 0, 0],
            "withheld_third_party": [0, 0, 0, 0, 0, 0, 0],
            "declined_petition": [0, 0, 0, 0, 0, 0, 0],
            "declined_duplicate": [0, 0, 0, 0, 0, 0, 0],
            "declined_publication": [0, 0, 0, 0, 0, 0, 0],
            "withheld_process_info": [1, 0, 0, 0, 0, 0, 1],
            "withheld_enforcement_file": [0, 0, 0, 0, 0, 0, 0],
            "withheld_admin_query": [0, 0, 0, 0, 0, 0, 0],
            "other_other": [4, 0, 0, 0, 0, 0, 4],
            "total_processed": [33, 2, 0, 0, 0, 0, 35],
        },
    },
    "2025_shanghai_bgt": {
        "proactive": {"licensing": [0], "penalty": [0], "coercion": [0], "fees": [0]},
        "applications": {
            "new_received": [1259, 36, 0, 0, 0, 0, 1295],
            "carried_over": [170, 15, 0, 0, 4, 0, 189],
            "granted": [201, 5, 0, 0, 0, 0, 206],
            "withheld_state_secret": [4, 0, 0, 0, 0, 0, 4],
            "withheld_prohibited_by_law": [0, 0, 0, 0, 0, 0, 0],
            "withheld_security_stability": [1, 0, 0, 0, 0, 0, 1],
            "withheld_third_party": [0, 0, 0, 0, 0, 0, 0],
            "withheld_internal_affairs": [8, 0, 0, 0, 1, 0, 9],
            "withheld_process_info": [1, 0, 0, 0, 0, 0, 1],
            "withheld_enforcement_file": [0, 0, 0, 0, 0, 0, 0],
            "withheld_admin_query": [5, 0, 0, 0, 0, 0, 5],
            "unavailable_not_held": [484, 28, 0, 0, 1, 0, 513],
            "unavailable_needs_creation": [47, 1, 0, 0, 0, 0, 48],
            "unavailable_unclear": [3, 0, 0, 0, 0, 0, 3],
            "declined_petition": [61, 1, 0, 0, 0, 0, 62],
            "declined_duplicate": [16, 0, 0, 0, 0, 0, 16],
            "declined_publication": [1, 0, 0, 0, 0, 0, 1],
            "declined_excessive": [1, 0, 0, 0, 0, 0, 1],
            "other_fee_unpaid": [0, 0, 0, 0, 0, 0, 0],
            "other_other": [264, 12, 0, 0, 0, 0, 276],
            "total_processed": [1139, 48, 0, 0, 4, 0, 1191],
            "carried_forward": [290, 3, 0, 0, 0, 0, 293],
        },
    },
}


@pytest.mark.parametrize("stem", sorted(PLACED_ROWS))
def test_scrambled_markdown_gives_only_rows_placed_with_certainty(stem: str) -> None:
    report = parsed(stem)
    assert report.source.media_type == "text/markdown"
    assert figures(report.proactive) == PLACED_ROWS[stem]["proactive"]
    assert figures(report.applications) == PLACED_ROWS[stem]["applications"]
    assert report.review_litigation == {}


def test_rows_of_figures_cut_off_from_their_labels_are_findings() -> None:
    report = parsed("2024_shanghai_kewei")
    lines = raw_path("2024_shanghai_kewei").read_text(encoding="utf-8").split("\n")
    detached = [f for f in report.findings if "没有行名" in f.message]
    # Ten rows of section 三 (（二）部分公开, 5.属于三类内部事务信息, 1.本机关
    # 不掌握…) and section 四's one row, each under a rule of its own.
    assert len(detached) == 11
    for finding in detached:
        assert finding.rule == "extract.unplaced_values" and finding.cells == []
        line = int(finding.message.split(" ")[1])
        assert lines[line - 1].split("|")[1:-1] == [f" {v} " for v in finding.actual.split()]


def test_markdown_cells_point_at_their_line_table_row_and_column() -> None:
    report = parsed("2025_shuyang_xianzhengfu")
    lines = raw_path("2025_shuyang_xianzhengfu").read_text(encoding="utf-8").split("\n")
    at = report.applications["new_received"]["total"]["at"]
    assert lines[at["line"] - 1].startswith("| 本年新收政府信息公开申请数量 | 705 |")
    assert at["col"] == 8  # the label, six applicant columns, then 总计
    fee = report.headline["fee_yuan"]["at"]
    assert "收取信息处理费共计380元" in lines[fee["line"] - 1]


def test_markdown_is_recognised_by_content_not_name() -> None:
    data = raw_path("2025_shuyang_xianzhengfu").read_bytes()
    report = extract_bytes(data, "report.bin")
    assert report.source.media_type == "text/markdown"
    assert figures(report.applications) == figures(parsed("2025_shuyang_xianzhengfu").applications)


def _markdown_from(stem: str) -> str:
    """A real report written out as Markdown: headings, one pipe table per
    section, placeholder column headings with digits in them, a rule under
    each header."""
    report = parsed(stem)
    lines = [f"# {report.agency.name}{report.year}年度政府信息公开工作年度报告", ""]
    lines += ["## 一、总体情况", report.narrative.overview or "", ""]
    lines += ["## 二、主动公开政府信息情况", "| 信息内容 | 列1 | 列2 | 列3 |", "|---|---|---|---|"]
    for item in template.PROACTIVE_ITEMS[report.format]:
        lines.append(f"| {item.label} | " + " | ".join(_raws(report.proactive[item.key])) + " |")
    lines += ["", "## 三、收到和处理政府信息公开申请情况"]
    lines += ["| 类别 | " + " | ".join(f"数据{n}" for n in range(1, 7)) + " | 总计 |"]
    lines += ["|" + "---|" * 8]
    for key, cells in report.applications.items():
        label = template.APPLICATION_ROW_BY_KEY[key].label
        lines.append(f"| {label} | " + " | ".join(_raws(cells)) + " |")
    lines += ["", "## 四、政府信息公开行政复议、行政诉讼情况"]
    for group, cells in report.review_litigation.items():
        lines += [f"### {template.REVIEW_GROUP_LABELS[group]}", ""]
        lines += ["| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_raws(cells)) + " |", ""]
    lines += ["## 五、存在的主要问题及改进情况", report.narrative.problems or "", ""]
    lines += ["## 六、其他需要报告的事项", report.narrative.other or ""]
    return "\n".join(lines)


def _raws(cells: dict) -> list[str]:
    return [cell["raw"] for cell in cells.values()]


@pytest.mark.parametrize("stem", ["2024_huaian_shi", "2023_huaian_hongzequ"])
def test_report_written_as_markdown_reads_back_the_same_figures(stem: str) -> None:
    original = parsed(stem)
    report = extract_bytes(_markdown_from(stem).encode(), "report.md")
    assert report.source.media_type == "text/markdown"
    for table in ("proactive", "applications", "review_litigation"):
        assert figures(getattr(report, table)) == figures(getattr(original, table)), table
    assert [f.rule for f in report.findings] == [f.rule for f in original.findings]


_CELL = st.one_of(
    st.sampled_from(["0", "12", "-", "", "数据1", "总计", "（三）不予公开", "1.属于国家秘密"]),
    st.text(alphabet="0123456789一二三（）、.|\\ -", max_size=8),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELL, min_size=1, max_size=9), max_size=12),
    ruled=st.booleans(),
)
def test_random_pipe_tables_give_a_report_or_a_clear_message(
    rows: list[list[str]], ruled: bool
) -> None:
    table = ["| " + " | ".join(row) + " |" for row in rows]
    if ruled and table:
        table.insert(1, "|---|---|")
    lines = [
        "某县人民政府2024年度政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        *table,
        "四、政府信息公开行政复议、行政诉讼情况",
        "| 1 | 2 |",
        "|---|---|",
    ]
    try:
        report = extract_bytes("\n".join(lines).encode(), "random.md")
    except ExtractionError as error:
        assert error.problem
        return
    # Whatever is read was printed on the line its cell names (\| is a pipe).
    for cells in report.applications.values():
        for cell in cells.values():
            assert cell["raw"] in lines[cell["at"]["line"] - 1].replace("\\|", "|")


def test_a_million_blank_lines_or_tiny_tables_end_in_a_message() -> None:
    # Were table detection quadratic in blank lines, this would not finish.
    for body in ("x\n" + "\n" * 1_000_000 + "y", "| 1 |\n|---|\n" * 100_000):
        with pytest.raises(ExtractionError) as raised:
            extract_bytes(body.encode(), "big.md")
        assert "年度报告" in raised.value.problem or "表格章节" in raised.value.problem
