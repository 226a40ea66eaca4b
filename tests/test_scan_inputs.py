"""Scans in every form an office gets them — a PDF whose pages are partly
scans, a multi-page TIFF — and scans that are no report or that no report
could be: each read, or refused with one clear line, in bounded time and
memory (the pixels of an enormous image are never decoded)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter

import etl.ocr
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from tests.conftest import CORPUS, ROOT, parsed
from tests.hostile_files import zip_claiming_version
from tests.scans import (
    enormous_png,
    figures_of,
    flagged,
    image_pdf,
    photo_jpeg,
    png_pages,
    scan_of,
    volume_pdf,
    zip_of,
)


def _problem(data: bytes, file: str = "scan.png") -> str:
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(data, file)
    return raised.value.problem


def _png(page: Image.Image) -> bytes:
    return png_pages([page])[0]


def test_a_pdf_partly_scanned_reads_its_text_pages_and_its_scanned_pages() -> None:
    stem = "2024_huaian_hongzequ"
    original = PdfReader(CORPUS / "orig" / f"{stem}.pdf")
    scan = PdfReader(io.BytesIO(image_pdf(list(scan_of(stem, 200)), 200, 70)))
    mixed = PdfWriter()
    for number in range(len(original.pages)):
        mixed.add_page(scan.pages[number] if number >= 2 else original.pages[number])
    out = io.BytesIO()
    mixed.write(out)
    report, text = extract_bytes(out.getvalue(), "mixed.pdf"), parsed(stem)
    got, marked = figures_of(report), flagged(report)
    wrong = {p for p, c in figures_of(text).items() if got.get(p, {}).get("value") != c["value"]}
    assert wrong <= marked
    pages = {cell["at"]["page"] for cell in got.values()}
    scanned_pages = {c["at"]["page"] for c in got.values() if "confidence" in c["at"]}
    assert scanned_pages and scanned_pages <= {3, 4, 5} and pages - scanned_pages  # both kinds


def test_a_multi_page_tiff_is_one_report() -> None:
    stem = "2024_huaian_hongzequ"
    first, *rest = scan_of(stem, 150)
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
    report = extract_bytes(out.getvalue(), "scan.tif")
    assert report.source.media_type == "image/tiff"
    assert (report.agency, report.year) == (parsed(stem).agency, parsed(stem).year)
    assert {2, 3, 4} <= {cell["at"]["page"] for cell in figures_of(report).values()}  # 二、三、四


def test_a_scanned_page_without_tables_is_no_report() -> None:
    title_page = scan_of("2024_huaian_shi", 150)[0]  # the title and 一、总体情况, no table
    assert _problem(_png(title_page)).startswith("没有找到任何表格章节")


def test_a_photo_that_is_no_report_is_refused() -> None:
    problem = _problem(photo_jpeg(), "photo.jpg")
    assert problem.startswith(("不是政府信息公开工作年度报告", "扫描件上没有识别出任何文字"))


def test_an_enormous_image_is_refused_before_its_pixels_are_decoded() -> None:
    problem = _problem(enormous_png(20_000, 20_000))
    assert problem == "第 1 页图像超过 50 百万像素的上限，请以 300 dpi 左右重新扫描"
    problem = _problem(enormous_png(8_000, 8_000))  # past our limit, not yet Pillow's
    assert (
        problem
        == "第 1 页图像有 8000 × 8000 像素，超过 50 百万像素的上限，请以 300 dpi 左右重新扫描"
    )


def test_a_scan_of_hundreds_of_pages_is_refused_before_any_is_read() -> None:
    blank = Image.new("L", (60, 85), 255)
    assert (
        _problem(volume_pdf(300), "volume.pdf")
        == "扫描件有 300 页，超过 100 页的上限，不像年度报告"
    )
    pages = {f"{number}.png": _png(blank) for number in range(1, 302)}
    assert _problem(zip_of(pages), "pages.zip") == (
        "扫描件有 301 页，超过 100 页的上限，不像年度报告"
    )


def test_a_truncated_jpeg_is_damaged() -> None:
    out = io.BytesIO()
    scan_of("2024_huaian_shi", 150)[3].save(out, "JPEG", quality=70)
    whole = out.getvalue()
    assert _problem(whole[: len(whole) // 2], "page.jpg") == "图片文件已损坏或不完整，无法读取"


def test_a_page_read_too_long_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(etl.ocr, "SECONDS_PER_PAGE", 0.0)
    page = scan_of("2024_huaian_shi", 150)[3]
    assert _problem(_png(page)) == "文字识别超时（读到第 1 页），扫描件过大或过于复杂"


def test_without_the_ocr_engine_a_scan_gets_one_line_saying_what_to_install(tmp_path) -> None:
    page = tmp_path / "page.png"
    page.write_bytes(_png(scan_of("2024_huaian_shi", 150)[3]))
    # The file is read in a worker process (etl/bounded.py): the engine is
    # hidden from it by a package of the same name, first on its path, that
    # fails to import as a missing one does.
    stand_in = tmp_path / "hidden" / "rapidocr_onnxruntime"
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text("raise ImportError('not installed')\n")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(page)],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(stand_in.parent)},
    )  # fmt: skip
    assert result.returncode == 2
    assert "读取扫描件需要文字识别组件 rapidocr-onnxruntime" in result.stderr
    assert "Traceback" not in result.stderr


_SHAPES = st.lists(
    st.tuples(
        st.integers(0, 399), st.integers(0, 299), st.integers(1, 400), st.integers(1, 300),
        st.integers(0, 255),
    ),
    max_size=12,
)  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes=_SHAPES, noise=st.integers(0, 60), kind=st.sampled_from(["PNG", "JPEG", "TIFF"]))
def test_random_pictures_give_a_report_or_one_line(shapes, noise: int, kind: str) -> None:
    random = np.random.default_rng(len(shapes) * 61 + noise)
    pixels = np.full((300, 400), 235, np.float32) + random.normal(0, noise + 1, (300, 400))
    for left, top, width, height, grey in shapes:
        pixels[top : top + height, left : left + width] = grey
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, kind)
    _a_report_or_one_line(out.getvalue(), f"random.{kind.lower()}")


def _a_report_or_one_line(data: bytes, file: str) -> None:
    try:
        extract_bytes(data, file)
    except ExtractionError as error:
        assert error.problem and "\n" not in error.problem


def _damaged(data: bytes, cut: int, flips: list[int]) -> bytes:
    """The file with bytes at ``flips`` changed, cut after ``cut`` bytes."""
    damaged = bytearray(data)
    for position in flips:
        if position < len(damaged):
            damaged[position] ^= 0x5A
    return bytes(damaged[:cut])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(8, 4000), flips=st.lists(st.integers(0, 3999), max_size=6))
def test_damaged_picture_files_give_a_report_or_one_line(cut: int, flips: list[int]) -> None:
    page = Image.new("L", (300, 200), 240)
    _a_report_or_one_line(_damaged(_png(page) if cut % 2 else _jpeg(page), cut, flips), "x.png")


def test_a_zip_of_pages_needing_an_unknown_zip_version_gives_one_line() -> None:
    page = _png(Image.new("L", (120, 80), 240))
    problem = _problem(zip_claiming_version(zip_of({"1.png": page, "2.png": page})), "p.zip")
    # No format opens it: refused as the damaged zip it is, not as binary, no text.
    assert problem == (
        "文件已损坏：它是 ZIP 格式（压缩包，或 .docx 等 Office 文档），但无法打开"
        "（NotImplementedError）"
    )


@pytest.mark.parametrize("cut", [4, 30, 300])
def test_a_zip_cut_short_is_refused_as_damaged(cut: int) -> None:
    page = _png(Image.new("L", (120, 80), 240))
    problem = _problem(zip_of({"1.png": page, "2.png": page})[:cut], "p.zip")
    assert problem == (
        "文件已损坏：它是 ZIP 格式（压缩包，或 .docx 等 Office 文档），但无法打开（BadZipFile）"
    )


def _jpeg(page: Image.Image) -> bytes:
    out = io.BytesIO()
    page.save(out, "JPEG")
    return out.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(4, 3000), flips=st.lists(st.integers(0, 2999), max_size=6))
def test_damaged_zips_of_pages_give_a_report_or_one_line(cut: int, flips: list[int]) -> None:
    page = _png(Image.new("L", (120, 80), 240))
    _a_report_or_one_line(_damaged(zip_of({"1.png": page, "2.png": page}), cut, flips), "p.zip")
