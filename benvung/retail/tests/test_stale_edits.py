"""Two people change the same packaging survey: the later save is refused, nothing is lost."""

import pytest
from django.urls import reverse

from benvung.conftest import client_for, make_user
from benvung.core.tests.html_forms import form_values
from benvung.retail import services
from benvung.retail.models import PackagingSurvey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(retail_reporter, supermarket):
    return services.survey_save(
        actor=retail_reporter,
        data=services.SurveyData(outlet=supermarket, year=2024, eco_packaging="yes"),
    )


def test_a_stale_survey_save_names_who_saved_and_keeps_the_typed_values(
    retail_reporter, supermarket, survey
):
    colleague = make_user(supermarket, "retail_reporter", "dongnghiep@test.example")
    url = reverse("retail:survey_edit", args=[survey.pk])
    mine, theirs = client_for(retail_reporter), client_for(colleague)
    my_form = form_values(mine.get(url).content.decode(), having="note")
    their_form = form_values(theirs.get(url).content.decode(), having="note")

    assert theirs.post(url, {**their_form, "note": "Ghi chú của đồng nghiệp"}).status_code == 302
    response = mine.post(url, {**my_form, "note": "Ghi chú của tôi", "ecolabelled_products": "7"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{colleague.full_name} đã lưu" in body
    again = form_values(body, having="note")
    assert (again["note"], again["ecolabelled_products"]) == ("Ghi chú của tôi", "7")
    saved = PackagingSurvey.objects.get(pk=survey.pk)
    assert saved.note == "Ghi chú của đồng nghiệp" and saved.ecolabelled_products is None
    # The page links to what is saved now and carries its version: saving again is deliberate.
    assert reverse("retail:survey_detail", args=[survey.pk]) in body
    assert again["version"] == str(saved.version)
    assert mine.post(url, again).status_code == 302
    assert PackagingSurvey.objects.get(pk=survey.pk).note == "Ghi chú của tôi"


def test_recording_a_year_already_surveyed_meanwhile_is_refused(retail_reporter, supermarket):
    """The "new survey" form read no survey for the year: one recorded since is not replaced
    silently."""
    url = reverse("retail:survey_create")
    form = form_values(client_for(retail_reporter).get(url).content.decode(), having="note")
    assert form["version"] == "0"
    services.survey_save(
        actor=make_user(supermarket, "retail_reporter", "dongnghiep@test.example"),
        data=services.SurveyData(outlet=supermarket, year=2025, eco_packaging="yes"),
    )
    response = client_for(retail_reporter).post(
        url, {**form, "outlet": str(supermarket.pk), "year": "2025", "eco_packaging": "no"}
    )
    assert response.status_code == 200
    assert "đã lưu" in response.content.decode()
    assert PackagingSurvey.objects.get(outlet=supermarket, year=2025).eco_packaging == "yes"


def test_the_service_refuses_an_old_version_and_takes_the_current_one(retail_reporter, survey):
    from benvung.core.concurrency import StaleEdit

    data = services.SurveyData(outlet=survey.outlet, year=2024, eco_packaging="partly")
    services.survey_save(actor=retail_reporter, data=data, expected_version=survey.version)
    with pytest.raises(StaleEdit) as excinfo:
        services.survey_save(actor=retail_reporter, data=data, expected_version=survey.version)
    assert excinfo.value.current_version == survey.version + 1
    assert excinfo.value.updated_by == retail_reporter.full_name
