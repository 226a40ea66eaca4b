"""What an official sees and prints, in Chromium: no English in the visible
UI of the main pages, pages printed to A4 PDF without the sidebar and with
nothing cut, and nothing clipped on a 1280 × 720 screen. The PDFs' pages and
the screenshots go to artifacts/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser import (
    ARTIFACTS,
    PAGE_TITLES,
    main_chart,
    open_page,
    screenshot,
    streamlit_server,
    wait_until_idle,
)

expect.set_options(timeout=30_000)
LINKS = {
    "overview": "/",
    "proactive": "/proactive",
    "applications": "/applications",
    "review": "/review",
    "compare": "/compare?cmp_agency=320813-人民政府&cmp_agency=320800-人民政府",
    "profile": "/profile?prof_agency=320813-人民政府&prof_year=2024",
    "quality": "/quality",
    "check": "/check",
    "definitions": "/definitions",
}
# Latin words an official's UI may show: file formats and units.
ALLOWED_WORDS = {
    "CSV", "Excel", "MB", "PDF", "Word", "WPS", "RTF", "ODT", "JSON", "Markdown", "txt", "html",
    "htm", "shtml", "mht", "mhtml", "docx", "doc", "wps", "rtf", "odt", "png", "jpg", "tif",
    "zip", "md", "python", "etl", "export", "Parquet",
}  # fmt: skip
# Every text node the eye can see: laid out, not hidden, its font not shrunk to
# nothing (how the stylesheet replaces Streamlit's English, app/page_style.py),
# and not a Material icon (a ligature: its name draws a picture).
_VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!element || element.closest('script, style, [data-testid=stIconMaterial]')) continue;
    const style = getComputedStyle(element), box = element.getBoundingClientRect();
    if (style.fontFamily.includes('Material')) continue;
    if (style.visibility === 'hidden' || parseFloat(style.fontSize) === 0) continue;
    if (box.width <= 1 || box.height <= 1) continue;
    out.push(node.textContent);
  }
  return out;
}"""
# A4 at 12 mm margins (app/page_style.py): the printable width in CSS pixels.
_PRINTABLE_PX = round((210 - 24) / 25.4 * 96)


@pytest.fixture(scope="module")
def app_url(bundled_database: Path) -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(bundled_database) as url:
        yield url


@pytest.fixture
def screen(browser: Browser) -> Iterator[Page]:
    """An office PC's screen: 1280 × 720."""
    page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    yield page
    page.close()


def _open(page: Page, url: str) -> None:
    open_page(page, url)


def _english_words(page: Page, data: set[str] = frozenset()) -> set[str]:
    """Latin words on the page, but for the allowed ones and ``data`` (what a
    report or its file is called)."""
    return _latin_words(page.evaluate(_VISIBLE_TEXT)) - data


def _latin_words(texts: list[str]) -> set[str]:
    assert any("筛选" in text for text in texts)  # the sidebar's heading: the walk sees the page
    words = set()
    for text in texts:
        words |= set(re.findall(r"[A-Za-z]{2,}", text))
    return words - ALLOWED_WORDS


def _read_open_list(screen: Page, select: Locator) -> tuple[list[str], str]:
    """The visible texts with a multi-select's list open, and what its first
    option shows, read in one step: on a loaded machine a list can close again
    between two steps (seen on CI), and then there is no option left to read."""
    for _ in range(3):
        _open_options(screen, select)
        seen = screen.evaluate(
            f"""() => {{
              const option = document.querySelector('[role=option]');
              if (!option) return null;
              const after = getComputedStyle(option.firstElementChild, '::after').content;
              return {{texts: ({_VISIBLE_TEXT})(), after}};
            }}"""
        )
        if seen is not None:
            return seen["texts"], seen["after"]
    raise AssertionError("the multi-select's list closed each time it was opened")


@pytest.mark.parametrize("path", list(LINKS))
def test_no_english_in_the_visible_ui(screen: Page, app_url: str, path: str) -> None:
    _open(screen, app_url + LINKS[path])
    if path != "definitions" and path != "check":
        expect(main_chart(screen)).to_be_visible()
    screen.wait_for_timeout(500)  # the last elements settle
    wait_until_idle(screen)  # no run in progress (its status shows while it runs)
    # 机关档案 shows the name the report's file was given: data, not UI.
    file_name = {"huaian", "hongzequ"} if path == "profile" else set()
    assert _english_words(screen, file_name) == set()
    # A multi-select's list opened: its first option is 全选, not "Select all".
    levels = screen.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    texts, first_option = _read_open_list(screen, levels)
    assert _latin_words(texts) - file_name == set()
    assert first_option == '"全选"'
    screen.keyboard.press("Escape")


