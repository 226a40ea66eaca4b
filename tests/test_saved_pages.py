"""A web page in the other forms offices receive it in — saved as one file
(.mht, GBK or UTF-8, quoted-printable or base64), copied out of the CMS as a
fragment, or as the portal's JSON reply — reads as the page itself: the real
沭阳 page and the built pages of tests/documents.py, every figure, headline
figure and finding, and every figure's place."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import duckdb
import pytest

from etl.db.inputs import read_input
from etl.db.load import load
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.model import Report
from etl.readers.html import HTML_MEDIA_TYPE
from etl.readers.mht import MHT_MEDIA_TYPE
from etl.readers.portal_json import PORTAL_JSON_MEDIA_TYPE
from etl.saved_pages import page_body, portal_reply, saved_forms, single_file_page
from tests.conftest import RAW, figures, parsed
from tests.documents import page_from

SHUYANG = RAW / "2023_shuyang_fagaiju.html"
BUILT_STEMS = ("2024_huaian_shi", "2023_huaian_hongzequ", "2021_zhenhai_jingxinju")
TABLES = ("proactive", "applications", "review_litigation")
MEDIA_TYPES = {
    "片段": HTML_MEDIA_TYPE,
    "mht GBK": MHT_MEDIA_TYPE,
    "mht UTF-8": MHT_MEDIA_TYPE,
    "JSON": PORTAL_JSON_MEDIA_TYPE,
}


@cache
def _page(source: str) -> str:
    if source == "shuyang":
        return SHUYANG.read_text(encoding="utf-8")
    return page_from(source).decode("utf-8")


def _read(data: bytes) -> Report:
    return extract_bytes(data, "saved")  # no extension: recognised by content


def _places(report: Report) -> dict[str, tuple[int, int, int]]:
    """Each figure's table (counted from the report's first), row and column."""
    cells = {
        f"{table}.{row}.{column}": cell["at"]
        for table in TABLES
        for row, row_cells in getattr(report, table).items()
        for column, cell in row_cells.items()
    }
    first = min(at["table"] for at in cells.values())
    return {path: (at["table"] - first, at["row"], at["col"]) for path, at in cells.items()}


def assert_reads_as(report: Report, page: Report) -> None:
    assert report.agency == page.agency
    assert (report.year, report.format, report.scope) == (page.year, page.format, page.scope)
    for table in TABLES:
        assert figures(getattr(report, table)) == figures(getattr(page, table)), table
    assert {k: c["value"] for k, c in report.headline.items()} == {
        k: c["value"] for k, c in page.headline.items()
    }
    assert [(f.rule, f.cells, f.expected, f.actual) for f in report.findings] == [
        (f.rule, f.cells, f.expected, f.actual) for f in page.findings
    ]
    assert report.narrative == page.narrative
    assert _places(report) == _places(page)


@pytest.mark.parametrize("form", MEDIA_TYPES)
@pytest.mark.parametrize("source", ["shuyang", *BUILT_STEMS])
def test_every_saved_form_reads_as_the_page(source: str, form: str) -> None:
    page = _page(source)
    report = _read(saved_forms(page)[form])
    assert report.source.media_type == MEDIA_TYPES[form]
    assert_reads_as(report, _read(page.encode("utf-8")))


@pytest.mark.parametrize("charset", ["gbk", "utf-8"])
@pytest.mark.parametrize("transfer_encoding", ["quoted-printable", "base64"])
def test_a_single_file_page_is_the_page_to_the_line(charset: str, transfer_encoding: str) -> None:
    """The page part is the page: every cell at the same line, table, row and column."""
    page = _page("shuyang")  # declares <meta charset="utf-8">: the part's header wins
    report = _read(single_file_page(page, charset, transfer_encoding))
    original = _read(page.encode("utf-8"))
    assert report.model_dump(exclude={"source"}) == original.model_dump(exclude={"source"})


def test_a_single_file_page_without_a_charset_is_decoded_from_its_bytes() -> None:
    saved = single_file_page(_page("shuyang"), "gbk", "base64")
    undeclared = saved.replace(b'text/html; charset="gbk"', b"text/html")
    assert undeclared != saved
    assert figures(_read(undeclared).applications) == figures(parsed(SHUYANG.stem).applications)


# --- The CMS's stored body: the report without the portal around it -------------


def _stored_body() -> tuple[str, str]:
    """The 沭阳 page's article as its CMS stores it: the title and the body."""
    page = _page("shuyang")
    title = re.search(r"<ucaptitle>(.*?)</ucaptitle>", page, re.DOTALL)
    body = re.search(r"<ucapcontent>(.*?)</ucapcontent>", page, re.DOTALL)
    assert title and body
    return title.group(1), body.group(1)


def test_a_fragment_whose_first_table_is_far_down_is_a_page() -> None:
    title, body = _stored_body()
    fragment = f'<h1 class="article-title">{title}</h1>\n{body}'
    assert fragment.startswith("<h1") and fragment.index("<table") > 4096
    report = _read(fragment.encode("utf-8"))
    assert report.source.media_type == HTML_MEDIA_TYPE
    assert_reads_as(report, parsed(SHUYANG.stem))


