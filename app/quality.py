"""数据质量: the findings of the filtered reports by rule, year and agency; the
reports with the most errors; blank, dash and text cells; and which agencies
have not published a report for a year (the coverage matrix)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from app import charts
from app.db import query
from app.filters import AGENCY_SCOPE, Filters
from app.rules import RULE_DESCRIPTIONS, SEVERITY_LABELS, rule_name

# Column headings of the per-year and per-agency tables.
HEADINGS = {
    "year": "年度",
    "agency_id": "机关编号",
    "name": "机关",
    "reports": "报告数",
    "with_errors": "有错误的报告",
    "errors": "错误",
    "warnings": "提示",
    "blank": "空白单元格",
    "dash": "短横单元格",
    "text": "文字单元格",
}
REPORT_LIST_LIMIT = 500
AGENCY_LIST_LIMIT = 20
COVERAGE_LIMIT = 300
PRESENT, MISSING = "✓", "未收录"

COLUMN_DEFINITIONS: dict[str, str] = {
    "规则": "校验规则的名称",
    "规则代码": "规则在程序和数据说明文档中的代码",
    "级别": "错误：违反模板勾稽关系、缺项或无法读取；提示：需要留意但不一定有误",
    "条数": "筛选范围内该规则的校验结果条数",
    "涉及报告数": "有该规则校验结果的报告份数",
    "说明": "规则检查的内容",
    "报告数": "筛选范围内载入的报告份数",
    "有错误的报告": "至少有一条错误的报告份数",
    "错误": "严重程度为“错误”的校验结果条数",
    "提示": "严重程度为“提示”的校验结果条数",
    "空白单元格": "表格中留空的单元格数",
    "短横单元格": "填写“/”“-”“—”“无”等的单元格数",
    "文字单元格": "填写了数字以外文字的单元格数",
    "所选规则": "所选规则的校验结果条数",
    "未收录年数": "年度范围内数据中没有该机关报告的年数",
}


@dataclass(frozen=True)
class Counted:
    """Which findings the page counts: those of some rules (none chosen: every
    rule), of both severities or of errors only."""

    rules: tuple[str, ...] = ()
    errors_only: bool = False

    @property
    def narrowed(self) -> bool:
        return bool(self.rules) or self.errors_only

    def params(self) -> dict[str, object]:
        return {"rules": list(self.rules), "all_rules": not self.rules,
                "errors_only": self.errors_only}  # fmt: skip

    def note(self) -> str:
        """（只计规则 …，只计错误）, for headings and help; empty when all count."""
        parts = []
        if len(self.rules) > 2:
            parts.append(f"只计所选 {len(self.rules)} 条规则")
        elif self.rules:
            parts.append("只计规则“" + "”“".join(map(rule_name, self.rules)) + "”")
        if self.errors_only:
            parts.append("只计错误")
        return f"（{'，'.join(parts)}）" if parts else ""

    def in_file_name(self) -> str:
        """What a download's name adds, so two narrowed lists never share one."""
        parts = [f"{len(self.rules)}条规则"] if self.rules else []
        if self.errors_only:
            parts.append("只计错误")
        return "".join(f"-{part}" for part in parts)


EVERY_FINDING = Counted()


def definitions(columns: list[str]) -> str:
    """One line defining each column shown, for a caption."""
    return "；".join(
        f"{name}：{COLUMN_DEFINITIONS[name]}" for name in columns if name in COLUMN_DEFINITIONS
    )


def rules() -> list[str]:
    """Every rule a finding can have: the documented ones and any in the data."""
    found = query("SELECT DISTINCT rule FROM findings ORDER BY rule").rule.tolist()
    return sorted(set(RULE_DESCRIPTIONS) | set(found))


