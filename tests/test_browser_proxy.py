"""The dashboard behind nginx (deploy/nginx.conf), as docs/deploy.md sets it
up for an office's server: the pages work through it, websocket included, and
what the browser loads arrives compressed, Streamlit's scripts from nginx's
own copy of them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Response, expect

from tests.browser import main_chart, new_page, open_page, streamlit_server
from tests.proxy import nginx_in_front_of


def test_the_app_works_behind_the_proxy_and_arrives_compressed(
    bundled_database: Path, browser: Browser
) -> None:
    with streamlit_server(bundled_database) as direct, nginx_in_front_of(direct) as proxied:
        page = new_page(browser)
        scripts: list[Response] = []
        page.on(
            "response",
            lambda response: scripts.append(response) if response.url.endswith(".js") else None,
        )
        open_page(page, f"{proxied}/compare?cmp_agency=320813-人民政府&cmp_agency=320800-人民政府")
        expect(page.get_by_role("heading", name="机关对比", exact=True)).to_be_visible()
        expect(main_chart(page)).to_be_visible()
        # The websocket carries a rerun: a choice on the page redraws it.
        page.get_by_role("radio", name="某地区某层级的全部机关").check(force=True)
        expect(page.get_by_text("请在左侧“层级”中选择至少一个层级")).to_be_visible()
        assert scripts, "the page loaded its scripts"
        encodings = {response.url: response.headers.get("content-encoding") for response in scripts}
        large = [r for r in scripts if int(r.headers.get("content-length") or 2000) > 1024]
        assert large and all(encodings[r.url] == "gzip" for r in large), encodings
        # From nginx's disk, gzipped ahead (deploy/precompress.py), not asked of the app.
        assert all("immutable" in (r.headers.get("cache-control") or "") for r in scripts)
        page.close()
