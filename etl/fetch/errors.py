"""Why a URL was not fetched: one line naming the URL, never a traceback."""

from __future__ import annotations


class FetchError(Exception):
    """A URL not fetched. ``str()`` is the line shown: ``URL: problem``.
    ``status`` is the HTTP status the problem is about, if any."""

    def __init__(
        self, url: str, problem: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.status = status
        self.retry_after = retry_after

    def after_redirect(self, url: str, hop: str) -> FetchError:
        """The same error told about ``url``, the URL asked for, that was redirected to ``hop``."""
        return type(self)(
            url, f"{self.problem}（重定向到 {hop} 后）", self.status, self.retry_after
        )


class Transient(FetchError):
    """A failure that may pass: a connection error, a timeout, 429 or 5xx.
    ``retry_after`` is the server's Retry-After, in seconds, if it gave one."""


class Disallowed(FetchError):
    """robots.txt does not let us fetch the URL: skipped, not failed."""
