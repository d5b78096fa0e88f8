"""The audit trail: what services record, and the coordinators' page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from benvung.conftest import client_for
from benvung.core import audit
from benvung.core.models import AuditEvent
from benvung.directory import services

pytestmark = pytest.mark.django_db


def test_json_values_are_stable_across_databases():
    assert audit.json_value(Decimal("10.500")) == "10.500"
    assert audit.json_value(dt.date(2025, 12, 1)) == "2025-12-01"
    assert audit.json_value({"a": [dt.date(2025, 1, 2)]}) == {"a": ["2025-01-02"]}


def test_a_snapshot_never_contains_a_password(coordinator):
    assert "password" not in audit.snapshot(coordinator)


def test_a_change_records_who_when_and_the_values_before_and_after(coordinator, enterprise_a):
    services.organisation_update(
        actor=coordinator, organisation=enterprise_a, fields={"phone": "0251 111 222"}
    )
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.actor == coordinator and event.actor_label == coordinator.email
    assert [c for c in event.changes if c[0] == "điện thoại"] == [
        ("điện thoại", "", "0251 111 222")
    ]
    assert event.target_id == str(enterprise_a.pk)


def test_an_update_that_changes_nothing_records_nothing(coordinator, enterprise_a):
    services.organisation_update(
        actor=coordinator, organisation=enterprise_a, fields={"name": enterprise_a.name}
    )
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


def test_a_write_through_a_page_records_its_origin(coordinator, enterprise_a):
    client_for(coordinator).post(
        reverse("directory:organisation_edit", args=[enterprise_a.pk]),
        {
            "name": enterprise_a.name,
            "tax_code": enterprise_a.tax_code,
            "phone": "0909",
            "sectors": [s.pk for s in enterprise_a.sectors.all()],
        },
    )
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.context["source"] == "web"
    assert event.context["path"] == reverse("directory:organisation_edit", args=[enterprise_a.pk])


def test_the_audit_page_lists_and_filters_events_for_coordinators(coordinator, enterprise_a):
    services.organisation_update(
        actor=coordinator, organisation=enterprise_a, fields={"phone": "0251 111 222"}
    )
    client = client_for(coordinator)
    response = client.get(reverse("core:audit_list"), {"action": "organisation.update"})
    assert response.status_code == 200
    events = list(response.context["page"])
    assert events and all(e.action == "organisation.update" for e in events)
    assert "sửa thông tin tổ chức" in response.content.decode()
    detail = client.get(reverse("core:audit_detail", args=[events[0].pk]))
    assert "0251 111 222" in detail.content.decode()


def test_the_audit_page_is_closed_to_other_roles(enterprise_a_user, retail_reporter):
    for user in (enterprise_a_user, retail_reporter):
        assert client_for(user).get(reverse("core:audit_list")).status_code == 403
    event = AuditEvent.objects.create(actor_label="x", action="x")
    assert (
        client_for(enterprise_a_user).get(reverse("core:audit_detail", args=[event.pk])).status_code
        == 403
    )
