"""Web pages: tables read as tables, through the same row recognition as text."""

from __future__ import annotations

from etl import template
from etl.extract import extract_bytes
from etl.html_text import html_to_text
from tests.conftest import RAW, expected, figures, parsed


def test_portal_page_every_cell_exact() -> None:
    """沭阳县发改局 2023: a saved portal page, navigation chrome and all."""
    data = (RAW / "2023_shuyang_fagaiju.html").read_bytes()
    report = extract_bytes(data, "2023_shuyang_fagaiju.html")
    want = expected("2023_shuyang_fagaiju")
    assert (report.agency.name, report.year, report.format) == ("沭阳县发展和改革局", 2023, "2021")
    assert (report.agency.adcode, report.source.media_type) == ("321322", "text/html")
    proactive = {
        k: {c: v["value"] for c, v in cells.items()} for k, cells in report.proactive.items()
    }
    assert proactive == want["proactive"]
    assert figures(report.applications) == want["applications"]
    review = figures(report.review_litigation)
    assert review == want["review_litigation"]
    # The page leaves the five 法人或其他组织 columns empty: blank cells, each flagged.
    assert {f.rule for f in report.findings} == {"cells.not_a_number"}
    assert len(report.findings) == 25 * 5
    assert report.narrative.other.startswith("2023年度，县发展和改革局政府信息公开未发生收费情况")


def _cell(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    return f'<td rowspan="{rowspan}" colspan="{colspan}"><p>{text}</p></td>'


def _row(*cells: str) -> str:
    return f"<tr>{''.join(cells)}</tr>"


def _proactive_rows(report) -> str:
    rows = []
    for item in template.PROACTIVE_ITEMS["2021"]:
        cells = report.proactive[item.key]
        figures = [_cell(c["raw"], colspan=3 // len(cells)) for c in cells.values()]
        rows.append(_row(_cell(item.label), *figures))
    return "".join(rows)


def _application_rows(report) -> str:
    rows = []
    for key, cells in report.applications.items():
        label = template.APPLICATION_ROW_BY_KEY[key].label
        broken = label[: len(label) // 2] + "<br>" + label[len(label) // 2 :]
        group = template.GROUP_LABEL_BEFORE.get(key)
        lead = [_cell(group, rowspan=3)] if group else []
        figures = [_cell(f"&nbsp;{cell['raw']}&nbsp;") for cell in cells.values()]
        rows.append(_row(*lead, _cell(broken), *figures))
    return "".join(rows)


def _page_from(stem: str) -> str:
    """A web page of a real report's figures, laid out as portals do: merged
    group cells, labels broken with <br>, &nbsp; padding and a navigation table."""
    report = parsed(stem)
    title = f"{report.agency.name}{report.year}年度政府信息公开工作年度报告"
    review = [
        _cell(c["raw"]) for group in report.review_litigation.values() for c in group.values()
    ]
    outcomes = [_cell(word) for word in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    organisations = ["商业<br>企业", "科研<br>机构", "社会公益组织", "法律服务机构", "其他"]
    return "\n".join(
        [
            f"<!DOCTYPE html><html><head><title>{title}</title>",
            '<script>var menu = "<table><tr><td>1</td></tr></table>";</script></head><body>',
            '<table class="nav"><tr><td><a href="/">首页</a></td></tr></table>',
            f'<table class="layout"><tr><td><h1>{title}</h1>',
            f"<p>一、总体情况</p><p>{report.narrative.overview}</p>",
            "<p>二、主动公开政府信息情况</p><table>",
            _row(_cell("第二十条第（一）项", colspan=4)),
            _row(*(_cell(w) for w in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"))),
            _proactive_rows(report),
            "</table><p>三、收到和处理政府信息公开申请情况</p><table>",
            _row(
                _cell("申请人情况", colspan=2),
                _cell("自然人", rowspan=2),
                _cell("法人或其他组织", colspan=5),
                _cell("总计", rowspan=2),
            ),
            _row(*(_cell(word) for word in organisations)),
            _application_rows(report),
            "</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>",
            _row(_cell("行政复议", colspan=5), _cell("行政诉讼", colspan=10)),
            _row(*outcomes),
            _row(*review),
            "</table>",
            f"<p>五、存在的主要问题及改进情况</p><p>{report.narrative.problems}</p>",
            f"<p>六、其他需要报告的事项</p><p>{report.narrative.other}</p>",
            "</td></tr></table></body></html>",
        ]
    )


def test_page_built_from_a_report_reads_back_the_same_figures() -> None:
    original = parsed("2024_huaian_shi")
    report = extract_bytes(_page_from("2024_huaian_shi").encode(), "page.html")
    assert figures(report.applications) == figures(original.applications)
    assert figures(report.review_litigation) == figures(original.review_litigation)
    assert report.agency.name == "淮安市人民政府"
    assert report.findings == []


def test_scripts_and_navigation_are_not_cells() -> None:
    text = html_to_text(_page_from("2024_huaian_shi")).text
    assert "var menu" not in text
    assert "\t首页" in text.split("\n")  # a navigation cell: harmless, outside every section


def test_web_page_cells_say_table_row_and_column() -> None:
    data = (RAW / "2023_shuyang_fagaiju.html").read_bytes()
    report = extract_bytes(data, "2023_shuyang_fagaiju.html")
    at = report.applications["new_received"]["total"]["at"]
    assert (at["row"], at["col"]) == (4, 8)  # the 8th cell of the table's 4th row
    fee = report.proactive["fees"]["amount_10k_yuan"]["at"]
    assert fee["table"] == at["table"] - 1  # section 二's table precedes section 三's
