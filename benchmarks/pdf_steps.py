"""Where a PDF report's time goes, and the least it could take with pdfium.

    .venv/bin/python -m benchmarks.pdf_steps [--rounds 15]

Reads the three original PDFs of corpus/orig over and over, pinned to one
core, and prints CPU time a report (median and fastest of the rounds,
``time.process_time``):

- the whole extraction (``extract_bytes``, every cache cleared first) and the
  reader alone (``pdf_to_text``);
- each step of the reader, timed around the reader's own functions while it
  reads: the characters, the paths, the tables, the rest of the layout; what
  is left is pdfium's pages and text pages and the reader's own bookkeeping;
- the floor: pdfium opening the pages and building their text pages and
  nothing else; and that with the pdfium calls the reader cannot do without
  (for each character its text object, origin, matrix, font size and font;
  for each object its address; for each path segment its type and point),
  asked as the reader asks them, through etl/readers/_pdfium_bulk.c, their
  answers thrown away.

The floor is what no change to the Python around pdfium can go below.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from ctypes import c_void_p

import pypdfium2.raw as pdfium_c

from benchmarks.parse_text import CORPUS as RAW
from etl.extract import clear_caches, extract_bytes
from etl.readers import pdf, pdf_layout, pdf_page, pdf_pdfium
from etl.readers.pdf import pdf_to_text

ORIG = RAW.parent / "orig"
_PATH = pdfium_c.FPDF_PAGEOBJ_PATH


def _pages_only(data: bytes) -> None:
    """pdfium's pages and text pages, opened and closed."""
    document = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    for index in range(pdfium_c.FPDF_GetPageCount(document)):
        page = pdfium_c.FPDF_LoadPage(document, index)
        text_page = pdfium_c.FPDFText_LoadPage(page)
        pdfium_c.FPDFText_ClosePage(text_page)
        pdfium_c.FPDF_ClosePage(page)
    pdfium_c.FPDF_CloseDocument(document)


def _pages_and_calls(data: bytes) -> None:
    """The pages, text pages and the pdfium calls the reader needs (through
    the C module, as the reader makes them), their answers thrown away."""
    document = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    for index in range(pdfium_c.FPDF_GetPageCount(document)):
        page = pdfium_c.FPDF_LoadPage(document, index)
        text_page = pdfium_c.FPDFText_LoadPage(page)
        _character_calls(c_void_p(pdf_pdfium.address(text_page)))
        _object_calls(pdf_pdfium.address(page))
        pdfium_c.FPDFText_ClosePage(text_page)
        pdfium_c.FPDF_ClosePage(page)
    pdfium_c.FPDF_CloseDocument(document)


def _character_calls(text_page: c_void_p) -> None:
    count = pdf_pdfium.count_chars(text_page)
    pdf_pdfium.get_text(text_page, 0, count, (ctypes.c_ushort * (count + 1))())
    for _ in pdf_pdfium.drawn_chars(text_page.value or 0, count, ""):
        pass


def _object_calls(page: int) -> None:
    count = pdf_pdfium.object_count(page, False)
    for obj, kind, *_ in pdf_pdfium.page_objects(page, False, count, set()):
        if kind == _PATH:
            for _ in pdf_pdfium.path_segments(obj, pdf_pdfium.segment_count(obj)):
                pass


class _Steps:
    """CPU time spent in some of the reader's functions while it reads."""

    STEPS = (
        (pdf_page, "read_chars", "characters (pdfium calls and boxes)"),
        (pdf_page, "read_edges", "paths (pdfium calls and edges)"),
        (pdf_layout, "find_tables", "tables from the edges"),
        (pdf, "write_page", None),  # the layout, tables included
    )

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._originals = [(module, name, getattr(module, name)) for module, name, _ in self.STEPS]

    def __enter__(self) -> _Steps:
        for module, name, function in self._originals:
            setattr(module, name, self._timed(name, function))
        return self

    def __exit__(self, *_) -> None:
        for module, name, function in self._originals:
            setattr(module, name, function)

    def _timed(self, name: str, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] += time.process_time() - started

        return timed


def _per_report(run: Callable[[bytes], object], reports: list[bytes]) -> float:
    started = time.process_time()
    for data in reports:
        run(data)
    return (time.process_time() - started) * 1000 / len(reports)


def _extract(data: bytes) -> None:
    clear_caches()
    extract_bytes(data, "report.pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    reports = [path.read_bytes() for path in sorted(ORIG.glob("*.pdf"))]
    _extract(reports[0])  # imports and first-use set-up out of the way
    figures: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.rounds):  # each measure in turn, round after round
        figures["whole extraction"].append(_per_report(_extract, reports))
        figures["the reader (pdf_to_text)"].append(
            _per_report(lambda data: pdf_to_text(data, "report.pdf"), reports)
        )
        with _Steps() as steps:
            _per_report(lambda data: pdf_to_text(data, "report.pdf"), reports)
        spent = {name: seconds * 1000 / len(reports) for name, seconds in steps.spent.items()}
        for _, name, label in _Steps.STEPS:
            if label:
                figures[f"  {label}"].append(spent[name])
        figures["  the rest of the layout (cells, lines of text)"].append(
            spent["write_page"] - spent["find_tables"]
        )
        figures["floor: pdfium's pages and text pages"].append(_per_report(_pages_only, reports))
        figures["floor: those and the pdfium calls needed"].append(
            _per_report(_pages_and_calls, reports)
        )
    print(f"CPU ms a report, the {len(reports)} originals, {args.rounds} rounds: median (fastest)")
    for label, values in figures.items():
        print(f"{label:52s} {statistics.median(values):6.2f} ({min(values):6.2f})")


if __name__ == "__main__":
    main()
