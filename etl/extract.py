"""A raw report file to a canonical report: decode, tokenize, find the title
and the six sections, read the three tables, then validate."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from etl import __version__, template, uncertain
from etl.agency import Title, clear_region_cache, find_title, resolve_agency
from etl.cells import CellData
from etl.errors import ExtractionError
from etl.fetch.provenance import Fetched, fetched_source
from etl.files import check_size, read_bytes
from etl.labels import NUMBERING, clear_layout_caches, label_pattern
from etl.model import FIRST_REPORT_YEAR, Finding, Location, Narrative, Parser, Report, Source
from etl.narrative import fee_yuan, proactive_items, section_text
from etl.published import PublishedOn, published_on
from etl.readers import image, read_document
from etl.runsplit import clear_split_cache
from etl.scope import report_scope
from etl.script import as_printed, recognition_copy
from etl.table_text import LaidOutText, ScannedText
from etl.tables import (
    Section,
    detect_format,
    read_applications,
    read_proactive,
    read_review_litigation,
)
from etl.tokens import TokenStream, tokenize
from etl.validate import validate

PARSER = Parser(name="xxgk-etl", version=__version__)
TABLE_SECTIONS = ("proactive", "applications", "review_litigation")
NARRATIVE_SECTIONS = ("overview", "problems", "other")
_SOURCE_URL = re.compile(r"^(?:原文链接|来源链接|网址|URL)\s*[:：]\s*(https?://\S+)", re.IGNORECASE)
_METADATA_LINES = 20
_LAST_PLAUSIBLE_YEAR = 2100
_NUMBER_MARK = "[、.．,，]\\s*"
# A whole report pasted without line breaks is some 30,000 characters.
MAX_LINE_CHARS = 200_000


@dataclass(frozen=True)
class SourceText:
    """What the parser works on: the decoded text and where it came from."""

    text: str
    file: str
    sha256: str
    media_type: str
    # Where each line of ``text`` stood in the input (page, table, row, column),
    # for inputs that have them; a plain text has lines only.
    locations: Mapping[int, Location] = field(default_factory=dict)
    reader_findings: tuple[Finding, ...] = ()  # what the format's reader could not place
    scans: Mapping[int, ScannedText] = field(default_factory=dict)  # lines read by OCR
    file_date: PublishedOn | None = None  # the file's own creation date, if it has one
    fetched: Fetched | None = None  # where `etl fetch` downloaded it from (fetched.tsv)


def extract_path(path: Path) -> Report:
    """The report in a file, or in a folder of scanned pages; errors name the
    file as given, the report its name alone. A file `etl fetch` saved keeps
    the URL and time the manifest beside it records."""
    try:
        if path.is_dir():
            return _extract_page_folder(path)
        data = read_bytes(path)
        return extract_bytes(data, path.name, fetched_source(path))
    except ExtractionError as error:
        raise ExtractionError(str(path), error.problem) from error


def extract_bytes(data: bytes, file: str, fetched: Fetched | None = None) -> Report:
    check_size(len(data), file)
    document = read_document(data, file)  # by content, whatever the file is called
    digest = hashlib.sha256(data).hexdigest()
    return _extracted(document.laid_out, file, digest, document.media_type, fetched)


def _extract_page_folder(folder: Path) -> Report:
    """A report scanned as one picture a page, the pages in the order of their names."""
    pages = image.page_files(folder)
    total = sum(len(data) for _, data in pages)
    check_size(total, folder.name)
    digest = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for _, data in pages))
    laid_out = image.page_files_to_text(pages, folder.name)
    media_type = image.image_media_type(pages[0][1]) or image.PAGE_ARCHIVE_MEDIA_TYPE
    return _extracted(laid_out, folder.name, digest.hexdigest(), media_type)


def _extracted(
    laid_out: LaidOutText,
    file: str,
    digest: str,
    media_type: str,
    fetched: Fetched | None = None,
) -> Report:
    source = SourceText(
        laid_out.text,
        file,
        digest,
        media_type,
        laid_out.locations,
        tuple(laid_out.findings),
        laid_out.scans,
        laid_out.file_date,
        fetched,
    )
    return extract_text(source)


def _check_line_lengths(source: SourceText) -> None:
    """A line longer than any report's is refused before the parser reads it."""
    if len(source.text) <= MAX_LINE_CHARS:
        return  # no line of it can be
    longest = max(source.text.split("\n"), key=len)
    if len(longest) > MAX_LINE_CHARS:
        number = source.text.split("\n").index(longest) + 1
        raise ExtractionError(
            source.file,
            f"第 {number:,} 行有 {len(longest):,} 个字符，超过 {MAX_LINE_CHARS:,} 个的上限，"
            "不像年度报告",
        )


