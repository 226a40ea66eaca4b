"""Text reports parsed per second on one core, over the corpus repeated.

    .venv/bin/python benchmarks/parse_text.py [--rounds 5] [--repeat 200]

Reads every text report of ../shared/corpus/raw that extracts (the pre-2019
one is skipped: it ends in an error by design), parses the whole set
``--repeat`` times per round, and prints the median rate over ``--rounds``.
The agency-region lookup is cached per name, as in a real load where each
agency appears once a year; the first, uncached parse is reported apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from etl.errors import ExtractionError
from etl.extract import extract_bytes

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "raw"


def _readable_reports() -> list[tuple[str, bytes]]:
    reports = []
    for path in sorted(CORPUS.glob("*.txt")):
        data = path.read_bytes()
        try:
            extract_bytes(data, path.name)
        except ExtractionError:
            continue
        reports.append((path.name, data))
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    started = time.perf_counter()
    reports = _readable_reports()
    first_pass = time.perf_counter() - started
    print(f"{len(reports)} text reports; first pass (uncached region lookup): {first_pass:.2f} s")

    rates = []
    for round_number in range(1, args.rounds + 1):
        started = time.perf_counter()
        for _ in range(args.repeat):
            for name, data in reports:
                extract_bytes(data, name)
        elapsed = time.perf_counter() - started
        rate = len(reports) * args.repeat / elapsed
        rates.append(rate)
        count = len(reports) * args.repeat
        print(f"round {round_number}: {count} reports in {elapsed:.2f} s = {rate:,.0f}/s")
    print(f"median: {statistics.median(rates):,.0f} reports per second on one core")


if __name__ == "__main__":
    main()
