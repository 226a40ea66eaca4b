"""复议诉讼: the page renders, and the cases, 纠错率 and agencies it shows
equal the reports' cells summed straight from the long ``cells`` table."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import review
from app.charts import REVIEW_OUTCOME_COLOURS
from app.filters import Filters
from tests.conftest import dashboard

PAGE = "review.py"
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
HOSTILE = ("'; DROP TABLE reports; --", "<script>alert(1)</script>")


# --- Expected figures, from the cells ----------------------------------------------


def review_cells(database: Path, where: str = "TRUE", params: tuple = ()) -> pd.DataFrame:
    """Section 四 per report: year, agency, group label (行政复议 …), outcome label
    (结果维持 … 总计) and the number; blank, dash and text cells count as 0."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(
            f"""
            SELECT r.year, r.agency_id, a.name AS agency_name, k.row_label AS grp,
                   k.col_label AS outcome, k.col_key,
                   coalesce(CASE WHEN c.status = 'number' THEN c.value END, 0) AS value
            FROM reports r JOIN cells c USING (report_id) JOIN cell_keys k USING (cell_id)
                 JOIN agencies a ON a.agency_id = r.agency_id
            WHERE k.section = 'review_litigation' AND ({where})
            """,
            params,
        ).df()


def expected_outcomes(cells: pd.DataFrame) -> dict[tuple[int, str, str], float]:
    sums = cells.groupby(["year", "grp", "outcome"]).value.sum()
    return {(int(year), grp, outcome): value for (year, grp, outcome), value in sums.items()}


def expected_rates(cells: pd.DataFrame) -> dict[tuple[int, str], tuple[float, float]]:
    """(year, group) → (结果纠正, 结果维持 + 结果纠正 + 其他结果)."""
    sums = cells.pivot_table(
        index=["year", "grp"], columns="col_key", values="value", aggfunc="sum", fill_value=0
    )
    decided = sums.upheld + sums.corrected + sums.other
    rates = {}
    for year, grp in sums.index:
        rates[int(year), grp] = (sums.corrected[year, grp], decided[year, grp])
    return rates


def expected_corrected(cells: pd.DataFrame) -> pd.Series:
    """结果纠正 over the three groups per agency (with any), most first."""
    corrected = cells[cells.col_key == "corrected"]
    per_agency = corrected.groupby(["agency_id", "agency_name"]).value.sum()
    return per_agency[per_agency > 0].sort_values(ascending=False)


