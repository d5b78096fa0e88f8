"""The cycle through the web pages, as an agency reporter and a coordinator would run it."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from benvung.conftest import client_for
from benvung.reporting.models import AgencyReport, Synthesis
from benvung.reporting.tests.conftest import at, report_post_data

pytestmark = pytest.mark.django_db


def test_an_agency_reports_and_the_coordinator_accepts_through_the_pages(
    cycle_2025, agency_reporter, coordinator
):
    agency_client = client_for(agency_reporter)
    with at("2025-11-15"):
        page = agency_client.get(reverse("reporting:my_report", args=[cycle_2025.pk]))
        assert "Bắt đầu lập báo cáo" in page.content.decode()
        response = agency_client.post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        assert response["Location"] == reverse("reporting:report_detail", args=[report.pk])
        response = agency_client.post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report), "submit": "1"},
            follow=True,
        )
        assert "Đã gửi báo cáo đến Sở Công Thương." in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"
    tr = report.task_reports.first()
    assert tr.events_held == 2 and tr.budget_vnd == {"provincial_budget": 20000000}

    coordinator_client = client_for(coordinator)
    with at("2025-11-20"):
        board = coordinator_client.get(reverse("reporting:cycle_detail", args=[cycle_2025.pk]))
        assert "nộp đúng hạn" in board.content.decode()
        coordinator_client.post(reverse("reporting:report_review", args=[report.pk, "accept"]))
    report.refresh_from_db()
    assert report.state == "accepted"


def test_a_stale_save_through_the_page_keeps_the_typed_text(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-15"):
        client_for(agency_reporter).post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        stale = report_post_data(report, "Văn bản của cơ quan")
        client_for(coordinator).post(
            reverse("reporting:report_detail", args=[report.pk]),
            report_post_data(report, "Văn bản của điều phối viên"),
        )
        response = client_for(agency_reporter).post(
            reverse("reporting:report_detail", args=[report.pk]), stale
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "sau khi bạn mở" in body and "error-summary" in body
    assert "Văn bản của cơ quan" in body  # the typed text is still in the form
    report.refresh_from_db()
    assert "Văn bản của điều phối viên" in report.task_reports.first().narrative


def test_a_returned_report_needs_a_comment_and_shows_it(cycle_2025, agency_reporter, coordinator):
    with at("2025-11-15"):
        client_for(agency_reporter).post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        client_for(agency_reporter).post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report), "submit": "1"},
        )
        coordinator_client = client_for(coordinator)
        response = coordinator_client.post(
            reverse("reporting:report_review", args=[report.pk, "return"]),
            {"comment": ""},
            follow=True,
        )
        assert "Nêu nội dung cần chỉnh sửa." in response.content.decode()
        coordinator_client.post(
            reverse("reporting:report_review", args=[report.pk, "return"]),
            {"comment": "Bổ sung kinh phí đã chi."},
        )
        page = client_for(agency_reporter).get(reverse("reporting:report_detail", args=[report.pk]))
    assert "Bổ sung kinh phí đã chi." in page.content.decode()


def test_other_organisations_cannot_see_or_change_a_report(
    cycle_2025, agency_reporter, enterprise_a_user, retail_reporter
):
    with at("2025-11-15"):
        client_for(agency_reporter).post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        for user in (enterprise_a_user, retail_reporter):
            client = client_for(user)
            assert (
                client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 404
            )
            response = client.post(
                reverse("reporting:report_detail", args=[report.pk]),
                report_post_data(report, "Sửa trộm"),
            )
            assert response.status_code == 404
            for action in ("accept", "return", "reopen"):
                assert (
                    client.post(
                        reverse("reporting:report_review", args=[report.pk, action])
                    ).status_code
                    == 404
                )
            assert (
                client.get(reverse("reporting:consolidation", args=[cycle_2025.pk])).status_code
                == 403
            )
            assert (
                client.get(reverse("reporting:task_table_xlsx", args=[cycle_2025.pk])).status_code
                == 403
            )
    report.refresh_from_db()
    assert "Sửa trộm" not in report.task_reports.first().narrative


def test_an_agency_reporter_cannot_review_its_own_report(cycle_2025, agency_reporter):
    with at("2025-11-15"):
        client = client_for(agency_reporter)
        client.post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        client.post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report), "submit": "1"},
        )
        client.post(reverse("reporting:report_review", args=[report.pk, "accept"]))
    report.refresh_from_db()
    assert report.state == "submitted"
    assert client.get(reverse("reporting:cycle_detail", args=[cycle_2025.pk])).status_code == 302


def test_consolidation_shows_accepted_narratives_and_saves_the_text(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-15"):
        client_for(agency_reporter).post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        client_for(agency_reporter).post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report, "Tuyên truyền giảm túi nilon"), "submit": "1"},
        )
        coordinator_client = client_for(coordinator)
        coordinator_client.post(reverse("reporting:report_review", args=[report.pk, "accept"]))
        page = coordinator_client.get(
            reverse("reporting:consolidation_area", args=[cycle_2025.pk, 5])
        )
        assert "Tuyên truyền giảm túi nilon (III.1)" in page.content.decode()
        coordinator_client.post(
            reverse("reporting:consolidation_area", args=[cycle_2025.pk, 5]),
            {"text": "Năm 2025, các cơ quan đã tuyên truyền...", "version": ""},
        )
    assert Synthesis.objects.get(cycle=cycle_2025, content_area__number=5).text.startswith(
        "Năm 2025"
    )


def test_the_task_table_in_the_appendix_layout_with_the_years_results(
    cycle_2025, agency_reporter, coordinator
):
    with at("2025-11-15"):
        client_for(agency_reporter).post(reverse("reporting:my_report", args=[cycle_2025.pk]))
        report = AgencyReport.objects.get(cycle=cycle_2025, agency=agency_reporter.organisation)
        client_for(agency_reporter).post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report, "Kiểm tra 12 cơ sở"), "submit": "1"},
        )
        response = client_for(coordinator).get(
            reverse("reporting:task_table_xlsx", args=[cycle_2025.pk])
        )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[5]]
    assert header[:8] == [
        "STT",
        "Nội dung nhiệm vụ",
        "Mục tiêu",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Sản phẩm",
        "Thời gian thực hiện",
        "Nguồn lực thực hiện",
    ]
    assert header[8] == "Tình hình thực hiện năm 2025"
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    groups = [r for r in rows if isinstance(r[0], str)]
    tasks = [r for r in rows if isinstance(r[0], int)]
    assert len(groups) == 12 and len(tasks) == 28
    iii2 = next(r for r in rows if r[1] and r[1].startswith("Kiểm tra, nắm bắt công tác chống"))
    assert "Kiểm tra 12 cơ sở (III.2)" in iii2[9]
    vi1 = next(r for r in rows if r[1] and r[1].startswith("Xây dựng và tham mưu cho UBND"))
    assert "nay: Sở Tài chính" in vi1[3]


def test_anonymous_visitors_cannot_reach_reports(cycle_2025):
    response = Client().get(reverse("reporting:cycle_list"))
    assert response.status_code == 302
