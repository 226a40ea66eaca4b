"""Synthetic reports: deterministic, valid canonical reports, linked across years,
skewed like real ones, and flagged only where a slip was seeded on purpose."""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import jsonschema
import pytest

import etl
from etl import template
from etl.cells import number_value
from etl.model import Report
from etl.synth import ID_PREFIX, PROBLEMS_POOL, synthetic_reports, write_report_files
from etl.validate import validate

SCHEMA = json.loads((Path(etl.__file__).parent / "report.schema.json").read_text("utf-8"))
SEED = 11
COUNT = 1500
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def clean() -> list[Report]:
    return list(synthetic_reports(COUNT, SEED, error_rate=0.0))


@pytest.fixture(scope="module")
def seeded() -> list[Report]:
    return list(synthetic_reports(COUNT, SEED, error_rate=0.05))


def _dumps(reports: list[Report]) -> list[str]:
    return [report.model_dump_json() for report in reports]


def _has_error(report: Report) -> bool:
    return any(finding.severity == "error" for finding in report.findings)


def _by_agency(reports: list[Report]) -> dict[str, list[Report]]:
    years: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        years[report.agency.id].append(report)
    return years


def _consecutive_pairs(reports: list[Report]) -> list[tuple[Report, Report]]:
    return [
        (before, after)
        for years in _by_agency(reports).values()
        for before, after in pairwise(years)
    ]


# --- determinism ----------------------------------------------------------------


def test_same_seed_gives_the_same_reports(clean: list[Report]) -> None:
    assert _dumps(list(synthetic_reports(300, SEED, error_rate=0.0))) == _dumps(clean[:300])


def test_another_seed_gives_other_reports() -> None:
    first, second = _dumps(list(synthetic_reports(20, 5))), _dumps(list(synthetic_reports(20, 6)))
    assert not set(first) & set(second)


def test_a_shorter_run_is_the_start_of_a_longer_one() -> None:
    assert _dumps(list(synthetic_reports(40, 5))) == _dumps(list(synthetic_reports(100, 5)))[:40]


