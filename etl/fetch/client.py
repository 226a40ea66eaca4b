"""One polite GET: to vetted addresses only (etl/fetch/guard.py), spaced per
host, within time and size limits, its content type checked before its body
is read, redirects followed by hand (each hop vetted again), and retried with
exponential backoff when the failure may pass (a connection error, a
timeout, 429 or 5xx — honouring the server's Retry-After within a bound)."""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

from etl import __version__
from etl.fetch import guard
from etl.fetch.errors import FetchError, Transient
from etl.files import megabytes

USER_AGENT = f"xxgk-dashboard-fetch/{__version__}"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MB  # a scanned report is a few MB; a text PDF a few hundred KB
_CHUNK = 64 * 1024
_MAX_REASON_CHARS = 100
_ACCEPT = (
    "text/html,application/xhtml+xml,application/pdf,application/msword,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/rtf,application/vnd.oasis.opendocument.text;q=0.9,*/*;q=0.1"
)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
# Content-Encoding the server may send even though asked for identity:
# inflated here within the size limit (a small gzip may unpack to gigabytes).
_INFLATED = frozenset({"gzip", "x-gzip", "deflate"})


@dataclass(frozen=True)
class Policy:
    """Every limit a fetch keeps; the defaults are for government portals,
    tests set them small."""

    allow_private: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 30.0  # seconds for a connection, or any read, to answer
    max_seconds: float = 300.0  # for a whole response, however it trickles
    delay: float = 1.0  # seconds between two requests to one host
    retries: int = 3
    backoff: float = 1.0  # the first retry's wait, doubled for each next one
    max_retry_after: float = 120.0  # a longer Retry-After is given up on, not waited for


@dataclass(frozen=True)
class Head:
    """What a response says of itself before its body is read."""

    url: str  # after redirects
    media_type: str  # lower case, no parameters; application/octet-stream when not said
    charset: str | None
    filename: str | None  # from Content-Disposition, as sent
    length: int | None  # Content-Length


@dataclass(frozen=True)
class Response:
    head: Head
    body: bytes


Check = Callable[[Head], None]  # raises FetchError to refuse a response before its body
Permit = Callable[[str], None]  # raises FetchError to refuse a URL (a hop) before it is asked


