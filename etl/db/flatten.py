"""Canonical reports → rows of the database tables.

A report is flattened once into plain tuples (cheap to hold, and to send from
a worker process), then gathered into batches that are written in bulk: one
Arrow table per database table per batch, never a row at a time.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl.db.cellkeys import cell_keys
from etl.db.schema import (
    CELL_COLUMNS,
    CROP_COLUMNS,
    FIGURE_COLUMNS,
    FINDING_COLUMNS,
    NARRATIVE_COLUMNS,
    REPORT_COLUMNS,
)
from etl.model import Finding, Report

_ARROW_TYPES = {
    "INTEGER": pa.int32(),
    "SMALLINT": pa.int16(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
    "INTEGER[]": pa.list_(pa.int32()),
    "BLOB": pa.binary(),
}
# Columns filled in when rows are gathered or stored, not by flatten().
_BATCH_COLUMNS = ("report_id", "loaded_at", "origin")
_SECTIONS = ("proactive", "applications", "review_litigation")


@dataclass(frozen=True)
class Reject:
    """An input that could not be loaded, and why (one line, in Chinese)."""

    file: str
    reason: str


@dataclass(frozen=True)
class StoredReport:
    """A report as the loader stores it: its findings brought up to date and
    where it came from."""

    report: Report
    findings: list[Finding]
    input_file: str
    content_sha256: str


@dataclass(frozen=True)
class FlatReport:
    """One report as rows, without its report id (given when it is stored)."""

    agency_id: str
    agency_name: str
    year: int
    content_sha256: str
    source_sha256: str
    input_file: str
    report_row: tuple  # _own_columns(REPORT_COLUMNS) then FIGURE_COLUMNS
    cell_rows: list[tuple]  # _own_columns(CELL_COLUMNS)
    narrative_row: tuple  # _own_columns(NARRATIVE_COLUMNS)
    finding_rows: list[tuple]  # _own_columns(FINDING_COLUMNS)
    crop_rows: list[tuple]  # _own_columns(CROP_COLUMNS)


def _own_columns(columns: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(column for column in columns if column[0] not in _BATCH_COLUMNS)


@cache
def _cell_lookup() -> dict[tuple[str, str, str], tuple[int, int]]:
    """(section, row, column) → (cell id, index among the figure columns)."""
    return {(k.section, k.row, k.col): (k.cell_id, i) for i, k in enumerate(cell_keys())}


def flatten(stored: StoredReport) -> FlatReport:
    report, agency, source = stored.report, stored.report.agency, stored.report.source
    lookup = _cell_lookup()
    figures: list[float | int | None] = [None] * len(FIGURE_COLUMNS)
    statuses: Counter = Counter()
    cell_rows = []
    tables = [(section, getattr(report, section)) for section in _SECTIONS]
    tables.append(("headline", {key: {"": cell} for key, cell in report.headline.items()}))
    for section, table in tables:
        for row, cells in table.items():
            for col, cell in cells.items():
                cell_id, figure = lookup[section, row, col]
                at, value, status = cell["at"], cell["value"], cell["status"]
                cell_rows.append(
                    (
                        cell_id,
                        value,
                        status,
                        cell["raw"],
                        at.get("line"),
                        at.get("page"),
                        at.get("table"),
                        at.get("row"),
                        at.get("col"),
                        at.get("box"),
                        at.get("confidence"),
                    )
                )
                figures[figure] = value
                statuses[status] += 1
    errors = sum(1 for finding in stored.findings if finding.severity == "error")
    report_row = (
        agency.id,
        agency.name,
        agency.province,
        agency.city,
        agency.county,
        agency.adcode,
        agency.level,
        agency.kind,
        report.year,
        report.format,
        report.scope,
        report.synthetic,
        source.file,
        source.sha256,
        source.media_type,
        source.url,
        source.fetched_at,
        source.published_on,
        source.published_on_from,
        source.parser.name,
        source.parser.version,
        stored.input_file,
        stored.content_sha256,
        errors,
        len(stored.findings) - errors,
        statuses["blank"],
        statuses["dash"],
        statuses["text"],
        *figures,
    )
    narrative = report.narrative
    return FlatReport(
        agency_id=agency.id,
        agency_name=agency.name,
        year=report.year,
        content_sha256=stored.content_sha256,
        source_sha256=source.sha256,
        input_file=stored.input_file,
        report_row=report_row,
        cell_rows=cell_rows,
        narrative_row=(narrative.overview, narrative.problems, narrative.other),
        finding_rows=finding_rows(stored.findings),
        crop_rows=_crop_rows(report),
    )


def _crop_rows(report: Report) -> list[tuple]:
    by_path = {key.path: key.cell_id for key in cell_keys()}
    return [(by_path[path], base64.b64decode(png)) for path, png in report.crops.items()]


def finding_rows(findings: list[Finding]) -> list[tuple]:
    return [
        (f.rule, f.severity, f.message, f.cells, _text(f.expected), _text(f.actual))
        for f in findings
    ]


def _text(value: int | float | str | None) -> str | None:
    return None if value is None else str(value)


class _Rows:
    """One table's rows for a batch: tuples, each with its report id kept apart."""

    def __init__(self, columns: tuple[tuple[str, str], ...]) -> None:
        self.columns = tuple(column for column in columns if column[0] != "loaded_at")
        self.own = _own_columns(columns)
        self.report_ids: list[int] = []
        self.origins: list[str] = []
        self.rows: list[tuple] = []

    def add(self, report_id: int, rows: list[tuple], origin: str = "report") -> None:
        self.rows += rows
        self.report_ids += [report_id] * len(rows)
        self.origins += [origin] * len(rows)

    def to_arrow(self) -> pa.Table:
        columns = zip(*self.rows, strict=True)
        values = dict(zip((name for name, _ in self.own), columns, strict=True))
        values |= {"report_id": self.report_ids, "origin": self.origins}
        return pa.table(
            {
                name: pa.array(values[name], type=_ARROW_TYPES[kind.removesuffix(" NOT NULL")])
                for name, kind in self.columns
            }
        )


