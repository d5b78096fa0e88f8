"""Reporting cycles: defaults from the plan, who is expected, states."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.core.models import AuditEvent
from benvung.directory.models import Agency
from benvung.reporting import selectors, services
from benvung.reporting.models import ReportingCycle

pytestmark = pytest.mark.django_db


def test_a_new_cycle_takes_the_plans_deadline_and_the_calendar_year(plan, coordinator):
    cycle = services.cycle_create(actor=coordinator, plan=plan, year=2024)
    # Plan 202, section VI.1.c: reports "trước ngày 01/12 hàng năm" (before 1 December): the
    # last day on time is 30 November.
    assert cycle.report_deadline == dt.date(2024, 11, 30)
    assert (cycle.data_start, cycle.data_end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert cycle.synthesis_deadline == dt.date(2024, 12, 14)
    assert cycle.state == ReportingCycle.State.DRAFT
    assert cycle.reminder_days == [14, 7, 1]
    assert AuditEvent.objects.filter(action="cycle.create", target_id=str(cycle.pk)).exists()


def test_the_window_and_deadlines_are_settings_of_the_cycle(plan, coordinator):
    cycle = services.cycle_create(
        actor=coordinator,
        plan=plan,
        year=2024,
        fields={"data_start": dt.date(2023, 12, 15), "data_end": dt.date(2024, 12, 14)},
    )
    assert cycle.data_start == dt.date(2023, 12, 15)  # Decree 09/2019's window


@pytest.mark.parametrize(
    ("year", "fields", "field"),
    [
        (2031, {}, "year"),
        (2024, {"data_start": dt.date(2024, 6, 1), "data_end": dt.date(2024, 1, 1)}, "data_end"),
        (2024, {"synthesis_deadline": dt.date(2024, 11, 1)}, "synthesis_deadline"),
    ],
)
def test_bad_cycle_settings_are_refused_naming_the_field(plan, coordinator, year, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_create(actor=coordinator, plan=plan, year=year, fields=fields)
    assert field in excinfo.value.message_dict
    assert not ReportingCycle.objects.filter(year=year).exists()


def test_one_cycle_per_plan_and_year(plan, coordinator):
    services.cycle_create(actor=coordinator, plan=plan, year=2024)
    with pytest.raises(ValidationError):
        services.cycle_create(actor=coordinator, plan=plan, year=2024)


def test_only_coordinators_manage_cycles(plan, agency_reporter):
    with pytest.raises(PermissionDenied):
        services.cycle_create(actor=agency_reporter, plan=plan, year=2024)


def test_expected_reporters_are_the_lead_and_co_agencies_of_the_years_tasks(plan, coordinator):
    cycle_2023 = services.cycle_create(actor=coordinator, plan=plan, year=2023)
    cycle_2026 = services.cycle_create(actor=coordinator, plan=plan, year=2026)
    expected_2023 = selectors.expected_reporters(cycle_2023)
    expected_2026 = selectors.expected_reporters(cycle_2026)
    sct = Agency.objects.get(key="sct").pk
    codes_2023 = {t.code for t in expected_2023[sct]}
    codes_2026 = {t.code for t in expected_2026[sct]}
    # II.1 runs 2022-2025 and II.2 2026-2030; X.1 starts in 2025.
    assert "II.1" in codes_2023 and "II.2" not in codes_2023 and "X.1" not in codes_2023
    assert "II.2" in codes_2026 and "II.1" not in codes_2026 and "X.1" in codes_2026
    # In 2023 the district committees report; after 2025 the communes that replaced them.
    kinds_2023 = {Agency.objects.get(pk=pk).agency_type for pk in expected_2023}
    kinds_2026 = {Agency.objects.get(pk=pk).agency_type for pk in expected_2026}
    assert "district_committee" in kinds_2023 and "commune_committee" not in kinds_2023
    assert "commune_committee" in kinds_2026 and "district_committee" not in kinds_2026
    # Planning and Investment reports for 2023; Finance answers for its tasks in 2026.
    assert Agency.objects.get(key="skhdt").pk in expected_2023
    assert Agency.objects.get(key="skhdt").pk not in expected_2026
    finance = {t.code for t in expected_2026[Agency.objects.get(key="stc").pk]}
    assert "VI.1" in finance


def test_opening_and_closing_a_cycle(plan, coordinator):
    cycle = services.cycle_create(actor=coordinator, plan=plan, year=2024)
    services.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    assert cycle.is_open and cycle.opened_at
    services.cycle_set_state(actor=coordinator, cycle=cycle, state="closed")
    assert cycle.state == "closed" and cycle.closed_at
    with pytest.raises(ValidationError):
        services.cycle_set_state(actor=coordinator, cycle=cycle, state="draft")
    assert AuditEvent.objects.filter(action="cycle.closed").exists()
