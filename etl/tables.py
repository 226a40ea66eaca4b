"""Reading the tables of sections 二, 三 and 四 from a token stream.

Rows are found by their label anchors, in template order; a row's figures
are whatever stands between its label and the next label. Layout text in
between (merged group cells, broken label tails, headers) is recognised and
skipped. A row whose figures cannot be placed in its columns with certainty
is left out and reported as a finding; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from etl import template
from etl.cells import CellData, Piece, make_cell, pieces_between
from etl.labels import LayoutVocabulary, RowLabels, label_pattern
from etl.model import Finding
from etl.runsplit import Check, unique_split
from etl.tokens import TokenStream


# Compared by identity, which hashes fastest: a table's specs are built once and
# remembered, and each is looked up in sets of them several times a report.
@dataclass(frozen=True, eq=False)
class RowSpec:
    """A data row to read: where to store it, how to find it, what it holds."""

    path: str  # e.g. "applications.granted"
    label: str  # as printed, for messages
    anchor: str
    columns: tuple[str, ...]
    check: Check | None = None  # the identity that can split run-together figures
    # A group label that some agencies print as a subtotal row (spec §3.4): found
    # if present, its figures reported and left out, never stored as data.
    subtotal: bool = False


@dataclass(frozen=True)
class Section:
    """One section of the report: a span of the token stream."""

    stream: TokenStream
    start: int
    end: int

    def token_count(self) -> int:
        return self.stream.tokens_between(self.start, self.end)


Rows = dict[str, dict[str, CellData]]


def row_total_check(values: list[int]) -> bool:
    return values[-1] == sum(values[:-1])


def review_groups_check(values: list[int]) -> bool:
    width = len(template.REVIEW_COLUMNS)
    groups = (values[i : i + width] for i in range(0, len(values), width))
    return all(row_total_check(group) for group in groups)


# --- Section 三 -------------------------------------------------------------

_APPLICATION_VOCABULARY = LayoutVocabulary(
    template.APPLICATION_LAYOUT_LABELS + tuple(row.label for row in template.APPLICATION_ROWS)
)
# Words only the 2021 （六） sub-rows print: any of them means the 2021 variant.
_SUB_ROW_MARKERS = tuple(label_pattern(word, tail=False) for word in ("逾期不补正", "收费通知"))


def read_applications(section: Section, flat: bool) -> tuple[Rows, list[Finding]]:
    """The application table, with the （六） rows of whichever template variant it uses."""
    text = section.stream.text
    has_sub_rows = any(m.search(text, section.start, section.end) for m in _SUB_ROW_MARKERS)
    return read_rows(section, _application_specs(has_sub_rows), _APPLICATION_VOCABULARY, flat)


@cache
def _application_specs(has_sub_rows: bool) -> tuple[RowSpec, ...]:
    """The rows of the application table, for either variant of its （六） rows."""
    specs = []
    for key in template.application_row_keys(single_other_row=not has_sub_rows):
        row = template.APPLICATION_ROW_BY_KEY[key]
        subtotal = template.GROUP_LABEL_BEFORE.get(key)
        if subtotal:
            specs.append(
                RowSpec(
                    f"applications.{row.group}", subtotal, subtotal, template.APPLICANT_COLUMNS,
                    row_total_check, subtotal=True,
                )
            )  # fmt: skip
        specs.append(
            RowSpec(
                f"applications.{key}", row.label, row.anchor, template.APPLICANT_COLUMNS,
                row_total_check,
            )
        )  # fmt: skip
    return tuple(specs)


# --- Section 二 -------------------------------------------------------------

_PROACTIVE_VOCABULARY = LayoutVocabulary(
    template.PROACTIVE_LAYOUT_LABELS
    + tuple(item.label for items in template.PROACTIVE_ITEMS.values() for item in items)
)


def detect_format(section: Section | None, year: int) -> str:
    """Which template section 二 follows, by its column headers; by year if it has none."""
    if section is not None:
        text = section.stream.text[section.start : section.end]
        for report_format, markers in (
            ("2021", template.FORMAT_2021_MARKERS),
            ("2019", template.FORMAT_2019_MARKERS),
        ):
            if any(label_pattern(marker, tail=False).search(text) for marker in markers):
                return report_format
    return "2021" if year >= 2021 else "2019"


def read_proactive(section: Section, report_format: str, flat: bool) -> tuple[Rows, list[Finding]]:
    return read_rows(section, _proactive_specs(report_format), _PROACTIVE_VOCABULARY, flat)


@cache
def _proactive_specs(report_format: str) -> tuple[RowSpec, ...]:
    specs = []
    for item in template.PROACTIVE_ITEMS[report_format]:
        # 规范性文件 is also the tail of 行政规范性文件: accept either printed form.
        anchor = item.label if item.key != "normative_documents" else "规范性文件"
        specs.append(RowSpec(f"proactive.{item.key}", item.label, anchor, item.columns))
    return tuple(specs)


# --- Section 四 -------------------------------------------------------------

_REVIEW_HEADER = tuple(label_pattern(word, tail=False) for word in template.REVIEW_HEADER_WORDS)
_REVIEW_VOCABULARY = LayoutVocabulary(template.REVIEW_HEADER_WORDS)
_REVIEW_PATH = "review_litigation"
_REVIEW_GROUP_ANCHORS = ("行政复议", "未经复议直接起诉", "复议后起诉")


def read_review_litigation(section: Section, flat: bool) -> tuple[Rows, list[Finding]]:
    """The 15 figures of the one data row, after the last header label; or,
    where the section prints each group as a table of its own (行政复议, then
    行政诉讼（未经复议直接起诉）, then （复议后起诉）), five figures after each
    group's label — taken only when all three groups read whole."""
    rows, findings = _read_review_row(section, flat)
    if findings:
        grouped = _read_review_groups(section)
        if grouped is not None:
            return grouped, []
    return rows, findings


