"""What a load derives from the stored reports once they are in: cross-year
findings, the agencies table and the build information."""

from __future__ import annotations

from datetime import datetime

import duckdb

from etl import __version__, template
from etl.crossyear import STOCK_COLUMNS, STOCK_ITEMS, YearFigures, cross_year_findings
from etl.db.cellkeys import column
from etl.db.flatten import Batch, insert_tables
from etl.db.schema import DB_SCHEMA_VERSION

_APPLICANTS = template.APPLICANT_COLUMNS
PAIRS_PER_FETCH = 20_000


def _year_columns(alias: str) -> list[str]:
    """The columns a YearFigures is built from, for one side of the pair."""
    columns = [f"{alias}.year", f"{alias}.format", f"n{alias}.problems"]
    columns += [f"{alias}.{column('applications', 'carried_over', c)}" for c in _APPLICANTS]
    columns += [f"{alias}.{column('applications', 'carried_forward', c)}" for c in _APPLICANTS]
    columns += [
        f"{alias}.{column('proactive', item, c)}" for item in STOCK_ITEMS for c in STOCK_COLUMNS
    ]
    return columns


def _year_figures(values: tuple) -> YearFigures:
    year, report_format, problems, *figures = values
    count = len(_APPLICANTS)
    carried_over, carried_forward, stock = (
        figures[:count],
        figures[count : 2 * count],
        figures[2 * count :],
    )
    per_item = len(STOCK_COLUMNS)
    return YearFigures(
        year=year,
        format=report_format,
        carried_over=dict(zip(_APPLICANTS, carried_over, strict=True)),
        carried_forward=dict(zip(_APPLICANTS, carried_forward, strict=True)),
        stock={
            item: dict(zip(STOCK_COLUMNS, stock[i * per_item : (i + 1) * per_item], strict=True))
            for i, item in enumerate(STOCK_ITEMS)
        },
        problems=problems,
    )


def recompute_cross_year(
    con: duckdb.DuckDBPyConnection, first_new_id: int, loaded_at: datetime
) -> None:
    """Cross-year findings for every report whose own or previous year's report
    arrived in this load (ids from ``first_new_id``), replacing older ones; the
    reports' error and warning counts follow."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE affected AS
        SELECT DISTINCT r.report_id
        FROM reports r
        JOIN (SELECT agency_id, year FROM reports WHERE report_id >= ?) t
          ON r.agency_id = t.agency_id AND (r.year = t.year OR r.year = t.year + 1)
        """,
        [first_new_id],
    )
    con.execute(
        "DELETE FROM findings WHERE origin = 'cross_year' "
        "AND report_id IN (SELECT report_id FROM affected)"
    )
    current, previous = _year_columns("r"), _year_columns("p")
    # Read in slices (a million pairs at once would be gigabytes of tuples); the
    # result is consumed before anything else runs on the connection.
    pairs = con.execute(
        f"""
        SELECT r.report_id, {", ".join(current)}, {", ".join(previous)}
        FROM reports r
        JOIN affected USING (report_id)
        JOIN reports p ON p.agency_id = r.agency_id AND p.year = r.year - 1
        LEFT JOIN narratives nr ON nr.report_id = r.report_id
        LEFT JOIN narratives np ON np.report_id = p.report_id
        ORDER BY r.report_id
        """
    )
    width = len(current)
    batch = Batch()
    while rows := pairs.fetchmany(PAIRS_PER_FETCH):
        for report_id, *values in rows:
            findings = cross_year_findings(
                _year_figures(tuple(values[:width])), _year_figures(tuple(values[width:]))
            )
            batch.add_findings(report_id, findings, origin="cross_year")
    insert_tables(con, batch.to_arrow(), loaded_at)
    con.execute(
        """
        UPDATE reports SET errors = counts.errors, warnings = counts.warnings
        FROM (
            SELECT a.report_id,
                   count(f.rule) FILTER (WHERE f.severity = 'error') AS errors,
                   count(f.rule) FILTER (WHERE f.severity = 'warning') AS warnings
            FROM affected a LEFT JOIN findings f USING (report_id)
            GROUP BY a.report_id
        ) counts
        WHERE reports.report_id = counts.report_id
        """
    )


def rebuild_agencies(con: duckdb.DuckDBPyConnection) -> None:
    """One row per agency: its latest report's name and region, every name it printed."""
    con.execute("DELETE FROM agencies")
    latest = ", ".join(
        f"arg_max({name}, year) AS {name}"
        for name in ("province", "city", "county", "adcode", "level", "kind")
    )
    con.execute(
        f"""
        INSERT INTO agencies
        SELECT agency_id, arg_max(agency_name, year) AS name,
               list(DISTINCT agency_name ORDER BY agency_name) AS names,
               {latest}, min(year), max(year), count(*), bool_or(synthetic)
        FROM reports GROUP BY agency_id ORDER BY agency_id
        """
    )


def write_build_info(con: duckdb.DuckDBPyConnection, built_at: datetime) -> str:
    """Record what the database now holds; return its data version, which
    changes whenever the reports or the code that derived the findings do."""
    con.execute("DELETE FROM build_info")
    # The register and the notes are part of what the pages show: new ones, a new version.
    (data_version,) = con.execute(
        """
        SELECT substr(md5(? || coalesce(string_agg(content_sha256, ',' ORDER BY content_sha256),
               '') || (SELECT coalesce(string_agg(g::VARCHAR, ',' ORDER BY row_number), '')
                       FROM register g)
                   || (SELECT coalesce(string_agg(n::VARCHAR, ',' ORDER BY note_id), '')
                       FROM notes n)), 1, 16)
        FROM reports
        """,
        [__version__ + DB_SCHEMA_VERSION],
    ).fetchone()
    con.execute(
        """
        INSERT INTO build_info
        SELECT ?, ?, ?, ?, count(*), count(DISTINCT agency_id), count(*) FILTER (WHERE synthetic)
        FROM reports
        """,
        [DB_SCHEMA_VERSION, data_version, built_at, __version__],
    )
    return data_version
