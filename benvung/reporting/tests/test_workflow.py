"""draft → submitted → returned (comment) → submitted → accepted; reopen; closed cycles."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.core.models import AuditEvent
from benvung.directory.models import Agency
from benvung.reporting import selectors, services
from benvung.reporting.models import AgencyReport, TaskReport
from benvung.reporting.tests.conftest import at

pytestmark = pytest.mark.django_db


def _fill(report, actor):
    entries = [
        services.TaskEntry(
            tr.pk,
            {
                "status": TaskReport.Status.IN_PROGRESS,
                "narrative": f"Đã triển khai nhiệm vụ {tr.task.code}.",
                "events_held": 2,
                "budget_vnd": {"provincial_budget": 15_000_000},
            },
        )
        for tr in report.task_reports.all()
    ]
    return services.report_save(
        actor=actor,
        report=report,
        version=report.version,
        fields={"summary": "Tổng quát."},
        entries=entries,
    )


def test_the_whole_workflow_is_audited(cycle_2025, agency_reporter, coordinator):
    agency = agency_reporter.organisation
    with at("2025-11-10"):
        report = services.report_start(actor=agency_reporter, cycle=cycle_2025, agency=agency)
        assert report.state == "draft"
        assert report.task_reports.count() == len(selectors.tasks_for(cycle_2025, agency)) > 0
        report = _fill(report, agency_reporter)
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
    assert report.state == "submitted" and report.was_on_time
    with at("2025-11-12"):
        with pytest.raises(ValidationError) as excinfo:
            services.report_return(actor=coordinator, report=report, comment="  ")
        assert "comment" in excinfo.value.message_dict
        report = services.report_return(
            actor=coordinator, report=report, comment="Bổ sung số liệu."
        )
    assert report.state == "returned"
    with at("2025-11-20"):
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
        report = services.report_accept(actor=coordinator, report=report)
    assert report.state == "accepted"
    actions = list(
        AuditEvent.objects.filter(target_id=str(report.pk), action__startswith="report.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "report.start",
        "report.update",
        "report.submit",
        "report.returned",
        "report.submit",
        "report.accepted",
    ]
    assert [t.to_state for t in report.transitions.all()] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_an_accepted_report_is_locked_until_a_coordinator_reopens_it(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        report = _fill(report, agency_reporter)
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
        report = services.report_accept(actor=coordinator, report=report)
        with pytest.raises(ValidationError):
            services.report_save(
                actor=agency_reporter,
                report=report,
                version=report.version,
                fields={"summary": "sửa"},
            )
        with pytest.raises(ValidationError):
            services.report_reopen(actor=coordinator, report=report, reason="")
        report = services.report_reopen(actor=coordinator, report=report, reason="Sai số liệu.")
        report = services.report_save(
            actor=agency_reporter,
            report=report,
            version=report.version,
            fields={"summary": "Đã sửa."},
        )
    assert report.summary == "Đã sửa." and report.state == "returned"


def test_a_report_cannot_be_submitted_without_results(cycle_2025, agency_reporter):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        with pytest.raises(ValidationError) as excinfo:
            services.report_submit(actor=agency_reporter, report=report, version=report.version)
    assert "Mô tả kết quả" in excinfo.value.messages[0]
    report.refresh_from_db()
    assert report.state == "draft"


def test_a_submission_after_the_deadline_is_late(cycle_2025, agency_reporter):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        report = _fill(report, agency_reporter)
    with at("2025-11-30", hour=23):  # the deadline day itself is still on time
        assert selectors.status_of(report, cycle_2025, _now()) == "draft"
    with at("2025-12-01", hour=8):  # "trước ngày 01/12": 1 December is late
        assert selectors.status_of(report, cycle_2025, _now()) == "missing"
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
        assert selectors.status_of(report, cycle_2025, _now()) == "submitted_late"
    assert report.was_on_time is False


def test_a_report_on_30_november_is_on_time_and_one_on_1_december_is_late(
    cycle_2025, agency_reporter, coordinator
):
    # Plan 202, VI.1.c: reports "trước ngày 01/12" (before 1 December).
    assert cycle_2025.report_deadline == dt.date(2025, 11, 30)
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        report = _fill(report, agency_reporter)
    with at("2025-11-30", hour=23):
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
    assert report.was_on_time is True
    assert selectors.status_of(report, cycle_2025, _now()) == "submitted_on_time"
    other = Agency.objects.create(name="Sở Tài chính (thử)", agency_type="department")
    late = AgencyReport.objects.create(
        cycle=cycle_2025,
        agency=other,
        state=AgencyReport.State.SUBMITTED,
        first_submitted_at=dt.datetime(2025, 12, 1, 0, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    assert late.was_on_time is False


def _now():
    from django.utils import timezone

    return timezone.now()


def test_a_closed_cycle_refuses_submissions_unless_the_report_is_reopened(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        report = _fill(report, agency_reporter)
    with at("2026-01-10"):
        services.cycle_set_state(actor=coordinator, cycle=cycle_2025, state="closed")
        report.refresh_from_db()
        with pytest.raises(ValidationError) as excinfo:
            services.report_submit(actor=agency_reporter, report=report, version=report.version)
        assert "đã đóng" in excinfo.value.messages[0]
        services.report_reopen(actor=coordinator, report=report, reason="Nhận báo cáo muộn.")
        report.refresh_from_db()
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
    assert report.state == "submitted"


def test_another_agency_cannot_write_this_report(cycle_2025, agency_reporter, enterprise_a_user):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        with pytest.raises(PermissionDenied):
            services.report_save(
                actor=enterprise_a_user,
                report=report,
                version=report.version,
                fields={"summary": "x"},
            )
        with pytest.raises(PermissionDenied):
            services.report_start(
                actor=enterprise_a_user, cycle=cycle_2025, agency=agency_reporter.organisation
            )


def test_two_people_saving_the_same_report_do_not_overwrite_each_other(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        opened_version = report.version
        services.report_save(
            actor=coordinator,
            report=report,
            version=opened_version,
            fields={"summary": "Bản của điều phối viên."},
        )
        with pytest.raises(services.StaleVersion) as excinfo:
            services.report_save(
                actor=agency_reporter,
                report=report,
                version=opened_version,
                fields={"summary": "Bản của cơ quan."},
            )
    assert "sau khi bạn mở" in excinfo.value.messages[0]
    assert AgencyReport.objects.get(pk=report.pk).summary == "Bản của điều phối viên."
