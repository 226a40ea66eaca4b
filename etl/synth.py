"""Synthetic canonical reports, for scale benchmarks and dashboard tests.

The real corpus is a few dozen reports; loading, querying and charting have to
be tried on hundreds of thousands, from every province, level and year. This
module makes them: ``synthetic_reports(count, seed)`` yields canonical
``Report`` objects that look like parsed ones — real regions and adcodes (the
table shipped with ``cpca``), names as agencies print them, skewed counts, one
agency's years linked as the spec's cross-year rules expect, narrative text
that changes from year to year except where a year copies the last one.

Every report is marked: ``synthetic`` is true, the agency id starts with
``synthetic-`` (so a generated agency never merges with a real one), and the
source file is ``synthetic/…``. A fraction ``error_rate`` of reports carries
one deliberate arithmetic slip; ``findings`` come from ``etl.validate``, so a
slip is flagged exactly as in a parsed report, and every other report has no
error finding.

Output depends only on (count, seed, error_rate): one ``random.Random(seed)``,
no set iteration, no ``hash()``. The error draws are made for every report
whatever the rate, so the reports without a slip are the same at any rate,
and a shorter run is a prefix of a longer one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import etl
from etl import template
from etl.model import Report
from etl.validate import validate

FIRST_YEAR = 2019
LAST_YEAR = 2025
FIRST_2021_FORMAT_YEAR = 2021  # 国办公开办函〔2021〕30号 applies from the 2021 reports
ID_PREFIX = "synthetic-"
PARSER = {"name": "xxgk-etl synth", "version": etl.__version__}

# How many consecutive years an agency reports, and how often: most report every year.
_YEARS_REPORTED = (7, 6, 5, 4, 3, 2, 1)
_YEARS_WEIGHTS = (40, 14, 12, 10, 9, 8, 7)
_PROBLEMS_COPIED = 0.05  # share of later years whose 五 repeats the year before (内容雷同)

Cell = dict[str, object]
Table = dict[str, dict[str, Cell]]


# --- regions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A province, city or county of cpca's region table."""

    adcode: str  # six digits
    name: str
    province: str
    city: str | None
    county: str | None


@dataclass(frozen=True)
class Regions:
    provinces: tuple[Place, ...]
    cities: tuple[Place, ...]
    counties: tuple[Place, ...]
    ambiguous_counties: frozenset[str]  # 鼓楼区, 城区, …: printed after their city's name


# Rows of the table that stand for a grouping, not a place.
_NOT_A_PLACE = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# 台湾、香港、澳门 publish no reports under the 条例.
_OUTSIDE_THE_SYSTEM = ("71", "81", "82")
_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京、天津、上海、重庆: province-level cities


@cache
def regions() -> Regions:
    """Mainland provinces, cities and counties, in adcode order."""
    text = resources.files("cpca").joinpath("resources", "adcodes.csv").read_text("utf-8")
    names = {row["adcode"][:6]: row["name"] for row in csv.DictReader(io.StringIO(text))}
    provinces, cities, counties = [], [], []
    for code in sorted(names):
        name = names[code]
        if code.startswith(_OUTSIDE_THE_SYSTEM) or name in _NOT_A_PLACE:
            continue
        province = names[code[:2] + "0000"]
        if code.endswith("0000"):
            provinces.append(Place(code, name, province, None, None))
        elif code.endswith("00"):
            cities.append(Place(code, name, province, name, None))
        else:
            # A municipality's districts and a province's directly governed
            # cities (仙桃市) have no city, as etl.agency resolves them.
            city = names.get(code[:4] + "00")
            counties.append(
                Place(code, name, province, None if city in _NOT_A_PLACE else city, name)
            )
    repeated = Counter(place.name for place in counties)
    return Regions(
        provinces=tuple(provinces),
        cities=tuple(cities),
        counties=tuple(counties),
        ambiguous_counties=frozenset(name for name, n in repeated.items() if n > 1),
    )


# --- agencies -----------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    """A kind of government department and how busy it is, relative to others."""

    provincial: str | None  # the name at province level (…厅); None: no such department
    local: str  # the name in a city or county (…局)
    applications: float
    licensing: float
    penalty: float


