"""Web pages: tables read as tables, through the same row recognition as text;
cells placed in the table's grid; the page's charset declared or not."""

from __future__ import annotations

import pytest

from etl import template
from etl.decode import decode, decode_text
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.readers.html import html_to_text
from tests.conftest import RAW, expected, figures, parsed
from tests.documents import page_from


def test_portal_page_every_cell_exact() -> None:
    """沭阳县发改局 2023: a saved portal page, navigation chrome and all."""
    data = (RAW / "2023_shuyang_fagaiju.html").read_bytes()
    report = extract_bytes(data, "2023_shuyang_fagaiju.html")
    want = expected("2023_shuyang_fagaiju")
    assert (report.agency.name, report.year, report.format) == ("沭阳县发展和改革局", 2023, "2021")
    assert (report.agency.adcode, report.source.media_type) == ("321322", "text/html")
    proactive = {
        k: {c: v["value"] for c, v in cells.items()} for k, cells in report.proactive.items()
    }
    assert proactive == want["proactive"]
    assert figures(report.applications) == want["applications"]
    review = figures(report.review_litigation)
    assert review == want["review_litigation"]
    # The page leaves the five 法人或其他组织 columns empty: blank cells, flagged a row at a time.
    assert {f.rule for f in report.findings} == {"cells.not_a_number"}
    legal_persons = template.APPLICANT_COLUMNS[1:6]
    assert [f.cells for f in report.findings] == [
        [f"applications.{row}.{column}" for column in legal_persons]
        for row in template.application_row_keys(single_other_row=False)
    ]
    assert report.findings[0].message == (
        "「一、本年新收政府信息公开申请数量」一行的商业企业、科研机构、社会公益组织、"
        "法律服务机构、其他 5 格留空，不是数字；汇总时按 0 计。"
    )
    assert report.narrative.other.startswith("2023年度，县发展和改革局政府信息公开未发生收费情况")


def test_portal_page_cells_are_in_the_columns_they_are_printed_in() -> None:
    """The page's section 三 has three label columns merged in every row (the
    caption over three rows, 三、本年度办理结果 down 23, （三）不予公开 down 8
    …): every figure is in grid column 4 to 10, whatever the row's merged cells."""
    data = (RAW / "2023_shuyang_fagaiju.html").read_bytes()
    report = extract_bytes(data, "2023_shuyang_fagaiju.html")
    for key, row in report.applications.items():
        assert [cell["at"]["col"] for cell in row.values()] == list(range(4, 11)), key
    at = report.applications["new_received"]["total"]["at"]
    assert at["row"] == 4  # under three header rows
    fees = report.proactive["fees"]["amount_10k_yuan"]["at"]
    assert (fees["col"], fees["table"]) == (2, at["table"] - 1)  # 二's table precedes 三's
    groups = report.review_litigation.values()
    assert [cell["at"]["col"] for group in groups for cell in group.values()] == list(range(1, 16))


def _laid_out(page: str) -> list[tuple[str, int]]:
    """Each table cell of a page: its text and grid column."""
    laid_out = html_to_text(page, "page.html")
    lines = laid_out.text.split("\n")
    return [
        (lines[number - 1].strip(), place["col"])
        for number, place in sorted(laid_out.locations.items())
        if "col" in place
    ]


def test_rowspan_and_colspan_place_cells_in_the_grid() -> None:
    page = (
        "<table>"
        '<tr><td rowspan="2" colspan="2">a</td><td>b</td><td rowspan="3">c</td><td>d</td>'
        "<tr><td>e<td>f"  # end tags left out, as HTML allows
        "<tr><td>g</td><td>h</td><td>i</td><td>j</td></tr>"
        "</table>"
    )
    assert _laid_out(page) == [
        ("a", 1), ("b", 3), ("c", 4), ("d", 5),
        ("e", 3), ("f", 5),  # 1–2 under a, 4 under c
        ("g", 1), ("h", 2), ("i", 3), ("j", 5),  # 4 still under c
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("attributes", "column_after"),
    [
        ('rowspan="0"', 2),  # to the end of the row group
        ('rowspan="2;"', 2),  # leading digits, as browsers read them
        ('rowspan="x"', 1),  # unreadable: 1
        ('colspan="0" rowspan="2"', 2),  # colspan 0 is 1
    ],
)
def test_spans_are_read_as_browsers_read_them(attributes: str, column_after: int) -> None:
    page = f"<table><tr><td {attributes}>a</td></tr><tr><td>b</td></tr></table>"
    assert _laid_out(page) == [("a", 1), ("b", column_after)]


