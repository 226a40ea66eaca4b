"""机关对比: the page renders, keeps its choices in the URL, checks the 2–10
bound, and the values, ranks and peer medians it shows equal the reports'
cells summed straight from the long ``cells`` table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import compare, minimum, plain
from app.filters import Filters
from app.urlstate import InvalidParameter
from tests.conftest import dashboard
from tests.test_page_review import HOSTILE, chart, frame_with, year_range

PAGE = "compare.py"
REVIEW = "review_litigation.administrative_review"
# The cells each tested measure is made of: a count's value, a rate's parts.
CELLS = {
    "received": {"value": ["applications.new_received.total"]},
    "review_correction_rate": {
        "num": [f"{REVIEW}.corrected"],
        "den": [f"{REVIEW}.upheld", f"{REVIEW}.corrected", f"{REVIEW}.other"],
    },
}


# --- Expected figures, from the cells ----------------------------------------------


def agency_figures(database: Path, key: str, years: tuple[int, int]) -> pd.DataFrame:
    """Every agency with reports in ``years``: its name, level, kind, report
    count and the measure summed over its reports (a rate as the rate of the
    summed parts, missing when nothing is decided)."""
    parts = CELLS[key]
    paths = sorted({path for group in parts.values() for path in group})
    with duckdb.connect(str(database), read_only=True) as con:
        reports = con.execute(
            "SELECT r.report_id, r.agency_id, a.name, r.level, r.kind, a.province, a.city"
            " FROM reports r"
            " JOIN agencies a USING (agency_id) WHERE r.year BETWEEN ? AND ?",
            years,
        ).df()
        cells = con.execute(
            """
            SELECT c.report_id, k.path, CASE WHEN c.status = 'number' THEN c.value END AS value
            FROM cells c JOIN cell_keys k USING (cell_id) WHERE list_contains(?, k.path)
            """,
            (paths,),
        ).df()
    wide = cells.pivot_table(index="report_id", columns="path", values="value", aggfunc="sum")
    wide = wide.reindex(index=reports.report_id, columns=paths).fillna(0)
    for part, group in parts.items():
        reports[part] = wide[group].sum(axis=1).to_numpy()
    per_agency = reports.groupby("agency_id").agg(
        name=("name", "first"),
        level=("level", "first"),
        kind=("kind", "first"),
        province=("province", "first"),
        city=("city", "first"),
        reports=("report_id", "count"),
        **{part: (part, "sum") for part in parts},
    )
    if "num" in parts:
        decided = per_agency.den.where(per_agency.den > 0)
        per_agency["value"] = per_agency.num / decided
    return per_agency


# The columns peers share, per peer scope.
PEER_GROUPS = {
    "country": ["level", "kind"],
    "province": ["level", "kind", "province"],
    "city": ["level", "kind", "province", "city"],
}


def peer_expectation(
    figures: pd.DataFrame, scope: str = "country", min_cases: int = 0
) -> pd.DataFrame:
    """Per agency: the median of its group (level and kind, and for a narrower
    scope its province or city) and how many agencies of the group have a value
    — for a rate, a denominator of at least ``min_cases``."""
    counted = figures.value.where(figures.den >= min_cases) if "den" in figures else figures.value
    groups = figures.assign(value=counted).groupby(PEER_GROUPS[scope], dropna=False).value
    count = groups.transform("count")
    median = groups.transform("median")
    # The page leaves out a median of fewer than MIN_PEERS agencies.
    shown = median.where(count >= compare.MIN_PEERS)
    return pd.DataFrame({"median": median, "count": count, "shown": shown})


def some_agencies(database: Path, count: int) -> list[str]:
    """Agencies with the most reports, so every one has figures."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "SELECT agency_id FROM agencies ORDER BY report_count DESC, agency_id LIMIT ?",
            (count,),
        ).fetchall()
    return [agency_id for (agency_id,) in rows]


