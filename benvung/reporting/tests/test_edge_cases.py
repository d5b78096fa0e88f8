"""The awkward moments of a reporting season: saves that cross, closed cycles, late entries,
deadlines that move, numbers too big, stray control characters, and who gets told what."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from benvung.conftest import client_for
from benvung.directory.models import Agency
from benvung.reporting import reminders, selectors, services
from benvung.reporting.models import AgencyReport, Reminder, Synthesis, TaskReport
from benvung.reporting.tests.conftest import at, report_post_data

pytestmark = pytest.mark.django_db


def _filled(cycle, reporter, day="2025-11-10"):
    with at(day):
        report = services.report_start(actor=reporter, cycle=cycle, agency=reporter.organisation)
        entries = [
            services.TaskEntry(tr.pk, {"status": "done", "narrative": "Đã hoàn thành."})
            for tr in report.task_reports.all()
        ]
        return services.report_save(
            actor=reporter, report=report, version=report.version, fields={}, entries=entries
        )


def _submitted(cycle, reporter, day="2025-11-10"):
    report = _filled(cycle, reporter, day)
    with at(day):
        return services.report_submit(actor=reporter, report=report, version=report.version)


def _version_in(body: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', body).group(1))


# --- Saves that cross -----------------------------------------------------------------------


def test_after_a_stale_save_the_next_save_replaces_the_stored_text(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-15"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        mine = report_post_data(report, "Bản của cơ quan")
        url = reverse("reporting:report_detail", args=[report.pk])
        client_for(coordinator).post(url, report_post_data(report, "Bản của điều phối viên"))
        response = client_for(agency_reporter).post(url, mine)
        body = response.content.decode()
        # The page shows the stored text beside the typed one, and carries the current version.
        assert "Báo cáo đang được lưu hiện nay" in body and "Bản của điều phối viên" in body
        report.refresh_from_db()
        assert _version_in(body) == report.version
        response = client_for(agency_reporter).post(
            url, {**mine, "version": _version_in(body)}, follow=True
        )
    assert "Đã lưu báo cáo." in response.content.decode()
    report.refresh_from_db()
    assert "Bản của cơ quan" in report.task_reports.first().narrative


def test_a_refused_submission_keeps_the_saved_text_and_the_new_version(cycle_2025, agency_reporter):
    with at("2025-11-15"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        data = report_post_data(report, "Nhiệm vụ đầu")
        blank = next(k for k in data if k.endswith("-narrative"))
        data[blank] = ""  # one task without results: the submission is refused
        url = reverse("reporting:report_detail", args=[report.pk])
        response = client_for(agency_reporter).post(url, {**data, "submit": "1"})
        body = response.content.decode()
        assert response.status_code == 200 and "Mô tả kết quả" in body
        report.refresh_from_db()
        assert report.state == "draft" and _version_in(body) == report.version
        # Filling the missing text and submitting again works without a "someone saved" error.
        data[blank] = "Bổ sung kết quả"
        response = client_for(agency_reporter).post(
            url, {**data, "version": _version_in(body), "submit": "1"}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def test_two_first_saves_of_a_consolidated_text_do_not_overwrite_each_other(
    cycle_2025, coordinator
):
    area = cycle_2025.plan.content_areas.get(number=1)
    services.synthesis_save(actor=coordinator, cycle=cycle_2025, area=area, text="A", version=None)
    with pytest.raises(services.StaleVersion) as excinfo:
        services.synthesis_save(
            actor=coordinator, cycle=cycle_2025, area=area, text="B", version=None
        )
    stored = Synthesis.objects.get(cycle=cycle_2025, content_area=area)
    assert stored.text == "A" and excinfo.value.current_version == stored.version


# --- Closed cycles, returns, late entries ---------------------------------------------------


def test_a_report_returned_after_the_close_can_be_revised_and_resubmitted(
    cycle_2025, agency_reporter, coordinator
):
    report = _submitted(cycle_2025, agency_reporter)
    with at("2025-12-10"):
        services.cycle_set_state(actor=coordinator, cycle=cycle_2025, state="closed")
        report = services.report_return(actor=coordinator, report=report, comment="Bổ sung.")
        assert report.reopened and services.report_is_editable(agency_reporter, report)
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
    assert report.state == "submitted" and not report.reopened
    assert not services.report_is_editable(agency_reporter, report)


def test_accepting_a_reopened_report_closes_the_door_again(
    cycle_2025, agency_reporter, coordinator
):
    report = _submitted(cycle_2025, agency_reporter)
    with at("2025-11-20"):
        report = services.report_accept(actor=coordinator, report=report)
        report = services.report_reopen(actor=coordinator, report=report, reason="Sửa số liệu.")
        assert report.reopened
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
        report = services.report_accept(actor=coordinator, report=report)
    assert report.state == "accepted" and not report.reopened


def test_after_the_close_only_a_coordinator_lets_a_late_report_in(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-12-10"):
        services.cycle_set_state(actor=coordinator, cycle=cycle_2025, state="closed")
        with pytest.raises(ValidationError, match="đã đóng"):
            services.report_start(
                actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
            )
        report = services.report_start(
            actor=coordinator, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        assert report.reopened and services.report_is_editable(agency_reporter, report)
    report = _submitted(cycle_2025, agency_reporter, day="2025-12-11")
    assert report.state == "submitted" and not report.was_on_time


def test_a_cycle_state_that_does_not_exist_is_refused_in_words(cycle_2025, coordinator):
    with pytest.raises(ValidationError, match="Chọn mở hoặc đóng kỳ báo cáo"):
        services.cycle_set_state(actor=coordinator, cycle=cycle_2025, state="archived")


def test_central_agencies_cooperate_but_are_not_expected_to_report(cycle_2025):
    expected = set(selectors.expected_reporters(cycle_2025))
    central = set(
        Agency.objects.filter(agency_type=Agency.AgencyType.CENTRAL).values_list("pk", flat=True)
    )
    assert central and not expected & central
    # The customs office is a co-agency of task III.3 all the same.
    task = cycle_2025.plan.task_groups.get(numeral="III").tasks.get(number=3)
    assert "Tổng cục Hải quan" in [
        a.agency.name for a in task.assignments.filter(agency__isnull=False)
    ]


# --- E-mails --------------------------------------------------------------------------------


def test_the_agency_is_told_when_its_report_is_returned_or_accepted(
    cycle_2025, agency_reporter, coordinator, django_capture_on_commit_callbacks
):
    report = _submitted(cycle_2025, agency_reporter)
    with at("2025-11-12"), django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(
            actor=coordinator, report=report, comment="Bổ sung kinh phí."
        )
    returned = [m for m in mail.outbox if agency_reporter.email in m.to]
    assert len(returned) == 1
    assert "được trả lại để chỉnh sửa" in returned[0].subject
    assert "Bổ sung kinh phí." in returned[0].body
    assert reverse("reporting:report_detail", args=[report.pk]) in returned[0].body
    with at("2025-11-13"), django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
        services.report_accept(actor=coordinator, report=report)
    accepted = [m for m in mail.outbox if agency_reporter.email in m.to][1:]
    assert [m.subject for m in accepted] == [
        "Báo cáo năm 2025 thực hiện Kế hoạch 202/KH-UBND đã được chấp nhận"
    ]


def test_a_returned_report_left_unrevised_gets_its_own_reminder(
    cycle_2025, agency_reporter, coordinator, django_capture_on_commit_callbacks
):
    report = _submitted(cycle_2025, agency_reporter, day="2025-11-05")
    with at("2025-11-06"):
        services.report_return(actor=coordinator, report=report, comment="Bổ sung.")
    mail.outbox.clear()
    with at("2025-11-24", hour=9), django_capture_on_commit_callbacks(execute=True):
        reminders.send_due()
    mine = [m for m in mail.outbox if agency_reporter.email in m.to]
    assert len(mine) == 1
    assert "đang chờ cơ quan chỉnh sửa" in mine[0].subject
    assert "trả lại để chỉnh sửa nhưng chưa được gửi lại" in mine[0].body
    assert Reminder.objects.filter(
        agency=agency_reporter.organisation, kind="returned-before-7@2025-11-30"
    ).exists()


def test_moving_the_deadline_starts_the_reminders_afresh(
    cycle_2025, agency_reporter, coordinator, django_capture_on_commit_callbacks
):
    with at("2025-11-17", hour=9), django_capture_on_commit_callbacks(execute=True):
        reminders.send_due()
    with at("2025-11-20"):
        services.cycle_update(
            actor=coordinator, cycle=cycle_2025, fields={"report_deadline": dt.date(2025, 12, 10)}
        )
    mail.outbox.clear()
    with at("2025-12-01", hour=9), django_capture_on_commit_callbacks(execute=True):
        reminders.send_due()
    mine = [m for m in mail.outbox if agency_reporter.email in m.to]
    assert len(mine) == 1 and "10/12/2025" in mine[0].subject
    kinds = set(
        Reminder.objects.filter(agency=agency_reporter.organisation).values_list("kind", flat=True)
    )
    assert {"before-14@2025-11-30", "before-14@2025-12-10"} <= kinds


# --- Numbers and characters -----------------------------------------------------------------


def test_a_count_too_big_for_the_database_is_a_form_error_not_a_crash(cycle_2025, agency_reporter):
    with at("2025-11-15"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        data = report_post_data(report)
        field = next(k for k in data if k.endswith("-participants"))
        data[field] = "99999999999"
        response = client_for(agency_reporter).post(
            reverse("reporting:report_detail", args=[report.pk]), data
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Số lượt người tham gia" in body and "Nhập số không lớn hơn 2.147.483.647." in body
    assert not TaskReport.objects.filter(report=report, participants__isnull=False).exists()


def test_control_characters_pasted_from_elsewhere_are_dropped(
    cycle_2025, agency_reporter, coordinator
):
    report = _filled(cycle_2025, agency_reporter)
    with at("2025-11-11"):
        report = services.report_save(
            actor=agency_reporter,
            report=report,
            version=report.version,
            fields={"summary": "Dòng một\x0b\x01\nDòng hai\tcột"},
        )
    assert report.summary == "Dòng một\nDòng hai\tcột"
    # Text already stored with such characters (an import, an older version) still exports.
    TaskReport.objects.filter(report=report).update(narrative="Kết quả\x1b[0m tốt")
    with at("2025-11-12"):
        services.report_submit(actor=agency_reporter, report=report, version=report.version)
        services.report_accept(actor=coordinator, report=AgencyReport.objects.get(pk=report.pk))
    response = client_for(coordinator).get(
        reverse("reporting:task_table_xlsx", args=[cycle_2025.pk])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Kết quả[0m tốt" in t for t in texts)


def test_the_board_of_a_closed_cycle_offers_to_let_a_late_report_in(
    cycle_2025, agency_reporter, coordinator
):
    client = client_for(coordinator)
    with at("2025-12-10"):
        services.cycle_set_state(actor=coordinator, cycle=cycle_2025, state="closed")
        board = client.get(reverse("reporting:cycle_detail", args=[cycle_2025.pk]))
        assert "Cho phép nộp muộn" in board.content.decode()
        response = client.post(
            reverse(
                "reporting:report_start_for",
                args=[cycle_2025.pk, agency_reporter.organisation.pk],
            )
        )
    report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
    assert response["Location"] == reverse("reporting:report_detail", args=[report.pk])
    assert report.reopened
