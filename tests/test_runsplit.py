"""The run splitter: unique answers only."""

from __future__ import annotations

from etl.runsplit import unique_split
from etl.tables import review_groups_check, row_total_check


def test_row_total_makes_the_split_unique() -> None:
    assert unique_split(["640020470"], 7, row_total_check) == [
        ["64", "0", "0", "2", "0", "4", "70"]
    ]


def test_ambiguous_runs_give_no_answer() -> None:
    # 22,0,0,0,0,0,22 and 2,20,0,0,0,0,22 both add up.
    assert unique_split(["220000022"], 7, row_total_check) is None
    assert unique_split(["693665"], 3, None) is None


def test_zeros_split_only_one_way() -> None:
    assert unique_split(["000"], 3, None) == [["0", "0", "0"]]


def test_spaces_are_boundaries() -> None:
    assert unique_split(["500000", "5"], 7, row_total_check) == [
        ["5", "0", "0", "0", "0", "0"],
        ["5"],
    ]


def test_impossible_counts() -> None:
    assert unique_split(["12"], 3, None) is None
    assert unique_split(["1", "2", "3"], 2, None) is None


def test_review_row_split_by_group_totals() -> None:
    split = unique_split(["10203120001200000"], 15, review_groups_check)
    assert split == [["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]]


def test_huge_runs_stop_without_an_answer() -> None:
    assert unique_split(["1" * 80], 15, review_groups_check) is None
