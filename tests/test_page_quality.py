"""数据质量: findings counted as stored, reports with errors first, the coverage
matrix marks missing years, and the link opens the profile on a finding."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import quality
from app.filters import Filters
from app.quality import Counted
from tests.conftest import dashboard
from tests.test_page_profile import HONGZE, SHUYANG, notes, table

PAGE = "quality.py"


def sql(database: Path, text: str, params: tuple = ()) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(text, params).fetchall()


def rule_counts(database: Path) -> list[tuple]:
    """(rule, 级别, findings, reports) straight from ``findings``."""
    rows = sql(
        database,
        "SELECT rule, severity, count(*), count(DISTINCT report_id) FROM findings GROUP BY ALL",
    )
    levels = {"error": "错误", "warning": "提示"}
    return sorted((rule, levels[severity], n, reports) for rule, severity, n, reports in rows)


def shown_rule_counts(app: AppTest) -> list[tuple]:
    shown = table(app, "quality-rules")
    return sorted(
        shown[["规则代码", "级别", "条数", "涉及报告数"]].itertuples(index=False, name=None)
    )


def report_counts(database: Path) -> list[tuple]:
    """(机关, 年度, errors, warnings, blank, dash, text, 机关编号) per report: the
    findings and cell statuses counted from ``findings`` and ``cells``."""
    return sql(
        database,
        """
        SELECT a.name, r.year,
               (SELECT count(*) FROM findings f WHERE f.report_id = r.report_id
                AND f.severity = 'error'),
               (SELECT count(*) FROM findings f WHERE f.report_id = r.report_id
                AND f.severity = 'warning'),
               (SELECT count(*) FROM cells c WHERE c.report_id = r.report_id
                AND c.status = 'blank'),
               (SELECT count(*) FROM cells c WHERE c.report_id = r.report_id
                AND c.status = 'dash'),
               (SELECT count(*) FROM cells c WHERE c.report_id = r.report_id
                AND c.status = 'text'),
               r.agency_id
        FROM reports r JOIN agencies a USING (agency_id)
        """,
    )


def link_params(app: AppTest) -> dict[str, str]:
    (link,) = app.get("page_link")
    assert link.proto.page == "profile"
    return {name: values[-1] for name, values in parse_qs(link.proto.query_string).items()}


def metric(app: AppTest, label: str) -> str:
    return next(element.value for element in app.metric if element.label == label)


# --- The bundled reports ----------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_page(bundled_database: Path) -> AppTest:
    return dashboard(bundled_database, PAGE, **{"from": "2021", "to": "2024"}).run()


def test_findings_by_rule_are_the_stored_ones(bundled_page: AppTest, bundled_database) -> None:
    assert not bundled_page.exception
    assert shown_rule_counts(bundled_page) == rule_counts(bundled_database)
    assert shown_rule_counts(bundled_page) == [
        ("cells.not_a_number", "提示", 25, 1),
        ("narrative.received_differs", "提示", 1, 1),  # 洪泽区 2024: 17 in the text, 95 in 三
        ("review_litigation.total", "错误", 2, 1),
    ]
    names = table(bundled_page, "quality-rules").set_index("规则代码")["规则"]
    assert names["review_litigation.total"] == "复议诉讼总计不符"  # named in Chinese
    descriptions = table(bundled_page, "quality-rules")["说明"]
    assert all(text in quality.RULE_DESCRIPTIONS.values() for text in descriptions)
    (blank,) = sql(bundled_database, "SELECT count(*) FROM cells WHERE status = 'blank'")[0]
    assert metric(bundled_page, "空白单元格") == f"{blank:,}" == "125"
    assert metric(bundled_page, "错误") == "2"


def test_reports_with_errors_come_first(bundled_page: AppTest, bundled_database: Path) -> None:
    shown = table(bundled_page, "quality-reports")
    rows = list(shown.itertuples(index=False, name=None))
    assert sorted(rows) == sorted(report_counts(bundled_database))
    order = [(-errors, -warnings) for _, _, errors, warnings, *_ in rows]
    assert order == sorted(order)
    assert rows[0][:4] == ("淮安市洪泽区人民政府", 2023, 2, 0)
    assert rows[1][:5] == ("沭阳县发展和改革局", 2023, 0, 25, 125)


def test_the_coverage_matrix_marks_missing_years(bundled_page: AppTest) -> None:
    matrix = table(bundled_page, "quality-coverage").set_index("机关")
    hongze = matrix.loc["淮安市洪泽区人民政府"]
    assert [hongze[str(year)] for year in range(2021, 2025)] == ["未收录", "未收录", "✓", "✓"]
    assert hongze["未收录年数"] == 2
    assert matrix.loc["宁波市镇海区经济和信息化局", "2021"] == "✓"
    assert list(matrix["未收录年数"]) == sorted(matrix["未收录年数"], reverse=True)
    assert any(
        "共 4 个机关，2021–2024 年度共有 11 份报告未收录" in c.value for c in bundled_page.caption
    )


def test_the_link_opens_the_profile_on_the_finding(bundled_page: AppTest) -> None:
    assert link_params(bundled_page) == {
        "prof_agency": HONGZE,
        "prof_year": "2023",
        "prof_finding": "1",
    }
    # The report prints "洪泽区人民政府"; the link names the agency as every table does.
    (link,) = bundled_page.get("page_link")
    assert link.proto.label == "打开 淮安市洪泽区人民政府 2023 年度报告的档案，标出第 1 条校验结果"


def test_a_rule_kept_in_the_url_filters_the_reports(bundled_database: Path) -> None:
    app = dashboard(
        bundled_database,
        PAGE,
        qa_rule="cells.not_a_number",
        qa_report=f"{SHUYANG}:2023",
        qa_finding="3",
    ).run()
    assert not app.exception
    assert app.multiselect(key="qa_rule").value == ["cells.not_a_number"]
    shown = table(app, "quality-reports")
    assert list(shown.itertuples(index=False, name=None)) == [
        ("沭阳县发展和改革局", 2023, 0, 25, 125, 0, 0, SHUYANG)
    ]
    years = table(app, "quality-years").set_index("年度")
    assert years.loc[2023, "提示"] == 25 and years.loc[2023, "错误"] == 0
    assert link_params(app) == {"prof_agency": SHUYANG, "prof_year": "2023", "prof_finding": "3"}
    # Another rule: the report list follows it, the URL keeps it.
    app.multiselect(key="qa_rule").set_value(["review_litigation.total"]).run()
    assert app.query_params["qa_rule"] == "review_litigation.total"
    assert list(table(app, "quality-reports")["机关"]) == ["淮安市洪泽区人民政府"]
    assert link_params(app) == {"prof_agency": HONGZE, "prof_year": "2023", "prof_finding": "1"}


def test_several_rules_and_errors_only_narrow_the_lists_and_stay_in_the_link(
    bundled_database: Path,
) -> None:
    both = ["cells.not_a_number", "review_litigation.total"]
    app = dashboard(bundled_database, PAGE, qa_rule=both).run()
    assert not app.exception
    assert app.multiselect(key="qa_rule").value == both
    shown = table(app, "quality-reports")
    assert list(zip(shown["机关"], shown["错误"], shown["提示"], strict=True)) == [
        ("淮安市洪泽区人民政府", 2, 0),
        ("沭阳县发展和改革局", 0, 25),
    ]
    app.checkbox(key="qa_errors").check().run()
    assert app.query_params["qa_errors"] == "1"
    assert app.query_params["qa_rule"] == both
    shown = table(app, "quality-reports")
    assert list(zip(shown["机关"], shown["错误"], shown["提示"], strict=True)) == [
        ("淮安市洪泽区人民政府", 2, 0)
    ]
    assert any("只计错误" in heading.value for heading in app.subheader)
    assert link_params(app)["prof_agency"] == HONGZE
    # The report picker counts as the list does: the rules chosen, errors only.
    picker = app.selectbox(key="qa_report")
    assert picker.options == ["淮安市洪泽区人民政府 2023 年度（所选规则错误 2）"]


def test_invalid_link_values_give_a_note(bundled_database: Path) -> None:
    app = dashboard(
        bundled_database, PAGE, qa_rule="no.such_rule", qa_report="nobody:2020", qa_finding="x"
    ).run()
    assert not app.exception
    shown = notes(app)
    # The values as the note shows them: Markdown-escaped, an address-like colon unlinked.
    for key in ("qa_rule=no\\.such\\_rule", "qa_report=nobody\u2060\\:2020", "qa_finding=x"):
        assert any(f"{key} 无效" in note for note in shown), key
    assert app.multiselect(key="qa_rule").value == []


def test_an_empty_selection_says_so(bundled_database: Path) -> None:
    app = dashboard(bundled_database, PAGE, level="central").run()
    assert not app.exception
    assert any("当前筛选范围内没有报告" in note for note in notes(app))


# --- Synthetic reports -------------------------------------------------------------------


def test_synthetic_findings_and_coverage(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database, PAGE).run()
    assert not app.exception
    assert shown_rule_counts(app) == rule_counts(synthetic_database)
    years = table(app, "quality-years")
    expected = sql(
        synthetic_database,
        """
        SELECT r.year, count(DISTINCT r.report_id),
               (SELECT count(*) FROM findings f JOIN reports x USING (report_id)
                WHERE x.year = r.year AND f.severity = 'error'),
               (SELECT count(*) FROM findings f JOIN reports x USING (report_id)
                WHERE x.year = r.year AND f.severity = 'warning')
        FROM reports r GROUP BY r.year ORDER BY r.year
        """,
    )
    assert list(years[["年度", "报告数", "错误", "提示"]].itertuples(index=False, name=None)) == [
        tuple(row) for row in expected
    ]
    shown = table(app, "quality-reports")
    rows = list(shown.itertuples(index=False, name=None))
    assert sorted(rows) == sorted(report_counts(synthetic_database))
    assert [(-e, -w) for _, _, e, w, *_ in rows] == sorted((-e, -w) for _, _, e, w, *_ in rows)
    ((agencies, missing),) = sql(
        synthetic_database,
        """
        SELECT a, a * span - n FROM (
            SELECT (SELECT count(*) FROM agencies) AS a,
                   (SELECT max(year) - min(year) + 1 FROM reports) AS span,
                   (SELECT count(*) FROM reports) AS n
        )
        """,
    )
    assert any(f"共 {agencies:,} 个机关" in c.value and f"共有 {missing:,} 份报告未收录" in c.value
               for c in app.caption)  # fmt: skip


# --- The module's functions ------------------------------------------------------------------


@pytest.fixture
def bundled(bundled_database: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    return bundled_database


def test_counts_by_rule_year_and_agency(bundled: Path) -> None:
    everything = Filters(2021, 2024)
    assert list(quality.by_rule(everything)["条数"]) == [25, 2, 1]
    assert list(quality.by_rule(Filters(2024, 2024))["规则代码"]) == ["narrative.received_differs"]
    years = quality.by_year(everything, Counted(("review_litigation.total",))).set_index("年度")
    assert years.loc[2023, "错误"] == 2 and years.loc[2023, "提示"] == 0
    assert years.loc[2023, "有错误的报告"] == 1 and years.loc[2023, "空白单元格"] == 125
    assert years["报告数"].to_dict() == {2021: 1, 2023: 2, 2024: 2}
    agencies = quality.by_agency(everything)
    assert list(agencies["机关编号"]) == [HONGZE, SHUYANG]
    assert quality.by_agency(everything, Counted(("cells.unit",))).empty
    errors = quality.by_agency(everything, Counted(errors_only=True))
    assert list(zip(errors["机关编号"], errors["错误"], errors["提示"], strict=True)) == [
        (HONGZE, 2, 0)
    ]


def test_the_report_list_with_and_without_a_rule(bundled: Path) -> None:
    everything = Filters(2021, 2024)
    listed = quality.reports(everything)
    assert int(listed.total.iloc[0]) == 5
    assert list(zip(listed.agency_id, listed.year, strict=True))[:2] == [
        (HONGZE, 2023),
        (SHUYANG, 2023),
    ]
    assert len(quality.reports(everything, limit=2)) == 2
    assert len(quality.reports(everything, limit=None)) == 5  # the download: the list whole
    ruled = quality.reports(everything, Counted(("cells.not_a_number",)))
    assert list(ruled.agency_id) == [SHUYANG] and int(ruled.warnings.iloc[0]) == 25
    two = quality.reports(everything, Counted(("cells.not_a_number", "narrative.received_differs")))
    assert list(zip(two.agency_id, two.year, two.warnings, strict=True)) == [
        (SHUYANG, 2023, 25),
        (HONGZE, 2024, 1),
    ]
    assert quality.reports(everything, Counted(("cells.not_a_number",), errors_only=True)).empty
    assert quality.report_in_scope(everything, HONGZE, 2023)
    assert quality.report_in_scope(everything, HONGZE, 2024)  # its text against its table
    assert not quality.report_in_scope(everything, "320800-人民政府", 2024)  # no finding
    assert not quality.report_in_scope(Filters(2024, 2024), HONGZE, 2023)
    totals = quality.cell_totals(everything)
    assert (totals.reports, totals.blank, totals.dash, totals.with_any) == (5, 125, 0, 1)


def test_coverage_lists_every_agency_missing_most_first(bundled: Path) -> None:
    data = quality.coverage(Filters(2021, 2024), limit=2)
    assert len(data) == 2
    assert (int(data.agencies.iloc[0]), int(data.missing_total.iloc[0])) == (4, 11)
    assert list(data.missing) == [3, 3]
    everything = quality.coverage(Filters(2021, 2024))
    assert everything.set_index("agency_id").loc[HONGZE, "missing"] == 2
    # An agency with no report in the range is listed, missing every year.
    early = quality.coverage(Filters(2021, 2021)).set_index("agency_id")
    assert early.loc[HONGZE, "missing"] == 1 and list(early.loc[HONGZE, "years"]) == []
    matrix = quality.coverage_matrix(everything, 2021, 2024).set_index("机关编号")
    assert list(matrix.loc[HONGZE, ["2021", "2022", "2023", "2024"]]) == [
        "未收录",
        "未收录",
        "✓",
        "✓",
    ]
    jiangsu = quality.coverage(Filters(2023, 2024, province="江苏省"))
    assert set(jiangsu.agency_id) == {HONGZE, SHUYANG, "320800-人民政府"}


def test_rules_and_definitions(bundled: Path) -> None:
    assert "narrative.repeated" in quality.rules()  # documented, though not in this data
    assert set(quality.RULE_DESCRIPTIONS) <= set(quality.rules())
    assert quality.definitions(["错误", "未定义"]) == "错误：严重程度为“错误”的校验结果条数"
    frame = pd.DataFrame({"年度": [2023], "错误": [1], "提示": [0]})
    assert quality.year_figure(frame).layout.title.text == "各年度校验结果条数"


def test_the_chosen_rule_report_and_finding_survive_a_visit_to_another_page(
    bundled_database: Path,
) -> None:
    app = dashboard(bundled_database, PAGE).run()
    app.multiselect(key="qa_rule").set_value(["cells.not_a_number"]).run()
    app.selectbox(key="qa_report").set_value((SHUYANG, 2023)).run()
    app.selectbox(key="qa_finding").set_value(3).run()
    for page in ("overview.py", PAGE):
        app.switch_page(f"views/{page}")
        app.query_params.clear()  # as Streamlit does on moving to another page
        app.run()
        assert not app.exception
    assert app.multiselect(key="qa_rule").value == ["cells.not_a_number"]
    assert app.selectbox(key="qa_report").value == (SHUYANG, 2023)
    assert app.selectbox(key="qa_finding").value == 3
    # In the link too (the report is the rule's first: a default, not written).
    assert (app.query_params["qa_rule"], app.query_params["qa_finding"]) == (
        "cells.not_a_number",
        "3",
    )