# --- Shared runs -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["bundled_database", "synthetic_database"])
def database(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def chosen(database: Path) -> list[str]:
    return some_agencies(database, 4)


@pytest.fixture(scope="module")
def rate_view(database: Path, chosen: list[str]) -> AppTest:
    """Four agencies on the 行政复议纠错率, as a copied link opens them."""
    return dashboard(database, PAGE, cmp_agency=chosen, cmp_measure="review_correction_rate").run()


@pytest.fixture(scope="module")
def region_view(database: Path) -> AppTest:
    """Every county-level agency (both databases have some) on 本年新收申请."""
    return dashboard(database, PAGE, cmp_mode="region", level="county").run()


# --- The page: chosen agencies -----------------------------------------------------------------


def test_the_chosen_agencies_are_restored_from_the_url(
    rate_view: AppTest, chosen: list[str]
) -> None:
    assert not rate_view.exception
    assert rate_view.title[0].value == "机关对比"
    assert rate_view.multiselect(key="cmp_agency").value == chosen
    assert rate_view.selectbox(key="cmp_measure").value == "review_correction_rate"
    assert rate_view.radio(key="cmp_mode").value == "agencies"
    assert rate_view.query_params["cmp_agency"] == chosen
    captions = " ".join(caption.value for caption in rate_view.caption)
    assert "行政复议纠错率**：已审结的行政复议案件中结果纠正的比例" in captions
    assert "筛选范围：" in captions and "同类机关：" in captions


def test_the_ranking_equals_the_cells(
    rate_view: AppTest, database: Path, chosen: list[str]
) -> None:
    """A rate ranks the agencies with at least 10 cases (the default minimum)
    and those with no case; the others are listed apart, unranked."""
    figures = agency_figures(database, "review_correction_rate", year_range(database))
    expected = figures.loc[chosen]
    enough = expected[expected.value.isna() | (expected.den >= minimum.DEFAULT_MIN_CASES)]
    few = expected[expected.value.notna() & (expected.den < minimum.DEFAULT_MIN_CASES)]
    shown = frame_with(rate_view, "排名")
    apart = [frame for frame in _frames(rate_view) if "报告数" in frame and "排名" not in frame]
    assert sorted(shown["机关"]) == sorted(enough.name)
    assert sorted(frame for table in apart for frame in table["机关"]) == sorted(few.name)
    for _, row in pd.concat([shown, *apart]).iterrows():
        agency = expected[expected.name == row["机关"]].iloc[0]
        assert row["报告数"] == agency.reports
        assert row["行政复议纠错率·分子"] == agency.num
        assert row["行政复议纠错率·分母"] == agency.den
        if pd.isna(agency.value):
            assert pd.isna(row["行政复议纠错率"]) and pd.isna(row["排名"])
        else:
            assert row["行政复议纠错率"] == pytest.approx(agency.value)
            if agency.den >= minimum.DEFAULT_MIN_CASES:
                ranked_above = (enough.value > agency.value).sum()
                assert row["排名"] == 1 + ranked_above
    assert list(shown.columns[-3:]) == ["行政复议纠错率·分子", "行政复议纠错率·分母", "机关编号"]
    assert set(shown["机关编号"]) == set(expected[expected.name.isin(shown["机关"])].index)


def _frames(app: AppTest) -> list[pd.DataFrame]:
    return [element.value for element in app.dataframe]


def test_each_agency_is_set_against_its_peer_median(
    rate_view: AppTest, database: Path, chosen: list[str]
) -> None:
    """A rate's peers are the agencies with at least the minimum of cases, as
    in the ranking; an agency below it is listed, its rate with its parts, but
    not set against the median."""
    figures = agency_figures(database, "review_correction_rate", year_range(database))
    least = minimum.DEFAULT_MIN_CASES
    peers = peer_expectation(figures, min_cases=least)
    shown = frame_with(rate_view, "同类机关中位数")
    assert len(shown) == len(chosen)
    assert "差值（百分点）" in shown.columns  # a rate's difference is in points
    for row in shown.to_dict("records"):
        agency_id = figures.index[figures.name == row["机关"]][0]
        agency = figures.loc[agency_id]
        assert (row["行政复议纠错率·分子"], row["行政复议纠错率·分母"]) == (agency.num, agency.den)
        assert row["同类机关数"] == peers.loc[agency_id, "count"]
        median = peers.loc[agency_id, "shown"]
        assert row["同类机关中位数"] == pytest.approx(median, nan_ok=True)
        too_few = pd.notna(agency.value) and agency.den < least
        expected = float("nan") if too_few else (agency.value - median) * 100
        assert row["差值（百分点）"] == pytest.approx(expected, nan_ok=True)
        assert row.get("说明", "") == (f"分母不足 {least} 件，不比较" if too_few else "")


def test_the_yearly_chart_draws_one_line_per_agency(
    rate_view: AppTest, database: Path, chosen: list[str]
) -> None:
    figure = chart(rate_view, "compare-yearly")
    names = set(agency_figures(database, "received", year_range(database)).loc[chosen].name)
    with_reports = {line["name"] for line in figure["data"]}
    assert with_reports == names
    assert all(line["mode"] == "lines+markers" for line in figure["data"])
    assert "结果维持 + 结果纠正 + 其他结果" in figure["data"][0]["hovertemplate"]


# --- The page: all agencies of a region and level -------------------------------------------


def test_the_region_mode_ranks_every_agency_of_the_level(
    region_view: AppTest, database: Path
) -> None:
    assert not region_view.exception
    figures = agency_figures(database, "received", year_range(database))
    expected = figures[figures.level == "county"]
    shown = frame_with(region_view, "排名")
    assert len(shown) == len(expected)
    assert shown["本年新收申请"].tolist() == sorted(expected.value, reverse=True)
    for row in shown.itertuples(index=False):
        agency = expected[expected.name == row.机关].iloc[0]
        assert row.本年新收申请 == agency.value
        assert row.排名 == 1 + (expected.value > agency.value).sum()
    drawn = {bar["name"] for bar in chart(region_view, "compare-yearly")["data"]}
    assert drawn == set(shown["机关"].head(compare.CHART_LIMIT))


def test_the_region_mode_peer_medians_count_every_peer(
    region_view: AppTest, database: Path
) -> None:
    figures = agency_figures(database, "received", year_range(database))
    peers = peer_expectation(figures)
    shown = frame_with(region_view, "同类机关中位数")
    for row in shown.itertuples(index=False):
        agency_id = figures.index[figures.name == row.机关][0]
        median = peers.loc[agency_id, "shown"]
        assert row.同类机关中位数 == pytest.approx(median, nan_ok=True)
        assert row.同类机关数 == peers.loc[agency_id, "count"]
        assert row.差值 == pytest.approx(figures.loc[agency_id, "value"] - median, nan_ok=True)


def test_a_linked_peer_scope_takes_the_medians_over_each_agencys_city(
    database: Path,
) -> None:
    app = dashboard(database, PAGE, cmp_mode="region", level="county", cmp_peers="city").run()
    assert not app.exception
    assert app.radio(key="cmp_peers").value == "city"
    assert any("与该机关同市" in caption.value for caption in app.caption)
    figures = agency_figures(database, "received", year_range(database))
    in_city, in_country = peer_expectation(figures, "city"), peer_expectation(figures)
    shown = frame_with(app, "同类机关中位数")
    ids = [figures.index[figures.name == name][0] for name in shown.机关]
    assert shown.同类机关数.tolist() == in_city.loc[ids, "count"].tolist()
    assert shown.同类机关中位数.tolist() == pytest.approx(
        in_city.loc[ids, "shown"].tolist(), nan_ok=True
    )
    # Several cities' counties in both databases: the scope changes the counts.
    assert shown.同类机关数.tolist() != in_country.loc[ids, "count"].tolist()


def test_the_region_mode_caps_the_chart_and_says_so(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database, PAGE, cmp_mode="region", level="city").run()
    assert not app.exception
    figures = agency_figures(synthetic_database, "received", year_range(synthetic_database))
    cities = int((figures.level == "city").sum())
    assert cities > compare.CHART_LIMIT
    assert len(frame_with(app, "排名")) == cities
    assert len(chart(app, "compare-yearly")["data"]) == compare.CHART_LIMIT
    captions = " ".join(caption.value for caption in app.caption)
    assert f"范围内共 {cities} 个机关" in captions
    assert f"排名前 {compare.CHART_LIMIT} 的机关" in captions
    assert "cmp_agency" not in app.query_params


def test_the_region_mode_asks_for_a_level(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database, PAGE, cmp_mode="region").run()
    assert not app.exception
    assert "请在左侧“层级”中选择至少一个层级" in app.info[0].value
    assert not app.dataframe


# --- The page: messages ------------------------------------------------------------------------


def test_fewer_than_two_agencies_asks_for_more(database: Path) -> None:
    app = dashboard(database, PAGE, cmp_agency=some_agencies(database, 1)).run()
    assert not app.exception
    assert "请选择至少 2 个机关进行对比" in app.info[0].value
    assert not app.dataframe


def test_more_than_ten_agencies_asks_for_fewer(synthetic_database: Path) -> None:
    app = dashboard(synthetic_database, PAGE, cmp_agency=some_agencies(synthetic_database, 11))
    app.run()
    assert not app.exception
    assert "最多可同时对比 10 个机关，当前选择了 11 个" in app.warning[-1].value
    assert not app.dataframe


def test_invalid_and_hostile_url_values_give_a_note(database: Path) -> None:
    kept = some_agencies(database, 2)
    app = dashboard(
        database, PAGE, cmp_agency=[*HOSTILE, *kept], cmp_measure=HOSTILE[0], cmp_mode=HOSTILE[1]
    ).run()
    assert not app.exception
    notes = " ".join(warning.value for warning in app.warning)
    assert "cmp_measure" in notes and "没有这个指标" in notes
    assert "cmp_mode" in notes and "没有这个对比方式" in notes
    assert "cmp_agency" in notes and "没有这个机关" in notes
    # The valid agencies are kept and compared on the default measure.
    assert app.multiselect(key="cmp_agency").value == kept
    assert app.selectbox(key="cmp_measure").value == compare.DEFAULT_MEASURE
    assert len(frame_with(app, "排名")) == 2
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] > 0