def _read_review_groups(section: Section) -> Rows | None:
    text = section.stream.text
    specs = [
        RowSpec(f"{_REVIEW_PATH}.{group}", template.REVIEW_GROUP_LABELS[group], anchor,
                template.REVIEW_COLUMNS, row_total_check)
        for group, anchor in zip(template.REVIEW_GROUPS, _REVIEW_GROUP_ANCHORS, strict=True)
    ]  # fmt: skip
    starts: list[tuple[int, int]] = []
    position = section.start
    for spec in specs:
        match = label_pattern(spec.anchor, tail=False).search(text, position, section.end)
        if match is None:
            return None
        starts.append((match.start(), match.end()))
        position = match.end()
    rows: Rows = {}
    for index, spec in enumerate(specs):
        end = starts[index + 1][0] if index + 1 < len(starts) else section.end
        cells, findings = _read_row_values(
            section.stream, starts[index][1], end, spec, _REVIEW_VOCABULARY, flat=False
        )
        if cells is None or findings:
            return None
        rows[spec.path.rsplit(".", 1)[-1]] = cells
    return rows


def _read_review_row(section: Section, flat: bool) -> tuple[Rows, list[Finding]]:
    text = section.stream.text
    header_end = section.start
    for pattern in _REVIEW_HEADER:
        for match in pattern.finditer(text, section.start, section.end):
            header_end = max(header_end, match.end())
    columns = tuple(
        f"{group}.{column}"
        for group in template.REVIEW_GROUPS
        for column in template.REVIEW_COLUMNS
    )
    spec = RowSpec(_REVIEW_PATH, "行政复议、行政诉讼情况", "", columns, review_groups_check)
    cells, findings = _read_row_values(
        section.stream, header_end, section.end, spec, _REVIEW_VOCABULARY, flat
    )
    rows: Rows = {}
    if cells is not None:
        for dotted, cell in cells.items():
            group, column = dotted.split(".")
            rows.setdefault(group, {})[column] = cell
    return rows, findings


# --- Shared row reading -----------------------------------------------------


