"""Finding people by ID number, card number and name."""

from __future__ import annotations

from datetime import date

import pytest

from models.idnumber import InvalidIdNumber
from models.people import (
    InvalidCardNumber,
    InvalidNameQuery,
    count_by_name,
    district_codes,
    find_by_card,
    find_by_ssn,
    search_by_name,
)
from tests.factories import add_card, add_person


def test_find_by_ssn_returns_the_person(home) -> None:
    person = add_person("王芳")
    found = find_by_ssn(person.ssn)
    assert found is not None
    assert (found.id, found.name, found.birth_date) == (person.id, "王芳", person.birth_date)
    assert found.masked_ssn == person.ssn[:6] + "********" + person.ssn[-4:]


def test_find_by_ssn_accepts_lower_case_x_and_spaces(home) -> None:
    person = next(
        p for p in (add_person(f"测{i}", sequence=i) for i in range(1, 40)) if p.ssn.endswith("X")
    )
    assert find_by_ssn(f"  {person.ssn.lower()} ").id == person.id


def test_find_by_ssn_of_an_unknown_but_valid_number_is_none(home) -> None:
    add_person()
    assert find_by_ssn("11010519491231002X") is None


def test_find_by_ssn_rejects_an_invalid_number_with_the_reason(home) -> None:
    with pytest.raises(InvalidIdNumber, match="check character"):
        find_by_ssn("110105194912310021")


def test_find_by_card_returns_holder_and_card_state(home) -> None:
    person = add_person()
    add_card(person, "B87654321")
    holder = find_by_card("b87654321")
    assert holder is not None
    assert (holder.person.id, holder.card_no, holder.card_status) == (
        person.id,
        "B87654321",
        "active",
    )
    assert find_by_card("C00000000") is None


@pytest.mark.parametrize("text", ["", "A1234567", "A123456789", "A1234-678", "甲12345678"])
def test_find_by_card_rejects_impossible_numbers(home, text: str) -> None:
    with pytest.raises(InvalidCardNumber, match="9 letters or digits"):
        find_by_card(text)


def test_name_search_finds_given_names_after_one_and_two_character_surnames(home) -> None:
    single = add_person("张建国", sequence=1)
    double = add_person("欧阳建国", sequence=3)
    add_person("买买提建国", sequence=5)  # from the 4th character: not searched
    assert {p.id for p in search_by_name("建国")} == {single.id, double.id}


def test_name_search_orders_exact_then_prefix_then_contains(home) -> None:
    contains = add_person("李王芳", sequence=2)
    prefix = add_person("王芳菲", sequence=4)
    exact = add_person("王芳", sequence=6)
    add_person("张伟", sequence=7)
    assert [p.id for p in search_by_name("王芳")] == [exact.id, prefix.id, contains.id]


def test_name_search_respects_the_limit(home) -> None:
    for i in range(10):
        add_person("王" + "一二三四五六七八九十"[i], sequence=2 * i)
    assert len(search_by_name("王", limit=4)) == 4


def test_name_search_of_a_birth_year_lists_only_those_born_that_year(home) -> None:
    born_75 = add_person("王芳", birth=date(1975, 6, 1), sequence=2)
    add_person("王芳", birth=date(1985, 6, 1), sequence=4)
    also_75 = add_person("李王芳", birth=date(1975, 1, 9), sequence=6)
    found = search_by_name("王芳", birth_year=1975)
    assert [p.id for p in found] == [born_75.id, also_75.id]


def test_name_search_of_a_district_lists_only_the_people_of_its_region_codes(home) -> None:
    tianqiao = add_person("王芳", birth=date(1975, 6, 1), sequence=2, region="370105")
    add_person("王芳", birth=date(1975, 6, 1), sequence=4, region="370102")
    later = add_person("李王芳", birth=date(1985, 1, 9), sequence=6, region="370105")
    codes = district_codes("天桥区")
    assert codes == ("370105",)
    assert [p.id for p in search_by_name("王芳", region_codes=codes)] == [tianqiao.id, later.id]
    both = search_by_name("王芳", birth_year=1975, region_codes=codes)
    assert [p.id for p in both] == [tianqiao.id]
    assert count_by_name("王芳", cap=100, region_codes=codes) == 2
    assert count_by_name("王芳", cap=100, birth_year=1985, region_codes=codes) == 1
    assert count_by_name("王芳", cap=100, region_codes=district_codes("槐荫区")) == 0


def test_a_district_is_named_alone_or_after_its_city_and_may_have_several_codes() -> None:
    assert district_codes("济南市天桥区") == ("370105",)
    assert district_codes(" 历下区 ") == ("370102",)
    assert district_codes("市中区") == ("370103", "370802")  # Jinan's, and Jining's till 2013
    assert district_codes("济宁市市中区") == ("370802",)
    assert district_codes("天桥") == ()
    assert district_codes("青岛市天桥区") == ()
    assert district_codes("市辖区") == ()


def test_the_name_count_counts_every_step_once_up_to_its_cap(home) -> None:
    add_person("王芳", sequence=2)  # exact, and found again by nothing else
    add_person("王芳菲", sequence=4)  # prefix
    add_person("李王芳", sequence=6)  # from the 2nd character
    add_person("欧阳王芳", sequence=8)  # from the 3rd character
    add_person("张伟", sequence=10)
    assert count_by_name("王芳", cap=100) == 4
    assert count_by_name("王芳", cap=100, birth_year=1985) == 4
    assert count_by_name("王芳", cap=100, birth_year=1990) == 0
    for i in range(6):
        add_person("王芳" + "一二三四五六"[i], sequence=20 + 2 * i)
    assert count_by_name("王芳", cap=5) > 5  # more than the cap: said as such, not counted


@pytest.mark.parametrize("text", ["", "   ", "37010219", "王%", "a_b"])
def test_name_search_rejects_text_that_is_not_a_name(home, text: str) -> None:
    with pytest.raises(InvalidNameQuery):
        search_by_name(text)
