"""``python -m etl fetch URL... | --list FILE --out DIR``: report pages and
their attachments downloaded into a folder that ``python -m etl load`` takes.

A line for each URL goes to stderr as it ends, the summary table to stdout
(as for ``load``). Exit 0 when every URL was fetched, 1 when any was
refused, failed or skipped by robots.txt, 2 when the list or the folder
cannot be used.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rich.console import Console
from rich.table import Table

from etl.decode import decode_text
from etl.errors import ExtractionError
from etl.fetch.client import MB, Policy
from etl.fetch.crawl import FAILED, SAVED, SKIPPED, Crawl, Outcome
from etl.fetch.provenance import MANIFEST
from etl.files import read_bytes

EXIT_OK, EXIT_INCOMPLETE = 0, 1
DEFAULTS = Policy()
_LABELS = {SAVED: "已下载", SKIPPED: "已跳过", FAILED: "失败"}
_BYTES = re.compile(r"(\d+)\s*([KkMm]?)[Bb]?")
_stdout = Console(highlight=False)
_stderr = Console(stderr=True, highlight=False)


def add_command(commands: argparse._SubParsersAction) -> None:
    fetch = commands.add_parser(
        "fetch",
        help="download report pages and their attachments (PDF, Word, WPS …) into a folder",
    )
    fetch.add_argument("urls", nargs="*", metavar="URL", help="a report page or document")
    fetch.add_argument(
        "--list", type=Path, metavar="FILE", help="URLs one a line (# comments skipped)"
    )
    fetch.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder to save into"
    )
    fetch.add_argument(
        "--allow-private",
        action="store_true",
        help="also fetch from private, loopback and link-local addresses (an intranet portal)",
    )
    fetch.add_argument(
        "--max-bytes",
        type=_byte_count,
        default=DEFAULTS.max_bytes,
        metavar="N",
        help="the largest file downloaded, in bytes or with K or M (default 25M)",
    )
    for option, default, meaning in (
        ("--timeout", DEFAULTS.timeout, "for a connection or a read to answer"),
        ("--max-seconds", DEFAULTS.max_seconds, "for a whole download"),
        ("--delay", DEFAULTS.delay, "between two requests to one host"),
        ("--backoff", DEFAULTS.backoff, "before the first retry, doubled for each next one"),
    ):
        meaning = f"seconds {meaning} (default {default:g})"
        fetch.add_argument(option, type=_seconds, default=default, metavar="S", help=meaning)
    fetch.add_argument(
        "--retries",
        type=_count,
        default=DEFAULTS.retries,
        metavar="N",
        help=f"retries after a connection error, 429 or 5xx (default {DEFAULTS.retries})",
    )
    fetch.add_argument(
        "--no-attachments", action="store_true", help="save the pages only, not what they link"
    )
    fetch.set_defaults(command=run_fetch, usage_error=fetch.error)


def _byte_count(text: str) -> int:
    match = _BYTES.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"应为正的字节数（可带 K 或 M），而不是 {text!r}")
    unit = {"": 1, "k": 1024, "m": MB}[match.group(2).lower()]
    return int(match.group(1)) * unit


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"应为非负的秒数，而不是 {text!r}")
    return seconds


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"应为非负整数，而不是 {text!r}")
    return int(text)


def run_fetch(args: argparse.Namespace) -> int:
    urls = list(dict.fromkeys([*args.urls, *(_listed(args.list) if args.list else [])]))
    if not urls:
        args.usage_error("需要至少一个网址，或用 --list FILE 给出网址列表")
    if args.timeout <= 0 or args.max_seconds <= 0:
        args.usage_error("--timeout 和 --max-seconds 应大于 0")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExtractionError(
            str(args.out), f"无法创建文件夹（{error.strerror or error}）"
        ) from error
    policy = Policy(
        allow_private=args.allow_private,
        max_bytes=args.max_bytes,
        timeout=args.timeout,
        max_seconds=args.max_seconds,
        delay=args.delay,
        retries=args.retries,
        backoff=args.backoff,
    )
    outcomes = Crawl(args.out, policy, not args.no_attachments, _progress).run(urls)
    _print_summary(outcomes, args.out)
    return EXIT_OK if all(outcome.status == SAVED for outcome in outcomes) else EXIT_INCOMPLETE


def _listed(path: Path) -> list[str]:
    """The URLs of a list file (UTF-8 or GBK), one a line."""
    try:
        text = decode_text(read_bytes(path), str(path))
    except ExtractionError as error:
        raise ExtractionError(str(path), f"网址列表：{error.problem}") from error
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _progress(outcome: Outcome) -> None:
    _stderr.print(f"{_LABELS[outcome.status]} {outcome.line()}", markup=False, soft_wrap=True)


def _print_summary(outcomes: list[Outcome], out: Path) -> None:
    counts = Table("网址 URLs", "个数", title=f"抓取到 {out}")
    counts.columns[1].justify = "right"
    for label, status in (
        ("已下载 fetched", SAVED),
        ("已跳过 skipped (robots.txt)", SKIPPED),
        ("失败 failed", FAILED),
    ):
        counts.add_row(label, f"{sum(o.status == status for o in outcomes):,}")
    _stdout.print(counts)
    for status, heading in ((SKIPPED, "已跳过 skipped:"), (FAILED, "失败 failed:")):
        lines = [outcome.line() for outcome in outcomes if outcome.status == status]
        if lines:
            # One line each, never cut short: the URL and the reason in full.
            _stdout.print(heading)
            for line in lines:
                _stdout.print(f"  {line}", soft_wrap=True, markup=False)
    if any(outcome.status == SAVED for outcome in outcomes):
        _stdout.print(
            f"下载记录 {out / MANIFEST}；载入数据库：python -m etl load {out} --db FILE",
            soft_wrap=True,
            markup=False,
        )
