"""Two people change the same activity or SCP model: the later save is refused, nothing lost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from benvung.conftest import client_for, make_user
from benvung.core.concurrency import StaleEdit
from benvung.core.tests.html_forms import form_values
from benvung.outreach import services
from benvung.outreach.models import OutreachActivity, SCPModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(agency_reporter):
    return services.activity_create(
        actor=agency_reporter,
        data=services.ActivityData(
            organiser=agency_reporter.organisation,
            kind="campaign",
            title="Chiến dịch tiêu dùng bền vững",
            start_date=dt.date(2024, 9, 1),
        ),
    )


@pytest.fixture
def scp_model(enterprise_a_user, enterprise_a):
    return services.scp_model_create(
        actor=enterprise_a_user,
        data=services.SCPModelData(
            organisation=enterprise_a,
            kind="cleaner_production",
            title="Thu hồi nhiệt thải lò hơi",
            year=2024,
            water_saved_m3=Decimal("1200"),
        ),
    )


def test_a_stale_activity_save_names_who_saved_and_keeps_the_typed_values(
    agency_reporter, activity
):
    colleague = make_user(agency_reporter.organisation, "agency_reporter", "cq2@test.example")
    url = reverse("outreach:activity_edit", args=[activity.pk])
    mine, theirs = client_for(agency_reporter), client_for(colleague)
    my_form = form_values(mine.get(url).content.decode(), having="title")
    their_form = form_values(theirs.get(url).content.decode(), having="title")

    assert theirs.post(url, {**their_form, "title": "Tên của đồng nghiệp"}).status_code == 302
    response = mine.post(url, {**my_form, "title": "Tên tôi sửa"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{colleague.full_name} đã lưu" in body
    again = form_values(body, having="title")
    assert again["title"] == "Tên tôi sửa"
    saved = OutreachActivity.objects.get(pk=activity.pk)
    assert saved.title == "Tên của đồng nghiệp"
    assert reverse("outreach:activity_detail", args=[activity.pk]) in body
    assert again["version"] == str(saved.version)
    assert mine.post(url, again).status_code == 302
    assert OutreachActivity.objects.get(pk=activity.pk).title == "Tên tôi sửa"


def test_a_stale_model_save_names_who_saved_and_keeps_the_typed_values(
    enterprise_a_user, enterprise_a, scp_model
):
    colleague = make_user(enterprise_a, "enterprise_user", "dn.a2@test.example")
    url = reverse("outreach:scp_model_edit", args=[scp_model.pk])
    mine, theirs = client_for(enterprise_a_user), client_for(colleague)
    my_form = form_values(mine.get(url).content.decode(), having="title")
    their_form = form_values(theirs.get(url).content.decode(), having="title")

    assert theirs.post(url, {**their_form, "water_saved_m3": "1500"}).status_code == 302
    response = mine.post(url, {**my_form, "water_saved_m3": "1300", "title": "Tên mới"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{colleague.full_name} đã lưu" in body
    again = form_values(body, having="title")
    assert (again["water_saved_m3"], again["title"]) == ("1300", "Tên mới")
    saved = SCPModel.objects.get(pk=scp_model.pk)
    assert (saved.water_saved_m3, saved.title) == (Decimal("1500"), scp_model.title)
    assert reverse("outreach:scp_model_detail", args=[scp_model.pk]) in body
    assert mine.post(url, again).status_code == 302
    assert SCPModel.objects.get(pk=scp_model.pk).water_saved_m3 == Decimal("1300")


def test_a_review_of_figures_changed_meanwhile_is_refused(
    coordinator, enterprise_a_user, scp_model
):
    """The coordinator verifies the figures read; changed since, they are shown again."""
    detail = reverse("outreach:scp_model_detail", args=[scp_model.pk])
    review = form_values(client_for(coordinator).get(detail).content.decode(), having="note")
    services.scp_model_update(
        actor=enterprise_a_user,
        model=scp_model,
        data=services.SCPModelData(
            organisation=scp_model.organisation,
            kind=scp_model.kind,
            title=scp_model.title,
            year=2024,
            water_saved_m3=Decimal("99000"),
        ),
        expected_version=scp_model.version,
    )
    response = client_for(coordinator).post(
        reverse("outreach:scp_model_review", args=[scp_model.pk]),
        {**review, "state": "verified", "note": "Đã kiểm tra"},
    )
    body = response.content.decode()
    assert f"{enterprise_a_user.full_name} đã lưu" in body
    assert "99.000" in body  # the figures as saved now
    assert form_values(body, having="note")["note"] == "Đã kiểm tra"
    assert SCPModel.objects.get(pk=scp_model.pk).state == SCPModel.State.PROPOSED


def test_the_services_refuse_an_old_version(agency_reporter, activity):
    data = services.ActivityData(
        organiser=activity.organiser,
        kind="campaign",
        title="Lần một",
        start_date=dt.date(2024, 9, 1),
    )
    services.activity_update(
        actor=agency_reporter, activity=activity, data=data, expected_version=activity.version
    )
    with pytest.raises(StaleEdit) as excinfo:
        services.activity_update(
            actor=agency_reporter, activity=activity, data=data, expected_version=activity.version
        )
    assert excinfo.value.current_version == activity.version + 1
    assert excinfo.value.updated_by == agency_reporter.full_name
