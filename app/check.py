"""检查报告: a report file an agency uploads to check a draft before publishing,
read and checked exactly as a loaded report is, and never stored.

The report goes into a scratch in-memory database of the project's schema,
beside a copy of the agency's previous report from the app's database (when
it has one). Everything that runs on loaded reports then runs on it
unchanged: the loader's flattening and its cross-year rules
(etl/db/derived.py), the ``report_measures`` view, and the queries and
tables of 机关档案 (app/profile.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from app import profile, show
from app.db import Params, data_version, query
from app.filters import KIND_LABELS, LEVEL_LABELS
from app.measures import MEASURE_BY_KEY, selected
from app.rules import RULE_DESCRIPTIONS, SEVERITY_LABELS, rule_name
from app.uploads import BytesBoundedCache, read_upload
from etl import template
from etl.db.derived import recompute_cross_year
from etl.db.flatten import Batch, StoredReport, flatten, insert_tables
from etl.db.inputs import content_sha256
from etl.db.schema import create_schema
from etl.errors import ExtractionError
from etl.model import Report

MAX_UPLOAD_MB = 20  # also server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit's MB
FORMATS = (
    "文本（.txt）、网页（.html、.htm、.shtml，或从网站后台复制的网页片段）、"
    "单一文件网页（.mht、.mhtml）、网站接口返回的 JSON、Word（.docx、.doc）、WPS（.wps）、"
    "RTF（.rtf）、ODT（.odt）、PDF（含扫描件）、扫描图片（.png、.jpg、.tif，或各页图片的 .zip）、"
    "Markdown（.md）"
)
# Report ids in the scratch database: the uploaded report must come after the
# previous year's, as a newly loaded report does, for the cross-year rules.
PREVIOUS_ID, UPLOADED_ID = 1, 2
# Checked uploads kept for a rerun, a page change or a second look, server-wide.
CACHED_CHECK_BYTES = 256 * 1024 * 1024
# The main figures compared with the year before: those 机关档案 follows by year.
MAIN_FIGURES = profile.SERIES_KEYS
# A count changes a lot when it doubles or halves (or more) by at least
# BIG_COUNT_CHANGE cases, so that 1 → 3 is not flagged; a rate, when it moves
# by BIG_RATE_CHANGE (20 percentage points) or more.
BIG_COUNT_CHANGE = 10
BIG_RATE_CHANGE = 0.2
BIG_CHANGE_NOTE = (
    "“大幅变化”：件数增加到上年的 2 倍以上或减少到一半以下，且相差 "
    f"{BIG_COUNT_CHANGE} 件以上；比率相差 {BIG_RATE_CHANGE * 100:.0f} 个百分点以上。"
    "大幅变化不一定有误，请核对。"
)
# The rules of etl/crossyear.py, as the page lists them.
CROSS_YEAR_RULES = (
    "applications.carry_over_continuity",
    "proactive.stock_flow",
    "narrative.repeated",
)
# The previous report's rows copied into the scratch database.
COPIED_TABLES = ("reports", "narratives", "cells")
# The carry-over rows' long labels wrap over two lines instead of pushing 总计
# off a laptop screen.
CARRY_OVER_LABEL_WIDTH = 300
CARRY_OVER_ROW_HEIGHT = 66
VALUE_WIDTH = 96  # px: 数值 of 单元格来源 up to 12,345,678
SCOPE_LABELS = {"region": "区域汇总（含本地区各部门和下级政府）", "self": "本机关"}
NO_SCOPE = "未判断"


@dataclass(frozen=True)
class Checked:
    """An uploaded report as the page shows it. ``meta``, ``cells`` and
    ``findings`` have the shapes of profile.report/cells/findings; the
    findings include the cross-year ones (``origin = 'cross_year'``)."""

    report: Report
    meta: pd.Series
    cells: pd.DataFrame
    findings: pd.DataFrame
    previous: pd.Series | None  # the same agency's report of the year before
    previous_cells: pd.DataFrame  # empty without a previous report
    crops: dict[str, bytes]  # the scan's picture of each figure flagged as uncertain
    figures: pd.DataFrame  # MAIN_FIGURES by year: this year, and the year before if loaded
    in_database: bool  # a report of this agency and year is loaded already

    @property
    def year(self) -> int:
        return self.report.year


def check(data: bytes, file_name: str) -> Checked:
    """The report in an uploaded file, checked; ExtractionError (a one-line
    Chinese ``problem``) when the file is too large or holds no report."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ExtractionError(
            file_name,
            f"文件大小为 {len(data) / 1024 / 1024:,.1f} MB，超过 {MAX_UPLOAD_MB} MB 的上限",
        )
    # The data version is part of the key: a new load may add the previous year.
    key = (hashlib.sha256(data).hexdigest(), file_name, data_version())
    checked = _CHECKED.get(key)
    if checked is None:
        checked = _checked(read_upload(data, file_name), file_name)
        _CHECKED.put(key, checked)
    return checked


