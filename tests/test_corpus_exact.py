"""The complete text reports of the corpus: every cell exact against values
written by hand from the original documents (tests/expected/)."""

from __future__ import annotations

import pytest

from etl import template
from tests.conftest import COMPLETE_REPORTS, expected, parsed, raw_path

# The findings each report must carry: what its authors printed, nothing more.
EXPECTED_FINDINGS = {
    "2021_zhenhai_jingxinju": [],
    "2023_huaian_hongzequ": [
        ("review_litigation.total", "administrative_review", 11, 0),
        ("review_litigation.total", "litigation_after_review", 5, 0),
    ],
    # Its section 一 says 区政府办 received 17 applications; the table prints 95.
    "2024_huaian_hongzequ": [("narrative.received_differs", "new_received", 95, 17)],
    "2024_huaian_shi": [],
    # Its five 法人或其他组织 columns are left blank on every row of section 三:
    # one finding a row.
    "2023_shuyang_fagaiju": [
        ("cells.not_a_number", row, None, "")
        for row in template.application_row_keys(single_other_row=False)
    ],
    "2025_shuyang_xianzhengfu": [],
}


@pytest.mark.parametrize("stem", COMPLETE_REPORTS)
def test_identity(stem: str) -> None:
    report, want = parsed(stem), expected(stem)
    assert report.agency.name == want["agency"]
    assert report.year == want["year"]
    assert report.format == want["format"]
    assert report.synthetic is False


@pytest.mark.parametrize("stem", COMPLETE_REPORTS)
def test_proactive_cells_exact(stem: str) -> None:
    report, want = parsed(stem), expected(stem)
    got = {
        item: {column: cell["value"] for column, cell in cells.items()}
        for item, cells in report.proactive.items()
    }
    assert got == want["proactive"]


@pytest.mark.parametrize("stem", COMPLETE_REPORTS)
def test_application_cells_exact(stem: str) -> None:
    report, want = parsed(stem), expected(stem)
    got = {
        row: [cells[column]["value"] for column in template.APPLICANT_COLUMNS]
        for row, cells in report.applications.items()
    }
    assert list(got) == list(want["applications"]), "rows, in template order"
    assert got == want["applications"]
    assert sum(len(row) for row in got.values()) == 7 * len(want["applications"])


@pytest.mark.parametrize("stem", COMPLETE_REPORTS)
def test_review_cells_exact(stem: str) -> None:
    report, want = parsed(stem), expected(stem)
    got = {
        group: [cells[column]["value"] for column in template.REVIEW_COLUMNS]
        for group, cells in report.review_litigation.items()
    }
    assert got == want["review_litigation"]


@pytest.mark.parametrize("stem", COMPLETE_REPORTS)
def test_headline_figures(stem: str) -> None:
    report, want = parsed(stem), expected(stem)
    got = {key: cell["value"] for key, cell in report.headline.items()}
    assert got == {key: value for key, value in want["headline"].items() if value is not None}


@pytest.mark.parametrize("stem", COMPLETE_REPORTS)
def test_findings_are_exactly_what_was_printed(stem: str) -> None:
    report = parsed(stem)
    got = [(f.rule, f.cells[0].split(".")[1], f.expected, f.actual) for f in report.findings]
    assert got == EXPECTED_FINDINGS[stem]


def test_zhenhai_acceptance() -> None:
    report = parsed("2021_zhenhai_jingxinju")
    assert report.agency.name == "宁波市镇海区经济和信息化局"
    assert (report.year, report.format, report.agency.adcode) == (2021, "2021", "330211")
    assert report.headline["proactive_items"]["value"] == 304
    cells = [
        *(c for cells in report.proactive.values() for c in cells.values()),
        *(c for cells in report.applications.values() for c in cells.values()),
        *(c for cells in report.review_litigation.values() for c in cells.values()),
    ]
    assert len(cells) == 10 + 175 + 15
    assert all(cell["status"] == "number" and cell["at"]["line"] for cell in cells)


