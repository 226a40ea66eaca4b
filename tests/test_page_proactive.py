"""The 主动公开 page: its figures against the report cells, the 2019-format
reports marked (counted where the 2019 template has the item, "2019 版模板无此项"
where it has not), the measure picked in the URL, and app/proactive.py."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from app import proactive
from app.filters import Filters
from tests.conftest import cell_sum, dashboard

PAGE = "proactive.py"
ONLY_2021 = (
    "regulations_issued",
    "regulations_repealed",
    "regulations_in_force",
    "normative_documents_issued",
    "normative_documents_repealed",
    "normative_documents_in_force",
    "fees_10k_yuan",
)
IN_BOTH = ("licensing_decisions", "penalty_decisions", "coercion_decisions")


# --- Reading the database and the page --------------------------------------


def _yearly(database: Path, path: str, where: str = "TRUE") -> dict[int, float]:
    """A cell summed per year straight from ``cells`` (blank, dash, text = 0),
    with every year that has a report matching ``where``."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            f"""
            SELECT r.year, coalesce(sum(c.value) FILTER (WHERE c.status = 'number'), 0)
            FROM reports r LEFT JOIN (cells c JOIN cell_keys k ON k.cell_id = c.cell_id
                                      AND k.path = ?) ON c.report_id = r.report_id
            WHERE {where} GROUP BY r.year ORDER BY r.year
            """,
            (path,),
        ).fetchall()
    return {int(year): float(total) for year, total in rows}


def _scalar(database: Path, sql: str, params: tuple = ()) -> object:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params).fetchone()[0]


def _reports(database: Path, where: str = "TRUE") -> dict[int, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            f"SELECT year, count(*) FROM reports r WHERE {where} GROUP BY 1"
        ).fetchall()
    return dict(rows)


def _stated(database: Path) -> dict[int, int]:
    """Reports per year whose text states the number of items published."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            """
            SELECT r.year, count(*) FROM reports r JOIN cells c USING (report_id)
            JOIN cell_keys k USING (cell_id)
            WHERE k.path = 'headline.proactive_items' AND c.status = 'number' GROUP BY 1
            """
        ).fetchall()
    return dict(rows)


def _array(value: object) -> list:
    # Plotly writes numeric arrays as base64 typed arrays.
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _traces(app, index: int = 0) -> dict[str, dict[int, float]]:
    """A chart's bars: trace name → {year: value}."""
    spec = json.loads(app.get("plotly_chart")[index].proto.spec)
    return {
        trace["name"]: dict(zip(map(int, _array(trace["x"])), _array(trace["y"]), strict=True))
        for trace in spec["data"]
    }


def _metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _number(value: object) -> float | None:
    return None if pd.isna(value) else float(value)


@pytest.fixture(scope="module")
def bundled_page(bundled_database: Path):
    return dashboard(bundled_database, page=PAGE).run()


@pytest.fixture(scope="module")
def synthetic_page(synthetic_database: Path):
    return dashboard(synthetic_database, page=PAGE).run()


# --- The page ---------------------------------------------------------------


def _check_year_table(app, database: Path) -> pd.DataFrame:
    """Every figure of the 逐年数据 table against the cells; returns the table."""
    table = app.dataframe[0].value.set_index("年度")
    reports, of_2019 = _reports(database), _reports(database, "r.format = '2019'")
    assert table["报告数"].to_dict() == reports
    assert table["其中 2019 版报告"].to_dict() == {year: of_2019.get(year, 0) for year in reports}
    stated = _stated(database)
    assert table["正文写明主动公开条数的报告"].to_dict() == {y: stated.get(y, 0) for y in reports}
    for key, path in proactive.CELL_PATHS.items():
        column = table[proactive.label(key)]
        expected = _yearly(database, path)
        for year in reports:
            lacks = (key in ONLY_2021 and of_2019.get(year, 0) == reports[year]) or (
                key == proactive.HEADLINE and not stated.get(year)
            )
            assert _number(column[year]) == (None if lacks else expected[year]), (key, year)
    return table