DEPARTMENTS: tuple[Department, ...] = (
    Department("发展和改革委员会", "发展和改革委员会", 0.8, 1.0, 0.2),
    Department("教育厅", "教育局", 1.0, 0.5, 0.1),
    Department("科学技术厅", "科学技术局", 0.3, 0.2, 0.0),
    Department("工业和信息化厅", "工业和信息化局", 0.4, 0.3, 0.1),
    Department("公安厅", "公安局", 1.5, 3.0, 8.0),
    Department("民政厅", "民政局", 0.8, 0.5, 0.1),
    Department("司法厅", "司法局", 0.6, 0.5, 0.1),
    Department("财政厅", "财政局", 0.8, 0.1, 0.1),
    Department("人力资源和社会保障厅", "人力资源和社会保障局", 1.2, 1.0, 0.5),
    Department("自然资源厅", "自然资源和规划局", 3.0, 1.5, 1.5),
    Department("生态环境厅", "生态环境局", 1.2, 0.8, 2.0),
    Department("住房和城乡建设厅", "住房和城乡建设局", 2.0, 1.5, 1.0),
    Department("交通运输厅", "交通运输局", 0.8, 2.0, 4.0),
    Department("水利厅", "水利局", 0.5, 0.8, 0.5),
    Department("农业农村厅", "农业农村局", 0.8, 1.0, 0.8),
    Department("商务厅", "商务局", 0.3, 0.5, 0.2),
    Department("文化和旅游厅", "文化广电和旅游局", 0.3, 0.8, 0.8),
    Department("卫生健康委员会", "卫生健康委员会", 1.0, 1.5, 1.5),
    Department("退役军人事务厅", "退役军人事务局", 0.3, 0.0, 0.0),
    Department("应急管理厅", "应急管理局", 0.5, 0.8, 1.2),
    Department("审计厅", "审计局", 0.2, 0.0, 0.0),
    Department("市场监督管理局", "市场监督管理局", 1.0, 4.0, 4.0),
    Department("统计局", "统计局", 0.2, 0.0, 0.1),
    Department("医疗保障局", "医疗保障局", 0.5, 0.2, 0.5),
    Department("林业局", "林业局", 0.4, 0.8, 0.5),
    Department("人民防空办公室", "人民防空办公室", 0.1, 0.3, 0.1),
    Department(None, "城市管理局", 0.8, 0.5, 4.0),
    Department(None, "行政审批局", 0.5, 10.0, 0.0),
)
# Public institutions that publish reports too (kind "other"); the last only below a province.
OTHER_BODIES: tuple[str, ...] = (
    "住房公积金管理中心",
    "公共资源交易中心",
    "机关事务服务中心",
    "供销合作社联合社",
    "融媒体中心",
)
# Invented town names: one syllable of each list, then 镇 or 乡.
_TOWN_FIRST = "东西南北新长安平永青高红白金龙凤双三太大小石黄杨"
_TOWN_SECOND = "城山河桥湖集店庄坝口湾岭塘埠溪田坪寨圩堡"

_LEVELS = ("province", "city", "county", "township")
_LEVEL_WEIGHTS = (8, 27, 47, 18)
_KINDS = ("government", "department", "other")
_KIND_WEIGHTS = (15, 78, 7)

# Median new applications a year, by level and kind (the spread around it is wide).
_APPLICATION_MEDIANS = {
    ("province", "government"): 400.0,
    ("province", "department"): 30.0,
    ("province", "other"): 4.0,
    ("city", "government"): 100.0,
    ("city", "department"): 8.0,
    ("city", "other"): 2.0,
    ("county", "government"): 25.0,
    ("county", "department"): 2.5,
    ("county", "other"): 0.8,
    ("township", "government"): 0.6,
}
# Even the busiest governments (深圳, 浦东) receive a few thousand a year.
_MOST_APPLICATIONS = 6000.0
# Median licensing and penalty decisions a year: a government reports its
# whole region's, a department its own.
_ENFORCEMENT_MEDIANS = {
    ("province", "government"): (20000.0, 30000.0),
    ("city", "government"): (8000.0, 5000.0),
    ("county", "government"): (3000.0, 2000.0),
    ("township", "government"): (30.0, 10.0),
    ("province", "department"): (300.0, 60.0),
    ("city", "department"): (400.0, 150.0),
    ("county", "department"): (300.0, 120.0),
}
_NORMATIVE_PER_YEAR = {"province": 30.0, "city": 20.0, "county": 12.0, "township": 1.0}
_FEE_MEDIANS_10K_YUAN = {"province": 5000.0, "city": 800.0, "county": 200.0, "township": 10.0}
_ITEMS_STATED_MEDIANS = {"province": 8000.0, "city": 3000.0, "county": 1500.0, "township": 60.0}


@dataclass(slots=True)
class Profile:
    """What an agency is like, fixed over its years: how much it handles."""

    applications: float  # median new applications a year
    applicant_weights: list[float]  # cumulative, over the six applicant columns
    outcome_weights: list[float]  # per 2021 outcome row, before yearly noise
    forward_share: float  # share of open applications carried into next year, in busy years
    licensing: float
    penalty: float
    regulations: float  # 规章 made a year; 0 for agencies without rule-making power
    normative: float  # 行政规范性文件 a year
    fees_10k_yuan: float  # median fees collected; 0 for agencies that collect none
    procurement: float  # 2019 template: procurement projects a year
    items_stated: float  # 主动公开…条 in 一; 0 when the agency never states it
    states_fee: bool  # whether 六 states the 信息处理费 collected


@dataclass(slots=True)
class Ledger:
    """What one year of an agency hands on to the next."""

    carried_forward: list[int]  # per applicant column
    regulations_in_force: int
    normative_in_force: int
    catalog: dict[str, int]  # 2019 template: 上一年项目数量 per item
    problems: tuple[int, ...] = ()  # indices into PROBLEMS_POOL of last year's 五
    problems_text: str = ""