def extract_text(source: SourceText) -> Report:
    _check_line_lengths(source)
    # Titles, headings and labels are found in a recognition copy of the text
    # (etl/script.py: traditional forms of the template's characters replaced,
    # one for one); prose and the agency's name are taken as printed, at the
    # same offsets.
    recognised, changed_lines = recognition_copy(source.text)
    lines = recognised.split("\n")
    stream = tokenize(lines)
    title = find_title(lines)
    sections = find_sections(stream)
    printed = _printed_stream(stream, sections, source.text, changed_lines)
    _require_a_report(source, title, sections)
    assert title is not None and title.name is not None  # checked just above

    report_format = detect_format(sections.get("proactive"), title.year)
    findings: list[Finding] = list(source.reader_findings)
    tables: dict[str, dict] = {}
    for key in TABLE_SECTIONS:
        section = sections.get(key)
        if section is None:
            tables[key] = {}
            continue
        # A section laid out in fewer tokens than half its cells ran its figures together.
        flat = section.token_count() < template.cell_count(key, report_format) / 2
        if key == "proactive":
            rows, row_findings = read_proactive(section, report_format, flat)
        elif key == "applications":
            rows, row_findings = read_applications(section, flat)
        else:
            rows, row_findings = read_review_litigation(section, flat)
        tables[key] = rows
        findings.extend(row_findings)
    headline = _headline(stream, sections)
    if recognised != source.text:
        _text_cells_as_printed(tables.values(), lines, source.text.split("\n"))
    if source.locations:
        _place_cells([*tables.values(), {"headline": headline}], source.locations)
    if source.scans:
        _figure_confidences([*tables.values(), {"headline": headline}], source.scans)

    narrative = Narrative(
        **{key: _section_text(printed, sections.get(key)) for key in NARRATIVE_SECTIONS}
    )
    agency = resolve_agency(as_printed(title.name, recognised, source.text))
    received = tables["applications"].get("new_received", {}).get("total")
    report = Report.model_validate(
        {
            "agency": agency,
            "year": title.year,
            "format": report_format,
            "scope": report_scope(
                agency.kind,
                "\n".join(filter(None, (narrative.overview, narrative.other))),
                received["value"] if received else None,
            ),
            "source": _source(source, lines, _body_line(stream, sections), title.year),
            "narrative": narrative,
            "headline": headline,
            "proactive": tables["proactive"],
            "applications": tables["applications"],
            "review_litigation": tables["review_litigation"],
        }
    )
    report.findings = findings + validate(report)
    if source.scans:
        report.crops = _crops(report, source.scans)
    return report


def _place_cells(tables: list[dict], locations: Mapping[int, Location]) -> None:
    """Add the page, table, row and column of each cell's line, where the input had them."""
    for table in tables:
        for row in table.values():
            cells = row.values() if "at" not in row else [row]
            for cell in cells:
                cell["at"].update(locations.get(cell["at"]["line"], {}))


def _figure_confidences(tables: list[dict], scans: Mapping[int, ScannedText]) -> None:
    """A scanned cell's confidence is that of its own characters, not its
    line's: a headline figure stands in a line of prose."""
    for table in tables:
        for row in table.values():
            for cell in row.values() if "at" not in row else [row]:
                scan = scans.get(cell["at"]["line"])
                start = scan.text.find(cell["raw"]) if scan is not None and cell["raw"] else -1
                if start >= 0:
                    own = scan.confidences[start : start + len(cell["raw"])]
                    cell["at"]["confidence"] = round(min(own), 3)


def _crops(report: Report, scans: Mapping[int, ScannedText]) -> dict[str, str]:
    """The scan's picture of each figure flagged as uncertain, as base64 PNG."""
    from etl.ocr.pixels import png  # OpenCV: loaded only for scans

    crops = {}
    for finding in report.findings:
        if finding.rule != uncertain.RULE:
            continue
        for path in finding.cells:
            scan = scans.get(_cell_at(report, path)["line"])
            if scan is not None:
                crops[path] = base64.b64encode(png(scan.image)).decode("ascii")
    return crops


def _cell_at(report: Report, path: str) -> Location:
    section, row, *column = path.split(".")
    table = getattr(report, section)
    return (table[row][column[0]] if column else table[row])["at"]


def _text_cells_as_printed(
    tables: Iterable[dict], recognised_lines: list[str], printed_lines: list[str]
) -> None:
    """A text or dash cell read from the recognition copy (无 for a printed 無), as printed."""
    for table in tables:
        for row in table.values():
            for cell in row.values():
                if cell["status"] in ("text", "dash"):
                    line = cell["at"]["line"] - 1
                    cell["raw"] = as_printed(
                        cell["raw"], recognised_lines[line], printed_lines[line]
                    )


def clear_caches() -> None:
    """Forget every remembered answer (section lookups, layout text, run splits),
    so a benchmark can measure reports that share nothing with earlier ones."""
    clear_region_cache()
    clear_layout_caches()
    clear_split_cache()