def test_bundled_figures_equal_the_cells(bundled_page, bundled_database: Path) -> None:
    app = bundled_page
    assert not app.exception
    assert app.title[0].value == "主动公开"
    assert "筛选范围：2021\\-2024年度 · 全国" in app.caption[0].value  # Markdown-escaped
    table = _check_year_table(app, bundled_database)
    assert not table["说明"].any()  # real reports: all in the 2021 template
    # The latest year's headline figures, as printed: 淮安市 and 洪泽区, 2024.
    shown = _metrics(app)
    where = "r.year = 2024"
    licensing = cell_sum(bundled_database, "proactive.licensing.decisions", where)
    in_force = cell_sum(bundled_database, "proactive.regulations.in_force", where)
    fees = cell_sum(bundled_database, "proactive.fees.amount_10k_yuan", where)
    assert shown["行政许可决定"] == f"{licensing:,.0f}"
    assert shown["规章·现行有效"] == f"{in_force:,.0f}"
    assert shown["行政事业性收费（万元）"] == f"{fees:,.2f}"
    assert fees == 96171.60 + 7545.00
    assert (licensing, in_force) == (447228 + 9487, 11)
    items = cell_sum(bundled_database, "headline.proactive_items", where)
    assert shown["主动公开信息条数"] == f"{items:,.0f}" == "7,928"
    notes = [caption.value for caption in app.caption]
    assert "2 份报告中 2 份在正文写明" in notes
    # 2023: 沭阳县发改局 does not state the number; its year counts one report.
    assert table.loc[2023, "正文写明主动公开条数的报告"] == 1


