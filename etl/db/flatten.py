"""Canonical reports → rows of the database tables, gathered column by column
and written in bulk (one Arrow table per table per batch, not a row at a time)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from etl.db.cellkeys import cell_key_index
from etl.db.schema import (
    CELL_COLUMNS,
    FIGURE_COLUMNS,
    FINDING_COLUMNS,
    NARRATIVE_COLUMNS,
    REPORT_COLUMNS,
)
from etl.model import Finding, Report

LOCATION_KEYS = ("line", "page", "table", "row", "col")
_ARROW_TYPES = {
    "INTEGER": pa.int32(),
    "SMALLINT": pa.int16(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
}


@dataclass
class StoredReport:
    """A report as the loader stores it: its findings brought up to date and
    where it came from."""

    report: Report
    findings: list[Finding]
    input_file: str
    content_sha256: str


@dataclass
class TableRows:
    """One table's rows for a batch, held as columns."""

    columns: tuple[tuple[str, str], ...]
    data: dict[str, list] = field(init=False)

    def __post_init__(self) -> None:
        self.data = {name: [] for name, _ in self.columns}

    def __len__(self) -> int:
        return len(self.data[self.columns[0][0]])

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                name: pa.array(self.data[name], type=_ARROW_TYPES[kind.removesuffix(" NOT NULL")])
                for name, kind in self.columns
            }
        )


class Batch:
    """Reports flattened into the rows of ``reports``, ``cells``,
    ``narratives`` and ``findings``, until written."""

    def __init__(self, loaded_at: datetime) -> None:
        self.loaded_at = loaded_at
        self.reports = TableRows(REPORT_COLUMNS + FIGURE_COLUMNS)
        self.cells = TableRows(CELL_COLUMNS)
        self.narratives = TableRows(NARRATIVE_COLUMNS)
        self.findings = TableRows(FINDING_COLUMNS)

    def __len__(self) -> int:
        return len(self.reports)

    def add(self, report_id: int, stored: StoredReport) -> None:
        report = stored.report
        figures, statuses = self._add_cells(report_id, report)
        errors = sum(1 for finding in stored.findings if finding.severity == "error")
        agency, source = report.agency, report.source
        row = {
            "report_id": report_id,
            "agency_id": agency.id,
            "agency_name": agency.name,
            "province": agency.province,
            "city": agency.city,
            "county": agency.county,
            "adcode": agency.adcode,
            "level": agency.level,
            "kind": agency.kind,
            "year": report.year,
            "format": report.format,
            "scope": report.scope,
            "synthetic": report.synthetic,
            "source_file": source.file,
            "source_sha256": source.sha256,
            "media_type": source.media_type,
            "source_url": source.url,
            "published_on": source.published_on,
            "parser_name": source.parser.name,
            "parser_version": source.parser.version,
            "input_file": stored.input_file,
            "content_sha256": stored.content_sha256,
            "loaded_at": self.loaded_at,
            "errors": errors,
            "warnings": len(stored.findings) - errors,
            "blank_cells": statuses["blank"],
            "dash_cells": statuses["dash"],
            "text_cells": statuses["text"],
        }
        data = self.reports.data
        for name, value in row.items():
            data[name].append(value)
        for name, _ in FIGURE_COLUMNS:
            data[name].append(figures.get(name))
        narrative = report.narrative
        for name, value in (
            ("report_id", report_id),
            ("overview", narrative.overview),
            ("problems", narrative.problems),
            ("other", narrative.other),
        ):
            self.narratives.data[name].append(value)
        self.add_findings(report_id, stored.findings, origin="report")

    def add_findings(self, report_id: int, findings: list[Finding], origin: str) -> None:
        data = self.findings.data
        for finding in findings:
            data["report_id"].append(report_id)
            data["rule"].append(finding.rule)
            data["severity"].append(finding.severity)
            data["message"].append(finding.message)
            data["cells"].append(finding.cells)
            data["expected"].append(_text(finding.expected))
            data["actual"].append(_text(finding.actual))
            data["origin"].append(origin)

    def _add_cells(self, report_id: int, report: Report) -> tuple[dict[str, float], Counter]:
        """Append every cell to ``cells``; return the wide figures and status counts."""
        index = cell_key_index()
        data = self.cells.data
        figures: dict[str, float] = {}
        statuses: Counter = Counter()
        tables = [
            ("proactive", report.proactive),
            ("applications", report.applications),
            ("review_litigation", report.review_litigation),
            ("headline", {key: {"": cell} for key, cell in report.headline.items()}),
        ]
        for section, table in tables:
            for row, cells in table.items():
                for col, cell in cells.items():
                    key = index[section, row, col]
                    at = cell["at"]
                    data["report_id"].append(report_id)
                    data["cell_id"].append(key.cell_id)
                    data["value"].append(cell["value"])
                    data["status"].append(cell["status"])
                    data["raw"].append(cell["raw"])
                    data["at_line"].append(at.get("line"))
                    data["at_page"].append(at.get("page"))
                    data["at_table"].append(at.get("table"))
                    data["at_row"].append(at.get("row"))
                    data["at_col"].append(at.get("col"))
                    figures[key.column] = cell["value"]
                    statuses[cell["status"]] += 1
        return figures, statuses

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert the batch; the caller owns the transaction."""
        for name, rows in (
            ("reports", self.reports),
            ("cells", self.cells),
            ("narratives", self.narratives),
            ("findings", self.findings),
        ):
            if len(rows):
                arrow_rows = rows.to_arrow()  # noqa: F841 — read by DuckDB's replacement scan
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM arrow_rows")


def _text(value: int | float | str | None) -> str | None:
    return None if value is None else str(value)
