"""``python -m etl accuracy``: the extractor against figures checked by hand.

Every ``STEM.json`` under the expected folder (tests/expected) holds a
report's figures written by hand from the original document. The report is
extracted from the corpus — each ``raw/STEM.*`` file and the original
``orig/STEM.pdf`` when there is one, each on its own line — and compared cell
by cell. A web page is also read in each form it reaches offices in, built
from it on the fly (etl/saved_pages.py): its body as a CMS fragment, saved as
.mht in GBK (quoted-printable) and UTF-8 (base64), and as a portal's JSON
reply — each on its own line, ``raw/STEM.html→mht GBK``.

What counts as a cell: every figure the expected file gives for sections 二, 三
and 四, and its ``headline`` figures (the 主动公开 count of section 一 and the
fee of section 六, read from prose). The headline figures are cells of the
database too, and the dashboard charts them, so a wrong one is as wrong as a
table cell. ``null`` expects a cell without a figure: a blank table cell, or
no headline figure at all (the report states none). A section the expected
file leaves out (or empty) is not compared; a cell the extractor reads in a
compared section that the expected file does not have is a difference too
(it is not counted among the expected cells). Agency, year and format are not cells and
are not compared here (tests/test_corpus_exact.py checks them).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from etl import template, uncertain
from etl.db.cellkeys import cell_key_index, cell_keys
from etl.decode import decode_text
from etl.errors import ExtractionError
from etl.extract import extract_bytes, extract_path
from etl.files import read_bytes
from etl.model import Location, Report
from etl.saved_pages import saved_forms
from etl.scan_copies import scanned_copies

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPECTED = ROOT / "tests" / "expected"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
EXIT_EXACT, EXIT_DIFFERENT = 0, 1
TABLE_COLUMNS = {
    "applications": template.APPLICANT_COLUMNS,
    "review_litigation": template.REVIEW_COLUMNS,
}
SECTIONS = ("headline", "proactive", "applications", "review_litigation")
WEB_PAGE_SUFFIXES = (".html", ".htm")


class Absent(Enum):
    """A cell on one side only: not in the expected file, or not read by the extractor."""

    CELL = "absent"


Value = int | float | None | Absent
CellKey = tuple[str, str, str]  # section, row, column ("" for a headline figure)


@dataclass(frozen=True)
class Got:
    """A cell as the extractor read it."""

    value: int | float | None
    raw: str
    at: Location


@dataclass(frozen=True)
class Difference:
    """One cell that is not what the expected file says."""

    section: str
    row: str
    column: str
    expected: Value
    got: Value
    raw: str = ""  # the text the extractor read, for a cell without a figure
    at: Location | None = None
    flagged: bool = False  # read from a scan and flagged cells.ocr_uncertain: not taken silently

    @property
    def path(self) -> str:
        """The cell's path in the canonical report, as findings name it."""
        return ".".join(part for part in (self.section, self.row, self.column) if part)

    @property
    def label(self) -> str:
        """The cell in the template's words, e.g. ``三、收到和处理：（一）予以公开 · 总计``."""
        key = cell_key_index().get((self.section, self.row, self.column))
        if key is None:
            return ""
        if self.section == "headline":
            return key.row_label
        heading = template.SECTION_HEADINGS[self.section][1]
        return f"{heading}：{key.row_label} · {key.col_label}"


@dataclass(frozen=True)
class FileAccuracy:
    """One input file of a report against the report's expected file."""

    stem: str
    file: str  # relative to the corpus: raw/STEM.txt, orig/STEM.pdf
    expected: int
    exact: int
    differences: tuple[Difference, ...]
    error: str | None = None  # why no report could be extracted

    @property
    def is_exact(self) -> bool:
        return self.error is None and self.exact == self.expected and not self.differences

    @property
    def is_trustworthy(self) -> bool:
        """Read, and every cell exact or flagged as uncertain (a scan's)."""
        return self.error is None and all(d.flagged for d in self.differences)


@dataclass(frozen=True)
class AccuracyResult:
    """Every input file measured, in the order of their expected files' names."""

    expected_dir: Path
    corpus: Path
    files: tuple[FileAccuracy, ...]

    @property
    def expected(self) -> int:
        return sum(file.expected for file in self.files)

    @property
    def exact(self) -> int:
        return sum(file.exact for file in self.files)

    @property
    def is_exact(self) -> bool:
        return all(file.is_exact for file in self.files)

    @property
    def is_trustworthy(self) -> bool:
        return all(file.is_trustworthy for file in self.files)


