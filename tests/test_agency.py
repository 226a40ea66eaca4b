"""Agency names to regions: cpca for ordinary names, the override table for
special zones, and nothing invented for names it cannot place."""

from __future__ import annotations

from etl.agency import find_title, resolve_agency


def test_special_zone_comes_from_the_override_table() -> None:
    agency = resolve_agency("平潭综合实验区")
    assert (agency.province, agency.adcode, agency.level, agency.kind) == (
        "福建省",
        "350128",
        "city",
        "government",
    )
    assert agency.id == resolve_agency("平潭综合实验区管委会").id


def test_municipality_is_a_province() -> None:
    agency = resolve_agency("上海市科学技术委员会")
    assert (agency.province, agency.city, agency.adcode, agency.level, agency.kind) == (
        "上海市",
        None,
        "310000",
        "province",
        "department",
    )


def test_unknown_place_is_not_guessed() -> None:
    agency = resolve_agency("沐阳县人民政府")  # an OCR error for 沭阳县
    assert (agency.adcode, agency.province, agency.level) == (None, None, None)
    assert agency.kind == "government"


def test_township() -> None:
    assert resolve_agency("宁波市镇海区招宝山街道办事处").level == "township"
    assert resolve_agency("宁波市镇海区城镇化工作领导小组办公室").level == "county"


def test_title_forms() -> None:
    assert (
        find_title(["标题: 平潭综合实验区2021年度政府信息公开工作年度报告"]).name
        == "平潭综合实验区"
    )
    title = find_title(["- 1 -", "洪泽区人民政府", "2023 年政府信息公开工作年度报告"])
    assert (title.name, title.year, title.line) == ("洪泽区人民政府", 2023, 3)
    assert find_title(["没有标题的一段话。"]) is None


def test_year_first_title_broken_across_lines() -> None:
    title = find_title(["正文", "2024 年上海市科委政府信息公开工作", "年度报告", "根据……"])
    assert (title.name, title.year, title.line) == ("上海市科委", 2024, 2)


def test_ambiguous_district_without_its_city_is_not_placed() -> None:
    assert resolve_agency("鼓楼区人民政府").adcode is None  # 南京, 福州, 徐州 or 开封
    assert resolve_agency("南京市鼓楼区人民政府").adcode == "320106"


def test_municipal_district_has_no_placeholder_city() -> None:
    agency = resolve_agency("北京市朝阳区人民政府")
    assert (agency.province, agency.city, agency.county, agency.adcode) == (
        "北京市",
        None,
        "朝阳区",
        "110105",
    )


def test_vertical_branch_takes_its_region_level() -> None:
    assert resolve_agency("国家税务总局淮安市税务局").level == "city"
    assert resolve_agency("国家统计局").level == "central"


def test_more_title_forms() -> None:
    broken = find_title(["《宁波市镇海区经济和信息化局", "2021年度政府信息公开工作年度报告》"])
    assert (broken.name, broken.year) == ("宁波市镇海区经济和信息化局", 2021)
    office = find_title(["淮安市人民政府办公室2024年度市政府信息公开工作年度报告"])
    assert office.name == "淮安市人民政府办公室"
    assert find_title(["某某局关于2021年度政府信息公开工作年度报告"]).name == "某某局"
