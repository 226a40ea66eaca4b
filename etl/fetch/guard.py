"""Which URLs may be asked for, and connections that go only where was vetted.

A URL handed to fetch — or linked from a page, or redirected to — could
point inside the office's own network: a router's admin page, an intranet
server, a cloud metadata service at 169.254.169.254. Every host is resolved
once, every address it resolves to is checked, and the connection is made to
the checked address itself, so a name that resolves elsewhere a moment later
(DNS rebinding) is never looked up again. HTTPS still verifies the
certificate against the URL's host name, sent as SNI.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from etl.fetch.errors import FetchError, Transient

DEFAULT_PORTS = {"http": 80, "https": 443}
PRIVATE_HINT = "（确需抓取内网地址请加 --allow-private）"
# Characters kept as they are when a URL is made ASCII (those of RFC 3986
# with a meaning, and % so that escapes already there stay single).
_SAFE = "!$%&'()*+,/:;=?@[]~"
# IPv6 forms that carry an IPv4 address the packet really goes to.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A URL ready to be asked for."""

    url: str  # ASCII, without fragment or credentials: what is recorded
    scheme: str
    host: str  # IDNA-encoded; an IPv6 address without brackets
    port: int
    path: str  # the request target: path and query

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``, as robots.txt and the rate limit count hosts."""
        return _origin(self.scheme, self.host, self.port)


def _origin(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if DEFAULT_PORTS[scheme] == port else f":{port}")


def target(url: str) -> Target:
    """``url`` checked and made ASCII: only http and https, with a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError(url, f"网址无效（{error}）") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"不抓取 {scheme}: 网址" if scheme else "这个网址没有写明协议"
        raise FetchError(url, f"只能抓取 http 和 https 网址，{shown}，已拒绝")
    host = parts.hostname
    if not host:
        raise FetchError(url, "网址中没有主机名，已拒绝")
    try:
        host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchError(url, f"网址的主机名无效（{error}）") from error
    path = quote(parts.path or "/", safe=_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_SAFE)
    port = port or DEFAULT_PORTS[scheme]
    return Target(_origin(scheme, host, port) + path, scheme, host, port, path)


def is_public(address: str | Address) -> bool:
    """Whether ``address`` is on the public internet: not private, loopback,
    link-local, unique-local, multicast, reserved or unspecified — looking
    through IPv6 forms that carry an IPv4 address (::ffff:127.0.0.1)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:  # fe80::1%eth0: a link's own address
            return False
        inner = _carried_ipv4(ip)
        if inner is not None:
            return is_public(inner)
        if ip.is_site_local:
            return False
    refused = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    return ip.is_global and not any(refused)


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 or 6to4 address stands for."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vetted_addresses(target: Target, allow_private: bool) -> list[str]:
    """The addresses to connect to for ``target``: all of them public, unless
    ``allow_private``. One address inside refuses the host — a name that
    resolves both ways is exactly what a rebinding attack looks like."""
    try:
        addresses = resolve(target.host, target.port)
    except (socket.gaierror, UnicodeError) as error:
        temporary = isinstance(error, socket.gaierror) and error.errno == socket.EAI_AGAIN
        problem = f"无法解析域名 {target.host}（{getattr(error, 'strerror', None) or error}）"
        raise (Transient if temporary else FetchError)(target.url, problem) from error
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise FetchError(target.url, private_address(target.host, address))
    return addresses


def private_address(host: str, address: str) -> str:
    """The one line saying that ``host`` is refused for ``address``."""
    where = f"地址 {address}" if host == address else f"{host} 解析到的地址 {address}"
    return f"{where} 属于内网或本机，已拒绝{PRIVATE_HINT}"


def connect_to(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first of the vetted ``addresses`` that answers."""
    failure: OSError = OSError("没有可连接的地址")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as error:
            failure = error
    raise failure


class VettedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection made to vetted addresses only; the Host header is
    still the URL's host."""

    def __init__(self, target: Target, addresses: list[str], timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = addresses
        # http.client lets go of ``sock`` once a response that closes the
        # connection has begun; the socket is kept here to cut it off.
        self.opened: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.opened = connect_to(self.addresses, self.port, self.timeout)


class VettedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection made to vetted addresses only. The certificate is
    verified as usual, for the URL's host name (sent as SNI), not the address."""

    def __init__(
        self, target: Target, addresses: list[str], timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self.addresses = addresses
        self.tls = context
        self.opened: socket.socket | None = None

    def connect(self) -> None:
        plain = connect_to(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.opened = self.tls.wrap_socket(plain, server_hostname=self.host)
        except BaseException:
            plain.close()
            raise


Connection = VettedHTTPConnection | VettedHTTPSConnection


def connection(
    target: Target, addresses: list[str], timeout: float, context: ssl.SSLContext
) -> Connection:
    """A connection for ``target`` to its ``addresses`` (vetted_addresses), not yet made."""
    if target.scheme == "https":
        return VettedHTTPSConnection(target, addresses, timeout, context)
    return VettedHTTPConnection(target, addresses, timeout)
