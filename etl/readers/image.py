"""Scanned pages as pictures: PNG, JPEG or TIFF files (a multi-page TIFF is a
whole report), a zip of page pictures, or a folder of them, pages in the
order of their names (页2 before 页10).

Each picture's size is read from its header and checked before it is decoded,
so an enormous image costs nothing; its resolution is the one it declares, or
— a photo or a scan saved without one — estimated from its width as an A4
page. Pages finer than 300 dpi are reduced to 300 for reading.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from etl.errors import ExtractionError
from etl.files import DAMAGED_ZIP_ERRORS, MAX_INPUT_BYTES, ZIP_SIGNATURE, read_bytes
from etl.ocr import (
    MAX_OCR_DPI,
    MAX_PAGE_PIXELS,
    check_page_count,
    check_page_size,
    numbered,
    page_too_large,
    scanned_document,
)
from etl.table_text import LaidOutText

_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
PAGE_ARCHIVE_MEDIA_TYPE = "application/zip"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
_A4_WIDTH_INCHES = 8.27
_PLAUSIBLE_DPI = (72, 1200)
# Files a zip made on a PC or a Mac carries beside the pages.
_ARCHIVE_CLUTTER = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.I)
_DIGITS = re.compile(r"(\d+)")
_DAMAGED = "图片文件已损坏或不完整，无法读取"

Loader = Callable[[], tuple[np.ndarray, float]]


def image_media_type(data: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES.items() if data.startswith(magic)), None)


def is_image(data: bytes) -> bool:
    return image_media_type(data) is not None


def image_to_text(data: bytes, file: str) -> LaidOutText:
    """One picture file: a page, or every page of a multi-page TIFF."""
    image = _opened(data, file, 1)
    frames = getattr(image, "n_frames", 1)
    check_page_count(frames, file)
    loaders = [_frame_loader(image, frame, file) for frame in range(frames)]
    return scanned_document(numbered(loaders), frames, file)


def is_page_archive(data: bytes) -> bool:
    """A zip whose files are all pictures (a Word or OpenDocument file is a zip too)."""
    if not data.startswith(ZIP_SIGNATURE):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = _page_names(archive)
    except DAMAGED_ZIP_ERRORS:
        return False
    return bool(names) and all(_is_image_name(name) for name in names)


def page_archive_to_text(data: bytes, file: str) -> LaidOutText:
    """A zip of page pictures, pages in the order of their names."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(_page_names(archive), key=natural_order)
            check_page_count(len(names), file)
            if sum(archive.getinfo(name).file_size for name in names) > MAX_INPUT_BYTES:
                raise ExtractionError(file, "压缩包解压后过大，不像一份年度报告的扫描件")
            pages = [(name, archive.read(name)) for name in names]
    except DAMAGED_ZIP_ERRORS as error:
        raise ExtractionError(file, f"压缩包已损坏，无法打开（{type(error).__name__}）") from error
    return page_files_to_text(pages, file)


def page_files_to_text(pages: list[tuple[str, bytes]], file: str) -> LaidOutText:
    """Page pictures in order (a folder's, an archive's), as one report."""
    check_page_count(len(pages), file)
    loaders = []
    for number, (name, data) in enumerate(pages, start=1):
        if not is_image(data):
            raise ExtractionError(file, f"{name} 不是图片（PNG、JPEG 或 TIFF），不能作为扫描页")
        image = _opened(data, f"{file}/{name}", number)
        loaders.append(_frame_loader(image, 0, f"{file}/{name}"))
    return scanned_document(numbered(loaders), len(pages), file)


def page_files(folder: Path) -> list[tuple[str, bytes]]:
    """The page pictures of a folder (hidden files and clutter left out), in page order."""
    try:
        entries = list(folder.iterdir())
    except OSError as error:
        problem = f"无法读取文件夹（{error.strerror or error}）"
        raise ExtractionError(str(folder), problem) from error
    names = sorted(
        (
            entry.name
            for entry in entries
            if entry.is_file() and not entry.name.startswith(".") and _is_image_name(entry.name)
        ),
        key=natural_order,
    )
    if not names:
        raise ExtractionError(str(folder), "文件夹里没有扫描页图片（PNG、JPEG 或 TIFF）")
    check_page_count(len(names), str(folder))
    return [(name, read_bytes(folder / name)) for name in names]


def is_page_folder(folder: Path) -> bool:
    """A folder holding page pictures and nothing else a report could be; a
    folder that cannot be listed is none (the loader rejects it with its reason)."""
    try:
        files = [e for e in folder.iterdir() if e.is_file() and not e.name.startswith(".")]
    except OSError:
        return False
    return bool(files) and all(
        _is_image_name(e.name) or _ARCHIVE_CLUTTER.search(e.name) for e in files
    )


def natural_order(name: str) -> list:
    """Names in the order people number pages: 页2 before 页10."""
    return [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(name)]


def _page_names(archive: zipfile.ZipFile) -> list[str]:
    return [
        info.filename
        for info in archive.infolist()
        if not info.is_dir() and not _ARCHIVE_CLUTTER.search(info.filename)
    ]


def _is_image_name(name: str) -> bool:
    return any(name.lower().endswith(suffix) for suffix in IMAGE_SUFFIXES)


def _opened(data: bytes, file: str, page: int) -> Image.Image:
    """The picture with only its header read; its size checked before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:  # far past our own limit: Pillow stops first
        raise page_too_large(file, page) from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ExtractionError(file, _DAMAGED) from error
    check_page_size(*image.size, file, page)
    return image


def _frame_loader(image: Image.Image, frame: int, file: str) -> Loader:
    def load() -> tuple[np.ndarray, float]:
        try:
            image.seek(frame)
            check_page_size(*image.size, file, frame + 1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                page, dpi = at_most_ocr_dpi(image.convert("L"), _resolution(image))
        except ExtractionError:
            raise
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise ExtractionError(file, _DAMAGED) from error
        return np.asarray(page), dpi

    return load


def _resolution(image: Image.Image) -> float:
    """The dots per inch the picture declares, else its width taken as an A4
    page's (a small picture counts as 72 dpi: sizes in inches stay sizes of print)."""
    declared = image.info.get("dpi")
    if declared:
        dpi = float(declared[0])
        if _PLAUSIBLE_DPI[0] <= dpi <= _PLAUSIBLE_DPI[1]:
            return dpi
    return max(_PLAUSIBLE_DPI[0], min(image.size) / _A4_WIDTH_INCHES)


def at_most_ocr_dpi(page: Image.Image, dpi: float) -> tuple[Image.Image, float]:
    """The page reduced to MAX_OCR_DPI when it is finer."""
    if dpi <= MAX_OCR_DPI:
        return page, dpi
    scale = MAX_OCR_DPI / dpi
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    return page.resize(size, Image.Resampling.BOX), MAX_OCR_DPI


assert MAX_PAGE_PIXELS < Image.MAX_IMAGE_PIXELS  # our limit is met before Pillow's
