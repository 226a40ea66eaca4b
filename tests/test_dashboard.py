"""The app renders the bundled reports, and its figures equal the reports' cells."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from etl.reports import bundled_reports
from tests.conftest import ROOT


def test_dashboard_renders_bundled_reports() -> None:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    summary = app.dataframe[0].value
    reports = bundled_reports()
    assert len(summary) == len(reports)
    for report in reports:
        row = summary[(summary["机关"] == report.agency.name) & (summary["年度"] == report.year)]
        assert row["本年新收申请"].item() == report.applications["new_received"]["total"]["value"]
        errors = sum(1 for f in report.findings if f.severity == "error")
        assert row["错误"].item() == errors


def test_dashboard_shows_a_reports_findings() -> None:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    labels = app.selectbox[0].options
    hongze = next(i for i, label in enumerate(labels) if label.startswith("洪泽区人民政府 2023"))
    app.selectbox[0].set_value(hongze).run()
    assert not app.exception
    messages = [element.value for element in app.error]
    assert len(messages) == 2
    assert all("总计栏为 0" in message for message in messages)
    table = app.dataframe[1].value
    assert table.loc["一、本年新收政府信息公开申请数量", "总计"] == "21"
