"""``python -m etl export``: the database's tables as Parquet, for engines that
read a folder of Parquet files (Spark, Trino, MotherDuck, DuckDB itself).

Tables of reports and their rows are partitioned by year (Hive layout,
``reports/year=2024/…``), so an engine reads only the years a query asks for;
the small tables are one file each.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.db.atomic import LoadError
from etl.db.connect import connect_read_only

# Tables keyed by report: exported with their report's year, partitioned by it.
BY_YEAR = {
    "reports": "SELECT * FROM reports",
    "cells": "SELECT r.year, c.* FROM cells c JOIN reports r USING (report_id)",
    "narratives": "SELECT r.year, n.* FROM narratives n JOIN reports r USING (report_id)",
    "findings": "SELECT r.year, f.* FROM findings f JOIN reports r USING (report_id)",
    "cell_crops": "SELECT r.year, p.* FROM cell_crops p JOIN reports r USING (report_id)",
}
WHOLE = ("agencies", "cell_keys", "build_info", "load_runs", "rejects", "register", "notes")


def export_parquet(db: Path, folder: Path) -> dict[str, int]:
    """Write every table under ``folder``; return rows written per table."""
    if folder.exists() and any(folder.iterdir()):
        raise LoadError(f"{folder}: 文件夹不为空；请指定一个新的或空的文件夹")
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with connect_read_only(db) as con:
        for table, query in BY_YEAR.items():
            target = str(folder / table)
            con.execute(
                f"COPY ({query}) TO '{_quoted(target)}' (FORMAT parquet, PARTITION_BY (year))"
            )
            rows[table] = _count(con, table)
        for table in WHOLE:
            target = str(folder / f"{table}.parquet")
            con.execute(f"COPY {table} TO '{_quoted(target)}' (FORMAT parquet)")
            rows[table] = _count(con, table)
    return rows


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    (count,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return count


def _quoted(path: str) -> str:
    """A path inside a SQL string literal (COPY takes no parameters)."""
    return path.replace("'", "''")