def _licensing_ranking(database: Path) -> list[tuple]:
    """(机关, 行政许可决定, 计入报告数, 其中 2019 版报告) from the cells, largest first."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(
            """
            SELECT a.name, coalesce(sum(c.value) FILTER (WHERE c.status = 'number'), 0),
                   count(*), count(*) FILTER (WHERE r.format = '2019')
            FROM cells c JOIN cell_keys k USING (cell_id) JOIN reports r USING (report_id)
            JOIN agencies a USING (agency_id)
            WHERE k.path = 'proactive.licensing.decisions'
            GROUP BY a.name ORDER BY 2 DESC, 1 LIMIT ?
            """,
            (proactive.TOP_AGENCIES,),
        ).fetchall()


RANKING_COLUMNS = ["机关", "行政许可决定", "计入报告数", "其中 2019 版报告"]


def test_bundled_agencies_ranked_by_licensing_decisions(
    bundled_page, bundled_database: Path
) -> None:
    ranked = bundled_page.dataframe[1].value
    shown = list(ranked[RANKING_COLUMNS].itertuples(index=False, name=None))
    assert shown == _licensing_ranking(bundled_database)


def test_synthetic_2019_reports_are_marked(synthetic_page, synthetic_database: Path) -> None:
    app = synthetic_page
    assert not app.exception
    table = _check_year_table(app, synthetic_database)
    of_2019 = _reports(synthetic_database, "r.format = '2019'")
    assert of_2019, "the synthetic data has 2019-format reports"
    for year, count in of_2019.items():
        # Licensing decisions include the 2019-format reports; regulations say why not.
        assert table.loc[year, "行政许可决定"] == cell_sum(
            synthetic_database, "proactive.licensing.decisions", "r.year = ?", (year,)
        )
        assert math.isnan(table.loc[year, "规章·现行有效"])
        items = "规章、行政规范性文件、行政事业性收费"
        assert (
            table.loc[year, "说明"] == f"{items}：2019 版模板无此项，{count:,} 份 2019 版报告未计入"
        )


def test_synthetic_trend_stacks_the_templates(synthetic_page, synthetic_database: Path) -> None:
    # The default measure: 行政许可决定, in both templates.
    assert synthetic_page.selectbox(key="pro_measure").value == "licensing_decisions"
    bars = _traces(synthetic_page)
    path = "proactive.licensing.decisions"
    for fmt in ("2019", "2021"):
        expected = _yearly(synthetic_database, path, f"r.format = '{fmt}'")
        assert bars[f"{fmt} 版报告"] == expected


def test_synthetic_agency_ranking_counts_2019_reports(
    synthetic_page, synthetic_database: Path
) -> None:
    ranked = synthetic_page.dataframe[1].value
    expected = _licensing_ranking(synthetic_database)
    assert any(row[3] for row in expected), "2019-format reports are among those ranked"
    assert list(ranked[RANKING_COLUMNS].itertuples(index=False, name=None)) == expected


def test_measure_from_url_on_2019_years(synthetic_database: Path) -> None:
    url = {"from": "2019", "to": "2020", "pro_measure": "regulations_in_force"}
    app = dashboard(synthetic_database, page=PAGE, **url).run()
    assert not app.exception
    assert app.selectbox(key="pro_measure").value == "regulations_in_force"
    assert app.query_params["pro_measure"] == "regulations_in_force"
    shown = _metrics(app)
    assert shown["规章·现行有效"] == proactive.NOT_IN_2019  # not 0
    assert (
        shown["行政许可决定"]
        == f"{cell_sum(synthetic_database, 'proactive.licensing.decisions', 'r.year = 2020'):,.0f}"
    )
    bars = _traces(app)
    assert bars == {proactive.NOT_IN_2019: {2019: 0, 2020: 0}}  # a label, no figure
    assert "2019 版模板无此项" in app.info[0].value  # no agency has the item
    assert len(app.dataframe) == 1


def test_an_invalid_measure_in_the_url_is_noted(bundled_database: Path) -> None:
    app = dashboard(bundled_database, page=PAGE, pro_measure="'; DROP TABLE reports; --").run()
    assert not app.exception
    assert any(
        "pro_measure=" in warning.value and "没有这个指标" in warning.value
        for warning in app.warning
    )
    assert app.selectbox(key="pro_measure").value == proactive.DEFAULT_MEASURE
    assert len(app.dataframe) == 2 and app.get("plotly_chart")
    assert "pro_measure" not in app.query_params


def test_a_selection_without_reports_says_so(bundled_database: Path) -> None:
    # No city-level department among the bundled reports.
    app = dashboard(bundled_database, page=PAGE, level="city", kind="department").run()
    assert not app.exception
    assert "没有报告" in app.info[0].value
    assert not app.metric and not app.dataframe


# --- app/proactive.py ---------------------------------------------------------


@pytest.fixture
def on_synthetic(synthetic_database: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XXGK_DB", str(synthetic_database))
    return synthetic_database


def test_templates_come_from_cell_keys(on_synthetic: Path) -> None:
    cells = proactive.cells()
    assert {key for key in proactive.MEASURE_KEYS if proactive.in_2019(key)} == {
        proactive.HEADLINE,
        *IN_BOTH,
    }
    assert cells["fees_10k_yuan"].formats == {"2021"}
    assert cells["normative_documents_issued"].item == "行政规范性文件"


def _raw(**values: int) -> pd.DataFrame:
    """One year of sums as the by-year SQL returns them."""
    row: dict[str, object] = {"year": 2021, "reports": 10, "reports_2019": 4}
    for key in proactive.MEASURE_KEYS:
        row[f"{key}_sum"] = values.get(key, 6.0)
        row[f"{key}_sum_2019"] = values.get(f"{key}_2019", 2.0 if key in IN_BOTH else None)
    row[f"{proactive.HEADLINE}_stated"] = values.get("stated", 3)
    row[f"{proactive.HEADLINE}_stated_2019"] = values.get("stated_2019", 1)
    return pd.DataFrame([row])


def test_a_year_of_both_templates_counts_what_each_has(on_synthetic: Path) -> None:
    data = proactive.coverage(_raw())
    row = data.iloc[0]
    assert (row.licensing_decisions, row.licensing_decisions_2019) == (6, 2)
    assert (row.licensing_decisions_included, row.licensing_decisions_included_2019) == (10, 4)
    assert (row.regulations_in_force_included, row.regulations_in_force_included_2019) == (6, 0)
    assert proactive.note("licensing_decisions", row) == "计入 10 份报告，含 2019 版报告 4 份"
    assert proactive.note("regulations_in_force", row) == (
        "计入 2021 版报告 6 份；4 份 2019 版报告未计入（2019 版模板无此项）"
    )
    assert (
        proactive.note(proactive.HEADLINE, row) == "10 份报告中 3 份在正文写明，含 2019 版报告 1 份"
    )
    trend = proactive.trend_data(data, "licensing_decisions")
    assert trend[["报告模板", "行政许可决定", "计入报告数"]].values.tolist() == [
        ["2021 版报告", 4.0, 6],
        ["2019 版报告", 2.0, 4],
    ]
    assert "4 份 2019 版报告未计入" in proactive.year_note(row)


def test_a_year_of_2019_reports_has_no_2021_items(on_synthetic: Path) -> None:
    raw = _raw(stated=0, stated_2019=0, **{key: None for key in proactive.MEASURE_KEYS})
    raw["reports_2019"] = 10
    row = proactive.coverage(raw).iloc[0]
    assert proactive.value_text("fees_10k_yuan", row.fees_10k_yuan) == proactive.NOT_IN_2019
    assert proactive.note("fees_10k_yuan", row) == proactive.NOT_IN_2019
    # In the 2019 template, blank cells everywhere are 0, not missing.
    assert row.penalty_decisions == 0 and proactive.value_text("penalty_decisions", 0) == "0"
    assert proactive.value_text(proactive.HEADLINE, row[proactive.HEADLINE]) == "—"
    assert proactive.note(proactive.HEADLINE, row) == "10 份报告均未在正文写明"


def test_by_year_matches_the_cells_per_template(on_synthetic: Path) -> None:
    data = proactive.by_year(Filters(2019, 2025, levels=("county",))).set_index("year")
    where = "r.level = 'county'"
    for fmt in ("2019", "2021"):
        expected = _yearly(
            on_synthetic, "proactive.penalty.decisions", f"{where} AND r.format = '{fmt}'"
        )
        column = (
            data.penalty_decisions_2019
            if fmt == "2019"
            else (data.penalty_decisions - data.penalty_decisions_2019.fillna(0))
        )
        assert {year: value for year, value in column.items() if year in expected} == expected


def test_an_agencys_stock_is_its_latest_report(on_synthetic: Path) -> None:
    ranked = proactive.by_agency(Filters(2019, 2025), "normative_documents_in_force", limit=10_000)
    with duckdb.connect(str(on_synthetic), read_only=True) as con:
        expected = con.execute(
            """
            SELECT r.agency_id, arg_max(coalesce(c.value, 0), r.year), max(r.year), count(*)
            FROM cells c JOIN cell_keys k USING (cell_id) JOIN reports r USING (report_id)
            WHERE k.path = 'proactive.normative_documents.in_force' GROUP BY 1
            """
        ).fetchall()
    got = ranked.set_index("agency_id")
    assert len(got) == len(expected)
    for agency, value, year, count in expected:
        assert (got.loc[agency, "value"], got.loc[agency, "latest_year"]) == (value, year)
        assert got.loc[agency, "included"] == count
    assert (got.included_2019 == 0).all()
    assert list(ranked.value) == sorted(ranked.value, reverse=True)
    assert "数据年度" in proactive.agency_table(ranked, "normative_documents_in_force")


def test_by_agency_takes_only_its_own_measures(on_synthetic: Path) -> None:
    with pytest.raises(ValueError):
        proactive.by_agency(Filters(2019, 2025), "received; DROP TABLE reports")
    headline = proactive.by_agency(Filters(2019, 2025), proactive.HEADLINE, limit=3)
    total = _scalar(
        on_synthetic,
        "SELECT sum(c.value) FROM cells c JOIN cell_keys k USING (cell_id) JOIN reports r "
        "USING (report_id) WHERE k.path = 'headline.proactive_items' AND r.agency_id = ?",
        (headline.agency_id[0],),
    )
    assert headline.value[0] == total
