"""The dashboard in a real browser: Debian's Chromium driven by Playwright
against ``streamlit run`` on a free port. Every page is opened and
screenshotted to artifacts/ (not committed) for a person to look at."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlencode, urlparse

import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from app.show import OPENS_PROFILE_NOTE
from app.urlstate import URL_KEYS
from tests.browser import (
    ARTIFACTS,
    PAGE_TITLES,
    main_chart,
    new_page,
    open_page,
    screenshot,
    streamlit_server,
    wait_until_idle,
)
from tests.conftest import RAW, cell_sum, database_with_narrative
from tests.test_hostile_links import NOTE_LIMIT, hostile_values
from tests.test_page_compare import agency_figures, peer_expectation
from tests.test_page_review import year_range

# How long an expectation waits: pages render in a second or two, but CI and
# shared machines can be slower by far; a missing element still fails.
expect.set_options(timeout=30_000)
ZHENHAI = "330211-经济和信息化局"
HOSTILE_TEXT = (
    "<script>window.__xss = 1; alert('xss')</script> **不是粗体** [不是链接](http://example.com)"
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled reports, with 镇海区经信局's section 六 text made hostile."""
    folder = tmp_path_factory.mktemp("browser-reports")
    return database_with_narrative(folder, "2021_zhenhai_jingxinju", "other", HOSTILE_TEXT)


@pytest.fixture(scope="module")
def app_url(database: Path) -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(database, ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser)
    yield page
    page.close()


def _open(page: Page, url: str) -> None:
    open_page(page, url)


def test_a_deep_link_is_the_first_visit_of_a_fresh_server(database: Path, browser: Browser) -> None:
    """No page was opened before: the link must still run the entry script
    (sidebar and all), not the page file alone."""
    with streamlit_server(database) as url:
        page = new_page(browser)
        _open(page, f"{url}/review?from=2024")
        expect(page.get_by_role("heading", name="复议诉讼", exact=True)).to_be_visible()
        expect(_sidebar(page).get_by_role("combobox", name="起始年度")).to_have_value("2024")
        page.close()


def _sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


# Deep links that give each page something to draw from the bundled reports.
PAGE_LINKS = {
    "overview": "",
    "proactive": "",
    "applications": "",
    "review": "",
    "compare": "?cmp_agency=320813-人民政府&cmp_agency=320800-人民政府",
    "profile": "?prof_agency=320813-人民政府&prof_year=2023",
    "quality": "",
    "definitions": "",
}


@pytest.mark.parametrize("path", list(PAGE_LINKS))
def test_each_page_shows_its_main_chart(page: Page, app_url: str, path: str) -> None:
    # The default page lives at /, where Streamlit's own links point.
    _open(page, f"{app_url}/{'' if path == 'overview' else path}{PAGE_LINKS[path]}")
    expect(page.get_by_role("heading", name=PAGE_TITLES[path], exact=True)).to_be_visible()
    if path == "definitions":
        expect(page.get_by_test_id("stTable").first).to_be_visible()
    else:
        expect(main_chart(page)).to_be_visible()
    screenshot(page, ARTIFACTS / f"page-{path}.png")


def test_a_deep_link_restores_its_filters(page: Page, app_url: str) -> None:
    _open(page, f"{app_url}/?from=2023&province=江苏省&city=淮安市&level=county")
    sidebar = _sidebar(page)
    expect(sidebar.get_by_role("combobox", name="省份")).to_have_value("江苏省")
    expect(sidebar.get_by_role("combobox", name="市", exact=True)).to_have_value("淮安市")
    expect(sidebar.get_by_test_id("stMultiSelect").filter(has_text="县级")).to_have_count(1)
    metric = page.get_by_test_id("stMetric").filter(has_text="本年新收申请")
    expect(metric).to_contain_text("95")  # 洪泽区 2024, the only county-level report
    # Another page keeps the filters, in the view and in its URL.
    _sidebar(page).get_by_role("link", name="指标说明").click()
    expect(page.get_by_role("heading", name="指标说明", exact=True)).to_be_visible()
    wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"/definitions\?"))
    query = parse_qs(urlparse(page.url).query)
    assert query == {"from": ["2023"], "province": ["江苏省"], "city": ["淮安市"],
                     "level": ["county"]}  # fmt: skip
    screenshot(page, ARTIFACTS / "deep-link.png")