def find_sections(stream: TokenStream) -> dict[str, Section]:
    """The six sections, by their headings in order; a section runs to the
    next heading found. Headings that begin a line are preferred over the
    same words inside a paragraph."""
    text = stream.text
    starts: list[tuple[str, int, int]] = []  # key, heading start, heading end
    position = 0
    for key in template.SECTION_KEYS:
        # The whole heading when it is printed as such, else its anchor: a
        # heading's words run straight into the table on flattened pages.
        matches = []
        for heading in template.SECTION_HEADINGS[key]:
            matches = list(label_pattern(heading, tail=False).finditer(text, position))
            if matches:
                break
        if not matches:
            # Some agencies number the statistical tables on their own (一、主动公开
            # 政府信息情况 after six narrative parts): the whole title, on its own line.
            matches = list(_renumbered_heading(key).finditer(text, position))
        if not matches:
            continue
        at_line_start = [m for m in matches if m.start() == 0 or text[m.start() - 1] == "\n"]
        match = (at_line_start or matches)[0]
        starts.append((key, match.start(), match.end()))
        position = match.end()
    sections = {}
    for index, (key, _, heading_end) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(text)
        sections[key] = Section(stream, heading_end, end)
    return sections


@cache
def _renumbered_heading(key: str) -> re.Pattern[str]:
    """A section's whole printed title at the start of a line, under any number."""
    title = NUMBERING.sub("", template.SECTION_HEADINGS[key][0])
    return re.compile(
        rf"(?m)^(?:[一二三四五六七八九十]{_NUMBER_MARK})?{label_pattern(title, tail=False).pattern}"
    )


def _require_a_report(
    source: SourceText, title: Title | None, sections: dict[str, Section]
) -> None:
    """Stop with one clear line when the file holds no report that can be read."""
    has_tables = any(key in sections for key in TABLE_SECTIONS)
    if title is not None and not FIRST_REPORT_YEAR <= title.year <= _LAST_PLAUSIBLE_YEAR:
        raise ExtractionError(
            source.file,
            f"第 {title.line} 行标题中的年度 {title.year} 不可能："
            f"年度报告始于 {FIRST_REPORT_YEAR} 年（《政府信息公开条例》施行）",
        )
    if title is not None and title.year < 2019 and "applications" not in sections:
        raise ExtractionError(
            source.file,
            f"这是 {title.year} 年度的报告，早于 2019 年的全国统一格式"
            "（国办公开办函〔2019〕60号），其统计表与现行模板不同，不能按现行表格读取",
        )
    if title is None and not has_tables:
        raise ExtractionError(
            source.file,
            "不是政府信息公开工作年度报告：没有找到标题（“××年度政府信息公开工作年度报告”）"
            "和“二、主动公开政府信息情况”等章节",
        )
    if title is None:
        raise ExtractionError(
            source.file, "没有找到报告标题（“××年度政府信息公开工作年度报告”），无法确定年度和机关"
        )
    if title.name is None:
        raise ExtractionError(source.file, f"第 {title.line} 行的标题前后没有机关名称")
    if not has_tables:
        raise ExtractionError(
            source.file,
            "没有找到任何表格章节（二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；"
            "四、政府信息公开行政复议、行政诉讼情况）",
        )


def _printed_stream(
    stream: TokenStream, sections: dict[str, Section], printed: str, changed: list[int]
) -> TokenStream:
    """The token stream the narrative is taken from, as printed. The recognition
    copy's own stream serves unless an other form of a character stands in a
    narrative section's lines (``changed``: those that print one): tokenizing
    the printed text would cost as much again, for the few reports whose
    narrative prints one."""
    if not changed:
        return stream
    for key in NARRATIVE_SECTIONS:
        section = sections.get(key)
        if section is None:
            continue
        first, last = stream.source_lines(section.start, section.end)
        if any(first <= line <= last for line in changed):
            return tokenize(printed.split("\n"))
    return stream


def _section_text(stream: TokenStream, section: Section | None) -> str | None:
    if section is None:
        return None
    return section_text(stream.text[section.start : section.end])


def _headline(stream: TokenStream, sections: dict[str, Section]) -> dict[str, CellData]:
    headline: dict[str, CellData] = {}
    for key, section_key, reader in (
        ("proactive_items", "overview", proactive_items),
        ("fee_yuan", "other", fee_yuan),
    ):
        section = sections.get(section_key)
        if section is None:
            continue
        text = stream.text[section.start : section.end]
        cell = reader(text, lambda offset, base=section.start: stream.line_at(base + offset))
        if cell is not None:
            headline[key] = cell
    return headline


def _body_line(stream: TokenStream, sections: dict[str, Section]) -> int:
    """The 1-based line of the report's first section: what a portal prints
    about the report (its 发布日期 …) stands above it."""
    return stream.line_at(min(section.start for section in sections.values()))


def _source(source: SourceText, lines: list[str], body_line: int, year: int) -> Source:
    url = None
    for line in lines[:_METADATA_LINES]:
        if url is None and (match := _SOURCE_URL.match(line.strip())):
            url = match.group(1)
    if source.fetched is not None:  # the URL it was fetched from, not one the text quotes
        url = source.fetched.url
    published = published_on(lines, body_line - 1, year, source.file_date)
    return Source(
        file=source.file,
        sha256=source.sha256,
        media_type=source.media_type,
        url=url,
        fetched_at=source.fetched.fetched_at if source.fetched is not None else None,
        published_on=published.on if published else None,
        published_on_from=published.source if published else None,
        parser=PARSER,
    )
