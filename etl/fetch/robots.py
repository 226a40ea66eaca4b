"""robots.txt, read as RFC 9309 says: fetched once a host through our own
client (so its URL is vetted like any other), a missing one (4xx) allows
everything, one that cannot be had (5xx, no connection) disallows
everything, and its Crawl-delay spaces our requests to the host. A URL its
rules disallow is skipped (Disallowed); one of a host whose robots.txt cannot
be had is not fetched either, but failed: the host is down or broken, which
no rule of its owner says."""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

from etl.fetch import guard
from etl.fetch.client import USER_AGENT, Client
from etl.fetch.errors import Disallowed, FetchError

# RFC 9309 asks crawlers to read at least 500 KiB of it.
MAX_ROBOTS_BYTES = 500 * 1024
# A Crawl-delay above this would stall a fetch for hours: this much is honoured.
MAX_CRAWL_DELAY = 30.0
DISALLOWED = "robots.txt 不允许抓取，已跳过"


class Robots:
    """The robots.txt rules of every host asked, each fetched once."""

    def __init__(self, client: Client) -> None:
        self.client = client
        # By origin: the rules, or why robots.txt could not be had.
        self.rules: dict[str, RobotFileParser | str] = {}

    def check(self, url: str) -> None:
        """Raise Disallowed unless robots.txt lets us fetch ``url``, FetchError
        when it cannot be had."""
        target = guard.target(url)
        if target.origin not in self.rules:
            self.rules[target.origin] = self._read(target.origin)
        rules = self.rules[target.origin]
        if isinstance(rules, str):
            raise FetchError(url, rules)
        if not rules.can_fetch(USER_AGENT, target.url):
            raise Disallowed(url, DISALLOWED)

    def _read(self, origin: str) -> RobotFileParser | str:
        rules = RobotFileParser(f"{origin}/robots.txt")
        try:
            response = self.client.get(rules.url, max_bytes=MAX_ROBOTS_BYTES)
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500 and error.status != 429:
                rules.allow_all = True  # none there: nothing is disallowed
                return rules
            return f"robots.txt 无法获取（{error.problem}），按 RFC 9309 视为不允许抓取，未下载"
        rules.parse(response.body.decode("utf-8", "replace").splitlines())
        delay = rules.crawl_delay(USER_AGENT)
        if delay:
            self.client.pacer.slow_down(origin, min(float(delay), MAX_CRAWL_DELAY))
        return rules
