"""The two editions of the map as loaded from the maintained packages."""

import datetime as dt

import pytest
from vietnamadminunits import convert_address

from benvung.core.models import AuditEvent
from benvung.directory import loaders, selectors
from benvung.directory.models import AdministrativeUnit, AdministrativeUnitSuccession

Unit = AdministrativeUnit
pytestmark = pytest.mark.django_db


def test_current_map_has_34_provinces_and_dong_nai_has_95_communes():
    provinces = Unit.objects.filter(edition=Unit.Edition.Y2025, level=Unit.Level.PROVINCE)
    assert provinces.count() == 34
    dong_nai = selectors.province()
    assert dong_nai.name == "Tỉnh Đồng Nai" and dong_nai.code == "75"
    communes = selectors.current_communes()
    # Resolution 1662/NQ-UBTVQH15: 95 commune-level units, 72 communes and 23 wards.
    assert communes.count() == 95
    assert communes.filter(unit_type="Xã").count() == 72
    assert communes.filter(unit_type="Phường").count() == 23
    assert all(c.valid_from == dt.date(2025, 7, 1) and c.valid_to is None for c in communes)


def test_every_current_commune_of_the_province_has_a_centroid():
    assert not selectors.current_communes().filter(latitude__isnull=True).exists()


def test_former_map_holds_both_former_provinces_until_30_june_2025():
    old = Unit.objects.filter(edition=Unit.Edition.PRE_2025)
    assert sorted(old.filter(level=Unit.Level.PROVINCE).values_list("name", flat=True)) == [
        "Tỉnh Bình Phước",
        "Tỉnh Đồng Nai",
    ]
    assert old.filter(level=Unit.Level.DISTRICT, parent__name="Tỉnh Đồng Nai").count() == 11
    assert old.filter(level=Unit.Level.DISTRICT, parent__name="Tỉnh Bình Phước").count() == 11
    assert old.filter(level=Unit.Level.COMMUNE).count() == 270
    assert set(old.values_list("valid_to", flat=True)) == {dt.date(2025, 6, 30)}


def test_both_former_provinces_are_succeeded_by_the_new_dong_nai():
    new = selectors.province()
    for name in ("Tỉnh Đồng Nai", "Tỉnh Bình Phước"):
        old = Unit.objects.get(edition=Unit.Edition.PRE_2025, level=Unit.Level.PROVINCE, name=name)
        assert [link.successor for link in old.successor_links.all()] == [new]


def test_every_former_commune_has_a_current_successor_in_the_province():
    orphans = Unit.objects.filter(
        edition=Unit.Edition.PRE_2025, level=Unit.Level.COMMUNE, successor_links__isnull=True
    )
    assert not orphans.exists()
    successors = Unit.objects.filter(
        predecessor_links__predecessor__edition=Unit.Edition.PRE_2025,
        predecessor_links__predecessor__level=Unit.Level.COMMUNE,
    ).distinct()
    assert set(successors) == set(selectors.current_communes())


def test_the_primary_successor_of_each_former_commune_matches_the_packages_converter():
    """An independent path: vietnamadminunits' own conversion of the written address."""
    mismatches = []
    for old in Unit.objects.filter(
        edition=Unit.Edition.PRE_2025, level=Unit.Level.COMMUNE
    ).select_related("parent__parent"):
        primary = old.successor_links.get(is_primary=True).successor
        converted = convert_address(f"{old.name}, {old.parent.name}, {old.parent.parent.name}")
        if converted.ward != primary.name:
            mismatches.append((old.full_name, converted.ward, primary.name))
    assert mismatches == []


def test_a_split_commune_has_two_successors_and_one_primary():
    split = AdministrativeUnitSuccession.objects.filter(kind="split")
    olds = {link.predecessor for link in split}
    assert len(olds) == 1
    (old,) = olds
    assert old.name == "Xã Xuân Tâm"
    assert old.successor_links.count() == 2
    assert old.successor_links.filter(is_primary=True).count() == 1


def test_a_former_district_is_succeeded_by_the_communes_that_took_its_territory():
    nhon_trach = Unit.objects.get(
        edition=Unit.Edition.PRE_2025, level=Unit.Level.DISTRICT, name="Huyện Nhơn Trạch"
    )
    heirs = {link.successor for link in nhon_trach.successor_links.all()}
    from_communes = {
        link.successor
        for link in AdministrativeUnitSuccession.objects.filter(predecessor__parent=nhon_trach)
    }
    assert heirs == from_communes
    assert len(heirs) >= 1
    assert all(h.parent == selectors.province() for h in heirs)


def test_loading_the_map_again_changes_nothing():
    events_before = AuditEvent.objects.count()
    reports = loaders.load_administrative_units()
    assert [r.created + r.updated for r in reports] == [0, 0, 0]
    assert AuditEvent.objects.count() == events_before


def test_a_changed_unit_is_restored_by_the_loader_and_the_change_is_audited():
    unit = selectors.current_communes().get(name="Phường Trấn Biên")
    unit.name = "Phường Sai Tên"
    unit.save()
    reports = loaders.load_administrative_units()
    assert reports[0].updated == 1
    unit.refresh_from_db()
    assert unit.name == "Phường Trấn Biên"
    event = AuditEvent.objects.filter(action="administrative_unit.update").latest("created_at")
    assert event.before == {"name": "Phường Sai Tên"}
    assert event.after == {"name": "Phường Trấn Biên"}
