"""Reading scans: page images to Word-table text, through OCR.

A scan's pages come from an image-only PDF (etl/readers/pdf.py renders the
pages that have no text layer), from picture files, or from a zip or folder of
page pictures (etl/readers/image.py). Each page is laid out by
etl/ocr/page.py — tables by their rulings, each cell read on its own — into
the same Word-table text every other reader writes, so rows, sections, labels
and validation are the parser's, as for any other format. Every line keeps
what the engine said of it (box, each character's confidence, its picture):
the parser's cells get their box and confidence from it, and a figure read
uncertainly is flagged (etl/uncertain.py) with its picture.

The work a scan can cause is bounded: pages per report, pixels per page, and
seconds per page and per report, each refused with its own message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from etl.errors import ExtractionError
from etl.table_text import LaidOutText, TableTextWriter

# A report runs to a few dozen pages; a scan of hundreds is a bound volume.
MAX_SCAN_PAGES = 100
# A4 scanned at 600 dpi is 35 million pixels; A3 at 400 dpi, 31 million.
MAX_PAGE_PIXELS = 50_000_000
# Pages are read at no more than this resolution: finer adds time, not accuracy.
MAX_OCR_DPI = 300
SECONDS_PER_PAGE = 60.0
SECONDS_PER_REPORT = 600.0


@dataclass(frozen=True)
class PageImage:
    """A scanned page: its number in the report and a way to get its grey
    pixels at a resolution (pages are decoded one at a time, when read)."""

    number: int
    load: Callable[[], tuple[np.ndarray, float]]  # → (grey pixels, dots per inch)


def check_page_count(count: int, file: str) -> None:
    if count > MAX_SCAN_PAGES:
        raise ExtractionError(
            file, f"扫描件有 {count:,} 页，超过 {MAX_SCAN_PAGES:,} 页的上限，不像年度报告"
        )


def check_page_size(width: int, height: int, file: str, page: int) -> None:
    if width * height > MAX_PAGE_PIXELS:
        raise page_too_large(file, page, f"有 {width} × {height} 像素，")


def page_too_large(file: str, page: int, size: str = "") -> ExtractionError:
    return ExtractionError(
        file,
        f"第 {page} 页图像{size}超过 {MAX_PAGE_PIXELS // 1_000_000} 百万像素的上限，"
        "请以 300 dpi 左右重新扫描",
    )


class ScanReader:
    """Reads the scanned pages of one report, within the report's time limit."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._deadline = time.monotonic() + SECONDS_PER_REPORT

    def read(self, page: PageImage, out: TableTextWriter) -> None:
        """OCR one page into ``out``, within the page's time limit."""
        from etl.ocr.page import read_scanned_page  # the engine loads only when a scan comes

        gray, dpi = page.load()
        out.page = page.number
        deadline = min(self._deadline, time.monotonic() + SECONDS_PER_PAGE)
        read_scanned_page(gray, dpi, out, self.file, deadline)


def scanned_document(pages: Iterable[PageImage], count: int, file: str) -> LaidOutText:
    """A report that is all scans: every page through OCR."""
    check_page_count(count, file)
    out, reader = TableTextWriter(), ScanReader(file)
    for page in pages:
        reader.read(page, out)
    return no_empty_scan(out.result(), file)


def no_empty_scan(laid_out: LaidOutText, file: str) -> LaidOutText:
    if not laid_out.text.strip():
        raise ExtractionError(file, "扫描件上没有识别出任何文字")
    return laid_out


def numbered(loaders: Iterable[Callable[[], tuple[np.ndarray, float]]]) -> Iterator[PageImage]:
    for number, load in enumerate(loaders, start=1):
        yield PageImage(number, load)
