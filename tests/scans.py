"""Scans made from the original PDFs, as an office receives them: each page
printed and scanned — grey paper, a page fed in slightly askew, a little blur,
speckle from the glass, JPEG compression — then saved as an image-only PDF or
as PNG pages. Every degradation is seeded, so a test sees the same scan each
time.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import struct
import tempfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from etl import uncertain
from etl.extract import extract_bytes, extract_path
from etl.model import Report
from etl.scan_copies import image_pdf, office_scanning, png_pages, scanned_pages, zip_of
from tests.conftest import CORPUS

ORIGINALS = ("2023_huaian_hongzequ", "2024_huaian_hongzequ", "2024_huaian_shi")


# The scans the acceptance tests read: both resolutions, each original with its
# own skew and JPEG quality.
SCANNINGS = {
    (stem, dpi): office_scanning(dpi, index)
    for dpi in (150, 200)
    for index, stem in enumerate(ORIGINALS)
}


@cache
def scan_of(stem: str, dpi: int) -> tuple[Image.Image, ...]:
    """The pages of an original PDF of the corpus, scanned at ``dpi``."""
    scanning = SCANNINGS[stem, dpi]
    return tuple(scanned_pages((CORPUS / "orig" / f"{stem}.pdf").read_bytes(), scanning))


SCAN_KINDS = ("pdf", "png")


def scanned(stem: str, dpi: int, kind: str) -> Report:
    """The report read from a scan: an image-only PDF ("pdf"), or PNG pages
    ("png": a folder of them at 200 dpi, a zip of them at 150). OCR takes
    seconds a page, so each scan is read once a test run."""
    return _every_scan()[stem, dpi, kind]


@cache
def _every_scan() -> dict[tuple[str, int, str], Report]:
    """Every scan the tests read, read when the first is asked for: OCR is
    minutes of a test run on one core, so the scans are read in one process
    per core."""
    keys = [(stem, dpi, kind) for (stem, dpi) in SCANNINGS for kind in SCAN_KINDS]
    spawn = multiprocessing.get_context("spawn")  # no fork of a process with OCR threads
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=spawn) as pool:
        return dict(zip(keys, pool.map(_read_scan, *zip(*keys, strict=True)), strict=True))


def _read_scan(stem: str, dpi: int, kind: str) -> Report:
    pages = list(scan_of(stem, dpi))
    if kind == "pdf":
        return extract_bytes(image_pdf(pages, dpi, SCANNINGS[stem, dpi].jpeg_quality), "scan.pdf")
    files = {f"第{number}页.png": data for number, data in enumerate(png_pages(pages), start=1)}
    if dpi != 200:
        return extract_bytes(zip_of(files), "scan.zip")
    with tempfile.TemporaryDirectory(prefix="scan-pages-") as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return extract_path(Path(folder))


def figures_of(report: Report) -> dict[str, dict]:
    cells = {f"headline.{key}": cell for key, cell in report.headline.items()}
    for section in ("proactive", "applications", "review_litigation"):
        for row, columns in getattr(report, section).items():
            cells |= {f"{section}.{row}.{column}": cell for column, cell in columns.items()}
    return cells


def flagged(report: Report) -> set[str]:
    return {path for f in report.findings if f.rule == uncertain.RULE for path in f.cells}


# --- Files no report could be ---------------------------------------------------------


def enormous_png(width: int, height: int) -> bytes:
    """A real, valid white PNG of that size, compressed row by row (a few hundred KB)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * width
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def photo_jpeg() -> bytes:
    """A photograph of no document: sky-like gradients and sensor noise, 2000 × 1500."""
    random = np.random.default_rng(7)
    rows, columns = np.mgrid[0:1500, 0:2000]
    sky = (120 + 80 * np.sin(rows / 200) + 40 * np.cos(columns / 150)).astype(np.float32)
    photo = np.stack([sky, sky * 0.9, 255 - sky * 0.5], axis=2)
    photo += random.normal(0, 12, photo.shape)
    out = io.BytesIO()
    Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=80)
    return out.getvalue()


def volume_pdf(pages: int) -> bytes:
    """An image-only PDF of that many (tiny, blank) scanned pages."""
    return image_pdf([Image.new("L", (60, 85), 255)] * pages, 10, 50)
