"""Files no report could be — scans and files made to be hard to read — and
how long and how much memory refusing each takes.

    .venv/bin/python -m benchmarks.hostile_files

Each file is read by ``python -m etl parse`` (which reads it in a bounded
worker process, etl/bounded.py, under the default limits), pinned to one
core; the figures are the wall time and the peak resident memory of the
worker or of ``parse`` itself, whichever is larger (Python, the parser and,
where a page is read, the OCR engine).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.hostile_files import HOSTILE_FILES
from tests.scans import enormous_png, photo_jpeg, png_pages, scan_of, volume_pdf

_CHILD = (
    "import resource, sys; from etl.cli import main; code = main(); "
    "peak = max(resource.getrusage(who).ru_maxrss "
    "for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)); "
    "print(peak, file=sys.stderr); sys.exit(code)"
)


def _truncated_jpeg() -> bytes:
    out = io.BytesIO()
    scan_of("2024_huaian_shi", 150)[3].save(out, "JPEG", quality=70)
    return out.getvalue()[: len(out.getvalue()) // 2]


def cases() -> dict[str, tuple[str, bytes]]:
    return {
        "a scanned page with no table (the title page, 150 dpi)": (
            "page.png", png_pages([scan_of("2024_huaian_shi", 150)[0]])[0]
        ),
        "a photo that is no report (2000 × 1500 JPEG)": ("photo.jpg", photo_jpeg()),
        "a 20,000 × 20,000 px PNG": ("huge.png", enormous_png(20_000, 20_000)),
        "a 300-page image-only PDF": ("volume.pdf", volume_pdf(300)),
        "a truncated JPEG page": ("cut.jpg", _truncated_jpeg()),
    } | {label: (name, build()) for label, (name, build) in HOSTILE_FILES.items()}  # fmt: skip


def main() -> None:
    print("| input | size | message | seconds | peak memory |")
    print("| --- | ---: | --- | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for label, (name, data) in cases().items():
            path = Path(folder, name)
            path.write_bytes(data)
            started = time.perf_counter()
            result = subprocess.run(
                ["taskset", "-c", "0", sys.executable, "-c", _CHILD, "parse", str(path)],
                capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
                env={**os.environ, "PYTHONPATH": "."},
            )  # fmt: skip
            seconds = time.perf_counter() - started
            *message, peak_kb = result.stderr.strip().split("\n")
            problem = message[-1].split(": ", 1)[-1] if message else "(read)"
            print(
                f"| {label} | {len(data) / 1024:,.0f} KB | {problem} | {seconds:.1f} "
                f"| {int(peak_kb) / 1024:,.0f} MB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
