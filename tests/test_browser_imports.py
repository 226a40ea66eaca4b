"""数据导入 in a real browser: the page refuses without the administrator's
password; with it, a zip of four corpus reports (text, PDF, web page, Word)
loads with a progress bar and one outcome each, the report that differs from
the stored one is replaced only when confirmed, and a session open all along
sees the new data on its next step."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from app.admin import PASSWORD_ENV
from etl.db.load import load
from etl.reports import BUNDLED_REPORTS
from tests.browser import ARTIFACTS, new_page, open_page, screenshot, streamlit_process
from tests.conftest import CORPUS
from tests.documents import document_from

PASSWORD = "office-import-2024"


def _four_reports(folder: Path) -> Path:
    files = {
        "2023_fujian_pingtan.txt": (CORPUS / "raw" / "2023_fujian_pingtan.txt").read_bytes(),
        "2024_huaian_shi.pdf": (CORPUS / "orig" / "2024_huaian_shi.pdf").read_bytes(),
        "2023_shuyang_fagaiju.html": (CORPUS / "raw" / "2023_shuyang_fagaiju.html").read_bytes(),
        "2024_fujian_pingtan.docx": document_from("2024_fujian_pingtan"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"2024年度报告/{name}", data)
    path = folder / "各机关2024年度报告.zip"
    path.write_bytes(buffer.getvalue())
    return path


def _outcomes(page: Page) -> str:
    """The outcome table's text (its printable copy: the table itself is a canvas)."""
    return page.locator(".print-copy").first.text_content() or ""


def test_reports_are_imported_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    db = tmp_path / "office" / "xxgk.duckdb"
    db.parent.mkdir()
    assert not load([BUNDLED_REPORTS], db).rejects
    archive = _four_reports(tmp_path)
    environment = {PASSWORD_ENV: PASSWORD}
    with streamlit_process(db, tmp_path / "server.log", environment) as (url, _):
        other = new_page(browser)  # another official, reading all along
        open_page(other, url)
        expect(other.get_by_text("筛选范围内共 5 份报告。")).to_be_visible()

        page = new_page(browser)
        page.set_viewport_size({"width": 1280, "height": 720})
        open_page(page, f"{url}/import")
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
        page.get_by_label("管理员密码").fill("guess")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_text("密码不正确，未登录。")).to_be_visible()
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)

        page.get_by_label("管理员密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_text("已以管理员身份登录")).to_be_visible()
        uploader = page.get_by_test_id("stFileUploader").first
        limit = uploader.locator("[data-testid=stFileUploaderDropzoneInstructions] span")
        shown = limit.evaluate("e => getComputedStyle(e, '::after').content")
        assert shown == '"每个文件不超过 100 MB"'  # this page's limit, not 检查报告's 20 MB
        uploader.locator("input[type=file]").set_input_files(archive)
        expect(uploader.get_by_text(archive.name)).to_be_visible()
        page.get_by_role("button", name="读取并载入").click()

        expect(page.get_by_test_id("stProgress")).to_contain_text(
            "已读取 4 / 4 个文件，数据库已更新", timeout=120_000
        )
        counts = (("新增", "2"), ("未变", "1"), ("需确认替换", "1"), ("已替换", "0"), ("拒收", "0"))
        for label, count in counts:
            metric = page.get_by_test_id("stMetric").filter(has_text=label).first
            expect(metric.get_by_test_id("stMetricValue")).to_have_text(count)
        outcomes = _outcomes(page)
        for row in (
            "2024年度报告/2023_fujian_pingtan.txt新增平潭综合实验区2023",
            "2024年度报告/2024_huaian_shi.pdf与已载入的不同：需确认替换淮安市人民政府2024",
            "2024年度报告/2023_shuyang_fagaiju.html未变沭阳县发展和改革局2023",
            "2024年度报告/2024_fujian_pingtan.docx新增平潭综合实验区2024",
        ):
            assert row in outcomes, outcomes
        expect(page.get_by_text("需确认替换的报告（1 份）")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        screenshot(page, ARTIFACTS / "import-1280.png")

        page.get_by_role("button", name="替换为新文件").click()
        expect(page.get_by_role("button", name="替换为新文件")).to_have_count(0, timeout=60_000)
        expect(
            page.get_by_test_id("stAlertContentSuccess").filter(has_text="已替换")
        ).to_be_visible()
        assert "2024年度报告/2024_huaian_shi.pdf已替换" in _outcomes(page)
        replaced = page.get_by_test_id("stMetric").filter(has_text="已替换").first
        expect(replaced.get_by_test_id("stMetricValue")).to_have_text("1")

        # The other session's next step shows the new data: 5 reports, 2 new.
        other.get_by_role("link", name="依申请公开").click()
        expect(other.get_by_text("筛选范围内共 7 份报告。")).to_be_visible(timeout=60_000)
        page.close()
        other.close()