def test_cells_keep_raw_text_and_source_line() -> None:
    report = parsed("2021_zhenhai_jingxinju")
    # 规章 row: "　0　", "\xa00　", "0\xa0" on lines 25-27 — trimmed raw, value 0.
    regulations = report.proactive["regulations"]
    assert [c["raw"] for c in regulations.values()] == ["0", "0", "0"]
    assert [c["at"]["line"] for c in regulations.values()] == [25, 26, 27]
    shi = parsed("2024_huaian_shi")
    assert shi.applications["new_received"]["natural_person"]["at"]["line"] == 110
    assert shi.proactive["fees"]["amount_10k_yuan"]["raw"] == "96171.6"
    assert shi.review_litigation["litigation_after_review"]["total"]["at"]["line"] == 378


def test_headline_cells_point_at_the_sentence() -> None:
    shi = parsed("2024_huaian_shi")
    assert shi.headline["proactive_items"]["raw"] == "5500 余条"
    assert shi.headline["proactive_items"]["at"]["line"] == 17
    assert shi.headline["fee_yuan"]["raw"] == "3940 元"
    assert shi.headline["fee_yuan"]["at"]["line"] == 394


def test_regions_and_agency_ids() -> None:
    hongze_2023, hongze_2024 = parsed("2023_huaian_hongzequ"), parsed("2024_huaian_hongzequ")
    # Printed as 洪泽区人民政府 and 淮安市洪泽区人民政府: one agency.
    assert hongze_2023.agency.id == hongze_2024.agency.id
    assert hongze_2024.agency.model_dump() == {
        "name": "淮安市洪泽区人民政府",
        "id": hongze_2024.agency.id,
        "province": "江苏省",
        "city": "淮安市",
        "county": "洪泽区",
        "adcode": "320813",
        "level": "county",
        "kind": "government",
    }
    shi = parsed("2024_huaian_shi").agency
    assert (shi.adcode, shi.level, shi.kind, shi.county) == ("320800", "city", "government", None)
    zhenhai = parsed("2021_zhenhai_jingxinju").agency
    assert (zhenhai.level, zhenhai.kind, zhenhai.city) == ("county", "department", "宁波市")


def test_other_handling_variants() -> None:
    # 洪泽区 prints the 2019 single （六）其他处理 row; 淮安市 the three 2021 sub-rows.
    assert "other_handling" in parsed("2023_huaian_hongzequ").applications
    shi = parsed("2024_huaian_shi").applications
    assert "other_handling" not in shi
    assert all(key in shi for key in template.OTHER_SUB_ROWS)


def test_narrative_sections_verbatim() -> None:
    report = parsed("2021_zhenhai_jingxinju")
    assert report.narrative.overview.startswith("2021年，区经信局按照区政府")
    assert report.narrative.problems.startswith("（一）存在问题")
    assert report.narrative.other.endswith("切实保障人民群众的知情权、参与权、监督权和表达权。")
    assert "[bookmark" not in report.narrative.other
    hongze = parsed("2023_huaian_hongzequ")
    assert "- 5 -" not in hongze.narrative.problems  # page markers are not text
    assert hongze.narrative.other.endswith("全年收取政府信息公开信息处理费0 元。")


# Text and Markdown: a cell's line is a line of the file (a web page's cells
# are placed by table, row and column instead: tests/test_html.py).
LINE_BASED_REPORTS = [stem for stem in COMPLETE_REPORTS if raw_path(stem).suffix != ".html"]


@pytest.mark.parametrize("stem", LINE_BASED_REPORTS)
def test_every_cell_is_a_printed_figure_with_its_source_line(stem: str) -> None:
    report = parsed(stem)
    lines = raw_path(stem).read_text(encoding="utf-8").split("\n")
    tables = (report.proactive, report.applications, report.review_litigation)
    cells = [cell for table in tables for row in table.values() for cell in row.values()]
    for cell in cells:
        assert cell["status"] == "number"
        assert float(cell["raw"]) == cell["value"]
        assert cell["raw"] in lines[cell["at"]["line"] - 1]  # the line it was read from
