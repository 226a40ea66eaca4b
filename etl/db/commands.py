"""The database commands of ``python -m etl``: load, register, bulletin, export and synth.

Progress goes to stderr, the summary table to stdout, so a script can keep
the summary and drop the bar.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from etl.bounded import add_limit_options, limits_of
from etl.db.atomic import LoadError
from etl.db.connect import connect_read_only
from etl.db.export import export_parquet
from etl.db.flatten import PreparedChunk
from etl.db.inputs import input_files, prepared_chunks, synthetic_chunks
from etl.db.load import LoadSummary, load_chunks
from etl.db.register import store_register
from etl.register import read_register, register_template
from etl.synth import synthetic_reports, write_report_files

EXIT_OK, EXIT_REJECTS = 0, 1
T = TypeVar("T")
_stdout = Console(highlight=False)
_stderr = Console(stderr=True, highlight=False)


def add_commands(commands: argparse._SubParsersAction) -> None:
    load = commands.add_parser(
        "load", help="load canonical JSON, raw reports or folders of either into DuckDB"
    )
    load.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    load.add_argument("--db", type=Path, required=True, help="the DuckDB file to create or update")
    load.add_argument(
        "--replace",
        action="store_true",
        help="let a different report replace the stored one of the same agency and year",
    )
    load.add_argument("--strict", action="store_true", help="exit 1 if any input is rejected")
    add_limit_options(load)
    load.set_defaults(command=run_load)

    export = commands.add_parser("export", help="write the database's tables as Parquet")
    export.add_argument("--db", type=Path, required=True)
    export.add_argument(
        "--parquet", type=Path, required=True, metavar="DIR", help="an empty or new folder"
    )
    export.set_defaults(command=run_export)

    register = commands.add_parser(
        "register", help="import the register of agencies that must report (应报名录)"
    )
    register.add_argument("file", type=Path, nargs="?", help="the register: .xlsx or .csv")
    register.add_argument("--db", type=Path, help="the DuckDB file to store it in")
    register.add_argument(
        "--template", type=Path, metavar="OUT", help="write an empty register (.xlsx) to fill in"
    )
    register.set_defaults(command=run_register)

    bulletin = commands.add_parser(
        "bulletin", help="write the 通报 of a region's year as a Word document (.docx)"
    )
    bulletin.add_argument("--db", type=Path, required=True)
    bulletin.add_argument(
        "--region", default="全国", help="a province, city or county (淮安市); default 全国"
    )
    bulletin.add_argument("--year", type=_count, required=True)
    bulletin.add_argument("--out", type=Path, required=True, metavar="FILE.docx")
    bulletin.set_defaults(command=run_bulletin)

    synth = commands.add_parser(
        "synth", help="make realistic synthetic reports for scale tests (marked synthetic)"
    )
    synth.add_argument("--reports", type=_count, required=True, metavar="N")
    synth.add_argument("--seed", type=int, default=1, metavar="S")
    synth.add_argument(
        "--error-rate",
        type=_share,
        default=0.02,
        metavar="F",
        help="share of reports given one arithmetic error (default 0.02)",
    )
    synth.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
        help="a folder for JSON files, or a .duckdb file to load straight into",
    )
    synth.set_defaults(command=run_synth)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"应为非负整数，而不是 {text!r}")
    return int(text)


def _share(text: str) -> float:
    try:
        share = float(text)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(f"应为 0 到 1 之间的小数，而不是 {text!r}")
    return share


def run_load(args: argparse.Namespace) -> int:
    files = input_files(args.paths)
    with prepared_chunks(files, limits_of(args)) as chunks:
        summary = load_chunks(
            _with_progress(chunks, len(files), "读取报告"),
            args.db,
            args.replace,
            inputs=[str(path) for path in args.paths],
        )
    _print_summary(summary, args.db)
    return EXIT_REJECTS if args.strict and summary.rejects else EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    rows = export_parquet(args.db, args.parquet)
    table = Table("表 table", "行数 rows", title=f"已导出到 {args.parquet}")
    table.columns[1].justify = "right"
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    _stdout.print(table)
    return EXIT_OK


def run_register(args: argparse.Namespace) -> int:
    if args.template is not None:
        args.template.write_bytes(register_template())
        _stdout.print(f"已写出空白应报名录 {args.template}")
        return EXIT_OK
    if args.file is None or args.db is None:
        raise LoadError("python -m etl register: 需要名录文件和 --db（或 --template OUT）")
    entries = read_register(args.file)
    match = store_register(entries, args.db, args.file.name)
    _stdout.print(f"已导入应报名录 {args.file}：{match.entries:,} 个机关")
    if match.unmatched_entries:
        _stdout.print(f"名录中尚无任何报告的机关（{len(match.unmatched_entries):,} 个）：")
        for row, name, agency_id in match.unmatched_entries:
            _stdout.print(f"  第 {row} 行 {name}（{agency_id}）", markup=False)
    if match.unlisted_agencies:
        _stdout.print(f"有报告但不在名录中的机关（{len(match.unlisted_agencies):,} 个）：")
        for agency_id, name in match.unlisted_agencies:
            _stdout.print(f"  {name}（{agency_id}）", markup=False)
    return EXIT_OK


def run_bulletin(args: argparse.Namespace) -> int:
    """The dashboard's 通报 (app/bulletin.py), from its own queries on ``--db``."""
    connect_read_only(args.db).close()  # a database of this code's schema, or why not
    os.environ["XXGK_DB"] = str(args.db)
    from streamlit.logger import set_log_level

    set_log_level("error")  # the app's queries cache without a server: no warning saying so
    from app.bulletin import UnknownRegion, bulletin, region_filters

    try:
        filters = region_filters(args.region, args.year)
    except UnknownRegion as error:
        raise LoadError(f"{args.db}: {error}") from error
    try:
        args.out.write_bytes(bulletin(filters, args.year))
    except OSError as error:
        raise LoadError(f"{args.out}: 无法写入（{error.strerror or error}）") from error
    _stdout.print(f"已写出 {args.region} {args.year} 年度通报 {args.out}")
    return EXIT_OK


