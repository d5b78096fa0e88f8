"""The packaging survey pages: who sees and changes what, and what a bad form keeps."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benvung.conftest import client_for, make_user
from benvung.directory.models import Agency, RetailOutlet
from benvung.retail import services
from benvung.retail.models import PackagingSurvey

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def other_outlet(db):
    return RetailOutlet.objects.create(
        name="Trung tâm thương mại Thử", outlet_type=RetailOutlet.OutletType.TRADE_CENTRE
    )


@pytest.fixture
def other_retail_reporter(other_outlet):
    return make_user(other_outlet, "retail_reporter", "banle2@test.example")


@pytest.fixture
def survey(retail_reporter, supermarket):
    return services.survey_save(
        actor=retail_reporter,
        data=services.SurveyData(outlet=supermarket, year=2024, eco_packaging="yes"),
    )


def test_the_list_shows_the_viewers_surveys_and_links_to_the_import(retail_reporter, survey):
    body = client_for(retail_reporter).get(reverse("retail:survey_list")).content.decode()
    assert survey.outlet.name in body
    assert reverse("imports:new", args=["retail_survey"]) in body
    assert reverse("retail:survey_create") in body


def test_the_list_filters_by_year_and_outlet_type(coordinator, survey):
    client = client_for(coordinator)
    url = reverse("retail:survey_list")
    assert survey.outlet.name in client.get(url, {"year": 2024}).content.decode()
    assert survey.outlet.name not in client.get(url, {"outlet_type": "market"}).content.decode()


def test_enterprise_users_have_no_retail_pages(enterprise_a_user, survey):
    client = client_for(enterprise_a_user)
    assert client.get(reverse("retail:survey_list")).status_code == 403
    assert client.get(reverse("retail:survey_create")).status_code == 403
    assert client.get(reverse("retail:survey_detail", args=[survey.pk])).status_code == 404


def test_another_outlet_cannot_read_or_change_a_survey(other_retail_reporter, survey):
    client = client_for(other_retail_reporter)
    assert client.get(reverse("retail:survey_detail", args=[survey.pk])).status_code == 404
    assert client.get(reverse("retail:survey_edit", args=[survey.pk])).status_code == 404
    assert client.post(reverse("retail:survey_delete", args=[survey.pk])).status_code == 404
    assert client.get(reverse("retail:evidence_download", args=[survey.pk])).status_code == 404
    assert survey.outlet.name not in client.get(reverse("retail:survey_list")).content.decode()
    assert PackagingSurvey.objects.filter(pk=survey.pk).exists()


def test_another_agency_cannot_read_the_survey_an_agency_recorded(agency_reporter, other_outlet):
    recorded = services.survey_save(
        actor=agency_reporter,
        data=services.SurveyData(outlet=other_outlet, year=2024, eco_packaging="no"),
    )
    other = make_user(Agency.objects.get(key="sct"), "agency_reporter", "sct@test.example")
    client = client_for(other)
    assert client.get(reverse("retail:survey_detail", args=[recorded.pk])).status_code == 404
    assert client.post(reverse("retail:survey_delete", args=[recorded.pk])).status_code == 404


def test_a_retail_reporter_is_offered_only_its_own_outlet(retail_reporter, other_outlet):
    client = client_for(retail_reporter)
    body = client.get(reverse("retail:survey_create")).content.decode()
    assert other_outlet.name not in body
    response = client.post(
        reverse("retail:survey_create"),
        {"outlet": other_outlet.pk, "year": 2024, "eco_packaging": "yes"},
    )
    assert response.status_code == 200 and not PackagingSurvey.objects.exists()


def test_a_bad_form_keeps_what_was_typed_and_names_the_field(retail_reporter, supermarket):
    client = client_for(retail_reporter)
    response = client.post(
        reverse("retail:survey_create"),
        {
            "outlet": supermarket.pk,
            "year": 2024,
            "eco_packaging": "partly",
            "biodegradable_bag_share": "12.500",
            "note": "Ghi chú giữ lại",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "12500" in body and "Ghi chú giữ lại" in body
    response = client.post(
        reverse("retail:survey_create"),
        {
            "outlet": supermarket.pk,
            "year": 2024,
            "eco_packaging": "partly",
            "biodegradable_bag_share": "150",
        },
    )
    assert 'id="id_biodegradable_bag_share"' in response.content.decode()
    assert "150" in response.content.decode()
    assert not PackagingSurvey.objects.exists()


def test_record_change_and_delete_with_an_evidence_file(retail_reporter, supermarket):
    client = client_for(retail_reporter)
    response = client.post(
        reverse("retail:survey_create"),
        {
            "outlet": supermarket.pk,
            "year": 2024,
            "eco_packaging": "partly",
            "biodegradable_bag_share": "12,5",
            "ecolabelled_products": "30",
            "surveyed_on": "05/11/2024",
            "evidence_file": SimpleUploadedFile("anh.png", PNG),
        },
    )
    survey = PackagingSurvey.objects.get()
    assert response.status_code == 302 and str(survey.biodegradable_bag_share) == "12.50"
    detail = client.get(reverse("retail:survey_detail", args=[survey.pk])).content.decode()
    assert "05/11/2024" in detail and "12,5 %" in detail
    download = client.get(reverse("retail:evidence_download", args=[survey.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    client.post(
        reverse("retail:survey_edit", args=[survey.pk]),
        {"outlet": supermarket.pk, "year": 2024, "eco_packaging": "yes"},
    )
    survey.refresh_from_db()
    assert survey.eco_packaging == "yes" and survey.evidence_file  # the file is kept
    client.post(reverse("retail:survey_delete", args=[survey.pk]))
    assert not PackagingSurvey.objects.exists()


def test_a_file_that_is_not_what_its_name_says_is_refused(retail_reporter, supermarket):
    response = client_for(retail_reporter).post(
        reverse("retail:survey_create"),
        {
            "outlet": supermarket.pk,
            "year": 2024,
            "eco_packaging": "yes",
            "evidence_file": SimpleUploadedFile("bien-ban.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 200 and "bien-ban.pdf" in response.content.decode()
    assert not PackagingSurvey.objects.exists()
