"""Validation rules on real reports with one figure changed: the right rule,
the cells involved, expected and actual — and no value ever altered."""

from __future__ import annotations

import json

import pytest
from pydantic import TypeAdapter, ValidationError

from etl.model import Cell, NumberCell, Report
from etl.validate import revalidate, validate
from tests.conftest import ROOT, parsed, run_cli


def _set(
    report: Report, section: str, row: str, column: str, value, raw: str | None = None
) -> None:
    table = getattr(report, section)
    old = table[row][column]
    table[row][column] = NumberCell(
        value=value, raw=raw or str(value), status="number", at=old["at"]
    )


def _rules(findings) -> list[tuple[str, str, object, object]]:
    return [(f.rule, f.cells[0] if f.cells else "", f.expected, f.actual) for f in findings]


def test_clean_report_has_no_findings() -> None:
    assert validate(parsed("2024_huaian_shi")) == []


def test_changed_outcome_breaks_row_total_outcomes_and_balance() -> None:
    report = parsed("2024_huaian_shi")
    _set(report, "applications", "granted", "natural_person", 1289)  # printed 1288
    findings = validate(report)
    assert _rules(findings) == [
        ("applications.row_total", "applications.granted.natural_person", 1363, 1362),
        ("applications.outcomes_sum", "applications.granted.natural_person", 2933, 2932),
    ]
    assert report.applications["granted"]["natural_person"]["value"] == 1289  # untouched
    assert "1363" in findings[0].message and "1362" in findings[0].message


def test_balance_rule_per_column() -> None:
    report = parsed("2024_huaian_shi")
    _set(report, "applications", "carried_forward", "natural_person", 100)
    _set(report, "applications", "carried_forward", "total", 100)
    findings = validate(report)
    balance = [f for f in findings if f.rule == "applications.balance"]
    assert [(f.cells[0], f.expected, f.actual) for f in balance] == [
        ("applications.new_received.natural_person", 3035, 3032),
        ("applications.new_received.total", 3153, 3150),
    ]
    assert "第一项加第二项之和等于第三项加第四项之和" in balance[0].message


def test_review_total_rule() -> None:
    report = parsed("2024_huaian_shi")
    _set(report, "review_litigation", "litigation_direct", "total", 27)
    assert _rules(validate(report)) == [
        ("review_litigation.total", "review_litigation.litigation_direct.upheld", 26, 27)
    ]


def test_negative_and_fractional_counts() -> None:
    report = parsed("2024_huaian_shi")
    _set(report, "proactive", "licensing", "decisions", -5)
    _set(report, "review_litigation", "administrative_review", "pending", 1.5)
    rules = [
        (f.rule, f.cells[0]) for f in validate(report) if f.rule == "cells.non_negative_integer"
    ]
    assert rules == [
        ("cells.non_negative_integer", "proactive.licensing.decisions"),
        ("cells.non_negative_integer", "review_litigation.administrative_review.pending"),
    ]


def test_fee_may_be_decimal() -> None:
    report = parsed("2023_huaian_hongzequ")
    assert report.proactive["fees"]["amount_10k_yuan"]["value"] == 7730.28
    assert not any(f.rule == "cells.non_negative_integer" for f in report.findings)


def test_missing_row_makes_report_incomplete() -> None:
    report = parsed("2024_huaian_shi")
    del report.applications["declined_duplicate"]
    report.narrative.problems = None
    findings = validate(report)
    assert [f.rule for f in findings] == ["report.complete"]
    assert "五、存在的主要问题及改进情况" in findings[0].message
    assert "2.重复申请" in findings[0].message


def test_revalidate_keeps_extraction_findings() -> None:
    report = parsed("2021_fujian_pingtan")
    extraction = [f for f in report.findings if f.rule.startswith("extract.")]
    assert extraction
    assert revalidate(report) == report.findings


def test_validate_command_prints_findings_and_exits_0() -> None:
    path = ROOT / "data" / "reports" / "2023_huaian_hongzequ.json"
    result = run_cli("validate", str(path))
    assert result.returncode == 0
    assert (
        result.stdout.splitlines()[0] == "洪泽区人民政府 2023 年度（2021 格式）：2 个错误，0 个提示"
    )
    assert result.stdout.count("review_litigation.total") == 2
    as_json = run_cli("validate", str(path), "--json")
    findings = json.loads(as_json.stdout)
    assert [(f["expected"], f["actual"]) for f in findings] == [(11, 0), (5, 0)]


def test_validate_command_rejects_invalid_json_naming_the_key(tmp_path) -> None:
    data = json.loads((ROOT / "data" / "reports" / "2024_huaian_shi.json").read_text())
    data["applications"]["granted"]["total"]["status"] = "maybe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False))
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{bad}: 不是有效的报告 JSON：applications.granted.total：")
    assert "'maybe'" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run_cli("validate", str(broken))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_cell_status_must_fit_value() -> None:
    cell = TypeAdapter(Cell)
    at = {"line": 1}
    for bad in (
        {"value": None, "raw": "3", "status": "number", "at": at},
        {"value": 3, "raw": "3", "status": "dash", "at": at},
        {"value": 3, "raw": "3", "status": "maybe", "at": at},
    ):
        with pytest.raises(ValidationError):
            cell.validate_python(bad)
    assert (
        cell.validate_python({"value": None, "raw": "/", "status": "dash", "at": at})["raw"] == "/"
    )


def test_figures_are_finite_numbers_not_booleans() -> None:
    cell = TypeAdapter(Cell)
    at = {"line": 1}
    for value in (True, float("nan"), float("inf")):
        with pytest.raises(ValidationError):
            cell.validate_python({"value": value, "raw": "x", "status": "number", "at": at})