def size_label(size: int) -> str:
    """A byte count as a limit is spoken of: 25 MB, 512 KB, 1,000 字节."""
    for unit, name in ((MB, "MB"), (1024, "KB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit:,} {name}"
    return f"{size:,} 字节"


class Pacer:
    """When the next request to a host may go: ``delay`` after the one
    before, or its robots.txt Crawl-delay, or later when a retry waits."""

    def __init__(
        self,
        delay: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.delay = delay
        self.sleep = sleep
        self.clock = clock
        self.ready: dict[str, float] = {}
        self.delays: dict[str, float] = {}

    def slow_down(self, host: str, seconds: float) -> None:
        """Space requests to ``host`` at least ``seconds`` apart."""
        self.delays[host] = max(self.delays.get(host, self.delay), seconds)

    def defer(self, host: str, seconds: float) -> None:
        """Let no request go to ``host`` for ``seconds``."""
        self.ready[host] = max(self.ready.get(host, 0.0), self.clock() + seconds)

    def wait(self, host: str) -> None:
        """Sleep until a request to ``host`` may go, and count it as gone."""
        pause = self.ready.get(host, 0.0) - self.clock()
        if pause > 0:
            self.sleep(pause)
        self.ready[host] = self.clock() + self.delays.get(host, self.delay)


class Client:
    """GETs under one Policy, sharing one Pacer (and so one rate per host)."""

    def __init__(
        self, policy: Policy, pacer: Pacer | None = None, context: ssl.SSLContext | None = None
    ) -> None:
        self.policy = policy
        self.pacer = pacer or Pacer(policy.delay)
        # Certificates verified against the system's authorities, as a browser does.
        self.context = context or ssl.create_default_context()
        self.headers = {
            "User-Agent": USER_AGENT,
            "Accept": _ACCEPT,
            "Accept-Encoding": "identity",
            "Connection": "close",
        }

    def get(
        self,
        url: str,
        check: Check | None = None,
        permit: Permit | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """The body of ``url`` (after up to MAX_REDIRECTS redirects), or
        FetchError naming ``url``. ``check`` may refuse the final response by
        its head, ``permit`` any URL before it is asked (robots.txt)."""
        host = guard.target(url).origin
        attempt = 0
        while True:
            try:
                return self._follow(url, check, permit, max_bytes or self.policy.max_bytes)
            except Transient as error:
                if attempt == self.policy.retries:
                    tried = f"（已重试 {attempt} 次）" if attempt else ""
                    raise FetchError(url, error.problem + tried, error.status) from error
                self.pacer.defer(host, self._pause(url, attempt, error))
                attempt += 1

    def _pause(self, url: str, attempt: int, error: Transient) -> float:
        """How long to wait before retry ``attempt + 1``."""
        pause = self.policy.backoff * 2**attempt
        if error.retry_after is None:
            return pause
        if error.retry_after > self.policy.max_retry_after:
            raise FetchError(
                url,
                f"{error.problem}，服务器要求 {error.retry_after:g} 秒后再试，"
                f"超过 {self.policy.max_retry_after:g} 秒的上限，已放弃",
                error.status,
            ) from error
        return max(pause, error.retry_after)

    def _follow(self, url: str, check: Check | None, permit: Permit | None, limit: int) -> Response:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = guard.target(current)
                # The address before anything else: no request at all —
                # robots.txt included — goes to a host that is refused.
                addresses = guard.vetted_addresses(target, self.policy.allow_private)
                if permit is not None:
                    permit(target.url)
                answer = self._once(target, addresses, check, limit)
            except FetchError as error:
                if current == url:
                    raise
                raise error.after_redirect(url, current) from error
            if isinstance(answer, Response):
                return answer
            current = urljoin(target.url, answer)
        raise FetchError(url, f"重定向超过 {MAX_REDIRECTS} 次，已停止")

    def _once(
        self, target: guard.Target, addresses: list[str], check: Check | None, limit: int
    ) -> Response | str:
        """One request, to the vetted ``addresses``: the response, or the
        Location it redirects to."""
        self.pacer.wait(target.origin)
        connection = guard.connection(target, addresses, self.policy.timeout, self.context)
        response: http.client.HTTPResponse | None = None
        with _Watchdog(connection, self.policy.max_seconds) as watchdog:
            try:
                connection.request("GET", target.path, headers=self.headers)
                response = connection.getresponse()
                if response.status in REDIRECTS:
                    return _location(target.url, response)
                _check_status(target.url, response)
                head = _head(target.url, response)
                if check is not None:
                    check(head)
                body = _read_body(target.url, response, head, limit, watchdog)
                return Response(head, body)
            except (OSError, http.client.HTTPException) as error:
                if watchdog.fired:
                    raise watchdog.error(target.url) from error
                raise _connection_error(target.url, error, self.policy.timeout) from error
            finally:
                # Closed at once, unread: a body refused half-way is not drained.
                if response is not None:
                    response.close()
                connection.close()


class _Watchdog:
    """Cuts a connection still open at its deadline: a server that trickles
    its headers or body a byte at a time is stopped as surely as one that
    stalls (the per-read timeout alone would let it go on for hours)."""

    def __init__(self, connection: guard.Connection, seconds: float) -> None:
        self.connection = connection
        self.seconds = seconds
        self.fired = False
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True

    def _cut(self) -> None:
        self.fired = True
        sock = self.connection.opened
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read, unlike close()

    def error(self, url: str) -> FetchError:
        return FetchError(url, f"下载超过 {self.seconds:g} 秒的时间上限，已停止")

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.timer.cancel()


def _location(url: str, response: http.client.HTTPResponse) -> str:
    location = response.getheader("Location")
    if not location or not location.strip():
        raise FetchError(url, f"服务器返回 {response.status} 重定向，却没有给出新地址（Location）")
    return _header_text(location.strip())


def _header_text(value: str) -> str:
    """A header http.client read as Latin-1, as the UTF-8 it usually is."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _check_status(url: str, response: http.client.HTTPResponse) -> None:
    if response.status == 200:
        return
    reason = (response.reason or "").strip()[:_MAX_REASON_CHARS]
    problem = f"服务器返回 {response.status} {reason}".rstrip()
    if response.status == 429 or 500 <= response.status < 600:
        retry_after = _retry_after(response.getheader("Retry-After"))
        raise Transient(url, problem, response.status, retry_after)
    raise FetchError(url, problem, response.status)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _head(url: str, response: http.client.HTTPResponse) -> Head:
    content_type = response.getheader("Content-Type") or ""
    media_type = content_type.split(";", 1)[0].strip().lower() or "application/octet-stream"
    charset = _CHARSET.search(content_type)
    length = (response.getheader("Content-Length") or "").strip()
    return Head(
        url=url,
        media_type=media_type,
        charset=charset.group(1) if charset else None,
        filename=response.getheader("Content-Disposition"),
        length=int(length) if length.isdigit() else None,
    )


def _read_body(
    url: str,
    response: http.client.HTTPResponse,
    head: Head,
    limit: int,
    watchdog: _Watchdog,
) -> bytes:
    """The body, read a chunk at a time and stopped as soon as it passes
    ``limit`` — or before a byte is read when Content-Length says it would."""
    if head.length is not None and head.length > limit:
        raise FetchError(
            url,
            f"文件过大（{megabytes(head.length):.1f} MB，超过 {size_label(limit)} 的上限），未下载",
        )
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in _INFLATED | {"identity", ""}:
        raise FetchError(url, f"服务器返回了不支持的压缩格式（Content-Encoding: {encoding}）")
    body = _Body(url, limit, encoding in _INFLATED)
    while chunk := response.read1(_CHUNK):
        body.add(chunk)
    if watchdog.fired:  # the cut connection ended the body early
        raise watchdog.error(url)
    return body.finish()


class _Body:
    """A body being received, inflated if it comes compressed, never past ``limit``."""

    def __init__(self, url: str, limit: int, compressed: bool) -> None:
        self.url = url
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        # 32 + 15: a gzip or zlib stream, by its header.
        self.inflater = zlib.decompressobj(32 + zlib.MAX_WBITS) if compressed else None

    def add(self, data: bytes) -> None:
        if self.inflater is None:
            self._keep(data)
            return
        try:
            while data:
                self._keep(self.inflater.decompress(data, self.limit - self.size + 1))
                data = self.inflater.unconsumed_tail
        except zlib.error as error:
            raise FetchError(self.url, f"服务器返回的压缩内容已损坏（{error}）") from error

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            limit = size_label(self.limit)
            raise FetchError(self.url, f"文件过大（超过 {limit} 的上限），已停止下载")
        self.parts.append(data)

    def finish(self) -> bytes:
        if self.inflater is not None:
            self._keep(self.inflater.flush())
        return b"".join(self.parts)


def _connection_error(url: str, error: BaseException, timeout: float) -> FetchError:
    """The one line for a failure of the connection itself; transient unless
    retrying cannot help (a certificate that does not verify)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return FetchError(url, f"证书校验失败（{error.verify_message or error.reason}）")
    if isinstance(error, ssl.SSLError):
        return FetchError(url, f"TLS 连接失败（{error.reason or error}）")
    if isinstance(error, TimeoutError):
        return Transient(url, f"{timeout:g} 秒内没有响应（连接或读取超时）")
    if isinstance(error, http.client.HTTPException):
        return Transient(url, f"连接中断或响应无效（{type(error).__name__}）")
    reason = getattr(error, "strerror", None) or error
    return Transient(url, f"无法连接（{reason}）")
