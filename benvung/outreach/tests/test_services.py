"""The rules of outreach activities and SCP models, as the services apply them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.conftest import make_site
from benvung.core.models import AuditEvent
from benvung.directory.models import AdministrativeUnit, IndustrialArea
from benvung.outreach import services
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.plans.models import ContentArea
from benvung.resources import services as resource_services

pytestmark = pytest.mark.django_db


def pre2025_district():
    return AdministrativeUnit.objects.filter(edition="pre2025", level="district").first()


def commune_2025():
    return AdministrativeUnit.objects.filter(
        edition="2025", level="commune", parent__code="75"
    ).first()


def activity_data(organiser, **changes):
    values = {
        "organiser": organiser,
        "kind": OutreachActivity.Kind.TRAINING,
        "title": "Tập huấn sản xuất sạch hơn",
        "start_date": dt.date(2023, 5, 10),
        "end_date": dt.date(2023, 5, 11),
        "participants": 80,
    }
    values.update(changes)
    return services.ActivityData(**values)


def model_data(enterprise, **changes):
    values = {
        "organisation": enterprise,
        "kind": SCPModel.Kind.ENERGY_EFFICIENCY,
        "title": "Thay động cơ hiệu suất cao",
        "year": 2024,
    }
    values.update(changes)
    return services.SCPModelData(**values)


def test_agency_reporter_records_an_activity_for_its_agency(agency_reporter):
    area = ContentArea.objects.first()
    district = pre2025_district()
    data = activity_data(
        agency_reporter.organisation, topics=[area], administrative_units=[district]
    )
    activity = services.activity_create(actor=agency_reporter, data=data)
    assert activity.owner == agency_reporter.organisation
    assert list(activity.topics.all()) == [area]
    assert list(activity.administrative_units.all()) == [district]
    assert AuditEvent.objects.filter(action="outreach_activity.create").exists()


def test_a_2025_commune_is_refused_for_a_2023_activity(agency_reporter):
    commune = commune_2025()
    data = activity_data(agency_reporter.organisation, administrative_units=[commune])
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=agency_reporter, data=data)
    messages = exc.value.message_dict["administrative_units"]
    assert commune.name in messages[0]
    assert not OutreachActivity.objects.exists()


def test_a_unit_of_another_province_is_refused(agency_reporter):
    elsewhere = AdministrativeUnit.objects.filter(
        edition="2025", level="commune", parent__name="Thành phố Hồ Chí Minh"
    ).first()
    data = activity_data(
        agency_reporter.organisation,
        start_date=dt.date(2025, 9, 1),
        administrative_units=[elsewhere],
    )
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=agency_reporter, data=data)
    assert (
        "không phải là đơn vị hành chính của tỉnh"
        in exc.value.message_dict["administrative_units"][0]
    )


def test_a_pre2025_district_is_refused_for_a_2026_activity(agency_reporter):
    district = pre2025_district()
    data = activity_data(
        agency_reporter.organisation,
        start_date=dt.date(2026, 3, 1),
        end_date=None,
        administrative_units=[district],
    )
    problems = services.activity_problems(data)
    assert district.name in problems["administrative_units"][0]


def test_an_industrial_area_must_exist_on_the_start_date(agency_reporter):
    area = IndustrialArea.objects.filter(valid_from__isnull=False).first()
    if area is None:
        area = IndustrialArea.objects.first()
        area.valid_from = dt.date(2024, 1, 1)
        area.save()
    data = activity_data(
        agency_reporter.organisation,
        start_date=area.valid_from - dt.timedelta(days=1),
        end_date=None,
        industrial_areas=[area],
    )
    assert "industrial_areas" in services.activity_problems(data)


def test_end_before_start_is_refused(agency_reporter):
    data = activity_data(agency_reporter.organisation, end_date=dt.date(2023, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=agency_reporter, data=data)
    assert "end_date" in exc.value.message_dict


def test_retail_and_enterprise_users_may_not_record_activities(retail_reporter, enterprise_a_user):
    for user in (retail_reporter, enterprise_a_user):
        with pytest.raises(PermissionDenied):
            services.activity_create(actor=user, data=activity_data(user.organisation))


def test_an_agency_reporter_may_not_record_for_another_agency(agency_reporter, doit):
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=agency_reporter, data=activity_data(doit), owner=doit)


def test_coordinator_records_on_behalf_of_an_agency(coordinator, agency_reporter):
    agency = agency_reporter.organisation
    activity = services.activity_create(actor=coordinator, data=activity_data(agency), owner=agency)
    assert activity.owner == agency


def test_update_and_delete_are_audited(agency_reporter, coordinator):
    activity = services.activity_create(
        actor=agency_reporter, data=activity_data(agency_reporter.organisation)
    )
    services.activity_update(
        actor=agency_reporter,
        activity=activity,
        data=activity_data(agency_reporter.organisation, title="Tên mới"),
    )
    activity.refresh_from_db()
    assert activity.title == "Tên mới"
    services.activity_delete(actor=coordinator, activity=activity)
    assert not OutreachActivity.objects.exists()
    assert AuditEvent.objects.filter(action="outreach_activity.delete").exists()


def test_evidence_file_must_be_what_its_name_says(agency_reporter):
    fake = services.EvidenceFile("bien-ban.pdf", b"MZ not a pdf")
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=agency_reporter,
            data=activity_data(agency_reporter.organisation),
            evidence_file=fake,
        )
    assert "evidence_file" in exc.value.message_dict


# --- SCP models -------------------------------------------------------------------------------


@pytest.fixture
def consumption_2024(enterprise_a, coordinator):
    """Enterprise A reported 4 000 000 kWh (617,2 TOE) for 2024."""
    site = make_site(enterprise_a)
    resource_services.site_year_save(
        actor=coordinator,
        site=site,
        year=2024,
        energy=[{"carrier": "grid_electricity", "quantity": "4000000", "unit": "kWh"}],
    )
    return site


def test_enterprise_proposes_its_own_model(enterprise_a_user, enterprise_a, consumption_2024):
    model = services.scp_model_create(
        actor=enterprise_a_user,
        data=model_data(enterprise_a, energy_saved_toe=Decimal("50"), site=consumption_2024),
    )
    assert model.owner == enterprise_a
    assert model.state == SCPModel.State.PROPOSED
    assert model.flags == []


def test_savings_larger_than_consumption_are_refused(
    enterprise_a_user, enterprise_a, consumption_2024
):
    with pytest.raises(ValidationError) as exc:
        services.scp_model_create(
            actor=enterprise_a_user,
            data=model_data(enterprise_a, energy_saved_toe=Decimal("5000")),
        )
    assert "energy_saved_toe" in exc.value.message_dict
    assert not SCPModel.objects.exists()


def test_without_consumption_data_the_model_is_flagged(agency_reporter, enterprise_b):
    model = services.scp_model_create(
        actor=agency_reporter, data=model_data(enterprise_b, energy_saved_toe=Decimal("5000"))
    )
    assert model.owner == agency_reporter.organisation
    assert len(model.flags) == 1
    assert enterprise_b.name in model.flags[0]


def test_enterprise_may_not_record_another_enterprises_model(enterprise_a_user, enterprise_b):
    with pytest.raises(PermissionDenied):
        services.scp_model_create(actor=enterprise_a_user, data=model_data(enterprise_b))


def test_retail_reporter_may_not_record_models(retail_reporter, enterprise_a):
    with pytest.raises(PermissionDenied):
        services.scp_model_create(actor=retail_reporter, data=model_data(enterprise_a))


def test_negative_results_and_foreign_sites_are_refused(
    agency_reporter, enterprise_a, enterprise_b
):
    site_b = make_site(enterprise_b)
    problems, _flags = services.scp_model_problems(
        model_data(enterprise_a, water_saved_m3=Decimal("-1"), site=site_b)
    )
    assert set(problems) == {"water_saved_m3", "site"}


def test_only_the_coordinator_reviews(
    coordinator, agency_reporter, enterprise_a_user, enterprise_a
):
    model = services.scp_model_create(
        actor=enterprise_a_user, data=model_data(enterprise_a, water_saved_m3=Decimal("100"))
    )
    for user in (agency_reporter, enterprise_a_user):
        with pytest.raises(PermissionDenied):
            services.scp_model_review(
                actor=user, model=model, state=SCPModel.State.VERIFIED, note=""
            )
    with pytest.raises(ValidationError) as exc:
        services.scp_model_review(
            actor=coordinator, model=model, state=SCPModel.State.REJECTED, note=" "
        )
    assert "note" in exc.value.message_dict
    model = services.scp_model_review(
        actor=coordinator, model=model, state=SCPModel.State.VERIFIED, note="Đã kiểm tra"
    )
    assert model.state == SCPModel.State.VERIFIED
    assert model.reviewed_by == coordinator
    assert AuditEvent.objects.filter(action="scp_model.review", target_id=str(model.pk)).exists()


def test_a_verified_model_changed_by_the_enterprise_is_reviewed_again(
    coordinator, enterprise_a_user, enterprise_a
):
    model = services.scp_model_create(actor=enterprise_a_user, data=model_data(enterprise_a))
    services.scp_model_review(
        actor=coordinator, model=model, state=SCPModel.State.VERIFIED, note=""
    )
    model = services.scp_model_update(
        actor=enterprise_a_user,
        model=model,
        data=model_data(enterprise_a, waste_reduced_t=Decimal("12")),
    )
    assert model.state == SCPModel.State.PROPOSED
