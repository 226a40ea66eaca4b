"""``python -m etl fetch``: report pages and their attachments fetched from a
real HTTP server on 127.0.0.1 serving the corpus's files, saved with where
and when they were fetched, and loaded with it; and everything a polite,
safe fetch refuses — addresses inside the network, robots.txt's Disallow,
oversized files, what is no report — refused with one line naming the URL."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.cli import main
from etl.errors import ExtractionError
from etl.extract import extract_path
from etl.fetch import guard
from etl.fetch.client import USER_AGENT, Client, Pacer, Policy
from etl.fetch.errors import FetchError
from etl.fetch.links import attachment_links
from etl.fetch.names import disposition_filename, file_name, safe_name, url_filename
from etl.fetch.provenance import HEADER, MANIFEST, fetched_source, read_manifest
from etl.fetch.robots import Robots
from tests.conftest import CORPUS, RAW, run_cli

PDF = CORPUS / "orig" / "2024_huaian_shi.pdf"
PAGE = RAW / "2023_shuyang_fagaiju.html"
MB = 1024 * 1024
# Fast settings: no test sleeps more than a fraction of a second.
QUICK = ("--delay", "0", "--backoff", "0.01", "--timeout", "5")


# --- A local portal -------------------------------------------------------------


@dataclass
class Route:
    """What the portal answers at one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    stream: int | None = None  # send this many bytes a chunk at a time, unasked for length
    pause: float = 0.0  # seconds before answering
    sent: int = 0  # body bytes the server managed to send
    done: threading.Event = field(default_factory=threading.Event)