def test_a_pages_own_choices_survive_other_pages_and_a_copied_link(
    page: Page, app_url: str, browser: Browser
) -> None:
    """机关对比's agencies and measure, chosen on the page, are there again after a
    visit to 总览 by the menu, and in the URL, so a copied link reopens them."""
    _open(page, f"{app_url}/compare{PAGE_LINKS['compare']}")
    measure = page.get_by_role("combobox", name="指标", exact=True)
    measure.click()
    page.keyboard.type("行政复议纠错率")  # the list is long: only what is near shows
    page.get_by_role("option", name="行政复议纠错率", exact=True).click()
    wait_until_idle(page)
    _sidebar(page).get_by_role("link", name="总览").click()
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    wait_until_idle(page)
    _sidebar(page).get_by_role("link", name="机关对比").click()
    expect(page.get_by_role("heading", name="机关对比", exact=True)).to_be_visible()
    wait_until_idle(page)
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="对比的机关")
    for name in ("淮安市洪泽区人民政府", "淮安市人民政府"):
        expect(chosen).to_contain_text(name)
    expect(page.get_by_role("combobox", name="指标", exact=True)).to_have_value("行政复议纠错率")
    query = parse_qs(urlparse(page.url).query)
    assert query["cmp_agency"] == ["320813-人民政府", "320800-人民政府"]
    assert query["cmp_measure"] == ["review_correction_rate"]
    copied = new_page(browser)
    _open(copied, page.url)
    expect(copied.get_by_role("combobox", name="指标", exact=True)).to_have_value("行政复议纠错率")
    expect(copied.get_by_test_id("stMultiSelect").filter(has_text="对比的机关")).to_contain_text(
        "淮安市洪泽区人民政府"
    )
    copied.close()


def test_a_rate_ranking_lists_agencies_with_few_cases_apart(page: Page, app_url: str) -> None:
    """复议诉讼 with a minimum of 20 decided reviews: 淮安市 (64 of 314) ranked,
    洪泽区 (2 of 13) listed apart with its cases, the minimum in the box."""
    _open(page, f"{app_url}/review?rev_min=20")
    expect(page.get_by_role("spinbutton", name="最少案件数")).to_have_value("20")
    expect(page.get_by_text("另有 1 个机关不足 20 件")).to_be_visible()
    grids = page.get_by_test_id("stDataFrame")
    ranking = grids.filter(has_text="行政复议纠错率·分母").filter(has_text="排名")
    rows = _rows_of(ranking)
    cases = [rows[0].index(f"行政复议纠错率·{part}") for part in ("分子", "分母")]
    assert [row[:2] for row in rows[1:]] == [["1", "淮安市人民政府"]]
    assert [rows[1][i] for i in cases] == ["64", "314"]
    assert rows[1][rows[0].index("机关编号")] == "320800-人民政府"
    apart = grids.filter(has_text="行政复议纠错率·分母").filter(has_not_text="排名")
    rows = _rows_of(apart)
    cases = [rows[0].index(f"行政复议纠错率·{part}") for part in ("分子", "分母")]
    assert [(row[0], *(row[i] for i in cases)) for row in rows[1:]] == [
        ("淮安市洪泽区人民政府", "2", "13")
    ]
    screenshot(page, ARTIFACTS / "review-rate-ranking.png")


def test_the_peer_scope_is_chosen_on_the_page_and_kept_in_the_link(
    page: Page, app_url: str, database: Path
) -> None:
    """机关对比's 同类机关范围 set to 同省: each agency's 同类机关数 counts the
    agencies of its level and kind in its own province, and the link keeps it."""
    _open(page, f"{app_url}/compare{PAGE_LINKS['compare']}")
    scopes = page.get_by_test_id("stRadio").filter(has_text="同类机关范围")
    scopes.get_by_text("同省", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_text("同类机关：与该机关同省")).to_be_visible()
    assert parse_qs(urlparse(page.url).query)["cmp_peers"] == ["province"]
    figures = agency_figures(database, "received", year_range(database))
    expected = peer_expectation(figures, "province")
    rows = _rows_of(page.get_by_test_id("stDataFrame").filter(has_text="同类机关数"))
    header = rows[0]
    assert len(rows) == 3  # the header and the two agencies
    for row in rows[1:]:
        agency_id = figures.index[figures.name == row[header.index("机关")]][0]
        assert int(row[header.index("同类机关数")]) == expected.loc[agency_id, "count"]
    screenshot(page, ARTIFACTS / "compare-peer-scope.png")


