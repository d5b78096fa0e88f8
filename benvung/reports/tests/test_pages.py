"""The documents' pages: list, generation, progress, downloads, regeneration, annual texts;
and what another organisation cannot see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from benvung.accounts import roles
from benvung.conftest import client_for, make_user
from benvung.directory.models import Agency
from benvung.reporting.models import ReportingCycle
from benvung.reports import assemble, services
from benvung.reports.models import AnnualReportText, GeneratedDocument, RegisteredNumber
from benvung.reports.tests.conftest import ISSUED, issue, ready_to_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_on_commit")]
NO_PDF = ["docx", "xlsx"]


def issue_draft(coordinator, cycle):
    """A finished draft of the annual report."""
    draft = services.document_draft(actor=coordinator, kind="annual", cycle=cycle, formats=NO_PDF)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def other_agency_user(db):
    return make_user(Agency.objects.get(key="skhcn"), roles.AGENCY_REPORTER, "khcn@test.example")


@pytest.fixture
def ready(cycle_2025, coordinator):
    ready_to_issue(cycle_2025, coordinator)
    return cycle_2025


@pytest.fixture
def annual(coordinator, ready):
    return issue(coordinator, kind="annual", cycle=ready, formats=NO_PDF)


@pytest.fixture
def agency_document(agency_reporter, accepted_report):
    return issue(agency_reporter, kind="agency", agency_report=accepted_report, formats=NO_PDF)


def test_the_coordinator_drafts_then_issues_the_annual_report_from_the_pages(coordinator, ready):
    client = client_for(coordinator)
    url = reverse("reports:annual_generate", args=[ready.pk])
    page = client.get(url).content.decode()
    # What is missing, before any draft: the cycle is open, the agencies have not reported.
    assert "Kỳ báo cáo năm 2025 chưa đóng" in page and "chưa gửi báo cáo" in page
    assert "Tạo dự thảo" in page
    response = client.post(url, {"formats": NO_PDF})
    draft = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("reports:document_detail", args=[draft.pk])
    assert draft.is_draft and draft.number is None and not RegisteredNumber.objects.exists()
    detail = client.get(response["Location"]).content.decode()
    assert "DỰ THẢO" in detail and "Phát hành dự thảo này" in detail
    assert reverse("reports:document_issue", args=[draft.pk]) in detail
    assert "Kỳ báo cáo năm 2025 chưa đóng" in detail  # the missing data, kept with the draft
    listing = client.get(reverse("reports:document_list")).content.decode()
    drafts = listing.split("Chưa có văn bản nào được phát hành.")[1]
    assert f"#{draft.pk}" in drafts  # under the drafts, none issued yet

    issue_url = reverse("reports:document_issue", args=[draft.pk])
    refused = client.post(issue_url, {"issued_on": "05/01/2026", "formats": NO_PDF})
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    assert "đánh dấu ô xác nhận" in refused.content.decode()
    assert not RegisteredNumber.objects.exists()
    response = client.post(
        issue_url, {"issued_on": "05/01/2026", "formats": NO_PDF, "confirm_missing": "on"}
    )
    document = GeneratedDocument.objects.get(is_draft=False)
    assert response["Location"] == reverse("reports:document_detail", args=[document.pk])
    assert document.number.display == "01/BC-SCT" and document.from_draft == draft
    detail = client.get(response["Location"]).content.decode()
    assert "01/BC-SCT" in detail and document.content_hash in detail
    assert "Đã phát hành khi biết còn thiếu số liệu" in detail
    assert 'http-equiv="refresh"' not in detail  # finished: no more polling
    listing = client.get(reverse("reports:document_list")).content.decode()
    issued, drafts = listing.split("<h2>Dự thảo</h2>")
    assert "01/BC-SCT" in issued and document.content_hash[:12] in issued
    assert f"#{draft.pk}" in drafts and "01/BC-SCT" in drafts  # the draft, and what it became
    download = client.get(reverse("reports:document_download", args=[document.pk, "docx"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('BC-01-SCT-2026.docx"')
    assert b"".join(download.streaming_content)[:2] == b"PK"
    draft_file = client.get(reverse("reports:document_download", args=[draft.pk, "docx"]))
    assert draft_file["Content-Disposition"].endswith(f'DU-THAO-BC-SCT-2025-{draft.pk}.docx"')


def test_a_mistyped_date_is_named_and_nothing_is_numbered(coordinator, ready):
    draft = issue_draft(coordinator, ready)
    response = client_for(coordinator).post(
        reverse("reports:document_issue", args=[draft.pk]),
        {"issued_on": "32/13/2026", "formats": NO_PDF, "confirm_missing": "on"},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert response.context["issue_form"].errors["issued_on"]
    assert not RegisteredNumber.objects.exists()


def test_the_issue_page_names_the_missing_drafting_unit_and_signer(coordinator, cycle_2025):
    draft = issue_draft(coordinator, cycle_2025)
    client = client_for(coordinator)
    text_url = reverse("reports:annual_text", args=[cycle_2025.pk])
    detail = client.get(reverse("reports:document_detail", args=[draft.pk])).content.decode()
    assert "Đơn vị soạn thảo (ghi sau “Lưu: VT,”)" in detail and text_url in detail
    response = client.post(
        reverse("reports:document_issue", args=[draft.pk]),
        {"issued_on": "05/01/2026", "formats": NO_PDF, "confirm_missing": "on"},
    )
    body = response.content.decode()
    assert "“Đơn vị soạn thảo”" in body and "“Người ký”" in body and text_url in body
    assert not RegisteredNumber.objects.exists()


def test_a_draft_whose_data_changed_offers_a_new_draft(coordinator, ready, synthesis):
    from benvung.reporting import services as reporting

    draft = issue_draft(coordinator, ready)
    reporting.synthesis_save(
        actor=coordinator,
        cycle=ready,
        area=synthesis.content_area,
        text="Đã sửa.",
        version=synthesis.version,
    )
    client = client_for(coordinator)
    response = client.post(
        reverse("reports:document_issue", args=[draft.pk]),
        {"issued_on": "05/01/2026", "formats": NO_PDF, "confirm_missing": "on"},
    )
    body = response.content.decode()
    assert "Dữ liệu của dự thảo này đã thay đổi" in body
    assert "Tạo dự thảo mới từ dữ liệu hiện tại" in body
    assert f'action="{reverse("reports:annual_generate", args=[ready.pk])}"' in body
    assert not RegisteredNumber.objects.exists()
    # The button makes the new draft.
    client.post(reverse("reports:annual_generate", args=[ready.pk]), {"formats": NO_PDF})
    assert GeneratedDocument.objects.filter(is_draft=True).count() == 2


def test_a_document_being_generated_refreshes_its_page(coordinator, annual):
    GeneratedDocument.objects.filter(pk=annual.pk).update(state="rendering", progress=60)
    page = client_for(coordinator).get(reverse("reports:document_detail", args=[annual.pk]))
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body and 'value="60"' in body


def test_regenerating_from_the_page_keeps_the_number(coordinator, annual):
    client = client_for(coordinator)
    response = client.post(reverse("reports:document_regenerate", args=[annual.pk]))
    again = GeneratedDocument.objects.filter(is_draft=False).exclude(pk=annual.pk).get()
    assert response["Location"] == reverse("reports:document_detail", args=[again.pk])
    assert again.number_id == annual.number_id and again.regenerated_from_id == annual.pk


def test_an_agency_drafts_and_issues_its_report_from_the_list(agency_reporter, accepted_report):
    client = client_for(agency_reporter)
    listing = client.get(reverse("reports:document_list")).content.decode()
    url = reverse("reports:agency_generate", args=[accepted_report.pk])
    assert url in listing
    client.post(url, {"formats": NO_PDF, "signer_name": "Trần Thị B"})
    draft = GeneratedDocument.objects.get()
    assert draft.is_draft and draft.kind == "agency"
    detail = client.get(reverse("reports:document_detail", args=[draft.pk])).content.decode()
    # A new draft keeps the signer typed for this one.
    assert 'name="signer_name" value="Trần Thị B"' in detail
    client.post(
        reverse("reports:document_issue", args=[draft.pk]),
        {"issued_on": "05/01/2026", "formats": NO_PDF},
    )
    document = GeneratedDocument.objects.get(is_draft=False)
    assert document.number.display == "01/BC-SNNMT" and document.kind == "agency"
    assert document.snapshot["signature"]["name"] == "Trần Thị B"


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
        for draft in (annual.from_draft, agency_document.from_draft):
            for name, args in (
                ("reports:document_detail", [draft.pk]),
                ("reports:document_download", [draft.pk, "docx"]),
            ):
                assert client.get(reverse(name, args=args)).status_code == 404
            response = client.post(
                reverse("reports:document_issue", args=[draft.pk]),
                {"issued_on": "05/01/2026", "formats": NO_PDF, "confirm_missing": "on"},
            )
            assert response.status_code == 404
        generate = reverse("reports:agency_generate", args=[agency_document.agency_report_id])
        assert client.get(generate).status_code == 404
        assert client.post(generate, {"formats": NO_PDF}).status_code == 404
        annual_generate = reverse("reports:annual_generate", args=[annual.cycle_id])
        assert client.post(annual_generate, {"formats": NO_PDF}).status_code in (403, 404)
    # The agency sees its own documents, not the Department's.
    client = client_for(agency_reporter)
    for document in (annual, annual.from_draft):
        assert client.get(reverse("reports:document_detail", args=[document.pk])).status_code == 404
    mine = reverse("reports:document_download", args=[agency_document.pk, "docx"])
    assert client.get(mine).status_code == 200
    listing = client.get(reverse("reports:document_list")).content.decode()
    assert "01/BC-SNNMT" in listing and "BC-SCT" not in listing
    assert GeneratedDocument.objects.count() == 4  # two drafts, two issued: nothing more
    assert RegisteredNumber.objects.count() == 2


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
            "drafting_unit": "QLCN",
        },
    )
    text = AnnualReportText.objects.get(cycle=cycle)
    assert text.proposals == "Đề nghị bố trí kinh phí." and text.version == 1


def test_the_drafting_unit_is_required_in_the_annual_texts(coordinator, cycle_2025):
    url = reverse("reports:annual_text", args=[cycle_2025.pk])
    base = dict.fromkeys(services.ANNUAL_TEXT_FIELDS, "")
    response = client_for(coordinator).post(
        url, {**base, "version": "", "proposals": "Đề nghị bố trí kinh phí."}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert "Nhập đơn vị soạn thảo" in body and "Đề nghị bố trí kinh phí." in body
    assert not AnnualReportText.objects.exists()  # nothing half-saved


def test_a_stale_save_of_the_annual_text_keeps_what_was_typed(coordinator, sysadmin, cycle_2025):
    url = reverse("reports:annual_text", args=[cycle_2025.pk])
    base = {**dict.fromkeys(services.ANNUAL_TEXT_FIELDS, ""), "drafting_unit": "QLCN"}
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


def test_an_agency_names_its_signer_and_recipients_when_drafting(agency_reporter, accepted_report):
    client = client_for(agency_reporter)
    url = reverse("reports:agency_generate", args=[accepted_report.pk])
    assert 'name="signer_name"' in client.get(url).content.decode()
    client.post(
        url,
        {
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


def test_a_future_date_is_refused_on_the_page(coordinator, ready):
    draft = issue_draft(coordinator, ready)
    tomorrow = services.today() + dt.timedelta(days=1)
    response = client_for(coordinator).post(
        reverse("reports:document_issue", args=[draft.pk]),
        {"issued_on": tomorrow.strftime("%d/%m/%Y"), "formats": NO_PDF, "confirm_missing": "on"},
    )
    assert response.status_code == 200
    assert response.context["issue_form"].errors["issued_on"]
    assert not RegisteredNumber.objects.exists()


def test_a_double_submit_of_the_issue_takes_one_number(coordinator, ready):
    draft = issue_draft(coordinator, ready)
    client = client_for(coordinator)
    url = reverse("reports:document_issue", args=[draft.pk])
    data = {"issued_on": "05/01/2026", "formats": NO_PDF, "confirm_missing": "on"}
    first = client.post(url, data)
    document = GeneratedDocument.objects.get(is_draft=False)
    GeneratedDocument.objects.filter(pk=document.pk).update(state="queued")
    second = client.post(url, data)
    # Both lead to the one document being issued.
    assert first["Location"] == second["Location"]
    assert second["Location"] == reverse("reports:document_detail", args=[document.pk])
    assert RegisteredNumber.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "Dự thảo này đã được phát hành, số 01/BC-SCT." in page


def test_a_double_submit_of_a_draft_shows_the_draft_being_generated(coordinator, ready):
    draft = issue_draft(coordinator, ready)
    GeneratedDocument.objects.filter(pk=draft.pk).update(state="queued")
    response = client_for(coordinator).post(
        reverse("reports:annual_generate", args=[ready.pk]), {"formats": NO_PDF}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert reverse("reports:document_detail", args=[draft.pk]) in body
    assert GeneratedDocument.objects.count() == 1


def test_the_pages_speak_english_too(coordinator, ready):
    draft = issue_draft(coordinator, ready)
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    generate = client.get(reverse("reports:annual_generate", args=[ready.pk])).content.decode()
    assert "Make a draft" in generate and "The 2025 reporting cycle is not closed" in generate
    detail = client.get(reverse("reports:document_detail", args=[draft.pk])).content.decode()
    assert "Issue this draft" in detail and "Data missing when the draft was made" in detail
    listing = client.get(reverse("reports:document_list")).content.decode()
    assert "Issued documents" in listing and "Drafts" in listing
    # The document itself stays Vietnamese.
    assert draft.snapshot["doc_type"] == "BÁO CÁO"


def test_the_annual_report_of_a_cycle_in_preparation_is_refused_on_the_page(
    coordinator, cycle_2025
):
    ReportingCycle.objects.filter(pk=cycle_2025.pk).update(state="draft")
    response = client_for(coordinator).post(
        reverse("reports:annual_generate", args=[cycle_2025.pk]), {"formats": NO_PDF}
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
