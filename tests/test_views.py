"""The views the dashboard reads equal sums of the reports' own cells,
computed here from the canonical JSON without SQL."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from etl import template
from etl.db.load import load
from etl.model import Report
from etl.reports import BUNDLED_REPORTS, bundled_reports
from tests.test_load import query

OUTCOME_GROUPS = {
    "granted": ["granted"],
    "partially_granted": ["partially_granted"],
    "withheld": [r.key for r in template.APPLICATION_ROWS if r.group == "withheld"],
    "unavailable": [r.key for r in template.APPLICATION_ROWS if r.group == "unavailable"],
    "declined": [r.key for r in template.APPLICATION_ROWS if r.group == "declined"],
    "other_handled": [r.key for r in template.APPLICATION_ROWS if r.group == "other"],
}


def value(cell: dict | None) -> float:
    return 0 if cell is None or cell["value"] is None else cell["value"]


def counts(report: Report) -> dict[str, float]:
    """The dashboard's per-report counts, read straight from the report's cells."""
    apps = report.applications

    def total(row: str, column: str = "total") -> float:
        return value(apps.get(row, {}).get(column))

    result = {
        "received": total("new_received"),
        "carried_over": total("carried_over"),
        "processed": total("total_processed"),
        "carried_forward": total("carried_forward"),
    }
    for name, rows in OUTCOME_GROUPS.items():
        result[name] = sum(total(row) for row in rows)
    for column in template.APPLICANT_COLUMNS[:-1]:
        result[f"received_{column}"] = total("new_received", column)
    prefixes = {
        "administrative_review": "review",
        "litigation_direct": "litigation_direct",
        "litigation_after_review": "litigation_after_review",
    }
    for group, prefix in prefixes.items():
        for column in template.REVIEW_COLUMNS:
            result[f"{prefix}_{column}"] = value(
                report.review_litigation.get(group, {}).get(column)
            )
    return result


def rates(c: dict[str, float]) -> dict[str, float | None]:
    def ratio(numerator: float, denominator: float) -> float | None:
        return numerator / denominator if denominator else None

    result = {
        "disclosure_rate": ratio(c["granted"] + c["partially_granted"], c["processed"]),
        "carry_forward_rate": ratio(c["carried_forward"], c["received"] + c["carried_over"]),
    }
    for prefix in ("review", "litigation_direct", "litigation_after_review"):
        decided = c[f"{prefix}_upheld"] + c[f"{prefix}_corrected"] + c[f"{prefix}_other"]
        result[f"{prefix}_correction_rate"] = ratio(c[f"{prefix}_corrected"], decided)
    return result


def rows_by_name(db: Path, sql: str) -> list[dict]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        result = con.execute(sql)
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "x.duckdb"
    load([BUNDLED_REPORTS], path)
    return path


def test_report_measures_equal_each_reports_cells(db: Path) -> None:
    stored = {
        (row["agency_id"], row["year"]): row
        for row in rows_by_name(db, "SELECT * FROM report_measures")
    }
    reports = bundled_reports()
    assert len(stored) == len(reports)
    for report in reports:
        row = stored[report.agency.id, report.year]
        expected = counts(report)
        assert {name: row[name] for name in expected} == expected, report.source.file
        for name, rate in rates(expected).items():
            assert row[name] == pytest.approx(rate), (report.source.file, name)


def test_year_measures_are_sums_and_rates_of_sums(db: Path) -> None:
    by_year: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    reports_per_year: dict[int, int] = defaultdict(int)
    for report in bundled_reports():
        reports_per_year[report.year] += 1
        for name, amount in counts(report).items():
            by_year[report.year][name] += amount
    stored = {row["year"]: row for row in rows_by_name(db, "SELECT * FROM year_measures")}
    assert set(stored) == set(by_year)
    for year, sums in by_year.items():
        row = stored[year]
        assert row["reports"] == reports_per_year[year]
        assert {name: row[name] for name in sums} == dict(sums), year
        for name, rate in rates(sums).items():
            assert row[name] == pytest.approx(rate), (year, name)
    # 2024: 淮安市 and 洪泽区 together; the rate is of the sums, not a mean of two rates.
    hongze, huaian = (
        counts(r) for r in bundled_reports() if r.year == 2024 and r.agency.level is not None
    )
    assert stored[2024]["disclosure_rate"] == pytest.approx(
        (hongze["granted"] + hongze["partially_granted"] + huaian["granted"]
         + huaian["partially_granted"]) / (hongze["processed"] + huaian["processed"])
    )  # fmt: skip


def test_long_views_match_year_measures(db: Path) -> None:
    years = {row["year"]: row for row in rows_by_name(db, "SELECT * FROM year_measures")}
    for row in rows_by_name(db, "SELECT * FROM outcome_group_totals"):
        assert (
            row["applications"]
            == years[row["year"]][
                {"其他处理": "other_handled"}.get(row["label"], row["outcome_group"])
            ]
        )
        assert row["label"] == template.OUTCOME_GROUP_LABELS[row["outcome_group"]]
    for row in rows_by_name(db, "SELECT * FROM applicant_type_totals"):
        assert row["applications"] == years[row["year"]][f"received_{row['applicant_type']}"]
    review = rows_by_name(
        db, "SELECT * FROM review_outcome_totals WHERE year = 2024 AND outcome = 'corrected'"
    )
    # 结果纠正 in 2024: 洪泽区 1 / 0 / 0 and 淮安市 64 / 4 / 1, as printed.
    assert {row["group_label"]: row["cases"] for row in review} == {
        "行政复议": 65.0,
        "行政诉讼·未经复议直接起诉": 4.0,
        "行政诉讼·复议后起诉": 1.0,
    }


def test_a_rate_without_a_denominator_is_missing_not_zero(db: Path) -> None:
    # 镇海 received and processed no applications in 2021.
    assert query(db, "SELECT processed, disclosure_rate FROM year_measures WHERE year = 2021") == [
        (0.0, None)
    ]