@dataclass(slots=True)
class SyntheticAgency:
    agency: dict[str, object]  # the canonical agency object
    profile: Profile
    ledger: Ledger = field(init=False)


def _new_agency(rng: random.Random, places: Regions, used_ids: set[str]) -> SyntheticAgency:
    """An agency not generated before in this run: a place, a name, a profile."""
    for _ in range(1000):
        level = rng.choices(_LEVELS, _LEVEL_WEIGHTS)[0]
        kind = "government" if level == "township" else rng.choices(_KINDS, _KIND_WEIGHTS)[0]
        place, name, rest, department, is_office = _agency_name(rng, places, level, kind)
        agency_id = f"{ID_PREFIX}{place.adcode}-{rest}"
        if agency_id not in used_ids:
            used_ids.add(agency_id)
            break
    else:  # over a million possible agencies: only reachable with absurd counts
        raise RuntimeError("no new synthetic agency found: too many agencies for the region table")
    agency = {
        "name": name,
        "id": agency_id,
        "province": place.province,
        "city": place.city,
        "county": place.county,
        "adcode": place.adcode,
        "level": level,
        "kind": kind,
    }
    synthetic = SyntheticAgency(agency, _profile(rng, level, kind, department, is_office))
    synthetic.ledger = _first_ledger(rng, synthetic.profile)
    return synthetic


def _agency_name(
    rng: random.Random, places: Regions, level: str, kind: str
) -> tuple[Place, str, str, Department | None, bool]:
    """Where the agency is, its printed name, the name without the region
    (for the id), its department kind and whether it is a government's office."""
    if level == "province":
        place = rng.choice(places.provinces)
    elif level == "city":
        place = rng.choice(places.cities)
    else:
        place = rng.choice(places.counties)
    department: Department | None = None
    is_office = False
    if level == "township":
        town = rng.choice(_TOWN_FIRST) + rng.choice(_TOWN_SECOND)
        rest = town + ("镇" if rng.random() < 0.75 else "乡") + "人民政府"
    elif kind == "government":
        is_office = rng.random() < 0.25
        # 地区 and 盟 are governed by a 行政公署, not a 人民政府.
        rest = "行政公署" if place.name.endswith(("地区", "盟")) else "人民政府"
        if is_office:
            rest += "办公厅" if level == "province" else "办公室"
    elif kind == "department":
        municipality = place.adcode[:2] in _MUNICIPALITIES
        choices = DEPARTMENTS if level != "province" else [d for d in DEPARTMENTS if d.provincial]
        department = rng.choice(choices)
        provincial = level == "province" and not municipality
        rest = department.provincial if provincial and department.provincial else department.local
    else:
        bodies = OTHER_BODIES if level != "province" else OTHER_BODIES[:-1]
        rest = rng.choice(bodies)
    return place, _region_prefix(rng, places, place, level) + rest, rest, department, is_office


def _region_prefix(rng: random.Random, places: Regions, place: Place, level: str) -> str:
    """The region part of a name: 淮安市, 洪泽区 or 淮安市洪泽区 (always with
    the city where the county's name alone is ambiguous, like 鼓楼区)."""
    if level in ("province", "city"):
        return place.name
    # A municipality's district prints the municipality (北京市朝阳区); a city
    # governed by its province directly (仙桃市) prints nothing before its name.
    municipality = place.adcode[:2] in _MUNICIPALITIES
    outer = place.city or (place.province if municipality else None)
    with_outer = place.name in places.ambiguous_counties or rng.random() < 0.4
    return outer + place.name if outer and with_outer else place.name


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _profile(
    rng: random.Random, level: str, kind: str, department: Department | None, is_office: bool
) -> Profile:
    factor = department.applications if department else (0.2 if is_office else 1.0)
    median = _APPLICATION_MEDIANS[(level, kind)] * factor
    applications = min(_lognormal(rng, median, 1.4), _MOST_APPLICATIONS)
    # Natural persons file almost every application; companies and lawyers most of the rest.
    person = rng.uniform(0.80, 0.97)
    others = [rng.random() * share for share in (0.5, 0.08, 0.07, 0.2, 0.15)]
    scale = (1.0 - person) / sum(others)
    weights = [person] + [share * scale for share in others]
    licensing, penalty = _ENFORCEMENT_MEDIANS.get((level, kind), (0.0, 0.0))
    if department is not None:
        licensing, penalty = licensing * department.licensing, penalty * department.penalty
    if is_office:
        licensing, penalty = licensing * 0.01, penalty * 0.01
    makes_rules = kind == "government" and level in ("province", "city") and not is_office
    normative = _NORMATIVE_PER_YEAR[level] * (1.0 if kind == "government" else 0.2)
    return Profile(
        applications=applications,
        applicant_weights=_cumulative(weights),
        outcome_weights=[w * math.exp(rng.gauss(0.0, 0.6)) for w in _OUTCOME_WEIGHTS],
        forward_share=rng.uniform(0.01, 0.1),
        licensing=_lognormal(rng, licensing, 1.2),
        penalty=_lognormal(rng, penalty, 1.2),
        regulations=(6.0 if level == "province" else 2.0) if makes_rules else 0.0,
        normative=0.0 if kind == "other" else _lognormal(rng, normative, 0.5),
        fees_10k_yuan=_fee_median(rng, level, kind),
        procurement=0.0 if kind == "other" else _lognormal(rng, 6.0, 0.8),
        items_stated=_items_stated(rng, level, kind),
        states_fee=rng.random() < 0.08,
    )


