"""The documents' pages: list, generation, progress, downloads, regeneration, annual texts;
and what another organisation cannot see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benvung.accounts.models import Role
from benvung.conftest import client_for, make_user
from benvung.directory.models import Agency
from benvung.reports import services
from benvung.reports.models import AnnualReportText, GeneratedDocument
from benvung.reports.tests.conftest import ISSUED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_on_commit")]
NO_PDF = ["docx", "xlsx"]


@pytest.fixture
def other_agency_user(db):
    return make_user(Agency.objects.get(key="skhcn"), Role.AGENCY_REPORTER, "khcn@test.example")


@pytest.fixture
def annual(coordinator, cycle_2025):
    return services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )


@pytest.fixture
def agency_document(agency_reporter, accepted_report):
    return services.document_generate(
        actor=agency_reporter,
        kind="agency",
        agency_report=accepted_report,
        issued_on=ISSUED,
        formats=NO_PDF,
    )


def test_the_coordinator_generates_the_annual_report_from_the_page(coordinator, cycle_2025):
    client = client_for(coordinator)
    url = reverse("reports:annual_generate", args=[cycle_2025.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert ISSUED.strftime("%d/%m/%Y") not in page.content.decode()  # defaults to today
    response = client.post(url, {"issued_on": "05/01/2026", "formats": NO_PDF})
    document = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("reports:document_detail", args=[document.pk])
    assert document.number.display == "01/BC-SCT"
    detail = client.get(response["Location"]).content.decode()
    assert "01/BC-SCT" in detail and document.content_hash in detail
    assert 'http-equiv="refresh"' not in detail  # finished: no more polling
    listing = client.get(reverse("reports:document_list")).content.decode()
    assert "01/BC-SCT" in listing and document.content_hash[:12] in listing
    download = client.get(reverse("reports:document_download", args=[document.pk, "docx"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('BC-01-SCT-2026.docx"')
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_a_mistyped_date_is_named_and_nothing_is_numbered(coordinator, cycle_2025):
    response = client_for(coordinator).post(
        reverse("reports:annual_generate", args=[cycle_2025.pk]),
        {"issued_on": "32/13/2026", "formats": NO_PDF},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_a_document_being_generated_refreshes_its_page(coordinator, annual):
    GeneratedDocument.objects.filter(pk=annual.pk).update(state="rendering", progress=60)
    page = client_for(coordinator).get(reverse("reports:document_detail", args=[annual.pk]))
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body and 'value="60"' in body


def test_regenerating_from_the_page_keeps_the_number(coordinator, annual):
    client = client_for(coordinator)
    response = client.post(reverse("reports:document_regenerate", args=[annual.pk]))
    again = GeneratedDocument.objects.exclude(pk=annual.pk).get()
    assert response["Location"] == reverse("reports:document_detail", args=[again.pk])
    assert again.number_id == annual.number_id and again.regenerated_from_id == annual.pk


def test_an_agency_generates_its_report_from_the_list(agency_reporter, accepted_report):
    client = client_for(agency_reporter)
    listing = client.get(reverse("reports:document_list")).content.decode()
    url = reverse("reports:agency_generate", args=[accepted_report.pk])
    assert url in listing
    client.post(url, {"issued_on": "05/01/2026", "formats": NO_PDF})
    document = GeneratedDocument.objects.get()
    assert document.number.display == "01/BC-SNNMT" and document.kind == "agency"


def test_an_agency_cannot_generate_or_edit_the_annual_report(agency_reporter, cycle_2025):
    client = client_for(agency_reporter)
    assert client.get(reverse("reports:annual_generate", args=[cycle_2025.pk])).status_code == 403
    assert client.get(reverse("reports:annual_text", args=[cycle_2025.pk])).status_code == 403


def test_another_organisation_sees_none_of_the_documents(
    annual, agency_document, other_agency_user, enterprise_a_user, agency_reporter
):
    for user in (other_agency_user, enterprise_a_user):
        client = client_for(user)
        listing = client.get(reverse("reports:document_list")).content.decode()
        assert "BC-SCT" not in listing and "BC-SNNMT" not in listing
        for document in (annual, agency_document):
            for name, args in (
                ("reports:document_detail", [document.pk]),
                ("reports:document_download", [document.pk, "docx"]),
            ):
                assert client.get(reverse(name, args=args)).status_code == 404
            response = client.post(reverse("reports:document_regenerate", args=[document.pk]))
            assert response.status_code == 404
        response = client.get(
            reverse("reports:agency_generate", args=[agency_document.agency_report_id])
        )
        assert response.status_code == 404
    # The agency sees its own document, not the Department's.
    client = client_for(agency_reporter)
    assert client.get(reverse("reports:document_detail", args=[annual.pk])).status_code == 404
    mine = reverse("reports:document_download", args=[agency_document.pk, "docx"])
    assert client.get(mine).status_code == 200
    assert GeneratedDocument.objects.count() == 2


def test_the_annual_text_editor_starts_from_the_agencies_reports(coordinator, accepted_report):
    cycle = accepted_report.cycle
    client = client_for(coordinator)
    url = reverse("reports:annual_text", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert "Kinh phí còn hạn chế." in page  # prefilled from the accepted report
    client.post(
        url,
        {
            "version": "",
            "achievements": "Đạt nhiều kết quả.",
            "limitations": "",
            "next_year_tasks": "",
            "proposals": "Đề nghị bố trí kinh phí.",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn A",
            "recipients": "Như trên;\nLưu: VT, QLCN.",
        },
    )
    text = AnnualReportText.objects.get(cycle=cycle)
    assert text.proposals == "Đề nghị bố trí kinh phí." and text.version == 1


def test_a_stale_save_of_the_annual_text_keeps_what_was_typed(coordinator, sysadmin, cycle_2025):
    url = reverse("reports:annual_text", args=[cycle_2025.pk])
    base = dict.fromkeys(services.ANNUAL_TEXT_FIELDS, "")
    client_for(sysadmin).post(url, {**base, "version": "", "proposals": "Bản của quản trị."})
    response = client_for(coordinator).post(
        url, {**base, "version": "", "proposals": "Bản của điều phối viên."}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert "Bản của điều phối viên." in body
    assert AnnualReportText.objects.get(cycle=cycle_2025).proposals == "Bản của quản trị."


def test_the_cycle_page_links_to_the_annual_report(coordinator, cycle_2025):
    page = client_for(coordinator).get(reverse("reporting:cycle_detail", args=[cycle_2025.pk]))
    assert reverse("reports:annual_generate", args=[cycle_2025.pk]) in page.content.decode()
