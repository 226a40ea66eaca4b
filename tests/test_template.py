"""The template tables themselves: anchors that find one row and no other."""

from __future__ import annotations

from etl import template
from etl.labels import MIN_UNNUMBERED_CHARS, NUMBERING


def test_every_anchor_found_without_its_number_names_one_row_only() -> None:
    labels = [row.label for row in template.APPLICATION_ROWS]
    labels += [*template.GROUP_LABEL_BEFORE.values(), *template.APPLICATION_LAYOUT_LABELS]
    for row in template.APPLICATION_ROWS:
        numbering = NUMBERING.match(row.anchor)
        rest = row.anchor[numbering.end() :] if numbering else row.anchor
        if numbering and len(rest) < MIN_UNNUMBERED_CHARS:
            continue  # needs its number: 3.其他, （七）总计
        elsewhere = [label for label in labels if label != row.label and rest in label]
        assert elsewhere == [], f"{row.key}: {rest!r} also stands in {elsewhere}"


def test_cell_counts() -> None:
    assert template.cell_count("proactive", "2021") == 10
    assert template.cell_count("proactive", "2019") == 22
    assert template.cell_count("applications", "2021") == 175
    assert template.cell_count("applications", "2019") == 161
    assert template.cell_count("review_litigation", "2021") == 15