def _fee_median(rng: random.Random, level: str, kind: str) -> float:
    collects = {"government": 0.5, "department": 0.35, "other": 0.05}[kind]
    if rng.random() >= collects:
        return 0.0
    share = 1.0 if kind == "government" else 0.1
    return _lognormal(rng, _FEE_MEDIANS_10K_YUAN[level] * share, 1.2)


def _items_stated(rng: random.Random, level: str, kind: str) -> float:
    if rng.random() < 0.4:
        return 0.0
    share = 1.0 if kind == "government" else (0.1 if kind == "department" else 0.02)
    return max(_lognormal(rng, _ITEMS_STATED_MEDIANS[level] * share, 0.8), 5.0)


def _first_ledger(rng: random.Random, profile: Profile) -> Ledger:
    """The state before an agency's first synthetic year: stocks already built up."""
    carried = [0] * 6
    if rng.random() < 0.3:  # a few applications left over from the year before
        carried = _multinomial(
            rng, _count(rng, profile.applications * 0.05), profile.applicant_weights
        )
    catalog = {
        "licensing": round(profile.licensing**0.5 * rng.uniform(0.5, 2.0)),
        "other_services": round(rng.uniform(0, 40)),
        "penalty": round(profile.penalty**0.5 * rng.uniform(1.0, 4.0)),
        "coercion": round(profile.penalty**0.3 * rng.uniform(0.5, 2.0)),
        "fees": round(rng.uniform(1, 15)) if profile.fees_10k_yuan else 0,
    }
    return Ledger(
        carried_forward=carried,
        regulations_in_force=round(profile.regulations * rng.uniform(15, 40)),
        normative_in_force=round(profile.normative * rng.uniform(2, 8)),
        catalog=catalog,
    )


def _years_reported(rng: random.Random) -> range:
    length = rng.choices(_YEARS_REPORTED, _YEARS_WEIGHTS)[0]
    start = rng.randint(FIRST_YEAR, LAST_YEAR - length + 1)
    return range(start, start + length)


# --- random counts --------------------------------------------------------------


def _count(rng: random.Random, mean: float) -> int:
    """A Poisson count: exact for small means, its normal approximation for large."""
    if mean <= 0:
        return 0
    if mean < 30:
        limit, k, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            k += 1
            product *= rng.random()
        return k
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if n <= 50:
        return sum(rng.random() < p for _ in range(n))
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _multinomial(rng: random.Random, n: int, cum_weights: list[float]) -> list[int]:
    """``n`` split over categories: drawn one by one when few, in proportion
    (remainder drawn) when many — the yearly noise of the weights is enough
    spread there, and it keeps a city of 5,000 applications fast."""
    size = len(cum_weights)
    counts = [0] * size
    if n <= 0:
        return counts
    indices = range(size)
    if n <= 40:
        for index in rng.choices(indices, cum_weights=cum_weights, k=n):
            counts[index] += 1
        return counts
    total, before = cum_weights[-1], 0.0
    for index, upto in enumerate(cum_weights):
        counts[index] = int(n * (upto - before) / total)
        before = upto
    for index in rng.choices(indices, cum_weights=cum_weights, k=n - sum(counts)):
        counts[index] += 1
    return counts


# --- tables ---------------------------------------------------------------------

_COUNTED = template.APPLICANT_COLUMNS[:-1]  # the six applicant columns summed into 总计
_OUTCOMES_2021 = template.application_row_keys(single_other_row=False)[2:-2]
_OUTCOMES_2019 = template.application_row_keys(single_other_row=True)[2:-2]
# Rough shares of outcomes in real reports: 予以公开 first, then 本机关不掌握, 部分公开, …
_OUTCOME_SHARES = {
    "granted": 0.42,
    "partially_granted": 0.08,
    "withheld_state_secret": 0.002,
    "withheld_prohibited_by_law": 0.003,
    "withheld_security_stability": 0.003,
    "withheld_third_party": 0.01,
    "withheld_internal_affairs": 0.01,
    "withheld_process_info": 0.015,
    "withheld_enforcement_file": 0.005,
    "withheld_admin_query": 0.01,
    "unavailable_not_held": 0.2,
    "unavailable_needs_creation": 0.02,
    "unavailable_unclear": 0.03,
    "declined_petition": 0.04,
    "declined_duplicate": 0.03,
    "declined_publication": 0.005,
    "declined_excessive": 0.01,
    "declined_confirmation": 0.005,
    "other_no_correction": 0.03,
    "other_fee_unpaid": 0.002,
    "other_other": 0.06,
}
_OUTCOME_WEIGHTS = tuple(_OUTCOME_SHARES[row] for row in _OUTCOMES_2021)
_OTHER_SUB_ROW_SLICE = slice(
    _OUTCOMES_2021.index(template.OTHER_SUB_ROWS[0]),
    _OUTCOMES_2021.index(template.OTHER_SUB_ROWS[-1]) + 1,
)
_REVIEW_SHARES = _cumulative((0.7, 0.08, 0.12, 0.1))  # upheld, corrected, other, pending


