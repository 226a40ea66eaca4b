"""The database's tables, rate macros and views (documented in docs/data-model.md).

Physical layout, chosen for the dashboard's queries at a million reports:
``reports`` holds one row per report with every cell's value as its own
column (a columnar scan reads only the few columns a chart needs), while the
long ``cells`` table keeps what only a profile or a quality count needs —
status, printed text and source location — in report order, so a lookup of
one report's cells is pruned by DuckDB's per-block min/max.
"""

from __future__ import annotations

import duckdb

from etl import template
from etl.db.cellkeys import CellKey, cell_keys, column

# Bump when a table, view or macro changes: an older database is then rebuilt,
# not patched.
DB_SCHEMA_VERSION = "4"

REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER NOT NULL"),
    ("agency_id", "VARCHAR NOT NULL"),
    ("agency_name", "VARCHAR NOT NULL"),  # as printed in this report
    ("province", "VARCHAR"),
    ("city", "VARCHAR"),
    ("county", "VARCHAR"),
    ("adcode", "VARCHAR"),
    ("level", "VARCHAR"),
    ("kind", "VARCHAR NOT NULL"),
    ("year", "SMALLINT NOT NULL"),
    ("format", "VARCHAR NOT NULL"),
    ("scope", "VARCHAR"),
    ("synthetic", "BOOLEAN NOT NULL"),
    ("source_file", "VARCHAR NOT NULL"),
    ("source_sha256", "VARCHAR NOT NULL"),
    ("media_type", "VARCHAR NOT NULL"),
    ("source_url", "VARCHAR"),
    ("source_fetched_at", "VARCHAR"),  # when `etl fetch` downloaded it, ISO-8601 UTC
    ("published_on", "VARCHAR"),
    ("published_on_from", "VARCHAR"),  # where the date was read (etl/published.py)
    ("parser_name", "VARCHAR NOT NULL"),
    ("parser_version", "VARCHAR NOT NULL"),
    ("input_file", "VARCHAR NOT NULL"),  # the file the loader read (JSON or raw report)
    ("content_sha256", "VARCHAR NOT NULL"),  # of the canonical JSON: same file, same hash
    ("loaded_at", "TIMESTAMP NOT NULL"),
    ("errors", "INTEGER NOT NULL"),
    ("warnings", "INTEGER NOT NULL"),
    ("blank_cells", "SMALLINT NOT NULL"),
    ("dash_cells", "SMALLINT NOT NULL"),
    ("text_cells", "SMALLINT NOT NULL"),
)
CELL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER NOT NULL"),
    ("cell_id", "SMALLINT NOT NULL"),
    ("value", "DOUBLE"),
    ("status", "VARCHAR NOT NULL"),
    ("raw", "VARCHAR NOT NULL"),
    ("at_line", "INTEGER"),
    ("at_page", "SMALLINT"),
    ("at_table", "SMALLINT"),
    ("at_row", "SMALLINT"),
    ("at_col", "SMALLINT"),
    ("at_box", "INTEGER[]"),  # a scanned cell's box on its page image: left, top, right, bottom
    ("at_confidence", "DOUBLE"),  # a scanned cell's OCR confidence (its least certain character)
)
# The scan's picture of each figure flagged cells.ocr_uncertain (Report.crops).
CROP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER NOT NULL"),
    ("cell_id", "SMALLINT NOT NULL"),
    ("png", "BLOB NOT NULL"),
)
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER NOT NULL"),
    ("rule", "VARCHAR NOT NULL"),
    ("severity", "VARCHAR NOT NULL"),
    ("message", "VARCHAR NOT NULL"),
    ("cells", "VARCHAR[] NOT NULL"),
    ("expected", "VARCHAR"),
    ("actual", "VARCHAR"),
    ("origin", "VARCHAR NOT NULL"),  # 'report' (single-report rules) or 'cross_year'
)
NARRATIVE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER NOT NULL"),
    ("overview", "VARCHAR"),
    ("problems", "VARCHAR"),
    ("other", "VARCHAR"),
)
TABLE_NAMES = ("reports", "cells", "narratives", "findings", "cell_crops")


# The wide value columns of ``reports``, one per template cell.
FIGURE_COLUMNS: tuple[tuple[str, str], ...] = tuple((key.column, "DOUBLE") for key in cell_keys())


