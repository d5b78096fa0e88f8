"""Reference loaders: idempotent, audited, and never undoing what people decided."""

import datetime as dt

import pytest

from benvung.core.models import AuditEvent, SuccessionStatus
from benvung.directory import loaders, services
from benvung.directory.models import (
    Agency,
    FocusSector,
    IndustrialArea,
    OrganisationSuccession,
)

pytestmark = pytest.mark.django_db


def test_every_loader_run_twice_changes_nothing():
    events = AuditEvent.objects.count()
    for load in (
        loaders.load_sectors,
        loaders.load_industrial_areas,
        loaders.load_agencies,
    ):
        for report in load():
            assert (report.created, report.updated, report.deleted) == (0, 0, 0), report
    assert AuditEvent.objects.count() == events


def test_parks_and_clusters_are_seeded_as_unofficial():
    seeded = IndustrialArea.objects.filter(is_demo=False)
    assert seeded.count() == 46
    assert seeded.filter(kind=IndustrialArea.Kind.PARK).count() == 39
    assert seeded.filter(kind=IndustrialArea.Kind.CLUSTER).count() == 7
    assert not seeded.filter(confirmation=IndustrialArea.Confirmation.CONFIRMED).exists()
    amata = seeded.get(name="Amata")
    assert amata.former_district.name == "Thành phố Biên Hòa"
    assert amata.area_ha == 494
    assert amata.source.startswith("https://")


def test_a_confirmed_or_corrected_park_is_not_overwritten_by_the_seed(coordinator):
    amata = IndustrialArea.objects.get(name="Amata")
    services.industrial_area_update(actor=coordinator, area=amata, fields={"area_ha": 513})
    services.industrial_area_confirm(actor=coordinator, area=amata)
    (report,) = loaders.load_industrial_areas()
    amata.refresh_from_db()
    assert amata.area_ha == 513 and amata.is_confirmed
    assert report.kept == 1


def test_the_plan_agencies_and_their_2025_successors_are_loaded():
    assert Agency.objects.get(key="sct").is_coordinator
    assert Agency.objects.get(key="skhdt").valid_to == dt.date(2025, 2, 28)
    link = OrganisationSuccession.objects.get(predecessor__key="skhdt", successor__key="stc")
    assert link.status == SuccessionStatus.TO_BE_CONFIRMED
    assert link.effective_date == dt.date(2025, 3, 1)
    # Every former district's people's committee hands over to current communes' committees.
    district_committees = Agency.objects.filter(agency_type="district_committee")
    assert district_committees.count() == 22
    assert not district_committees.filter(successor_links__isnull=True).exists()
    assert Agency.objects.filter(agency_type="commune_committee").count() == 95


def test_an_agency_ended_by_a_coordinator_stays_ended_after_a_reload(coordinator):
    sgddt = Agency.objects.get(key="sgddt")
    services.organisation_end(actor=coordinator, organisation=sgddt, valid_to=dt.date(2025, 9, 30))
    agencies, _links = loaders.load_agencies()
    assert Agency.objects.get(key="sgddt").valid_to == dt.date(2025, 9, 30)
    assert agencies.kept == 1


def test_a_confirmed_succession_stays_confirmed_after_a_reload(coordinator):
    link = OrganisationSuccession.objects.get(predecessor__key="skhdt", successor__key="stc")
    services.succession_confirm(actor=coordinator, link=link)
    loaders.load_agencies()
    link.refresh_from_db()
    assert link.is_confirmed


def test_the_focus_sector_codes_come_from_the_reviewed_file():
    codes = {fs.key: sorted(s.code for s in fs.sectors.all()) for fs in FocusSector.objects.all()}
    assert codes == {
        "textiles_garments": ["13", "14"],
        "steel": ["2410", "2431"],
        "plastics": ["2220"],
        "chemicals": ["20"],
        "cement": ["2394"],
        "beer_beverages": ["110"],
        "paper": ["170"],
        "seafood": ["1020"],
    }


def test_a_value_longer_than_its_column_is_refused_on_every_database(tmp_path):
    path = tmp_path / "focus.csv"
    path.write_text(
        f"key,position,name_vi,name_en,vsic_codes,note\nthu,9,{'x' * 201},Test,13,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="at most 200"):
        loaders.load_sectors(focus_path=path)


def test_vsic_codes_are_stored_with_their_version_and_hierarchy():
    from benvung.directory.models import Sector

    weaving = Sector.objects.get(code="1312")
    assert weaving.version == "VSIC2018"
    assert [s.code for s in weaving.ancestors_and_self()] == ["1312", "131", "13", "C"]
    assert Sector.objects.filter(level=1).count() == 21  # sections A to U
    from benvung.directory.selectors import focus_sector_of

    assert focus_sector_of(weaving).key == "textiles_garments"
    assert focus_sector_of(Sector.objects.get(code="2394")).key == "cement"
    assert focus_sector_of(Sector.objects.get(code="2610")) is None  # electronics: not a focus
