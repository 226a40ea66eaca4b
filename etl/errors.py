"""The one error an extraction can end with: no report could be read at all."""

from __future__ import annotations


class ExtractionError(Exception):
    """No report can be read from a file. ``str()`` is the one line shown to the user."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class WorkerFailure(ExtractionError):
    """Reading a file failed on a bug of ours, in a worker process: the user
    sees ``problem`` (one line); ``details``, the worker's traceback, is for
    the server's log alone."""

    def __init__(self, file: str, problem: str, details: str) -> None:
        super().__init__(file, problem)
        self.details = details