def _columns_sql(columns: tuple[tuple[str, str], ...]) -> str:
    return ",\n    ".join(f"{name} {kind}" for name, kind in columns)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Tables, cell dictionary, macros and views of an empty database."""
    con.execute(f"CREATE TABLE reports (\n    {_columns_sql(REPORT_COLUMNS + FIGURE_COLUMNS)}\n)")
    con.execute(f"CREATE TABLE cells (\n    {_columns_sql(CELL_COLUMNS)}\n)")
    con.execute(f"CREATE TABLE narratives (\n    {_columns_sql(NARRATIVE_COLUMNS)}\n)")
    con.execute(f"CREATE TABLE findings (\n    {_columns_sql(FINDING_COLUMNS)}\n)")
    con.execute(f"CREATE TABLE cell_crops (\n    {_columns_sql(CROP_COLUMNS)}\n)")
    con.execute(
        """
        CREATE TABLE agencies (
            agency_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, names VARCHAR[] NOT NULL,
            province VARCHAR, city VARCHAR, county VARCHAR, adcode VARCHAR, level VARCHAR,
            kind VARCHAR NOT NULL, first_year SMALLINT NOT NULL, last_year SMALLINT NOT NULL,
            report_count INTEGER NOT NULL, synthetic BOOLEAN NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE cell_keys (
            cell_id SMALLINT PRIMARY KEY, path VARCHAR NOT NULL, section VARCHAR NOT NULL,
            row_key VARCHAR NOT NULL, col_key VARCHAR NOT NULL, wide_column VARCHAR NOT NULL,
            row_label VARCHAR NOT NULL, col_label VARCHAR NOT NULL, formats VARCHAR NOT NULL
        )
        """
    )
    con.executemany(
        "INSERT INTO cell_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_cell_key_row(key) for key in cell_keys()],
    )
    con.execute(
        """
        CREATE TABLE load_runs (
            run_id INTEGER PRIMARY KEY, started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP NOT NULL, code_version VARCHAR NOT NULL,
            inputs VARCHAR[] NOT NULL, replace_requested BOOLEAN NOT NULL,
            read INTEGER NOT NULL, loaded INTEGER NOT NULL, unchanged INTEGER NOT NULL,
            replaced INTEGER NOT NULL, rejected INTEGER NOT NULL
        )
        """
    )
    con.execute(
        "CREATE TABLE rejects (run_id INTEGER NOT NULL, file VARCHAR NOT NULL, "
        "reason VARCHAR NOT NULL)"
    )
    # The register of who must report (etl/db/register.py): kept by every load.
    con.execute(
        """
        CREATE TABLE register (
            row_number INTEGER NOT NULL, name VARCHAR NOT NULL, agency_id VARCHAR PRIMARY KEY,
            region VARCHAR, province VARCHAR, city VARCHAR, county VARCHAR, level VARCHAR,
            kind VARCHAR NOT NULL, first_year SMALLINT, last_year SMALLINT,
            source_file VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL
        )
        """
    )
    # Administrators' notes on reports and cells (etl/db/notes.py): kept by every load.
    con.execute(
        """
        CREATE TABLE notes (
            note_id INTEGER PRIMARY KEY, agency_id VARCHAR NOT NULL, year SMALLINT NOT NULL,
            cell_path VARCHAR, text VARCHAR NOT NULL, author VARCHAR,
            written_at TIMESTAMP NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE build_info (
            schema_version VARCHAR NOT NULL, data_version VARCHAR NOT NULL,
            built_at TIMESTAMP NOT NULL, code_version VARCHAR NOT NULL,
            reports INTEGER NOT NULL, agencies INTEGER NOT NULL, synthetic_reports INTEGER NOT NULL
        )
        """
    )
    _create_macros(con)
    _create_views(con)


def _cell_key_row(key: CellKey) -> tuple:
    return (
        key.cell_id,
        key.path,
        key.section,
        key.row,
        key.col,
        key.column,
        key.row_label,
        key.col_label,
        key.formats,
    )


def _create_macros(con: duckdb.DuckDBPyConnection) -> None:
    # One definition of each derived measure (spec: computed from summed
    # counts, so callers pass sums; no denominator → NULL, never 0).
    con.execute(
        "CREATE MACRO ratio(numerator, denominator) AS "
        "CASE WHEN denominator > 0 THEN numerator / denominator END"
    )
    con.execute(
        "CREATE MACRO disclosure_rate(granted, partially_granted, processed) AS "
        "ratio(granted + partially_granted, processed)"
    )
    con.execute(
        "CREATE MACRO correction_rate(upheld, corrected, other) AS "
        "ratio(corrected, upheld + corrected + other)"
    )
    con.execute(
        "CREATE MACRO carry_forward_rate(carried_forward, received, carried_over) AS "
        "ratio(carried_forward, received + carried_over)"
    )


# Measure names of the outcome groups ("other" alone would be ambiguous beside 其他结果).
OUTCOME_MEASURES = {group: group for group in template.OUTCOME_GROUP_LABELS} | {
    "other": "other_handled"
}
REVIEW_PREFIX = {
    "administrative_review": "review",
    "litigation_direct": "litigation_direct",
    "litigation_after_review": "litigation_after_review",
}


def _sum(columns: list[str]) -> str:
    return " + ".join(f"coalesce({name}, 0)" for name in columns)


def _total(row: str) -> str:
    return f"coalesce({column('applications', row, 'total')}, 0)"


def measure_expressions() -> dict[str, str]:
    """Per-report counts of the dashboard, as SQL over one ``reports`` row.
    Blank, dash and text cells count as 0, as in the single-report rules."""
    measures = {
        "received": _total("new_received"),
        "carried_over": _total("carried_over"),
        "processed": _total("total_processed"),
        "carried_forward": _total("carried_forward"),
    }
    for group in template.OUTCOME_GROUP_LABELS:
        rows = [row.key for row in template.APPLICATION_ROWS if row.group == group]
        measures[OUTCOME_MEASURES[group]] = _sum(
            [column("applications", row, "total") for row in rows]
        )
    for applicant in template.APPLICANT_COLUMNS[:-1]:
        measures[f"received_{applicant}"] = (
            f"coalesce({column('applications', 'new_received', applicant)}, 0)"
        )
    for group, prefix in REVIEW_PREFIX.items():
        for outcome in template.REVIEW_COLUMNS:
            measures[f"{prefix}_{outcome}"] = (
                f"coalesce({column('review_litigation', group, outcome)}, 0)"
            )
    return measures


def _rates(source: str = "") -> dict[str, str]:
    """The spec's derived measures over (summed) measure columns."""
    rates = {
        "disclosure_rate": f"disclosure_rate({source}granted, {source}partially_granted, "
        f"{source}processed)",
        "carry_forward_rate": f"carry_forward_rate({source}carried_forward, {source}received, "
        f"{source}carried_over)",
    }
    for prefix in REVIEW_PREFIX.values():
        rates[f"{prefix}_correction_rate"] = (
            f"correction_rate({source}{prefix}_upheld, {source}{prefix}_corrected, "
            f"{source}{prefix}_other)"
        )
    return rates


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    measures = measure_expressions()
    proactive = {
        "regulations_issued": column("proactive", "regulations", "issued"),
        "regulations_repealed": column("proactive", "regulations", "repealed"),
        "regulations_in_force": column("proactive", "regulations", "in_force"),
        "normative_documents_issued": column("proactive", "normative_documents", "issued"),
        "normative_documents_repealed": column("proactive", "normative_documents", "repealed"),
        "normative_documents_in_force": column("proactive", "normative_documents", "in_force"),
        "licensing_decisions": column("proactive", "licensing", "decisions"),
        "penalty_decisions": column("proactive", "penalty", "decisions"),
        "coercion_decisions": column("proactive", "coercion", "decisions"),
        "fees_10k_yuan": column("proactive", "fees", "amount_10k_yuan"),
        "headline_proactive_items": column("headline", "proactive_items"),
        "headline_fee_yuan": column("headline", "fee_yuan"),
    }
    selected = ",\n    ".join(
        [f"{expression} AS {name}" for name, expression in measures.items()]
        + [f"{expression} AS {name}" for name, expression in proactive.items()]
    )
    con.execute(
        f"""
        CREATE VIEW report_measures AS
        WITH m AS (
            SELECT report_id, agency_id, agency_name, province, city, county, adcode, level,
                   kind, year, format, synthetic, errors, warnings, blank_cells, dash_cells,
                   text_cells,
                   {selected}
            FROM reports
        )
        SELECT *, {", ".join(f"{sql} AS {name}" for name, sql in _rates().items())}
        FROM m
        """
    )
    summed = ",\n    ".join(f"sum({name}) AS {name}" for name in measures)
    con.execute(
        f"""
        CREATE VIEW year_measures AS
        WITH y AS (
            SELECT year, count(*) AS reports, count(DISTINCT agency_id) AS agencies,
                   {summed}
            FROM report_measures GROUP BY year
        )
        SELECT *, {", ".join(f"{sql} AS {name}" for name, sql in _rates().items())}
        FROM y ORDER BY year
        """
    )
    _create_long_views(con)


def _create_long_views(con: duckdb.DuckDBPyConnection) -> None:
    """Per-year totals in long form, with the template's labels, for stacked charts."""
    groups = " UNION ALL ".join(
        f"SELECT year, {order} AS sort_order, '{group}' AS outcome_group, "
        f"'{label}' AS label, {OUTCOME_MEASURES[group]} AS applications FROM year_measures"
        for order, (group, label) in enumerate(template.OUTCOME_GROUP_LABELS.items())
    )
    con.execute(f"CREATE VIEW outcome_group_totals AS {groups}")
    applicants = " UNION ALL ".join(
        f"SELECT year, {order} AS sort_order, '{applicant}' AS applicant_type, "
        f"'{template.APPLICANT_COLUMN_LABELS[applicant]}' AS label, "
        f"received_{applicant} AS applications FROM year_measures"
        for order, applicant in enumerate(template.APPLICANT_COLUMNS[:-1])
    )
    con.execute(f"CREATE VIEW applicant_type_totals AS {applicants}")
    outcomes = " UNION ALL ".join(
        f"SELECT year, '{group}' AS review_group, '{template.REVIEW_GROUP_LABELS[group]}' "
        f"AS group_label, '{outcome}' AS outcome, '{template.REVIEW_COLUMN_LABELS[outcome]}' "
        f"AS outcome_label, {prefix}_{outcome} AS cases FROM year_measures"
        for group, prefix in REVIEW_PREFIX.items()
        for outcome in template.REVIEW_COLUMNS
    )
    con.execute(f"CREATE VIEW review_outcome_totals AS {outcomes}")