def year_range(database: Path) -> tuple[int, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("SELECT min(year), max(year) FROM reports").fetchone()


# --- Reading the page ------------------------------------------------------------------


def frame_with(app: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page with ``column``."""
    frames = [element.value for element in app.dataframe if column in element.value.columns]
    assert len(frames) == 1, [list(element.value.columns) for element in app.dataframe]
    return frames[0]


def _array(value: object) -> list:
    # Plotly sends numeric arrays as base64 typed arrays.
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def chart(app: AppTest, key: str) -> dict:
    """The plotly figure drawn under ``chart-<key>``, its arrays decoded."""
    (element,) = [e for e in app.get("plotly_chart") if e.proto.id.endswith(f"chart-{key}")]
    figure = json.loads(element.proto.spec)
    for trace in figure["data"]:
        for axis in ("x", "y"):
            trace[axis] = _array(trace[axis])
    return figure


# --- Shared runs -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["bundled_database", "synthetic_database"])
def database(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def default_view(database: Path) -> AppTest:
    return dashboard(database, PAGE).run()


@pytest.fixture(scope="module")
def cells(database: Path) -> pd.DataFrame:
    return review_cells(database)


# --- The page -----------------------------------------------------------------------------


def test_the_page_renders(default_view: AppTest) -> None:
    assert not default_view.exception
    assert default_view.title[0].value == "复议诉讼"
    assert any("筛选范围：" in caption.value for caption in default_view.caption)
    # Every outcome shown has its one-line definition.
    definitions = " ".join(caption.value for caption in default_view.caption)
    for label in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "纠错率", "结果纠正合计"):
        assert f"**{label}" in definitions or f"{label}**" in definitions


def test_cases_by_outcome_equal_the_cells(default_view: AppTest, cells: pd.DataFrame) -> None:
    expected = expected_outcomes(cells)
    shown = frame_with(default_view, "尚未审结")
    assert len(shown) == len(expected) // 5  # one row per year and group
    for row in shown.itertuples(index=False):
        for outcome in OUTCOMES:
            assert getattr(row, outcome) == expected[row.年度, row.类别, outcome], (row, outcome)


def test_the_outcome_chart_draws_the_review_cases(
    default_view: AppTest, cells: pd.DataFrame
) -> None:
    expected = expected_outcomes(cells)
    figure = chart(default_view, "review-outcomes")
    assert [trace["name"] for trace in figure["data"]] == list(OUTCOMES[:4])
    for trace in figure["data"]:
        assert trace["marker"]["color"] == REVIEW_OUTCOME_COLOURS[trace["name"]]
        for year, cases in zip(trace["x"], trace["y"], strict=True):
            assert cases == expected[int(year), "行政复议", trace["name"]]


def test_correction_rates_equal_the_cells(default_view: AppTest, cells: pd.DataFrame) -> None:
    expected = expected_rates(cells)
    shown = frame_with(default_view, "纠错率")
    assert len(shown) == len(expected)
    for row in shown.itertuples(index=False):
        corrected, decided = expected[row.年度, row.类别]
        assert (row.结果纠正, row.已审结案件) == (corrected, decided)
        if decided:
            assert row.纠错率 == pytest.approx(corrected / decided)
        else:
            assert pd.isna(row.纠错率)
    lines = chart(default_view, "review-rates")["data"]
    assert {line["name"] for line in lines} == set(review.GROUPS.values())
    assert "结果维持 + 结果纠正 + 其他结果" in lines[0]["hovertemplate"]


def test_the_most_corrected_agencies_equal_the_cells(
    default_view: AppTest, cells: pd.DataFrame
) -> None:
    expected = expected_corrected(cells)
    shown = frame_with(default_view, "结果纠正合计")
    assert len(shown) == min(10, len(expected))
    assert shown["结果纠正合计"].tolist() == expected.head(len(shown)).tolist()
    top_id, top_name = expected.index[0]
    assert shown["机关"].iloc[0] == top_name
    assert shown["结果纠正合计"].iloc[0] == expected.iloc[0]
    top_cells = cells[cells.agency_id == top_id]
    assert shown["案件总计"].iloc[0] == top_cells[top_cells.col_key == "total"].value.sum()
    assert shown["排名"].iloc[0] == 1


def test_url_choices_are_restored(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database, PAGE, rev_group="litigation_direct", rev_top="20").run()
    assert not app.exception
    assert app.radio(key="rev_group").value == "litigation_direct"
    assert app.radio(key="rev_top").value == 20
    expected = expected_outcomes(review_cells(synthetic_database))
    figure = chart(app, "review-outcomes")
    assert "行政诉讼·未经复议直接起诉" in figure["layout"]["title"]["text"]
    for trace in figure["data"]:
        for year, cases in zip(trace["x"], trace["y"], strict=True):
            assert cases == expected[int(year), "行政诉讼·未经复议直接起诉", trace["name"]]
    corrected = expected_corrected(review_cells(synthetic_database))
    assert len(frame_with(app, "结果纠正合计")) == min(20, len(corrected))
    assert app.query_params["rev_group"] == "litigation_direct"


def test_a_sidebar_filter_narrows_the_figures(synthetic_database: Path) -> None:
    years = {"from": "2021", "to": "2023"}  # the sidebar's URL keys
    app = dashboard(synthetic_database, PAGE, level="county", **years).run()
    assert not app.exception
    cells = review_cells(
        synthetic_database, "r.level = ? AND r.year BETWEEN ? AND ?", ("county", 2021, 2023)
    )
    expected = expected_outcomes(cells)
    shown = frame_with(app, "尚未审结")
    assert sorted(shown["年度"].unique()) == [2021, 2022, 2023]
    for row in shown.itertuples(index=False):
        assert row.结果纠正 == expected[row.年度, row.类别, "结果纠正"]
        assert row.总计 == expected[row.年度, row.类别, "总计"]
    top = expected_corrected(cells)
    assert frame_with(app, "结果纠正合计")["结果纠正合计"].tolist() == top.head(10).tolist()


def test_invalid_and_hostile_url_values_give_a_note(database: Path) -> None:
    app = dashboard(database, PAGE, rev_group=HOSTILE[0], rev_top=HOSTILE[1]).run()
    assert not app.exception
    notes = " ".join(warning.value for warning in app.warning)
    assert "rev_group" in notes and "没有这个案件类别" in notes
    assert "rev_top" in notes and "没有这个显示个数" in notes
    # The defaults are used, and the reports are all still there.
    assert app.radio(key="rev_group").value == "review"
    assert app.radio(key="rev_top").value == 10
    with duckdb.connect(str(database), read_only=True) as con:
        (reports,) = con.execute("SELECT count(*) FROM reports").fetchone()
    assert reports > 0
    assert not frame_with(app, "尚未审结").empty


def test_a_filter_matching_nothing_says_so(database: Path) -> None:
    # Neither database has a provincial 其他机关.
    app = dashboard(database, PAGE, level="province", kind="other").run()
    assert not app.exception
    assert "当前筛选范围内没有报告" in app.info[0].value
    assert not app.dataframe


# --- The functions behind it ------------------------------------------------------------------


@pytest.fixture
def everything(database: Path, monkeypatch: pytest.MonkeyPatch) -> Filters:
    monkeypatch.setenv("XXGK_DB", str(database))
    return Filters(*year_range(database))


def test_outcomes_by_year(everything: Filters, cells: pd.DataFrame) -> None:
    table = review.outcomes_by_year(everything)
    expected = expected_outcomes(cells)
    assert list(table.columns) == ["年度", "类别", *OUTCOMES]
    assert {(row.年度, row.类别, "尚未审结"): row.尚未审结 for row in table.itertuples()} == {
        key: value for key, value in expected.items() if key[2] == "尚未审结"
    }
    long = review.group_outcomes(table, "litigation_after_review")
    assert set(long["审理结果"]) == {"结果维持", "结果纠正", "其他结果", "尚未审结"}
    assert long["案件数"].sum() == sum(
        value
        for (_, group, outcome), value in expected.items()
        if group == "行政诉讼·复议后起诉" and outcome != "总计"
    )


def test_outcomes_by_year_is_empty_when_nothing_matches(everything: Filters) -> None:
    empty = Filters(everything.year_from, everything.year_to, province="没有这个省")
    assert review.outcomes_by_year(empty).empty


def test_correction_rates(everything: Filters, cells: pd.DataFrame) -> None:
    rates = review.correction_rates(everything)
    expected = expected_rates(cells)
    assert {(row.年度, row.类别): (row.结果纠正, row.已审结案件) for row in rates.itertuples()} == (
        expected
    )


def test_top_corrected_ranks_ties_alike(everything: Filters, cells: pd.DataFrame) -> None:
    expected = expected_corrected(cells)
    table = review.top_corrected(everything, 50)
    assert table["结果纠正合计"].tolist() == expected.head(50).tolist()
    assert table["结果纠正合计"].gt(0).all()
    # Equal counts share a rank; the next count's rank skips past them.
    for position, row in enumerate(table.itertuples(index=False)):
        assert row.排名 == 1 + int((table["结果纠正合计"] > row.结果纠正合计).sum()), position
    per_group = table[[f"{label}·结果纠正" for label in review.GROUPS.values()]].sum(axis=1)
    assert per_group.tolist() == table["结果纠正合计"].tolist()


def _rate_tables(app: AppTest) -> list[list[list[object]]]:
    """The 纠错率 ranking and the list apart: agency, corrected, decided."""
    tables = []
    for element in app.dataframe:
        frame = element.value
        rate_columns = [column for column in frame.columns if column.endswith("纠错率·分子")]
        if rate_columns:
            numerator = rate_columns[0]
            denominator = numerator.replace("分子", "分母")
            tables.append(frame[["机关", numerator, denominator]].values.tolist())
    return tables


@pytest.mark.parametrize(
    ("group", "min_cases", "ranked", "apart"),
    [
        # 2023–2024: 淮安市 decided 314 reviews (64 corrected), 洪泽区 13 (2).
        ("review", "20", [["淮安市人民政府", 64, 314]], [["淮安市洪泽区人民政府", 2, 13]]),
        ("review", "10", [["淮安市人民政府", 64, 314], ["淮安市洪泽区人民政府", 2, 13]], None),
        # 复议后起诉: 淮安市 14 decided (1 corrected), 洪泽区 8 (0).
        ("litigation_after_review", "10", [["淮安市人民政府", 1, 14]],
         [["淮安市洪泽区人民政府", 0, 8]]),
    ],
)  # fmt: skip
def test_the_correction_rate_ranking_leaves_out_agencies_with_few_cases(
    bundled_database: Path, group: str, min_cases: str, ranked: list, apart: list | None
) -> None:
    app = dashboard(bundled_database, PAGE, rev_group=group, rev_min=min_cases).run()
    assert not app.exception
    assert app.number_input(key="rev_min").value == int(min_cases)
    assert _rate_tables(app) == [ranked] + ([apart] if apart else [])
    captions = " ".join(caption.value for caption in app.caption)
    if apart:
        assert f"另有 {len(apart)} 个机关不足 {min_cases} 件" in captions
    ranking = next(
        e.value
        for e in app.dataframe
        if "排名" in e.value and "纠错率" in str(list(e.value.columns))
    )
    assert ranking["排名"].tolist() == list(range(1, len(ranked) + 1))