def by_rule(filters: Filters) -> pd.DataFrame:
    """Findings per rule and severity over the filtered reports, most first."""
    where, params = filters.where("r")
    data = query(
        f"""
        SELECT f.rule, f.severity, count(*) AS findings, count(DISTINCT f.report_id) AS reports
        FROM findings f JOIN reports r USING (report_id)
        WHERE {where}
        GROUP BY f.rule, f.severity ORDER BY findings DESC, f.rule
        """,
        params,
    )
    return pd.DataFrame(
        {
            "规则": data.rule.map(rule_name),
            "规则代码": data.rule,
            "级别": data.severity.map(SEVERITY_LABELS),
            "条数": data.findings,
            "涉及报告数": data.reports,
            "说明": data.rule.map(lambda rule: RULE_DESCRIPTIONS.get(rule, "—")),
        }
    )


def _per_report(where: str) -> str:
    """SQL of the filtered reports with their errors and warnings as
    ``Counted.params()`` counts them. One SQL text for every choice, so all
    share a plan; with no rule chosen (every rule counts) the stored per-report
    counts serve, and the findings table is not read (no rule is in an empty list)."""
    return f"""
        SELECT r.report_id, r.agency_id, r.year, r.blank_cells, r.dash_cells, r.text_cells,
               CASE WHEN $all_rules THEN r.errors ELSE coalesce(c.errors, 0) END AS errors,
               CASE WHEN $errors_only THEN 0
                    WHEN $all_rules THEN r.warnings ELSE coalesce(c.warnings, 0) END AS warnings
        FROM reports r LEFT JOIN (
            SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS errors,
                   count(*) FILTER (WHERE severity = 'warning') AS warnings
            FROM findings WHERE list_contains($rules::VARCHAR[], rule) GROUP BY report_id
        ) c USING (report_id)
        WHERE {where}
    """


def by_year(filters: Filters, counted: Counted = EVERY_FINDING) -> pd.DataFrame:
    """Per year: reports, reports with errors, findings and unreadable cells."""
    where, params = filters.where("r")
    data = query(
        f"""
        WITH per_report AS ({_per_report(where)})
        SELECT year, count(*) AS reports, count(*) FILTER (WHERE errors > 0) AS with_errors,
               sum(errors)::BIGINT AS errors, sum(warnings)::BIGINT AS warnings,
               sum(blank_cells)::BIGINT AS blank, sum(dash_cells)::BIGINT AS dash,
               sum(text_cells)::BIGINT AS text
        FROM per_report GROUP BY year ORDER BY year
        """,
        params | counted.params(),
    )
    return data.rename(columns=HEADINGS)


def year_figure(data: pd.DataFrame) -> go.Figure:
    long = data.melt(
        id_vars="年度", value_vars=["错误", "提示"], var_name="级别", value_name="条数"
    )
    figure = charts.year_bars(
        long,
        x="年度",
        y="条数",
        colour="级别",
        colours={"错误": "#c62828", "提示": "#ffb300"},
        title="各年度校验结果条数",
    )
    return figure.update_layout(xaxis_title="年度", yaxis_title="条")


def by_agency(
    filters: Filters, counted: Counted = EVERY_FINDING, limit: int = AGENCY_LIST_LIMIT
) -> pd.DataFrame:
    """The agencies with the most errors (then warnings) over the filtered reports."""
    where, params = filters.where("r")
    data = query(
        f"""
        WITH per_report AS ({_per_report(where)})
        SELECT p.agency_id, a.name, count(*) AS reports, sum(errors)::BIGINT AS errors,
               sum(warnings)::BIGINT AS warnings
        FROM per_report p JOIN agencies a USING (agency_id)
        GROUP BY p.agency_id, a.name HAVING sum(errors) + sum(warnings) > 0
        ORDER BY errors DESC, warnings DESC, a.name LIMIT $limit
        """,
        params | counted.params() | {"limit": limit},
    )
    return data.rename(columns=HEADINGS)


