"""机关对比: a few agencies (or all agencies of a region and level) side by
side on one measure — per year, ranked over the selected years, and each
against the median of its peers (agencies of the same level and kind, in
the whole country, its province or its city).

Every figure is a sum over an agency's reports in the selected years; a rate
is the rate of those sums (app/measures.py), for an agency and for its peers.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import aggregate, charts, minimum, show
from app.db import query
from app.filters import (
    AGENCY_LIST_LIMIT,
    AGENCY_SEARCH_RESULTS,
    KIND_LABELS,
    LEVEL_LABELS,
    Filters,
    agency_names,
    names_of,
)
from app.measures import MEASURE_BY_KEY, MEASURES, Measure
from app.urlstate import InvalidParameter, unknown_problem

MODES: dict[str, str] = {
    "agencies": "选择 2–10 个机关",
    "region": "某地区某层级的全部机关",
}
MIN_AGENCIES, MAX_AGENCIES = 2, 10
CHART_LIMIT = 10  # agencies drawn per chart in the region mode
TABLE_LIMIT = 100  # agencies listed in the region mode's tables
DEFAULT_MEASURE = "received"
# 机关数 is 1 for every agency, so it compares nothing.
MEASURE_CHOICES: tuple[str, ...] = tuple(m.key for m in MEASURES if m.key != "agencies")

RANK, AGENCY, LEVEL, KIND, REPORTS, YEAR = "排名", "机关", "层级", "机关类型", "报告数", "年度"
PEER_MEDIAN, PEER_COUNT, DIFFERENCE = "同类机关中位数", "同类机关数", "差值"
DIFFERENCE_POINTS = "差值（百分点）"  # for rates: a difference of percentages
NOTE = "说明"
# Below this many peers a "median" is one or two agencies, the agency itself
# among them: it compares nothing and is left out.
MIN_PEERS = 3
# Where an agency's peers are looked for: the agencies of its own level and
# kind in the whole country, its province or its city.
PEER_SCOPES: dict[str, str] = {"country": "全国", "province": "同省", "city": "同市"}
_PEER_KEYS: dict[str, tuple[str, ...]] = {
    "country": ("level", "kind"),
    "province": ("level", "kind", "province"),
    "city": ("level", "kind", "province", "city"),
}
_PEER_PLACES = {"country": "不限地区", "province": "与该机关同省", "city": "与该机关同市"}


def peer_definition(scope: str = "country") -> str:
    """What 同类机关 means for a peer scope, in one line."""
    city_note = "；省级及以上机关不属于任何市，同市即同省" if scope == "city" else ""
    return (
        f"同类机关：{_PEER_PLACES[scope]}、层级与机关类型都相同的全部机关（含该机关本身）"
        f"{city_note}，各按所选年度的报告合计后取中位数；比率为各机关比率（合计后计算）的"
        f"中位数，分母不足最少案件数的机关不计入；同类机关不足 {MIN_PEERS} 个时不给出中位数。"
    )


DEFINITIONS: dict[str, str] = {
    RANK: "按所选指标从高到低排名，数值相同的机关名次相同；无数值的、比率的案件数（分母）"
    "少于最少案件数的不排名",
    REPORTS: "该机关在所选年度载入的年度报告份数",
    PEER_MEDIAN: peer_definition(),
    PEER_COUNT: "计入中位数的同类机关个数",
    DIFFERENCE: "本机关数值减同类机关中位数",
    DIFFERENCE_POINTS: "本机关比率减同类机关中位数，单位为百分点；分母不足最少案件数的机关不比较",
}


# --- What the user picks ---------------------------------------------------------


def parse_agencies(values: list[str]) -> list[str]:
    """The agency ids a link brings, checked against the agencies table in one
    query; unknown ids are dropped with a note, the rest kept."""
    known = names_of(tuple(dict.fromkeys(values)))
    usable = [value for value in dict.fromkeys(values) if value in known]
    unknown = [value for value in values if value not in known]
    if unknown:
        raise InvalidParameter(unknown_problem("机关", values, unknown), usable)
    return usable


def agency_options(scope: Filters, search: str, chosen: list[str]) -> dict[str, str]:
    """The agencies a user can pick: those within the region, level and kind
    filters (matching ``search`` when given), plus those already chosen."""
    limit = AGENCY_SEARCH_RESULTS if search else AGENCY_LIST_LIMIT
    listed = agency_names(scope, search, limit)
    return dict(zip(listed.agency_id, listed.name, strict=True)) | names_of(tuple(chosen))


def bound_message(count: int) -> str | None:
    """Why ``count`` chosen agencies cannot be compared, or None when they can."""
    if count < MIN_AGENCIES:
        return (
            f"请选择至少 {MIN_AGENCIES} 个机关进行对比（最多 {MAX_AGENCIES} 个），"
            f"当前选择了 {count} 个。"
        )
    if count > MAX_AGENCIES:
        return f"最多可同时对比 {MAX_AGENCIES} 个机关，当前选择了 {count} 个，请减少。"
    return None


def chosen_scope(filters: Filters, agency_ids: list[str]) -> Filters:
    """The chosen agencies in the sidebar's years: region, level and kind
    only narrowed the list to choose from."""
    return Filters(filters.year_from, filters.year_to, agencies=tuple(agency_ids))


# --- Queries ---------------------------------------------------------------------


def value_sql(measure: Measure, name: str = "value") -> str:
    """The measure's aggregate for one agency as ``name`` (a rate's parts as
    ``name``_num and ``name``_den); ``name`` is a measure key or "value",
    never text from the user."""
    parts = f", {measure.numerator} AS {name}_num, {measure.denominator} AS {name}_den"
    return f"{measure.agency_sql} AS {name}{parts if measure.is_rate else ''}"


def ranking(scope: Filters, key: str, limit: int = TABLE_LIMIT, min_cases: int = 0) -> pd.DataFrame:
    """The agencies with reports in ``scope`` ranked on the measure summed over
    their reports (highest first; no value, e.g. no denominator, last and
    unranked). A rate is ranked only where its denominator — the cases it is
    taken over — is at least ``min_cases``: 1 of 2 is no better record than
    36 of 61. Those below come after the ranked ones, unranked (``ranked``
    false), ``below_minimum`` counting them. ``in_scope`` is how many agencies
    there are before ``limit``; ``label`` is the name a table or chart shows."""
    measure = MEASURE_BY_KEY[key]
    where, params = scope.where()
    enough, minimum = (
        ("value_den >= $min_cases", {"min_cases": min_cases}) if measure.is_rate else ("TRUE", {})
    )
    rows = query(
        f"""
        WITH per_agency AS (
            SELECT agency_id, count(*) AS reports, {value_sql(measure)}
            FROM report_measures WHERE {where} GROUP BY agency_id
        ), judged AS (
            SELECT *, coalesce(value IS NOT NULL AND {enough}, FALSE) AS ranked FROM per_agency
        )
        SELECT CASE WHEN ranked THEN rank() OVER (PARTITION BY ranked ORDER BY value DESC) END
                   AS rank,
               p.*, a.name AS agency_name, a.level, a.kind, count(*) OVER () AS in_scope,
               count(*) FILTER (WHERE NOT ranked AND value IS NOT NULL) OVER () AS below_minimum
        FROM judged p JOIN agencies a USING (agency_id)
        ORDER BY ranked DESC, value DESC NULLS LAST, agency_name, agency_id
        LIMIT $limit
        """,
        {**params, "limit": limit, **minimum},
    )
    return rows.assign(label=display_names(rows.agency_name, rows.agency_id))


def yearly(scope: Filters, key: str, agency_ids: list[str]) -> pd.DataFrame:
    """The measure per agency and year, for the agencies drawn."""
    where, params = scope.where()
    return query(
        f"""
        SELECT agency_id, year, {value_sql(MEASURE_BY_KEY[key])}
        FROM report_measures
        WHERE {where} AND list_contains($drawn::VARCHAR[], agency_id)
        GROUP BY agency_id, year ORDER BY year, agency_id
        """,
        {**params, "drawn": tuple(agency_ids)},
    )


def peer_medians(
    filters: Filters, key: str, agency_ids: list[str], scope: str = "country", min_cases: int = 0
) -> pd.DataFrame:
    """For each agency: the median of the measure over every agency of its
    level and kind in ``scope`` (PEER_SCOPES; itself included) in the filtered
    years, and how many agencies have a value — for a rate, those whose
    denominator is at least ``min_cases``, as in the ranking. One query,
    whatever the number of peers; the sidebar's region does not narrow the
    peers, the scope does."""
    measure = MEASURE_BY_KEY[key]
    keys = _PEER_KEYS[scope]  # column names from a fixed table, never from the user
    value = (
        f"CASE WHEN {measure.denominator} >= $min_cases THEN {measure.sql} END"
        if measure.is_rate
        else measure.sql
    )

    def same(left: str, right: str) -> str:
        return " AND ".join(f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in keys)

    columns = ", ".join(keys)
    return query(
        f"""
        WITH chosen AS (
            SELECT agency_id, {columns} FROM agencies
            WHERE list_contains($ids::VARCHAR[], agency_id)
        ), peer AS (
            SELECT a.agency_id, {", ".join(f"a.{k}" for k in keys)} FROM agencies a
            WHERE EXISTS (SELECT 1 FROM chosen c WHERE {same("c", "a")})
        ), per_agency AS (
            SELECT agency_id, {value} AS value FROM report_measures
            WHERE year BETWEEN $year_from AND $year_to
              AND agency_id IN (SELECT agency_id FROM peer)
            GROUP BY agency_id
        ), grouped AS (
            SELECT {", ".join(f"p.{k}" for k in keys)},
                   median(v.value) AS peer_median, count(v.value) AS peers
            FROM per_agency v JOIN peer p USING (agency_id) GROUP BY ALL
        )
        SELECT c.agency_id, g.peer_median, coalesce(g.peers, 0) AS peers
        FROM chosen c LEFT JOIN grouped g ON {same("g", "c")}
        """,
        {"ids": tuple(agency_ids), "year_from": filters.year_from, "year_to": filters.year_to,
         **({"min_cases": min_cases} if measure.is_rate else {})},
    )  # fmt: skip


# --- Tables and charts -------------------------------------------------------------


def display_names(names: pd.Series, ids: pd.Series) -> pd.Series:
    """Agency names, with the agency id added where two agencies share a name
    (a chart would otherwise draw them as one)."""
    shared = names.duplicated(keep=False)
    return names.where(~shared, names + "（" + ids + "）")


def agency_columns(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            AGENCY: rows.label,
            LEVEL: rows.level.map(lambda level: "—" if pd.isna(level) else LEVEL_LABELS[level]),
            KIND: rows.kind.map(lambda kind: KIND_LABELS.get(kind, kind)),
        }
    )


def _whole(values: pd.Series) -> pd.Series:
    # Sums of counts are whole numbers; DuckDB returns them as DOUBLE.
    return values.round().astype("Int64")


def value_columns(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    measure = MEASURE_BY_KEY[key]
    whole = not measure.is_rate and measure.unit != "万元"
    values = pd.DataFrame({aggregate.label(key): _whole(rows.value) if whole else rows.value})
    if measure.is_rate:
        values[aggregate.numerator_heading(key)] = _whole(rows.value_num)
        values[aggregate.denominator_heading(key)] = _whole(rows.value_den)
    return values


def ranking_table(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """排名, 机关, 层级, 机关类型, 报告数, the measure (and for a rate its
    numerator and denominator)."""
    table = pd.concat(
        [
            pd.DataFrame({RANK: rows["rank"].astype("Int64")}),
            agency_columns(rows),
            pd.DataFrame({REPORTS: rows.reports.astype("int64")}),
            value_columns(rows, key),
        ],
        axis=1,
    )
    table[show.AGENCY_ID] = rows.agency_id.to_numpy()  # last: one id under two printed names
    return table.reset_index(drop=True)


def peer_table(
    rows: pd.DataFrame, peers: pd.DataFrame, key: str, min_cases: int = 0
) -> pd.DataFrame:
    """Each agency's value (a rate with its numerator and denominator) beside
    its peer median, the peer count and the difference. An agency whose rate
    is below the minimum of cases is listed, but not set against the median:
    its difference is left empty and 说明 says why."""
    merged = rows.merge(peers, on="agency_id", how="left")
    median = merged.peer_median.where(merged.peers >= MIN_PEERS)
    rate = MEASURE_BY_KEY[key].is_rate
    # As in the ranking: a rate over too few cases (not one without a case, which has none).
    too_few = merged.value.notna() & (merged.value_den < min_cases if rate else False)
    difference = (merged.value - median).where(~too_few) * (100 if rate else 1)
    table = pd.concat(
        [
            agency_columns(merged),
            value_columns(merged, key),
            pd.DataFrame(
                {
                    PEER_MEDIAN: median,
                    PEER_COUNT: merged.peers.fillna(0).astype("int64"),
                    DIFFERENCE_POINTS if rate else DIFFERENCE: difference,
                }
            ),
        ],
        axis=1,
    )
    if too_few.any():
        table[NOTE] = too_few.map({True: f"分母不足 {min_cases:,} 件，不比较", False: ""})
    table[show.AGENCY_ID] = merged.agency_id.to_numpy()
    return table.reset_index(drop=True)


def yearly_table(data: pd.DataFrame, rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The yearly figures with agency names, agencies in ranking order."""
    order = {agency_id: index for index, agency_id in enumerate(rows.agency_id)}
    names = dict(zip(rows.agency_id, rows.label, strict=True))
    data = data.assign(_order=data.agency_id.map(order)).sort_values(
        ["_order", "year"], kind="stable"
    )
    table = pd.concat(
        [
            pd.DataFrame({YEAR: data.year, AGENCY: data.agency_id.map(names)}),
            value_columns(data, key),
        ],
        axis=1,
    )
    return table.reset_index(drop=True)


