"""Files made to be hard to read — each small to build, most small on disk —
for the tests and benchmarks that show every reader ends in bounded time and
memory (etl/bounded.py and the readers' own limits)."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.documents import one_page_pdf, pdf_of_objects


def fan_out_pdf(levels: int = 40, ways: int = 2) -> bytes:
    """A page drawing a form that draws the next ``ways`` times, ``levels``
    deep: ways ** levels rectangles from a 20 KB file."""
    forms = []
    for depth in range(levels):
        last = depth == levels - 1
        if last:
            draws = b"0 0 10 10 re S"
            inner = b""
        else:
            draws = b" ".join([b"/X%d Do" % (depth + 1)] * ways)
            inner = b"/XObject << /X%d %d 0 R >> " % (depth + 1, 6 + depth)
        forms.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << %s>> "
            b"/Length %d >>\nstream\n" % (inner, len(draws)) + draws + b"\nendstream"
        )
    resources = b"/Resources << /XObject << /X0 5 0 R >> >> "
    return one_page_pdf(b"/X0 Do", resources, *forms)


def rectangles_pdf(count: int = 87_000) -> bytes:
    """One page of ``count`` small rectangles."""
    content = b"\n".join(
        b"%d %d 4 4 re S" % (20 + i % 130 * 4, 20 + i // 130 % 200 * 4) for i in range(count)
    )
    return one_page_pdf(content)


def many_pages_pdf(pages: int = 200_000) -> bytes:
    """A PDF of ``pages`` pages sharing one empty content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length 0 >>\nstream\n\nendstream",
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages,
    ]
    return pdf_of_objects(objects)


def compressed_spaces_pdf(megabytes: int = 1024) -> bytes:
    """A content stream of ``megabytes`` MB of deflated spaces (about 1 MB a GB)."""
    deflater = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(deflater.compress(chunk) for _ in range(megabytes)) + deflater.flush()
    return one_page_pdf(stream, filter=b"/FlateDecode")


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
    'main+xml"/></Types>'
)
_DOCX_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(megabytes: int = 190) -> bytes:
    """A .docx whose document.xml unpacks to ``megabytes`` MB of paragraphs."""
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 1000
    repeats = megabytes * (1 << 20) // len(paragraph)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELATIONSHIPS)
        with archive.open("word/document.xml", "w") as part:
            part.write(f'<w:document xmlns:w="{_W}"><w:body>'.encode())
            for _ in range(repeats):
                part.write(paragraph)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def docx_lying_about_its_size(megabytes: int = 190, claimed: int = 100 * 1024) -> bytes:
    """A docx bomb whose zip directory claims ``claimed`` bytes unpacked."""
    data = bytearray(docx_bomb(megabytes))
    # The uncompressed size in word/document.xml's central directory entry.
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    data[entry + 24 : entry + 28] = claimed.to_bytes(4, "little")
    return bytes(data)


def markdown_one_long_row(megabytes: int = 50) -> bytes:
    """A Markdown table whose one row holds ``megabytes`` MB."""
    head = "某某局2024年政府信息公开工作年度报告\n\n| 项目 | 数量 |\n| --- | --- |\n"
    return head.encode() + b"| " + b"1" * (megabytes << 20) + b" | 2 |\n"


def long_line_before_the_title(megabytes: int = 20) -> bytes:
    return b"x" * (megabytes << 20) + "\n某某局2024年政府信息公开工作年度报告\n".encode()


def html_table(cells: int = 1_000_000, per_row: int = 100) -> bytes:
    row = b"<tr>" + b"<td>1</td>" * per_row + b"</tr>"
    return b"<html><body><table>" + row * (cells // per_row) + b"</table></body></html>"


# Name → (file name, builder): what the load and upload tests read.
HOSTILE_FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "forms fanning out 2 ways over 40 levels": ("fan-out.pdf", fan_out_pdf),
    "87,000 rectangles": ("rectangles.pdf", rectangles_pdf),
    "200,000 pages": ("pages.pdf", many_pages_pdf),
    "1 GB of compressed spaces": ("spaces.pdf", compressed_spaces_pdf),
    ".docx unpacking to 190 MB": ("bomb.docx", docx_bomb),
    ".docx claiming 100 KB for 190 MB": ("liar.docx", docx_lying_about_its_size),
    "Markdown row of 50 MB": ("row.md", markdown_one_long_row),
    "20 MB line before the title": ("line.txt", long_line_before_the_title),
    "HTML table of 1,000,000 cells": ("cells.html", html_table),
}
# File name → what its refusal says (None: the time or the memory limit,
# whichever the machine reaches first — the fan-out has no cheaper tell).
REFUSED_FOR: dict[str, str | None] = {
    "fan-out.pdf": None,
    "rectangles.pdf": "图形过多",
    "pages.pdf": "超过 500 页的上限",
    "spaces.pdf": "解压后超过 512 MB 的上限",
    "bomb.docx": "解压后过大",
    "liar.docx": "已损坏",
    "row.md": "超过 200,000 个的上限",
    "line.txt": "超过 200,000 个的上限",
    "cells.html": "超过 1,000,000 个的上限",
}


def zip_claiming_version(data: bytes, version: int = 78) -> bytes:
    """The zip with each entry of its central directory claiming to need zip
    ``version`` (tenths: 78 is 7.8), which zipfile refuses with NotImplementedError."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.start_dir
        for _ in archive.infolist():
            patched[entry + 6 : entry + 8] = version.to_bytes(2, "little")
            name, extra, comment = (int.from_bytes(patched[at : at + 2], "little")
                                    for at in (entry + 28, entry + 30, entry + 32))  # fmt: skip
            entry += 46 + name + extra + comment
    return bytes(patched)


def write_hostile_files(folder: Path) -> dict[str, Path]:
    """Each hostile file written into ``folder``, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (file_name, build) in HOSTILE_FILES.items():
        path = folder / file_name
        path.write_bytes(build())
        paths[name] = path
    return paths