def test_a_colspan_covers_at_most_1000_columns() -> None:
    page = '<table><tr><td colspan="99999999">a</td><td>b</td></tr></table>'
    assert _laid_out(page) == [("a", 1), ("b", 1001)]


def test_page_cut_off_mid_table_keeps_its_cells() -> None:
    page = page_from("2024_huaian_shi").decode()
    cut = page[: page.index("&nbsp;1362&nbsp;") + len("&nbsp;1362")]  # after （一）予以公开's total
    report = extract_bytes(cut.encode(), "cut.html")
    assert report.applications["granted"]["total"]["value"] == 1362
    assert "partially_granted" not in report.applications


def test_no_rowspan_reaches_past_its_row_group() -> None:
    page = (
        '<table><thead><tr><td rowspan="5">a</td><td>b</td></tr></thead>'
        "<tbody><tr><td>c</td><td>d</td></tr></tbody></table>"
    )
    assert _laid_out(page) == [("a", 1), ("b", 2), ("c", 1), ("d", 2)]


def test_nbsp_only_cell_is_blank() -> None:
    """A cell holding only &nbsp; (as portals print an empty cell) is a blank cell."""
    original = parsed("2024_huaian_shi")
    page = page_from("2024_huaian_shi").decode()
    assert page.count("&nbsp;3001&nbsp;") == 1  # 一、本年新收 · 自然人
    report = extract_bytes(page.replace("&nbsp;3001&nbsp;", "&nbsp;").encode(), "page.html")
    cell = report.applications["new_received"]["natural_person"]
    assert (cell["status"], cell["raw"], cell["value"]) == ("blank", "", None)
    assert cell["at"]["col"] == 4
    rest = {k: v for k, v in figures(report.applications).items() if k != "new_received"}
    assert rest == {k: v for k, v in figures(original.applications).items() if k != "new_received"}


def test_scripts_navigation_and_layout_tables_are_not_cells() -> None:
    text = html_to_text(page_from("2024_huaian_shi").decode(), "page.html").text
    assert "var menu" not in text
    lines = text.split("\n")
    assert "\t首页" in lines  # a navigation cell: harmless, outside every section
    # The layout table around the report is no cell: its text is read as lines.
    assert "二、主动公开政府信息情况" in lines
    assert "\t二、主动公开政府信息情况" not in lines


# --- Charsets -----------------------------------------------------------------

_UTF8_META = '<meta charset="utf-8">'


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="gb2312">',
        '<meta charset="GBK">',
        "<meta charset=gb18030>",
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        _UTF8_META,  # wrong: the bytes are GBK
        "",  # none
    ],
)
def test_gbk_page_reads_whatever_it_declares(declaration: str) -> None:
    page = page_from("2024_huaian_shi").decode().replace(_UTF8_META, declaration)
    report = extract_bytes(page.encode("gbk"), "gbk.html")
    original = extract_bytes(page_from("2024_huaian_shi"), "utf8.html")
    assert report.agency == original.agency
    for table in ("proactive", "applications", "review_litigation"):
        assert getattr(report, table) == getattr(original, table)
    assert report.narrative == original.narrative


def test_utf8_page_with_a_stale_gb2312_declaration_reads_as_utf8() -> None:
    """A page saved from a GB2312 portal in UTF-8 often keeps the old declaration:
    bytes that are UTF-8 throughout are UTF-8."""
    page = page_from("2024_huaian_shi").decode()
    declaration = '<meta http-equiv="content-type" content="text/html;charset=GB2312">'
    stale = page.replace(_UTF8_META, declaration)
    assert decode_text(stale.encode(), "stale.html") == stale


def test_a_page_decoded_unchanged_is_parsed_from_its_own_bytes() -> None:
    """UTF-8 bytes the decoding leaves as they are go to the parser as they
    are; bytes it changes (line ends, invisible spacing) or that are no UTF-8
    are parsed from the text, encoded again. Either way the page reads the same."""
    name = "2023_shuyang_fagaiju.html"
    data = (RAW / name).read_bytes()
    decoded = decode(data, name)
    assert decoded.utf8 is data
    assert html_to_text(decoded.text, name, decoded.utf8) == html_to_text(decoded.text, name)
    text = decoded.text
    for changed in (data.replace(b"\n", b"\r\n"), data + "\u200b".encode(), text.encode("gbk")):
        assert decode(changed, name).utf8 is None