class Batch:
    """Flattened reports, and findings, gathered as the rows of each table."""

    def __init__(self) -> None:
        self.tables = {
            "reports": _Rows(REPORT_COLUMNS + FIGURE_COLUMNS),
            "cells": _Rows(CELL_COLUMNS),
            "narratives": _Rows(NARRATIVE_COLUMNS),
            "findings": _Rows(FINDING_COLUMNS),
            "cell_crops": _Rows(CROP_COLUMNS),
        }

    def add(self, report_id: int, flat: FlatReport) -> None:
        self.tables["reports"].add(report_id, [flat.report_row])
        self.tables["cells"].add(report_id, flat.cell_rows)
        self.tables["narratives"].add(report_id, [flat.narrative_row])
        self.tables["findings"].add(report_id, flat.finding_rows)
        self.tables["cell_crops"].add(report_id, list(flat.crop_rows))

    def add_findings(self, report_id: int, findings: list[Finding], origin: str) -> None:
        self.tables["findings"].add(report_id, finding_rows(findings), origin)

    def to_arrow(self) -> dict[str, pa.Table]:
        return {name: rows.to_arrow() for name, rows in self.tables.items() if rows.rows}


def insert_tables(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], loaded_at: datetime
) -> None:
    """Insert Arrow tables into the database tables of the same names; reports
    get the load's time."""
    for name, arrow_rows in tables.items():
        if name == "reports":
            stamp = pa.array([loaded_at] * arrow_rows.num_rows, type=pa.timestamp("us"))
            arrow_rows = arrow_rows.append_column("loaded_at", stamp)
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM arrow_rows")


@dataclass(frozen=True)
class PreparedChunk:
    """Several inputs read, checked and turned into Arrow tables, where each
    row's ``report_id`` is still its report's place in ``items``: the loader
    decides which reports to keep and gives them their ids."""

    items: list[FlatReport | Reject]  # FlatReports with their rows emptied
    tables: dict[str, pa.Table]


def prepare_chunk(items: Iterable[FlatReport | Reject]) -> PreparedChunk:
    batch = Batch()
    kept: list[FlatReport | Reject] = []
    for place, item in enumerate(items):
        if isinstance(item, FlatReport):
            batch.add(place, item)
            item = replace(
                item, report_row=(), cell_rows=[], narrative_row=(), finding_rows=[], crop_rows=[]
            )
        kept.append(item)
    return PreparedChunk(kept, batch.to_arrow())


def shifted(table: pa.Table, first_id: int) -> pa.Table:
    """``table`` with every report id moved from its place to ``first_id`` + place."""
    position = table.schema.get_field_index("report_id")
    ids = pc.add(table["report_id"], pa.scalar(first_id, pa.int32()))
    return table.set_column(position, "report_id", ids)


def renumbered(tables: dict[str, pa.Table], ids: list[int | None]) -> dict[str, pa.Table]:
    """A chunk's tables with ``report_id`` set to ``ids[place]``; rows of a
    report whose id is None (unchanged or rejected) are dropped."""
    kept_ids = [report_id for report_id in ids if report_id is not None]
    if len(kept_ids) == len(ids) and kept_ids == list(range(ids[0], ids[0] + len(ids))):
        return {name: shifted(table, ids[0]) for name, table in tables.items()}  # all new
    lookup = pa.array(ids, type=pa.int32())
    result = {}
    for name, table in tables.items():
        new_ids = pc.take(lookup, table["report_id"])
        keep = pc.is_valid(new_ids)
        position = table.schema.get_field_index("report_id")
        kept = table.filter(keep)
        if kept.num_rows:
            result[name] = kept.set_column(position, "report_id", new_ids.filter(keep))
    return result