def _open_options(screen: Page, select: Locator) -> None:
    """Open a multi-select's list. A click before the widget is ready opens
    nothing; a list that opens late must not be closed by a second click, so a
    click is repeated only once no list has shown for a while."""
    for _ in range(3):
        select.locator("input").click()
        try:
            screen.get_by_role("option").first.wait_for(state="visible", timeout=10_000)
            return
        except PlaywrightTimeoutError:
            continue
    expect(screen.get_by_role("option").first).to_be_visible()


def test_the_uploader_speaks_chinese(screen: Page, app_url: str) -> None:
    _open(screen, app_url + LINKS["check"])
    dropzone = screen.get_by_test_id("stFileUploaderDropzone")
    after = dropzone.evaluate(
        "e => [...e.querySelectorAll('button p, [data-testid=stFileUploaderDropzoneInstructions] "
        "span')].map(x => getComputedStyle(x, '::after').content)"
    )
    assert after == ['"选择文件"', '"每个文件不超过 20 MB"']
    dropzone.screenshot(path=ARTIFACTS / "uploader.png")


@pytest.mark.parametrize("path", ["overview", "compare"])
def test_a_page_prints_on_a4_without_the_sidebar(screen: Page, app_url: str, path: str) -> None:
    _open(screen, app_url + LINKS[path])
    expect(main_chart(screen)).to_be_visible()
    # The tables are drawn after the chart: their print copies (app/show.py),
    # hidden on screen, are read once there.
    last_column = screen.locator(".print-copy tr td:last-child", has_text="320813-人民政府")
    last_column.first.wait_for(state="attached")
    # Every table's last column, as its print copy writes it.
    last_cells = screen.evaluate(
        "() => [...document.querySelectorAll('.print-copy tr td:last-child')]"
        ".map(cell => cell.textContent)"
    )
    assert "320813-人民政府" in last_cells  # 机关编号, the tables' last column
    expect(screen.locator(".print-copy").first).to_be_hidden()  # on paper only
    # Printed as the browser's 打印 prints: no script runs between the screen and the paper.
    pdf = ARTIFACTS / f"print-{path}.pdf"
    screen.pdf(path=pdf, format="A4", print_background=True)
    document = pdfium.PdfDocument(pdf)
    text = ""
    for number, page in enumerate(document):
        width, height = page.get_size()
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4, in points
        text += page.get_textpage().get_text_range()
        page.render(scale=1.5).to_pil().save(ARTIFACTS / f"print-{path}-{number + 1}.png")
    title = PAGE_TITLES[path]
    assert title in text
    for sidebar_word in ("起始年度", "截止年度", "筛选结果的全部单元格", "下载 CSV"):
        assert sidebar_word not in text
    assert "多指标并列" not in text  # 机关对比's closed section: not a lone label on paper
    # Tables print whole, as text: no column cut at the paper's edge.
    flat_text = "".join(text.split())
    assert all("".join(cell.split()) in flat_text for cell in last_cells)
    # Laid out for print at the paper's width (as when the page is redrawn for it).
    screen.emulate_media(media="print")
    screen.set_viewport_size({"width": _PRINTABLE_PX, "height": 1000})
    screen.wait_for_timeout(500)
    rights = screen.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg, "
        "[data-testid=stMetric], [data-testid=stDataFrame]')]"
        ".map(e => e.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= _PRINTABLE_PX
    # A card's change stays on one line (it wrapped one character a line).
    lines = screen.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMetricDelta]')].map(e => "
        "e.getBoundingClientRect().height / (parseFloat(getComputedStyle(e).fontSize) * 1.6))"
    )
    assert all(count < 2 for count in lines)
    assert lines or path != "overview"  # 总览 has cards


@pytest.mark.parametrize("path", ["overview", "review", "compare", "quality"])
def test_nothing_is_clipped_at_1280_by_720(screen: Page, app_url: str, path: str) -> None:
    """No text cut short: a card's change, a table's cell, a heading."""
    _open(screen, app_url + LINKS[path])
    expect(main_chart(screen)).to_be_visible()
    screen.wait_for_timeout(500)
    clipped = screen.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stMain] *')]
          .filter(e => getComputedStyle(e).textOverflow === 'ellipsis'
                       && e.scrollWidth > e.clientWidth + 1)
          .map(e => e.textContent)"""
    )
    assert clipped == []
    main = screen.get_by_test_id("stMain")
    overflow = main.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1  # no sideways scrolling of the page
    screenshot(screen, ARTIFACTS / f"screen-1280-{path}.png")
