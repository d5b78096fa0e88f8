"""The outreach pages as agencies, enterprises and the coordinator use them; who sees what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benvung.conftest import client_for, make_user
from benvung.directory.models import AdministrativeUnit, Agency
from benvung.directory.selectors import current_communes
from benvung.outreach import services
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.plans.models import ContentArea

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def district():
    return AdministrativeUnit.objects.filter(edition="pre2025", level="district").first()


@pytest.fixture
def other_agency_reporter(db):
    agency = Agency.objects.exclude(key__in=["sct", "snnmt"]).first()
    return make_user(agency, "agency_reporter", "khac@test.example")


@pytest.fixture
def activity(agency_reporter):
    return services.activity_create(
        actor=agency_reporter,
        data=services.ActivityData(
            organiser=agency_reporter.organisation,
            kind="campaign",
            title="Chiến dịch tiêu dùng bền vững",
            start_date=dt.date(2024, 9, 1),
            administrative_units=[district()],
        ),
        evidence_file=services.EvidenceFile("bien-ban.pdf", PDF),
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
        evidence_file=services.EvidenceFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
    )


def activity_post(agency_reporter, **changes):
    data = {
        "kind": "training",
        "title": "Tập huấn tiết kiệm năng lượng",
        "start_date": "15/03/2024",
        "end_date": "16/03/2024",
        "organiser": str(agency_reporter.organisation_id),
        "topics": [str(ContentArea.objects.first().pk)],
        "administrative_units": [str(district().pk)],
        "participants": "120",
        "description": "Hai ngày",
        "evidence_url": "https://example.org/tin-bai",
    }
    data.update(changes)
    return data


def test_agency_reporter_records_an_activity_through_the_form(agency_reporter):
    client = client_for(agency_reporter)
    assert client.get(reverse("outreach:activity_create")).status_code == 200
    data = activity_post(agency_reporter)
    data["evidence_file"] = SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf")
    response = client.post(reverse("outreach:activity_create"), data)
    activity = OutreachActivity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:activity_detail", args=[activity.pk])
    assert activity.owner_id == agency_reporter.organisation_id
    assert activity.participants == 120
    assert activity.evidence_file
    page = client.get(response["Location"])
    assert "Tập huấn tiết kiệm năng lượng" in page.content.decode()
    listing = client.get(reverse("outreach:activity_list"), {"year": "2024", "kind": "training"})
    assert "Tập huấn tiết kiệm năng lượng" in listing.content.decode()


def test_errors_re_render_the_form_with_what_was_typed(agency_reporter):
    commune = current_communes().first()
    data = activity_post(
        agency_reporter,
        end_date="01/03/2024",
        administrative_units=[str(commune.pk)],
        title="Hội thảo giữ nguyên",
    )
    response = client_for(agency_reporter).post(reverse("outreach:activity_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Hội thảo giữ nguyên"' in html
    assert commune.name in html  # the refusal names the unit
    assert 'value="01/03/2024"' in html
    assert not OutreachActivity.objects.exists()


def test_an_executable_named_pdf_is_refused(agency_reporter):
    data = activity_post(agency_reporter)
    data["evidence_file"] = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00", "application/pdf")
    response = client_for(agency_reporter).post(reverse("outreach:activity_create"), data)
    assert response.status_code == 200
    assert not OutreachActivity.objects.exists()


def test_another_agency_gets_404_on_the_activity(activity, other_agency_reporter):
    client = client_for(other_agency_reporter)
    for name in ("activity_detail", "activity_edit", "activity_delete", "activity_evidence"):
        assert client.get(reverse(f"outreach:{name}", args=[activity.pk])).status_code == 404
    assert client.post(reverse("outreach:activity_delete", args=[activity.pk])).status_code == 404
    assert OutreachActivity.objects.filter(pk=activity.pk).exists()
    listing = client.get(reverse("outreach:activity_list")).content.decode()
    assert activity.title not in listing


def test_enterprises_and_retail_have_no_activity_pages(
    enterprise_a_user, retail_reporter, activity
):
    for user in (enterprise_a_user, retail_reporter):
        client = client_for(user)
        assert client.get(reverse("outreach:activity_list")).status_code == 403
        assert client.get(reverse("outreach:activity_create")).status_code == 403
        assert (
            client.get(reverse("outreach:activity_detail", args=[activity.pk])).status_code == 404
        )
    assert client_for(retail_reporter).get(reverse("outreach:scp_model_list")).status_code == 403


def test_coordinator_sees_every_activity_and_may_delete(activity, coordinator):
    client = client_for(coordinator)
    assert activity.title in client.get(reverse("outreach:activity_list")).content.decode()
    evidence = client.get(reverse("outreach:activity_evidence", args=[activity.pk]))
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content) == PDF
    confirm = client.get(reverse("outreach:activity_delete", args=[activity.pk]))
    assert confirm.status_code == 200
    response = client.post(reverse("outreach:activity_delete", args=[activity.pk]))
    assert response.status_code == 302
    assert not OutreachActivity.objects.exists()


def test_owner_edits_the_activity(activity, agency_reporter):
    client = client_for(agency_reporter)
    page = client.get(reverse("outreach:activity_edit", args=[activity.pk]))
    assert 'value="Chiến dịch tiêu dùng bền vững"' in page.content.decode()
    data = activity_post(agency_reporter, title="Tên đã sửa", remove_evidence_file="on")
    response = client.post(reverse("outreach:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Tên đã sửa"
    assert not activity.evidence_file


# --- SCP models -------------------------------------------------------------------------------


def test_enterprise_proposes_a_model_through_the_form(enterprise_a_user, enterprise_a):
    client = client_for(enterprise_a_user)
    assert client.get(reverse("outreach:scp_model_create")).status_code == 200
    response = client.post(
        reverse("outreach:scp_model_create"),
        {
            "kind": "energy_efficiency",
            "title": "Biến tần cho máy nén khí",
            "year": "2024",
            "energy_saved_toe": "12,5",
            "money_saved_mvnd": "1.250.000",
        },
    )
    model = SCPModel.objects.get()
    assert response.status_code == 302
    assert model.organisation_id == enterprise_a.pk
    assert model.owner_id == enterprise_a.pk
    assert model.energy_saved_toe == Decimal("12.5")
    assert model.money_saved_mvnd == Decimal("1250000")
    assert model.flags  # no consumption reported for 2024: flagged for the coordinator
    detail = client.get(response["Location"]).content.decode()
    assert "12,5" in detail


def test_model_errors_keep_what_was_typed(enterprise_a_user):
    response = client_for(enterprise_a_user).post(
        reverse("outreach:scp_model_create"),
        {
            "kind": "energy_efficiency",
            "title": "Giữ tên này",
            "year": "2024",
            "water_saved_m3": "abc",
            "waste_reduced_t": "12.500",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Giữ tên này"' in html
    assert 'value="abc"' in html
    assert "12500" in html and "12,5" in html  # the ambiguous number is asked about
    assert not SCPModel.objects.exists()


def test_another_enterprise_gets_404_on_the_model(scp_model, enterprise_b_user, agency_reporter):
    for user in (enterprise_b_user, agency_reporter):
        client = client_for(user)
        for name in (
            "scp_model_detail",
            "scp_model_edit",
            "scp_model_delete",
            "scp_model_evidence",
        ):
            assert client.get(reverse(f"outreach:{name}", args=[scp_model.pk])).status_code == 404
        listing = client.get(reverse("outreach:scp_model_list")).content.decode()
        assert scp_model.title not in listing


def test_the_enterprise_sees_a_model_an_agency_recorded_about_it(
    agency_reporter, enterprise_a, enterprise_a_user
):
    model = services.scp_model_create(
        actor=agency_reporter,
        data=services.SCPModelData(
            organisation=enterprise_a, kind="circular_economy", title="Tái chế bùn", year=2023
        ),
    )
    client = client_for(enterprise_a_user)
    assert client.get(reverse("outreach:scp_model_detail", args=[model.pk])).status_code == 200
    assert client.get(reverse("outreach:scp_model_edit", args=[model.pk])).status_code == 403


def test_coordinator_reviews_a_model(scp_model, coordinator, enterprise_a_user):
    client = client_for(coordinator)
    assert scp_model.title in client.get(reverse("outreach:scp_model_list")).content.decode()
    url = reverse("outreach:scp_model_review", args=[scp_model.pk])
    refused = client.post(url, {"state": "rejected", "note": ""})
    assert refused.status_code == 400
    response = client.post(url, {"state": "rejected", "note": "Thiếu hóa đơn nước"})
    assert response.status_code == 302
    scp_model.refresh_from_db()
    assert scp_model.state == SCPModel.State.REJECTED
    detail = client.get(reverse("outreach:scp_model_detail", args=[scp_model.pk])).content.decode()
    assert "Thiếu hóa đơn nước" in detail
    # The enterprise may not review its own model.
    response = client_for(enterprise_a_user).post(url, {"state": "verified", "note": ""})
    assert response.status_code == 403
