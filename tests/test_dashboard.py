"""The app's shell and its 总览 page: filters from the URL, the headline figures
against the report cells, the synthetic-data banner, hostile URL values and
the filtered-data downloads."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from app import exports, show
from app.filters import Filters
from tests.conftest import cell_sum, dashboard
from tests.test_page_review import chart

HONGZE = "320813-人民政府"


def _metrics(app) -> dict[str, tuple[str, str | None]]:
    return {metric.label: (metric.value, metric.delta) for metric in app.metric}


def _rate(database: Path, year: int) -> float:
    where, params = "r.year = ?", (year,)
    granted = cell_sum(database, "applications.granted.total", where, params)
    partial = cell_sum(database, "applications.partially_granted.total", where, params)
    processed = cell_sum(database, "applications.total_processed.total", where, params)
    return (granted + partial) / processed


def test_overview_shows_the_latest_year_against_the_cells(bundled_database: Path) -> None:
    app = dashboard(bundled_database).run()
    assert not app.exception
    shown = _metrics(app)
    received = cell_sum(bundled_database, "applications.new_received.total", "r.year = 2024")
    before = cell_sum(bundled_database, "applications.new_received.total", "r.year = 2023")
    assert received == 3214  # 淮安市 3,119 + 洪泽区 95, as printed
    assert shown["本年新收申请"] == (f"{received:,.0f}", f"{received - before:+,.0f}")
    assert shown["报告数"][0] == "2" and shown["机关数"][0] == "2"
    assert shown["公开率"][0] == f"{_rate(bundled_database, 2024):.1%}"
    # A rate's cases under it: 予以公开 + 部分公开 of 办理结果总计, from the cells.
    where = "r.year = 2024"
    granted = sum(cell_sum(bundled_database, f"applications.{outcome}.total", where)
                  for outcome in ("granted", "partially_granted"))  # fmt: skip
    processed = cell_sum(bundled_database, "applications.total_processed.total", where)
    (card,) = [metric for metric in app.metric if metric.label == "公开率"]
    assert card.proto.delta_description == f"{granted:,.0f} / {processed:,.0f} 件"
    assert any("变化为较 2023 年度" in caption.value for caption in app.caption)
    (count_card,) = [metric for metric in app.metric if metric.label == "本年新收申请"]
    assert not count_card.proto.delta_description  # a count has no cases line
    review = cell_sum(bundled_database, "review_litigation.administrative_review.total",
                      "r.year = 2024")  # fmt: skip
    assert shown["行政复议总计"][0] == f"{review:,.0f}"
    assert not app.warning  # real reports: no synthetic banner


def test_a_total_card_says_why_it_differs_from_its_rate(bundled_database: Path) -> None:
    """洪泽区 2023 prints 行政复议总计 0 over 11 cases: the total card shows the
    printed sum and the sum of the outcomes its 纠错率 is read from."""
    app = dashboard(bundled_database, **{"from": "2023", "to": "2023"}).run()
    cards = {metric.label: metric for metric in app.metric}
    where = "r.year = 2023"
    printed = cell_sum(bundled_database, "review_litigation.administrative_review.total", where)
    parts = sum(
        cell_sum(bundled_database, f"review_litigation.administrative_review.{outcome}", where)
        for outcome in ("upheld", "corrected", "other", "pending")
    )
    assert (printed, parts) == (1, 12)  # 沭阳 1 = 1; 洪泽区 0 printed over 11
    review = cards["行政复议总计"]
    assert review.value == "1"
    assert review.proto.delta_description == "分项之和 12 件"
    assert "纠错率由分项算出" in review.proto.help
    assert cards["行政复议纠错率"].proto.delta_description == "1 / 11 件"
    # Said loudly under the cards too (行政诉讼 as well: 0 printed over 5), with the way
    # to the reports.
    lawsuits = [
        sum(cell_sum(bundled_database, f"review_litigation.{group}.{column}", where)
            for group in ("litigation_direct", "litigation_after_review"))
        for column in ("total", "upheld", "corrected", "other", "pending")
    ]  # fmt: skip
    assert (lawsuits[0], sum(lawsuits[1:])) == (0, 5)
    assert [warning.value for warning in app.warning] == [
        "2023 年度有报告所印的总计与其分项之和不符：行政复议总计按所印为 1 件、分项之和 12 件；"
        "行政诉讼总计按所印为 0 件、分项之和 5 件。"
        "卡片上的总计按报告所印计入，纠错率由分项算出，两者因此不一致。"
    ]
    (link,) = [link for link in app.get("page_link") if "数据质量" in link.proto.label]
    assert link.proto.label == "在「数据质量」页查看这些报告（复议诉讼总计不符）"
    assert (link.proto.page, link.proto.query_string) == (
        "quality",
        "qa_rule=review_litigation.total",
    )
    # A few cases tick whole cases (0, 1 件), not 0.2, 0.4 … 件; many cases as plotly pleases.
    assert chart(app, "overview-review")["layout"]["yaxis"]["dtick"] == 1
    # 2024's totals are their parts' sums: no note.
    latest = dashboard(bundled_database).run()
    assert not latest.warning
    assert "dtick" not in chart(latest, "overview-review")["layout"]["yaxis"]
    cards = {metric.label: metric for metric in latest.metric}
    assert not cards["行政复议总计"].proto.delta_description
    assert "纠错率由分项算出" not in cards["行政复议总计"].proto.help


def test_top_agencies_are_ranked_by_applications_received(bundled_database: Path) -> None:
    # 镇海区经信局 received none: no "most", not listed.
    app = dashboard(bundled_database).run()
    assert any(header.value == "本年新收申请最多的 3 个机关" for header in app.subheader)
    top = app.dataframe[0].value
    with duckdb.connect(str(bundled_database), read_only=True) as con:
        expected = con.execute(
            """
            SELECT a.name, sum(c.value) FROM cells c JOIN cell_keys k USING (cell_id)
            JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
            WHERE k.path = 'applications.new_received.total'
            GROUP BY a.name HAVING sum(c.value) > 0 ORDER BY 2 DESC, 1
            """
        ).fetchall()
    assert list(zip(top["机关"], top["本年新收申请"], strict=True)) == expected


def test_filters_come_from_the_url(bundled_database: Path) -> None:
    app = dashboard(bundled_database, **{"from": "2023", "to": "2024", "province": "江苏省",
                                         "city": "淮安市", "level": "county"}).run()  # fmt: skip
    assert not app.exception
    assert app.sidebar.selectbox(key="province").value == "江苏省"
    assert app.sidebar.selectbox(key="city").value == "淮安市"
    assert app.sidebar.multiselect(key="level").value == ["county"]
    # Only 洪泽区 is a county-level agency of 淮安市: its 2024 report, 95 received.
    assert _metrics(app)["本年新收申请"] == ("95", "+74")
    # The URL keeps what differs from the defaults (2024 is the latest year).
    assert dict(app.query_params) == {
        "from": "2023",
        "province": "江苏省",
        "city": "淮安市",
        "level": "county",
    }


def test_an_agency_in_the_url_is_selected(bundled_database: Path) -> None:
    app = dashboard(bundled_database, agency=HONGZE).run()
    assert app.sidebar.multiselect(key="agency").value == [HONGZE]
    assert _metrics(app)["本年新收申请"][0] == "95"


def test_invalid_url_values_are_ignored_with_a_note(bundled_database: Path) -> None:
    params = {"from": "1999", "province": "火星", "level": ["county", "galaxy"], "agency": "nobody"}
    params["kind"] = "galaxy"
    app = dashboard(bundled_database, **params).run()
    assert not app.exception
    notes = " ".join(warning.value for warning in app.sidebar.warning)
    assert "from=1999" in notes and "province=火星" in notes
    assert "没有这个层级：galaxy" in notes and "agency=nobody" in notes
    # A value given alone is named once, in the note's head.
    shown = [warning.value for warning in app.sidebar.warning]
    assert "链接中的参数 kind=galaxy 无效，已忽略：没有这个机关类型" in shown
    assert app.sidebar.multiselect(key="level").value == ["county"]  # the valid part kept
    assert app.sidebar.selectbox(key="province").value is None
    app.run()  # noted once, then the URL holds only what was used
    assert not app.sidebar.warning


HOSTILE = [
    "'; DROP TABLE reports; --",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "**粗体** [链接](http://example.com)",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_url_values_are_bound_not_executed(bundled_database: Path, value: str) -> None:
    keys = ("from", "to", "province", "level", "kind", "agency")
    app = dashboard(bundled_database, **dict.fromkeys(keys, value)).run()
    assert not app.exception
    assert len(app.sidebar.warning) == 6
    with duckdb.connect(str(bundled_database), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (5,)


def test_hostile_filter_values_reach_sql_as_data(bundled_database: Path, monkeypatch) -> None:
    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    hostile = Filters(2019, 2025, province=HOSTILE[1], agencies=(HOSTILE[0],))
    assert exports.report_count(hostile) == 0
    assert exports.report_count(Filters(2019, 2025)) == 5


def test_an_empty_selection_says_so(bundled_database: Path) -> None:
    # 浙江省 has only the 2021 report of 镇海区经信局.
    app = dashboard(bundled_database, **{"from": "2023", "province": "浙江省"}).run()
    assert not app.exception
    assert "没有报告" in app.info[0].value
    assert not app.metric


def test_a_missing_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    app = dashboard(tmp_path / "none.duckdb").run()
    assert not app.exception
    assert "数据库不存在" in app.error[0].value


def test_synthetic_data_is_announced_and_its_figures_shown(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database).run()
    assert not app.exception
    assert "300 份合成（模拟）报告" in app.warning[0].value
    with duckdb.connect(str(synthetic_database), read_only=True) as con:
        (latest,) = con.execute("SELECT max(year) FROM reports").fetchone()
    received = cell_sum(synthetic_database, "applications.new_received.total", "r.year = ?",
                        (latest,))  # fmt: skip
    assert _metrics(app)["本年新收申请"][0] == f"{received:,.0f}"
    assert _metrics(app)["公开率"][0] == f"{_rate(synthetic_database, latest):.1%}"


def test_the_definitions_page_lists_every_measure(bundled_database: Path) -> None:
    from app.measures import MEASURES

    app = dashboard(bundled_database, page="definitions.py").run()
    assert not app.exception
    table = app.table[0].value
    assert list(table["指标"]) == [measure.label for measure in MEASURES]
    assert table.set_index("指标").loc["公开率", "计算公式"] == (
        "Σ（予以公开 + 部分公开）÷ Σ（办理结果总计）"
    )


def test_csv_downloads_open_in_excel_with_chinese_headers() -> None:
    data = pd.DataFrame({"机关": ["淮安市人民政府"], "本年新收申请": [3119]})
    content = show.csv_bytes(data)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    assert content.decode("utf-8-sig").splitlines() == ["机关,本年新收申请", "淮安市人民政府,3119"]


def test_a_rate_downloads_as_a_percentage_beside_its_parts() -> None:
    data = pd.DataFrame({"机关": ["洪泽区", "沭阳县", "镇海区"], "公开率": [4 / 21, 1.0, None],
                         "公开率·分子": [4, 26, 0], "公开率·分母": [21, 26, 0]})  # fmt: skip
    assert show.csv_bytes(data).decode("utf-8-sig").splitlines() == [
        "机关,公开率（%）,公开率·分子,公开率·分母",
        "洪泽区,19,4,21",  # whole percentages written as whole numbers
        "沭阳县,100,26,26",
        "镇海区,,0,0",
    ]


def test_an_excel_rate_is_a_percentage_as_wide_as_it_is_shown() -> None:
    data = pd.DataFrame({"机关": ["洪泽区"], "公开率": [4 / 21], "本年新收申请": [3119.0]})
    with zipfile.ZipFile(io.BytesIO(show.excel_bytes({"表": data}))) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        styles = workbook.read("xl/styles.xml").decode()
    assert 'formatCode="0.0%"' in styles and 'formatCode="#,##0"' in styles
    widths = [float(width) for width in re.findall(r'width="([\d.]+)"', sheet)]
    # As shown plus 2 (Excel adds 0.71): 洪泽区 6, 19.0% 5 (not the 19 of 0.19047619047619047),
    # 3,119 5 (not 6 of 3119.0).
    assert [round(width - 0.71) for width in widths] == [8, 7, 7]
    assert "<v>0.19047619047619" in sheet  # the exact fraction kept; Excel shows it as 19.0%


def test_filtered_cells_as_one_workbook(bundled_database: Path, monkeypatch) -> None:
    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    chosen = Filters(2024, 2024, city="淮安市")
    sheets = exports.workbook_sheets(chosen)
    applications = sheets["三、依申请公开"].set_index("机关")
    assert list(applications.index) == ["淮安市人民政府", "淮安市洪泽区人民政府"]
    column = "一、本年新收政府信息公开申请数量·总计"
    assert applications.loc["淮安市洪泽区人民政府", column] == cell_sum(
        bundled_database, "applications.new_received.total", "r.agency_id = ? AND r.year = 2024",
        (HONGZE,))  # fmt: skip
    assert list(sheets) == ["二、主动公开", "三、依申请公开", "四、复议诉讼", "正文数字",
                            "校验结果"]  # fmt: skip
    # Chinese labels for people, codes at the end for pivot tables: both names of 洪泽区 one id.
    hongze = applications.loc["淮安市洪泽区人民政府"]
    assert (hongze["层级"], hongze["机关类型"]) == ("县级", "人民政府")
    assert list(applications.columns[-3:]) == ["机关编号", "层级代码", "机关类型代码"]
    assert (hongze["机关编号"], hongze["层级代码"], hongze["机关类型代码"]) == (
        HONGZE, "county", "government")  # fmt: skip
    found = exports.findings(Filters(2023, 2023, agencies=(HONGZE,)))  # 2024 has none
    assert list(found.columns) == ["机关", "年度", "级别", "规则", "说明", "涉及单元格", "机关编号",
                                   "规则代码", "单元格代码"]  # fmt: skip
    review = found[found["规则代码"] == "review_litigation.total"].iloc[0]
    assert review["规则"] == "复议诉讼总计不符"
    # Each row named once, before its columns.
    assert review["涉及单元格"] == "行政复议·结果维持、结果纠正、其他结果、尚未审结、总计"
    assert review["单元格代码"].split("、")[-1] == "review_litigation.administrative_review.total"
    assert "主动公开政府信息条数（正文）" in sheets["正文数字"].columns  # no header ends in ·
    assert not [name for sheet in sheets.values() for name in sheet.columns if name.endswith("·")]
    with zipfile.ZipFile(io.BytesIO(show.excel_bytes(sheets))) as workbook:
        names = workbook.read("xl/workbook.xml").decode()
        first = workbook.read("xl/worksheets/sheet1.xml").decode()
        styles = workbook.read("xl/styles.xml").decode()
    assert all(name in names for name in sheets)
    assert [names.index(name) for name in sheets] == sorted(names.index(name) for name in sheets)
    # Ready to read: header row and agency column frozen, headers wrapped, counts as 1,234.
    assert (
        '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
        in first
    )
    assert 'wrapText="1"' in styles and 'formatCode="#,##0"' in styles
    widths = [
        float(width) for width in re.findall(r'<col min="\d+" max="\d+" width="([\d.]+)"', first)
    ]
    assert widths and all(6 <= width <= 41 for width in widths)
    # The agency column: Chinese characters count double.
    assert widths[0] >= 2 * len("淮安市洪泽区人民政府")


def test_a_workbook_names_each_cell_once_and_keeps_an_amounts_decimals(
    bundled_database: Path, monkeypatch
) -> None:
    """Section 三's sub-rows under their group (1.属于国家秘密 is of （三）不予公开),
    no heading twice, a 万元 amount shown with its decimals, every sheet filterable."""
    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    sheets = exports.workbook_sheets(Filters(2024, 2024, city="淮安市"))
    three = sheets["三、依申请公开"]
    assert three.columns.is_unique
    secret = "（三）不予公开·1.属于国家秘密·总计"
    huaian = three.set_index("机关").loc["淮安市人民政府"]
    assert huaian[secret] == cell_sum(
        bundled_database, "applications.withheld_state_secret.total",
        "r.agency_name = '淮安市人民政府' AND r.year = 2024") == 2  # fmt: skip
    assert "（六）其他处理·3.其他·其他" in three.columns  # 法人或其他组织·其他, of (六)'s 3.其他
    book = openpyxl.load_workbook(io.BytesIO(show.excel_bytes(sheets)))
    proactive = book["二、主动公开"]
    headings = [cell.value for cell in proactive[1]]
    fees = headings.index("行政事业性收费·本年收费金额（单位：万元）") + 1
    amounts = {row[0].value: row[fees - 1] for row in proactive.iter_rows(min_row=2)}
    assert amounts["淮安市人民政府"].value == 96171.6  # as printed, shown 96,171.6
    assert amounts["淮安市人民政府"].number_format == "#,##0.0"
    counts = headings.index("规章·本年制发件数") + 1
    assert proactive.cell(row=2, column=counts).number_format == "#,##0"
    assert all(book[name].auto_filter.ref for name in sheets)


def test_each_overview_chart_downloads_its_own_figures(bundled_database: Path, monkeypatch) -> None:
    from app import aggregate, overview

    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    trend = overview.trend(Filters(2024, 2024, agencies=(HONGZE,)))
    received = aggregate.labelled(overview.chart_rows(trend, overview.TREND_CHART_KEYS))
    review = aggregate.labelled(overview.chart_rows(trend, overview.REVIEW_CHART_KEYS))
    assert list(received.columns) == ["年度", "报告数", "本年新收申请", "公开率", "公开率·分子",
                                      "公开率·分母"]  # fmt: skip
    assert list(review.columns) == ["年度", "报告数", "行政复议总计", "行政诉讼总计"]
    where = "r.agency_id = ? AND r.year = 2024"
    assert received.iloc[0]["本年新收申请"] == cell_sum(
        bundled_database, "applications.new_received.total", where, (HONGZE,))  # fmt: skip
    assert review.iloc[0]["行政复议总计"] == cell_sum(
        bundled_database, "review_litigation.administrative_review.total", where, (HONGZE,)
    )


def test_a_finished_load_shows_on_the_next_rerun(tmp_path: Path) -> None:
    from etl.db.load import load
    from etl.reports import BUNDLED_REPORTS

    db = tmp_path / "growing.duckdb"
    load([BUNDLED_REPORTS / "2023_huaian_hongzequ.json"], db)
    app = dashboard(db).run()
    assert _metrics(app)["本年新收申请"][0] == "21"  # 洪泽区 2023
    load([BUNDLED_REPORTS / "2024_huaian_hongzequ.json"], db)  # a new file is swapped in
    app.run()
    assert not app.exception
    assert _metrics(app)["本年新收申请"] == ("95", "+74")  # 2024 now, against 2023


def test_region_wide_reports_can_be_left_out(bundled_database: Path) -> None:
    # 淮安市人民政府 2024 counts the whole city, 洪泽区's 95 applications included.
    app = dashboard(bundled_database).run()
    (note,) = [caption.value for caption in app.caption if "区域汇总报告（" in caption.value]
    assert "筛选范围内有 1 份区域汇总报告（淮安市人民政府 2024 年度）" in note
    assert "另有 1 份区域汇总报告（淮安市洪泽区人民政府 2023 年度）" in note
    assert _metrics(app)["本年新收申请"][0] == "3,214"  # 3,119 + 95 as printed
    app = dashboard(bundled_database, no_region="1").run()
    assert app.sidebar.checkbox(key="no_region").value is True
    assert _metrics(app)["本年新收申请"][0] == "95"
    assert _metrics(app)["报告数"][0] == "1"
    # What was left out, by name, and that the choice is made report by report.
    # 洪泽区 2023 counts its district too, with no report from inside it that year.
    (note,) = [caption.value for caption in app.caption if "区域汇总报告（" in caption.value]
    both = "淮安市洪泽区人民政府 2023 年度、淮安市人民政府 2024 年度"
    assert f"已不计 2 份区域汇总报告（{both}）" in note
    assert "同一机关其他年度只计本机关的报告仍计入" in note


def test_changes_say_when_the_years_hold_different_agencies(bundled_database: Path) -> None:
    # 2024: 淮安市 and 洪泽区; 2023: 洪泽区 and 沭阳县发改局, whose 2023 report has errors.
    app = dashboard(bundled_database).run()
    notes = " ".join(caption.value for caption in app.caption)
    assert "本年 2 个，上年 2 个，两年都有报告的 1 个" in notes
    assert "有错误的报告：2023 年度 1 份" in notes


@pytest.mark.parametrize("page", ["proactive.py", "applications.py", "review.py"])
def test_every_summing_page_warns_of_region_wide_reports(bundled_database: Path, page: str) -> None:
    app = dashboard(bundled_database, page=page).run()
    assert any("1 份区域汇总报告" in caption.value for caption in app.caption)
    app = dashboard(bundled_database, page=page, no_region="1").run()
    assert not any("筛选范围内有" in caption.value for caption in app.caption)
    assert any("已不计 2 份区域汇总报告" in caption.value for caption in app.caption)


def test_a_region_wide_report_is_labelled_in_its_profile(bundled_database: Path) -> None:
    app = dashboard(
        bundled_database, page="profile.py", prof_agency="320800-人民政府", prof_year="2024"
    ).run()
    assert any(caption.value.endswith(
        "区域汇总报告：正文写明的本地区申请数与表中总计相同，表中数字含本地区各部门和下级政府。"
    ) for caption in app.caption)  # fmt: skip


def test_a_file_name_states_the_real_scope() -> None:
    everywhere = Filters(2021, 2024).file_stem("总览", "abcdef123")
    assert everywhere == "总览_2021-2024年度_全国_数据版本abcdef12"
    chosen = Filters(2021, 2024, agencies=("320813-人民政府", "320800-人民政府"))
    assert chosen.describe() == "2021-2024年度_2个机关"  # not 全国: two agencies of one city
    in_city = Filters(2024, 2024, province="江苏省", city="淮安市", levels=("county",),
                      without_region=True)  # fmt: skip
    assert in_city.describe() == "2024年度_淮安市_县级_不计区域汇总报告"
