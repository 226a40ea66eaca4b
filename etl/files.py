"""Reading an input file, with the one error message every command uses."""

from __future__ import annotations

import math
from pathlib import Path

from etl.errors import ExtractionError

# Published reports are a few hundred KB (scanned PDFs a few tens of MB); a
# file far larger holds something else, and reading it would only fill memory.
MAX_INPUT_BYTES = 100 * 1024 * 1024
_MB = 1024 * 1024


def check_size(size: int, file: str) -> None:
    """Refuse input larger than MAX_INPUT_BYTES, saying how large it is and what the limit is."""
    if size > MAX_INPUT_BYTES:
        megabytes = math.ceil(size * 10 / _MB) / 10  # rounded up: 1 byte over shows as over
        raise ExtractionError(
            file,
            f"文件过大（{megabytes:.1f} MB），超过 {MAX_INPUT_BYTES // _MB} MB 的上限，"
            "不像年度报告，已拒绝读取",
        )


def read_bytes(path: Path) -> bytes:
    """The file's bytes; the size is checked before anything is read, and the
    read stops past the limit (a pipe or device has no size to check)."""
    try:
        check_size(path.stat().st_size, str(path))
        with path.open("rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise ExtractionError(str(path), f"无法读取文件（{error.strerror or error}）") from error
    check_size(len(data), str(path))
    return data
