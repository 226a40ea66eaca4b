"""Parquet export: every table, partitioned by year where it has reports, and
read back equal to the database."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import run_cli


def test_export_writes_every_table_and_reads_back_equal(
    bundled_database: Path, tmp_path: Path
) -> None:
    out = tmp_path / "parquet"
    result = run_cli("export", "--db", str(bundled_database), "--parquet", str(out))
    assert result.returncode == 0, result.stderr
    years = sorted(path.name for path in (out / "reports").iterdir())
    assert years == ["year=2021", "year=2023", "year=2024"]
    with duckdb.connect(str(bundled_database), read_only=True) as con:
        for table in ("reports", "cells", "narratives", "findings"):
            exported = con.execute(
                f"SELECT * EXCLUDE (year) FROM read_parquet(?, hive_partitioning = true) "
                f"EXCEPT ALL SELECT * EXCLUDE (year) FROM "
                f"(SELECT r.year, t.* FROM {table} t JOIN reports r USING (report_id))"
                if table != "reports"
                else "SELECT * EXCLUDE (year) FROM read_parquet(?, hive_partitioning = true) "
                "EXCEPT ALL SELECT * EXCLUDE (year) FROM reports",
                [str(out / table / "*" / "*.parquet")],
            ).fetchall()
            assert exported == [], table
            (count,) = con.execute(
                "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                [str(out / table / "*" / "*.parquet")],
            ).fetchone()
            (expected,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert count == expected, table
        whole = ("agencies", "cell_keys", "build_info", "load_runs", "rejects", "register", "notes")
        for table in whole:
            rows = con.execute("SELECT * FROM read_parquet(?)", [str(out / f"{table}.parquet")])
            assert sorted(rows.fetchall(), key=repr) == sorted(
                con.execute(f"SELECT * FROM {table}").fetchall(), key=repr
            ), table
    # The year a report's rows are filed under is its report's year.
    with duckdb.connect() as con:
        (hongze_2023,) = con.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) "
            "WHERE year = 2023 AND agency_id = '320813-人民政府'",
            [str(out / "reports" / "*" / "*.parquet")],
        ).fetchone()
    assert hongze_2023 == 1


def test_export_into_a_folder_with_files_is_refused(bundled_database: Path, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_cli("export", "--db", str(bundled_database), "--parquet", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"{tmp_path}: 文件夹不为空；请指定一个新的或空的文件夹"
    assert [path.name for path in tmp_path.iterdir()] == ["keep.txt"]


def test_export_of_a_missing_database_names_it(tmp_path: Path) -> None:
    result = run_cli(
        "export", "--db", str(tmp_path / "none.duckdb"), "--parquet", str(tmp_path / "out")
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{tmp_path / 'none.duckdb'}: 数据库不存在")
