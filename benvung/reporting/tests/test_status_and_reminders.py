"""Who has (not) reported, reminders before and after the deadline, the daily scheduler."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from benvung.core import schedule
from benvung.core.models import ScheduledRun
from benvung.reporting import reminders, selectors, services
from benvung.reporting.models import Reminder, ReportingCycle
from benvung.reporting.tests.conftest import at

pytestmark = pytest.mark.django_db


def _cycle(**overrides):
    cycle = ReportingCycle(
        report_deadline=dt.date(2025, 12, 1), reminder_days=[14, 7, 1], overdue_reminder_days=[1, 7]
    )
    for key, value in overrides.items():
        setattr(cycle, key, value)
    return cycle


@pytest.mark.parametrize(
    ("today", "kind", "superseded"),
    [
        ("2025-11-10", None, ()),
        ("2025-11-17", "before-14", ()),
        ("2025-11-20", "before-14", ()),
        ("2025-11-24", "before-7", ("before-14",)),
        ("2025-11-30", "before-1", ("before-7", "before-14")),
        ("2025-12-01", "before-1", ("before-7", "before-14")),
        ("2025-12-02", "after-1", ("before-14", "before-7", "before-1")),
        ("2025-12-09", "after-7", ("after-1", "before-14", "before-7", "before-1")),
    ],
)
def test_the_reminder_due_on_a_day(today, kind, superseded):
    due = reminders.due_today(_cycle(), dt.date.fromisoformat(today))
    assert (due.kind if due else None) == kind
    if due:
        assert set(due.superseded) == set(superseded)


def test_reminders_go_to_agencies_that_owe_and_never_twice(
    cycle_2025, agency_reporter, django_capture_on_commit_callbacks
):
    # 14 days before the deadline, 30 November.
    with at("2025-11-16", hour=8), django_capture_on_commit_callbacks(execute=True):
        owing = selectors.cycle_status(cycle_2025).owing
        reachable = [r.agency for r in owing if reminders.recipients_of(r.agency)]
        sent = reminders.send_due()
        assert sent == len(reachable) >= 1
        again = reminders.send_due()
    assert again == 0
    mine = [m for m in mail.outbox if agency_reporter.email in m.to]
    assert len(mine) == 1
    assert "30/11/2025" in mine[0].subject and "14 ngày" in mine[0].body
    assert Reminder.objects.filter(kind="before-14@2025-11-30").count() == sent
    # An agency nobody can be written to gets no record, so it is reminded once someone is.
    assert len(reachable) < len(owing)
    assert Reminder.objects.count() == sent


def test_an_agency_that_submitted_gets_no_more_reminders(
    cycle_2025, agency_reporter, django_capture_on_commit_callbacks
):
    from benvung.reporting.models import TaskReport

    with at("2025-11-12"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        entries = [
            services.TaskEntry(tr.pk, {"narrative": "Xong.", "status": "done"})
            for tr in report.task_reports.all()
        ]
        report = services.report_save(
            actor=agency_reporter, report=report, version=report.version, fields={}, entries=entries
        )
        services.report_submit(actor=agency_reporter, report=report, version=report.version)
    assert TaskReport.objects.filter(report=report).count()
    with at("2025-11-24", hour=9), django_capture_on_commit_callbacks(execute=True):
        reminders.send_due()
    assert not Reminder.objects.filter(agency=agency_reporter.organisation).exists()
    assert all(agency_reporter.email not in m.to for m in mail.outbox)


def test_overdue_reminders_after_the_deadline(
    cycle_2025, agency_reporter, django_capture_on_commit_callbacks
):
    with at("2025-12-02", hour=9), django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_due()
    assert sent > 0
    assert Reminder.objects.filter(kind="after-1@2025-11-30", skipped=False).count() == sent
    # The before-reminders never sent are recorded as superseded, never sent later.
    assert Reminder.objects.filter(kind="before-14@2025-11-30", skipped=True).count() == sent
    assert any("quá hạn" in m.subject.lower() for m in mail.outbox)


def test_status_counts_and_on_time_rate(cycle_2025, agency_reporter):
    with at("2025-11-20"):
        status = selectors.cycle_status(cycle_2025)
        assert status.counts["not_started"] == status.expected
        assert status.on_time_rate == 0
    with at("2025-12-05"):
        status = selectors.cycle_status(cycle_2025)
        assert status.counts["missing"] == status.expected
        assert len(status.owing) == status.expected


def test_cycle_status_command_json(cycle_2025):
    out = StringIO()
    with at("2025-12-05"):
        call_command(
            "cycle_status", "--plan", "202/KH-UBND", "--year", "2025", "--json", stdout=out
        )
    data = json.loads(out.getvalue())
    assert data["year"] == 2025 and data["report_deadline"] == "2025-11-30"
    assert data["counts"]["missing"] == data["expected"] > 0
    assert len(data["owing"]) == data["expected"]
    assert data["on_time_rate"] == 0


def test_the_scheduler_enqueues_each_job_once_a_day(
    cycle_2025, agency_reporter, django_capture_on_commit_callbacks
):
    with at("2025-11-17", hour=1):
        assert schedule.run_due() == []  # before 02:00
    with at("2025-11-17", hour=7):
        # The nightly recomputation of figures left stale (none here: nothing to do).
        assert schedule.run_due() == ["indicators.stale"]
    with at("2025-11-17", hour=8), django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_due() == ["reporting.reminders"]
        assert schedule.run_due() == []
    assert ScheduledRun.objects.filter(day=dt.date(2025, 11, 17)).count() == 2
    assert Reminder.objects.filter(
        kind__startswith="before-14"
    ).exists()  # the task ran (immediate backend)


def test_a_cycle_is_run_from_the_shell_as_a_coordinator(plan, coordinator, agency_reporter):
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("cycle", "create", "--year", "2027", "--as", coordinator.email, stdout=out)
    call_command("cycle", "open", "--year", "2027", "--as", coordinator.email, stdout=out)
    assert ReportingCycle.objects.get(year=2027).state == "open"
    with pytest.raises(CommandError):  # an agency reporter may not close it
        call_command("cycle", "close", "--year", "2027", "--as", agency_reporter.email)
    call_command("cycle", "close", "--year", "2027", "--as", coordinator.email, stdout=out)
    assert ReportingCycle.objects.get(year=2027).state == "closed"