def read_rows(
    section: Section, specs: Sequence[RowSpec], vocabulary: LayoutVocabulary, flat: bool
) -> tuple[Rows, list[Finding]]:
    found = _find_labels(section, specs)
    found_specs = {spec for spec, _, _ in found}
    findings = [_missing_row(s) for s in specs if s not in found_specs and not s.subtotal]
    rows: Rows = {}
    subtotals: list[tuple[RowSpec, dict[str, CellData]]] = []
    row_labels = RowLabels(spec.label for spec in specs if not spec.subtotal)
    for index, (spec, _, label_end) in enumerate(found):
        value_end = found[index + 1][1] if index + 1 < len(found) else section.end
        cells, row_findings = _read_row_values(
            section.stream, label_end, value_end, spec, vocabulary, flat, row_labels
        )
        findings.extend(row_findings)
        if cells is not None and spec.subtotal:
            subtotals.append((spec, cells))
        elif cells is not None:
            rows[spec.path.rsplit(".", 1)[-1]] = cells
    findings += [_subtotal_row(spec, cells, rows, specs) for spec, cells in subtotals]
    return rows, findings


def _find_labels(section: Section, specs: Sequence[RowSpec]) -> list[tuple[RowSpec, int, int]]:
    """Each row's label with its start and end, in the order printed: looked
    for in the template's order, each after the one before; then a row not
    found so anywhere in the section outside the labels found (a row printed
    out of the template's order — before its group label, or its section's
    rows in another order). Either way its cells are what follows its own
    label, up to the next label printed."""
    text = section.stream.text
    found: list[tuple[RowSpec, int, int]] = []
    position = section.start
    for spec in specs:
        match = label_pattern(spec.anchor, number_optional=True).search(text, position, section.end)
        if match is not None:
            found.append((spec, match.start(), match.end()))
            position = match.end()
    found_specs = {spec for spec, _, _ in found}
    for spec in specs:
        if spec.subtotal or spec in found_specs:
            continue
        pattern = label_pattern(spec.anchor, number_optional=True)
        for match in pattern.finditer(text, section.start, section.end):
            if not any(start < match.end() and match.start() < end for _, start, end in found):
                found.append((spec, match.start(), match.end()))
                break
    return sorted(found, key=lambda label: label[1])


def _read_row_values(
    stream: TokenStream,
    start: int,
    end: int,
    spec: RowSpec,
    vocabulary: LayoutVocabulary,
    flat: bool,
    row_labels: RowLabels | None = None,
) -> tuple[dict[str, CellData] | None, list[Finding]]:
    pieces, stray = _value_pieces(
        pieces_between(stream.text, start, end), vocabulary, row_labels, spec.label
    )
    stray_findings = [_stray_figures(stream, stray, spec)] if stray else []
    cells, findings = _cells_of_row(stream, start, pieces, spec, flat)
    return cells, findings + stray_findings


def _cells_of_row(
    stream: TokenStream, start: int, pieces: list[Piece], spec: RowSpec, flat: bool
) -> tuple[dict[str, CellData] | None, list[Finding]]:
    wanted = len(spec.columns)
    if spec.subtotal and not pieces:
        return None, []  # the group label alone, as the template prints it
    if len(pieces) == wanted:
        cells = [make_cell(piece, stream.line_at(piece.offset)) for piece in pieces]
        return dict(zip(spec.columns, cells, strict=True)), []
    runs = [piece.raw for piece in pieces]
    run_together = flat and 0 < len(pieces) < wanted
    if run_together and all(run.isascii() and run.isdigit() for run in runs):
        # Only an identity may separate figures: without one, 20 3 could as well be
        # 20, an empty cell and 3 as 2, 0, 3.
        split = unique_split(runs, wanted, spec.check) if spec.check else None
        if split is not None:
            return _split_cells(stream, pieces, split, spec)
        why = f"数字连在一起（“{' '.join(runs)}”），" + (
            f"按合计关系也不能唯一拆分为 {wanted} 个数"
            if spec.check
            else f"该行没有合计关系，无法确定如何拆分为 {wanted} 个数"
        )
    elif not pieces:
        why = f"没有读到数值，模板有 {wanted} 列"
    else:
        printed = " ".join(piece.raw or "空" for piece in pieces)
        why = f"读到 {len(pieces)} 个值（{printed}），模板有 {wanted} 列，无法确定各值所在的列"
    line = stream.line_at(pieces[0].offset if pieces else start)
    return None, [
        Finding(
            rule="extract.row_unreadable",
            severity="error",
            message=f"第 {line} 行「{spec.label}」：{why}；该行未读入。",
            cells=[f"{spec.path}.{column}" for column in spec.columns],
            expected=wanted,
            actual=len(pieces),
        )
    ]


