"""Following successor links to whoever is responsible on a given day."""

import datetime as dt

import pytest

from benvung.core.succession import creates_cycle, current_successors, reachable
from benvung.directory.models import Agency

pytestmark = pytest.mark.django_db


def test_reachability_and_cycles_on_a_plain_graph():
    graph = {1: [2], 2: [3], 3: [], 4: [1]}
    assert reachable(1, graph.__getitem__) == {2, 3}
    assert creates_cycle(3, 1, graph.__getitem__)
    assert not creates_cycle(3, 5, lambda n: graph.get(n, []))
    assert creates_cycle(2, 2, graph.__getitem__)


def _names(agencies):
    return sorted(a.name for a in agencies)


def test_planning_and_investment_resolves_to_finance_today():
    skhdt = Agency.objects.get(key="skhdt")
    assert _names(current_successors(skhdt, dt.date(2026, 1, 1))) == ["Sở Tài chính tỉnh Đồng Nai"]
    # Before the merger the department answers for itself.
    assert current_successors(skhdt, dt.date(2024, 12, 1)) == [skhdt]


def test_a_later_arrangement_supersedes_an_earlier_one():
    sngv = Agency.objects.get(key="sngv")
    assert _names(current_successors(sngv, dt.date(2025, 4, 15))) == [
        "Văn phòng Ủy ban nhân dân tỉnh Đồng Nai"
    ]
    assert _names(current_successors(sngv, dt.date(2025, 12, 1))) == [
        "Sở Ngoại vụ tỉnh Đồng Nai (tái lập)"
    ]


def test_a_department_split_between_two_successors_resolves_to_both():
    labour = Agency.objects.get(key="sldtbxh")
    assert _names(current_successors(labour, dt.date(2025, 12, 1))) == [
        "Sở Giáo dục và Đào tạo tỉnh Đồng Nai",
        "Sở Nội vụ tỉnh Đồng Nai",
    ]


def test_a_district_committee_resolves_to_the_committees_of_its_communes():
    nhon_trach = Agency.objects.get(name="Ủy ban nhân dân huyện Nhơn Trạch")
    heirs = current_successors(nhon_trach, dt.date(2025, 12, 1))
    assert heirs
    assert all(h.specific.agency_type == "commune_committee" for h in heirs)


def test_two_merged_press_agencies_resolve_to_the_same_successor():
    day = dt.date(2025, 12, 1)
    paper = current_successors(Agency.objects.get(key="bao-dong-nai"), day)
    radio = current_successors(Agency.objects.get(key="dai-ptth"), day)
    assert [o.pk for o in paper] == [o.pk for o in radio] == [Agency.objects.get(key="bao-ptth").pk]
