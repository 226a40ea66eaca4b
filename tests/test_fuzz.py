"""Property tests of the extractor's contract: for any bytes at all it returns a
report that survives a JSON round trip, or raises one clean ExtractionError
naming the file; it never raises anything else and never hangs. The inputs are
random text, random bytes, report-shaped text, damaged copies of the real
reports, and random or damaged web pages, Word documents and PDFs; the
splitter of run-together figures and the decoding of files mixing encodings
are fuzzed on their own."""

from __future__ import annotations

import codecs
import re
import signal
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import FrameType
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from etl import template
from etl.cells import pieces_between
from etl.decode import decode_text
from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.model import Report
from etl.readers.html import _PageText, html_to_text
from etl.runsplit import Check, unique_split
from etl.tables import review_groups_check, row_total_check
from etl.tokens import BLANK_CELL, ROW_BREAK
from tests.conftest import RAW
from tests.documents import (
    document_from,
    document_xml,
    one_page_pdf,
    page_from,
    with_document_xml,
)

CORPUS = sorted(path for path in RAW.iterdir() if path.suffix in {".txt", ".html", ".md"})
FILE = "fuzz.txt"
# One extraction takes milliseconds: this long (1000 times that) means it hangs.
HANG_SECONDS = 5.0
# A damaged PDF may have lost its text layer, and random bytes may be a
# picture: either is read by OCR, whose first page (models loaded) takes
# seconds, many more on a shared machine.
OCR_HANG_SECONDS = 120.0


