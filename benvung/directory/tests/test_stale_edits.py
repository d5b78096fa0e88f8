"""Two people change the same organisation profile or site: the later save is refused."""

import datetime as dt

import pytest
from django.urls import reverse

from benvung.conftest import client_for, make_site
from benvung.core.concurrency import StaleEdit
from benvung.core.tests.html_forms import form_values
from benvung.directory import services
from benvung.directory.models import Enterprise, Site

pytestmark = pytest.mark.django_db


def test_a_stale_profile_save_names_who_saved_and_keeps_the_typed_values(
    enterprise_a, enterprise_a_user, coordinator
):
    url = reverse("directory:organisation_edit", args=[enterprise_a.pk])
    owner, office = client_for(enterprise_a_user), client_for(coordinator)
    owner_form = form_values(owner.get(url).content.decode(), having="phone")
    office_form = form_values(office.get(url).content.decode(), having="phone")

    assert office.post(url, {**office_form, "phone": "0251 3822 111"}).status_code == 302
    response = owner.post(url, {**owner_form, "phone": "0909 000 111", "address": "Số 9"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{coordinator.full_name} đã lưu" in body
    again = form_values(body, having="phone")
    assert (again["phone"], again["address"]) == ("0909 000 111", "Số 9")
    saved = Enterprise.objects.get(pk=enterprise_a.pk)
    assert saved.phone == "0251 3822 111"
    assert reverse("directory:organisation_detail", args=[enterprise_a.pk]) in body
    assert again["version"] == str(saved.version)
    assert owner.post(url, again).status_code == 302
    assert Enterprise.objects.get(pk=enterprise_a.pk).phone == "0909 000 111"


def test_a_stale_site_save_is_refused(enterprise_a, enterprise_a_user, coordinator):
    site = make_site(enterprise_a)
    url = reverse("directory:site_edit", args=[site.pk])
    owner, office = client_for(enterprise_a_user), client_for(coordinator)
    owner_form = form_values(owner.get(url).content.decode(), having="address")
    office_form = form_values(office.get(url).content.decode(), having="address")
    assert office.post(url, {**office_form, "address": "Số 2"}).status_code == 302
    response = owner.post(url, {**owner_form, "address": "Số 3"})
    assert response.status_code == 200
    assert f"{coordinator.full_name} đã lưu" in response.content.decode()
    assert form_values(response.content.decode(), having="address")["address"] == "Số 3"
    assert Site.objects.get(pk=site.pk).address == "Số 2"


def test_a_save_that_changes_nothing_keeps_the_version(enterprise_a, enterprise_a_user):
    """A save with nothing changed is not a new version: it refuses nobody else's save."""
    version = enterprise_a.version
    services.organisation_update(
        actor=enterprise_a_user,
        organisation=enterprise_a,
        fields={"phone": enterprise_a.phone},
        expected_version=version,
    )
    assert Enterprise.objects.get(pk=enterprise_a.pk).version == version
    services.organisation_update(
        actor=enterprise_a_user,
        organisation=Enterprise.objects.get(pk=enterprise_a.pk),
        fields={"phone": "0251 1"},
        expected_version=version,
    )
    with pytest.raises(StaleEdit):
        services.organisation_update(
            actor=enterprise_a_user,
            organisation=Enterprise.objects.get(pk=enterprise_a.pk),
            fields={"phone": "0251 2"},
            expected_version=version,
        )


def test_an_edit_form_read_before_the_organisation_was_ended_cannot_undo_the_end(
    enterprise_a, coordinator
):
    url = reverse("directory:organisation_edit", args=[enterprise_a.pk])
    office = client_for(coordinator)
    form = form_values(office.get(url).content.decode(), having="phone")
    services.organisation_end(
        actor=coordinator, organisation=enterprise_a, valid_to=dt.date(2025, 12, 31)
    )
    response = office.post(url, {**form, "phone": "0251 9"})
    assert response.status_code == 200
    assert f"{coordinator.full_name} đã lưu" in response.content.decode()
    assert Enterprise.objects.get(pk=enterprise_a.pk).valid_to == dt.date(2025, 12, 31)
