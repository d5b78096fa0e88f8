"""The agency's yearly report lists what the agency recorded for that year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from benvung.conftest import client_for, make_user
from benvung.directory.models import Agency
from benvung.outreach import selectors, services
from benvung.plans.models import Plan
from benvung.reporting import services as reporting_services
from benvung.reporting.models import AgencyReport
from benvung.reporting.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_2025(coordinator):
    plan = Plan.objects.get(number="202/KH-UBND")
    with at("2025-09-01"):
        cycle = reporting_services.cycle_create(actor=coordinator, plan=plan, year=2025)
        reporting_services.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    return cycle


def record(user, title, start):
    agency = user.organisation
    services.activity_create(
        actor=user,
        data=services.ActivityData(
            organiser=agency, kind="conference", title=title, start_date=start
        ),
    )


def test_the_report_lists_the_agencys_records_of_the_year(
    cycle_2025, agency_reporter, enterprise_a, coordinator
):
    other = make_user(
        Agency.objects.exclude(key__in=["sct", "snnmt"]).first(),
        "agency_reporter",
        "khac@test.example",
    )
    record(agency_reporter, "Hội nghị năm nay", dt.date(2025, 10, 2))
    record(agency_reporter, "Hội nghị năm trước", dt.date(2024, 10, 2))
    record(other, "Hội nghị của sở khác", dt.date(2025, 10, 2))
    services.scp_model_create(
        actor=agency_reporter,
        data=services.SCPModelData(
            organisation=enterprise_a,
            kind="eco_design",
            title="Bao bì sinh thái",
            year=2025,
            materials_saved_t=Decimal("3.5"),
        ),
    )
    agency = agency_reporter.organisation
    assert [a.title for a in selectors.activities_recorded_by(organisation=agency, year=2025)] == [
        "Hội nghị năm nay"
    ]
    with at("2025-10-05"):
        client = client_for(agency_reporter)
        client.post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency)
        html = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
        assert "Hội nghị năm nay" in html
        assert "Bao bì sinh thái" in html
        assert "Hội nghị năm trước" not in html
        assert "Hội nghị của sở khác" not in html
        # The coordinator sees the same list on the agency's report.
        html = (
            client_for(coordinator)
            .get(reverse("reporting:report_detail", args=[report.pk]))
            .content.decode()
        )
        assert "Hội nghị năm nay" in html
