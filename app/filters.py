"""The filters every page shares: what they select, the SQL that applies them,
and the sidebar that sets them (each kept in the URL, see app/urlstate.py).

The SQL is one fixed text with named parameters; an unset filter passes NULL
or an empty list, so hostile values only ever reach DuckDB as bound data and
every filter combination shares one query plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app.db import query
from app.urlstate import parse_many, parse_one, url_flag, url_number, url_widget
from etl.agency import KIND_LABELS, LEVEL_LABELS

ALL = "全部"
# Above this many agencies the agency picker asks for a name first: the
# browser would otherwise receive every agency's name on every rerun.
AGENCY_LIST_LIMIT = 2000
AGENCY_SEARCH_RESULTS = 200


@dataclass(frozen=True)
class Filters:
    year_from: int
    year_to: int
    province: str | None = None
    city: str | None = None
    county: str | None = None
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    without_region: bool = False  # leave out reports that sum up a whole region

    def where(self, alias: str = "") -> tuple[str, dict[str, object]]:
        """A WHERE condition over a table with the ``reports`` metadata columns."""
        a = f"{alias}." if alias else ""
        sql = (
            f"{a}year BETWEEN $year_from AND $year_to"
            f" AND ($province IS NULL OR {a}province = $province)"
            f" AND ($city IS NULL OR {a}city = $city)"
            f" AND ($county IS NULL OR {a}county = $county)"
            f" AND (len($levels::VARCHAR[]) = 0 OR list_contains($levels::VARCHAR[], {a}level))"
            f" AND (len($kinds::VARCHAR[]) = 0 OR list_contains($kinds::VARCHAR[], {a}kind))"
            f" AND (len($agencies::VARCHAR[]) = 0"
            f" OR list_contains($agencies::VARCHAR[], {a}agency_id))"
            f" AND (NOT $without_region"
            f" OR {a}report_id NOT IN (SELECT report_id FROM reports WHERE scope = 'region'))"
        )
        return sql, self.params()

    def params(self) -> dict[str, object]:
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "levels": self.levels,
            "kinds": self.kinds,
            "agencies": self.agencies,
            "without_region": self.without_region,
        }

    def describe(self) -> str:
        """The filters in words, for captions and file names."""
        years = f"{year_span(self.year_from, self.year_to, '-')}年度"
        # Chosen agencies are the scope themselves: "全国" beside them would
        # call five agencies of one city the whole country.
        place = self.county or self.city or self.province or ("" if self.agencies else "全国")
        parts = [years, *filter(None, [place])]
        parts += [LEVEL_LABELS.get(level, level) for level in self.levels]
        parts += [KIND_LABELS.get(kind, kind) for kind in self.kinds]
        if self.agencies:
            parts.append(f"{len(self.agencies)}个机关")
        if self.without_region:
            parts.append("不计区域汇总报告")
        return "_".join(parts)

    def file_stem(self, topic: str, data_version: str) -> str:
        stem = f"{topic}_{self.describe()}_数据版本{data_version[:8]}"
        return re.sub(r'[\\/:*?"<>|\s]+', "-", stem)


# --- The choices the data offers ---------------------------------------------


def year_span(first: int, last: int, dash: str = "–") -> str:
    """2024, or 2021–2024: a single year is not written as 2024–2024."""
    return str(first) if first == last else f"{first}{dash}{last}"


def years() -> list[int]:
    return [int(year) for year in query("SELECT DISTINCT year FROM reports ORDER BY year").year]


def _places(level: str, parent: str | None, parent_value: str | None) -> list[str]:
    # ``level`` and ``parent`` are fixed column names chosen below, never user input.
    condition = f" AND {parent} = $parent" if parent else ""
    rows = query(
        f"SELECT DISTINCT {level} AS place FROM agencies WHERE {level} IS NOT NULL"
        f"{condition} ORDER BY place",
        {"parent": parent_value} if parent else {},
    )
    return rows.place.tolist()


def provinces() -> list[str]:
    return _places("province", None, None)


def cities(province: str) -> list[str]:
    return _places("city", "province", province)


def counties(city: str) -> list[str]:
    return _places("county", "city", city)


# The sidebar's region, level and kind conditions over the ``agencies`` table.
AGENCY_SCOPE = (
    "($province IS NULL OR province = $province) AND ($city IS NULL OR city = $city)"
    " AND ($county IS NULL OR county = $county)"
    " AND (len($levels::VARCHAR[]) = 0 OR list_contains($levels::VARCHAR[], level))"
    " AND (len($kinds::VARCHAR[]) = 0 OR list_contains($kinds::VARCHAR[], kind))"
)


def scope_params(filters: Filters) -> dict[str, object]:
    params = filters.params()
    return {name: params[name] for name in ("province", "city", "county", "levels", "kinds")}


def agency_count(filters: Filters) -> int:
    sql = f"SELECT count(*) AS n FROM agencies WHERE {AGENCY_SCOPE}"
    return int(query(sql, scope_params(filters)).n.iloc[0])


def agency_names(
    filters: Filters, search: str = "", limit: int = AGENCY_LIST_LIMIT
) -> pd.DataFrame:
    """Agencies within the region, level and kind filters whose name (or any
    name they printed) contains ``search``."""
    sql = (
        f"SELECT agency_id, name FROM agencies WHERE {AGENCY_SCOPE}"
        " AND ($search = '' OR len(list_filter(names, lambda n: contains(n, $search))) > 0)"
        " ORDER BY name LIMIT $limit"
    )
    return query(sql, {**scope_params(filters), "search": search, "limit": limit})


def names_of(agency_ids: tuple[str, ...] | list[str]) -> dict[str, str]:
    if not agency_ids:
        return {}
    rows = query(
        "SELECT agency_id, name FROM agencies WHERE list_contains($ids::VARCHAR[], agency_id)",
        {"ids": tuple(agency_ids)},
    )
    return dict(zip(rows.agency_id, rows.name, strict=False))


# --- The sidebar ---------------------------------------------------------------


def _keep_valid(key: str, options: list, default: object) -> None:
    # A region chosen before its parent changed is no longer an option.
    value = st.session_state.get(key)
    if isinstance(value, list):
        st.session_state[key] = [item for item in value if item in options]
    elif value is not None and value not in options:
        st.session_state[key] = default


def _follow_the_data(key: str, default: object) -> None:
    # A year never chosen by the user follows the data: when a load adds a
    # year, "the latest year" moves with it instead of staying where it was.
    defaults = st.session_state.setdefault("_year_defaults", {})
    if key in st.session_state and st.session_state[key] == defaults.get(key) != default:
        st.session_state[key] = default
    defaults[key] = default


def _year(key: str, label: str, available: list[int], default: int) -> int:
    _keep_valid(key, available, default)
    _follow_the_data(key, default)

    def allowed(text: str) -> int | None:
        year = url_number(text)
        return year if year in available else None

    return url_widget(
        key,
        default=default,
        parse=parse_one(allowed, f"年度（数据中为 {available[0]}–{available[-1]}）"),
        encode=lambda year: [str(year)],
        render=lambda: st.selectbox(label, available, key=key),
        note=st.sidebar.warning,
    )


def _year_range(available: list[int]) -> tuple[int, int]:
    # Two pickers rather than a range slider: a range slider takes its
    # range-ness from a default value, which URL-kept state cannot give it.
    with st.sidebar:
        first, last = st.columns(2)
        with first:
            year_from = _year("from", "起始年度", available, available[0])
        with last:
            year_to = _year("to", "截止年度", available, available[-1])
    if year_from > year_to:
        st.sidebar.warning("起始年度晚于截止年度，已按两者对调处理。")
        year_from, year_to = year_to, year_from
    return year_from, year_to


def _place(key: str, label: str, options: list[str]) -> str | None:
    _keep_valid(key, options, None)
    return url_widget(
        key,
        default=None,
        parse=parse_one(lambda value: value if value in options else None, label),
        encode=lambda value: [value],
        render=lambda: st.sidebar.selectbox(
            label,
            [None, *options],
            format_func=lambda v: ALL if v is None else v,
            key=key,
            placeholder=ALL,
        ),
        note=st.sidebar.warning,
    )


def _labelled_choice(key: str, label: str, labels: dict[str, str]) -> tuple[str, ...]:
    chosen = url_widget(
        key,
        default=[],
        parse=parse_many(lambda value: value if value in labels else None, label),
        encode=list,
        render=lambda: st.sidebar.multiselect(
            label, list(labels), format_func=labels.__getitem__, key=key, placeholder=ALL
        ),
        note=st.sidebar.warning,
    )
    return tuple(chosen)


def _agencies(scope: Filters) -> tuple[str, ...]:
    total = agency_count(scope)
    search = ""
    if total > AGENCY_LIST_LIMIT:
        search = st.sidebar.text_input(
            "机关名称关键词",
            key="agency_search",
            help=f"当前范围内有 {total:,} 个机关，先输入名称中的字词再选择。",
        ).strip()
    listed = agency_names(scope, search, AGENCY_SEARCH_RESULTS if search else AGENCY_LIST_LIMIT)

    def render() -> list[str]:
        # Agencies chosen earlier (or by link) stay listed whatever the search.
        names = dict(zip(listed.agency_id, listed.name, strict=False)) | names_of(
            st.session_state.get("agency", [])
        )
        return st.sidebar.multiselect(
            "机关",
            list(names),
            format_func=names.__getitem__,
            key="agency",
            placeholder=ALL,
            help="可输入名称搜索，可多选。",
        )

    chosen = url_widget(
        "agency",
        default=[],
        parse=parse_many(lambda agency_id: agency_id if names_of([agency_id]) else None, "机关"),
        encode=list,
        render=render,
        note=st.sidebar.warning,
    )
    return tuple(chosen)


_CURRENT = "_filters"


def current() -> Filters:
    """The filters the sidebar set in this run (pages read them here)."""
    return st.session_state[_CURRENT]


REGION_HELP = (
    "有的人民政府年报汇总了本地区各部门和下级政府的数字（正文写明“全市共受理申请…件”且与表中"
    "总计相同），与这些机关自己的报告相加会重复计算。勾选后不计这类区域汇总报告。"
)


def _without_region() -> bool:
    return url_flag(
        "no_region",
        lambda: st.sidebar.checkbox("不计区域汇总报告", key="no_region", help=REGION_HELP),
        note=st.sidebar.warning,
    )


def sidebar() -> Filters:
    """The shared filters, drawn in the sidebar and kept in the URL."""
    st.sidebar.header("筛选")
    available = years()
    year_from, year_to = _year_range(available)
    province = _place("province", "省份", provinces())
    city = _place("city", "市", cities(province)) if province else None
    county = _place("county", "县（区）", counties(city)) if city else None
    levels = _labelled_choice("level", "层级", LEVEL_LABELS)
    kinds = _labelled_choice("kind", "机关类型", KIND_LABELS)
    scope = Filters(year_from, year_to, province, city, county, levels, kinds)
    agencies = _agencies(scope)
    without_region = _without_region()
    filters = Filters(
        year_from, year_to, province, city, county, levels, kinds, agencies, without_region
    )
    st.session_state[_CURRENT] = filters
    return filters