def fuzz_settings(max_examples: int, shrink: bool = True) -> settings:
    """Reproducible settings: a fixed seed, no example database, no deadline.
    No explain phase: its tracing slows the code tenfold, which makes time limits
    flaky. Tests whose inputs are whole reports may skip shrinking, which would
    spend minutes on each failure without making the input much shorter."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
    if shrink:
        phases.append(Phase.shrink)
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=phases,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- The contract ------------------------------------------------------------


class Hang(Exception):
    """A call ran past its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang in the body once ``seconds`` have passed (SIGALRM, main thread);
    its message says where the body was busy."""

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        where = "".join(traceback.format_stack(frame, limit=6))
        raise Hang(f"no answer within {seconds:g} s; busy in:\n{where}")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except Hang as hang:
        # Raised anew: pytest cannot render the traceback of a signal handler's exception.
        raise Hang(str(hang)) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_contract(data: bytes, file: str = FILE, hang_seconds: float = HANG_SECONDS) -> None:
    """A report that round-trips through JSON, or one clean ExtractionError."""
    try:
        with time_limit(hang_seconds):
            report = extract_bytes(data, file)
    except ExtractionError as error:
        message = str(error)
        assert message.startswith(f"{file}: "), message
        assert error.problem.strip(), "an ExtractionError without a problem"
        assert "\n" not in message, f"a multi-line error: {message!r}"
        return
    assert isinstance(report, Report)
    report.model_dump_json()
    assert Report.model_validate_json(report.to_json()) == report


# --- Random input ------------------------------------------------------------

# Characters reports are made of, and those the parser treats specially.
SPECIAL = "0123456789０１２３٣३\t\n\r \u3000（）()、。，：:“”《》/／-—–－\x00\x1e\x1f\x7f\ufeff"
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
any_chars = st.one_of(st.sampled_from(SPECIAL), cjk, st.characters(codec="utf-8"))


@fuzz_settings(800)
@given(st.text(any_chars, max_size=400))
def test_random_text(text: str) -> None:
    """Random unicode text, as UTF-8, is extracted or refused cleanly."""
    assert_contract(text.encode("utf-8"))


@fuzz_settings(500)
@given(st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE]), st.binary(max_size=400))
def test_random_bytes(bom: bytes, data: bytes) -> None:
    """Random bytes, with or without a byte order mark, are extracted or refused
    cleanly. A few are pictures (a TIFF or PNG header) and read by OCR, whose
    first page loads its models: the OCR bound."""
    assert_contract(bom + data, hang_seconds=OCR_HANG_SECONDS)


# --- Report-shaped input -----------------------------------------------------

# The printed words of the template: headings, row and column labels.
VOCABULARY = sorted(
    {heading for pair in template.SECTION_HEADINGS.values() for heading in pair}
    | {row.label for row in template.APPLICATION_ROWS}
    | {row.anchor for row in template.APPLICATION_ROWS}
    | set(template.APPLICATION_LAYOUT_LABELS)
    | set(template.PROACTIVE_LAYOUT_LABELS)
    | {item.label for items in template.PROACTIVE_ITEMS.values() for item in items}
    | set(template.REVIEW_HEADER_WORDS)
    | set(template.FORMAT_2019_MARKERS + template.FORMAT_2021_MARKERS)
    | {"- 3 -", "第 2 页 共 9 页", "[bookmark: _Toc1]", "万元", "件", "无", "/", "—", "增/减"}
    | {
        "主动公开政府信息",
        "信息处理费",
        "原文链接：https://a.gov.cn/1.html",
        "发布时间：2024-01-31",
    }
)
AGENCIES = ["淮安市人民政府", "宁波市镇海区经济和信息化局", "平潭综合实验区管委会", "国务院办公厅"]
SEPARATORS = ["\n", "\t", " ", "\n\t", "\n\n", "\r\n", ""]
# Figures as printed, and figures too long for int() (4300 digits) or a float (308).
long_figures = st.builds(
    lambda digit, length, fraction: digit * length + fraction,
    st.sampled_from("19"),
    st.sampled_from([300, 309, 400, 4300, 4301, 5000]),
    st.sampled_from(["", ".5"]),
)
figures = st.one_of(
    st.integers(min_value=-10, max_value=10**6).map(str),
    st.text("0123456789", min_size=1, max_size=12),
    st.from_regex(r"[-－]?\d{1,6}[.．]\d{1,3}(万元|件)?", fullmatch=True),
    long_figures,
)
fragments = st.lists(
    st.one_of(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS), figures),
    max_size=40,
).map("".join)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]


@st.composite
def report_shaped(draw: st.DrawFn) -> str:
    """A title of any year, then the six section headings (some left out),
    each followed by template words, figures and separators in any order."""
    name = draw(st.one_of(st.sampled_from(AGENCIES), st.text(cjk, min_size=1, max_size=8)))
    year = draw(st.integers(min_value=1900, max_value=2099))
    parts = [f"{name}{year}年度政府信息公开工作年度报告"]
    for key in template.SECTION_KEYS:
        if draw(st.integers(0, 4)):
            parts.append(draw(st.sampled_from(template.SECTION_HEADINGS[key])))
        parts.append(draw(fragments))
    return "\n".join(parts)


@fuzz_settings(500)
@given(report_shaped(), st.sampled_from(ENCODINGS))
def test_report_shaped_text(text: str, encoding: str) -> None:
    """A title and headings with template words and figures between them, in any encoding."""
    assert_contract(text.encode(encoding))


# --- Damaged copies of the real reports --------------------------------------

DIGIT = re.compile(r"\d")
Mutation = Callable[[st.DrawFn, str], str]


def span(draw: st.DrawFn, size: int, longest: int | None = None) -> tuple[int, int]:
    """A random ``[start, end)`` slice of ``range(size)``, at most ``longest`` long."""
    start = draw(st.integers(0, size))
    end = size if longest is None else min(size, start + longest)
    return start, draw(st.integers(start, end))


def delete_lines(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    start, end = span(draw, len(lines))
    return "\n".join(lines[:start] + lines[end:])


def duplicate_lines(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    start, end = span(draw, len(lines))
    at = draw(st.integers(0, len(lines)))
    return "\n".join(lines[:at] + lines[start:end] + lines[at:])


def shuffle_lines(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    start, end = span(draw, len(lines), longest=20)
    lines[start:end] = draw(st.permutations(lines[start:end]))
    return "\n".join(lines)


def join_lines(draw: st.DrawFn, text: str) -> str:
    """Run a block of lines together, as a web page flattened to text does."""
    lines = text.split("\n")
    start, end = span(draw, len(lines), longest=60)
    lines[start:end] = [draw(st.sampled_from(["", " "])).join(lines[start:end])]
    return "\n".join(lines)


def insert_text(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    inserted = draw(st.one_of(st.text(any_chars, max_size=20), figures, fragments))
    return text[:at] + inserted + text[at:]


def replace_digits(draw: st.DrawFn, text: str) -> str:
    positions = [match.start() for match in DIGIT.finditer(text)]
    if not positions:
        return text
    chosen = draw(st.lists(st.sampled_from(positions), min_size=1, max_size=20, unique=True))
    replacement = st.one_of(st.sampled_from(["/", "—", "无", "0件", "", "３", "٣"]), figures)
    chars = list(text)
    for position in chosen:
        chars[position] = draw(replacement)
    return "".join(chars)


def truncate(draw: st.DrawFn, text: str) -> str:
    return text[: draw(st.integers(0, len(text)))]


def swap_whitespace(draw: st.DrawFn, text: str) -> str:
    mode = draw(st.sampled_from(["tabs to spaces", "spaces to tabs", "indent", "unindent"]))
    if mode == "tabs to spaces":
        return text.replace("\t", " ")
    if mode == "spaces to tabs":
        return text.replace(" ", "\t")
    lines = text.split("\n")
    start, end = span(draw, len(lines))
    for index in range(start, end):
        lines[index] = "\t" + lines[index] if mode == "indent" else lines[index].lstrip()
    return "\n".join(lines)


MUTATIONS: list[Mutation] = [
    delete_lines,
    duplicate_lines,
    shuffle_lines,
    join_lines,
    insert_text,
    replace_digits,
    truncate,
    swap_whitespace,
]


@st.composite
def damaged(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to four random mutations."""
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        text = mutation(draw, text)
    return text


