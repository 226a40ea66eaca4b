"""Streamlit's own web files (its JavaScript, styles and fonts) copied into a
folder, each compressible file with a gzip copy beside it, for nginx to serve
straight from disk (deploy/nginx.conf: ``gzip_static``) instead of asking the
app for each of the some 140 files of a first visit and compressing them anew.

    .venv/bin/python deploy/precompress.py build/static

``make test`` and ``make bench-pages`` build ``build/static``; an office's
server runs it again after every update of the project (docs/deploy.md),
since the files' names change with Streamlit's version.
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

import streamlit

COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".json", ".svg", ".map", ".txt", ".wasm"}
MIN_BYTES = 1024  # below this gzip saves nothing worth a second file


def precompress(out: Path) -> tuple[int, int]:
    """Fill ``out`` anew; the number of files and of gzip copies written."""
    source = Path(streamlit.__file__).parent / "static"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(source, out)
    files = [path for path in out.rglob("*") if path.is_file()]
    compressed = 0
    for path in files:
        if path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_BYTES:
            with path.open("rb") as plain, gzip.open(f"{path}.gz", "wb", compresslevel=9) as packed:
                shutil.copyfileobj(plain, packed)
            compressed += 1
    return len(files), compressed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python deploy/precompress.py OUT_DIR")
    target = Path(sys.argv[1])
    count, packed = precompress(target)
    print(f"{target}: Streamlit {streamlit.__version__}, {count:,} files, {packed:,} gzipped")