def test_output_does_not_depend_on_hash_randomisation() -> None:
    code = (
        "import hashlib; from etl.synth import synthetic_reports; "
        "print(hashlib.sha256(''.join(r.model_dump_json() for r in "
        "synthetic_reports(100, 3)).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    here = "".join(_dumps(list(synthetic_reports(100, 3))))
    assert other == hashlib.sha256(here.encode()).hexdigest()


@pytest.mark.parametrize("count", [0, 1, 7, 333])
def test_exactly_count_reports(count: int) -> None:
    assert sum(1 for _ in synthetic_reports(count, 1)) == count


@pytest.mark.parametrize(("count", "error_rate"), [(-1, 0.0), (10, -0.1), (10, 1.5)])
def test_bad_arguments_fail_at_the_call(count: int, error_rate: float) -> None:
    with pytest.raises(ValueError):
        synthetic_reports(count, 1, error_rate)


# --- valid canonical reports, marked synthetic ---------------------------------------


def test_reports_round_trip_through_json(seeded: list[Report]) -> None:
    for report in seeded:
        assert Report.model_validate_json(report.model_dump_json()) == report


def test_reports_obey_the_checked_in_schema(seeded: list[Report]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    sample = seeded[::60] + [report for report in seeded if _has_error(report)][:10]
    assert {report.format for report in sample} == {"2019", "2021"}
    for report in sample:
        validator.validate(json.loads(report.model_dump_json()))


def test_every_report_is_marked_synthetic(seeded: list[Report]) -> None:
    for report in seeded:
        assert report.synthetic is True
        assert report.agency.id.startswith(ID_PREFIX)
        assert report.source.file == f"synthetic/{report.agency.id}/{report.year}.json"
        assert report.source.parser.name == "xxgk-etl synth"
        assert report.scope is None


def test_agency_and_year_identify_a_report(seeded: list[Report]) -> None:
    keys = [(report.agency.id, report.year) for report in seeded]
    assert len(set(keys)) == len(keys)
    assert len({report.source.sha256 for report in seeded}) == len(seeded)


def test_an_agency_is_the_same_in_every_year_and_reports_consecutive_years(
    clean: list[Report],
) -> None:
    for years in _by_agency(clean).values():
        assert all(report.agency == years[0].agency for report in years)
        numbers = [report.year for report in years]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        assert numbers[0] >= 2019 and numbers[-1] <= 2025


def test_agencies_span_the_country_levels_and_kinds(clean: list[Report]) -> None:
    reports = clean[:300]
    assert len({report.agency.province for report in reports}) >= 20
    assert {report.agency.level for report in reports} == {
        "province",
        "city",
        "county",
        "township",
    }
    assert {report.agency.kind for report in reports} == {"government", "department", "other"}
    for report in reports:
        agency = report.agency
        assert agency.adcode is not None and agency.province is not None
        assert agency.name.startswith((agency.province, agency.city or "-", agency.county or "-"))
        if agency.level == "county":
            assert agency.county is not None and agency.name.find(agency.county) >= 0
        if agency.level == "township":
            assert re.search(r"[镇乡]人民政府$", agency.name)


def test_template_shape_follows_the_year(seeded: list[Report]) -> None:
    for report in seeded[:300]:
        report_format = "2021" if report.year >= 2021 else "2019"
        assert report.format == report_format
        assert list(report.proactive) == [i.key for i in template.PROACTIVE_ITEMS[report_format]]
        rows = template.application_row_keys(single_other_row=report_format == "2019")
        assert tuple(report.applications) == rows
        assert tuple(report.review_litigation) == template.REVIEW_GROUPS


def test_every_cell_is_a_printed_figure_on_a_later_line(seeded: list[Report]) -> None:
    for report in seeded[:300]:
        lines = []
        for section in (report.proactive, report.applications, report.review_litigation):
            for row, cells in section.items():
                for column, cell in cells.items():
                    assert cell["status"] == "number"
                    assert number_value(cell["raw"]) == cell["value"], (row, column)
                    decimal = column in template.DECIMAL_COLUMNS
                    assert type(cell["value"]) is (float if decimal else int)
                    lines.append(cell["at"]["line"])
        assert lines == sorted(lines) and len(set(lines)) == len(lines)
        for cell in report.headline.values():
            assert type(cell["value"]) is int and cell["raw"] == str(cell["value"])


# --- findings: only where a slip was seeded -------------------------------------------


def test_without_seeded_errors_no_report_has_a_finding(clean: list[Report]) -> None:
    assert [report for report in clean if report.findings] == []


def test_errors_appear_at_about_the_error_rate(seeded: list[Report]) -> None:
    share = sum(_has_error(report) for report in seeded) / len(seeded)
    assert 0.03 <= share <= 0.07
    for report in seeded:
        assert report.findings == validate(report)


def test_a_seeded_error_is_one_changed_figure(clean: list[Report], seeded: list[Report]) -> None:
    """The rate only decides which reports get a slip: the others are unchanged,
    and a slipped report differs from its clean twin in one cell."""
    for right, wrong in zip(clean, seeded, strict=True):
        if not _has_error(wrong):
            assert wrong == right
            continue
        changed = [
            (row, column)
            for section in ("applications", "review_litigation")
            for row, cells in getattr(wrong, section).items()
            for column, cell in cells.items()
            if cell != getattr(right, section)[row][column]
        ]
        assert len(changed) == 1
        row, column = changed[0]
        section = "applications" if row in wrong.applications else "review_litigation"
        before = getattr(right, section)[row][column]["value"]
        assert 1 <= abs(getattr(wrong, section)[row][column]["value"] - before) <= 9


# --- cross-year identities -------------------------------------------------------------


def test_carried_over_is_last_years_carried_forward(clean: list[Report]) -> None:
    pairs = _consecutive_pairs(clean)
    assert len(pairs) > COUNT // 2
    for before, after in pairs:
        for column in template.APPLICANT_COLUMNS:
            forward = before.applications["carried_forward"][column]["value"]
            assert after.applications["carried_over"][column]["value"] == forward
    assert any(after.applications["carried_over"]["total"]["value"] for _, after in pairs)


def test_documents_in_force_flow_from_year_to_year(clean: list[Report]) -> None:
    checked = 0
    for before, after in _consecutive_pairs(clean):
        if before.format != "2021" or after.format != "2021":
            continue
        for item in ("regulations", "normative_documents"):
            cells = after.proactive[item]
            stock = before.proactive[item]["in_force"]["value"]
            flow = cells["issued"]["value"] - cells["repealed"]["value"]
            assert cells["in_force"]["value"] == stock + flow
            checked += 1
    assert checked > COUNT // 2


# --- realistic figures and text ------------------------------------------------------


def test_application_counts_are_skewed(clean: list[Report]) -> None:
    received = [report.applications["new_received"]["total"]["value"] for report in clean]
    assert statistics.median(received) <= 5
    assert max(received) >= 500
    assert sum(value == 0 for value in received) >= len(received) // 10
    persons = sum(r.applications["new_received"]["natural_person"]["value"] for r in clean)
    assert persons >= 0.7 * sum(received)
    granted = sum(report.applications["granted"]["total"]["value"] for report in clean)
    processed = sum(report.applications["total_processed"]["total"]["value"] for report in clean)
    assert 0.25 <= granted / processed <= 0.6


def test_review_and_litigation_counts_are_mostly_small(clean: list[Report]) -> None:
    totals = [
        cells["total"]["value"] for report in clean for cells in report.review_litigation.values()
    ]
    assert sum(total <= 5 for total in totals) >= 0.95 * len(totals)
    assert max(totals) > 5


def _sentences(text: str) -> list[str]:
    return [sentence + "。" for sentence in text.split("。") if sentence]


def test_problems_change_from_year_to_year_except_a_few_copies(clean: list[Report]) -> None:
    assert len(PROBLEMS_POOL) >= 40
    copied = 0
    pairs = _consecutive_pairs(clean)
    for before, after in pairs:
        old, new = before.narrative.problems or "", after.narrative.problems or ""
        assert 3 <= len(_sentences(new)) <= 5 and new.endswith("。")
        if re.sub(r"\d{4}", "", old) == re.sub(r"\d{4}", "", new):
            copied += 1
            continue
        shared = set(_sentences(old)) & set(_sentences(new))
        assert len(shared) < len(_sentences(new)) / 2
    assert 0.02 <= copied / len(pairs) <= 0.09


def test_narrative_names_the_agency_and_year(clean: list[Report]) -> None:
    for report in clean[:200]:
        assert report.narrative.overview and report.agency.name in report.narrative.overview
        assert report.narrative.other and str(report.year) in report.narrative.other


# --- files -----------------------------------------------------------------------------


def test_written_files_read_back_as_the_same_reports(tmp_path: Path) -> None:
    reports = list(synthetic_reports(60, 8, error_rate=0.1))
    folder = tmp_path / "deep" / "folder"
    assert write_report_files(reports, folder) == len(reports)
    files = sorted(folder.iterdir())
    assert len(files) == len(reports)
    assert all(re.fullmatch(r"synthetic-\d{6}-[\w]+_20\d\d\.json", f.name) for f in files)
    for report in reports:
        path = folder / f"{report.agency.id}_{report.year}.json"
        text = path.read_text(encoding="utf-8")
        assert "\n" not in text  # compact
        assert Report.model_validate_json(text) == report
