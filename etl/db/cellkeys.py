"""Every table cell of both templates, numbered once: the key shared by the long
``cells`` table and the wide figure columns of ``reports``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from etl import template

SECTION_PREFIX = {
    "headline": "head",
    "proactive": "pro",
    "applications": "app",
    "review_litigation": "rev",
}
HEADLINE_LABELS = {
    "proactive_items": "主动公开政府信息条数（正文）",
    "fee_yuan": "信息处理费（元，正文）",
}


@dataclass(frozen=True)
class CellKey:
    cell_id: int
    section: str
    row: str
    col: str  # "" for a headline figure, which is a single cell
    row_label: str
    col_label: str
    formats: str  # "2021", "2019" or "2019,2021": the templates that have this cell

    @property
    def path(self) -> str:
        """The cell's JSON path in the canonical report, as findings name it."""
        parts = (self.section, self.row, self.col) if self.col else (self.section, self.row)
        return ".".join(parts)

    @property
    def heading(self) -> str:
        """The cell's name, one in the template: a numbered sub-row of 三 under
        its group, then the column — "（三）不予公开·1.属于国家秘密·自然人"."""
        return "·".join(part for part in (self.row_heading, self.col_label) if part)

    @property
    def row_heading(self) -> str:
        """The name of the cell's row: "（三）不予公开·1.属于国家秘密"."""
        in_three = self.section == "applications"
        group = template.SUB_ROW_GROUP_LABELS.get(self.row) if in_three else None
        return "·".join(part for part in (group, self.row_label) if part)

    @property
    def column(self) -> str:
        """The cell's column in the wide ``reports`` table, e.g. ``app_granted_total``."""
        parts = (SECTION_PREFIX[self.section], self.row, self.col)
        return "_".join(part for part in parts if part)


@cache
def cell_keys() -> tuple[CellKey, ...]:
    """All cells in template order: headline, section 二 (2021 then 2019-only), 三, 四."""
    rows: list[tuple[str, str, str, str, str, str]] = [
        ("headline", key, "", label, "", "2019,2021") for key, label in HEADLINE_LABELS.items()
    ]
    rows += _proactive_rows()
    rows += [
        (
            "applications",
            row.key,
            column,
            row.label,
            template.APPLICANT_COLUMN_LABELS[column],
            "2019,2021",
        )
        for row in template.APPLICATION_ROWS
        for column in template.APPLICANT_COLUMNS
    ]
    rows += [
        (
            "review_litigation",
            group,
            column,
            template.REVIEW_GROUP_LABELS[group],
            template.REVIEW_COLUMN_LABELS[column],
            "2019,2021",
        )
        for group in template.REVIEW_GROUPS
        for column in template.REVIEW_COLUMNS
    ]
    return tuple(CellKey(index + 1, *row) for index, row in enumerate(rows))


def _proactive_rows() -> list[tuple[str, str, str, str, str, str]]:
    formats: dict[tuple[str, str], list[str]] = {}
    labels: dict[tuple[str, str], str] = {}
    for report_format in ("2021", "2019"):
        for item in template.PROACTIVE_ITEMS[report_format]:
            for column in item.columns:
                formats.setdefault((item.key, column), []).append(report_format)
                labels.setdefault((item.key, column), item.label)
    return [
        (
            "proactive",
            item,
            column,
            labels[item, column],
            template.PROACTIVE_COLUMN_LABELS[column],
            ",".join(sorted(fmts)),
        )
        for (item, column), fmts in formats.items()
    ]


@cache
def cell_headings() -> dict[str, str]:
    """Each cell's path → its heading."""
    return {key.path: key.heading for key in cell_keys()}


def cells_named(paths: Iterable[str], other_names: Mapping[str, str] | None = None) -> str:
    """A finding's cells in words, each row named once before its columns —
    "一、本年新收政府信息公开申请数量·商业企业、科研机构"; rows apart by "；".
    A path that is no table cell is named from ``other_names``, else as it is."""
    keys = _keys_by_path()
    runs: list[tuple[str, list[str]]] = []  # a row's name, and its columns in the order given
    for path in paths:
        key = keys.get(path)
        if key is None or not key.col_label:  # no cell, or a headline figure: a name alone
            name = key.heading if key is not None else (other_names or {}).get(path, path)
            runs.append((name, []))
        elif runs and runs[-1][1] and runs[-1][0] == key.row_heading:
            runs[-1][1].append(key.col_label)
        else:
            runs.append((key.row_heading, [key.col_label]))
    return "；".join(f"{row}·{'、'.join(columns)}" if columns else row for row, columns in runs)


@cache
def _keys_by_path() -> dict[str, CellKey]:
    return {key.path: key for key in cell_keys()}


@cache
def cell_key_index() -> dict[tuple[str, str, str], CellKey]:
    """(section, row, column) → its key; a headline figure's column is ""."""
    return {(key.section, key.row, key.col): key for key in cell_keys()}


def column(section: str, row: str, col: str = "") -> str:
    """The wide column of one cell, checked against the template."""
    return cell_key_index()[section, row, col].column
