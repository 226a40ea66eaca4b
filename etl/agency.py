"""Who published a report: its name and year from the title, its region from the name.

Regions come from the ``cpca`` package, which resolves 宁波市镇海区… to
330211; special zones it does not know (平潭综合实验区) come from
``data/region_overrides.csv``. ``data/agency_aliases.csv`` maps printed name
variants to one canonical name, so the agency keeps one id across years.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.model import Agency

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# An agency's level and kind as officials name them (the codes are etl.model's).
LEVEL_LABELS = {
    "central": "中央",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇（街道）",
}
KIND_LABELS = {"government": "人民政府", "department": "政府部门", "other": "其他机关"}

_REPORT_WORDS = r"政府信息公开(?:工作)?\s*(?:年度)?\s*(?:工作)?\s*报告"
# 宁波市镇海区经济和信息化局2021年度政府信息公开工作年度报告
# (…2024年度市政府信息公开…: a qualifier may stand between the year and the words)
_NAME_THEN_YEAR = re.compile(
    r"(?P<name>[^\s\d，。：:、<>]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:的)?\s*"
    r"(?:本级|部门|[市县区])?" + _REPORT_WORDS
)
# 2024年上海市科委政府信息公开工作年度报告 (the Shanghai style)
_YEAR_THEN_NAME = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<name>(?!度)[^\s\d，。：:、<>]{2,40}?)\s*"
    + _REPORT_WORDS
)
_TITLE_PREFIX = re.compile(r"^(?:标题|题目)\s*[:：]\s*")
_NAME_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}$")
# How many lines from the top a title may start on (metadata headers of saved pages come first).
_TITLE_SEARCH_LINES = 40
# A title stands at the start of its line: the rest of a long line (a report
# pasted without line breaks) is not searched, which would take quadratic time.
_TITLE_SEARCH_CHARS = 1_000
_GOVERNMENT = re.compile(r"(?:政府|管委会|管理委员会)(?:办公室|办公厅)?$")
_DEPARTMENT = re.compile(r"(?:局|厅|委员会|委|办公室|办|部|署|室|处|所|队|站)$")
_TOWNSHIP = re.compile(r"^\S{1,8}?(?:(?:镇|乡)人民政府|街道办事处)")
_CENTRAL = re.compile(r"^(?:国务院|中华人民共和国|国家)")


@dataclass(frozen=True)
class Title:
    name: str | None
    year: int
    line: int


def find_title(lines: list[str]) -> Title | None:
    """The agency name and year of 《…2021年度政府信息公开工作年度报告》.

    The name stands before the year on the title line, alone on the line above
    it (Word and PDF reports often break the title there), or after the year
    (2024年上海市科委…); a title may run on to the next line.
    """
    head = [
        _TITLE_PREFIX.sub("", line[:_TITLE_SEARCH_CHARS].strip())
        for line in lines[:_TITLE_SEARCH_LINES]
    ]
    previous = ""
    for index, text in enumerate(head):
        match = _match_title(text)
        if match:
            name = _clean_name(match.group("name"))
            if name is None and _NAME_LINE.match(previous.strip("《》")):
                name = previous.strip("《》")
            return Title(name=name, year=int(match.group("year")), line=index + 1)
        if text and not re.fullmatch(r"[-—–－\s\d]*", text):
            previous = text
    # A title broken across two lines: …政府信息公开工作 / 年度报告.
    for index, text in enumerate(head[:-1]):
        match = _match_title(text + head[index + 1])
        name = _clean_name(match.group("name")) if match else None
        if match and name:
            return Title(name=name, year=int(match.group("year")), line=index + 1)
    return None


def _match_title(text: str) -> re.Match[str] | None:
    """The name before the year when there is one, else a name after the year."""
    before = _NAME_THEN_YEAR.search(text)
    if before and before.group("name").strip("《》 "):
        return before
    return _YEAR_THEN_NAME.search(text) or before


def _clean_name(name: str) -> str | None:
    """The agency name without title marks or a trailing 关于 (…局关于2021年度…)."""
    return re.sub(r"关于$", "", name.strip("《》 ")) or None


@dataclass(frozen=True)
class Region:
    province: str | None
    city: str | None
    county: str | None
    adcode: str | None
    rest: str  # the name without its region part


def resolve_agency(name: str) -> Agency:
    canonical = _aliases().get(name, name)
    region = _resolve_region(canonical)
    rest = region.rest or canonical
    return Agency(
        name=name,
        id=f"{region.adcode or '000000'}-{rest}",
        province=region.province,
        city=region.city,
        county=region.county,
        adcode=region.adcode,
        level=_level(canonical, region),
        kind=_kind(canonical),
    )


def clear_region_cache() -> None:
    _resolve_region.cache_clear()


@cache
def _resolve_region(name: str) -> Region:
    for prefix, row in _overrides().items():
        if name.startswith(prefix):
            return Region(
                province=row["province"] or None,
                city=row["city"] or None,
                county=row["county"] or None,
                adcode=row["adcode"] or None,
                rest=name[len(prefix) :],
            )
    return _cpca_region(name)


def _cpca_region(name: str) -> Region:
    import cpca  # loading its dictionaries takes a moment: only when a name needs it

    # cpca.transform wraps this per-name matcher in a DataFrame, which costs a
    # thousand times the match itself; the version is pinned in pyproject.toml.
    row = cpca._get_one_addr(name, False, {})
    province, city, county, adcode = (row[key] or None for key in ("省", "市", "区", "adcode"))
    if city in _PLACEHOLDER_CITIES or city == province:  # 北京市·市辖区·朝阳区
        city = None
    most_specific = county or city or province
    unplaced = Region(None, None, None, None, name)
    # cpca guesses from fragments (沐阳县 → 重庆市·县): keep only what the name really says.
    if most_specific is None or not _named_in(most_specific, name):
        return unplaced
    # 鼓楼区 alone could be in 南京, 福州, 徐州 or 开封: without its city it is not placed.
    if county and county in _ambiguous_counties() and not _named_in(city or province or "", name):
        return unplaced
    return Region(province, city, county, adcode, row["地址"] or "")


_PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@cache
def _ambiguous_counties() -> frozenset[str]:
    import cpca

    counts = Counter(place.name for place in cpca.ad_2_addr_dict.values() if place.rank == 2)
    return frozenset(name for name, count in counts.items() if count > 1)


def _named_in(region: str, name: str) -> bool:
    stem = re.sub(r"(?:省|市|自治区|自治州|地区|盟|区|县|自治县|旗)$", "", region)
    return len(stem) >= 2 and stem in name


def _level(name: str, region: Region) -> str | None:
    if region.adcode is None:
        # 国家税务总局淮安市税务局 is a city branch; only an unplaced name is central.
        return "central" if _CENTRAL.match(name) else None
    if _TOWNSHIP.match(region.rest):
        return "township"
    if region.county:
        return "county"
    if region.city:
        return "city"
    return "province"


def _kind(name: str) -> str:
    if _GOVERNMENT.search(name):
        return "government"
    if _DEPARTMENT.search(name):
        return "department"
    return "other"


@cache
def _overrides() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "region_overrides.csv").open(encoding="utf-8") as handle:
        rows = {row["prefix"]: row for row in csv.DictReader(handle)}
    # Longest prefix first, so a zone's district wins over the zone.
    return dict(sorted(rows.items(), key=lambda item: -len(item[0])))


@cache
def _aliases() -> dict[str, str]:
    with (DATA_DIR / "agency_aliases.csv").open(encoding="utf-8") as handle:
        return {row["alias"]: row["name"] for row in csv.DictReader(handle)}