def test_a_portal_reply_lays_out_its_title_first_when_the_body_has_none() -> None:
    title, body = _stored_body()
    reply = portal_reply(title, body)
    report = _read(reply)
    assert report.source.media_type == PORTAL_JSON_MEDIA_TYPE
    assert_reads_as(report, parsed(SHUYANG.stem))
    assert report.agency.name == "沭阳县发展和改革局"
    # The same reply with every < escaped, as Gson writes JSON.
    escaped = reply.decode("utf-8").replace("<", "\\u003c").encode("utf-8")
    assert b"<" not in escaped
    assert _read(escaped).model_dump(exclude={"source"}) == report.model_dump(exclude={"source"})


@pytest.mark.parametrize("stem", BUILT_STEMS)
def test_a_built_page_body_without_its_title_reads_from_the_reply(stem: str) -> None:
    page = _page(stem)
    report = parsed(stem)
    heading = f"{report.year}年度政府信息公开工作年度报告"
    body = page_body(page).replace(f"<p>{report.agency.name}</p>", "")
    body = body.replace(f"<p>{heading}</p>", "")
    assert heading not in body
    with pytest.raises(ExtractionError):  # the body alone names no report
        _read(body.encode("utf-8"))
    assert_reads_as(_read(portal_reply(report.agency.name + heading, body)), _read(page.encode()))


# --- What is not a saved page, and what is damaged ----------------------------------


def test_canonical_report_json_is_no_portal_reply(tmp_path: Path) -> None:
    canonical = parsed(SHUYANG.stem).to_json().encode("utf-8")
    with pytest.raises(ExtractionError) as error:
        extract_bytes(canonical, "report.json")
    assert "不是政府信息公开工作年度报告" in error.value.problem


def test_load_reads_a_portal_reply_json_as_a_raw_report(tmp_path: Path) -> None:
    title, body = _stored_body()
    reply = tmp_path / "reply.json"
    reply.write_bytes(portal_reply(title, body))
    stored = read_input(reply)
    assert not hasattr(stored, "reason"), stored
    assert stored.report.source.media_type == PORTAL_JSON_MEDIA_TYPE
    assert figures(stored.report.applications) == figures(parsed(SHUYANG.stem).applications)
    # A bad canonical JSON keeps its message.
    bad = json.loads(parsed(SHUYANG.stem).to_json())
    bad["year"] = "二〇二三"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    reject = read_input(broken)
    assert reject.reason.startswith("不是有效的报告 JSON：year：")


def test_a_folder_of_saved_pages_loads_each_by_its_content(tmp_path: Path) -> None:
    """.mht and .mhtml found in a folder; a .json that is a portal's reply read as
    a raw report beside canonical report JSON."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "fagaiju.mht").write_bytes(single_file_page(_page("shuyang"), "gbk", "base64"))
    huaian = parsed("2024_huaian_shi")
    page = _page("2024_huaian_shi")
    (folder / "huaian.json").write_bytes(portal_reply(huaian.agency.name, page_body(page)))
    (folder / "zhenhai.json").write_text(parsed("2021_zhenhai_jingxinju").to_json(), "utf-8")
    hongze = single_file_page(_page("2023_huaian_hongzequ"), "utf-8", "quoted-printable")
    (folder / "hongze.mhtml").write_bytes(hongze)
    db = tmp_path / "x.duckdb"
    summary = load([folder], db)
    assert (summary.loaded, summary.rejects) == (4, [])
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT source_file, media_type FROM reports").fetchall()
    assert sorted(rows) == [
        ("2021_zhenhai_jingxinju.txt", "text/plain"),  # canonical JSON, as it was parsed
        ("fagaiju.mht", MHT_MEDIA_TYPE),
        ("hongze.mhtml", MHT_MEDIA_TYPE),
        ("huaian.json", PORTAL_JSON_MEDIA_TYPE),
    ]


def test_a_single_file_page_without_a_page_part_is_refused() -> None:
    saved = single_file_page(_page("shuyang"), "utf-8", "base64")
    without = saved.replace(b"Content-Type: text/html", b"Content-Type: text/plain")
    with pytest.raises(ExtractionError) as error:
        _read(without)
    assert error.value.problem == "单一文件网页（.mht）中没有网页部分（text/html）"


def test_a_single_file_page_with_damaged_base64_is_refused() -> None:
    saved = single_file_page(_page("shuyang"), "utf-8", "base64")
    end = saved.index(b"\r\n\r\n--", saved.index(b"Content-Type: text/html"))
    damaged = saved[: end - 1] + saved[end:]  # cut by a letter: the last group is short
    with pytest.raises(ExtractionError) as error:
        _read(damaged)
    assert error.value.problem.startswith("单一文件网页（.mht）的网页部分已损坏（base64 编码有误")