def run_synth(args: argparse.Namespace) -> int:
    reports = synthetic_reports(args.reports, args.seed, args.error_rate)
    if args.out.suffix == ".duckdb":
        inputs = [f"synth --reports {args.reports} --seed {args.seed}"]
        summary = load_chunks(
            _with_progress(synthetic_chunks(reports), args.reports, "生成报告"),
            args.out,
            False,
            inputs,
        )
        _print_summary(summary, args.out)
    else:
        written = write_report_files(
            _with_progress(reports, args.reports, "生成报告", count=lambda _: 1), args.out
        )
        _stdout.print(f"已写出 {written:,} 份合成报告到 {args.out}")
    return EXIT_OK


def _chunk_size(chunk: PreparedChunk) -> int:
    return len(chunk.items)


def _with_progress(
    items: Iterable[T], total: int, label: str, count: Callable[[T], int] = _chunk_size
) -> Iterator[T]:
    """``items`` as they come, advancing a bar by ``count(item)`` inputs each."""
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_stderr, transient=True) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            yield item
            progress.advance(task, count(item))


def _print_summary(summary: LoadSummary, db: Path) -> None:
    counts = Table("报告 reports", "份数", title=f"载入 {db}")
    counts.columns[1].justify = "right"
    for label, count in (
        ("读取 read", summary.read),
        ("新载入 loaded", summary.loaded),
        ("未变 unchanged", summary.unchanged),
        ("替换 replaced", summary.replaced),
        ("拒收 rejected", len(summary.rejects)),
    ):
        counts.add_row(label, f"{count:,}")
    _stdout.print(counts)
    if summary.findings_by_rule:
        findings = Table("规则 rule", "级别", "条数", title="本次载入的校验结果 findings")
        findings.columns[2].justify = "right"
        for (rule, severity), count in sorted(summary.findings_by_rule.items()):
            findings.add_row(rule, "错误" if severity == "error" else "提示", f"{count:,}")
        _stdout.print(findings)
    if summary.rejects:
        # One line each, never cut short: the file and the reason in full.
        _stdout.print("拒收 rejects:")
        for reject in summary.rejects:
            _stdout.print(f"  {reject.file}: {reject.reason}", soft_wrap=True, markup=False)
    if summary.data_version is None:
        _stdout.print("数据库没有变化。")
    else:
        _stdout.print(f"数据版本 data version: {summary.data_version}")
