"""The 依申请公开 page: the yearly figures, outcome groups, reasons and applicant
types against the report cells, the counts/shares switch and the group kept
in the URL, and app/applications.py."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from app import applications, charts
from app.filters import Filters
from etl import template
from tests.conftest import dashboard

PAGE = "applications.py"
FLOW_ROWS = {
    "本年新收申请": "new_received",
    "上年结转申请": "carried_over",
    "办理结果总计": "total_processed",
    "结转下年度继续办理": "carried_forward",
}
CHARTS = ("flows", "outcomes", "reasons", "applicants", "disclosure_rate", "carry_forward_rate")


# --- Reading the database and the page --------------------------------------


def _yearly(database: Path, *paths: str) -> dict[int, float]:
    """Cells summed per year straight from ``cells`` (blank, dash, text = 0),
    every year with reports included."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            """
            SELECT r.year, coalesce(sum(c.value) FILTER (WHERE c.status = 'number'), 0)
            FROM reports r LEFT JOIN (cells c JOIN cell_keys k ON k.cell_id = c.cell_id
                AND list_contains(?, k.path)) ON c.report_id = r.report_id
            GROUP BY r.year ORDER BY r.year
            """,
            (list(paths),),
        ).fetchall()
    return {int(year): float(total) for year, total in rows}


def _row(key: str, column: str = "total") -> str:
    return f"applications.{key}.{column}"


def _group_rows(group: str) -> list[str]:
    return [_row(row.key) for row in template.APPLICATION_ROWS if row.group == group]


def _array(value: object) -> list:
    # Plotly writes numeric arrays as base64 typed arrays.
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _chart(app, name: str) -> list[dict]:
    return json.loads(app.get("plotly_chart")[CHARTS.index(name)].proto.spec)["data"]


def _bars(app, name: str) -> dict[str, dict[int, float]]:
    """A bar chart: trace name → {year: value}."""
    return {
        trace["name"]: dict(zip(map(int, _array(trace["x"])), _array(trace["y"]), strict=True))
        for trace in _chart(app, name)
    }


def _ratio(numerator: float | None, denominator: float = 1.0) -> float | None:
    """A rate rounded for comparison; None without a denominator (or value)."""
    if numerator is None or pd.isna(numerator) or not denominator:
        return None
    return round(numerator / denominator, 12)


def _colours(app, name: str) -> dict[str, str]:
    return {trace["name"]: trace["marker"]["color"] for trace in _chart(app, name)}


@pytest.fixture(scope="module", params=["bundled_database", "synthetic_database"])
def database(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def default_page(database: Path):
    return dashboard(database, page=PAGE).run()


# --- The page, with both databases -------------------------------------------


def test_yearly_figures_equal_the_cells(default_page, database: Path) -> None:
    app = default_page
    assert not app.exception
    assert app.title[0].value == "依申请公开"
    summary = app.dataframe[1].value.set_index("年度")
    for heading, row in FLOW_ROWS.items():
        assert summary[heading].to_dict() == _yearly(database, _row(row)), heading
    for group, label in template.OUTCOME_GROUP_LABELS.items():
        assert summary[label].to_dict() == _yearly(database, *_group_rows(group)), label
    granted = _yearly(database, *_group_rows("granted"), *_group_rows("partially_granted"))
    processed = _yearly(database, _row("total_processed"))
    for year, rate in summary["公开率"].items():
        assert _ratio(rate) == _ratio(granted[year], processed[year]), year
    # The received and carried-over chart draws the same figures.
    flows = _bars(app, "flows")
    assert flows["本年新收申请"] == _yearly(database, _row("new_received"))
    assert flows["上年结转申请"] == _yearly(database, _row("carried_over"))


def test_outcome_groups_by_year_in_their_colours(default_page, database: Path) -> None:
    assert default_page.radio(key="app_view").value == "counts"
    bars = _bars(default_page, "outcomes")
    assert list(bars) == list(template.OUTCOME_GROUP_LABELS.values())
    for group, label in template.OUTCOME_GROUP_LABELS.items():
        assert bars[label] == _yearly(database, *_group_rows(group))
    assert _colours(default_page, "outcomes") == charts.OUTCOME_COLOURS


def test_reasons_of_the_default_group(default_page, database: Path) -> None:
    assert default_page.radio(key="app_group").value == "withheld"
    table = default_page.dataframe[0].value.set_index("年度")
    rows = [row for row in template.APPLICATION_ROWS if row.group == "withheld"]
    assert list(table.columns) == [row.label for row in rows] + ["合计"]
    for row in rows:
        assert table[row.label].to_dict() == _yearly(database, _row(row.key)), row.key
    assert table["合计"].to_dict() == _yearly(database, *_group_rows("withheld"))
    bars = _bars(default_page, "reasons")
    assert bars[rows[0].label] == _yearly(database, _row(rows[0].key))


def test_applicant_types(default_page, database: Path) -> None:
    bars = _bars(default_page, "applicants")
    columns = template.APPLICANT_COLUMNS[:-1]
    assert list(bars) == [template.APPLICANT_COLUMN_LABELS[column] for column in columns]
    for column in columns:
        label = template.APPLICANT_COLUMN_LABELS[column]
        assert bars[label] == _yearly(database, _row("new_received", column)), label
    assert _colours(default_page, "applicants") == charts.APPLICANT_COLOURS


def test_rate_points_carry_numerator_and_denominator(default_page, database: Path) -> None:
    (line,) = _chart(default_page, "carry_forward_rate")
    forward = _yearly(database, _row("carried_forward"))
    due = {
        year: value + _yearly(database, _row("carried_over"))[year]
        for year, value in _yearly(database, _row("new_received")).items()
    }
    years = list(map(int, _array(line["x"])))
    assert years == list(forward)
    assert [_ratio(rate) for rate in _array(line["y"])] == [
        _ratio(forward[y], due[y]) for y in years
    ]
    parts = np.frombuffer(
        base64.b64decode(line["customdata"]["bdata"]), dtype=line["customdata"]["dtype"]
    ).reshape(-1, 2)
    assert parts.tolist() == [[forward[y], due[y]] for y in years]
    assert (
        "结转下年度继续办理" in line["hovertemplate"]
        and "本年新收 + 上年结转" in line["hovertemplate"]
    )


# --- URL choices, the switch, bad values, empty selections ------------------


def test_choices_from_the_url_are_restored(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database, page=PAGE, app_view="shares", app_group="other").run()
    assert not app.exception
    assert app.radio(key="app_view").value == "shares"
    assert app.radio(key="app_group").value == "other"
    assert dict(app.query_params) == {"app_view": "shares", "app_group": "other"}
    # Shares: each group of the year's six groups; the bars add up to 100 %.
    groups = {
        label: _yearly(synthetic_database, *_group_rows(group))
        for group, label in template.OUTCOME_GROUP_LABELS.items()
    }
    bars = _bars(app, "outcomes")
    for year in groups["予以公开"]:
        total = sum(group[year] for group in groups.values())
        for label, group in groups.items():
            assert bars[label][year] == pytest.approx(group[year] / total)
    # The 其他处理 reasons: three rows (2021), one undivided row (2019 template).
    table = app.dataframe[0].value.set_index("年度")
    rows = [row for row in template.APPLICATION_ROWS if row.group == "other"]
    assert list(table.columns) == [row.label for row in rows[:-1]] + ["（六）其他处理（未分项）"]
    total = _yearly(synthetic_database, *_group_rows("other"))
    for row, column in zip(rows, table.columns, strict=True):
        cells = _yearly(synthetic_database, _row(row.key))
        assert table[column].to_dict() == pytest.approx({y: cells[y] / total[y] for y in cells})
    assert table.loc[2019, "（六）其他处理（未分项）"] == 1.0  # 2019-format reports


def test_switching_to_shares_keeps_it_in_the_url(bundled_database: Path) -> None:
    app = dashboard(bundled_database, page=PAGE).run()
    assert "app_view" not in app.query_params
    app.radio(key="app_view").set_value("shares").run()
    assert not app.exception
    assert app.query_params["app_view"] == "shares"
    # 2021: 镇海区经信局 received no applications, so it has no shares.
    bars = _bars(app, "applicants")
    assert all(np.isnan(series[2021]) for series in bars.values())
    for year in (2023, 2024):
        assert sum(series[year] for series in bars.values()) == pytest.approx(1.0)
    app.radio(key="app_group").set_value("declined").run()
    assert app.query_params["app_group"] == "declined"
    assert app.dataframe[0].value.columns[1] == "1.信访举报投诉类申请"


def test_invalid_url_values_are_noted(bundled_database: Path) -> None:
    app = dashboard(bundled_database, page=PAGE, app_view="pie", app_group="' OR 1=1 --").run()
    assert not app.exception
    notes = " ".join(warning.value for warning in app.warning)
    assert "app_view=pie" in notes and "没有这个显示方式" in notes
    assert "app_group=" in notes and "没有这个办理结果分组" in notes
    assert app.radio(key="app_view").value == "counts"
    assert app.radio(key="app_group").value == "withheld"
    assert len(app.get("plotly_chart")) == len(CHARTS) and len(app.dataframe) == 2


def test_a_selection_without_reports_says_so(bundled_database: Path) -> None:
    app = dashboard(bundled_database, page=PAGE, level="city", kind="department").run()
    assert not app.exception
    assert "没有报告" in app.info[0].value
    assert not app.dataframe and not app.get("plotly_chart")


# --- app/applications.py ------------------------------------------------------


@pytest.fixture
def on_synthetic(synthetic_database: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XXGK_DB", str(synthetic_database))
    return synthetic_database


def test_reason_columns_come_from_cell_keys(on_synthetic: Path) -> None:
    assert applications.reason_columns("unavailable") == {
        "unavailable_not_held": "app_unavailable_not_held_total",
        "unavailable_needs_creation": "app_unavailable_needs_creation_total",
        "unavailable_unclear": "app_unavailable_unclear_total",
    }
    with pytest.raises(ValueError):
        applications.reason_rows("granted")  # no reasons to itemise
    with pytest.raises(ValueError):
        applications.reason_columns("withheld; DROP TABLE reports")


def test_reasons_add_up_to_their_group(on_synthetic: Path) -> None:
    chosen = Filters(2019, 2025, levels=("county", "township"))
    yearly = applications.by_year(chosen).set_index("year")
    for group in applications.REASON_GROUPS:
        reasons = applications.reasons_by_year(chosen, group)
        sums = reasons.groupby("年度")[applications.COUNT].sum()
        assert sums.to_dict() == yearly[applications.OUTCOME_KEYS[group]].to_dict(), group
        shares = reasons.groupby("年度")[applications.SHARE].sum()
        assert all(share == pytest.approx(1.0) for year, share in shares.items() if sums[year])


def test_parts_by_year_shares_and_empty_years() -> None:
    wide = pd.DataFrame({"year": [2021, 2022], "a": [3.0, 0.0], "b": [1.0, 0.0]})
    parts = applications.parts_by_year(wide, {"a": "甲", "b": "乙"}, "项")
    assert parts.loc[parts["年度"] == 2021, "占比"].tolist() == [0.75, 0.25]
    assert parts.loc[parts["年度"] == 2022, "占比"].isna().all()  # nothing to share
    table = applications.reason_table(parts.rename(columns={"项": "理由"}), "counts")
    assert table.columns.tolist() == ["年度", "甲", "乙", "合计"]
    assert table["合计"].tolist() == [4.0, 0.0]


def test_summary_columns_say_what_they_count(on_synthetic: Path) -> None:
    summary = applications.summary_table(applications.by_year(Filters(2019, 2025)))
    config = applications.measure_columns(summary)
    assert set(config) == set(summary.columns) - {"年度"}
    assert summary.columns[:3].tolist() == ["年度", "报告数", "本年新收申请"]
