"""This checkout's readers and whole extraction against another checkout's, paired.

    .venv/bin/python benchmarks/compare_trees.py OTHER [--rounds 30]

OTHER is a checkout with its own ``.venv`` (``git worktree add OTHER <commit>``,
then ``make`` there, or a venv with its pinned packages). This machine's
speed drifts by a factor of two or three from one hour to the next, and even
between two runs a minute apart, so rates of two trees measured one after the
other compare little. Here the two trees run at once, each in a worker process
of its own, both pinned to the same core, and take turns in short bursts
(0.3 s of CPU time for a web page, 0.6 s for the PDFs; which goes first
alternates): each burst's rate is set against the other tree's burst next to
it, and the median of those ratios is printed with its quartiles.

Measured, every cache cleared before every report and the garbage collector
frozen after the imports, as the loader's worker does:

- ``html_reader``: the 沭阳 page (108 KB, corpus/raw) laid out as text;
- ``html_whole``: the same page's whole extraction, bytes to canonical report;
- ``pdf_reader``, ``pdf_whole``: the same for the three PDFs of corpus/orig.

The readers are found where either layout keeps them: ``etl/readers/`` (since
the readers were given a module each) or ``etl/html_text.py`` and
``etl/pdf_text.py`` (before), so a tree of either age can be measured.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
PAGE = CORPUS / "raw" / "2023_shuyang_fagaiju.html"
JOBS = ("html_reader", "html_whole", "pdf_reader", "pdf_whole")
_BURST_SECONDS = {"html_reader": 0.3, "html_whole": 0.3, "pdf_reader": 0.6, "pdf_whole": 0.6}
# Both workers on one core, the last this process may use: neither ever runs beside the other.
_CORE = str(max(os.sched_getaffinity(0)))


def _jobs() -> dict[str, list[Callable[[], object]]]:
    """What each measure runs once per report, in the tree this process imports."""
    from etl.decode import decode_text
    from etl.extract import extract_bytes

    try:
        from etl.readers.html import html_to_text
        from etl.readers.pdf import pdf_to_text

        def read_page(text: str, file: str) -> object:
            return html_to_text(text, file)
    except ImportError:  # a tree from before etl/readers/
        from etl.html_text import html_to_text  # type: ignore[no-redef]
        from etl.pdf_text import pdf_to_text  # type: ignore[no-redef]

        def read_page(text: str, file: str) -> object:
            return html_to_text(text)  # type: ignore[call-arg]

    page = PAGE.read_bytes()
    text = decode_text(page, PAGE.name)
    pdfs = [(path.name, path.read_bytes()) for path in sorted((CORPUS / "orig").glob("*.pdf"))]
    return {
        "html_reader": [lambda: read_page(text, PAGE.name)],
        "html_whole": [lambda: extract_bytes(page, PAGE.name)],
        "pdf_reader": [lambda d=data, n=name: pdf_to_text(d, n) for name, data in pdfs],
        "pdf_whole": [lambda d=data, n=name: extract_bytes(d, n) for name, data in pdfs],
    }


def serve() -> None:
    """The worker: answers each line "JOB SECONDS" with the rate it ran JOB at,
    in reports per CPU second, over at least SECONDS."""
    from etl.extract import clear_caches

    jobs = _jobs()
    for runs in jobs.values():  # every import and first-use cost paid before measuring
        for run in runs:
            run()
    gc.freeze()
    print("ready", flush=True)
    for line in sys.stdin:
        name, seconds = line.split()
        runs, reports, start = jobs[name], 0, time.process_time()
        while time.process_time() - start < float(seconds):
            for run in runs:
                clear_caches()
                run()
                reports += 1
        print(reports / (time.process_time() - start), flush=True)


class _Worker:
    def __init__(self, tree: Path) -> None:
        self.process = subprocess.Popen(
            ["taskset", "-c", _CORE, str(tree / ".venv" / "bin" / "python"), __file__, "--serve"],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in, self._out = self.process.stdin, self.process.stdout
        if self._out.readline().strip() != "ready":
            raise SystemExit(f"the worker of {tree} did not start")

    def rate(self, job: str) -> float:
        self._in.write(f"{job} {_BURST_SECONDS[job]}\n")
        self._in.flush()
        return float(self._out.readline())


def compare(other: Path, rounds: int) -> None:
    this = Path(__file__).resolve().parent.parent
    workers = {"this": _Worker(this), "other": _Worker(other)}
    print(f"this tree: {this}\nother tree: {other}\n{rounds} paired bursts a measure")
    for job in JOBS:
        rates: dict[str, list[float]] = {"this": [], "other": []}
        ratios = []
        for turn in range(rounds):
            order = ("other", "this") if turn % 2 == 0 else ("this", "other")
            burst = {name: workers[name].rate(job) for name in order}
            for name, rate in burst.items():
                rates[name].append(rate)
            ratios.append(burst["this"] / burst["other"])
        low, _, high = statistics.quantiles(ratios, n=4)
        middle = statistics.median(ratios)
        print(
            f"{job}: other {statistics.median(rates['other']):.2f}/s, "
            f"this {statistics.median(rates['this']):.2f}/s; "
            f"this ÷ other, median of the pairs {middle:.2f} (quartiles {low:.2f}–{high:.2f})"
        )
    for worker in workers.values():
        worker.process.stdin.close()  # type: ignore[union-attr]
        worker.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", nargs="?", type=Path, help="the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
    elif args.other is None:
        parser.error("the other checkout is needed")
    else:
        compare(args.other.resolve(), args.rounds)


if __name__ == "__main__":
    main()