def test_several_measures_open_on_a_click_and_stay_open_in_the_link(
    page: Page, app_url: str, browser: Browser
) -> None:
    """机关对比's 多指标并列 is closed at first (the page draws one chart); a click
    opens it with its small multiples and table, and a copied link opens it."""
    _open(page, f"{app_url}/compare{PAGE_LINKS['compare']}")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(1)
    page.get_by_text("多指标并列：几个指标一起比较").click()
    wait_until_idle(page)
    expect(charts).to_have_count(2)
    expect(page.get_by_test_id("stDataFrame").filter(has_text="分母").last).to_be_visible()
    assert parse_qs(urlparse(page.url).query)["cmp_side"] == ["1"]
    screenshot(page, ARTIFACTS / "compare-side-by-side.png")
    copied = new_page(browser)
    _open(copied, page.url)
    expect(copied.get_by_test_id("stPlotlyChart")).to_have_count(2)
    copied.close()


def _grid_rows(page: Page, index: int) -> list[list[str]]:
    """The cells of the page's ``index``-th st.dataframe as the browser shows them."""
    return _rows_of(page.get_by_test_id("stDataFrame").nth(index))


def _rows_of(grid: Locator) -> list[list[str]]:
    """A st.dataframe's cells as the browser shows them (its accessible table
    mirrors the canvas)."""
    grid.scroll_into_view_if_needed()
    rows = grid.locator("table tr")
    expect(rows.nth(1)).to_be_attached()
    return [
        [cell.inner_text().strip() for cell in rows.nth(i).locator("th, td").all()]
        for i in range(rows.count())
    ]


def _same_cell(shown: str, written: str, rate: bool = False) -> bool:
    """The grid's accessible table holds the raw value: a rate's 0.5954… is
    written as the percentage 59.5 (its unit in the CSV's header)."""
    try:
        return (round(float(shown) * 100, 1) if rate else float(shown)) == float(written)
    except ValueError:
        return shown == written


def test_a_csv_download_is_the_table_shown(page: Page, app_url: str) -> None:
    _open(page, app_url)
    shown = _grid_rows(page, 0)
    with page.expect_download() as download:
        page.locator(".st-key-csv-overview-top").get_by_role("button", name="下载 CSV").click()
    path = download.value.path()
    content = Path(path).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    written = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert written[0] == [f"{name}（%）" if name.endswith("率") else name for name in shown[0]]
    assert "公开率（%）" in written[0]
    assert len(shown) == len(written) == 4  # the header and three agencies (镇海区: none received)
    rates = [name.endswith("率") for name in shown[0]]
    for shown_row, written_row in zip(shown[1:], written[1:], strict=True):
        cells = zip(shown_row, written_row, rates, strict=True)
        assert all(_same_cell(a, b, rate) for a, b, rate in cells), (shown_row, written_row)
    assert re.fullmatch(r"总览-申请最多的机关_2021-2024年度_全国_数据版本\w{8}\.csv",
                        download.value.suggested_filename)  # fmt: skip


