"""Bad input to organisations is refused with a Vietnamese message naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.conftest import valid_tax_code
from benvung.core.models import AuditEvent
from benvung.directory import services
from benvung.directory.models import (
    Agency,
    Enterprise,
    Organisation,
    OrganisationSuccession,
    Sector,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 7, 1)


def _create_enterprise(actor, tax_code, **extra):
    return services.organisation_create(
        actor=actor,
        kind=Organisation.Kind.ENTERPRISE,
        fields={"name": "Công ty TNHH Kiểm Thử", "tax_code": tax_code, **extra},
        sectors=[Sector.objects.get(code="1311")],
    )


def test_a_valid_tax_code_is_stored_compact_and_shown_with_its_branch_dash(coordinator):
    code = valid_tax_code("360000123")
    enterprise = _create_enterprise(coordinator, f"{code[:4]} {code[4:]}-001")
    assert enterprise.tax_code == f"{code}001"
    assert enterprise.tax_code_display == f"{code}-001"


@pytest.mark.parametrize(
    ("tax_code", "expected"),
    [
        ("12345", "Mã số thuế 12345 không hợp lệ: mã số thuế gồm 10 chữ số"),
        ("0100233480", "Mã số thuế 0100233480 không hợp lệ: chữ số kiểm tra"),
        ("01002334AB", "Mã số thuế 01002334AB không hợp lệ: mã chỉ gồm chữ số"),
        ("", "Nhập mã số thuế."),
    ],
)
def test_an_invalid_tax_code_is_refused_naming_the_field(coordinator, tax_code, expected):
    count = Enterprise.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        _create_enterprise(coordinator, tax_code)
    errors = excinfo.value.message_dict
    assert list(errors) == ["tax_code"]
    assert errors["tax_code"][0].startswith(expected)
    assert Enterprise.objects.count() == count


def test_a_duplicate_tax_code_is_refused_and_names_the_holder(coordinator, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        _create_enterprise(coordinator, enterprise_a.tax_code)
    (message,) = excinfo.value.message_dict["tax_code"]
    assert "đã được đăng ký" in message and enterprise_a.name in message
    assert Enterprise.objects.filter(tax_code=enterprise_a.tax_code).count() == 1


def test_an_enterprise_needs_at_least_one_sector(coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=coordinator,
            kind=Organisation.Kind.ENTERPRISE,
            fields={"name": "Công ty Không Ngành", "tax_code": valid_tax_code("360000124")},
            sectors=[],
        )
    assert "sectors" in excinfo.value.message_dict
    assert not Enterprise.objects.filter(name="Công ty Không Ngành").exists()


def test_validity_that_ends_before_it_starts_is_refused_and_nothing_is_saved(coordinator):
    with pytest.raises(ValidationError) as excinfo:
        _create_enterprise(
            coordinator,
            valid_tax_code("360000125"),
            valid_from=dt.date(2025, 3, 1),
            valid_to=dt.date(2025, 2, 28),
        )
    (message,) = excinfo.value.message_dict["valid_to"]
    assert message == "Ngày hết hiệu lực (28/02/2025) trước ngày bắt đầu hiệu lực (01/03/2025)."
    assert not Enterprise.objects.filter(name="Công ty TNHH Kiểm Thử").exists()


def test_the_database_itself_refuses_validity_that_ends_before_it_starts(enterprise_a):
    from django.db import IntegrityError, transaction

    enterprise_a.valid_from = dt.date(2025, 3, 1)
    enterprise_a.valid_to = dt.date(2025, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        enterprise_a.save()


def test_creating_an_organisation_is_audited_with_its_state(coordinator):
    enterprise = _create_enterprise(coordinator, valid_tax_code("360000126"))
    event = AuditEvent.objects.get(action="organisation.create", target_id=str(enterprise.pk))
    assert event.actor == coordinator
    assert event.after["tax_code"] == enterprise.tax_code
    assert event.after["sectors"] == ["1311*"]
    # Called directly, outside a request or command: no origin to record.
    assert event.context == {}


def test_only_coordinators_create_organisations(enterprise_a_user):
    with pytest.raises(PermissionDenied):
        _create_enterprise(enterprise_a_user, valid_tax_code("360000127"))


def test_an_enterprise_user_may_update_contact_details_but_not_the_tax_code(
    enterprise_a, enterprise_a_user
):
    services.organisation_update(
        actor=enterprise_a_user, organisation=enterprise_a, fields={"phone": "0251 3822 222"}
    )
    enterprise_a.refresh_from_db()
    assert enterprise_a.phone == "0251 3822 222"
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=enterprise_a_user,
            organisation=enterprise_a,
            fields={"tax_code": valid_tax_code("360000128")},
        )


def test_a_successor_cycle_is_refused(coordinator):
    a = Agency.objects.get(key="skhdt")
    b = Agency.objects.get(key="stc")  # already the successor of a in the reference data
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_succession_add(
            actor=coordinator, predecessor=b, successor=a, effective_date=DAY
        )
    assert list(excinfo.value.message_dict) == ["successor"]
    (message,) = excinfo.value.message_dict["successor"]
    assert "vòng" in message
    assert not OrganisationSuccession.objects.filter(predecessor=b, successor=a).exists()


def test_a_longer_successor_cycle_is_refused(coordinator):
    a, b, c = (Agency.objects.get(key=k) for k in ("sgddt", "snv", "svhttdl"))
    for pred, succ in ((a, b), (b, c)):
        services.organisation_succession_add(
            actor=coordinator, predecessor=pred, successor=succ, effective_date=DAY
        )
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_succession_add(
            actor=coordinator, predecessor=c, successor=a, effective_date=DAY
        )
    assert list(excinfo.value.message_dict) == ["successor"]


def test_an_organisation_cannot_succeed_itself(coordinator):
    a = Agency.objects.get(key="sct")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_succession_add(
            actor=coordinator, predecessor=a, successor=a, effective_date=DAY
        )
    assert list(excinfo.value.message_dict) == ["successor"]


def test_ending_with_a_successor_that_would_close_a_cycle_saves_nothing(coordinator):
    stc = Agency.objects.get(key="stc")
    skhdt = Agency.objects.get(key="skhdt")
    with pytest.raises(ValidationError):
        services.organisation_end(
            actor=coordinator,
            organisation=stc,
            valid_to=dt.date(2026, 6, 30),
            successors=[skhdt],
        )
    stc.refresh_from_db()
    assert stc.valid_to is None
    assert not AuditEvent.objects.filter(action="organisation.end", target_id=str(stc.pk)).exists()


def test_ending_an_organisation_records_its_successors_from_the_next_day(coordinator):
    old = Agency.objects.get(key="sgddt")
    new = Agency.objects.get(key="snv")
    services.organisation_end(
        actor=coordinator, organisation=old, valid_to=dt.date(2026, 6, 30), successors=[new]
    )
    link = OrganisationSuccession.objects.get(predecessor=old, successor=new)
    assert link.effective_date == dt.date(2026, 7, 1)
    assert Agency.objects.get(pk=old.pk).valid_to == dt.date(2026, 6, 30)


def test_confirming_a_succession_is_audited(coordinator):
    link = OrganisationSuccession.objects.get(predecessor__key="skhdt", successor__key="stc")
    assert not link.is_confirmed
    services.succession_confirm(actor=coordinator, link=link)
    link.refresh_from_db()
    assert link.is_confirmed
    assert AuditEvent.objects.filter(
        action="organisationsuccession.confirm", target_id=str(link.pk), actor=coordinator
    ).exists()