def _application_counts(
    rng: random.Random, agency: SyntheticAgency, report_format: str
) -> dict[str, list[int]]:
    """Section 三 as six applicant counts per row, balanced by construction:
    per column, new + carried over = outcomes + carried forward."""
    profile, ledger = agency.profile, agency.ledger
    new = _multinomial(
        rng, _count(rng, _lognormal(rng, profile.applications, 0.35)), profile.applicant_weights
    )
    carried = ledger.carried_forward
    forward_share = profile.forward_share if rng.random() < 0.5 else 0.0
    forward = [_binomial(rng, n + c, forward_share) for n, c in zip(new, carried, strict=True)]
    processed = [n + c - f for n, c, f in zip(new, carried, forward, strict=True)]
    weights = [w * (0.6 + 0.8 * rng.random()) for w in profile.outcome_weights]
    if report_format == "2019":  # one 其他处理 row in place of the three sub-rows
        weights[_OTHER_SUB_ROW_SLICE] = [sum(weights[_OTHER_SUB_ROW_SLICE])]
        outcome_rows = _OUTCOMES_2019
    else:
        outcome_rows = _OUTCOMES_2021
    cum_weights = _cumulative(weights)
    by_column = [_multinomial(rng, n, cum_weights) for n in processed]
    table = {"new_received": new, "carried_over": list(carried)}
    for index, row in enumerate(outcome_rows):
        table[row] = [column[index] for column in by_column]
    table["total_processed"] = processed
    table["carried_forward"] = forward
    ledger.carried_forward = forward
    return table


def _review_counts(rng: random.Random, new_applications: int) -> dict[str, list[int]]:
    """Section 四: few cases, more where many applied (and some were refused)."""
    mean = 0.3 + 0.015 * new_applications
    return {
        group: _multinomial(rng, _count(rng, mean * share), _REVIEW_SHARES)
        for group, share in zip(template.REVIEW_GROUPS, (1.0, 0.5, 0.3), strict=True)
    }


def _proactive_2021(rng: random.Random, agency: SyntheticAgency) -> dict[str, list[int | str]]:
    """Section 二 (2021 template): stocks flow, in_force = last + issued − repealed."""
    profile, ledger = agency.profile, agency.ledger
    rows: dict[str, list[int | str]] = {}
    for key, rate, stock in _documents(profile):
        in_force = getattr(ledger, stock)
        issued = _count(rng, rate)
        repealed = min(_count(rng, in_force * 0.04 + rate * 0.1), in_force + issued)
        in_force += issued - repealed
        setattr(ledger, stock, in_force)
        rows[key] = [issued, repealed, in_force]
    rows["licensing"] = [_count(rng, _lognormal(rng, profile.licensing, 0.3))]
    penalty = _lognormal(rng, profile.penalty, 0.3)
    rows["penalty"] = [_count(rng, penalty)]
    rows["coercion"] = [_count(rng, penalty * 0.08)]
    rows["fees"] = [_money(rng, profile.fees_10k_yuan)]
    return rows


def _proactive_2019(rng: random.Random, agency: SyntheticAgency) -> dict[str, list[int | str]]:
    """Section 二 (2019 template): documents made and published, item catalogues
    with a signed change, procurement."""
    profile, ledger = agency.profile, agency.ledger
    rows: dict[str, list[int | str]] = {}
    for key, rate, stock in _documents(profile):
        made = _count(rng, rate)
        published = made if rng.random() < 0.85 else _binomial(rng, made, 0.8)
        total = getattr(ledger, stock) + published
        setattr(ledger, stock, total)
        rows[key] = [made, published, total]
    decisions = {
        "licensing": _lognormal(rng, profile.licensing, 0.3),
        "other_services": _lognormal(rng, profile.licensing * 0.3, 0.5),
        "penalty": _lognormal(rng, profile.penalty, 0.3),
        "coercion": _lognormal(rng, profile.penalty * 0.08, 0.3),
    }
    for key, mean in decisions.items():
        rows[key] = [*_catalogue_change(rng, ledger, key), _count(rng, mean)]
    rows["fees"] = _catalogue_change(rng, ledger, "fees")
    projects = _count(rng, profile.procurement)
    rows["procurement"] = [projects, _money(rng, projects * 45.0)]
    return rows


def _documents(profile: Profile) -> tuple[tuple[str, float, str], ...]:
    """规章 and 规范性文件: section-二 key, yearly rate, and the ledger's stock attribute."""
    return (
        ("regulations", profile.regulations, "regulations_in_force"),
        ("normative_documents", profile.normative, "normative_in_force"),
    )