def test_a_filter_matching_nothing_says_so(database: Path) -> None:
    app = dashboard(database, PAGE, level="province", kind="other").run()
    assert not app.exception
    assert "当前筛选范围内没有报告" in app.info[0].value
    assert not app.dataframe


def test_many_agencies_are_found_by_name(
    synthetic_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the filtered range held more agencies than the picker lists.
    monkeypatch.setattr("app.filters.AGENCY_LIST_LIMIT", 5)
    monkeypatch.setattr("app.compare.AGENCY_LIST_LIMIT", 5)
    kept = some_agencies(synthetic_database, 2)
    app = dashboard(synthetic_database, PAGE, cmp_agency=kept).run()
    assert not app.exception
    app.text_input(key="cmp_search").input("人民政府").run()
    assert not app.exception
    options = app.multiselect(key="cmp_agency").options
    with duckdb.connect(str(synthetic_database), read_only=True) as con:
        names = dict(con.execute("SELECT agency_id, name FROM agencies").fetchall())
    expected = {name for name in names.values() if "人民政府" in name}
    expected |= {names[agency_id] for agency_id in kept}
    assert set(options) == expected
    assert app.multiselect(key="cmp_agency").value == kept


# --- The functions behind it ---------------------------------------------------------------------


@pytest.fixture
def everything(database: Path, monkeypatch: pytest.MonkeyPatch) -> Filters:
    monkeypatch.setenv("XXGK_DB", str(database))
    return Filters(*year_range(database))


@pytest.mark.parametrize("scope", list(compare.PEER_SCOPES))
@pytest.mark.parametrize("key", ["received", "review_correction_rate"])
def test_peer_medians_equal_pandas_over_the_cells(
    everything: Filters, database: Path, key: str, scope: str
) -> None:
    # The last three years only, so the year filter is part of the check.
    years = (max(everything.year_from, everything.year_to - 2), everything.year_to)
    filters = Filters(*years, province="不影响同类范围")
    figures = agency_figures(database, key, years)
    expected = peer_expectation(figures, scope, min_cases=5)  # counts have no minimum
    ids = list(figures.index)
    medians = compare.peer_medians(filters, key, ids, scope, min_cases=5).set_index("agency_id")
    assert set(medians.index) == set(ids)
    for agency_id in ids:
        assert medians.loc[agency_id, "peers"] == expected.loc[agency_id, "count"]
        assert medians.loc[agency_id, "peer_median"] == pytest.approx(
            expected.loc[agency_id, "median"], nan_ok=True
        )


def test_ranking_equals_the_cells(everything: Filters, database: Path) -> None:
    figures = agency_figures(database, "received", year_range(database))
    rows = compare.ranking(everything, "received", limit=3)
    assert rows.in_scope.iloc[0] == len(figures)
    assert rows.value.tolist() == sorted(figures.value, reverse=True)[:3]
    assert rows.reports.tolist() == figures.loc[rows.agency_id, "reports"].tolist()


def test_yearly_values_equal_the_cells(everything: Filters, database: Path) -> None:
    agency_id = some_agencies(database, 1)[0]
    data = compare.yearly(everything, "received", [agency_id])
    for row in data.itertuples(index=False):
        year_figures = agency_figures(database, "received", (row.year, row.year))
        assert row.value == year_figures.loc[agency_id, "value"]


def test_the_chosen_scope_keeps_only_the_years(everything: Filters) -> None:
    sidebar = Filters(2020, 2023, province="江苏省", levels=("county",), kinds=("government",))
    assert compare.chosen_scope(sidebar, ["a", "b"]) == Filters(2020, 2023, agencies=("a", "b"))


def test_url_agencies_are_checked_in_one_go(everything: Filters, database: Path) -> None:
    known = some_agencies(database, 2)
    assert compare.parse_agencies([*known, known[0]]) == known
    with pytest.raises(InvalidParameter) as error:
        compare.parse_agencies([HOSTILE[0], known[1]])
    assert error.value.usable == [known[1]]
    assert plain.markdown_text(HOSTILE[0]) in str(error.value)  # shown as text


@pytest.mark.parametrize(
    ("count", "message"),
    [(0, "至少 2 个"), (1, "至少 2 个"), (2, None), (10, None), (11, "最多可同时对比 10 个")],
)
def test_the_bound_on_agencies(count: int, message: str | None) -> None:
    said = compare.bound_message(count)
    assert said is None if message is None else message in said


def test_shared_names_are_told_apart() -> None:
    names = compare.display_names(
        pd.Series(["民政局", "民政局", "财政局"]), pd.Series(["1-民政局", "2-民政局", "3-财政局"])
    )
    assert names.tolist() == ["民政局（1-民政局）", "民政局（2-民政局）", "财政局"]


def test_switching_modes_keeps_the_chosen_agencies(synthetic_database: Path) -> None:
    kept = some_agencies(synthetic_database, 2)
    app = dashboard(synthetic_database, PAGE, cmp_agency=kept, level="city").run()
    app.radio(key="cmp_mode").set_value("region").run()
    assert not app.exception
    assert "cmp_agency" not in app.query_params  # not part of a region link
    assert len(frame_with(app, "排名")) > 2
    app.radio(key="cmp_mode").set_value("agencies").run()
    assert not app.exception
    assert app.multiselect(key="cmp_agency").value == kept
    assert app.query_params["cmp_agency"] == kept
    assert len(frame_with(app, "排名")) == 2


def test_stocks_are_never_summed_over_years() -> None:
    from app.measures import MEASURES

    in_force = [measure for measure in MEASURES if measure.key.endswith("_in_force")]
    assert len(in_force) == 2 and all(measure.stock for measure in in_force)
    assert all(measure.agency_sql == f"arg_max({measure.key}, year)" for measure in in_force)


def test_the_page_choices_survive_a_visit_to_another_page(
    database: Path, chosen: list[str]
) -> None:
    """Chosen on the page itself, not by a link; Streamlit clears the query
    string on moving to another page, and forgets the state of widgets a run
    does not draw."""
    app = dashboard(database, PAGE).run()
    app.multiselect(key="cmp_agency").set_value(chosen).run()
    app.selectbox(key="cmp_measure").set_value("review_correction_rate").run()
    app.switch_page("views/overview.py")
    app.query_params.clear()
    app.run()
    assert not app.exception
    app.switch_page(f"views/{PAGE}")
    app.query_params.clear()
    app.run()
    assert not app.exception
    assert app.multiselect(key="cmp_agency").value == chosen
    assert app.selectbox(key="cmp_measure").value == "review_correction_rate"
    assert app.query_params["cmp_agency"] == chosen  # a copied link reopens them
    assert app.query_params["cmp_measure"] == "review_correction_rate"


def test_a_rate_below_the_minimum_is_listed_apart_with_its_cases(bundled_database: Path) -> None:
    """淮安市洪泽区人民政府 decided 13 reviews (2 corrected) over 2023–2024,
    淮安市人民政府 314 (64): with a minimum of 20 only the city is ranked."""
    app = dashboard(
        bundled_database,
        PAGE,
        cmp_agency=["320813-人民政府", "320800-人民政府"],
        cmp_measure="review_correction_rate",
        cmp_min="20",
    ).run()
    assert not app.exception
    assert app.number_input(key="cmp_min").value == 20
    ranked = frame_with(app, "排名")
    assert ranked[
        ["排名", "机关", "行政复议纠错率·分子", "行政复议纠错率·分母"]
    ].values.tolist() == [[1, "淮安市人民政府", 64, 314]]
    (apart,) = [frame for frame in _frames(app) if "报告数" in frame and "排名" not in frame]
    assert apart[["机关", "行政复议纠错率·分子", "行政复议纠错率·分母"]].values.tolist() == [
        ["淮安市洪泽区人民政府", 2, 13]
    ]
    captions = " ".join(caption.value for caption in app.caption)
    assert "另有 1 个机关不足 20 件" in captions
    # The default minimum, 10, ranks both.
    app.number_input(key="cmp_min").set_value(10).run()
    assert frame_with(app, "排名")["机关"].tolist() == ["淮安市人民政府", "淮安市洪泽区人民政府"]
    assert "cmp_min" not in app.query_params


# --- Several measures side by side ---------------------------------------------------------


def _drawn_charts(app: AppTest) -> list[str]:
    return [element.proto.id.rsplit("chart-", 1)[-1] for element in app.get("plotly_chart")]


def test_several_measures_are_built_only_when_their_section_is_opened(
    bundled_database: Path,
) -> None:
    app = dashboard(bundled_database, PAGE, cmp_agency=some_agencies(bundled_database, 3)).run()
    assert not app.exception
    assert [e.label for e in app.expander if e.label.startswith("多指标并列")] != []
    assert _drawn_charts(app) == ["compare-yearly"]  # no small multiples while closed
    assert "cmp_side" not in app.query_params
    app.session_state["cmp_side"] = True  # opened
    app.run()
    assert _drawn_charts(app) == ["compare-yearly", "compare-multiples"]
    assert app.query_params["cmp_side"] == "1"  # a copied link opens it too
    app.multiselect(key="cmp_more").set_value(["received", "granted"]).run()
    assert app.query_params["cmp_more"] == ["received", "granted"]
    app.session_state["cmp_side"] = False  # closed: its choice kept, out of the link
    app.run()
    assert _drawn_charts(app) == ["compare-yearly"]
    assert "cmp_side" not in app.query_params and "cmp_more" not in app.query_params
    app.session_state["cmp_side"] = True
    app.run()
    assert app.multiselect(key="cmp_more").value == ["received", "granted"]


def test_a_link_with_measures_side_by_side_opens_their_section(bundled_database: Path) -> None:
    chosen = some_agencies(bundled_database, 2)
    for link in ({"cmp_more": ["received"]}, {"cmp_side": "1"}):
        app = dashboard(bundled_database, PAGE, cmp_agency=chosen, **link).run()
        assert not app.exception
        assert _drawn_charts(app) == ["compare-yearly", "compare-multiples"], link


def test_several_measures_side_by_side_equal_the_cells(database: Path, chosen: list[str]) -> None:
    keys = ["received", "review_correction_rate"]
    app = dashboard(database, PAGE, cmp_agency=chosen, cmp_more=keys).run()
    assert not app.exception
    assert app.multiselect(key="cmp_more").value == keys
    shown = frame_with(app, "比率")
    columns = ["指标", "机关", "数值", "比率", "分子", "分母", "机关编号"]
    assert list(shown.columns) in (columns, [*columns[:-1], "说明", columns[-1]])
    least = minimum.DEFAULT_MIN_CASES  # the count on the page asks for it beside the rate
    assert app.number_input(key="cmp_min").value == least
    years = year_range(database)
    received = agency_figures(database, "received", years)
    rate = agency_figures(database, "review_correction_rate", years)
    with_reports = [agency_id for agency_id in chosen if agency_id in received.index]
    counts, rates = shown[shown.指标 == "本年新收申请"], shown[shown.指标 == "行政复议纠错率"]
    assert len(shown) == 2 * len(with_reports)
    assert set(counts.机关编号) == set(rates.机关编号) == set(with_reports)
    for row in counts.to_dict("records"):
        assert row["数值"] == received.loc[row["机关编号"], "value"]
        assert pd.isna(row["比率"]) and pd.isna(row["分子"])
    notes = []
    for row in rates.to_dict("records"):
        agency_id = row["机关编号"]
        num, den = rate.loc[agency_id, ["num", "den"]]
        assert (row["分子"], row["分母"]) == (num, den)
        expected = rate.loc[agency_id, "value"]  # none where nothing was decided
        assert pd.isna(row["比率"]) if pd.isna(expected) else row["比率"] == pytest.approx(expected)
        assert pd.isna(row["数值"])
        too_few = f"分母不足 {least} 件，不比较" if den < least else ""
        note = "无案件" if pd.isna(expected) else too_few
        assert row.get("说明", "") == note
        notes += [note] if note else []
    figure = chart(app, "compare-multiples")
    titles = [note["text"] for note in figure["layout"]["annotations"]]
    assert titles[:2] == ["本年新收申请", "行政复议纠错率"]  # one panel a measure
    assert titles[2:] == notes  # a rate not compared: its note where its bar would be
    assert len(figure["data"]) == len(shown)  # each agency in each panel
    # Each bar is the table's figure: the count, or the rate compared.
    drawn = [(trace["name"], trace["y"][0]) for trace in figure["data"]]
    expected = [(row["机关"], row["比率"] if row["指标"].endswith("率") else row["数值"],
                 row.get("说明", "")) for row in shown.to_dict("records")]  # fmt: skip
    assert [name for name, _ in drawn] == [name for name, _, _ in expected]
    for (_, bar), (_, value, note) in zip(drawn, expected, strict=True):
        assert bar is None if note or pd.isna(value) else bar == pytest.approx(value)
    assert {trace["textposition"] for trace in figure["data"]} == {"outside"}  # 0 % is written
    assert "结果纠正" in figure["data"][-1]["hovertemplate"]  # a rate's cases on hover


def test_a_link_with_too_many_measures_keeps_the_first_six(bundled_database: Path) -> None:
    keys = list(compare.MEASURE_CHOICES[:8])
    app = dashboard(bundled_database, PAGE, cmp_more=keys, cmp_agency=some_agencies(
        bundled_database, 2)).run()  # fmt: skip
    assert not app.exception
    assert app.multiselect(key="cmp_more").value == keys[:6]
    assert any("并列的指标最多 6 个" in note.value for note in app.warning)