def measure(expected_dir: Path, corpus: Path, scans: tuple[int, ...] = ()) -> AccuracyResult:
    """Extract every report that has an expected file and compare it, cell by cell;
    with ``scans`` (resolutions in dpi) each original PDF also as scanned copies.
    Missing folders, and expected files that cannot be read, raise ExtractionError."""
    raw, orig = corpus / "raw", corpus / "orig"
    for folder in (expected_dir, corpus, raw):
        if not folder.is_dir():
            raise ExtractionError(str(folder), "找不到这个文件夹")
    expected_files = sorted(expected_dir.glob("*.json"))
    if not expected_files:
        raise ExtractionError(str(expected_dir), "文件夹里没有期望值 JSON（STEM.json）")
    files: list[FileAccuracy] = []
    for expected_file in expected_files:
        stem = expected_file.stem
        want = expected_cells(expected_file)
        inputs = sorted(path for path in raw.glob(f"{stem}.*") if path.is_file())
        if (orig / f"{stem}.pdf").is_file():
            inputs.append(orig / f"{stem}.pdf")
        if not inputs:
            missing = f"语料中没有这份报告的原文（raw/{stem}.*）"
            files.append(FileAccuracy(stem, f"raw/{stem}.*", len(want), 0, (), missing))
        for path in inputs:
            name = path.relative_to(corpus).as_posix()
            files.append(_measured(stem, name, want, partial(extract_path, path)))
            if path.suffix.lower() in WEB_PAGE_SUFFIXES:  # and the page's other forms
                page = decode_text(read_bytes(path), str(path))
                for form, data in saved_forms(page).items():
                    read = partial(extract_bytes, data, path.name)
                    files.append(_measured(stem, f"{name}→{form}", want, read))
            if path.parent == orig:  # and scanned, as offices get many reports
                document = [p.stem for p in sorted(orig.glob("*.pdf"))].index(stem)
                for form, data in scanned_copies(read_bytes(path), document, scans).items():
                    read = partial(extract_bytes, data, path.name)
                    files.append(_measured(stem, f"{name}→{form}", want, read))
    return AccuracyResult(expected_dir, corpus, tuple(files))


def _measured(
    stem: str, name: str, want: dict[CellKey, Value], extract: Callable[[], Report]
) -> FileAccuracy:
    """One input read and compared, or the reason it could not be read."""
    try:
        report = extract()
    except ExtractionError as error:
        return FileAccuracy(stem, name, len(want), 0, (), error.problem)
    exact, differences = compare(want, report)
    return FileAccuracy(stem, name, len(want), exact, differences)


def compare(want: dict[CellKey, Value], report: Report) -> tuple[int, tuple[Difference, ...]]:
    """How many expected cells the report has exactly, and every cell that differs —
    in template order. Only the sections ``want`` has are compared."""
    sections = {section for section, _, _ in want}
    got = {key: cell for key, cell in report_cells(report).items() if key[0] in sections}
    flagged = {path for f in report.findings if f.rule == uncertain.RULE for path in f.cells}
    exact, differences = 0, []
    for key in _template_order(want.keys() | got.keys()):
        expected = want.get(key, Absent.CELL)
        cell = got.get(key)
        if cell is None and key[0] == "headline":
            cell = Got(None, "", {})  # a report states a headline figure or has none
        if cell is not None and expected is not Absent.CELL and _same(expected, cell.value):
            exact += 1
            continue
        marked = ".".join(part for part in key if part) in flagged
        if cell is None:
            differences.append(Difference(*key, expected, Absent.CELL, flagged=marked))
        else:
            differences.append(
                Difference(*key, expected, cell.value, cell.raw, cell.at or None, marked)
            )
    return exact, tuple(differences)


def _same(expected: Value, got: int | float | None) -> bool:
    if expected is None or got is None:
        return expected is got
    return expected == got  # 0 and 0.0 are one figure


def _template_order(keys: set[CellKey]) -> list[CellKey]:
    order = {(key.section, key.row, key.col): key.cell_id for key in cell_keys()}
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def report_cells(report: Report) -> dict[CellKey, Got]:
    """Every cell of an extracted report, headline figures included."""
    cells: dict[CellKey, Got] = {}
    for key, cell in report.headline.items():
        cells["headline", key, ""] = Got(cell["value"], cell["raw"], cell["at"])
    for section in ("proactive", "applications", "review_litigation"):
        for row, row_cells in getattr(report, section).items():
            for column, cell in row_cells.items():
                cells[section, row, column] = Got(cell["value"], cell["raw"], cell["at"])
    return cells