def _catalogue_change(rng: random.Random, ledger: Ledger, key: str) -> list[int | str]:
    """上一年项目数量 and 本年增/减 of an item catalogue (the change may be negative)."""
    before = ledger.catalog[key]
    change = 0 if rng.random() < 0.5 else max(-before, round(rng.gauss(0, 1 + before * 0.05)))
    ledger.catalog[key] = before + change
    return [before, change]


def _money(rng: random.Random, median_10k_yuan: float) -> str:
    """An amount in 万元 as printed, two decimals ("0.00" when nothing was collected)."""
    if median_10k_yuan <= 0:
        return "0.00"
    cents = round(_lognormal(rng, median_10k_yuan, 0.3) * 100)
    return f"{cents // 100}.{cents % 100:02d}"


# --- cells and lines -------------------------------------------------------------


def _cell(value: int, line: int) -> Cell:
    return {"value": value, "raw": str(value), "status": "number", "at": {"line": line}}


def _figure_cell(figure: int | str, line: int) -> Cell:
    """A count, or an amount already printed with its decimals."""
    if isinstance(figure, str):
        return {"value": float(figure), "raw": figure, "status": "number", "at": {"line": line}}
    return _cell(figure, line)


def _label_lines(label: str) -> int:
    """Lines a printed row label takes in a text layout (long ones wrap)."""
    return 1 + len(label) // 24


# Lines of a row's label (and a group label above its first sub-row) before its cells.
_APPLICATION_LABEL_LINES = {
    row.key: _label_lines(row.label) + (row.key in template.GROUP_LABEL_BEFORE)
    for row in template.APPLICATION_ROWS
}
_PROACTIVE_COLUMNS = {
    fmt: {item.key: item.columns for item in items}
    for fmt, items in template.PROACTIVE_ITEMS.items()
}
_PROACTIVE_HEADER_LINES = 8  # section heading and column headers
_APPLICATION_HEADER_LINES = 12
_REVIEW_HEADER_LINES = 14
_TEXT_LINE_CHARS = 38  # characters per line of wrapped narrative text


def _proactive_cells(
    rows: dict[str, list[int | str]], report_format: str, line: int
) -> tuple[Table, int]:
    line += _PROACTIVE_HEADER_LINES
    table: Table = {}
    for key, figures in rows.items():
        line += 1
        cells = {}
        for column, figure in zip(_PROACTIVE_COLUMNS[report_format][key], figures, strict=True):
            cells[column] = _figure_cell(figure, line)
            line += 1
        table[key] = cells
    return table, line


def _row_with_total(
    columns: Sequence[str], values: list[int], line: int
) -> tuple[dict[str, Cell], int]:
    """One table row, a figure per line, then its 总计 (the sum, unless a slip is seeded later)."""
    cells = {}
    for column, value in zip(columns, values, strict=True):
        cells[column] = _cell(value, line)
        line += 1
    cells["total"] = _cell(sum(values), line)
    return cells, line + 1


def _application_cells(counts: dict[str, list[int]], line: int) -> tuple[Table, int]:
    line += _APPLICATION_HEADER_LINES
    table: Table = {}
    for row, values in counts.items():
        line += _APPLICATION_LABEL_LINES[row]
        table[row], line = _row_with_total(_COUNTED, values, line)
    return table, line


def _review_cells(counts: dict[str, list[int]], line: int) -> tuple[Table, int]:
    line += _REVIEW_HEADER_LINES
    table: Table = {}
    for group, values in counts.items():
        table[group], line = _row_with_total(template.REVIEW_COLUMNS[:-1], values, line)
    return table, line


def _text_lines(text: str) -> int:
    return 1 + len(text) // _TEXT_LINE_CHARS


# --- narrative ----------------------------------------------------------------------

