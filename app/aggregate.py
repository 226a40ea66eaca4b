"""Measures summed over the filtered reports: by year, by agency, or in
total. Columns come back under the measures' keys; :func:`labelled` gives
them the Chinese names a page shows and a CSV carries."""

from __future__ import annotations

import dataclasses

import pandas as pd

from app.db import query
from app.filters import Filters
from app.measures import MEASURE_BY_KEY, rate_parts, selected

NAMES = {"year": "年度", "agency_id": "机关编号", "agency_name": "机关"}


def _select(keys: tuple[str, ...], per_agency: bool = False) -> str:
    parts = [selected(*keys, per_agency=per_agency)]
    parts += [rate_parts(key) for key in keys if MEASURE_BY_KEY[key].is_rate]
    return ", ".join(parts)


def by_year(filters: Filters, *keys: str) -> pd.DataFrame:
    """One row per year in the filtered range that has reports."""
    where, params = filters.where()
    return query(
        f"SELECT year, {_select(keys)} FROM report_measures WHERE {where} "
        "GROUP BY year ORDER BY year",
        params,
    )


def total(filters: Filters, *keys: str) -> pd.Series:
    """The measures over all filtered reports (one row, as a Series)."""
    where, params = filters.where()
    return query(f"SELECT {_select(keys)} FROM report_measures WHERE {where}", params).iloc[0]


def by_agency(
    filters: Filters, *keys: str, order_by: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    """One row per agency over the filtered years, largest ``order_by`` first.
    The name shown is the agency's canonical name (agencies.name)."""
    where, params = filters.where("m")
    order = f"{order_by or keys[0]} DESC NULLS LAST, agency_name"
    return query(
        f"""
        SELECT m.agency_id, a.name AS agency_name, {_select(keys, per_agency=True)}
        FROM report_measures m JOIN agencies a USING (agency_id)
        WHERE {where} GROUP BY m.agency_id, a.name
        ORDER BY {order} LIMIT $limit
        """,
        {**params, "limit": limit},
    )


def label(key: str) -> str:
    """A measure's column heading: its name, and its unit where not a count."""
    measure = MEASURE_BY_KEY[key]
    return f"{measure.label}（{measure.unit}）" if measure.unit == "万元" else measure.label


def numerator_heading(key: str) -> str:
    return f"{MEASURE_BY_KEY[key].label}·分子"


def denominator_heading(key: str) -> str:
    return f"{MEASURE_BY_KEY[key].label}·分母"


def labelled(data: pd.DataFrame) -> pd.DataFrame:
    """The same rows with Chinese column names (rate parts as …·分子/…·分母)."""
    names = dict(NAMES)
    for column in data.columns:
        base, _, part = str(column).rpartition("_")
        if column in MEASURE_BY_KEY:
            names[column] = label(column)
        elif part in ("num", "den") and base in MEASURE_BY_KEY:
            names[column] = (numerator_heading if part == "num" else denominator_heading)(base)
    return data.rename(columns=names)


def region_reports(filters: Filters) -> pd.DataFrame:
    """The region-wide reports of the selection (the 不计区域汇总报告 choice
    aside), oldest first: agency name, year, and ``overlapping`` — whether a
    selected report from inside the region shares its year, so that a sum
    counts those figures twice."""
    scope = dataclasses.replace(filters, without_region=False)
    where, params = scope.where("r")
    inner, _ = scope.where("o")
    return query(
        f"""
        SELECT a.name, r.year, EXISTS (
                SELECT 1 FROM reports o
                WHERE {inner} AND o.report_id <> r.report_id AND o.year = r.year
                  AND o.province = r.province
                  AND (r.city IS NULL OR o.city = r.city)
                  AND (r.county IS NULL OR o.county = r.county)) AS overlapping
        FROM reports r JOIN agencies a USING (agency_id)
        WHERE {where} AND r.scope = 'region'
        ORDER BY r.year, a.name
        """,
        params,
    )