def expected_cells(path: Path) -> dict[CellKey, Value]:
    """The cells of an expected file (see tests/expected/*.json): section 二 as
    item → column → figure, 三 and 四 as row → figures in column order,
    headline as key → figure; ``null`` for a cell without a figure."""
    try:
        content = json.loads(read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExtractionError(str(path), f"不是有效的 JSON（{error}）") from error
    if not isinstance(content, dict):
        raise ExtractionError(str(path), "期望值 JSON 应是一个对象")
    cells: dict[CellKey, Any] = {}
    for section in SECTIONS:
        rows = content.get(section, {})
        _require(isinstance(rows, dict), path, section, "应是一个对象")
        for row, figures in rows.items():
            if section == "headline":
                cells[section, row, ""] = figures
                continue
            if section == "proactive":
                _require(isinstance(figures, dict), path, f"{section}.{row}", "应是一个对象")
                named = figures
            else:
                columns = TABLE_COLUMNS[section]
                _require(
                    isinstance(figures, list) and len(figures) == len(columns),
                    path,
                    f"{section}.{row}",
                    f"应是 {len(columns)} 个数字（或 null）的列表",
                )
                named = dict(zip(columns, figures, strict=True))
            for column, figure in named.items():
                cells[section, row, column] = figure
    for key, figure in cells.items():
        where = ".".join(part for part in key if part)
        _require(key in cell_key_index(), path, where, "不是模板中的单元格")
        number = isinstance(figure, int | float) and not isinstance(figure, bool)
        _require(figure is None or number, path, where, f"应是数字或 null，而不是 {figure!r}")
    return cells


def _require(condition: bool, path: Path, where: str, problem: str) -> None:
    if not condition:
        raise ExtractionError(str(path), f"期望值 JSON 有误：{where} {problem}")


# --- The command: a table per file, then each difference on one line -----------


def add_command(commands: argparse._SubParsersAction) -> None:
    accuracy = commands.add_parser(
        "accuracy", help="extract every report with a hand-checked expected JSON and compare"
    )
    accuracy.add_argument(
        "--expected",
        type=Path,
        default=DEFAULT_EXPECTED,
        metavar="DIR",
        help="the expected JSON files, STEM.json (default: tests/expected)",
    )
    accuracy.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        metavar="DIR",
        help="the corpus with raw/STEM.* and orig/STEM.pdf (default: ../shared/corpus)",
    )
    accuracy.add_argument(
        "--scans",
        type=int,
        nargs="+",
        default=(),
        metavar="DPI",
        help="also read each original PDF printed and scanned at these resolutions, as an "
        "image-only PDF and as PNG pages (OCR: about 20 s a copy)",
    )
    accuracy.set_defaults(command=run_accuracy)


def run_accuracy(args: argparse.Namespace) -> int:
    result = measure(args.expected, args.corpus, tuple(args.scans))
    # Piped or redirected, rich would wrap at 80 columns and cut the figures short.
    print_result(result, Console(highlight=False, width=None if sys.stdout.isatty() else 120))
    return EXIT_EXACT if result.is_trustworthy else EXIT_DIFFERENT


def print_result(result: AccuracyResult, console: Console) -> None:
    table = Table(title="抽取准确度 accuracy")
    table.add_column("文件 file", no_wrap=True)  # a file name cut short names no file
    for heading in ("准确", "期望", "比例", "差异"):
        table.add_column(heading, justify="right")
    for file in result.files:
        figures = _figures(file.exact, file.expected, len(file.differences))
        if file.error is not None:
            figures = (*figures[:3], "无法读取")
        table.add_row(file.file, *figures)
    differences = sum(len(file.differences) for file in result.files)
    table.add_section()
    table.add_row("合计 total", *_figures(result.exact, result.expected, differences))
    console.print(table)
    for file in result.files:
        if file.error is not None:
            console.print(f"  {file.file}: {file.error}", soft_wrap=True, markup=False)
        for difference in file.differences:
            console.print(f"  {file.file}: {_line(difference)}", soft_wrap=True, markup=False)
    if result.is_exact:
        console.print("每个单元格都准确。")
    elif result.is_trustworthy:
        console.print("不准确的单元格都读自扫描件，且都已标记识别存疑（见上）。")
    else:
        console.print("有单元格不一致（见上）。")


def _figures(exact: int, expected: int, differences: int) -> tuple[str, str, str, str]:
    share = f"{exact / expected:.1%}" if expected else "—"
    return f"{exact:,}", f"{expected:,}", share, f"{differences:,}"


def _line(difference: Difference) -> str:
    """One difference, e.g. ``applications.granted.total（三、收到和处理：（一）予以公开 ·
    总计）：期望 26，读出 25（第 110 行）``."""
    cell = difference.path + (f"（{difference.label}）" if difference.label else "")
    at = f"（{_where(difference.at)}）" if difference.at else ""
    got = _shown(difference.got, difference.raw)
    if difference.expected is Absent.CELL:
        return f"{cell}：期望值文件没有这一格，却读出 {got}{at}"
    expected = _shown(difference.expected)
    flag = "（已标记识别存疑）" if difference.flagged else ""
    if difference.got is Absent.CELL:
        return f"{cell}：期望 {expected}，未读出{flag}"
    return f"{cell}：期望 {expected}，读出 {got}{at}{flag}"


def _shown(value: Value, raw: str = "") -> str:
    if value is None:
        return f"无数字（“{raw}”）" if raw else "无数字"
    return str(value)


def _where(at: Location) -> str:
    """Where a cell was read, in the input's own terms: page, table, row and column, or line."""
    parts = []
    if "page" in at:
        parts.append(f"第 {at['page']} 页")
    if "table" in at:
        parts.append(f"表 {at['table']}")
    if "row" in at and "col" in at:
        parts.append(f"第 {at['row']} 行第 {at['col']} 列")
    elif "line" in at and "page" not in at:  # a PDF's text lines are ours, not the page's
        parts.append(f"第 {at['line']} 行")
    return " ".join(parts)
