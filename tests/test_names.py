"""Register codes in words: GB 3304 ethnic groups and GB/T 2260 regions (models.names)."""

from __future__ import annotations

import pytest

from cards.record import CardRecord
from desktop.cli_cards import card_text
from models.names import ETHNIC_GROUPS, ethnicity_name, region_name


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("01", "汉族", "Han"),
        ("02", "蒙古族", "Mongol"),
        ("03", "回族", "Hui"),
        ("11", "满族", "Manchu"),
        ("56", "基诺族", "Jino"),
        ("98", "外国血统中国籍人士", "Chinese citizen of foreign origin"),
    ],
)
def test_known_ethnic_group_codes_print_their_gb3304_names(code: str, zh: str, en: str) -> None:
    assert (ethnicity_name(code, "zh"), ethnicity_name(code, "en")) == (zh, en)


def test_every_one_of_the_56_groups_and_the_two_other_codes_is_named() -> None:
    expected = {f"{n:02d}" for n in range(1, 57)} | {"97", "98"}
    assert set(ETHNIC_GROUPS) == expected
    assert len({zh for zh, _ in ETHNIC_GROUPS.values()}) == len(expected)


def test_an_unknown_ethnic_group_code_is_printed_as_a_labelled_code() -> None:
    assert ethnicity_name("77", "zh") == "民族代码 77（未收录）"
    assert ethnicity_name("77", "en") == "ethnic group code 77 (not in the table)"
    assert ethnicity_name("", "zh") == ""


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("370105", "济南市天桥区", "Tianqiao District, Jinan"),
        ("370102", "济南市历下区", "Lixia District, Jinan"),
        ("370126", "济南市商河县", "Shanghe County, Jinan"),
        ("370181", "济南市章丘市", "Zhangqiu (county-level city, before 2016), Jinan"),
        ("371202", "莱芜市莱城区", "Laicheng District (before 2019), Laiwu"),
        ("370100", "济南市", "Jinan"),
        ("370000", "山东省", "Shandong"),
        ("110000", "北京市", "Beijing"),
    ],
)
def test_region_codes_print_their_names_within_their_city(code: str, zh: str, en: str) -> None:
    assert (region_name(code, "zh"), region_name(code, "en")) == (zh, en)


def test_every_jinan_district_and_county_of_today_is_named() -> None:
    today = ("370102", "370103", "370104", "370105", "370112", "370113", "370114", "370115")
    today += ("370116", "370117", "370124", "370126")
    assert all(
        region_name(code).startswith("济南市") and "代码" not in region_name(code) for code in today
    )


def test_a_region_known_only_by_its_city_or_province_names_it_with_the_code() -> None:
    assert region_name("370211", "zh") == "青岛市（地区代码 370211）"
    assert region_name("370211", "en") == "Qingdao (region code 370211)"
    assert region_name("440305", "zh") == "广东省（地区代码 440305）"


def test_an_unknown_region_code_is_printed_as_a_labelled_code() -> None:
    assert region_name("990101", "zh") == "地区代码 990101（未收录）"
    assert region_name("990101", "en") == "region code 990101 (not in the table)"


def test_other_interface_languages_get_the_english_names() -> None:
    assert ethnicity_name("03", "es") == "Hui"
    assert region_name("370105", "es") == "Tianqiao District, Jinan"


def test_a_card_read_on_the_command_line_names_the_codes_beside_them() -> None:
    record = CardRecord(name="王芳", ethnicity="03", birthplace="370105")
    text = card_text("virtual reader", record)
    assert "ethnicity 03 (Hui)  birthplace 370105 (Tianqiao District, Jinan)" in text
    assert "ethnicity -  birthplace -" in card_text("virtual reader", CardRecord())
