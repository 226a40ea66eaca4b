"""``python -m etl``: parse raw reports, validate canonical JSON, keep the schema current."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from etl import accuracy
from etl.bounded import Task, add_limit_options, limits_of, run_bounded
from etl.db.atomic import LoadError
from etl.db.commands import add_commands
from etl.errors import ExtractionError
from etl.extract import extract_path
from etl.fetch import command as fetch
from etl.model import Finding, Report, report_json_schema
from etl.reports import load_report
from etl.validate import revalidate

SCHEMA_PATH = Path(__file__).resolve().parent / "report.schema.json"
EXIT_OK, EXIT_DRIFT, EXIT_UNREADABLE, EXIT_BUG = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (ExtractionError, LoadError) as error:
        print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as error:  # a bug of ours: still one line, never a traceback
        where = getattr(args, "file", "python -m etl")
        print(
            f"{where}: 内部错误（{type(error).__name__}: {error}），请报告此问题", file=sys.stderr
        )
        return EXIT_BUG


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl", description="政府信息公开工作年度报告：抽取、校验、载入"
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="read a raw report, print its canonical JSON")
    parse.add_argument("file", type=Path)
    parse.add_argument("--out", type=Path, help="write the JSON to this file instead of stdout")
    add_limit_options(parse)
    parse.set_defaults(command=_parse)

    validate = commands.add_parser("validate", help="check a canonical report JSON, print findings")
    validate.add_argument("file", type=Path)
    validate.add_argument("--json", action="store_true", help="print the findings as JSON")
    validate.set_defaults(command=_validate)

    schema = commands.add_parser("schema", help="write the JSON Schema of the canonical report")
    schema.add_argument(
        "--check", action="store_true", help="fail if the checked-in schema is stale"
    )
    schema.set_defaults(command=_schema)
    add_commands(commands)
    accuracy.add_command(commands)
    fetch.add_command(commands)
    return parser


def _parse(args: argparse.Namespace) -> int:
    report = run_bounded(Task(extract_path, (args.file,), str(args.file)), limits_of(args))
    if args.out:
        try:
            args.out.write_text(report.to_json() + "\n", encoding="utf-8")
        except OSError as error:
            raise ExtractionError(
                str(args.out), f"无法写入（{error.strerror or error}）"
            ) from error
    else:
        sys.stdout.write(report.to_json() + "\n")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    report = load_report(args.file)
    findings = revalidate(report)
    if args.json:
        print(json.dumps([f.model_dump() for f in findings], ensure_ascii=False, indent=2))
    else:
        print(_summary(report, findings))
    return EXIT_OK


def _summary(report: Report, findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    lines = [
        f"{report.agency.name} {report.year} 年度（{report.format} 格式）："
        f"{errors} 个错误，{len(findings) - errors} 个提示"
    ]
    lines += [f"  [{f.severity}] {f.rule}: {f.message}" for f in findings]
    return "\n".join(lines)


def _schema(args: argparse.Namespace) -> int:
    current = json.dumps(report_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.check:
        if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != current:
            print(
                f"{SCHEMA_PATH.name} is stale: run `python -m etl schema` and commit it",
                file=sys.stderr,
            )
            return EXIT_DRIFT
        print(f"{SCHEMA_PATH.name} is current")
        return EXIT_OK
    SCHEMA_PATH.write_text(current, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH.name}")
    return EXIT_OK