@cache
def corpus_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_corpus_is_there() -> None:
    """The damaged-report tests below have real reports to work on."""
    assert len(CORPUS) >= 5, f"too few reports in {RAW}"


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.stem)
@fuzz_settings(200, shrink=False)
@given(data=st.data())
def test_damaged_report(path: Path, data: st.DataObject) -> None:
    """Every real report, damaged at random, in UTF-8 or GB18030, is read or refused cleanly."""
    text = data.draw(damaged(corpus_text(path)), label="damaged text")
    encoding = data.draw(st.sampled_from(["utf-8", "gb18030"]), label="encoding")
    assert_contract(text.encode(encoding), path.name)


# --- Long lines --------------------------------------------------------------

TITLE = "某某市人民政府2024年度政府信息公开工作年度报告"
APPLICATIONS = template.SECTION_HEADINGS["applications"][0]
LAYOUT_WORDS = sorted(set(template.APPLICATION_LAYOUT_LABELS + template.REVIEW_HEADER_WORDS))


@fuzz_settings(12, shrink=False)
@given(st.lists(st.sampled_from(LAYOUT_WORDS), min_size=1, max_size=3), st.integers(1, 4000))
def test_long_line_of_headers(words: list[str], repeats: int) -> None:
    """A table row followed by one long line of header words (tens of KB) is read in time."""
    rows = template.APPLICATION_ROWS
    lines = [TITLE, APPLICATIONS, rows[0].label, "".join(words) * repeats, rows[1].label]
    assert_contract("\n".join(lines).encode())


@fuzz_settings(12, shrink=False)
@given(st.lists(st.text("0123456789", min_size=40, max_size=80), min_size=1, max_size=26))
def test_flattened_table_of_long_runs(runs: list[str]) -> None:
    """A flattened table whose rows are each one run of figures (a few KB) is read in time."""
    rows = template.APPLICATION_ROWS
    lines = [TITLE, APPLICATIONS]
    lines += [row.label + runs[index % len(runs)] for index, row in enumerate(rows)]
    assert_contract("\n".join(lines).encode())