def reports(
    filters: Filters, counted: Counted = EVERY_FINDING, limit: int | None = REPORT_LIST_LIMIT
) -> pd.DataFrame:
    """The filtered reports, those with most errors first, then most warnings
    (the first ``limit``; None for all). With the findings narrowed (some
    rules, errors only), only the reports that have such a finding."""
    where, params = filters.where("r")
    data = query(
        f"""
        WITH listed AS ({_per_report(where)})
        SELECT l.*, a.name, count(*) OVER () AS total
        FROM listed l JOIN agencies a USING (agency_id)
        WHERE NOT $narrowed OR l.errors + l.warnings > 0
        ORDER BY errors DESC, warnings DESC, a.name, l.year, l.report_id LIMIT $limit
        """,
        params | counted.params() | {"narrowed": counted.narrowed, "limit": limit},
    )
    return data


def report_table(data: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "机关": data.name,
            "年度": data.year,
            "错误": data.errors,
            "提示": data.warnings,
            "空白单元格": data.blank_cells,
            "短横单元格": data.dash_cells,
            "文字单元格": data.text_cells,
            "机关编号": data.agency_id,  # last: the figures stay in view on a narrow screen
        }
    )


def report_in_scope(filters: Filters, agency_id: str, year: int) -> bool:
    """Whether the report is among the filtered ones and has a finding."""
    where, params = filters.where("r")
    rows = query(
        f"SELECT count(*) AS n FROM reports r WHERE {where} AND r.agency_id = $agency_id"
        " AND r.year = $year AND r.errors + r.warnings > 0",
        params | {"agency_id": agency_id, "year": year},
    )
    return bool(rows.n.iloc[0])


def cell_totals(filters: Filters) -> pd.Series:
    """Blank, dash and text cells over the filtered reports, and how many reports have any."""
    where, params = filters.where()
    return query(
        f"""
        SELECT count(*) AS reports, coalesce(sum(blank_cells), 0)::BIGINT AS blank,
               coalesce(sum(dash_cells), 0)::BIGINT AS dash,
               coalesce(sum(text_cells), 0)::BIGINT AS text,
               count(*) FILTER (WHERE blank_cells + dash_cells + text_cells > 0) AS with_any
        FROM reports WHERE {where}
        """,
        params,
    ).iloc[0]


# --- Coverage: which agencies published for which year -------------------------------


def coverage(filters: Filters, limit: int = COVERAGE_LIMIT) -> pd.DataFrame:
    """Agencies in the sidebar's scope with the years they have a report for
    in the year range; those missing the most years first.

    Every agency in scope is listed, even one with no report in the range
    (it is missing every year); ``agencies`` and ``missing_total`` count all
    of them, before the limit."""
    where, params = filters.where("r")
    span = filters.year_to - filters.year_from + 1
    return query(
        f"""
        WITH scope AS (
            SELECT agency_id, name FROM agencies
            WHERE {AGENCY_SCOPE} AND (len($agencies::VARCHAR[]) = 0
                   OR list_contains($agencies::VARCHAR[], agency_id))
        ),
        published AS (
            SELECT r.agency_id, list(DISTINCT r.year ORDER BY r.year) AS years
            FROM reports r WHERE {where} GROUP BY r.agency_id
        ),
        joined AS (
            SELECT s.agency_id, s.name, coalesce(p.years, []::SMALLINT[]) AS years,
                   $span - len(coalesce(p.years, []::SMALLINT[])) AS missing
            FROM scope s LEFT JOIN published p USING (agency_id)
        )
        SELECT *, count(*) OVER () AS agencies, sum(missing) OVER ()::BIGINT AS missing_total
        FROM joined ORDER BY missing DESC, name, agency_id LIMIT $limit
        """,
        params | {"span": span, "limit": limit},
    )


def coverage_matrix(data: pd.DataFrame, year_from: int, year_to: int) -> pd.DataFrame:
    """One row per agency, one column per year: ✓ when the report is in the
    data, 未收录 when it is not."""
    matrix = pd.DataFrame({"机关": data.name, "机关编号": data.agency_id})
    published = [set(int(year) for year in years) for years in data.years]
    for year in range(year_from, year_to + 1):
        matrix[str(year)] = [PRESENT if year in have else MISSING for have in published]
    matrix["未收录年数"] = data.missing.astype(int).to_numpy()
    return matrix
