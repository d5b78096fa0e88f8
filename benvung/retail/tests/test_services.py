"""The rules of the packaging surveys, as the services apply them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.conftest import make_user
from benvung.core.models import AuditEvent
from benvung.directory.models import Agency, RetailOutlet
from benvung.retail import selectors, services
from benvung.retail.models import PackagingSurvey

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_outlet(db):
    return RetailOutlet.objects.create(
        name="Cửa hàng tiện lợi Thử", outlet_type=RetailOutlet.OutletType.CONVENIENCE_STORE
    )


def data(outlet, **changes):
    values = {"outlet": outlet, "year": 2024, "eco_packaging": "yes"}
    values.update(changes)
    return services.SurveyData(**values)


def test_a_retail_reporter_records_its_own_outlet(retail_reporter, supermarket):
    survey = services.survey_save(
        actor=retail_reporter,
        data=data(supermarket, biodegradable_bag_share=Decimal("40"), ecolabelled_products=15),
    )
    assert survey.owner_id == supermarket.pk and survey.recorded_by == retail_reporter
    assert AuditEvent.objects.filter(action="packaging_survey.create").exists()


def test_a_retail_reporter_cannot_record_another_outlet(retail_reporter, other_outlet):
    with pytest.raises(PermissionDenied):
        services.survey_save(actor=retail_reporter, data=data(other_outlet))
    assert not PackagingSurvey.objects.exists()


def test_agency_reporters_and_coordinators_record_any_outlet(
    agency_reporter, coordinator, other_outlet, supermarket
):
    survey = services.survey_save(actor=agency_reporter, data=data(other_outlet))
    assert survey.owner_id == agency_reporter.organisation_id
    services.survey_save(actor=coordinator, data=data(supermarket))
    assert PackagingSurvey.objects.count() == 2


def test_saving_the_same_outlet_and_year_again_replaces_the_survey(agency_reporter, supermarket):
    services.survey_save(actor=agency_reporter, data=data(supermarket, eco_packaging="no"))
    services.survey_save(actor=agency_reporter, data=data(supermarket, eco_packaging="partly"))
    assert PackagingSurvey.objects.get().eco_packaging == "partly"
    assert AuditEvent.objects.filter(action="packaging_survey.update").exists()


def test_another_agency_cannot_overwrite_a_survey(agency_reporter, supermarket):
    services.survey_save(actor=agency_reporter, data=data(supermarket))
    other = make_user(Agency.objects.get(key="sct"), "agency_reporter", "sct@test.example")
    with pytest.raises(ValidationError) as exc:
        services.survey_save(actor=other, data=data(supermarket, eco_packaging="no"))
    assert "outlet" in exc.value.message_dict
    assert PackagingSurvey.objects.get().eco_packaging == "yes"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"biodegradable_bag_share": Decimal("120")}, "biodegradable_bag_share"),
        ({"biodegradable_bag_share": Decimal("-1")}, "biodegradable_bag_share"),
        ({"eco_packaging": "maybe"}, "eco_packaging"),
        ({"year": 1999}, "year"),
        ({"ecolabelled_products": -3}, "ecolabelled_products"),
        ({"surveyed_on": dt.date(2023, 12, 31)}, "surveyed_on"),
        ({"evidence_url": "not a link"}, "evidence_url"),
    ],
)
def test_bad_values_are_refused_by_field(agency_reporter, supermarket, changes, field):
    with pytest.raises(ValidationError) as exc:
        services.survey_save(actor=agency_reporter, data=data(supermarket, **changes))
    assert field in exc.value.message_dict
    assert not PackagingSurvey.objects.exists()


def test_an_outlet_not_in_operation_in_the_year_is_refused(agency_reporter, supermarket):
    supermarket.valid_to = dt.date(2022, 6, 30)
    supermarket.save()
    problems = services.survey_problems(data(supermarket, year=2024))
    assert "outlet" in problems
    assert services.survey_problems(data(supermarket, year=2022)) == {}


def test_delete_is_audited_and_limited_to_editors(agency_reporter, retail_reporter, supermarket):
    survey = services.survey_save(actor=retail_reporter, data=data(supermarket))
    with pytest.raises(PermissionDenied):
        services.survey_delete(actor=agency_reporter, survey=survey)
    services.survey_delete(actor=retail_reporter, survey=survey)
    assert not PackagingSurvey.objects.exists()
    assert AuditEvent.objects.filter(action="packaging_survey.delete").exists()


def test_selectors_scope_surveys_to_the_viewer(
    agency_reporter, retail_reporter, coordinator, supermarket, other_outlet
):
    by_agency_of_supermarket = services.survey_save(actor=agency_reporter, data=data(supermarket))
    by_agency_of_other = services.survey_save(actor=agency_reporter, data=data(other_outlet))
    assert set(selectors.survey_list(viewer=coordinator)) == {
        by_agency_of_supermarket,
        by_agency_of_other,
    }
    # The outlet sees the survey of itself, whoever recorded it; not the other outlet's.
    assert list(selectors.survey_list(viewer=retail_reporter)) == [by_agency_of_supermarket]
    assert set(
        selectors.surveys_recorded_by(organisation=agency_reporter.organisation, year=2024)
    ) == {by_agency_of_supermarket, by_agency_of_other}
    assert list(selectors.survey_list(viewer=coordinator, outlet_type="convenience_store")) == [
        by_agency_of_other
    ]