# --- Splitting run-together figures ------------------------------------------

digit_runs = st.lists(st.text("0123456789", min_size=1, max_size=6), max_size=5)
# A run thousands of digits long: a flattened page whose figures have no gaps at all.
long_run = st.builds(
    lambda head, digit, length, tail: head + digit * length + tail,
    st.text("0123456789", max_size=4),
    st.sampled_from("0123456789"),
    st.sampled_from([1, 10, 300, 4300, 4301, 5000]),
    st.text("0123456789", max_size=4),
)
checks = st.sampled_from([None, row_total_check, review_groups_check])


def assert_split(runs: list[str], count: int, check: Check | None) -> None:
    """unique_split answers None or a valid cut of the runs into ``count`` figures."""
    with time_limit(HANG_SECONDS):
        split = unique_split(runs, count, check)
    if split is None:
        return
    assert ["".join(parts) for parts in split] == runs
    cut = [part for parts in split for part in parts]
    assert len(cut) == count
    assert all(part == "0" or not part.startswith("0") for part in cut)
    assert check is None or check([int(part) for part in cut])


@fuzz_settings(600)
@given(digit_runs, st.integers(min_value=1, max_value=15), checks)
def test_unique_split(runs: list[str], count: int, check: Check | None) -> None:
    """Short digit runs cut into 1 to 15 figures, with or without a total check."""
    assert_split(runs, count, check)


@fuzz_settings(100)
@given(st.lists(long_run, min_size=1, max_size=2), st.integers(min_value=1, max_value=7), checks)
def test_unique_split_long_runs(runs: list[str], count: int, check: Check | None) -> None:
    """Digit runs up to thousands of digits long, as on a flattened page."""
    assert_split(runs, count, check)


@fuzz_settings(50)
@given(st.lists(st.text("0123456789", min_size=1, max_size=3), max_size=2), checks)
def test_unique_split_no_figures(runs: list[str], check: Check | None) -> None:
    """Asked for no figures at all, the splitter answers None or the empty cut."""
    assert_split(runs, 0, check)


# A table region as the token stream lays it out: figures, blank cells and row
# breaks a line each, now and then something else.
table_region = st.lists(
    st.sampled_from(["0", "17", "1234567890123456789", BLANK_CELL, ROW_BREAK, "", " 3", "无"]),
    max_size=12,
).map("\n".join)


@fuzz_settings(300)
@given(table_region)
def test_pieces_of_a_plain_table_region_are_those_of_the_general_reading(region: str) -> None:
    """The quick reading of lines of bare figures and markers gives the pieces
    the general one does: a Chinese line after the region makes it take that one."""
    general = pieces_between(region + "\n中", 0, len(region) + 2)
    assert pieces_between(region, 0, len(region)) == general[:-1]
    assert general[-1].raw == "中"


# --- Damaged binary formats --------------------------------------------------

ORIGINAL_PDF = RAW.parent / "orig" / "2023_huaian_hongzequ.pdf"


@fuzz_settings(40, shrink=False)
@given(data=st.data())
def test_damaged_pdf(data: st.DataObject) -> None:
    """A real PDF with bytes overwritten or cut off is read or refused cleanly, in time."""
    document = bytearray(ORIGINAL_PDF.read_bytes())
    for _ in range(data.draw(st.integers(1, 30), label="damage")):
        position = data.draw(st.integers(0, len(document) - 1), label="position")
        document[position] = data.draw(st.integers(0, 255), label="byte")
    if data.draw(st.booleans(), label="cut"):
        document = document[: data.draw(st.integers(8, len(document)), label="length")]
    assert_contract(bytes(document), "damaged.pdf", OCR_HANG_SECONDS)


