"""Reading an input file, with the one error message every command uses."""

from __future__ import annotations

from pathlib import Path

from etl.errors import ExtractionError


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ExtractionError(str(path), f"无法读取文件（{error.strerror or error}）") from error
