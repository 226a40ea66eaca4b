"""The app renders the loaded reports, and its figures equal the reports' cells."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.reports import bundled_reports
from tests.conftest import ROOT, run_cli


@pytest.fixture
def app(bundled_database: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def test_dashboard_renders_the_loaded_reports(app: AppTest) -> None:
    app.run()
    assert not app.exception
    summary = app.dataframe[0].value
    reports = bundled_reports()
    assert len(summary) == len(reports)
    for report in reports:
        row = summary[(summary["机关"] == report.agency.name) & (summary["年度"] == report.year)]
        assert row["本年新收申请"].item() == report.applications["new_received"]["total"]["value"]
        errors = sum(1 for f in report.findings if f.severity == "error")
        assert row["错误"].item() == errors
    assert not app.warning  # no synthetic-data banner over real reports


def test_dashboard_shows_a_reports_findings(app: AppTest) -> None:
    app.run()
    labels = app.selectbox[0].options
    hongze = next(i for i, label in enumerate(labels) if label.startswith("洪泽区人民政府 2023"))
    app.selectbox[0].set_value(hongze).run()
    assert not app.exception
    messages = [element.value for element in app.error]
    assert len(messages) == 2
    assert all("总计栏为 0" in message for message in messages)
    table = app.dataframe[1].value
    assert table.loc["一、本年新收政府信息公开申请数量", "总计"] == "21"
    assert table.loc["2.其他法律行政法规禁止公开", "自然人"] == "0"
    assert list(table.columns)[-1] == "总计"


def test_a_missing_database_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XXGK_DB", str(tmp_path / "none.duckdb"))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    assert "数据库不存在" in app.error[0].value


@pytest.fixture(scope="module")
def synthetic_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    result = run_cli("synth", "--reports", "300", "--seed", "3", "--out", str(db))
    assert result.returncode == 0, result.stderr
    return db


def test_synthetic_data_is_announced_and_its_figures_shown(
    synthetic_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XXGK_DB", str(synthetic_database))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    assert "300 份合成（模拟）报告" in app.warning[0].value
    shown = app.dataframe[0].value
    with duckdb.connect(str(synthetic_database), read_only=True) as con:
        # Straight from the long cells table, not through the views the page reads.
        expected = con.execute(
            """
            SELECT r.agency_name, r.year, c.value,
                   (SELECT count(*) FROM findings f
                    WHERE f.report_id = r.report_id AND f.severity = 'error')
            FROM reports r
            JOIN cells c USING (report_id)
            JOIN cell_keys k USING (cell_id)
            WHERE k.path = 'applications.new_received.total'
            ORDER BY r.agency_id, r.year
            """
        ).fetchall()
    assert list(
        shown[["机关", "年度", "本年新收申请", "错误"]].itertuples(index=False, name=None)
    ) == [tuple(row) for row in expected]
