"""The two offline OCR engines on the test scans, figure by figure.

    make bench-ocr    (.venv/bin/python -m benchmarks.ocr_engines [--dpi 200 150])

Each original PDF of the corpus is scanned as the tests scan it
(tests/scans.py: grey paper, skew, blur, speckle, JPEG) into an image-only
PDF, and read twice through the same pipeline — rulings, cells, line images,
the parser — once with the engine the project uses (PP-OCRv4 from
rapidocr-onnxruntime) and once with Debian's Tesseract 5 (chi_sim, one line
at a time, ``--psm 7``, all of a report's lines in one process). Text is
found by PP-OCR's detector in both runs: what is compared is how each engine
reads a cell or a line. For each scan: figures exact, flagged uncertain,
wrong without a flag, and seconds a page on one core.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.ocr import engine
from tests.conftest import parsed
from tests.scans import ORIGINALS, SCANNINGS, figures_of, flagged, image_pdf, scan_of

Recogniser = Callable[[list[np.ndarray]], list[engine.Reading]]


def tesseract(lines: list[np.ndarray]) -> list[engine.Reading]:
    """Each line image read by Tesseract, its words' confidences given to their characters."""
    if not lines:
        return []
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, line in enumerate(lines):
            path = Path(folder, f"{number:05d}.png")
            cv2.imwrite(str(path), line)
            paths.append(str(path))
        listing = Path(folder, "lines.txt")
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        out = Path(folder, "out")
        subprocess.run(
            ["tesseract", str(listing), str(out), "-l", "chi_sim", "--psm", "7", "tsv"],
            check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )  # fmt: skip
        words: dict[int, list[tuple[str, float]]] = {}
        with Path(f"{out}.tsv").open(encoding="utf-8") as table:
            for row in csv.DictReader(table, delimiter="\t", quoting=csv.QUOTE_NONE):
                text = (row["text"] or "").strip()
                if row["level"] == "5" and text:
                    words.setdefault(int(row["page_num"]) - 1, []).append(
                        (text, max(0.0, float(row["conf"])) / 100)
                    )
    readings = []
    for number in range(len(lines)):
        text = "".join(word for word, _ in words.get(number, []))
        confidences = tuple(c for word, c in words.get(number, []) for _ in word)
        readings.append(engine.Reading(text, confidences))
    return readings


def measure(stem: str, dpi: int, recognise: Recogniser) -> tuple[int, int, int, int, float]:
    """(figures, exact, flagged, wrong without a flag, seconds a page) of one
    scan; a scan from which no report can be read has every figure wrong."""
    pages = list(scan_of(stem, dpi))
    pdf = image_pdf(pages, dpi, SCANNINGS[stem, dpi].jpeg_quality)
    original = engine.recognise
    engine.recognise = recognise
    try:
        started = time.perf_counter()
        try:
            report = extract_bytes(pdf, f"{stem}.pdf")
        except ExtractionError as error:
            print(f"  {stem} {dpi} dpi: no report read: {error.problem}", flush=True)
            report = None
        seconds = (time.perf_counter() - started) / len(pages)
    finally:
        engine.recognise = original
    wanted = figures_of(parsed(stem))
    if report is None:
        return len(wanted), 0, 0, len(wanted), seconds
    got, marked = figures_of(report), flagged(report)
    exact = {
        path
        for path, cell in wanted.items()
        if path in got
        and (got[path]["value"], got[path]["status"]) == (cell["value"], cell["status"])
    }
    wrong = set(wanted) - exact - marked
    return len(wanted), len(exact), len(marked & set(wanted)), len(wrong), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 150])
    parser.add_argument("--engine", choices=["ppocr", "tesseract"], nargs="+",
                        default=["ppocr", "tesseract"])  # fmt: skip
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    engine.recognise([np.full((48, 48), 255, np.uint8)])  # the model loaded before timing
    engines = {
        name: recognise
        for key, name, recognise in (
            ("ppocr", "PP-OCRv4 (rapidocr-onnxruntime)", engine.recognise),
            ("tesseract", "Tesseract 5 chi_sim", tesseract),
        )
        if key in args.engine
    }
    print("| engine | scan | figures | exact | flagged | wrong, not flagged | s a page |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, recognise in engines.items():
        for dpi in args.dpi:
            for stem in ORIGINALS:
                figures, exact, marked, wrong, seconds = measure(stem, dpi, recognise)
                print(
                    f"| {name} | {stem} {dpi} dpi | {figures} | {exact} | {marked} | {wrong} "
                    f"| {seconds:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