# Drawings: ruling lines, rectangles, curves, closed and open paths, turned and
# scaled coordinates, text in a Latin and a Chinese font, on turned pages.
coordinate = st.one_of(st.integers(-50, 900), st.floats(-50, 900, allow_nan=False)).map(
    lambda v: b"%.2f" % v
)
point = st.tuples(coordinate, coordinate).map(b" ".join)
painting = st.sampled_from([b"S", b"s", b"f", b"B", b"b", b"n", b"W n", b"f*"])
path = st.builds(
    lambda start, steps, close, paint: b" ".join([start, b"m", *steps, close, paint]),
    point,
    st.lists(
        st.one_of(
            point.map(lambda p: p + b" l"),
            st.tuples(point, point, point).map(lambda ps: b" ".join(ps) + b" c"),
            st.tuples(point, point).map(lambda ps: b" ".join(ps) + b" v"),
            point.map(lambda p: p + b" m"),
        ),
        max_size=8,
    ),
    st.sampled_from([b"", b"h"]),
    painting,
)
rectangle = st.builds(
    lambda p, w, h, paint: b"%s %s %s re %s" % (p, w, h, paint),
    point,
    coordinate,
    coordinate,
    painting,
)
chinese = st.text("一二三四五六七八九十年度报告信息公开（）、 0123", min_size=1, max_size=12)
latin = st.text("abc XYZ 0123456789-.,", min_size=1, max_size=12)
text = st.builds(
    lambda font, size, spacing, at, shown: (
        b"BT %s %s Tf %s %s Td %s Tj ET" % (font, size, spacing, at, shown)
    ),
    st.sampled_from([b"/F1", b"/F2"]),
    st.sampled_from([b"0", b"3", b"7", b"10.5", b"24"]),
    st.sampled_from([b"", b"2 Tc", b"-1 Tc", b"3 Tw", b"0 1 -1 0 0 0 Tm", b"50 Tz", b"3 Ts"]),
    point,
    st.one_of(
        latin.map(lambda t: b"(" + t.encode() + b")"),
        chinese.map(lambda t: b"<" + t.encode("utf-16-be").hex().encode() + b">"),
    ),
)
state = st.sampled_from(
    [b"q 1 0 0 1 10 20 cm", b"q 0 1 -1 0 500 0 cm", b"q 2 0 0 0.5 0 0 cm", b"Q", b"/X0 Do"]
)
FONTS = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
    b" /DescendantFonts [8 0 R] >>",
)


@fuzz_settings(150)
@given(
    st.lists(st.one_of(path, rectangle, text, state), max_size=40),
    st.lists(st.one_of(path, text), max_size=10),
    st.sampled_from([0, 90, 180, 270]),
)
def test_random_pdf_drawing(page: list[bytes], form: list[bytes], rotation: int) -> None:
    """Any drawing and text on a page (turned, with a form drawn in it) is read
    or refused cleanly, in time: the ruling and characters the PDF reader
    takes from pdfium, whatever paths they come from."""
    inner = b"\n".join(form)
    resources = b"/Font << /F1 5 0 R /F2 6 0 R >> /XObject << /X0 7 0 R >>"
    data = one_page_pdf(
        b"\n".join(page),
        b"/Rotate %d /Resources << %s >> " % (rotation, resources),
        *FONTS,
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 5 5]"
        b" /Resources << %s >> /Length %d >>\nstream\n"
        % (resources, len(inner))
        + inner
        + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
    )
    assert_contract(data, "drawing.pdf", OCR_HANG_SECONDS)


@cache
def _built_page() -> str:
    return page_from("2024_huaian_shi").decode()


@cache
def _real_page() -> str:
    return (RAW / "2023_shuyang_fagaiju.html").read_text(encoding="utf-8")


TAG = re.compile(r"<[^<>]*>")
SPAN = re.compile(r'(rowspan|colspan)="\d+"')
span_values = st.one_of(
    st.integers(-3, 70000).map(str),
    st.sampled_from(["", "x", "2;", " 3", "99999999999", "1e9", "-0"]),
)


