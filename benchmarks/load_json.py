"""Loading canonical JSON at scale: ``python -m etl load`` on synthetic
reports, against DuckDB's own ``read_json`` of the same files.

    .venv/bin/python -m benchmarks.load_json [--reports 100000] [--runs 3]

Writes the reports once (``python -m etl synth``, kept under
benchmarks/data/), then loads them ``--runs`` times into a new database and
prints the median wall time, reports per second and the peak memory of the
process tree (worker processes included). The reference is DuckDB reading the
same files into one table with ``read_json``: parsing only, no validation,
no findings, no cells table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from benchmarks.measure import Measured, run_measured

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"

# Top-level keys typed, nested objects kept as JSON: letting DuckDB infer a
# struct type for 200 nested cells over 100,000 files takes all the memory.
READ_JSON = """
import duckdb, sys
columns = {
    "schema_version": "VARCHAR", "agency": "JSON", "year": "INTEGER", "format": "VARCHAR",
    "scope": "VARCHAR", "source": "JSON", "synthetic": "BOOLEAN", "narrative": "JSON",
    "headline": "JSON", "proactive": "JSON", "applications": "JSON",
    "review_litigation": "JSON", "findings": "JSON",
}
con = duckdb.connect(sys.argv[2])
con.execute(
    "CREATE TABLE raw AS SELECT * FROM read_json(?, format = 'auto', columns = ?)",
    [sys.argv[1] + "/*.json", columns],
)
"""


def _median(runs: list[Measured]) -> tuple[float, float]:
    return (
        statistics.median(run.seconds for run in runs),
        max(run.peak_rss_bytes for run in runs) / 2**30,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = DATA / f"json-{args.reports}"
    if not folder.exists():
        command = [sys.executable, "-m", "etl", "synth", "--reports", str(args.reports)]
        made = run_measured([*command, "--out", str(folder)], ROOT)
        print(f"wrote {args.reports:,} JSON files in {made.seconds:.0f} s")
    db = DATA / "load-benchmark.duckdb"
    loads, reads = [], []
    for _ in range(args.runs):
        db.unlink(missing_ok=True)
        loads.append(
            run_measured([sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)], ROOT)
        )
        assert loads[-1].returncode == 0, "the load failed"
        size = db.stat().st_size
        db.unlink()
        reads.append(run_measured([sys.executable, "-c", READ_JSON, str(folder), str(db)], ROOT))
        assert reads[-1].returncode == 0, "read_json failed"
        db.unlink()
    load_seconds, load_memory = _median(loads)
    read_seconds, read_memory = _median(reads)
    print(f"{args.reports:,} reports, {args.runs} runs (median time, highest peak memory)")
    print(
        f"  python -m etl load : {load_seconds:6.1f} s  {args.reports / load_seconds:8,.0f} "
        f"reports/s  peak {load_memory:.2f} GiB  database {size / 2**30:.2f} GiB"
    )
    print(
        f"  DuckDB read_json   : {read_seconds:6.1f} s  {args.reports / read_seconds:8,.0f} "
        f"reports/s  peak {read_memory:.2f} GiB"
    )
    print(f"  ratio load / read_json: {load_seconds / read_seconds:.2f}")
    print("  runs (s): load " + ", ".join(f"{run.seconds:.1f}" for run in loads)
          + "; read_json " + ", ".join(f"{run.seconds:.1f}" for run in reads))  # fmt: skip


if __name__ == "__main__":
    main()