def _size(checked: Checked) -> int:
    """About what a Checked holds in memory, in bytes."""
    frames = [checked.meta, checked.cells, checked.findings, checked.previous_cells]
    frames += [checked.figures] + ([] if checked.previous is None else [checked.previous])
    # A DataFrame's memory_usage is a Series of columns, a Series' one number.
    in_frames = sum(int(pd.Series(frame.memory_usage(deep=True)).sum()) for frame in frames)
    in_crops = sum(len(crop) for crop in checked.crops.values())
    return in_frames + in_crops + 2 * len(checked.report.to_json())


_CHECKED: BytesBoundedCache[Checked] = BytesBoundedCache(CACHED_CHECK_BYTES, _size)


def _checked(report: Report, file_name: str) -> Checked:
    agency_id, year = report.agency.id, report.year
    loaded_at = datetime.now()
    with duckdb.connect(":memory:") as scratch:
        create_schema(scratch)
        has_previous = _copy_report(scratch, agency_id, year - 1)
        stored = StoredReport(report, report.findings, file_name, content_sha256(report))
        batch = Batch()
        batch.add(UPLOADED_ID, flatten(stored))
        insert_tables(scratch, batch.to_arrow(), loaded_at)
        recompute_cross_year(scratch, UPLOADED_ID, loaded_at)
        run = partial(_run, scratch)
        return Checked(
            report=report,
            meta=profile.report(agency_id, year, run),
            cells=profile.cells(UPLOADED_ID, run),
            findings=profile.findings(UPLOADED_ID, run),
            previous=profile.report(agency_id, year - 1, run) if has_previous else None,
            previous_cells=profile.cells(PREVIOUS_ID, run),
            crops=profile.crops(UPLOADED_ID, run),
            figures=run(
                f"SELECT year, {selected(*MAIN_FIGURES)} FROM report_measures "
                "GROUP BY year ORDER BY year",
                (),
            ),
            in_database=_loaded(agency_id, year),
        )


def _run(scratch: duckdb.DuckDBPyConnection, sql: str, params: Params) -> pd.DataFrame:
    return scratch.execute(sql, list(params) if isinstance(params, tuple) else params).df()


def _loaded(agency_id: str, year: int) -> bool:
    rows = query(
        "SELECT count(*) AS n FROM reports WHERE agency_id = ? AND year = ?", (agency_id, year)
    )
    return bool(rows.n.iloc[0])


def _copy_report(scratch: duckdb.DuckDBPyConnection, agency_id: str, year: int) -> bool:
    """Copy one loaded report into the scratch database as report PREVIOUS_ID;
    False when the app's database has none for that agency and year."""
    for table in COPIED_TABLES:  # fixed names, never user input
        rows = query(
            f"SELECT t.* FROM {table} t JOIN reports r USING (report_id) "
            "WHERE r.agency_id = ? AND r.year = ?",
            (agency_id, year),
        )
        if rows.empty:
            return False  # no report (its reports row is copied first)
        copied = rows.assign(report_id=PREVIOUS_ID)  # NaN arrives as NULL
        scratch.register("copied", copied)
        scratch.execute(f"INSERT INTO {table} BY NAME SELECT * FROM copied")
        scratch.unregister("copied")
    return True


