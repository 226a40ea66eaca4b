"""数据质量: the findings of the filtered reports by rule, year and agency; the
reports with the most errors; blank, dash and text cells; and which agencies
have not published a report for a year (the coverage matrix)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from app import charts
from app.db import query
from app.filters import AGENCY_SCOPE, Filters, scope_params
from app.rules import RULE_DESCRIPTIONS, SEVERITY_LABELS, rule_name
from etl.db.register import MATCHES

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
PRESENT, MISSING, NOT_DUE = "✓", "未收录", "无需报告"

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
    "未收录年数": "年度范围内应报告而数据中没有该机关报告的年数",
    "应报名录": "该机关是否在导入的应报名录中（名录外：有报告而名录未列）",
    "状态": (
        "未报：数据中没有该年度的报告；逾期：报告发布日期晚于次年 1 月 31 日；"
        "已报：有报告且未见逾期（含读不出发布日期的）"
    ),
    "发布日期出处": "发布日期从报告何处读出：网页的发布日期、落款日期或文件属性",
    "名录行号": "该机关在应报名录文件中的行号",
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


def has_register() -> bool:
    """Whether the database holds a register of who must report (应报名录)."""
    return bool(query("SELECT count(*) AS n FROM register").n.iloc[0])


# The rows of a coverage table: register rows, each with the reports it matches
# (etl/db/register.py), and agencies with reports that no register row names.
_COVERAGE_ROWS = f"""
    register_rows AS (
        SELECT agency_id, name, first_year, last_year, true AS listed FROM register
        WHERE {AGENCY_SCOPE}
    ),
    unlisted AS (
        SELECT agency_id, name, NULL::SMALLINT AS first_year, NULL::SMALLINT AS last_year,
               false AS listed
        FROM agencies a
        WHERE {AGENCY_SCOPE} AND NOT EXISTS (
            SELECT 1 FROM register g JOIN reports r ON {MATCHES} WHERE r.agency_id = a.agency_id
        )
    ),
    coverage_rows AS (SELECT * FROM register_rows UNION ALL SELECT * FROM unlisted)
"""


def coverage(filters: Filters, limit: int = COVERAGE_LIMIT) -> pd.DataFrame:
    """Agencies in the sidebar's scope with the years they have a report for
    in the year range; those missing the most years first.

    Without a register, every agency that ever reported is listed, even one
    with no report in the range (it is missing every year). With one, its
    rows are listed — a year outside a row's 起始年度–截止年度 is not missing —
    and agencies with reports it does not name, apart (``listed`` false).
    ``agencies`` and ``missing_total`` count all of them, before the limit."""
    where, params = filters.where("r")
    return query(
        f"""
        WITH {_COVERAGE_ROWS},
        published AS (  -- every report of the row, in any year; the years in the filters
            SELECT c.agency_id,
                   list(DISTINCT r.year ORDER BY r.year) FILTER (WHERE {where}) AS years
            FROM coverage_rows c JOIN reports r
                 ON r.agency_id = c.agency_id OR (c.listed AND r.agency_name = c.name)
            GROUP BY c.agency_id
        ),
        joined AS (
            SELECT c.agency_id, c.name, c.listed, c.first_year, c.last_year,
                   p.agency_id IS NOT NULL AS ever_reported,
                   coalesce(p.years, []::SMALLINT[]) AS years,
                   greatest(least($year_to, coalesce(c.last_year, $year_to))
                            - greatest($year_from, coalesce(c.first_year, $year_from)) + 1, 0)
                   - len(list_filter(coalesce(p.years, []::SMALLINT[]), lambda y:
                         y BETWEEN coalesce(c.first_year, 0) AND coalesce(c.last_year, 9999)))
                   AS missing
            FROM coverage_rows c LEFT JOIN published p USING (agency_id)
            WHERE len($agencies::VARCHAR[]) = 0 OR list_contains($agencies::VARCHAR[], c.agency_id)
        )
        SELECT *, count(*) OVER () AS agencies, sum(missing) OVER ()::BIGINT AS missing_total
        FROM joined ORDER BY listed DESC, missing DESC, name, agency_id LIMIT $limit
        """,
        params | {"limit": limit},
    )


REGISTER_STATUSES = ("未报", "逾期", "已报")


def register_status(filters: Filters, year: int) -> pd.DataFrame:
    """Every register row that must report for ``year`` (in the sidebar's
    region, level and kind), with its report for the year: 未报 without one,
    逾期 when the report was published after 31 January (rule report.late),
    else 已报."""
    return query(
        f"""
        WITH due AS (
            SELECT * FROM register WHERE {AGENCY_SCOPE}
            AND coalesce(first_year, 0) <= $year AND $year <= coalesce(last_year, 9999)
        ),
        matched AS (
            SELECT g.row_number, g.name, g.agency_id, r.report_id, r.agency_name AS printed,
                   r.published_on, r.published_on_from
            FROM due g LEFT JOIN reports r ON r.year = $year AND {MATCHES}
            QUALIFY row_number() OVER (
                PARTITION BY g.agency_id ORDER BY (r.agency_id = g.agency_id) DESC NULLS LAST
            ) = 1
        ),
        late AS (SELECT DISTINCT report_id FROM findings WHERE rule = 'report.late'),
        statused AS (
            SELECT m.*, CASE WHEN m.report_id IS NULL THEN '未报'
                             WHEN l.report_id IS NOT NULL THEN '逾期' ELSE '已报' END AS status
            FROM matched m LEFT JOIN late l USING (report_id)
        )
        SELECT * FROM statused
        ORDER BY list_position({list(REGISTER_STATUSES)}, status), row_number
        """,
        scope_params(filters) | {"year": year},
    )


def register_table(data: pd.DataFrame) -> pd.DataFrame:
    """The register's rows for a year as the page lists them."""
    return pd.DataFrame(
        {
            "状态": data.status,
            "机关": data.name,
            "报告中的机关名称": data.printed,
            "发布日期": data.published_on,
            "发布日期出处": data.published_on_from,
            "名录行号": data.row_number.astype(int),
            "机关编号": data.agency_id,
        }
    )


def coverage_matrix(
    data: pd.DataFrame, year_from: int, year_to: int, with_register: bool = False
) -> pd.DataFrame:
    """One row per agency, one column per year: ✓ when the report is in the
    data, 未收录 when it is not, 无需报告 for a year outside the register's
    起始年度–截止年度 of the agency; with a register, whether the agency is in it."""
    matrix = pd.DataFrame({"机关": data.name, "机关编号": data.agency_id})
    if with_register:
        matrix.insert(1, "应报名录", ["在名录" if listed else "名录外" for listed in data.listed])
    published = [set(int(year) for year in years) for years in data.years]
    spans = [
        range(
            int(first) if pd.notna(first) else year_from,
            (int(last) if pd.notna(last) else year_to) + 1,
        )
        for first, last in zip(data.first_year, data.last_year, strict=True)
    ]
    for year in range(year_from, year_to + 1):
        matrix[str(year)] = [
            PRESENT if year in have else MISSING if year in due else NOT_DUE
            for have, due in zip(published, spans, strict=True)
        ]
    matrix["未收录年数"] = data.missing.astype(int).to_numpy()
    return matrix
