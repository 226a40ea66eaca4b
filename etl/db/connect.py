"""Opening a database built by the loader, for reading."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.db.atomic import LoadError
from etl.db.schema import DB_SCHEMA_VERSION


def connect_read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a loader-built database of this code's schema,
    or a one-line error naming the file."""
    if not db.is_file():
        raise LoadError(f"{db}: 数据库不存在；请先用 python -m etl load 载入报告")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as error:
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
