"""Cross-year rules on the real 洪泽区 2023 → 2024 pair, as printed and with one
figure or the section 五 text changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.db.load import load
from etl.reports import load_report
from etl.similarity import repetition
from tests.test_load import HONGZE_2023, HONGZE_2024, edited_copy, query, set_cell

LATER = "SELECT report_id FROM reports WHERE agency_id = '320813-人民政府' AND year = 2024"


def with_cell(source: Path, folder: Path, path: str, value: int) -> Path:
    """A copy of a bundled report with one cell printed as ``value``."""
    return edited_copy(source, folder, lambda data: set_cell(data, path, value))


def cross_year(db: Path) -> list[tuple]:
    return query(
        db,
        "SELECT rule, severity, message, cells, expected, actual FROM findings "
        f"WHERE origin = 'cross_year' AND report_id IN ({LATER}) ORDER BY rule",
    )


def test_the_published_pair_is_continuous_and_not_copied(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    load([HONGZE_2023, HONGZE_2024], db)
    # 结转: 0 carried forward from 2023, 0 carried over into 2024, in every column;
    # 行政规范性文件: 5 in force + 3 issued − 0 repealed = 8 in force, as printed.
    assert query(db, "SELECT count(*) FROM findings WHERE origin = 'cross_year'") == [(0,)]
    # 2024's section 五 keeps two of 2023's measures word for word, and is rewritten otherwise.
    measured = repetition(
        load_report(HONGZE_2024).narrative.problems, load_report(HONGZE_2023).narrative.problems
    )
    assert (measured.clauses, measured.repeated_clauses, measured.chars) == (27, 10, 329)
    assert round(measured.share, 3) == 0.377


@pytest.mark.parametrize("order", ["earlier first", "later first", "separate loads"])
def test_a_carry_over_break_is_found_on_the_later_report(tmp_path: Path, order: str) -> None:
    later = with_cell(HONGZE_2024, tmp_path / "in", "applications.carried_over.natural_person", 3)
    db = tmp_path / "x.duckdb"
    if order == "earlier first":
        load([HONGZE_2023, later], db)
    elif order == "later first":
        load([later, HONGZE_2023], db)
    else:
        load([later], db)
        load([HONGZE_2023], db)
    assert cross_year(db) == [
        (
            "applications.carry_over_continuity",
            "warning",
            "「二、上年结转政府信息公开申请数量·自然人」为 3，与上年（2023 年度）报告"
            "「四、结转下年度继续办理·自然人」的 0 不一致。",
            ["applications.carried_over.natural_person"],
            "0",
            "3",
        )
    ]
    # The later report's counts include it (beside the balance errors the edit causes).
    ((warnings,),) = query(db, f"SELECT warnings FROM reports WHERE report_id IN ({LATER})")
    assert warnings == 1 + len([f for f in load_report(later).findings if f.severity == "warning"])


def test_replacing_the_earlier_year_recomputes_the_later_years_findings(tmp_path: Path) -> None:
    later = with_cell(HONGZE_2024, tmp_path / "in", "applications.carried_over.natural_person", 3)
    db = tmp_path / "x.duckdb"
    load([HONGZE_2023, later], db)
    assert len(cross_year(db)) == 1
    # The same 2023 document, re-read with 3 carried forward: the break is gone.
    earlier = with_cell(
        HONGZE_2023, tmp_path / "fixed", "applications.carried_forward.natural_person", 3
    )
    summary = load([earlier], db)
    assert summary.replaced == 1
    assert cross_year(db) == []


def test_stock_flow_break(tmp_path: Path) -> None:
    later = with_cell(HONGZE_2024, tmp_path / "in", "proactive.normative_documents.in_force", 9)
    db = tmp_path / "x.duckdb"
    load([HONGZE_2023, later], db)
    assert cross_year(db) == [
        (
            "proactive.stock_flow",
            "warning",
            "「行政规范性文件」现行有效件数为 9；按上年（2023 年度）现行有效 5 + 本年制发 3 − "
            "本年废止 0，应为 8。",
            [
                "proactive.normative_documents.issued",
                "proactive.normative_documents.repealed",
                "proactive.normative_documents.in_force",
            ],
            "8",
            "9",
        )
    ]


def test_a_copied_problems_section_is_flagged_with_its_measure(tmp_path: Path) -> None:
    problems_2023 = load_report(HONGZE_2023).narrative.problems

    def copied(data: dict) -> None:
        data["narrative"]["problems"] = problems_2023.replace("2023", "2024")

    later = edited_copy(HONGZE_2024, tmp_path / "in", copied)
    db = tmp_path / "x.duckdb"
    load([HONGZE_2023, later], db)
    clauses = repetition(problems_2023, problems_2023).clauses
    assert cross_year(db) == [
        (
            "narrative.repeated",
            "warning",
            "「五、存在的主要问题及改进情况」与上年完全相同（内容雷同）："
            f"本年 {clauses} 个分句中有 {clauses} 个与上年（2023 年度）报告逐字相同，"
            "按字数计占 100%（比较时不计空白和数字）。",
            ["narrative.problems"],
            "< 80%",
            "1.0",
        )
    ]


def test_a_lightly_edited_copy_is_nearly_the_same(tmp_path: Path) -> None:
    problems_2024 = load_report(HONGZE_2024).narrative.problems
    edited = problems_2024.replace("2025 年我们", "下一步，")

    def next_year(data: dict) -> None:
        data["year"] = 2025
        data["narrative"]["problems"] = edited
        data["source"]["sha256"] = "2" * 64

    later = edited_copy(HONGZE_2024, tmp_path / "2025", next_year)
    db = tmp_path / "x.duckdb"
    load([HONGZE_2024, later], db)
    ((message, actual),) = query(
        db,
        "SELECT message, actual FROM findings WHERE rule = 'narrative.repeated' AND report_id IN "
        "(SELECT report_id FROM reports WHERE year = 2025)",
    )
    assert message.startswith("「五、存在的主要问题及改进情况」与上年基本相同（内容雷同）：")
    assert "本年 27 个分句中有 26 个与上年（2024 年度）报告逐字相同，按字数计占 97%" in message
    assert actual == "0.972"