def delete_tags(draw: st.DrawFn, page: str) -> str:
    """Leave out some tags, as hand-written or cut pages do (end tags above all)."""
    tags = list(TAG.finditer(page))
    if not tags:
        return page
    chosen = set(draw(st.lists(st.sampled_from(range(len(tags))), max_size=30)))
    kept = [page[: tags[0].start()]]
    for index, tag in enumerate(tags):
        if index not in chosen:
            kept.append(tag.group())
        end = tags[index + 1].start() if index + 1 < len(tags) else len(page)
        kept.append(page[tag.end() : end])
    return "".join(kept)


def change_spans(draw: st.DrawFn, page: str) -> str:
    """Give some rowspans and colspans any value at all."""
    spans = list(SPAN.finditer(page))
    if not spans:
        return page
    chosen = draw(st.lists(st.sampled_from(spans), max_size=20))
    for span in sorted(set(chosen), key=lambda match: match.start(), reverse=True):
        value = draw(span_values)
        page = page[: span.start()] + f'{span.group(1)}="{value}"' + page[span.end() :]
    return page


PAGE_MUTATIONS: list[Mutation] = [delete_tags, change_spans, insert_text, truncate, replace_digits]


@pytest.mark.parametrize("page", [_built_page, _real_page], ids=["built", "portal"])
@fuzz_settings(150, shrink=False)
@given(data=st.data())
def test_damaged_web_page(page: Callable[[], str], data: st.DataObject) -> None:
    """A web page with tags left out, spans of any value, text inserted or cut
    off, in UTF-8 or GB18030, is read or refused cleanly, in time."""
    text = page()
    for mutation in data.draw(st.lists(st.sampled_from(PAGE_MUTATIONS), min_size=1, max_size=4)):
        text = mutation(data.draw, text)
    encoding = data.draw(st.sampled_from(["utf-8", "gb18030"]), label="encoding")
    assert_contract(text.encode(encoding, errors="replace"), "damaged.html")


# Tags and entities of report pages, whole and broken.
# fmt: off
HTML_TAGS = (
    "<table>", "</table>", "<tr>", "</tr>", "</td>", "<th>", "</th>", "<tbody>", "</thead>",
    "<br>", "<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<title>", "</title>",
    "&nbsp;", "&#12288;", "&amp;", "<!--", "-->", "<td", ">", "\n", "\t",
)
# fmt: on
HTML_PIECES = st.one_of(
    st.sampled_from(HTML_TAGS),
    st.builds('<td rowspan="{}" colspan="{}">'.format, span_values, span_values),
    st.sampled_from(VOCABULARY),
    figures,
)


@fuzz_settings(300)
@given(
    st.lists(HTML_PIECES, max_size=80).map("".join),
    st.sampled_from(["", '<meta charset="gbk">', '<meta charset="big5">', "<meta charset=x>"]),
    st.sampled_from(["utf-8", "gb18030"]),
)
def test_random_web_page(body: str, declaration: str, encoding: str) -> None:
    """Tag soup of tables, cells with any spans, template words and figures."""
    page = f"<html><head>{declaration}<title>{TITLE}</title></head><body>{body}"
    assert_contract(page.encode(encoding, errors="replace"), "random.html")


# What a row read in one flat pass must tell apart: text, inline elements,
# blocks and comments in its cells, and (rarer) what makes it no plain row —
# a table, foreign content, a script or a select in a cell, text between cells.
# fmt: off
CELL_PIECES = st.sampled_from((
    "<span>", "</span>", "<font>", "</font>", "<o:p></o:p>", "<b>", "</b>", "<p>", "</p>",
    "<br>", "<div>", "</div>", "<li>", "<h2>", "<!-- 注 -->", " ", "\n", "&nbsp;", "　",
    "12", "0", "3", "无", "一、总体情况", "（一）", "申请人", "<svg><td>1</td></svg>",
    "<table><tr><td>3", "<script>x</script>", "<select><option>x", "<math>", "</td>x",
))
CELLS = st.tuples(
    st.sampled_from(("<td>", "<th>", '<td colspan="2">', '<td rowspan="2">', "\n<td>")),
    st.lists(CELL_PIECES, max_size=8).map("".join),
).map("".join)
ROWS = st.lists(st.lists(CELLS, min_size=1, max_size=5).map("".join), max_size=6).map(
    lambda rows: "".join(f"<tr>{row}</tr>\n" for row in rows)
)
# fmt: on


