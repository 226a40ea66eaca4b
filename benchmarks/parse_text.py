"""Text reports parsed per second on one core, over the corpus repeated.

    .venv/bin/python benchmarks/parse_text.py [--rounds 5] [--repeat 100]

Reads every text report of ../shared/corpus/raw that extracts (the pre-2019
one is skipped: it ends in an error by design), parses the whole set
``--repeat`` times per round, and prints the median rate over ``--rounds``,
pinned to one core. Two figures:

- warm: the parser's memo caches (region lookups, layout text, run splits) as
  they are in a long load, where the same agencies and template texts recur;
- cold: every cache cleared before every report, as if no report resembled
  any other — the floor for a corpus of all-new agencies.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from etl.errors import ExtractionError
from etl.extract import clear_caches, extract_bytes

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


def median_rate(
    reports: list[tuple[str, bytes]], rounds: int, repeat: int, before_each: Callable[[], None]
) -> list[float]:
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeat):
            for name, data in reports:
                before_each()
                extract_bytes(data, name)
        rates.append(len(reports) * repeat / (time.perf_counter() - started))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    reports = _readable_reports()
    print(f"{len(reports)} text reports × {args.repeat} per round, {args.rounds} rounds")
    for label, before_each in (("warm", lambda: None), ("cold", clear_caches)):
        rates = median_rate(reports, args.rounds, args.repeat, before_each)
        spread = ", ".join(f"{rate:,.0f}" for rate in rates)
        print(f"{label}: median {statistics.median(rates):,.0f} reports/s on one core ({spread})")


if __name__ == "__main__":
    main()
