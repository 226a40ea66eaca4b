"""Reports whose tables came out of their conversion damaged — flattened web
pages whose table cells ran together (平潭), Markdown whose rows came out of
step with their labels (上海): every row is read exactly where that can be
done with certainty, and named in a finding where it cannot. A figure is never
guessed."""

from __future__ import annotations

import pytest

from etl import template
from tests.conftest import PARTIAL_MARKDOWN_REPORTS, PARTIAL_TEXT_REPORTS, figures, parsed

UNREADABLE_ROWS = {
    "2019_fujian_pingtan": {
        "proactive.regulations",
        "proactive.normative_documents",
        "proactive.licensing",
        "proactive.other_services",
        "proactive.penalty",
        "proactive.coercion",
        "proactive.fees",
        "proactive.procurement",
    },
    "2021_fujian_pingtan": {
        "proactive.regulations",
        "proactive.normative_documents",
        "applications.granted",
        "applications.unavailable_not_held",
    },
    "2023_fujian_pingtan": {
        "proactive.regulations",
        "proactive.normative_documents",
        "applications.granted",
        "applications.partially_granted",
    },
    "2024_fujian_pingtan": {"proactive.regulations", "proactive.normative_documents"},
    # Rows whose figures stand in a table cut off from its labels, or with a
    # caption among them: named, not read.
    "2024_shanghai_kewei": {
        "proactive.fees",
        *(
            f"applications.{row}"
            for row in (
                "partially_granted",
                "withheld_prohibited_by_law",
                "withheld_internal_affairs",
                "unavailable_not_held",
                "unavailable_needs_creation",
                "unavailable_unclear",
                "declined_excessive",
                "declined_confirmation",
                "other_no_correction",
                "other_fee_unpaid",
                "carried_forward",
            )
        ),
        "review_litigation.administrative_review",
    },
    "2025_shanghai_bgt": {
        "proactive.regulations",
        "proactive.normative_documents",
        "applications.partially_granted",
        "applications.declined_confirmation",
        "applications.other_no_correction",
        "review_litigation.administrative_review",
    },
}


def _row_of(path: str) -> str:
    return path.rsplit(".", 1)[0]


@pytest.mark.parametrize("stem", PARTIAL_TEXT_REPORTS + PARTIAL_MARKDOWN_REPORTS)
def test_every_row_is_read_or_named(stem: str) -> None:
    report = parsed(stem)
    unreadable = {
        _row_of(f.cells[0])
        for f in report.findings
        if f.rule in {"extract.row_unreadable", "extract.row_missing"}
    }
    assert unreadable == UNREADABLE_ROWS[stem]
    single_other = "other_handling" in report.applications
    for key in template.application_row_keys(single_other):
        path = f"applications.{key}"
        assert (key in report.applications) != (path in unreadable), path
    for item in template.PROACTIVE_ITEMS[report.format]:
        path = f"proactive.{item.key}"
        assert (item.key in report.proactive) != (path in unreadable), path


@pytest.mark.parametrize("stem", PARTIAL_TEXT_REPORTS)
def test_split_rows_are_flagged_and_keep_their_digits(stem: str) -> None:
    report = parsed(stem)
    split = [f for f in report.findings if f.rule == "extract.split_by_total"]
    assert split and all(f.severity == "warning" for f in split)
    for finding in split:
        section, row = finding.cells[0].split(".")[:2]
        # Only rows with an identity are split: section 三's row totals, section 四's groups.
        assert section in ("applications", "review_litigation")
        if section == "applications":
            cells = list(report.applications[row].values())
        else:
            cells = [c for group in report.review_litigation.values() for c in group.values()]
        assert all(cell["raw"].isdigit() and cell["status"] == "number" for cell in cells)
        assert "、".join(cell["raw"] for cell in cells) in finding.message


def test_pingtan_2021_figures() -> None:
    report = parsed("2021_fujian_pingtan")
    values = figures(report.applications)
    # 640020470 can only be 64+0+0+2+0+4 = 70 under a row total.
    assert values["new_received"] == [64, 0, 0, 2, 0, 4, 70]
    assert values["total_processed"] == [63, 0, 0, 2, 0, 4, 69]
    assert values["carried_forward"] == [1, 0, 0, 0, 0, 0, 1]
    # 500000 5: the space is a cell boundary the split must respect.
    assert values["partially_granted"] == [5, 0, 0, 0, 0, 0, 5]
    assert figures(report.review_litigation) == {
        "administrative_review": [1, 0, 2, 0, 3],
        "litigation_direct": [12, 0, 0, 0, 12],
        "litigation_after_review": [0, 0, 0, 0, 0],
    }
    # Single-cell rows need no split. 规章 000 has no total to justify 0, 0, 0:
    # a vanished blank cell would read the same.
    assert report.proactive["licensing"]["decisions"]["value"] == 2293
    assert report.proactive["fees"]["amount_10k_yuan"]["raw"] == "24252.311082"
    regulations = next(f for f in report.findings if f.cells[0].startswith("proactive.regulations"))
    assert "没有合计关系" in regulations.message
    granted = next(
        f for f in report.findings if f.cells[0] == "applications.granted.natural_person"
    )
    assert "270020130" in granted.message and "不能唯一拆分" in granted.message


def test_pingtan_2019_is_read_with_the_2019_template() -> None:
    report = parsed("2019_fujian_pingtan")
    assert report.format == "2019"
    assert "other_handling" in report.applications
    assert report.applications["new_received"]["total"]["value"] == 23
    regulations = next(f for f in report.findings if f.cells[0].startswith("proactive.regulations"))
    assert regulations.cells == [
        "proactive.regulations.new_made",
        "proactive.regulations.new_published",
        "proactive.regulations.total_published",
    ]


def test_pingtan_2024_review_split_by_group_totals() -> None:
    report = parsed("2024_fujian_pingtan")
    assert figures(report.review_litigation) == {
        "administrative_review": [2, 1, 3, 1, 7],
        "litigation_direct": [0, 0, 0, 0, 0],
        "litigation_after_review": [13, 2, 4, 0, 19],
    }
    assert report.applications["new_received"]["natural_person"]["value"] == 217