def _value_pieces(
    pieces: list[Piece],
    vocabulary: LayoutVocabulary,
    row_labels: RowLabels | None = None,
    own_label: str = "",
) -> tuple[list[Piece], list[Piece]]:
    """The pieces that are cells of this row (layout text skipped), and the
    figures printed past the end of the row where the layout marks rows (Word
    tables) or past another row's whole label (a row printed out of the
    template's order): those belong to a row not read here."""
    values: list[Piece] = []
    for index, piece in enumerate(pieces):
        if (
            row_labels is not None
            and piece.kind == "text"
            and row_labels.names_another_row(piece.raw, own_label)
        ):
            return values, [p for p in pieces[index:] if p.kind in ("number", "dash")]
        if piece.kind == "row_break":
            if not values:
                continue
            stray = [p for p in pieces[index:] if p.kind in ("number", "dash")]
            if stray and all(value.kind == "blank" for value in values):
                values = []  # empty cells ending a header row; the figures follow
                continue
            return values, stray
        if piece.kind == "text" and vocabulary.is_layout(piece.raw):
            continue
        values.append(piece)
    return values, []


def _stray_figures(stream: TokenStream, stray: list[Piece], spec: RowSpec) -> Finding:
    line = stream.line_at(stray[0].offset)
    printed = " ".join(piece.raw for piece in stray)
    return Finding(
        rule="extract.unplaced_values",
        severity="error",
        message=(
            f"第 {line} 行起有 {len(stray)} 个数值（{printed}）印在「{spec.label}」之后，"
            "但不属于任何能识别的行，未读入。"
        ),
        cells=[],
        actual=printed,
    )


def _split_cells(
    stream: TokenStream, pieces: list[Piece], split: list[list[str]], spec: RowSpec
) -> tuple[dict[str, CellData], list[Finding]]:
    cells: list[CellData] = []
    for piece, parts in zip(pieces, split, strict=True):
        line = stream.line_at(piece.offset)
        cells.extend(make_cell(Piece("number", part, piece.offset), line) for part in parts)
    values = "、".join(cell["raw"] for cell in cells)
    runs = " ".join(piece.raw for piece in pieces)
    finding = Finding(
        rule="extract.split_by_total",
        severity="warning",
        message=(
            f"第 {cells[0]['at']['line']} 行「{spec.label}」：数字连在一起（“{runs}”），"
            f"依据合计关系唯一拆分为 {values}。"
        ),
        cells=[f"{spec.path}.{column}" for column in spec.columns],
    )
    return dict(zip(spec.columns, cells, strict=True)), [finding]


def _subtotal_row(
    spec: RowSpec, cells: dict[str, CellData], rows: Rows, specs: Sequence[RowSpec]
) -> Finding:
    """Figures after a group label: a subtotal when they are the sum of the
    group's sub-rows; otherwise figures of a sub-row whose label was lost."""
    printed = " ".join(cell["raw"] for cell in cells.values())
    line = next(iter(cells.values()))["at"]["line"]
    group = spec.path.rsplit(".", 1)[-1]
    members = [
        s.path.rsplit(".", 1)[-1]
        for s in specs
        if not s.subtotal
        and template.APPLICATION_ROW_BY_KEY[s.path.rsplit(".", 1)[-1]].group == group
    ]
    sums_match = all(key in rows for key in members) and all(
        cells[column]["value"] == sum(rows[key][column]["value"] or 0 for key in members)
        for column in spec.columns
    )
    if sums_match:
        return Finding(
            rule="extract.subtotal_row",
            severity="warning",
            message=(
                f"第 {line} 行「{spec.label}」印有小计（{printed}），等于各分项之和；"
                "国家模板没有这一行，小计未读入。"
            ),
            cells=[],
            actual=printed,
        )
    return Finding(
        rule="extract.unplaced_values",
        severity="error",
        message=(
            f"第 {line} 行「{spec.label}」后印有一行数字（{printed}），不等于各分项之和，"
            "也找不到所属的行，未读入。"
        ),
        cells=[],
        actual=printed,
    )


def _missing_row(spec: RowSpec) -> Finding:
    return Finding(
        rule="extract.row_missing",
        severity="error",
        message=f"未找到「{spec.label}」一行。",
        cells=[f"{spec.path}.{column}" for column in spec.columns],
    )
