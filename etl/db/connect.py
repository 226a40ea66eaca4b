"""Opening a database built by the loader, for reading.

The file is attached read-only to a private in-memory DuckDB instance rather
than opened with ``duckdb.connect(path)``: DuckDB keeps one instance per path
per process, so after a load swaps a new file in, a plain ``connect`` would
hand back the old, already replaced file for as long as any connection to it
is open (the dashboard's server keeps one)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.db.atomic import LoadError
from etl.db.schema import DB_SCHEMA_VERSION

ALIAS = "xxgk"


def read_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a :func:`connect_read_only` connection, reading the
    attached database (a cursor does not inherit its parent's ``USE``)."""
    cursor = con.cursor()
    cursor.execute(f"USE {ALIAS}")
    return cursor


def connect_read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a loader-built database of this code's schema,
    or a one-line error naming the file."""
    if not db.is_file():
        raise LoadError(f"{db}: 数据库不存在；请先用 python -m etl load 载入报告")
    con = duckdb.connect(":memory:")
    try:
        quoted = str(db).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {ALIAS} (READ_ONLY)")
        con.execute(f"USE {ALIAS}")
    except duckdb.Error as error:
        con.close()
        raise LoadError(f"{db}: 不是可读的 DuckDB 数据库（{error}）") from error
    try:
        (version,) = con.execute("SELECT schema_version FROM build_info").fetchone()
    except (duckdb.Error, TypeError) as error:
        con.close()
        raise LoadError(f"{db}: 不是本项目的数据库（缺少 build_info）") from error
    if version != DB_SCHEMA_VERSION:
        con.close()
        raise LoadError(
            f"{db}: 数据库结构为第 {version} 版，本程序为第 {DB_SCHEMA_VERSION} 版；"
            "请移走该文件，从报告 JSON 重新载入"
        )
    return con
