"""The dashboard's one read-only DuckDB connection per process, and its cached
queries.

A load replaces the database file with a new one (etl/db/atomic.py). The
connection is reopened when the file changes, and cached results are keyed by
the database's data version, so a finished load shows up on the next rerun.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl.db.connect import connect_read_only, read_cursor

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DB = ROOT / "data" / "xxgk.duckdb"
QUERY_CACHE_ENTRIES = 256


def _file_identity(path: Path) -> tuple[int, int]:
    if not path.is_file():
        return 0, 0  # connect_read_only() says what is missing
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


@st.cache_resource(max_entries=1, show_spinner=False)
def _connection(path: str, identity: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    # ``identity`` is only part of the cache key: a replaced file opens anew.
    return connect_read_only(Path(path))


def database_path() -> Path:
    """XXGK_DB points the app at another database (tests, a synthetic benchmark)."""
    return Path(os.environ.get("XXGK_DB", BUNDLED_DB))


def connection() -> duckdb.DuckDBPyConnection:
    path = database_path()
    return _connection(str(path), _file_identity(path))


def data_version() -> str:
    with read_cursor(connection()) as cursor:
        (version,) = cursor.execute("SELECT data_version FROM build_info").fetchone()
    return version


Params = tuple | dict[str, object]


def _bindable(params: Params) -> list | dict:
    # Tuples (hashable, so filters can be cache keys) are DuckDB lists.
    def bind(value: object) -> object:
        return list(value) if isinstance(value, tuple) else value

    if isinstance(params, dict):
        return {name: bind(value) for name, value in params.items()}
    return [bind(value) for value in params]


@st.cache_data(max_entries=QUERY_CACHE_ENTRIES, show_spinner=False)
def _cached_query(sql: str, params: Params, version: str) -> pd.DataFrame:
    with read_cursor(connection()) as cursor:
        return cursor.execute(sql, _bindable(params)).df()


def query(sql: str, params: Params = ()) -> pd.DataFrame:
    """A query's result, cached by its SQL, its parameters and the data version.
    Parameters are always bound (``?`` or ``$name``), never formatted into the SQL."""
    return _cached_query(sql, params, data_version())


def synthetic_reports() -> int:
    """How many loaded reports are synthetic (the app then says so)."""
    return int(query("SELECT synthetic_reports FROM build_info").synthetic_reports.iloc[0])