def test_declared_big5_page_is_decoded_as_big5() -> None:
    page = '<html><head><meta charset="big5"><title>政府資訊公開年度報告</title></head></html>'
    assert decode_text(page.encode("big5"), "big5.html") == page
    # The same bytes undeclared are no UTF-8 and read as GB18030: not the page.
    undeclared = page.replace('<meta charset="big5">', "")
    assert decode_text(undeclared.encode("big5"), "big5.html") != undeclared


# --- Malformed pages, read as browsers read them --------------------------------


def test_text_between_cells_is_read_before_the_table_as_browsers_do() -> None:
    page = "<table><tr><td>a</td>stray<td>b</td></tr></table>"
    laid_out = html_to_text(page, "page.html")
    assert laid_out.text.split("\n") == ["stray", "", "\ta", "\tb", ""]
    assert _laid_out(page) == [("a", 1), ("b", 2)]


def test_a_stray_end_tag_and_rows_outside_tbody_are_read_as_browsers_do() -> None:
    # </td></td>: the second closes nothing; a <tr> after </thead> is in a
    # <tbody> of its own, so the thead's rowspan does not reach it.
    page = (
        '<table><thead><tr><td rowspan="3">a</td></td><td>b</td></tr></thead><tr><td>c<td>d</table>'
    )
    assert _laid_out(page) == [("a", 1), ("b", 2), ("c", 1), ("d", 2)]


def test_a_table_inside_a_paragraph_ends_the_paragraph() -> None:
    laid_out = html_to_text("<p>一、总体情况<table><tr><td>1<td>2</table>后文", "page.html")
    assert laid_out.text.split("\n") == ["一、总体情况", "", "\t1", "\t2", "", "后文"]


# --- Pages that would cost the parser unbounded memory or time -----------------

_TOO_DEEP = "网页的标签嵌套超过 1000 层，不像年度报告，已拒绝读取"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        # 3,000 different <b> left open, reopened in each of 3,000 blocks: 9
        # million elements (3 GB) from 65 KB.
        (
            "<div>" + "".join(f"<b a={i}>" for i in range(3000)) + "</div>" + "<div>x</div>" * 3000,
            "网页有 3,000 个不同的格式标签（<b>、<font> 等）同时未闭合，不像年度报告，已拒绝读取",
        ),
        ("<div>" * 100_000, _TOO_DEEP),
        ("<span>" * 50_000 + "</i>" * 50_000, _TOO_DEEP),
        # </span> cannot close a <span> past a <div>: nesting grows.
        ("<span><div></span>" * 30_000, _TOO_DEEP),
        (
            "<b>" * 1_000_001,
            "网页有 1,000,001 个标签，超过 1,000,000 个的上限，不像年度报告，已拒绝读取",
        ),
    ],
    ids=["reopened-formatting", "nested-divs", "unmatched-end-tags", "blocked-end-tags", "tags"],
)
def test_a_page_that_would_exhaust_the_parser_is_refused(body: str, problem: str) -> None:
    with pytest.raises(ExtractionError) as error:
        html_to_text(body, "hostile.html")
    assert (error.value.file, error.value.problem) == ("hostile.html", problem)


def test_deep_layout_and_unclosed_paragraphs_are_read() -> None:
    """What real pages do — tables in cells in tables, thousands of <p> never
    closed, <font size=2> left open in every cell — passes the limits."""
    html_to_text("<table><tr><td>" * 300, "deep.html")
    html_to_text("<p>x" * 100_000, "paragraphs.html")
    html_to_text("<table>" + "<tr><td><font size=2>1" * 20_000 + "</table>", "fonts.html")
    # Thousands of formatting tags, each closed: only the exact count says so.
    html_to_text("<b>x</b>" * 30_000, "closed.html")
    # Deep, with a few closed <b>: the quick bound (70 open) would make it too deep.
    html_to_text("<div>" * 950 + "<b>x</b>" * 70 + "<br>" * 25_000, "deep-bold.html")
