"""Word documents: built here with python-docx from a real report's figures,
with the merged cells real reports have, and read back exactly."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import template
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from tests.conftest import figures, parsed


def _fill(cells, texts: list[str]) -> None:
    for cell, text in zip(cells, texts, strict=True):
        cell.text = text


def _document_from(stem: str) -> bytes:
    """The report as its agency would have written it in Word: section 二 rows
    with single figures merged across three columns, group labels merged down
    their sub-rows, labels broken over two paragraphs."""
    report = parsed(stem)
    document = Document()
    document.add_paragraph(report.agency.name)
    document.add_paragraph(f"{report.year}年度政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph(report.narrative.overview)
    document.add_paragraph("二、主动公开政府信息情况")
    proactive = document.add_table(rows=0, cols=4)
    for item in template.PROACTIVE_ITEMS["2021"]:
        row = proactive.add_row().cells
        row[0].text = item.label
        figures = [cell["raw"] for cell in report.proactive[item.key].values()]
        if len(figures) == 1:
            row[1].merge(row[3]).text = figures[0]
        else:
            _fill(row[1:], figures)
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    applications = document.add_table(rows=1, cols=9)
    header = applications.rows[0].cells
    header[0].merge(header[1]).text = "申请人情况"
    _fill(
        header[2:],
        ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
    )
    group_start = None
    for key, cells in report.applications.items():
        row = applications.add_row().cells
        label = template.APPLICATION_ROW_BY_KEY[key].label
        row[1].text = label[: len(label) // 2]
        row[1].add_paragraph(label[len(label) // 2 :])
        _fill(row[2:], [cell["raw"] for cell in cells.values()])
        if key in template.GROUP_LABEL_BEFORE:
            row[0].text = template.GROUP_LABEL_BEFORE[key]
            group_start = row[0]
        elif group_start is not None and template.APPLICATION_ROW_BY_KEY[key].group in (
            "withheld", "unavailable", "declined", "other"
        ):  # fmt: skip
            group_start = group_start.merge(row[0])
        else:
            group_start = None
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    review = document.add_table(rows=2, cols=15)
    _fill(review.rows[0].cells[:5], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
    figures = [c["raw"] for group in report.review_litigation.values() for c in group.values()]
    _fill(review.rows[1].cells, figures)
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph(report.narrative.problems)
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph(report.narrative.other)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("stem", ["2024_huaian_shi", "2023_huaian_hongzequ"])
def test_word_document_reads_back_the_same_figures(stem: str) -> None:
    original = parsed(stem)
    report = extract_bytes(_document_from(stem), "report.bin")  # recognised by content
    assert report.source.media_type.endswith("wordprocessingml.document")
    assert (report.agency.name, report.year) == (original.agency.name, original.year)
    assert figures(report.proactive) == figures(original.proactive)
    assert figures(report.applications) == figures(original.applications)
    assert figures(report.review_litigation) == figures(original.review_litigation)
    assert [f.rule for f in report.findings] == [f.rule for f in original.findings]


def test_old_binary_word_file_gets_a_clear_message() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(ole, "report.doc")
    assert ".docx" in raised.value.problem


def test_damaged_word_file_gets_a_clear_message() -> None:
    data = _document_from("2024_huaian_shi")
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data[: len(data) // 2], "cut.docx")
    assert "Word 文件已损坏" in raised.value.problem


def test_zip_bomb_renamed_docx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (250 * 1024 * 1024))
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(buffer.getvalue(), "bomb.docx")
    assert "过大" in raised.value.problem


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_damaged_word_documents_are_read_or_refused_cleanly(data: st.DataObject) -> None:
    document = bytearray(_cached_document())
    for _ in range(data.draw(st.integers(1, 20), label="damage")):
        position = data.draw(st.integers(0, len(document) - 1), label="position")
        document[position] = data.draw(st.integers(0, 255), label="byte")
    try:
        report = extract_bytes(bytes(document), "damaged.docx")
    except ExtractionError as error:
        assert error.problem and str(error).startswith("damaged.docx: ")
    else:
        assert report.source.media_type.endswith("wordprocessingml.document")


@cache
def _cached_document() -> bytes:
    return _document_from("2024_huaian_shi")


def test_word_cells_say_table_row_and_column() -> None:
    report = extract_bytes(_document_from("2024_huaian_shi"), "report.docx")
    at = report.applications["granted"]["natural_person"]["at"]
    # Table 2 (section 三): header row, 一, 二, then （一）予以公开; 自然人 is the third column.
    assert (at["table"], at["row"], at["col"]) == (2, 4, 3)
    assert "page" not in at
