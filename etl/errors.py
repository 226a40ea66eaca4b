"""The one error an extraction can end with: no report could be read at all."""

from __future__ import annotations


class ExtractionError(Exception):
    """No report can be read from a file. ``str()`` is the one line shown to the user."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem
