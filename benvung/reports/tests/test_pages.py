"""The documents' pages: list, generation, progress, downloads, regeneration, annual texts;
and what another organisation cannot see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from benvung.accounts.models import Role
from benvung.conftest import client_for, make_user
from benvung.directory.models import Agency
from benvung.reporting.models import ReportingCycle
from benvung.reports import assemble, services
from benvung.reports.models import AnnualReportText, GeneratedDocument, RegisteredNumber
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


# --- Review fixes --------------------------------------------------------------------------


def test_the_annual_text_editor_starts_in_vietnamese_on_an_english_page(
    coordinator, accepted_report
):
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = client.get(reverse("reports:annual_text", args=[accepted_report.cycle.pk]))
        defaults = assemble.annual_text_defaults(accepted_report.cycle)
    assert response.context["form"]["recipients"].value().startswith("- Như trên;")
    assert defaults["recipients"].startswith("- Như trên;")
    assert defaults["recipients"].endswith("- Lưu: VT.")
    assert "Tiếp tục" in defaults["next_year_tasks"] or "2026" in defaults["next_year_tasks"]
    assert "Continue to carry out" not in defaults["next_year_tasks"]
    assert "As above" not in response.content.decode()


def test_the_archive_line_is_kept_once_and_last(coordinator, cycle_2025):
    text = services.annual_text_save(
        actor=coordinator,
        cycle=cycle_2025,
        fields={
            "recipients": "Lưu: VT.\nNhư trên;\nBộ Công Thương (để báo cáo);",
            "drafting_unit": "QLCN",
        },
        version=None,
    )
    assert text.recipients.splitlines() == [
        "- Như trên;",
        "- Bộ Công Thương (để báo cáo);",
        "- Lưu: VT, QLCN.",
    ]
    with translation.override("en"):
        text = services.annual_text_save(
            actor=coordinator,
            cycle=cycle_2025,
            fields={"recipients": "- Như trên;\n- Lưu: VT, QLCN;\n- Giám đốc Sở;"},
            version=text.version,
        )
    assert text.recipients.splitlines() == ["- Như trên;", "- Giám đốc Sở;", "- Lưu: VT, QLCN."]
    text = services.annual_text_save(
        actor=coordinator,
        cycle=cycle_2025,
        fields={"recipients": "Như trên", "drafting_unit": ""},
        version=text.version,
    )
    assert text.recipients.splitlines() == ["- Như trên;", "- Lưu: VT."]
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    assert document.recipients == ["Như trên", "Lưu: VT"]


def test_an_agency_names_its_signer_and_recipients_when_generating(
    agency_reporter, accepted_report
):
    client = client_for(agency_reporter)
    url = reverse("reports:agency_generate", args=[accepted_report.pk])
    assert 'name="signer_name"' in client.get(url).content.decode()
    client.post(
        url,
        {
            "issued_on": "05/01/2026",
            "formats": NO_PDF,
            "signer_authority": "KT. Giám đốc",
            "signer_title": "Phó Giám đốc",
            "signer_name": "Trần Thị B",
            "recipients": "Lưu: VT, CCTL\nSở Công Thương",
        },
    )
    document = GeneratedDocument.objects.get()
    assert document.snapshot["signature"] == {
        "authority": "KT. GIÁM ĐỐC",
        "title": "PHÓ GIÁM ĐỐC",
        "name": "Trần Thị B",
    }
    assert document.snapshot["recipients"] == ["Sở Công Thương", "Lưu: VT, CCTL"]


def test_a_future_date_is_refused_on_the_page(coordinator, cycle_2025):
    tomorrow = services.today() + dt.timedelta(days=1)
    response = client_for(coordinator).post(
        reverse("reports:annual_generate", args=[cycle_2025.pk]),
        {"issued_on": tomorrow.strftime("%d/%m/%Y"), "formats": NO_PDF},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["issued_on"]
    assert not RegisteredNumber.objects.exists()


def test_a_double_submit_shows_the_document_being_generated(coordinator, annual):
    GeneratedDocument.objects.filter(pk=annual.pk).update(state="queued")
    response = client_for(coordinator).post(
        reverse("reports:annual_generate", args=[annual.cycle_id]),
        {"issued_on": "05/01/2026", "formats": NO_PDF},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert reverse("reports:document_detail", args=[annual.pk]) in body
    assert "01/BC-SCT" in body
    assert GeneratedDocument.objects.count() == 1


def test_the_annual_report_of_a_cycle_in_preparation_is_refused_on_the_page(
    coordinator, cycle_2025
):
    ReportingCycle.objects.filter(pk=cycle_2025.pk).update(state="draft")
    response = client_for(coordinator).post(
        reverse("reports:annual_generate", args=[cycle_2025.pk]),
        {"issued_on": "05/01/2026", "formats": NO_PDF},
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_a_document_still_being_rendered_offers_no_download(coordinator, annual):
    GeneratedDocument.objects.filter(pk=annual.pk).update(state="rendering", progress=60)
    client = client_for(coordinator)
    url = reverse("reports:document_download", args=[annual.pk, "docx"])
    assert client.get(url).status_code == 404
    assert (
        url not in client.get(reverse("reports:document_detail", args=[annual.pk])).content.decode()
    )
    assert url not in client.get(reverse("reports:document_list")).content.decode()