class Portal:
    """A web server on 127.0.0.1 answering from its routes (404 elsewhere),
    logging every path asked for and the Host each request named."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.asked: list[str] = []
        self.hosts: list[str | None] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_port

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes = b"", content_type: str = "text/html", **kw) -> Route:
        route = Route(body, **kw)
        route.headers.setdefault("Content-Type", content_type)
        self.routes[path] = route
        return route

    def answer(self, path: str) -> Route | None:
        route = self.routes.get(path)
        if isinstance(route, list):  # answers in turn, the last one from then on
            return route.pop(0) if len(route) > 1 else route[0]
        return route


def _handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            portal.asked.append(self.path)
            portal.hosts.append(self.headers.get("Host"))
            route = portal.answer(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            time.sleep(route.pause)
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.stream is None:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                self._send(route)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what the size tests look for
            finally:
                route.done.set()

        def _send(self, route: Route) -> None:
            if route.stream is None:
                self.wfile.write(route.body)
                route.sent = len(route.body)
                return
            chunk = 64 * 1024
            data = route.body.ljust(route.stream, b"\0")
            for start in range(0, route.stream, chunk):
                self.wfile.write(data[start : start + chunk])
                route.sent = start + chunk
                time.sleep(0.0005)  # as a server sends: never far ahead of the client

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def portal() -> Iterator[Portal]:
    site = Portal()
    thread = threading.Thread(target=site.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def fetch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Callable[..., Result]:
    """``python -m etl fetch ARGS --out tmp/out`` in this process (quick settings)."""

    def run(*args: str, private: bool = True) -> Result:
        extra = ["--allow-private"] if private else []
        code = main(["fetch", *QUICK, *extra, "--out", str(tmp_path / "out"), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def manifest_rows(folder: Path) -> list[dict[str, str]]:
    lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(HEADER)
    return [dict(zip(HEADER, line.split("\t"), strict=True)) for line in lines[1:]]


def is_fetch_time(text: str) -> bool:
    """ISO-8601 UTC to the second, of a moment just gone."""
    when = datetime.datetime.fromisoformat(text)
    now = datetime.datetime.now(datetime.UTC)
    return text.endswith("+00:00") and when.microsecond == 0 and 0 <= (now - when).seconds < 600


# --- A page and its attachments, then load --------------------------------------


def test_a_page_with_two_attachments_is_saved_whole_and_loads_with_its_urls(
    portal: Portal, tmp_path: Path
) -> None:
    from tests.documents import document_from

    links = (
        # The path names the PDF, relative to the page.
        '<p><a href="../../uploadfiles/P020250225.pdf">附件1</a></p>'
        # Only the link text names the Word file; the server names it in
        # Content-Disposition and calls it octet-stream.
        '<p><a href="/download.jsp?id=7">附件2：镇海区经信局2021年度报告.docx</a></p>'
    )
    page = PAGE.read_text(encoding="utf-8").replace("</body>", links + "</body>")
    page_path = "/sygfj/gknb/202401/2ecfb31a.shtml"
    portal.add(page_path, page.encode("utf-8"), "text/html; charset=utf-8")
    portal.add("/sygfj/uploadfiles/P020250225.pdf", PDF.read_bytes(), "application/pdf")
    portal.add(
        "/download.jsp?id=7",
        document_from("2021_zhenhai_jingxinju"),
        "application/octet-stream",
        headers={
            "Content-Disposition": "attachment; filename*=UTF-8''"
            "%E9%95%87%E6%B5%B7%E5%8C%BA2021.docx"  # 镇海区2021.docx
        },
    )
    out, db = tmp_path / "out", tmp_path / "xxgk.duckdb"
    fetched = run_cli("fetch", portal.url(page_path), "--out", str(out), "--allow-private", *QUICK)
    assert fetched.returncode == 0, fetched.stderr + fetched.stdout
    assert "Traceback" not in fetched.stderr
    assert portal.asked == [
        "/robots.txt",
        page_path,
        "/sygfj/uploadfiles/P020250225.pdf",
        "/download.jsp?id=7",
    ]
    assert {row["file"]: (row["url"], row["page_url"]) for row in manifest_rows(out)} == {
        "2ecfb31a.shtml": (portal.url(page_path), ""),
        "P020250225.pdf": (portal.url("/sygfj/uploadfiles/P020250225.pdf"), portal.url(page_path)),
        "镇海区2021.docx": (portal.url("/download.jsp?id=7"), portal.url(page_path)),
    }
    assert (out / "P020250225.pdf").read_bytes() == PDF.read_bytes()
    assert sorted(path.name for path in out.iterdir()) == sorted(
        ["2ecfb31a.shtml", "P020250225.pdf", "镇海区2021.docx", MANIFEST]
    )  # no temporary file left

    loaded = run_cli("load", str(out), "--db", str(db), "--strict")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT source_file, year, source_url, source_fetched_at FROM reports ORDER BY year"
        ).fetchall()
    assert [row[:3] for row in rows] == [
        ("镇海区2021.docx", 2021, portal.url("/download.jsp?id=7")),
        ("2ecfb31a.shtml", 2023, portal.url(page_path)),
        ("P020250225.pdf", 2024, portal.url("/sygfj/uploadfiles/P020250225.pdf")),
    ]  # fetched.tsv itself is no input
    assert all(is_fetch_time(row[3]) for row in rows)


def test_a_redirect_is_followed_and_the_final_url_recorded(
    portal: Portal, fetch, tmp_path: Path
) -> None:
    portal.add("/old/report.pdf", status=301, headers={"Location": "/new/report.pdf"})
    portal.add("/new/report.pdf", status=302, headers={"Location": "../final/2024.pdf"})
    portal.add("/final/2024.pdf", PDF.read_bytes(), "application/pdf")
    result = fetch(portal.url("/old/report.pdf"))
    assert result.code == 0, result.out
    assert portal.asked == ["/robots.txt", "/old/report.pdf", "/new/report.pdf", "/final/2024.pdf"]
    out = tmp_path / "out"
    (row,) = manifest_rows(out)
    assert (row["file"], row["url"]) == ("2024.pdf", portal.url("/final/2024.pdf"))
    assert fetched_source(out / "2024.pdf").url == portal.url("/final/2024.pdf")


def test_more_than_five_redirects_are_not_followed(portal: Portal, fetch) -> None:
    for hop in range(7):
        portal.add(f"/hop{hop}", status=302, headers={"Location": f"/hop{hop + 1}"})
    result = fetch(portal.url("/hop0"))
    assert result.code == 1
    assert f"{portal.url('/hop0')}: 重定向超过 5 次，已停止" in result.out
    assert "/hop6" not in portal.asked


def test_a_404_is_one_line_naming_the_url_and_the_rest_is_still_fetched(
    portal: Portal, fetch, tmp_path: Path
) -> None:
    portal.add("/a.pdf", PDF.read_bytes(), "application/pdf")
    portal.add("/c.pdf", PDF.read_bytes(), "application/pdf")
    result = fetch(portal.url("/a.pdf"), portal.url("/gone.pdf"), portal.url("/c.pdf"))
    assert result.code == 1
    line = f"{portal.url('/gone.pdf')}: 服务器返回 404 Not Found"
    assert f"  {line}\n" in result.out  # the summary's failure list
    assert f"失败 {line}\n" in result.err  # the progress line
    assert "已下载 fetched" in result.out and "Traceback" not in result.err
    assert [row["file"] for row in manifest_rows(tmp_path / "out")] == ["a.pdf", "c.pdf"]


# --- Size, time and content limits ----------------------------------------------


def test_a_30_mb_file_is_refused_as_it_streams_past_the_limit(
    portal: Portal, fetch, tmp_path: Path
) -> None:
    big = portal.add("/big.pdf", PDF.read_bytes(), "application/pdf", stream=30 * MB)
    result = fetch(portal.url("/big.pdf"))
    assert result.code == 1
    assert f"{portal.url('/big.pdf')}: 文件过大（超过 25 MB 的上限），已停止下载" in result.out
    assert big.done.wait(10)
    assert 25 * MB < big.sent < 30 * MB  # stopped at the limit, not read to the end
    assert list((tmp_path / "out").iterdir()) == []  # nothing saved, no temporary file left


def test_max_bytes_sets_the_limit_and_the_download_stops_early(portal: Portal, fetch) -> None:
    big = portal.add("/big.pdf", PDF.read_bytes(), "application/pdf", stream=30 * MB)
    result = fetch(portal.url("/big.pdf"), "--max-bytes", "1M")
    assert f"{portal.url('/big.pdf')}: 文件过大（超过 1 MB 的上限），已停止下载" in result.out
    assert big.done.wait(10)
    assert big.sent < 10 * MB  # a little past 1 MB: what was on its way when it stopped


def test_a_content_length_over_the_limit_is_refused_before_the_body(portal: Portal, fetch) -> None:
    big = portal.add(
        "/big.pdf",
        PDF.read_bytes(),
        "application/pdf",
        stream=30 * MB,
        headers={"Content-Length": str(30 * MB)},
    )
    result = fetch(portal.url("/big.pdf"))
    assert f"{portal.url('/big.pdf')}: 文件过大（30.0 MB，超过 25 MB 的上限），未下载" in result.out
    assert big.done.wait(10)
    assert big.sent < 10 * MB


def test_what_is_no_report_is_refused_by_its_content_type(
    portal: Portal, fetch, tmp_path: Path
) -> None:
    portal.add("/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
    portal.add("/files.zip", b"PK\x03\x04", "application/zip")
    portal.add("/get?id=3", b"%PDF-1.4", "application/octet-stream")
    result = fetch(portal.url("/logo.png"), portal.url("/files.zip"), portal.url("/get?id=3"))
    assert result.code == 1
    assert f"{portal.url('/logo.png')}: 内容类型 image/png 不是报告，已拒绝" in result.out
    assert f"{portal.url('/files.zip')}: 内容类型 application/zip 不是报告，已拒绝" in result.out
    assert f"{portal.url('/get?id=3')}: 内容类型 application/octet-stream 不是报告" in result.out
    assert list((tmp_path / "out").iterdir()) == []


def test_an_attachment_that_comes_back_as_a_page_is_refused(portal: Portal, fetch) -> None:
    portal.add("/page.html", PAGE.read_bytes().replace(b"</body>", b'<a href="r.pdf">r</a>'))
    portal.add("/r.pdf", b"<html>login first</html>", "text/html")
    result = fetch(portal.url("/page.html"))
    assert result.code == 1
    assert (
        f"{portal.url('/r.pdf')}: 链接指向附件，服务器却返回了网页（text/html），已拒绝"
        f"（{portal.url('/page.html')} 的附件）"
    ) in result.out


def test_a_server_that_does_not_answer_in_time_is_a_timeout(portal: Portal, fetch) -> None:
    portal.add("/slow.pdf", PDF.read_bytes(), "application/pdf", pause=1.0)
    result = fetch(portal.url("/slow.pdf"), "--timeout", "0.2", "--retries", "1")
    assert (
        f"{portal.url('/slow.pdf')}: 0.2 秒内没有响应（连接或读取超时）（已重试 1 次）"
        in result.out
    )
    assert portal.asked.count("/slow.pdf") == 2


def test_a_download_that_trickles_past_max_seconds_is_stopped(portal: Portal, fetch) -> None:
    slow = portal.add("/slow.pdf", PDF.read_bytes(), "application/pdf", stream=30 * MB)
    started = time.monotonic()
    result = fetch(portal.url("/slow.pdf"), "--max-seconds", "0.1")
    assert time.monotonic() - started < 5
    assert f"{portal.url('/slow.pdf')}: 下载超过 0.1 秒的时间上限，已停止" in result.out
    assert slow.done.wait(10) and slow.sent < 30 * MB


def test_a_503_is_retried_after_its_retry_after(portal: Portal, fetch) -> None:
    portal.routes["/busy.pdf"] = [
        Route(status=503, headers={"Retry-After": "0"}),
        Route(PDF.read_bytes(), headers={"Content-Type": "application/pdf"}),
    ]
    result = fetch(portal.url("/busy.pdf"))
    assert result.code == 0, result.out
    assert portal.asked == ["/robots.txt", "/busy.pdf", "/busy.pdf"]


def test_a_retry_after_past_the_bound_is_given_up_not_waited_for(portal: Portal, fetch) -> None:
    portal.add("/busy.pdf", status=429, headers={"Retry-After": "86400"})
    started = time.monotonic()
    result = fetch(portal.url("/busy.pdf"))
    assert time.monotonic() - started < 5
    assert (
        f"{portal.url('/busy.pdf')}: 服务器返回 429 Too Many Requests，服务器要求 86400 秒后再试，"
        "超过 120 秒的上限，已放弃"
    ) in result.out
    assert portal.asked == ["/robots.txt", "/busy.pdf"]


# --- Addresses inside the network -----------------------------------------------


def test_a_loopback_url_is_refused_without_allow_private_and_nothing_is_asked(
    portal: Portal, fetch
) -> None:
    portal.add("/report.pdf", PDF.read_bytes(), "application/pdf")
    result = fetch(portal.url("/report.pdf"), private=False)
    assert result.code == 1
    assert (
        f"{portal.url('/report.pdf')}: 地址 127.0.0.1 属于内网或本机，已拒绝"
        "（确需抓取内网地址请加 --allow-private）"
    ) in result.out
    assert portal.asked == []  # not even robots.txt


def test_a_name_resolving_to_loopback_is_refused(portal: Portal, fetch) -> None:
    result = fetch(portal.url("/report.pdf", host="localhost"), private=False)
    assert "localhost 解析到的地址 127.0.0.1 属于内网或本机，已拒绝" in result.out
    assert portal.asked == []


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "127.0.0.1", "127.8.9.1",
        "::1", "169.254.169.254", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%1", "0.0.0.0",
        "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1",
        "100.64.0.1", "224.0.0.1", "ff02::1", "fec0::1", "255.255.255.255", "198.18.0.1",
    ],
)  # fmt: skip
def test_addresses_inside_the_network_are_not_public(address: str) -> None:
    assert not guard.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_public(address: str) -> None:
    assert guard.is_public(address)


@pytest.mark.parametrize(
    ("host", "address"),
    [("localhost", "127.0.0.1"), ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1")],
)
def test_every_resolved_address_is_vetted(host: str, address: str) -> None:
    target = guard.target(f"http://{host}/report.pdf")
    with pytest.raises(FetchError) as refused:
        guard.vetted_addresses(target, allow_private=False)
    assert refused.value.problem.startswith(f"{host} 解析到的地址 {address} 属于内网或本机")
    assert guard.vetted_addresses(target, allow_private=True) == [address]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("file:///etc/passwd", "只能抓取 http 和 https 网址，不抓取 file: 网址，已拒绝"),
        ("ftp://ftp.example.cn/r.pdf", "只能抓取 http 和 https 网址，不抓取 ftp: 网址，已拒绝"),
        ("javascript:alert(1)", "只能抓取 http 和 https 网址，不抓取 javascript: 网址，已拒绝"),
        ("www.gov.cn/r.pdf", "只能抓取 http 和 https 网址，这个网址没有写明协议，已拒绝"),
        ("http:///r.pdf", "网址中没有主机名，已拒绝"),
        ("http://x.cn:99999/", "网址无效（Port out of range 0-65535）"),
    ],
)
def test_other_schemes_are_refused(url: str, problem: str, fetch) -> None:
    with pytest.raises(FetchError) as refused:
        guard.target(url)
    assert refused.value.problem == problem
    result = fetch(url)
    assert result.code == 1 and f"{url}: {problem}" in result.out


def test_a_url_is_made_ascii_without_fragment_or_credentials() -> None:
    target = guard.target("HTTP://user:pw@沭阳.政府.cn:80/附件/年度 报告.pdf?a=1&b=二#page=2")
    assert target.url == (
        "http://xn--ivwu99f.xn--mxtq1m.cn/%E9%99%84%E4%BB%B6/"
        "%E5%B9%B4%E5%BA%A6%20%E6%8A%A5%E5%91%8A.pdf?a=1&b=%E4%BA%8C"
    )
    assert (target.host, target.port, target.origin) == (
        "xn--ivwu99f.xn--mxtq1m.cn",
        80,
        "http://xn--ivwu99f.xn--mxtq1m.cn",
    )


@pytest.fixture
def pretend_public(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """127.0.0.1 treated as a public address, and names ending in .test
    resolved by this table instead of DNS."""
    names: dict[str, list[str]] = {}
    real_resolve = guard.resolve
    monkeypatch.setattr(guard, "is_public", lambda address: str(address) == "127.0.0.1")
    monkeypatch.setattr(
        guard,
        "resolve",
        lambda host, port: names[host] if host.endswith(".test") else real_resolve(host, port),
    )
    return names


def test_every_redirect_hop_is_vetted_again(portal: Portal, fetch, pretend_public) -> None:
    pretend_public["intranet.test"] = ["10.0.0.5"]
    portal.add("/to-address", status=302, headers={"Location": portal.url("/x", "127.0.0.2")})
    portal.add("/to-name", status=301, headers={"Location": portal.url("/x", "intranet.test")})
    result = fetch(portal.url("/to-address"), portal.url("/to-name"), private=False)
    assert result.code == 1
    assert (
        f"{portal.url('/to-address')}: 地址 127.0.0.2 属于内网或本机，已拒绝"
        f"（确需抓取内网地址请加 --allow-private）（重定向到 {portal.url('/x', '127.0.0.2')} 后）"
    ) in result.out
    assert (
        f"{portal.url('/to-name')}: intranet.test 解析到的地址 10.0.0.5 属于内网或本机"
    ) in result.out
    assert portal.asked == ["/robots.txt", "/to-address", "/to-name"]


def test_the_connection_goes_to_the_address_vetted_not_a_later_answer(
    portal: Portal, pretend_public
) -> None:
    """DNS rebinding: the name answers a public address when vetted and an
    inside one a moment later; the connection is made to the vetted one."""
    portal.add("/report.pdf", b"%PDF-1.4", "application/pdf")
    pretend_public["portal.test"] = ["127.0.0.1"]
    target = guard.target(portal.url("/report.pdf", "portal.test"))
    addresses = guard.vetted_addresses(target, allow_private=False)
    pretend_public["portal.test"] = ["10.0.0.5"]  # rebound
    connection = guard.connection(target, addresses, 5, ssl.create_default_context())
    connection.request("GET", target.path)
    assert connection.opened is not None and connection.opened.getpeername()[0] == "127.0.0.1"
    assert connection.getresponse().read() == b"%PDF-1.4"
    connection.close()
    assert portal.hosts == [f"portal.test:{portal.port}"]


# --- HTTPS: the certificate checked for the URL's host --------------------------


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, key_file = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key_file


def test_https_verifies_the_certificate_for_the_url_host(
    portal: Portal, fetch, pretend_public, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path, "portal.test")
    server_names: list[str | None] = []
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    tls.sni_callback = lambda sock, name, context: server_names.append(name)
    portal.server.socket = tls.wrap_socket(portal.server.socket, server_side=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the test's authority, and it alone
    pretend_public["portal.test"] = pretend_public["other.test"] = ["127.0.0.1"]
    portal.add("/report.pdf", PDF.read_bytes(), "application/pdf")
    good = f"https://portal.test:{portal.port}/report.pdf"
    wrong = f"https://other.test:{portal.port}/report.pdf"
    result = fetch(good, wrong, private=False)
    assert f"已下载 {good} → report.pdf" in result.err
    # Its robots.txt is asked first, over the same TLS: the report is not asked at all.
    assert f"{wrong}: robots.txt 无法获取（证书校验失败（" in result.out
    assert server_names == ["portal.test", "portal.test", "other.test"]
    assert portal.hosts == [f"portal.test:{portal.port}"] * 2


# --- robots.txt -----------------------------------------------------------------


def test_robots_txt_is_honoured_and_a_disallowed_path_skipped(portal: Portal, fetch) -> None:
    portal.add("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.add("/private/a.pdf", PDF.read_bytes(), "application/pdf")
    portal.add("/gk/c.pdf", PDF.read_bytes(), "application/pdf")
    result = fetch(portal.url("/private/a.pdf"), portal.url("/gk/c.pdf"))
    assert result.code == 1
    assert portal.asked == ["/robots.txt", "/gk/c.pdf"]  # robots.txt once, the other never
    line = f"{portal.url('/private/a.pdf')}: robots.txt 不允许抓取，已跳过"
    assert f"已跳过 skipped:\n  {line}\n" in result.out
    assert "失败 failed:" not in result.out
    assert f"已跳过 {line}\n" in result.err


def test_the_group_naming_this_fetcher_is_the_one_it_obeys(portal: Portal, fetch) -> None:
    portal.add(
        "/robots.txt",
        b"User-agent: *\nDisallow: /\n\nUser-agent: xxgk-dashboard-fetch\nDisallow: /nofetch/\n",
        "text/plain",
    )
    portal.add("/nofetch/b.pdf", PDF.read_bytes(), "application/pdf")
    portal.add("/gk/c.pdf", PDF.read_bytes(), "application/pdf")
    result = fetch(portal.url("/nofetch/b.pdf"), portal.url("/gk/c.pdf"))
    assert f"{portal.url('/nofetch/b.pdf')}: robots.txt 不允许抓取，已跳过" in result.out
    assert portal.asked == ["/robots.txt", "/gk/c.pdf"]


def test_a_redirect_to_a_disallowed_path_is_skipped(portal: Portal, fetch) -> None:
    portal.add("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.add("/go", status=302, headers={"Location": "/private/a.pdf"})
    result = fetch(portal.url("/go"))
    assert (
        f"{portal.url('/go')}: robots.txt 不允许抓取，已跳过"
        f"（重定向到 {portal.url('/private/a.pdf')} 后）"
    ) in result.out
    assert portal.asked == ["/robots.txt", "/go"]


def test_a_robots_txt_that_cannot_be_had_disallows_everything(portal: Portal, fetch) -> None:
    portal.add("/robots.txt", status=500)
    portal.add("/gk/c.pdf", PDF.read_bytes(), "application/pdf")
    result = fetch(portal.url("/gk/c.pdf"), "--retries", "0")
    assert (
        f"{portal.url('/gk/c.pdf')}: robots.txt 无法获取（服务器返回 500 Internal Server Error），"
        "按 RFC 9309 视为不允许抓取，未下载"
    ) in result.out
    assert "失败 failed:" in result.out and "已跳过 skipped:" not in result.out
    assert portal.asked == ["/robots.txt"]


def test_robots_crawl_delay_spaces_requests_to_the_host(portal: Portal) -> None:
    portal.add("/robots.txt", b"User-agent: *\nCrawl-delay: 7\n", "text/plain")
    client = Client(Policy(allow_private=True, delay=0.5))
    Robots(client).check(portal.url("/a.pdf"))
    assert client.pacer.delays == {f"http://127.0.0.1:{portal.port}": 7.0}


def test_the_pacer_spaces_requests_per_host() -> None:
    now = [0.0]
    pacer = Pacer(1.0, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])
    for host in ("a", "b", "a", "a"):
        pacer.wait(host)
    assert now[0] == 2.0  # a at 0, b at 0, a at 1, a at 2
    pacer.defer("b", 5)
    pacer.wait("b")
    assert now[0] == 7.0


def test_requests_say_who_is_asking(portal: Portal, fetch, monkeypatch) -> None:
    agents: list[str] = []
    handle = portal.server.RequestHandlerClass.do_GET

    def recording(self) -> None:
        agents.append(self.headers["User-Agent"])
        handle(self)

    monkeypatch.setattr(portal.server.RequestHandlerClass, "do_GET", recording)
    portal.add("/a.pdf", PDF.read_bytes(), "application/pdf")
    fetch(portal.url("/a.pdf"))
    assert agents == [USER_AGENT] * 2 and USER_AGENT.startswith("xxgk-dashboard-fetch/")


# --- The folder and its manifest ------------------------------------------------


def test_fetching_again_updates_the_rows_and_two_urls_keep_two_files(
    portal: Portal, fetch, tmp_path: Path
) -> None:
    portal.add("/2023/report.pdf", PDF.read_bytes(), "application/pdf")
    portal.add("/2024/report.pdf", PDF.read_bytes()[:-1], "application/pdf")
    urls = (portal.url("/2023/report.pdf"), portal.url("/2024/report.pdf"))
    assert fetch(*urls).code == 0
    first = manifest_rows(tmp_path / "out")
    assert fetch(*urls).code == 0
    again = manifest_rows(tmp_path / "out")
    names = [row["file"] for row in first]
    assert [row["file"] for row in again] == names
    assert names[0] == "report.pdf"
    assert names[1].startswith("report-") and names[1].endswith(".pdf")  # a hash of the URL
    assert [row["url"] for row in again] == list(urls)
    assert len(list((tmp_path / "out").iterdir())) == 3


def test_a_folder_that_cannot_be_made_is_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("")
    code = main(["fetch", "http://x.cn/r.pdf", "--out", str(tmp_path / "file" / "out")])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'file' / 'out'}: 无法创建文件夹（")


def test_urls_come_from_a_list_file_too(portal: Portal, fetch, tmp_path: Path) -> None:
    portal.add("/a.pdf", PDF.read_bytes(), "application/pdf")
    portal.add("/b.pdf", PDF.read_bytes(), "application/pdf")
    listed = tmp_path / "urls.txt"
    listed.write_text(
        f"# 2024 年度\n{portal.url('/a.pdf')}\n\n  {portal.url('/b.pdf')}  \n"
        f"{portal.url('/a.pdf')}\n",
        encoding="utf-8",
    )
    result = fetch("--list", str(listed))
    assert result.code == 0
    assert portal.asked == ["/robots.txt", "/a.pdf", "/b.pdf"]


def test_without_urls_or_a_list_it_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["fetch", "--out", str(tmp_path / "out")])
    assert stopped.value.code == 2
    assert "需要至少一个网址，或用 --list FILE 给出网址列表" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_fetched_file_keeps_its_manifest_url_over_the_one_it_quotes(tmp_path: Path) -> None:
    text = RAW.joinpath("2024_huaian_hongzequ.txt").read_text(encoding="utf-8")
    quoted = tmp_path / "quoted.txt"
    quoted.write_text("原文链接：http://www.hongze.gov.cn/old.html\n" + text, encoding="utf-8")
    assert extract_path(quoted).source.url == "http://www.hongze.gov.cn/old.html"
    assert extract_path(quoted).source.fetched_at is None
    (tmp_path / MANIFEST).write_text(
        "file\turl\tfetched_at\tpage_url\n"
        "quoted.txt\thttps://www.hongze.gov.cn/nb/2024.txt\t2026-12-07T07:10:00+00:00\t\n",
        encoding="utf-8",
    )
    source = extract_path(quoted).source
    assert (source.url, source.fetched_at) == (
        "https://www.hongze.gov.cn/nb/2024.txt",
        "2026-12-07T07:10:00+00:00",
    )


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        (
            "file\turl\n",
            "fetched.tsv 第 1 行应为表头 file、url、fetched_at、page_url（以制表符分隔）",
        ),
        (
            "file\turl\tfetched_at\tpage_url\na.pdf\thttp://x.cn/a.pdf\n",
            "fetched.tsv 第 2 行有 2 列，应为 4 列（以制表符分隔）",
        ),
        (
            "file\turl\tfetched_at\tpage_url\na.pdf\thttp://x.cn/a.pdf\tyesterday\t\n",
            "fetched.tsv 第 2 行的下载时间 'yesterday' 不是带时区的 ISO-8601 时间",
        ),
        (
            "file\turl\tfetched_at\tpage_url\n../a.pdf\thttp://x.cn/a\t2026-12-07T07:10:00+00:00\t\n",
            "fetched.tsv 第 2 行的文件名 '../a.pdf' 不是本文件夹中的文件名",
        ),
        (
            "file\turl\tfetched_at\tpage_url\n\na.pdf\tfile:///a\t2026-12-07T07:10:00+00:00\t\n",
            "fetched.tsv 第 3 行的网址不是 http 或 https 网址",
        ),
    ],
)
def test_a_malformed_manifest_names_itself_and_the_line(
    tmp_path: Path, manifest: str, problem: str
) -> None:
    (tmp_path / MANIFEST).write_text(manifest, encoding="utf-8")
    with pytest.raises(ExtractionError) as raised:
        read_manifest(tmp_path)
    assert (raised.value.file, raised.value.problem) == (str(tmp_path / MANIFEST), problem)
    report = tmp_path / "a.pdf"
    report.write_bytes(PDF.read_bytes())
    with pytest.raises(ExtractionError) as raised:
        extract_path(report)
    assert raised.value.problem == problem


# --- Names and links ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf", "年报.pdf"),
        ("attachment; filename*=gbk''%C4%EA%B1%A8.pdf", "年报.pdf"),  # GBK, percent-encoded
        ('attachment; filename="%C4%EA%B1%A8.doc"', "年报.doc"),  # GBK in a plain filename
        ('attachment; filename="%E5%B9%B4%E6%8A%A5.wps"', "年报.wps"),
        ('attachment; filename="年报.pdf"'.encode().decode("latin-1"), "年报.pdf"),  # raw UTF-8
        ('attachment; filename="年报.pdf"'.encode("gbk").decode("latin-1"), "年报.pdf"),  # raw GBK
        ("attachment; filename=\"a.pdf\"; filename*=UTF-8''%E5%B9%B4.pdf", "年.pdf"),
        ('inline; filename="say \\"hi\\".pdf"', 'say "hi".pdf'),
        ("attachment; filename==?UTF-8?B?5bm05oqlLnBkZg==?=", "年报.pdf"),
        ("attachment", None),
    ],
)
def test_content_disposition_names_as_portals_send_them(header: str, name: str | None) -> None:
    assert disposition_filename(header) == name


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", ""),
        (".hidden.pdf", "hidden.pdf"),
        ("a\x00b\x1fc\u202efdp.exe.pdf", "abcfdp.exe.pdf"),
        ('报告<1>:"?*|.pdf', "报告_1______.pdf"),
        ("年" * 200 + ".pdf", "年" * 48 + ".pdf"),  # 150 bytes of UTF-8
    ],
)
def test_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_name(name) == safe


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_name_leaves_the_folder_or_hides(name: str) -> None:
    safe = safe_name(name)
    assert "/" not in safe and "\\" not in safe and safe not in (".", "..")
    assert not safe.startswith(".") and len(safe.encode("utf-8")) <= 150
    assert all(ord(c) >= 32 and c != "\x7f" for c in safe)
    saved = file_name([name], ".pdf")
    assert saved and not saved.startswith(".") and "/" not in saved


@given(
    st.sampled_from(
        ["", "attachment; filename=", 'inline; filename="', "a; filename*=utf-8''"]
    ).flatmap(lambda head: st.text().map(lambda tail: head + tail))
)
def test_any_content_disposition_gives_a_name_or_none(header: str) -> None:
    assert isinstance(disposition_filename(header), str | None)


def test_a_name_gets_its_suffix_from_the_content_type() -> None:
    assert file_name([None, url_filename("http://x.cn/content?id=5"), None], ".html") == (
        "content.html"
    )
    assert file_name([None, url_filename("http://x.cn/"), None], ".html") == "index.html"
    assert file_name([None, "t20240117_1.shtml"], ".html") == "t20240117_1.shtml"
    assert file_name(["报告.wps"], ".doc") == "报告.wps"  # the readers go by content
    assert file_name([None, "download.jsp", "附件：年报.docx"], ".docx") == "附件：年报.docx"
    assert url_filename("http://x.cn/%C4%EA%B1%A8.pdf") == "年报.pdf"  # GBK in the URL


def test_attachment_links_are_resolved_once_each_in_page_order() -> None:
    page = """<html><head><meta charset="gbk"><base href="/files/2024/"></head><body>
        <a href="a.PDF">附件一</a>
        <a href="b.pdf#page=2">附件二</a> <a href="b.pdf">附件二（重复）</a>
        <a href="/dl?id=9">附件三：年度报告.docx</a>
        <a href="https://other.cn/c.wps?x=1">附件四</a>
        <a href="javascript:void(0)">打开.pdf</a> <a href="mailto:x@y.cn">邮件.doc</a>
        <a href="/index.html">首页</a> <a>无链接.pdf</a> <a href="d.zip">压缩包</a>
    </body></html>""".encode("gbk")
    links = attachment_links(page, "http://www.x.gov.cn/nb/page.html")
    assert [(link.url, link.text) for link in links] == [
        ("http://www.x.gov.cn/files/2024/a.PDF", None),
        ("http://www.x.gov.cn/files/2024/b.pdf", None),
        ("http://www.x.gov.cn/dl?id=9", "附件三：年度报告.docx"),
        ("https://other.cn/c.wps?x=1", None),
    ]


def test_links_are_read_in_the_charset_the_server_gives() -> None:
    page = '<a href="/x">二〇二四年报告.pdf</a>'.encode("gbk")
    (link,) = attachment_links(page, "http://x.cn/", "gb2312")
    assert link.text == "二〇二四年报告.pdf"
    assert attachment_links(b"", "http://x.cn/") == []
