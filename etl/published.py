"""When a report was published, read from the report itself, and where it was read.

In order of trust: the date a portal prints beside the report (发布日期,
发布时间, 公开日期 in the lines above the report's first section, or the
信息公开目录 table's cell after that label; 成文日期, the date it was written,
only when none of those is printed); the signature date at the report's end
(“沭阳县人民政府 2026年1月23日”); the file's own creation date (a PDF's or
Word file's properties), which is no later than its publication; a signature or
file date outside the reporting year and the next is not the report's.

A capture or print date (采集时间, a portal's “今天是…” header) is never taken:
only a labelled date or the last lines' signature is.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import islice
from typing import NamedTuple

# The labels of a publication date, most trusted first.
PUBLISHED_LABELS = ("发布日期", "发布时间", "公开日期", "成文日期")
_ZERO_TO_NINE = "〇一二三四五六七八九"
_CHINESE_DIGITS = {c: str(i) for i, c in enumerate(_ZERO_TO_NINE)} | {"○": "0", "零": "0"}
_CHINESE_NUMBER = f"[{_ZERO_TO_NINE}○零十]"
_DATE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*(?:年|-|/|\.)\s*"
    rf"(?P<m>\d{{1,2}}|{_CHINESE_NUMBER}{{1,2}})\s*(?:月|-|/|\.)\s*"
    rf"(?P<d>\d{{1,2}}|{_CHINESE_NUMBER}{{1,3}})(?:\s*日)?"
)
_LABELLED = re.compile(rf"^({'|'.join(PUBLISHED_LABELS)})\s*[:：]?\s*(.*)$")
# A signature: the date alone on its line, or after the agency's name.
_SIGNATURE = re.compile(rf"^(?:[^\d，。；：:、]{{2,40}}\s*)?{_DATE.pattern}$")
_SIGNATURE_LINES = 6  # the last non-empty lines looked at for a signature


class PublishedOn(NamedTuple):
    on: str  # ISO date
    source: str  # where it was read, in words an official reads


def published_on(
    lines: list[str], body_starts: int, year: int, file_date: PublishedOn | None
) -> PublishedOn | None:
    """The report's publication date: labelled above line ``body_starts``
    (0-based), else its signature, else the file's creation date."""
    return (
        _labelled(lines[:body_starts])
        or _signature(lines, year)
        or (file_date if file_date is not None and _plausible(file_date.on, year) else None)
    )


def _plausible(on: str, year: int) -> bool:
    """A date in the reporting year or the next: the report's, not a template's
    (python-docx's blank document says 2013) nor a copy's made years later (a
    PDF printed from the page today)."""
    return year <= int(on[:4]) <= year + 1


def _labelled(lines: list[str]) -> PublishedOn | None:
    found: dict[str, PublishedOn] = {}
    for number, line in enumerate(lines):
        match = _LABELLED.match(line.strip())
        if match is None or match.group(1) in found:
            continue
        label, rest = match.groups()
        # The date after the label, or, after a label alone, the next line (a table's next cell).
        at = number if rest else number + 1
        on = _as_iso(rest if rest else lines[at] if at < len(lines) else "")
        if on is not None:
            found[label] = PublishedOn(on, f"「{label}」（第 {at + 1} 行）")
    return next((found[label] for label in PUBLISHED_LABELS if label in found), None)


def _signature(lines: list[str], year: int) -> PublishedOn | None:
    # The last non-empty lines, last first: read from the end, the rest never.
    numbered = ((number, lines[number].strip()) for number in range(len(lines) - 1, -1, -1))
    for number, line in islice(((n, text) for n, text in numbered if text), _SIGNATURE_LINES):
        match = _SIGNATURE.match(line)
        on = _iso_of(match) if match is not None else None
        if on is not None and _plausible(on, year):  # a signature, not a date cited
            return PublishedOn(on, f"落款日期（第 {number + 1} 行）")
    return None


def _as_iso(text: str) -> str | None:
    """The first date at the start of ``text`` as YYYY-MM-DD; None when there is
    none or it is no day of the calendar."""
    match = _DATE.match(text.strip())
    return _iso_of(match) if match is not None else None


def _iso_of(match: re.Match[str]) -> str | None:
    try:
        day = date(*(_number(match.group(part)) for part in ("y", "m", "d")))
    except ValueError:
        return None
    return day.isoformat()


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" not in text:  # 〇二四 digit by digit: 2024, 1, 7
        return int("".join(_CHINESE_DIGITS[c] for c in text))
    tens, _, units = text.partition("十")  # 十七, 二十, 二十三
    return (int(_CHINESE_DIGITS[tens]) if tens else 1) * 10 + (
        int(_CHINESE_DIGITS[units]) if units else 0
    )


def from_file_properties(kind: str, raw: str | None) -> PublishedOn | None:
    """A PDF's (D:20240226144123+08'00') or Word file's (2024-02-26T…) creation
    date, as the last resort; ``kind`` names the file's format."""
    digits = re.match(r"^(?:D:)?(\d{4})-?(\d{2})-?(\d{2})", raw or "")
    if digits is None:
        return None
    try:
        day = date(*(int(part) for part in digits.groups()))
    except ValueError:
        return None
    return PublishedOn(day.isoformat(), f"{kind} 文件属性「创建时间」")
