"""'Which current unit does this old address belong to?' — function and page."""

import pytest
from django.test import Client
from django.urls import reverse

from benvung.directory import address_lookup
from benvung.directory.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_an_old_ward_of_bien_hoa_resolves_to_todays_ward():
    result = address_lookup.lookup_old_address("Phường Trảng Dài, Thành phố Biên Hòa, Đồng Nai")
    assert result.old_unit.name == "Phường Trảng Dài"
    assert result.old_unit.edition == AdministrativeUnit.Edition.PRE_2025
    assert [s.unit.name for s in result.successors] == ["Phường Trảng Dài"]
    assert result.successors[0].unit.edition == AdministrativeUnit.Edition.Y2025


def test_an_old_commune_of_binh_phuoc_resolves_to_a_unit_of_todays_dong_nai():
    result = address_lookup.lookup_old_address("xã Minh Hưng, huyện Chơn Thành, tỉnh Bình Phước")
    assert result.found
    (successor,) = result.successors
    assert successor.unit.parent.name == "Tỉnh Đồng Nai"


def test_abbreviations_and_missing_accents_are_understood():
    result = address_lookup.lookup_old_address("P. Trang Dai, TP Bien Hoa, Dong Nai")
    assert [s.unit.name for s in result.successors] == ["Phường Trảng Dài"]


def test_a_split_commune_lists_both_successors_primary_first():
    result = address_lookup.lookup_old_address("Xã Xuân Tâm, Huyện Xuân Lộc, Đồng Nai")
    assert result.is_split
    assert len(result.successors) == 2
    assert result.successors[0].is_primary and not result.successors[1].is_primary


def test_an_old_district_resolves_to_every_commune_that_took_its_territory():
    result = address_lookup.lookup_old_address("Huyện Nhơn Trạch, Đồng Nai")
    assert result.old_unit.level == AdministrativeUnit.Level.DISTRICT
    assert len(result.successors) >= 2
    assert all(s.unit.level == AdministrativeUnit.Level.COMMUNE for s in result.successors)


def test_an_address_in_another_province_is_explained_not_guessed():
    result = address_lookup.lookup_old_address("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh")
    assert not result.found
    assert "Đồng Nai" in result.message


def test_an_unreadable_address_gets_a_clear_message():
    result = address_lookup.lookup_old_address("xyz")
    assert not result.found
    assert "không đọc được" in result.message


def test_the_lookup_page_works_without_signing_in():
    response = Client().get(
        reverse("directory:address_lookup"),
        {"address": "Phường Trảng Dài, Thành phố Biên Hòa, Đồng Nai"},
    )
    assert response.status_code == 200
    assert "Phường Trảng Dài, Tỉnh Đồng Nai" in response.content.decode()


def test_the_lookup_page_accepts_a_chosen_former_unit():
    old = AdministrativeUnit.objects.get(
        edition=AdministrativeUnit.Edition.PRE_2025,
        level=AdministrativeUnit.Level.COMMUNE,
        name="Xã Xuân Tâm",
    )
    response = Client().get(reverse("directory:address_lookup"), {"old_unit": old.pk})
    assert response.status_code == 200
    assert response.context["result"].is_split


def test_the_lookup_page_asks_for_input_when_both_fields_are_empty():
    response = Client().get(reverse("directory:address_lookup"), {"address": ""})
    body = response.content.decode()
    assert "error-summary" in body
    assert "Nhập địa chỉ cũ hoặc chọn" in body


def test_former_districts_of_a_current_commune_are_known():
    unit = (
        address_lookup.lookup_old_address("Phường Trảng Dài, Thành phố Biên Hòa, Đồng Nai")
        .successors[0]
        .unit
    )
    assert "Thành phố Biên Hòa" in [d.name for d in address_lookup.former_districts_of(unit)]


def test_an_unknown_commune_and_district_are_not_answered_with_the_province():
    result = address_lookup.lookup_old_address("Xã Không Có, Huyện Không Có, Đồng Nai")
    assert not result.found
    assert "Không nhận ra" in result.message


def test_a_district_only_answer_says_the_commune_was_not_recognised():
    result = address_lookup.lookup_old_address("Xã Không Có, Huyện Nhơn Trạch, Đồng Nai")
    assert result.found
    assert result.old_unit.name == "Huyện Nhơn Trạch"
    assert "Chỉ nhận ra huyện" in result.message
