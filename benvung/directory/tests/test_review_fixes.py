"""Rules found by review: search, redirects, successions, demo stability, odd input."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from benvung.conftest import client_for
from benvung.core.models import AuditEvent, OutgoingEmail
from benvung.directory import selectors, services
from benvung.directory.models import Agency, Enterprise, IndustrialArea, OrganisationSuccession

pytestmark = pytest.mark.django_db


def test_search_ignores_accents_and_case(coordinator, enterprise_a):
    for query in ("dệt thử", "DET THU", "Dệt Thử A", enterprise_a.tax_code[:6]):
        found = selectors.organisation_list(viewer=coordinator, query=query)
        assert enterprise_a.pk in {o.pk for o in found}, query
    areas = selectors.industrial_area_list(query="bien hoa")
    assert {a.name for a in areas} >= {"Biên Hòa 1", "Biên Hòa 2"}


def test_a_nul_character_in_a_search_is_refused_not_a_server_error():
    response = Client().get(reverse("directory:industrial_area_list"), {"q": "a\x00b"})
    assert response.status_code == 200


def test_confirming_a_succession_never_redirects_to_another_site(coordinator):
    link = OrganisationSuccession.objects.filter(status="to_be_confirmed").first()
    response = client_for(coordinator).post(
        reverse("directory:succession_confirm", args=[link.pk]),
        {"next": "https://evil.example/x"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:succession_list")


def test_an_agency_cannot_be_succeeded_by_an_enterprise(coordinator, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_succession_add(
            actor=coordinator,
            predecessor=Agency.objects.get(key="sct"),
            successor=enterprise_a,
            effective_date=dt.date(2026, 1, 1),
        )
    assert "successor" in excinfo.value.message_dict


def test_a_succession_needs_an_effective_date(coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_succession_add(
            actor=coordinator,
            predecessor=Agency.objects.get(key="sgddt"),
            successor=Agency.objects.get(key="snv"),
        )
    assert "effective_date" in excinfo.value.message_dict


def test_ending_with_a_successor_not_yet_in_operation_is_refused(coordinator):
    future = Agency.objects.create(
        name="Sở Tương Lai", agency_type="department", valid_from=dt.date(2030, 1, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_end(
            actor=coordinator,
            organisation=Agency.objects.get(key="sgddt"),
            valid_to=dt.date(2026, 6, 30),
            successors=[future],
        )
    assert "successors" in excinfo.value.message_dict


def test_ending_an_organisation_revokes_its_pending_invitations(coordinator, enterprise_a):
    from benvung.accounts import services as accounts

    invitation, _token = accounts.invitation_create(
        actor=coordinator,
        organisation=enterprise_a,
        email="z@test.example",
        role="enterprise_user",
    )
    services.organisation_end(
        actor=coordinator, organisation=enterprise_a, valid_to=dt.date(2026, 1, 31)
    )
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert AuditEvent.objects.filter(action="user.revoke_invitation").exists()


def test_an_enterprise_user_cannot_rename_the_enterprise(enterprise_a, enterprise_a_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=enterprise_a_user, organisation=enterprise_a, fields={"name": "Tên mới"}
        )


def test_a_sector_that_is_too_broad_is_refused(coordinator, enterprise_a):
    from benvung.directory.models import Sector

    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(
            actor=coordinator,
            organisation=enterprise_a,
            fields={},
            sectors=[Sector.objects.get(code="13")],
        )
    assert "sectors" in excinfo.value.message_dict


def test_the_park_area_accepts_a_vietnamese_decimal(coordinator):
    amata = IndustrialArea.objects.get(name="Amata")
    client = client_for(coordinator)
    response = client.post(
        reverse("directory:industrial_area_edit", args=[amata.pk]),
        {"kind": amata.kind, "name": amata.name, "area_ha": "494,5"},
    )
    assert response.status_code == 302
    amata.refresh_from_db()
    assert str(amata.area_ha) == "494.50"


def test_a_coordinator_records_the_successor_of_a_cluster(coordinator):
    cluster = IndustrialArea.objects.get(name="Dốc 47")
    park = IndustrialArea.objects.get(name="Long Thành")
    response = client_for(coordinator).post(
        reverse("directory:industrial_area_succession_add", args=[cluster.pk]),
        {"successor": park.pk, "effective_date": "01/01/2026", "kind": "merger"},
    )
    assert response.status_code == 302
    assert cluster.successor_links.get().successor == park


def test_invitation_links_do_not_stay_in_the_database(
    coordinator, enterprise_a, django_capture_on_commit_callbacks
):
    from benvung.accounts import services as accounts

    with django_capture_on_commit_callbacks(execute=True):
        _inv, token = accounts.invitation_create(
            actor=coordinator,
            organisation=enterprise_a,
            email="w@test.example",
            role="enterprise_user",
        )
    email = OutgoingEmail.objects.get(to=["w@test.example"])
    assert email.sent_at is not None
    assert token not in email.body


def test_a_park_added_later_does_not_reshuffle_the_demo_province(coordinator):
    from benvung.directory import demo

    demo.generate()
    before = sorted(Enterprise.objects.filter(is_demo=True).values_list("key", "tax_code", "name"))
    services.industrial_area_create(
        actor=coordinator, fields={"kind": "industrial_park", "name": "KCN Mới Thêm"}
    )
    reports = demo.generate()
    after = sorted(Enterprise.objects.filter(is_demo=True).values_list("key", "tax_code", "name"))
    assert before == after
    assert all(r.created == 0 for r in reports)