def test_the_excel_download_is_the_table_shown(page: Page, app_url: str) -> None:
    """The sidebar's workbook for one report, opened as Excel opens it, against
    机关档案's section 四 on the screen: every cell, the labels in Chinese, the
    sheets in the template's order, the header frozen, 机关编号 at the end."""
    hongze = "320813-人民政府"
    _open(page, f"{app_url}/profile?prof_agency={hongze}&prof_year=2024"
                f"&agency={hongze}&from=2024&to=2024")  # fmt: skip
    review = page.locator(".st-key-csv-profile-review")  # the table is just above its CSV button
    header, *shown = _rows_of(review.locator("xpath=preceding::*[@data-testid='stDataFrame'][1]"))
    with page.expect_download() as download:
        _sidebar(page).get_by_role("button", name="筛选结果的全部单元格（Excel）").click()
    assert re.fullmatch(r"报告单元格_2024年度_1个机关_数据版本\w{8}\.xlsx",
                        download.value.suggested_filename)  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == [
        "二、主动公开",
        "三、依申请公开",
        "四、复议诉讼",
        "正文数字",
        "校验结果",
    ]
    sheet = book["四、复议诉讼"]
    assert sheet.freeze_panes == "B2"
    headings, values = ([cell.value for cell in row] for row in sheet.iter_rows(max_row=2))
    written = dict(zip(headings, values, strict=True))
    assert (written["机关"], written["年度"], written["层级"], written["机关类型"]) == (
        "淮安市洪泽区人民政府", 2024, "县级", "人民政府")  # fmt: skip
    assert headings[-3:] == ["机关编号", "层级代码", "机关类型代码"]
    assert written["机关编号"] == hongze
    compared = 0
    for group, *figures in shown:
        for outcome, figure in zip(header[1:], figures, strict=True):
            assert float(figure) == written[f"{group}·{outcome}"], (group, outcome)
            compared += 1
    assert compared == 15
    count_format = sheet.cell(row=2, column=headings.index("行政复议·总计") + 1).number_format
    assert count_format == "#,##0"


def test_each_overview_chart_downloads_what_it_draws(
    page: Page, app_url: str, database: Path
) -> None:
    _open(page, app_url)
    with page.expect_download() as download:
        page.locator(".st-key-csv-overview-review").get_by_role("button", name="下载 CSV").click()
    content = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content)))
    assert header == ["年度", "报告数", "行政复议总计", "行政诉讼总计"]
    review_total = "review_litigation.administrative_review.total"
    for year, _, review, _ in rows:
        assert float(review) == cell_sum(database, review_total, "r.year = ?", (int(year),))
    assert [row[0] for row in rows] == ["2021", "2023", "2024"]  # the years with reports


