"""The order of a fetch: each URL vetted (before even its robots.txt is
asked for, etl/fetch/client.py), allowed by robots.txt, fetched and saved; a
page's attachments right after it. Nothing stops the run but the end of the list: every URL
ends as one Outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.fetch import guard
from etl.fetch.client import Client, Head, Policy, Response
from etl.fetch.errors import Disallowed, FetchError
from etl.fetch.links import attachment_links
from etl.fetch.media import saved_suffix
from etl.fetch.provenance import Manifest
from etl.fetch.robots import Robots
from etl.fetch.store import names_of, save

SAVED, SKIPPED, FAILED = "saved", "skipped", "failed"
_LINKING_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class Outcome:
    """What became of one URL."""

    url: str  # as asked for
    status: str  # SAVED, SKIPPED (robots.txt) or FAILED
    detail: str  # the file it was saved as, or why it was not
    page_url: str | None = None  # for an attachment: the page that links it

    def line(self) -> str:
        """The one line shown for it, naming the URL."""
        if self.status == SAVED:
            return f"{self.url} → {self.detail}"
        linked = f"（{self.page_url} 的附件）" if self.page_url else ""
        return f"{self.url}: {self.detail}{linked}"


class Crawl:
    """A fetch into ``out``: its client (one rate per host), robots.txt
    rules and manifest, shared by every URL of the run."""

    def __init__(
        self,
        out: Path,
        policy: Policy,
        attachments: bool = True,
        progress: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.out = out
        self.policy = policy
        self.attachments = attachments
        self.progress = progress or (lambda outcome: None)
        self.client = Client(policy)
        self.robots = Robots(self.client)
        self.manifest = Manifest(out)
        self.outcomes: list[Outcome] = []
        self.asked: set[str] = set()

    def run(self, urls: Iterable[str]) -> list[Outcome]:
        for url in urls:
            self._fetch(url)
        return self.outcomes

    def _fetch(self, url: str, hint: str | None = None, page_url: str | None = None) -> None:
        """Fetch and save ``url`` (a page, or an attachment of ``page_url``),
        then a page's attachments."""
        try:
            target = guard.target(url)
            if target.url in self.asked:
                return
            self.asked.add(target.url)
            response = self._get(target, hint, attachment=page_url is not None)
            name = save(self.out, self.manifest, response, hint, page_url)
        except Disallowed as error:
            self._tell(Outcome(url, SKIPPED, error.problem, page_url))
            return
        except FetchError as error:
            self._tell(Outcome(url, FAILED, error.problem, page_url))
            return
        except OSError as error:  # the folder: full, or not writable
            problem = f"无法保存到 {self.out}（{error.strerror or error}）"
            self._tell(Outcome(url, FAILED, problem, page_url))
            return
        self._tell(Outcome(url, SAVED, name, page_url))
        if self.attachments and page_url is None and response.head.media_type in _LINKING_TYPES:
            final = response.head.url
            for link in attachment_links(response.body, final, response.head.charset):
                self._fetch(link.url, link.text, final)

    def _get(self, target: guard.Target, hint: str | None, attachment: bool) -> Response:
        # robots.txt is asked by the client for every hop (``permit``),
        # each after its address is vetted.
        def check(head: Head) -> None:
            saved_suffix(target.url, head.media_type, names_of(head, hint), attachment)

        return self.client.get(target.url, check=check, permit=self.robots.check)

    def _tell(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        self.progress(outcome)
