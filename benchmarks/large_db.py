"""A national-scale database: build it from synthetic reports, then time the
queries the dashboard runs on it.

    .venv/bin/python benchmarks/large_db.py [--reports 1000000] [--db PATH] [--runs 30]

Builds ``--db`` with ``python -m etl synth --out DB`` unless it exists (build
time, peak memory and file size are printed), then runs each dashboard query
``--runs`` times with parameters drawn from the data, through one read-only
connection with a cursor per query as the app does, and prints p50 and p95
latency.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.measure import run_measured

ROOT = Path(__file__).resolve().parent.parent

# The queries behind the dashboard's views, as it runs them (parameters bound).
QUERIES: dict[str, str] = {
    "overview totals (year range)": """
        SELECT year, count(*) AS reports, count(DISTINCT agency_id) AS agencies,
               sum(received) AS received, sum(processed) AS processed,
               disclosure_rate(sum(granted), sum(partially_granted), sum(processed)) AS rate,
               sum(review_total) AS review,
               correction_rate(sum(review_upheld), sum(review_corrected), sum(review_other))
        FROM report_measures WHERE year BETWEEN ? AND ? GROUP BY year ORDER BY year
    """,
    "one agency's series": """
        SELECT * FROM report_measures WHERE agency_id = ? ORDER BY year
    """,
    "10-agency comparison": """
        SELECT agency_id, agency_name, year, received, disclosure_rate,
               review_correction_rate
        FROM report_measures WHERE agency_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ORDER BY agency_id, year
    """,
    "region roll-up (cities of a province)": """
        SELECT city, count(*) AS reports, sum(received) AS received,
               disclosure_rate(sum(granted), sum(partially_granted), sum(processed)) AS rate,
               carry_forward_rate(sum(carried_forward), sum(received), sum(carried_over))
        FROM report_measures WHERE province = ? AND year = ? GROUP BY city ORDER BY received DESC
    """,
    "findings list (a province, errors first)": """
        SELECT r.agency_name, r.year, f.severity, f.rule, f.message
        FROM findings f JOIN reports r USING (report_id)
        WHERE r.province = ? AND r.year BETWEEN ? AND ?
        ORDER BY f.severity, r.agency_id, r.year LIMIT 500
    """,
    "findings by rule (a year)": """
        SELECT f.rule, f.severity, count(*) FROM findings f JOIN reports r USING (report_id)
        WHERE r.year = ? GROUP BY ALL ORDER BY 3 DESC
    """,
    "one report's cells (profile)": """
        SELECT k.path, c.value, c.status, c.raw, c.at_line
        FROM cells c JOIN cell_keys k USING (cell_id) WHERE c.report_id = ?
    """,
}


def build(db: Path, reports: int) -> None:
    command = [sys.executable, "-m", "etl", "synth", "--reports", str(reports), "--out", str(db)]
    measured = run_measured(command, ROOT)
    if measured.returncode != 0:
        raise SystemExit(f"synth failed with exit status {measured.returncode}")
    print(
        f"built {reports:,} synthetic reports in {measured.seconds:,.0f} s "
        f"({reports / measured.seconds:,.0f} reports/s), peak memory "
        f"{measured.peak_rss_bytes / 2**30:.2f} GiB, file {db.stat().st_size / 2**30:.2f} GiB"
    )


def parameters(con: duckdb.DuckDBPyConnection, rng: random.Random) -> dict[str, list]:
    agencies = [row[0] for row in con.execute("SELECT agency_id FROM agencies").fetchall()]
    provinces = [row[0] for row in con.execute(
        "SELECT DISTINCT province FROM reports WHERE province IS NOT NULL"
    ).fetchall()]  # fmt: skip
    (max_id,) = con.execute("SELECT max(report_id) FROM reports").fetchone()
    first = rng.randint(2019, 2023)
    return {
        "overview totals (year range)": [first, rng.randint(first, 2025)],
        "one agency's series": [rng.choice(agencies)],
        "10-agency comparison": rng.sample(agencies, 10),
        "region roll-up (cities of a province)": [rng.choice(provinces), rng.randint(2019, 2025)],
        "findings list (a province, errors first)": [rng.choice(provinces), first, 2025],
        "findings by rule (a year)": [rng.randint(2019, 2025)],
        "one report's cells (profile)": [rng.randint(1, max_id)],
    }


def time_queries(db: Path, runs: int) -> None:
    """One read-only connection and a cursor per query, as the app runs them."""
    rng = random.Random(1)
    timings: dict[str, list[float]] = {name: [] for name in QUERIES}
    start = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    con.execute(QUERIES["overview totals (year range)"], [2019, 2025]).df()
    print(f"opening the database and the first query: {time.perf_counter() - start:.2f} s")
    with con:
        for _ in range(runs):
            chosen = parameters(con, rng)
            for name, sql in QUERIES.items():
                cursor = con.cursor()
                start = time.perf_counter()
                cursor.execute(sql, chosen[name]).df()
                timings[name].append(time.perf_counter() - start)
    print(f"\nquery latency over {runs} runs (ms)")
    print(f"{'query':45} {'p50':>8} {'p95':>8} {'max':>8}")
    for name, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(
            f"{name:45} {statistics.median(ordered) * 1000:8.1f} {p95 * 1000:8.1f} "
            f"{ordered[-1] * 1000:8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=ROOT / "benchmarks" / "data" / "large.duckdb")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        build(args.db, args.reports)
    with duckdb.connect(str(args.db), read_only=True) as con:
        (reports,) = con.execute("SELECT reports FROM build_info").fetchone()
    print(f"{args.db.name}: {reports:,} reports, {args.db.stat().st_size / 2**30:.2f} GiB")
    time_queries(args.db, args.runs)


if __name__ == "__main__":
    main()
