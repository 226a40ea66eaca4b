"""Reports parsed per second on one core, by input format.

    .venv/bin/python -m benchmarks.parse_formats [--rounds 5] [--seconds 2] [--only text HTML PDF]

The inputs are the corpus's complete reports (SOURCES.tsv), grouped by the
format the extractor recognises in them: plain text, a saved web page,
Markdown; the original PDFs of corpus/orig; and, since the corpus has no Word
file, a .docx built with python-docx from each complete text report
(tests/documents.py), checked to read back the text report's figures, and
that .docx saved by LibreOffice as .doc, .rtf and .odt (read through
LibreOffice: etl/readers/office.py), checked so too; and each saved web page
in its other forms (a CMS fragment, .mht in GBK and UTF-8, a portal's JSON
reply; etl/saved_pages.py); and each original PDF printed and scanned at
200 dpi (etl/scan_copies.py, the tests' scans), read by OCR as an image-only
PDF and as a zip of PNG pages (fewer rounds: ``--scan-rounds``). Each
format's reports are parsed over and over for about ``--seconds`` a round,
every cache cleared before every report (the cold figure of parse_text.py: no
report is helped by an earlier one), pinned to one core, with the garbage collector
told (gc.freeze) that what the imports built is no garbage, as the loader's
worker does. A round reads every format in turn; the median rate over
``--rounds`` is printed, and its ratio to the text rate of the same run: the
machine is shared, its speed drifts by a factor of three from one hour to the
next, and the ratio between formats drifts far less.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from benchmarks.parse_text import CORPUS as RAW
from benchmarks.parse_text import median_rate
from etl.decode import decode_text
from etl.extract import clear_caches, extract_bytes
from etl.model import Report
from etl.saved_pages import saved_forms
from etl.scan_copies import scanned_copies
from tests.documents import saved_by_libreoffice, word_document

SOURCES = RAW.parent / "SOURCES.tsv"
ORIG = RAW.parent / "orig"
FORMATS = {
    "text/plain": "text",
    "text/html": "HTML",
    "text/markdown": "Markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/pdf": "PDF",
    "application/msword": "Word (.doc)",
    "application/rtf": "RTF",
    "application/vnd.oasis.opendocument.text": "ODT",
}
# The formats LibreOffice saves the built Word documents in, by the label of each.
SAVED_BY_LIBREOFFICE = {"doc": "Word (.doc)", "rtf": "RTF", "odt": "ODT"}
# Each saved web page is also read in its other forms, built from it (etl/saved_pages.py).
SAVED_FORMS = {
    "片段": "HTML fragment",
    "mht GBK": ".mht (GBK, quoted-printable)",
    "mht UTF-8": ".mht (UTF-8, base64)",
    "JSON": "portal JSON reply",
}

# Scans of the original PDFs, read by OCR.
SCAN_DPI = 200
SCANS = {
    f"扫描 {SCAN_DPI} dpi PDF": "scan, image-only PDF",
    f"扫描 {SCAN_DPI} dpi PNG": "scan, PNG pages",
}

Inputs = list[tuple[str, bytes]]


def _complete_reports() -> list[str]:
    with SOURCES.open(encoding="utf-8", newline="") as sources:
        rows = csv.DictReader(sources, delimiter="\t")
        return sorted(row["file"] for row in rows if row["complete"].startswith("yes"))


def _values(report: Report) -> list:
    """The figures of the three tables, in order."""
    tables = (report.proactive, report.applications, report.review_litigation)
    return [cell["value"] for table in tables for row in table.values() for cell in row.values()]


def inputs_by_format(only: list[str] | None = None) -> dict[str, Inputs]:
    """Format → (file name, bytes) of each report, as the extractor recognises it;
    with ``only``, the LibreOffice formats and the scans (slow to build) only if
    named in it."""
    labels = [*FORMATS.values(), *SAVED_FORMS.values(), *SCANS.values()]
    by_format: dict[str, Inputs] = {label: [] for label in labels}
    documents: dict[str, bytes] = {}  # stem → the Word version of a text report
    values: dict[str, list] = {}  # stem → the text report's figures
    for name in _complete_reports():
        data = (RAW / name).read_bytes()
        report = extract_bytes(data, name)
        by_format[FORMATS[report.source.media_type]].append((name, data))
        if report.source.media_type == "text/plain":
            stem = name.removesuffix(".txt")
            documents[stem], values[stem] = word_document(report), _values(report)
            by_format["Word (.docx)"].append((f"{stem}.docx", documents[stem]))
        if report.source.media_type == "text/html":
            for form, saved in saved_forms(decode_text(data, name)).items():
                by_format[SAVED_FORMS[form]].append((name, saved))
    for target, label in SAVED_BY_LIBREOFFICE.items():
        if only and label not in only:
            continue
        with tempfile.TemporaryDirectory() as folder:
            saved = saved_by_libreoffice(documents, target, Path(folder))
        by_format[label] += [(f"{stem}.{target}", data) for stem, data in saved.items()]
    for label in ("Word (.docx)", *SAVED_BY_LIBREOFFICE.values()):
        for name, data in by_format[label]:
            if _values(extract_bytes(data, name)) != values[name.rsplit(".", 1)[0]]:
                raise SystemExit(f"{name}: does not read back the text report's figures")
    for document, path in enumerate(sorted(ORIG.glob("*.pdf"))):
        by_format["PDF"].append((path.name, path.read_bytes()))
        if only and not set(only) & set(SCANS.values()):
            continue
        for form, data in scanned_copies(path.read_bytes(), document, (SCAN_DPI,)).items():
            by_format[SCANS[form]].append((path.name, data))
    return by_format


def _one_pass(reports: Inputs) -> float:
    started = time.perf_counter()
    for name, data in reports:
        clear_caches()
        extract_bytes(data, name)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0, help="about this long a round")
    parser.add_argument("--scan-rounds", type=int, default=3, help="rounds for the scans")
    parser.add_argument(
        "--only", nargs="+", metavar="FORMAT", help="these formats (labels as printed) alone"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    by_format = {
        label: reports
        for label, reports in inputs_by_format(args.only).items()
        if not args.only or label in args.only
    }
    for label in [label for label, reports in by_format.items() if not reports]:
        print(f"{label}: no complete report in this format, left out")
        del by_format[label]
    # As the loader's worker does once its imports are made (etl/bounded.py):
    # what they built is never garbage, and no collection scans it again.
    gc.freeze()
    repeats = {
        label: max(1, round(args.seconds / _one_pass(reports)))
        for label, reports in by_format.items()
    }
    # A round reads every format in turn, so a machine that slows down or
    # speeds up between rounds does so for all of them alike.
    rates: dict[str, list[float]] = {label: [] for label in by_format}
    for round_number in range(max(args.rounds, args.scan_rounds)):
        for label, reports in by_format.items():
            wanted = args.scan_rounds if label in SCANS.values() else args.rounds
            if round_number < wanted:
                rates[label] += median_rate(reports, 1, repeats[label], clear_caches)
    text_rate = statistics.median(rates["text"]) if "text" in rates else None
    for label, reports in by_format.items():
        median = statistics.median(rates[label])
        size = sum(len(data) for _, data in reports) / len(reports) / 1024
        digits = 2 if median < 10 else 1  # LibreOffice's formats run at under one a second
        spread = ", ".join(f"{rate:,.{digits}f}" for rate in rates[label])
        against_text = f"; {median / text_rate:.3f} × text" if text_rate else ""
        print(
            f"{label}: {len(reports)} × {repeats[label]} a round, {size:,.0f} KB a report on "
            f"average: median {median:,.{digits}f} reports/s on one core, "
            f"{1000 / median:,.2f} ms a report ({spread}){against_text}"
            + (_per_page(reports, median) if label in SCANS.values() else "")
        )


def _per_page(reports: Inputs, median: float) -> str:
    """Seconds a scanned page, at the median rate (the three originals' pages)."""
    pages = sum(len(pdfium.PdfDocument(ORIG / name)) for name, _ in reports)
    return f"; {len(reports) / median / pages:.2f} s a page ({pages} pages)"


if __name__ == "__main__":
    main()
