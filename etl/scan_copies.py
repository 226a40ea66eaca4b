"""Printed-and-scanned copies of a PDF, as an office receives its reports:
each page printed and scanned — grey paper, a page fed in slightly askew, a
little blur, speckle from the glass, JPEG compression — then saved as an
image-only PDF or as PNG pages. Every degradation is seeded: the same copy
each time. ``python -m etl accuracy --scans`` and the tests measure the OCR on
such copies of the corpus's original PDFs.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class Scanning:
    """How a document was scanned."""

    dpi: int
    skew_degrees: float  # the page fed in askew, clockwise positive
    blur: float  # Gaussian radius, in pixels
    jpeg_quality: int
    paper: int = 232  # grey level of the paper
    speckles_per_page: int = 400
    seed: int = 0


# Degradations within what office scanners produce, one set a document: the
# n-th document of a series is scanned with the n-th (cycling).
_SKEWS = (1.0, -0.6, -1.0)
_JPEG_QUALITIES = (75, 68, 60)


def office_scanning(dpi: int, document: int) -> Scanning:
    """How the ``document``-th document of a series is scanned at ``dpi``."""
    return Scanning(
        dpi=dpi,
        skew_degrees=_SKEWS[document % len(_SKEWS)],
        blur=0.6 if dpi >= 200 else 0.5,
        jpeg_quality=_JPEG_QUALITIES[document % len(_JPEG_QUALITIES)],
        seed=document * 10 + dpi,
    )


def scanned_pages(pdf: bytes, scanning: Scanning) -> list[Image.Image]:
    """Each page of ``pdf`` as a grey scan."""
    random = np.random.default_rng(scanning.seed)
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=scanning.dpi / 72, grayscale=True).to_pil().convert("L")
        pages.append(_degraded(image, scanning, random))
    document.close()
    return pages


def _degraded(image: Image.Image, scanning: Scanning, random: np.random.Generator) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32) / 255
    paper = scanning.paper + random.normal(0, 3, pixels.shape)
    image = Image.fromarray(np.clip(pixels * paper, 0, 255).astype(np.uint8))
    image = image.rotate(-scanning.skew_degrees, Image.Resampling.BICUBIC, fillcolor=scanning.paper)
    image = image.filter(ImageFilter.GaussianBlur(scanning.blur))
    speckled = np.asarray(image).copy()
    rows = random.integers(0, speckled.shape[0] - 1, scanning.speckles_per_page)
    columns = random.integers(0, speckled.shape[1] - 1, scanning.speckles_per_page)
    speckled[rows, columns] = random.integers(20, 120, scanning.speckles_per_page)
    jpeg = io.BytesIO()
    Image.fromarray(speckled).save(jpeg, "JPEG", quality=scanning.jpeg_quality)
    return Image.open(io.BytesIO(jpeg.getvalue())).convert("L")


def image_pdf(pages: list[Image.Image], dpi: int, quality: int) -> bytes:
    """An image-only PDF of the pages, each stored as a JPEG, as scanners write them."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=dpi, quality=quality)
    return out.getvalue()


def png_pages(pages: list[Image.Image]) -> list[bytes]:
    """Each page as a PNG file."""
    files = []
    for page in pages:
        out = io.BytesIO()
        page.save(out, "PNG")
        files.append(out.getvalue())
    return files


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def scanned_copies(pdf: bytes, document: int, resolutions: tuple[int, ...]) -> dict[str, bytes]:
    """The PDF scanned at each resolution, as an image-only PDF and as a zip of
    PNG pages, by a name such as ``扫描 200 dpi PDF``."""
    copies = {}
    for dpi in resolutions:
        scanning = office_scanning(dpi, document)
        pages = scanned_pages(pdf, scanning)
        copies[f"扫描 {dpi} dpi PDF"] = image_pdf(pages, dpi, scanning.jpeg_quality)
        pngs = {f"{number}.png": png for number, png in enumerate(png_pages(pages), start=1)}
        copies[f"扫描 {dpi} dpi PNG"] = zip_of(pngs)
    return copies