@fuzz_settings(400)
@given(ROWS)
def test_a_row_read_in_one_pass_reads_as_the_walk_node_by_node(rows: str) -> None:
    """The flat pass over plain rows is a shortcut of the general walk: with it
    switched off, every page reads exactly the same."""
    page = f"<p>{TITLE}<table>{rows}</table>后文"
    flat = html_to_text(page, "rows.html")
    with patch.object(_PageText, "_read_plain_row", lambda self, row: False):
        node_by_node = html_to_text(page, "rows.html")
    assert flat == node_by_node


@cache
def _built_document() -> bytes:
    return document_from("2024_huaian_shi")


VALUE = re.compile(rb'w:val="[^"]*"')


@fuzz_settings(60, shrink=False)
@given(data=st.data())
def test_damaged_word_document_xml(data: st.DataObject) -> None:
    """A Word document whose document.xml (not its zip container) is damaged:
    attribute values (spans, merges) of any kind, bytes overwritten, cut off."""
    xml = bytearray(document_xml(_built_document()))
    values = list(VALUE.finditer(bytes(xml)))
    chosen = set(data.draw(st.lists(st.sampled_from(values), max_size=20), label="values"))
    for match in sorted(chosen, key=lambda match: match.start(), reverse=True):
        value = data.draw(st.sampled_from([b"x", b"-1", b"0", b"99999999999", b"", b"restart"]))
        xml[match.start() : match.end()] = b'w:val="' + value + b'"'
    for _ in range(data.draw(st.integers(0, 10), label="damage")):
        position = data.draw(st.integers(0, len(xml) - 1), label="position")
        xml[position] = data.draw(st.integers(0, 255), label="byte")
    if data.draw(st.booleans(), label="cut"):
        xml = xml[: data.draw(st.integers(0, len(xml)), label="length")]
    assert_contract(with_document_xml(_built_document(), bytes(xml)), "damaged.docx")


# --- Files mixing encodings ---------------------------------------------------

# The 3,755 most common characters (GB2312 level 1, rows B0–D7) and ASCII.
LEVEL_1 = [
    bytes((lead, trail)).decode("gb2312")
    for lead in range(0xB0, 0xD8)
    for trail in range(0xA1, 0xFF)
    if (lead, trail) < (0xD7, 0xFA)
]
line_text = st.text(
    st.one_of(st.sampled_from(LEVEL_1), st.sampled_from("0123456789 ，。、（）abc"))
)
mixed_lines = st.lists(
    st.tuples(line_text, st.sampled_from(["utf-8", "gb18030"])), min_size=1, max_size=20
)


@fuzz_settings(500)
@given(mixed_lines)
def test_lines_in_either_encoding_read_back(lines: list[tuple[str, str]]) -> None:
    """A file whose every line is UTF-8 or GB18030, at random, reads back line for line."""
    for line, encoding in lines:
        if encoding == "gb18030":
            try:
                as_utf8 = line.encode("gb18030").decode("utf-8")
            except UnicodeDecodeError:
                continue
            # Bytes that are UTF-8 too (筛 in GB18030 is ɸ in UTF-8): nothing can tell which.
            assume(as_utf8 == line)
    text = "\n".join(line for line, _ in lines)
    data = b"\n".join(line.encode(encoding) for line, encoding in lines)
    if not data.strip():
        return
    assert decode_text(data, "mixed.txt") == text
