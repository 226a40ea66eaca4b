"""机关档案: the original tables equal the printed cells, the findings are marked
on their cells, report text is shown literally, and links into the page work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import plain, profile
from etl import template
from tests.conftest import dashboard, database_with_narrative

PAGE = "profile.py"
HONGZE = "320813-人民政府"  # 洪泽区人民政府 (2023) / 淮安市洪泽区人民政府 (2024)
SHUYANG = "321322-发展和改革局"
HOSTILE = "<script>alert(1)</script>\n**bold** _x_ [link](http://example.com) $x$ :material/home:"


# --- Reading the page -------------------------------------------------------------


def _walk(node) -> Iterator:
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for index in sorted(children):
        yield from _walk(children[index])


def tables(app: AppTest) -> dict[str, list]:
    """The page's dataframes by the key of the CSV download that follows them
    (``csv-profile-applications`` → ``profile-applications``)."""
    found: dict[str, list] = {}
    pending: list = []
    for node in _walk(app.main):
        if node.type == "dataframe":
            pending.append(node)
        elif node.type == "download_button" and str(node.key).startswith("csv-"):
            found[node.key.removeprefix("csv-")] = pending
            pending = []
    return found


def table(app: AppTest, key: str) -> pd.DataFrame:
    (frame,) = tables(app)[key]
    return frame.value


def cell_styles(frame) -> dict[tuple[int, int], str]:
    """(row, column) → the CSS a Styler gave the cell (cells with the same CSS
    share one rule: ``#T_x_row0_col0, #T_x_row0_col1 { … }``)."""
    styles = frame.proto.arrow_data.styler.styles
    result = {}
    for selectors, css in re.findall(r"([^{}]+)\{([^}]*)\}", styles):
        for row, col in re.findall(r"_row(\d+)_col(\d+)", selectors):
            result[int(row), int(col)] = css.strip()
    return result


def notes(app: AppTest) -> list[str]:
    return [element.value for element in app.warning] + [element.value for element in app.info]


def printed_cells(database: Path, agency_id: str, year: int, section: str) -> dict[str, str]:
    """path → printed text of one report's cells, straight from ``cells``."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            """
            SELECT k.path, c.raw FROM reports r JOIN cells c USING (report_id)
            JOIN cell_keys k USING (cell_id)
            WHERE r.agency_id = ? AND r.year = ? AND k.section = ?
            """,
            (agency_id, year, section),
        ).fetchall()
    return dict(rows)


def shown_application_cells(shown: pd.DataFrame) -> dict[str, str]:
    """path → text of the application table as shown, by its row and column labels."""
    rows = {row.label: row.key for row in template.APPLICATION_ROWS}
    columns = {label: key for key, label in template.APPLICANT_COLUMN_LABELS.items()}
    labels = list(shown[("项目", "")])
    result = {}
    for index, (_, line) in enumerate(shown.iterrows()):
        label = labels[index]
        following = labels[index + 1] if index + 1 < len(labels) else ""
        if label not in rows or following.startswith("1."):
            continue  # a heading: （六）其他处理 heads sub-rows in the 2021 template
        for (top, bottom), text in line.items():
            if top != "项目":
                result[f"applications.{rows[label]}.{columns[bottom or top]}"] = text
    return result


def shown_review_cells(shown: pd.DataFrame) -> dict[str, str]:
    groups = {label: key for key, label in template.REVIEW_GROUP_LABELS.items()}
    outcomes = {label: key for key, label in template.REVIEW_COLUMN_LABELS.items()}
    assert list(shown["项目"]) == list(template.REVIEW_GROUP_LABELS.values())
    return {
        f"review_litigation.{groups[line['项目']]}.{outcomes[outcome]}": text
        for _, line in shown.iterrows()
        for outcome, text in line.drop("项目").items()
    }


def shown_proactive_cells(frames: list, report_format: str) -> dict[str, str]:
    items = {item.label: item for item in template.PROACTIVE_ITEMS[report_format]}
    result = {}
    for frame in frames:
        for _, line in frame.value.iterrows():
            item = items[line["信息内容"]]
            labels = [profile.proactive_column_label(col, report_format) for col in item.columns]
            assert list(line.index[1:]) == labels
            for col, label in zip(item.columns, labels, strict=True):
                result[f"proactive.{item.key}.{col}"] = line[label]
    return result


def assert_tables_as_printed(app: AppTest, database: Path, agency_id: str, year: int) -> None:
    """Every cell of sections 二, 三 and 四 shows exactly the printed text."""
    with duckdb.connect(str(database), read_only=True) as con:
        (report_format,) = con.execute(
            "SELECT format FROM reports WHERE agency_id = ? AND year = ?", (agency_id, year)
        ).fetchone()
    shown = shown_application_cells(table(app, "profile-applications"))
    printed = printed_cells(database, agency_id, year, "applications")
    assert {path: shown[path] for path in printed} == printed
    assert {text for path, text in shown.items() if path not in printed} <= {profile.NOT_READ}
    assert shown_review_cells(table(app, "profile-review")) == printed_cells(
        database, agency_id, year, "review_litigation"
    )
    proactive = shown_proactive_cells(tables(app)["profile-proactive"], report_format)
    assert proactive == printed_cells(database, agency_id, year, "proactive")


# --- The page on the bundled reports ---------------------------------------------------


@pytest.fixture(scope="module")
def hongze_2023(bundled_database: Path) -> AppTest:
    """洪泽区 2023 opened as the quality page links it, its first finding picked."""
    app = dashboard(bundled_database, PAGE, prof_agency=HONGZE, prof_year="2023", prof_finding="1")
    return app.run()


def test_the_application_table_is_the_printed_one(
    hongze_2023: AppTest, bundled_database: Path
) -> None:
    app = hongze_2023
    assert not app.exception
    shown = table(app, "profile-applications")
    first = shown.set_index(("项目", ""))
    assert first.loc["一、本年新收政府信息公开申请数量", ("总计", "")] == "21"
    assert first.loc["一、本年新收政府信息公开申请数量", ("自然人", "")] == "21"
    assert first.loc["（七）总计", ("法人或其他组织", "商业企业")] == "0"
    # The template's rows in order, with its group headings; this report
    # printed the 2019 template's single （六）其他处理 row.
    labels = list(shown[("项目", "")])
    assert labels[:6] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（三）不予公开",
    ]
    assert "（六）其他处理" in labels and "3.其他" not in labels
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    heading = shown[shown[("项目", "")] == "（三）不予公开"].iloc[0]
    assert set(heading.iloc[1:]) == {""}  # a merged label cell: no figures
    assert [top for top, _ in shown.columns] == ["项目", "自然人", *["法人或其他组织"] * 5, "总计"]
    assert_tables_as_printed(app, bundled_database, HONGZE, 2023)


def test_the_findings_are_listed_and_marked_on_their_cells(hongze_2023: AppTest) -> None:
    app = hongze_2023
    listed = table(app, "profile-findings")
    assert list(listed["级别"]) == ["错误", "错误"]
    assert all("总计栏为 0" in message for message in listed["说明"])
    assert list(listed["序号"]) == [1, 2]
    # Each row named once, before its columns.
    assert list(listed["涉及单元格"]) == [
        "行政复议·结果维持、结果纠正、其他结果、尚未审结、总计",
        "行政诉讼·复议后起诉·结果维持、结果纠正、其他结果、尚未审结、总计",
    ]
    # Finding 1 (行政复议) is the one the link picked; finding 2 (复议后起诉) is
    # an error too; 未经复议直接起诉 is fine.
    (review,) = tables(app)["profile-review"]
    styles = cell_styles(review)  # one row a group, the five outcomes from column 1
    assert {styles[0, col] for col in range(1, 6)} == {profile.PICKED_CSS}
    assert all(not styles.get((1, col)) for col in range(1, 6))
    assert {styles[2, col] for col in range(1, 6)} == {profile.ERROR_CSS}
    (applications,) = tables(app)["profile-applications"]
    assert not any(cell_styles(applications).values())
    assert "第 1 条校验结果（错误）" in app.error[0].value
    assert "「行政复议」" in next(t.value for t in app.text if "总计栏为 0" in t.value)
    assert app.selectbox(key="prof_finding").value == 1


def test_every_number_has_its_source(hongze_2023: AppTest, bundled_database: Path) -> None:
    app = hongze_2023
    sources = table(app, "profile-cells")
    with duckdb.connect(str(bundled_database), read_only=True) as con:
        expected = con.execute(
            """
            SELECT c.raw, c.status, c.at_line FROM reports r JOIN cells c USING (report_id)
            JOIN cell_keys k USING (cell_id)
            WHERE r.agency_id = ? AND r.year = 2023 ORDER BY k.cell_id
            """,
            (HONGZE,),
        ).fetchall()
    assert len(sources) == len(expected)
    assert sorted(zip(sources["原文"], sources["行号"], strict=True)) == sorted(
        (raw, line) for raw, _, line in expected
    )
    review_total = sources[(sources["项目"] == "行政复议") & (sources["栏目"] == "总计")].iloc[0]
    assert (review_total["原文"], review_total["数值"], review_total["状态"]) == ("0", 0, "数字")
    assert review_total["校验结果序号"] == "1"
    source = table(app, "profile-source").set_index("项目")["内容"]
    assert source["源文件"] == "2023_huaian_hongzequ.txt"
    assert source["文件类型"] == "文本"
    line = plain.markdown_text("源文件：2023_huaian_hongzequ.txt（文本）· 网址：—")
    assert line in [caption.value for caption in app.caption]


def test_the_series_covers_all_the_agencys_years(
    hongze_2023: AppTest, bundled_database: Path
) -> None:
    series = table(hongze_2023, "profile-series")
    assert list(series["年度"]) == [2023, 2024]
    with duckdb.connect(str(bundled_database), read_only=True) as con:
        received = con.execute(
            """
            SELECT c.value FROM reports r JOIN cells c USING (report_id)
            JOIN cell_keys k USING (cell_id)
            WHERE r.agency_id = ? AND k.path = 'applications.new_received.total' ORDER BY r.year
            """,
            (HONGZE,),
        ).fetchall()
    assert list(series["本年新收申请"]) == [value for (value,) in received] == [21, 95]
    assert list(series["错误"]) == [2, 0]


def test_the_narrative_is_shown_as_printed(hongze_2023: AppTest, bundled_database: Path) -> None:
    with duckdb.connect(str(bundled_database), read_only=True) as con:
        texts = con.execute(
            "SELECT overview, problems, other FROM narratives JOIN reports USING (report_id)"
            " WHERE agency_id = ? AND year = 2023",
            (HONGZE,),
        ).fetchone()
    shown = [element.value for element in hongze_2023.text]
    assert all(text in shown for text in texts)


# --- Text from a report is never rendered ---------------------------------------------


@pytest.fixture(scope="module")
def hostile_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """洪泽区 2023 with script, Markdown and LaTeX in its section 五."""
    folder = tmp_path_factory.mktemp("profile-hostile")
    return database_with_narrative(folder, "2023_huaian_hongzequ", "problems", HOSTILE, alone=True)


def test_report_text_is_shown_literally(hostile_database: Path) -> None:
    app = dashboard(hostile_database, PAGE, prof_agency=HONGZE).run()
    assert not app.exception
    assert HOSTILE in [element.value for element in app.text]
    rendered = [element.value for element in (*app.markdown, *app.caption, *app.error)]
    assert not any("alert(1)" in text or "**bold**" in text for text in rendered)


# --- Choosing the agency, year and finding --------------------------------------------


def test_invalid_link_values_give_a_note(bundled_database: Path) -> None:
    app = dashboard(bundled_database, PAGE, prof_agency="000000-没有的机关").run()
    assert not app.exception
    assert any("prof_agency=000000\\-没有的机关 无效" in note for note in notes(app))
    assert any("请选择一个机关" in note for note in notes(app))

    app = dashboard(
        bundled_database, PAGE, prof_agency=HONGZE, prof_year="2019", prof_finding="9"
    ).run()
    assert not app.exception
    assert any("prof_year=2019 无效" in note for note in notes(app))
    assert any("prof_finding=9 无效" in note for note in notes(app))
    assert app.selectbox(key="prof_year").value == 2024  # the latest instead
    assert app.selectbox(key="prof_finding").value is None


def test_the_sidebars_one_agency_is_the_default_and_a_finding_by_rule(
    bundled_database: Path,
) -> None:
    app = dashboard(bundled_database, PAGE, agency=SHUYANG, prof_finding="cells.not_a_number").run()
    assert not app.exception
    assert app.selectbox(key="prof_agency").value == SHUYANG
    assert app.selectbox(key="prof_year").value == 2023
    assert app.selectbox(key="prof_finding").value == 1
    # One report: its year once, not 2023–2023.
    assert any("· 1 份报告（2023 年度）" in caption.value for caption in app.caption)
    # 沭阳县 printed blank cells: shown empty, as printed, and marked.
    shown = table(app, "profile-applications").set_index(("项目", ""))
    assert shown.loc["一、本年新收政府信息公开申请数量", ("法人或其他组织", "商业企业")] == ""
    (applications,) = tables(app)["profile-applications"]
    styles = set(cell_styles(applications).values())
    assert profile.PICKED_CSS in styles and profile.WARNING_CSS in styles
    listed = table(app, "profile-findings")
    assert listed["涉及单元格"].iloc[0] == (
        "一、本年新收政府信息公开申请数量·商业企业、科研机构、社会公益组织、法律服务机构、其他"
    )


def test_a_findings_cells_are_named_row_by_row() -> None:
    """Rows apart by "；", a row's columns after it by "、"; a headline figure and
    a part of the text by their own names."""
    cells = [
        "applications.withheld_state_secret.natural_person",
        "applications.withheld_state_secret.total",
        "applications.total_processed.total",
        "headline.proactive_items",
        "narrative.overview",
    ]
    one = pd.DataFrame(
        {"number": [1], "severity": ["warning"], "rule": ["x"], "message": ["…"], "cells": [cells]}
    )
    assert profile.findings_table(one)["涉及单元格"].iloc[0] == (
        "（三）不予公开·1.属于国家秘密·自然人、总计；（七）总计·总计；"
        "主动公开政府信息条数（正文）；一、总体情况"
    )


def test_an_empty_selection_says_so(bundled_database: Path) -> None:
    app = dashboard(bundled_database, PAGE, level="central").run()
    assert not app.exception
    assert any("当前筛选范围内没有机关" in note for note in notes(app))


def test_a_link_back_reopens_the_report(bundled_database: Path) -> None:
    """Leaving the page and following a link to the values it showed before."""
    app = dashboard(bundled_database, PAGE, prof_agency=HONGZE, prof_year="2023").run()
    app.switch_page("views/quality.py").run()
    app.switch_page(f"views/{PAGE}")
    for name, value in {"prof_agency": HONGZE, "prof_year": "2023", "prof_finding": "2"}.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception
    assert app.selectbox(key="prof_agency").value == HONGZE
    assert app.selectbox(key="prof_year").value == 2023
    assert app.selectbox(key="prof_finding").value == 2


# --- Synthetic reports ------------------------------------------------------------------


def _synthetic_reports(database: Path) -> list[tuple[str, int]]:
    """A 2019-template report and the report with the most errors."""
    with duckdb.connect(str(database), read_only=True) as con:
        old = con.execute(
            "SELECT agency_id, year FROM reports WHERE format = '2019' ORDER BY report_id LIMIT 1"
        ).fetchone()
        worst = con.execute(
            "SELECT agency_id, year FROM reports ORDER BY errors DESC, report_id LIMIT 1"
        ).fetchone()
    return [old, worst]


def test_synthetic_reports_show_their_printed_tables(synthetic_database: Path) -> None:
    for agency_id, year in _synthetic_reports(synthetic_database):
        app = dashboard(
            synthetic_database, PAGE, prof_agency=agency_id, prof_year=str(year), prof_finding="1"
        ).run()
        assert not app.exception
        assert_tables_as_printed(app, synthetic_database, agency_id, year)
        with duckdb.connect(str(synthetic_database), read_only=True) as con:
            (errors,) = con.execute(
                "SELECT count(*) FROM findings JOIN reports USING (report_id)"
                " WHERE agency_id = ? AND year = ? AND severity = 'error'",
                (agency_id, year),
            ).fetchone()
        shown = table(app, "profile-findings") if errors else pd.DataFrame({"级别": []})
        assert list(shown["级别"]).count("错误") == errors


# --- The module's functions --------------------------------------------------------------


@pytest.fixture
def bundled(bundled_database: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    return bundled_database


def _report_id(agency_id: str, year: int) -> int:
    return int(profile.report(agency_id, year).report_id)


def test_application_rows_follow_what_was_printed(bundled: Path) -> None:
    hongze = profile.cells(_report_id(HONGZE, 2023))  # printed the 2019 （六） row
    assert "other_handling" in profile.application_row_keys(hongze, "2021")
    shuyang = profile.cells(_report_id(SHUYANG, 2023))
    rows = profile.application_row_keys(shuyang, "2021")
    assert "other_handling" not in rows and "other_other" in rows
    no_cells = shuyang.iloc[0:0]
    assert "other_handling" in profile.application_row_keys(no_cells, "2019")
    grid = profile.application_grid(no_cells, "2021")
    assert set(grid.text.iloc[:, 1:].to_numpy().ravel()) == {"", profile.NOT_READ}
    assert len(grid.cell_paths()) == 25 * 7


def test_findings_are_numbered_errors_first_and_found_by_number_or_rule(bundled: Path) -> None:
    found = profile.findings(_report_id(HONGZE, 2023))
    assert list(found.number) == [1, 2]
    assert found.cells.iloc[0][0] == "review_litigation.administrative_review.upheld"
    assert profile.finding_number(found, "2") == 2
    assert profile.finding_number(found, "review_litigation.total") == 1
    assert profile.finding_number(found, "3") is None
    assert profile.finding_number(found, "cells.unit") is None
    marks = profile.cell_marks(found, 2)
    assert marks["review_litigation.administrative_review.total"] == profile.ERROR_CSS
    assert marks["review_litigation.litigation_after_review.total"] == profile.PICKED_CSS
    assert "review_litigation.litigation_direct.total" not in marks


def test_section_two_follows_the_reports_template() -> None:
    grids = profile.proactive_grids(pd.DataFrame({"path": [], "raw": []}), "2019")
    assert list(grids) == [f"第二十条第（{n}）项" for n in ("一", "五", "六", "八", "九")]
    assert list(grids["第二十条第（五）项"].text.columns) == [
        "信息内容", "上一年项目数量", "本年增/减", "处理决定数量"
    ]  # fmt: skip
    grids = profile.proactive_grids(pd.DataFrame({"path": [], "raw": []}), "2021")
    assert list(grids["第二十条第（八）项"].text.columns) == [
        "信息内容",
        "本年收费金额（单位：万元）",
    ]
    assert sum(len(grid.cell_paths()) for grid in grids.values()) == 10


def test_styles_mark_cells_by_path() -> None:
    upheld = "review_litigation.administrative_review.upheld"
    grid = profile.review_grid(pd.DataFrame({"path": [upheld], "raw": ["3"]}))
    assert grid.text.iloc[0, 1] == "3" and grid.text.iloc[0, 2] == profile.NOT_READ
    marks = {"review_litigation.administrative_review.total": profile.ERROR_CSS}
    computed = profile.styled(grid, marks)._compute().ctx  # (row, col) → [(property, value)]
    assert computed[0, 5] == [("background-color", "#f8d7da"), ("color", "#842029")]
    assert computed[0, 2] == [("color", "#9e9e9e")]  # not read
    assert not computed.get((0, 1))  # printed, no finding
    assert not computed.get((0, 0))  # the group's label


def test_agency_scope_and_candidates(bundled: Path) -> None:
    from app.filters import Filters

    everything = Filters(2021, 2024)
    assert profile.candidate_count(everything) == 4
    assert profile.in_scope(everything, HONGZE)
    assert not profile.in_scope(everything, "000000-没有的机关")
    jiangsu_county = Filters(2021, 2024, province="江苏省", levels=("county",))
    assert profile.candidates(jiangsu_county) == {
        SHUYANG: "沭阳县发展和改革局",
        HONGZE: "淮安市洪泽区人民政府",
    }
    assert not profile.in_scope(jiangsu_county, "320800-人民政府")
    picked = Filters(2021, 2024, agencies=(HONGZE,))
    assert profile.default_agency(picked) == HONGZE
    assert profile.candidates(picked) == {HONGZE: "淮安市洪泽区人民政府"}
    assert profile.agency_years(HONGZE) == [2024, 2023]


def test_escaped_text_is_not_markdown() -> None:
    assert plain.markdown_text("**a** <b> $x$ 1.") == r"\*\*a\*\* \<b\> \$x\$ 1\."


def test_the_chosen_report_survives_a_visit_to_another_page(bundled_database: Path) -> None:
    """Chosen on the page, then 数据质量 and back by the menu (no parameters)."""
    app = dashboard(bundled_database, PAGE).run()
    app.selectbox(key="prof_agency").set_value(HONGZE).run()
    app.selectbox(key="prof_year").set_value(2023).run()
    app.switch_page("views/quality.py")
    app.query_params.clear()
    app.run()
    app.switch_page(f"views/{PAGE}")
    app.query_params.clear()
    app.run()
    assert not app.exception
    assert app.selectbox(key="prof_agency").value == HONGZE
    assert app.selectbox(key="prof_year").value == 2023
    assert app.query_params["prof_agency"] == HONGZE
