"""Importing a workbook through the pages: upload, background reading, preview, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benvung.conftest import client_for, make_enterprise, make_site, make_user
from benvung.core import tableimport
from benvung.core.models import TableImportJob
from benvung.resources import excel
from benvung.resources.imports import KIND
from benvung.resources.models import SiteYear
from benvung.resources.tests.test_excel import (
    YEAR,
    brewery_rows,
    put,
    template,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brewery():
    enterprise = make_enterprise("Công ty Bia Demo", "031234567", sector_code="1103")
    return make_site(enterprise, "Nhà máy bia Demo")


@pytest.fixture
def owner(brewery):
    return make_user(brewery.enterprise, "enterprise_user", "bia-demo@test.example")


def _upload(client, data, name="so-lieu.xlsx", year=YEAR):
    return client.post(
        reverse("imports:new", args=[KIND]), {"file": SimpleUploadedFile(name, data), "year": year}
    )


def _page(client):
    job = TableImportJob.objects.latest("created_at")
    return client.get(reverse("imports:detail", args=[job.token])).content.decode()


def test_a_good_file_is_read_previewed_and_saved_only_when_confirmed(
    brewery, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    workbook = template()
    brewery_rows(workbook, brewery)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, xlsx(workbook))
    body = _page(client)
    job = TableImportJob.objects.get()
    assert job.state == "preview" and job.preview["problem_count"] == 0
    assert "Nhà máy bia Demo" in body and "Lưu số liệu" in body
    assert not SiteYear.objects.filter(site=brewery).exists()  # nothing saved yet
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:action", args=[job.token, "save"]))
    job.refresh_from_db()
    assert job.state == "saved"
    site_year = SiteYear.objects.get(site=brewery, year=YEAR)
    assert site_year.outputs.count() == 1 and site_year.energy.count() == 2


def test_problems_are_listed_by_sheet_row_and_column_and_block_saving(
    brewery, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    workbook = template()
    brewery_rows(workbook, brewery)
    row = put(workbook, excel.ENERGY, brewery, carrier="Điện lưới", quantity="nhiều", unit="kWh")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, xlsx(workbook))
    body = _page(client)
    assert "Năng lượng" in body and f'<td class="num">{row}</td>' in body
    assert "Lưu số liệu</button>" not in body
    job = TableImportJob.objects.get()
    response = client.post(reverse("imports:action", args=[job.token, "save"]), follow=True)
    assert "Tệp có lỗi" in response.content.decode() or job.state == "preview"
    assert not SiteYear.objects.exists()


def test_a_file_that_is_not_a_workbook_or_too_large_is_refused_clearly(
    brewery, owner, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, b"MZ\x90\x00 not a workbook")
    assert ".xlsx" in _page(client) and not SiteYear.objects.exists()
    monkeypatch.setattr("benvung.core.xlsx.MAX_BYTES", 100)
    body = _upload(client, b"x" * 200).content.decode()
    assert "MB" in body and TableImportJob.objects.count() == 1  # the big one was not even stored


def test_another_user_cannot_see_or_confirm_an_import(
    brewery, owner, enterprise_b_user, django_capture_on_commit_callbacks
):
    workbook = template()
    brewery_rows(workbook, brewery)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(owner), xlsx(workbook))
    job = TableImportJob.objects.get()
    other = client_for(enterprise_b_user)
    assert other.get(reverse("imports:detail", args=[job.token])).status_code == 404
    assert other.post(reverse("imports:action", args=[job.token, "save"])).status_code == 404
    job.refresh_from_db()
    assert job.state == "preview" and not SiteYear.objects.exists()


def test_the_template_downloads_for_signed_in_users(owner):
    response = client_for(owner).get(reverse("imports:template", args=[KIND]) + "?year=2025")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_reading_reports_its_progress_sheet_by_sheet(brewery, owner, monkeypatch):
    seen = []
    original = tableimport._reporter

    def spy(job, start, end):
        report = original(job, start, end)

        def record(fraction):
            report(fraction)
            seen.append(TableImportJob.objects.get(pk=job.pk).progress)

        return record

    monkeypatch.setattr(tableimport, "_reporter", spy)
    workbook = template()
    brewery_rows(workbook, brewery)
    job = tableimport.job_start(
        actor=owner,
        kind=KIND,
        upload=SimpleUploadedFile("a.xlsx", xlsx(workbook)),
        options={"year": YEAR},
    )
    tableimport.job_read(job)
    # One step per sheet between 10 % and 95 %, then 100 % when the preview is ready.
    assert seen == sorted(seen) and len(seen) == 4 and seen[0] > 10 and seen[-1] == 95
    job.refresh_from_db()
    assert job.progress == 100 and job.state == "preview"


def test_the_old_addresses_of_the_consumption_import_lead_to_the_shared_pages(
    brewery, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    response = client.get("/resources/template.xlsx?year=2025")
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:template", args=[KIND]) + "?year=2025"
    response = client.get("/resources/import/")
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:new", args=[KIND]
    )
    workbook = template()
    brewery_rows(workbook, brewery)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, xlsx(workbook))
    job = TableImportJob.objects.get()
    response = client.get(f"/resources/import/{job.token}/")
    assert response["Location"] == reverse("imports:detail", args=[job.token])
    # A page opened before the move: its button still posts, and is kept a POST (307).
    response = client.post(f"/resources/import/{job.token}/cancel/")
    assert response.status_code == 307
    assert response["Location"] == reverse("imports:action", args=[job.token, "cancel"])


def test_cancelling_a_consumption_import_saves_nothing_and_is_audited(
    brewery, owner, django_capture_on_commit_callbacks
):
    from benvung.core.models import AuditEvent

    client = client_for(owner)
    workbook = template()
    brewery_rows(workbook, brewery)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, xlsx(workbook))
    job = TableImportJob.objects.get()
    body = client.post(reverse("imports:action", args=[job.token, "cancel"]), follow=True)
    assert "chưa lưu số liệu nào" in body.content.decode()
    job.refresh_from_db()
    assert job.state == "cancelled" and not SiteYear.objects.exists()
    assert AuditEvent.objects.filter(action="table_import.cancel", target_id=str(job.pk)).exists()
    response = client.post(reverse("imports:action", args=[job.token, "save"]), follow=True)
    assert not SiteYear.objects.exists() and "đã hủy" in response.content.decode()


def test_the_coordinator_oversees_every_consumption_import_and_an_agency_none(
    brewery, owner, coordinator, agency_reporter, django_capture_on_commit_callbacks
):
    workbook = template()
    brewery_rows(workbook, brewery)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(owner), xlsx(workbook))
    job = TableImportJob.objects.get()
    assert job.kind == KIND and job.options == {"year": YEAR}
    url = reverse("imports:detail", args=[job.token])
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(agency_reporter).get(url).status_code == 404
    assert client_for(agency_reporter).get(reverse("imports:new", args=[KIND])).status_code == 403
    assert list(tableimport.job_list(viewer=agency_reporter)) == []
    assert list(tableimport.job_list(viewer=coordinator, kind=KIND)) == [job]