def yearly_figure(table: pd.DataFrame, key: str) -> go.Figure:
    """Grouped bars per year for a count, one line per agency for a rate."""
    measure = MEASURE_BY_KEY[key]
    value = aggregate.label(key)
    title = f"{measure.label}：逐年对比"
    if measure.is_rate:
        figure = charts.rate_lines(
            table,
            x=YEAR,
            rate=value,
            numerator=aggregate.numerator_heading(key),
            denominator=aggregate.denominator_heading(key),
            numerator_label=measure.numerator_label,
            denominator_label=measure.denominator_label,
            series=AGENCY,
            title=title,
        )
    else:
        figure = charts.year_bars(table, x=YEAR, y=value, colour=AGENCY, barmode="group",
                                  title=title)  # fmt: skip
        figure.update_layout(yaxis_title=measure.unit)
        if measure.unit == "万元":
            figure.update_traces(texttemplate="%{y:,.2f}")
            figure.update_yaxes(tickformat=",.2~f")
    # Years in order even when the first agency drawn lacks the earliest year.
    return figure.update_xaxes(categoryorder="category ascending")


def region_scope_message(filters: Filters) -> str | None:
    """Why the region mode cannot list agencies yet, or None."""
    if not filters.levels:
        return (
            "请在左侧“层级”中选择至少一个层级；可再选择省份、市、县（区）限定地区，"
            "不选地区即为全国。"
        )
    return None