# --- What the page shows ---------------------------------------------------------


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def identity(meta: pd.Series) -> pd.DataFrame:
    """Who published the report, for which year, on which template, counting what."""
    place = " ".join(
        part for part in (_text(meta[key]) for key in ("province", "city", "county")) if part
    )
    level = _text(meta.level)
    rows = [
        ("机关（报告中的名称）", meta.agency_name),
        ("机关编号", meta.agency_id),
        ("地区", place or "不详"),
        ("层级", LEVEL_LABELS.get(level, "不详") if level else "不详"),
        ("机关类型", KIND_LABELS.get(meta.kind, meta.kind)),
        ("年度", f"{int(meta.year)} 年度"),
        ("模板版本（第二部分）", f"{meta.format} 版"),
        ("统计范围", SCOPE_LABELS.get(_text(meta.scope) or "", NO_SCOPE)),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def rule_summary(found: pd.DataFrame) -> pd.DataFrame:
    """How many findings of each rule, errors first (the findings' own order)."""
    counts = found.groupby(["severity", "rule"], sort=False).size()
    return pd.DataFrame(
        {
            "级别": [SEVERITY_LABELS[severity] for severity, _ in counts.index],
            "规则": [rule_name(rule) for _, rule in counts.index],
            "条数": counts.to_numpy(),
            "说明": [RULE_DESCRIPTIONS.get(rule, "") for _, rule in counts.index],
        }
    )


def source_columns(sources: pd.DataFrame) -> dict[str, object]:
    """单元格来源's columns: a width for 数值 that a seven-digit count fits
    (st.dataframe sizes a column by its first rows, where the small numbers are)."""
    value = st.column_config.NumberColumn(format="localized", width=VALUE_WIDTH)
    return profile.location_columns(sources) | {"数值": value}


def report_json(report: Report) -> str:
    """The canonical JSON, as `python -m etl parse --out` writes it."""
    return report.to_json() + "\n"


def json_name(file_name: str) -> str:
    """The canonical JSON's file name: the upload's, ending in .json."""
    return f"{Path(file_name).stem or '报告'}.json"


# --- The year before --------------------------------------------------------------

CARRY_OVER_VERDICTS = {True: "一致", False: "不一致", None: "不比较"}


def carry_over_grid(checked: Checked) -> profile.Grid:
    """This year's 二、上年结转 above last year's 四、结转下年度继续办理, column by
    column, and whether they agree: as the cross-year rule found (a column
    with a blank, dash or unread cell on either side is not compared)."""
    assert checked.previous is not None
    this_year = dict(zip(checked.cells.path, checked.cells.raw, strict=False))
    last_year = dict(zip(checked.previous_cells.path, checked.previous_cells.raw, strict=False))
    numbers = set(checked.cells.path[checked.cells.status == "number"])
    numbers_before = set(checked.previous_cells.path[checked.previous_cells.status == "number"])
    continuity = checked.findings[checked.findings.rule == "applications.carry_over_continuity"]
    differing = {path for paths in continuity.cells for path in paths}
    now_label = template.APPLICATION_ROW_BY_KEY["carried_over"].label
    before_label = template.APPLICATION_ROW_BY_KEY["carried_forward"].label
    now_row = [(f"本年（{checked.year} 年度）{now_label}", "")]
    before_row = [(f"上年（{checked.year - 1} 年度）{before_label}", "")]
    verdicts = [("是否衔接", "")]
    for column in template.APPLICANT_COLUMNS:
        now, before = (
            f"applications.carried_over.{column}",
            f"applications.carried_forward.{column}",
        )
        now_row.append(profile.printed(this_year, now))
        before_row.append((profile.printed(last_year, before)[0], ""))
        compared = now in numbers and before in numbers_before
        verdicts.append((CARRY_OVER_VERDICTS[now not in differing if compared else None], ""))
    return profile.make_grid([now_row, before_row, verdicts], profile.application_columns())


def carry_over_columns() -> dict[str | int, object]:
    # 项目, by position (0 is the hidden index): a two-level header has no column name to use.
    return {1: st.column_config.TextColumn(width=CARRY_OVER_LABEL_WIDTH)}


def big_change(key: str, before: float | None, now: float | None) -> bool:
    """Whether a main figure moved enough to be worth a second look."""
    if before is None or now is None or pd.isna(before) or pd.isna(now):
        return False
    if MEASURE_BY_KEY[key].is_rate:
        return abs(now - before) >= BIG_RATE_CHANGE - 1e-9  # 20 points exactly counts
    low, high = sorted((before, now))
    return high - low >= BIG_COUNT_CHANGE and high >= 2 * low


def _change_text(key: str, before: float | None, now: float | None) -> str:
    if before is None or now is None or pd.isna(before) or pd.isna(now):
        return "—"
    if MEASURE_BY_KEY[key].is_rate:
        return f"{(now - before) * 100:+.1f} 个百分点"
    return f"{now - before:+,.0f}"


def figure_changes(checked: Checked) -> pd.DataFrame:
    """Each main figure last year and this year, the change, and whether it is big."""
    by_year = checked.figures.set_index("year")
    before, now = by_year.loc[checked.year - 1], by_year.loc[checked.year]
    rows = []
    for key in MAIN_FIGURES:
        measure = MEASURE_BY_KEY[key]
        values = [None if pd.isna(row[key]) else float(row[key]) for row in (before, now)]
        rows.append(
            (
                measure.label,
                *(show.figure_text(value, rate=measure.is_rate) for value in values),
                _change_text(key, *values),
                "大幅变化" if big_change(key, *values) else "",
            )
        )
    return pd.DataFrame(
        rows,
        columns=["指标", f"{checked.year - 1} 年度", f"{checked.year} 年度", "变化", "提示"],
    )


def styled_changes(changes: pd.DataFrame) -> Styler:
    """The big changes in the warning colour of the tables above."""
    return changes.style.map(lambda note: profile.WARNING_CSS if note else "", subset=["提示"])


def change_columns(changes: pd.DataFrame) -> dict[str, object]:
    """Figures and their change right-aligned, as numbers are."""
    return {
        column: st.column_config.TextColumn(alignment="right") for column in changes.columns[1:4]
    }
