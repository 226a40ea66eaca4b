"""Reading an input file, with the one error message every command uses."""

from __future__ import annotations

import io
import math
import os
import stat
import zipfile
import zlib
from pathlib import Path

from etl.errors import ExtractionError

# Published reports are a few hundred KB (scanned PDFs a few tens of MB); a
# file far larger holds something else, and reading it would only fill memory.
MAX_INPUT_BYTES = 100 * 1024 * 1024
_MB = 1024 * 1024
# What zipfile raises on a damaged archive, opening it or reading an entry: a
# bad signature or offset, a broken deflate stream, a cut-off entry, a version
# or compression method it does not know (an entry's header can claim any).
DAMAGED_ZIP_ERRORS = (
    zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError
)  # fmt: skip


# How every zip begins: .docx, .odt, .xlsx and archives of pages alike.
ZIP_SIGNATURE = b"PK\x03\x04"


def damaged_zip(data: bytes) -> str | None:
    """Why a file in the zip format cannot be opened, in one line; None when it
    opens (or is no zip). A damaged .docx is one too: the name says which it
    was meant to be, the bytes cannot."""
    if not data.startswith(ZIP_SIGNATURE):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.infolist()
    except DAMAGED_ZIP_ERRORS as error:
        return (
            "文件已损坏：它是 ZIP 格式（压缩包，或 .docx 等 Office 文档），但无法打开"
            f"（{type(error).__name__}）"
        )
    return None


def check_size(size: int, file: str) -> None:
    """Refuse input larger than MAX_INPUT_BYTES, saying how large it is and what the limit is."""
    if size > MAX_INPUT_BYTES:
        raise ExtractionError(
            file,
            f"文件过大（{megabytes(size):.1f} MB），超过 {MAX_INPUT_BYTES // _MB} MB 的上限，"
            "不像年度报告，已拒绝读取",
        )


def megabytes(size: int) -> float:
    """``size`` in MB to one decimal, rounded up: 1 byte over a limit shows as over."""
    return math.ceil(size * 10 / _MB) / 10


def not_a_file(path: Path) -> str | None:
    """Why ``path`` is no input to open — a named pipe, a device, a socket
    (opening one may wait forever), a folder that cannot be listed — or None."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"无法读取文件（{error.strerror or error}）"
    if stat.S_ISDIR(mode):
        readable = os.access(path, os.R_OK | os.X_OK)
        return None if readable else "无法读取文件夹（权限不足），其中的文件未载入"
    if not stat.S_ISREG(mode):
        return "不是普通文件（命名管道、设备或套接字），未读取"
    return None


def read_bytes(path: Path) -> bytes:
    """The file's bytes; the size is checked before anything is read, and the
    read stops past the limit. A pipe or device is never opened."""
    problem = not_a_file(path)
    if problem is not None:
        raise ExtractionError(str(path), problem)
    try:
        check_size(path.stat().st_size, str(path))
        with path.open("rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise ExtractionError(str(path), f"无法读取文件（{error.strerror or error}）") from error
    check_size(len(data), str(path))
    return data