_OVERVIEW_FOCUS = (
    "不断完善政府信息公开制度，建立健全政府信息公开保障机制",
    "持续深化决策、执行、管理、服务、结果公开",
    "围绕中心工作推进重点领域信息公开",
    "着力提升政务公开标准化规范化水平",
    "以公开促落实、以公开促规范、以公开促服务",
    "加强政府信息管理和公开平台建设",
)
# Section 五: what went wrong, then what will be done; some name the agency or year.
PROBLEMS_POOL: tuple[str, ...] = (
    "{year}年，{name}政府信息公开工作取得一定成效，但对照上级要求仍存在差距。",
    "主动公开的深度和广度还需进一步拓展。",
    "政策解读形式较为单一，图解、视频等解读方式运用不够。",
    "依申请公开办理的规范化水平有待提高。",
    "政府信息公开工作人员业务能力参差不齐，培训力度有待加强。",
    "部分栏目信息更新不够及时。",
    "政务新媒体运维管理还需加强。",
    "重点领域信息公开的标准化、规范化程度还不够高。",
    "回应社会关切的及时性和针对性有待增强。",
    "政府网站信息发布审核机制还需进一步完善。",
    "公开内容与群众实际需求结合不够紧密。",
    "基层政务公开标准目录的动态调整不够及时。",
    "政府信息公开保密审查的流程还需进一步细化。",
    "依申请公开答复文书的说理性有待加强。",
    "{year}年度部分公开信息的时效性还不够强。",
    "信息公开平台之间的数据共享和协同联动还不够顺畅。",
    "对下级单位政务公开工作的指导和监督还需加强。",
    "政务公开考核评估的导向作用发挥不够充分。",
    "行政规范性文件的集中清理和公开工作需要持续推进。",
    "政府信息公开指南和目录的编制还需进一步完善。",
    "公开信息的可读性、易懂性有待提升。",
    "面向企业和群众的办事服务信息公开还不够全面。",
    "{next_year}年，{name}将进一步健全政府信息公开工作机制。",
    "下一步，将加大政策解读力度，提升解读质量。",
    "下一步，将严格落实“三审三校”制度，确保发布信息准确规范。",
    "将定期组织政府信息公开业务培训，提升工作人员业务水平。",
    "将持续做好政府网站和政务新媒体的日常监测工作。",
    "将进一步规范依申请公开办理流程，确保在法定期限内答复。",
    "将围绕中心工作，加大重点领域信息公开力度。",
    "将加强政务公开专区建设，方便群众查阅信息。",
    "将完善政策文件的公开属性源头认定机制。",
    "将推进政府信息管理动态调整，及时清理失效文件。",
    "将健全政务舆情回应机制，主动回应群众关切。",
    "将进一步优化政府网站栏目设置，提升信息检索的便捷性。",
    "将加强政府信息公开工作人员队伍建设，落实专人负责。",
    "将严格执行政府信息公开保密审查制度，防止泄密事件发生。",
    "将推动决策公开，扩大公众参与，做好意见征集和反馈。",
    "将把政务公开工作纳入年度绩效考核，压实工作责任。",
    "将加强与法律顾问的沟通，提高依申请公开答复的合法性。",
    "{name}将持续开展政府网站和政务新媒体自查整改。",
    "将做好建议提案办理结果公开工作。",
    "将规范政府公报的编辑发布，提高权威性。",
    "将深化基层政务公开标准化规范化建设，推动向村（社区）延伸。",
    "{next_year}年将加强政务公开第三方评估，以评促改。",
)
_FIRST_MEASURE = 22  # PROBLEMS_POOL[:22] are problems, the rest improvements
_YEAR = re.compile(r"20\d\d")


def _overview(
    rng: random.Random, name: str, year: int, items: int | None, applications: int
) -> tuple[str, int]:
    """Section 一 as one paragraph, and the character offset of 主动公开…条 in it."""
    text = (
        f"{year}年，{name}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
        f"《中华人民共和国政府信息公开条例》，{rng.choice(_OVERVIEW_FOCUS)}。"
    )
    offset = len(text)
    if items is not None:
        text += f"全年主动公开政府信息{items}条，"
    if applications:
        text += f"本年新收政府信息公开申请{applications}件，均在法定期限内答复。"
    else:
        text += "本年未收到政府信息公开申请。"
    return text, offset


def _problems(rng: random.Random, agency: SyntheticAgency, year: int) -> str:
    """Section 五: 3–5 sentences, sharing at most one with last year's; about one
    later year in twenty repeats last year's (verbatim, or with the years moved on)."""
    ledger = agency.ledger
    copy_draw, verbatim = rng.random(), rng.random() < 0.5
    if ledger.problems and copy_draw < _PROBLEMS_COPIED:
        if not verbatim:
            ledger.problems_text = _YEAR.sub(
                lambda m: str(int(m.group()) + 1), ledger.problems_text
            )
        return ledger.problems_text
    kept = [rng.choice(ledger.problems)] if ledger.problems and rng.random() < 0.3 else []
    fresh = [i for i in range(len(PROBLEMS_POOL)) if i not in ledger.problems]
    problem_count, measure_count = rng.randint(1, 2), rng.randint(2, 3)
    problems = [i for i in fresh if i < _FIRST_MEASURE]
    measures = [i for i in fresh if i >= _FIRST_MEASURE]
    chosen = kept + rng.sample(problems, problem_count) + rng.sample(measures, measure_count)
    chosen = sorted(chosen[: problem_count + measure_count])  # problems first, as printed
    name = agency.agency["name"]
    text = "".join(
        PROBLEMS_POOL[i].format(name=name, year=year, next_year=year + 1) for i in chosen
    )
    ledger.problems, ledger.problems_text = tuple(chosen), text
    return text


def _other(year: int, fee_yuan: int | None) -> str:
    if fee_yuan is None:
        return f"{year}年，本机关未收取政府信息公开信息处理费，无其他需要报告的事项。"
    return f"{year}年，本机关依据《政府信息公开信息处理费管理办法》收取信息处理费{fee_yuan}元。"


# --- one report -------------------------------------------------------------------