def column_config(
    table: pd.DataFrame, measure: Measure, peer_scope: str = "country"
) -> dict[str, object]:
    """Percent or thousands for the measure's columns, and each column's definition."""
    value_format = "percent" if measure.is_rate else "localized"
    value_columns = {aggregate.label(measure.key), PEER_MEDIAN, DIFFERENCE}
    helps = {**DEFINITIONS, PEER_MEDIAN: peer_definition(peer_scope)}
    helps[aggregate.label(measure.key)] = measure.definition
    helps[aggregate.numerator_heading(measure.key)] = measure.numerator_label
    helps[aggregate.denominator_heading(measure.key)] = measure.denominator_label
    config = {}
    for name in table.columns:
        if name == RANK:
            config[name] = st.column_config.NumberColumn(help=helps[name])
        elif name == DIFFERENCE_POINTS:
            config[name] = st.column_config.NumberColumn(format="%+.1f", help=helps[name])
        elif name in value_columns:
            config[name] = st.column_config.NumberColumn(format=value_format, help=helps[name])
        elif name in helps:
            config[name] = st.column_config.NumberColumn(format="localized", help=helps[name])
    return config


def show_ranking(
    rows: pd.DataFrame, measure: Measure, min_cases: int, topic: str, scope: Filters, key: str
) -> None:
    """A ranking from :func:`ranking` as the pages show it: for a rate, the
    line saying what the minimum leaves out, the ranked agencies (and those
    without a value, unranked), then those below the minimum listed apart."""
    apart = rows[~rows.ranked & rows.value.notna()]
    if measure.is_rate:
        below = int(rows.below_minimum.iloc[0]) if len(rows) else 0
        st.caption(minimum.below_minimum_note(below, min_cases, measure.denominator_label))
    ranked = ranking_table(rows.drop(index=apart.index), measure.key)
    if not ranked.empty:
        show.table(ranked, f"{topic}-排名", scope, key=key,
                   column_config=column_config(ranked, measure),
                   opens=show.profile_queries(rows.drop(index=apart.index).agency_id))  # fmt: skip
    if not apart.empty:
        st.markdown(f"**分母（{measure.denominator_label}）不足 {min_cases:,} 件、不排名的机关**")
        listed = ranking_table(apart, measure.key).drop(columns=RANK)
        show.table(listed, f"{topic}-不足最少案件数", scope, key=f"{key}-below-minimum",
                   column_config=column_config(listed, measure),
                   opens=show.profile_queries(apart.agency_id))  # fmt: skip