def test_a_bad_url_parameter_is_noted_not_an_error(page: Page, app_url: str) -> None:
    _open(page, f"{app_url}/?from=1999&level=galaxy")
    notes = _sidebar(page).get_by_test_id("stAlertContentWarning")
    expect(notes.filter(has_text="from=1999")).to_have_count(1)
    expect(notes.filter(has_text="galaxy")).to_have_count(1)
    expect(main_chart(page)).to_be_visible()
    screenshot(page, ARTIFACTS / "bad-parameter.png")


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records what is asked of it: nothing a page
    shows may ever ask it for anything."""
    asked: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_port}", asked
    server.shutdown()


# No link carries 100 KB to more than one key: the server refuses a request
# head over 128 KiB, Chromium a URL over 2 MB. That value goes alone to one key
# — the sidebar's first, read on every page.
ONE_KEY_ONLY = {"100 KB": "from"}
SIDEBAR_KEYS = 9  # URL_KEYS begins with the sidebar's keys, read on every page


def _hostile_links(page_url: str, values: dict[str, str]) -> Iterator[str]:
    """A few links that together put every hostile value on a sidebar key:
    the keys take the values in turn, each link shifted by the number of
    sidebar keys. tests/test_hostile_links.py gives every key every value
    alone (on the server); here the browser shows each value's note, a few
    links a page rather than one per value."""
    for name, key in ONE_KEY_ONLY.items():
        yield f"{page_url}?" + urlencode({key: values[name]})
    others = [value for name, value in values.items() if name not in ONE_KEY_ONLY]
    keys = list(URL_KEYS)
    assert keys[SIDEBAR_KEYS - 1] == "no_region"  # the sidebar's last key
    for shift in range(0, len(others), SIDEBAR_KEYS):
        chosen = {key: others[(index + shift) % len(others)] for index, key in enumerate(keys)}
        yield f"{page_url}?" + urlencode(chosen)


@pytest.mark.parametrize("path", [*PAGE_LINKS, "check"])
def test_hostile_links_are_shown_as_text(
    browser: Browser, app_url: str, database: Path, listener: tuple[str, list[str]], path: str
) -> None:
    """Every hostile value on a key the page reads: notes short and as text;
    nothing asked of the listener, no dialog, no traceback, the database
    unchanged. Each link opens in a fresh tab, as a link followed from
    elsewhere does (a tab that showed one long link sends it on as the next
    request's Referer)."""
    host, asked = listener
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    dialogs: list[str] = []
    page_url = f"{app_url}/{'' if path == 'overview' else path}"
    for link in _hostile_links(page_url, hostile_values(host)):
        page = new_page(browser)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        _open(page, link)
        notes = page.get_by_test_id("stAlertContentWarning").filter(has_text="链接中的参数")
        expect(notes.first).to_be_visible()  # the sidebar's keys at least were refused
        assert all(len(note) <= NOTE_LIMIT for note in notes.all_inner_texts())
        expect(page.get_by_text("Traceback")).to_have_count(0)
        expect(page.get_by_text("错误编号")).to_have_count(0)
        expect(page.locator(f'a[href*="{host}"], img[src*="{host}"]')).to_have_count(0)
        if quote_plus(hostile_values(host)["Markdown image"]) in link:
            screenshot(page, ARTIFACTS / f"hostile-link-{path}.png")
        page.wait_for_timeout(300)  # a picture asked for late would still be seen
        page.close()
    assert not asked
    assert not dialogs
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_report_text_is_shown_as_text(page: Page, app_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open(page, f"{app_url}/profile?prof_agency={ZHENHAI}&prof_year=2021")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(HOSTILE_TEXT, exact=False)).to_be_visible()
    assert page.evaluate("() => window.__xss") is None  # the script never ran
    assert not dialogs
    expect(main.locator("strong", has_text="不是粗体")).to_have_count(0)
    expect(main.locator("a", has_text="不是链接")).to_have_count(0)
    screenshot(page, ARTIFACTS / "profile-hostile-text.png")


def test_quality_filters_by_several_rules_and_errors_only(page: Page, app_url: str) -> None:
    """数据质量 with two rules picked and 只看错误 ticked: the report list holds
    洪泽区 2023's two errors only, and the link keeps both choices."""
    _open(page, f"{app_url}/quality")
    rules = page.get_by_role("combobox", name="校验规则")
    for code in ("review_litigation.total", "cells.not_a_number"):
        rules.click()
        page.keyboard.type(code)
        page.get_by_role("option", name=re.compile(re.escape(code))).click()
        wait_until_idle(page)
    page.keyboard.press("Escape")
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="校验规则")
    for code in ("review_litigation.total", "cells.not_a_number"):
        expect(chosen).to_contain_text(code)
    wait_until_idle(page)
    grids = page.get_by_test_id("stDataFrame")
    reports = grids.filter(has_text="短横单元格").filter(has_text="机关")  # not 按年度's
    expect(reports).to_contain_text("沭阳县发展和改革局")  # the list follows both rules
    rows = _rows_of(reports)
    names = [row[rows[0].index("机关")] for row in rows[1:]]
    assert names == ["淮安市洪泽区人民政府", "沭阳县发展和改革局"]
    page.get_by_test_id("stCheckbox").filter(has_text="只看错误").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=re.compile("只计错误")).first).to_be_visible()
    expect(reports).not_to_contain_text("沭阳县发展和改革局")
    rows = _rows_of(reports)
    header = rows[0]
    assert [(row[header.index("机关")], row[header.index("错误")], row[header.index("提示")])
            for row in rows[1:]] == [("淮安市洪泽区人民政府", "2", "0")]  # fmt: skip
    query = parse_qs(urlparse(page.url).query)
    assert query["qa_rule"] == ["review_litigation.total", "cells.not_a_number"]
    assert query["qa_errors"] == ["1"]
    screenshot(page, ARTIFACTS / "quality-rules-errors-only.png")