def _report_data(rng: random.Random, agency: SyntheticAgency, year: int, seed: int) -> dict:
    """One year of an agency as the canonical JSON object, findings still empty."""
    profile = agency.profile
    report_format = "2021" if year >= FIRST_2021_FORMAT_YEAR else "2019"
    applications = _application_counts(rng, agency, report_format)
    new_total = sum(applications["new_received"])
    items = round(_lognormal(rng, profile.items_stated, 0.2)) if profile.items_stated else None
    fee_yuan = (0 if rng.random() < 0.8 else rng.randint(10, 2000)) if profile.states_fee else None
    name = agency.agency["name"]
    overview, items_offset = _overview(rng, name, year, items, new_total)

    line = 3  # title, blank line, 一、总体情况
    headline: dict[str, Cell] = {}
    if items is not None:
        headline["proactive_items"] = _cell(items, line + items_offset // _TEXT_LINE_CHARS)
    line += _text_lines(overview)
    proactive_rows = (_proactive_2021 if report_format == "2021" else _proactive_2019)(rng, agency)
    proactive, line = _proactive_cells(proactive_rows, report_format, line)
    application_table, line = _application_cells(applications, line)
    review, line = _review_cells(_review_counts(rng, new_total), line)
    problems = _problems(rng, agency, year)
    line += 2 + _text_lines(problems)
    other = _other(year, fee_yuan)
    if fee_yuan is not None:
        headline["fee_yuan"] = _cell(fee_yuan, line + 1)

    agency_id = agency.agency["id"]
    digest = hashlib.sha256(f"xxgk-etl synth|{seed}|{agency_id}|{year}".encode()).hexdigest()
    return {
        "schema_version": "1",
        "agency": agency.agency,
        "year": year,
        "format": report_format,
        "scope": None,
        "source": {
            "file": f"synthetic/{agency_id}/{year}.json",
            "sha256": digest,
            "media_type": "application/json",
            "url": None,
            "published_on": None,
            "parser": PARSER,
        },
        "synthetic": True,
        "narrative": {"overview": overview, "problems": problems, "other": other},
        "headline": headline,
        "proactive": proactive,
        "applications": application_table,
        "review_litigation": review,
        "findings": [],
    }


def _maybe_seed_error(rng: random.Random, data: dict, error_rate: float) -> None:
    """With probability ``error_rate``, put one arithmetic slip in a table: a row
    total, a review total or one applicant cell off by 1–9. The draws are made
    whatever the rate, so the rate changes which reports have a slip, not the
    others."""
    hit, where, which, delta, down = (
        rng.random(), rng.random(), rng.random(), rng.randint(1, 9), rng.random() < 0.5,
    )  # fmt: skip
    if hit >= error_rate:
        return
    applications = data["applications"]
    if where < 0.45:  # a row's 总计 disagrees with its six columns
        rows = list(applications)
        cells = applications[rows[int(which * len(rows))]]
        column = "total"
    elif where < 0.75:  # a review or litigation 总计 disagrees with its four results
        cells = data["review_litigation"][template.REVIEW_GROUPS[int(which * 3)]]
        column = "total"
    else:  # an outcome cell mistyped: the row total and （七）总计 no longer add up
        outcome_rows = [row for row in applications if row in template.OUTCOME_ROWS]
        index = int(which * len(outcome_rows) * len(_COUNTED))
        cells = applications[outcome_rows[index // len(_COUNTED)]]
        column = _COUNTED[index % len(_COUNTED)]
    value = cells[column]["value"]
    value = value - delta if down and value >= delta else value + delta
    cells[column] = {**cells[column], "value": value, "raw": str(value)}


# --- public API --------------------------------------------------------------------


def synthetic_reports(count: int, seed: int, error_rate: float = 0.02) -> Iterator[Report]:
    """``count`` realistic synthetic reports, agency by agency, each agency's
    years in order; the same arguments give the same reports."""
    # Checked here, not in the generator, so a bad argument fails at the call.
    if count < 0:
        raise ValueError(f"count must be ≥ 0, not {count}")
    if not 0.0 <= error_rate <= 1.0:
        raise ValueError(f"error_rate must be between 0 and 1, not {error_rate}")
    return _generate(count, seed, error_rate)


def _generate(count: int, seed: int, error_rate: float) -> Iterator[Report]:
    rng = random.Random(seed)
    places = regions()
    used_ids: set[str] = set()
    made = 0
    while made < count:
        agency = _new_agency(rng, places, used_ids)
        for year in _years_reported(rng):
            data = _report_data(rng, agency, year, seed)
            _maybe_seed_error(rng, data, error_rate)
            report = Report.model_validate(data)
            report.findings = validate(report)
            yield report
            made += 1
            if made == count:
                return


def report_file_name(report: Report) -> str:
    """``<agency id>_<year>.json``, with anything a file system may refuse replaced."""
    safe_id = re.sub(r"[^\w.-]", "_", report.agency.id)  # \w keeps Chinese characters
    return f"{safe_id}_{report.year}.json"


def write_report_files(reports: Iterable[Report], folder: Path) -> int:
    """Write each report as compact canonical JSON into ``folder``; how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for report in reports:
        (folder / report_file_name(report)).write_text(report.model_dump_json(), encoding="utf-8")
        written += 1
    return written
