"""Attachments: PDF, DOCX, XLSX, images; judged by content; size-limited; the report is kept."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from benvung.conftest import client_for
from benvung.core import uploads
from benvung.reporting import services
from benvung.reporting.tests.conftest import at, report_post_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("bao-cao.pdf", PDF, "pdf"),
        ("anh.PNG", PNG, "png"),
        ("so-lieu.xlsx", None, "xlsx"),
        ("van-ban.docx", None, "docx"),
    ],
)
def test_real_files_are_recognised(name, data, kind):
    data = data or (_xlsx() if kind == "xlsx" else _docx())
    assert uploads.judge(name, data).kind == kind
    assert uploads.judge(name, data).acceptable


@pytest.mark.parametrize(
    ("name", "data"),
    [("bao-cao.pdf", EXE), ("so-lieu.xlsx", None), ("bao-cao.pdf", PNG), ("virus.exe", EXE)],
)
def test_disguised_or_foreign_files_are_not_acceptable(name, data):
    data = data if data is not None else _docx()  # a Word file renamed .xlsx
    assert not uploads.judge(name, data).acceptable


@pytest.fixture
def report(cycle_2025, agency_reporter):
    with at("2025-11-10"):
        report = services.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
        return services.report_save(
            actor=agency_reporter,
            report=report,
            version=report.version,
            fields={"summary": "Nội dung đã nhập."},
        )


def test_a_disguised_file_is_refused_and_the_report_is_kept(report, agency_reporter):
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(
            actor=agency_reporter, report=report, filename="bao-cao.pdf", data=EXE
        )
    assert "không thực sự là tệp PDF" in excinfo.value.messages[0]
    report.refresh_from_db()
    assert report.summary == "Nội dung đã nhập." and not report.attachments.exists()


def test_an_oversized_file_is_refused_without_reading_it(report, agency_reporter, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 1024)
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(
            actor=agency_reporter, report=report, filename="lon.pdf", data=b"", size=5 * 1024 * 1024
        )
    assert "tối đa" in excinfo.value.messages[0]


def test_an_attachment_is_stored_with_its_hash_and_downloaded_by_its_agency_only(
    report, agency_reporter, enterprise_a_user, coordinator
):
    attachment = services.attachment_add(
        actor=agency_reporter, report=report, filename="bao-cao.pdf", data=PDF
    )
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    url = reverse("reporting:attachment_download", args=[attachment.pk])
    response = client_for(agency_reporter).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(enterprise_a_user).get(url).status_code == 404


def test_uploading_through_the_page_refuses_a_fake_and_keeps_the_text(report, agency_reporter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(agency_reporter)
    data = report_post_data(report, "Kết quả vừa gõ")
    with at("2025-11-12"):
        response = client.post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**data, "attach": "1", "file": SimpleUploadedFile("bao-cao.pdf", EXE)},
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "không thực sự là tệp PDF" in body
    assert "Kết quả vừa gõ" in body  # the text is in the form, and it was saved too
    report.refresh_from_db()
    assert "Kết quả vừa gõ" in report.task_reports.first().narrative
    assert not report.attachments.exists()


def test_attaching_through_the_page_saves_the_text_and_the_file(report, agency_reporter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(agency_reporter)
    with at("2025-11-12"):
        response = client.post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report), "attach": "1", "file": SimpleUploadedFile("bc.pdf", PDF)},
            follow=True,
        )
    assert "bc.pdf" in response.content.decode()
    report.refresh_from_db()
    assert [a.original_name for a in report.attachments.all()] == ["bc.pdf"]
    assert report.summary == "Đánh giá chung."


def test_pressing_attach_without_a_file_says_so_and_saving_needs_no_file(report, agency_reporter):
    client = client_for(agency_reporter)
    url = reverse("reporting:report_detail", args=[report.pk])
    with at("2025-11-12"):
        page = client.get(url).content.decode()
        assert "tối đa 10 MB" in page
        response = client.post(url, {**report_post_data(report), "attach": "1"})
        assert "Chọn tệp cần đính kèm." in response.content.decode()
        report.refresh_from_db()
        response = client.post(url, {**report_post_data(report), "save": "1"})
    assert response.status_code == 302