def test_selecting_a_report_row_opens_its_profile(page: Page, app_url: str) -> None:
    """数据质量's report list: ticking a row's box opens that report's 机关档案."""
    _open(page, f"{app_url}/quality")
    grids = page.get_by_test_id("stDataFrame")
    reports = grids.filter(has_text="短横单元格").filter(has_text="机关")
    rows = _rows_of(reports)
    header = rows[0]
    first = rows[1][header.index("机关")], rows[1][header.index("年度")]
    assert first == ("淮安市洪泽区人民政府", "2023")  # errors first
    expect(page.get_by_text(OPENS_PROFILE_NOTE).first).to_be_visible()
    box = reports.bounding_box()
    assert box is not None
    # The row marker column at the grid's left edge; rows are 35 px, the header too.
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 / 2)
    expect(page.get_by_role("heading", name="机关档案", exact=True)).to_be_visible()
    wait_until_idle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["prof_agency"] == ["320813-人民政府"] and query["prof_year"] == ["2023"]
    screenshot(page, ARTIFACTS / "quality-row-opens-profile.png")
    # Back on 数据质量 the selection is gone: the page stays, it does not reopen the profile.
    _sidebar(page).get_by_role("link", name="数据质量").click()
    expect(page.get_by_role("heading", name="数据质量", exact=True)).to_be_visible()
    wait_until_idle(page)
    page.wait_for_timeout(1_000)
    expect(page.get_by_role("heading", name="数据质量", exact=True)).to_be_visible()


def test_a_finding_links_through_to_its_cells(page: Page, app_url: str) -> None:
    _open(page, f"{app_url}/quality?qa_report=320813-人民政府:2023")
    link = page.get_by_test_id("stPageLink").filter(has_text="洪泽区")
    expect(link).to_be_visible()
    screenshot(page, ARTIFACTS / "quality-link.png")
    link.click()
    expect(page.get_by_role("heading", name="机关档案", exact=True)).to_be_visible()
    wait_until_idle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["prof_agency"] == ["320813-人民政府"] and query["prof_year"] == ["2023"]
    expect(page.get_by_test_id("stMain")).to_contain_text("总计栏为 0")
    screenshot(page, ARTIFACTS / "profile-from-quality.png")


def _keyed_grid_rows(page: Page, key: str) -> list[list[str]]:
    """The cells of the st.dataframe just above the CSV download with ``key``
    (a dataframe's own key is not on the page), as the browser shows them."""
    return _rows_of(
        page.locator(f".st-key-{key}")
        .locator("xpath=preceding-sibling::div[.//*[@data-testid='stDataFrame']][1]")
        .get_by_test_id("stDataFrame")
    )


def _upload(page: Page, path: Path, heading: str) -> None:
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(path)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=90_000)
    wait_until_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_checker_page_shows_an_uploaded_reports_findings(page: Page, app_url: str) -> None:
    _open(page, f"{app_url}/check")
    expect(page.get_by_role("heading", name="检查报告", exact=True)).to_be_visible()
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("发布年度报告前检查草稿")
    expect(main).to_contain_text("20 MB")

    # 洪泽区 2023: two review totals printed as 0, and no 2022 report loaded.
    _upload(page, RAW / "2023_huaian_hongzequ.txt", "2023 年度报告：洪泽区人民政府")
    errors = page.get_by_test_id("stMetric").filter(has_text="错误")
    expect(errors).to_contain_text("2")
    summary = _keyed_grid_rows(page, "csv-check-rules")
    assert [row[:3] for row in summary] == [
        ["级别", "规则", "条数"],
        ["错误", "复议诉讼总计不符", "2"],
    ]
    findings = _keyed_grid_rows(page, "csv-check-findings")
    assert [row[2] for row in findings[1:]] == ["复议诉讼总计不符"] * 2
    assert "总计栏为 0" in findings[1][3]
    expect(main).to_contain_text("数据库中没有该机关 2022 年度的报告")
    screenshot(page, ARTIFACTS / "check-2023.png")

    # 洪泽区 2024, compared with its 2023 report in the database.
    _upload(page, RAW / "2024_huaian_hongzequ.txt", "2024 年度报告：淮安市洪泽区人民政府")
    expect(main).to_contain_text("未发现问题")
    carry_over = _keyed_grid_rows(page, "csv-check-carry-over")
    assert carry_over[-1] == ["是否衔接", *["一致"] * 7]
    changes = {row[0]: row[1:] for row in _keyed_grid_rows(page, "csv-check-changes")}
    assert changes["本年新收申请"] == ["21", "95", "+74", "大幅变化"]
    with page.expect_download() as download:
        page.locator(".st-key-check-json").get_by_role("button").click()
    assert download.value.suggested_filename == "2024_huaian_hongzequ.json"
    report = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert (report["agency"]["id"], report["year"]) == ("320813-人民政府", 2024)
    screenshot(page, ARTIFACTS / "check-2024.png")
