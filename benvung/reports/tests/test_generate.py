"""Drafts and issue: a draft is assembled, kept with its snapshot and hash and rendered in the
background, without a number; issuing a draft numbers exactly its content; regeneration renders
the same snapshot again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from benvung.conftest import client_for
from benvung.core.models import AuditEvent
from benvung.indicators.models import IndicatorResult
from benvung.reporting import services as reporting
from benvung.reporting.models import AgencyReport, ReportingCycle
from benvung.reports import assemble, content, services
from benvung.reports.models import GeneratedDocument, RegisteredNumber
from benvung.reports.pdf import PdfUnavailable
from benvung.reports.tests.conftest import ISSUED, issue, ready_to_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_on_commit")]

NO_PDF = {"docx", "xlsx"}


@pytest.fixture
def ready(cycle_2025, coordinator):
    """The annual report's drafting unit and signer written: it may be issued."""
    ready_to_issue(cycle_2025, coordinator)
    return cycle_2025


def _draft(actor, cycle, **kwargs):
    draft = services.document_draft(
        actor=actor, kind="annual", cycle=cycle, **{"formats": NO_PDF, **kwargs}
    )
    draft.refresh_from_db()
    return draft


def _issue(actor, draft, **kwargs):
    return services.document_issue(
        actor=actor,
        draft=draft,
        # Most tests issue more than one draft of the same report: they confirm it.
        **{
            "issued_on": ISSUED,
            "formats": NO_PDF,
            "confirm_missing": True,
            "confirm_reissue": True,
            **kwargs,
        },
    )


def _docx_text(document: GeneratedDocument) -> str:
    with document.docx.open("rb") as f:
        docx = Document(io.BytesIO(f.read()))
    parts = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in docx.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


# --- Drafts ------------------------------------------------------------------------------------


def test_a_draft_takes_no_number_and_says_so_on_every_page(coordinator, ready):
    drafts = [_draft(coordinator, ready) for _ in range(3)]  # as often as wanted
    assert not RegisteredNumber.objects.exists()
    draft = drafts[-1]
    assert draft.is_draft and draft.number is None and draft.state == "done"
    assert draft.snapshot["draft"] is True and draft.snapshot["number"] == ""
    assert draft.content_hash == services.content_hash(draft.snapshot)
    text = _docx_text(draft)
    assert text.startswith("DỰ THẢO")  # the top of the first page
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SCT" in text  # room for the number
    assert "ngày \u00a0\u00a0\u00a0\u00a0\u00a0 tháng" in text  # and for the day
    with draft.docx.open("rb") as f:
        docx = Document(io.BytesIO(f.read()))
    # Every section's pages (the landscape task table too) say "DỰ THẢO" in their header.
    assert len(docx.sections) == 4
    assert all("DỰ THẢO" in s.header.paragraphs[0].text for s in docx.sections)
    assert draft.author == coordinator
    assert services.file_name(draft, "docx") == f"DU-THAO-BC-SCT-2025-{draft.pk}.docx"
    assert AuditEvent.objects.filter(action="document.draft").count() == 3
    assert not AuditEvent.objects.filter(action="document_number.reserve").exists()


def test_the_draft_workbook_is_marked_too(coordinator, ready):
    draft = _draft(coordinator, ready)
    with draft.xlsx.open("rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()))
    first = workbook.worksheets[0]
    assert first.cell(row=1, column=1).value == "DỰ THẢO"
    for sheet in workbook.worksheets[1:]:
        assert sheet.cell(row=1, column=1).value == "DỰ THẢO"
        assert sheet.oddHeader.right.text == "DỰ THẢO"


def test_a_draft_keeps_what_data_were_missing(coordinator, ready):
    draft = _draft(coordinator, ready)
    codes = [gap["code"] for gap in draft.gaps]
    # An open cycle, every agency still owing its report, no enterprise figures.
    assert codes[:2] == ["cycle_not_closed", "reports_missing"]
    assert "no_enterprise_figures" in codes
    event = AuditEvent.objects.get(action="document.draft")
    assert event.after["gaps"] == draft.gaps


# --- Issue -------------------------------------------------------------------------------------


def test_issuing_a_draft_numbers_exactly_its_content(coordinator, ready):
    draft = _draft(coordinator, ready)
    document = _issue(coordinator, draft)
    document.refresh_from_db()
    assert document.state == "done" and document.progress == 100 and not document.is_draft
    assert document.from_draft == draft
    assert document.number.display == "01/BC-SCT" and document.number.year == 2026
    assert document.snapshot["number"] == "01/BC-SCT" and document.snapshot["draft"] is False
    assert document.snapshot["issued_on"] == ISSUED.isoformat()
    assert document.content_hash == services.content_hash(document.snapshot)
    # Nothing but the number, the date and the draft mark differ from the draft reviewed.
    assert services.content_fingerprint(document.snapshot) == services.content_fingerprint(
        draft.snapshot
    )
    assert document.snapshot["provenance"]["draft"] == {
        "id": draft.pk,
        "content_hash": draft.content_hash,
    }
    text = _docx_text(document)
    assert "Số: 01/BC-SCT" in text and "DỰ THẢO" not in text
    assert "ngày 05 tháng 01 năm 2026" in text
    event = AuditEvent.objects.get(action="document.issue")
    assert event.after["number"] == "01/BC-SCT" and event.after["from_draft"] == draft.pk
    assert event.after["draft_content_hash"] == draft.content_hash
    assert event.after["content_hash"] == document.content_hash
    assert RegisteredNumber.objects.count() == 1


def test_a_draft_is_issued_once(coordinator, ready):
    draft = _draft(coordinator, ready)
    first = _issue(coordinator, draft)
    # A double click, or the same draft issued again later: no second number.
    with pytest.raises(services.AlreadyIssued) as excinfo:
        _issue(coordinator, draft)
    assert excinfo.value.document.pk == first.pk
    assert "01/BC-SCT" in excinfo.value.messages[0]
    assert RegisteredNumber.objects.count() == 1
    # An issued document is not issued again either.
    first.refresh_from_db()
    with pytest.raises(ValidationError):
        _issue(coordinator, first)
    assert RegisteredNumber.objects.count() == 1


def test_a_report_issued_already_is_issued_again_only_when_confirmed(coordinator, ready):
    first = _issue(coordinator, _draft(coordinator, ready))
    second = _draft(coordinator, ready)
    # Another draft of the same report would take a second number: the issuer is asked.
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, second, confirm_reissue=False)
    message = " ".join(excinfo.value.message_dict["confirm_reissue"])
    assert "01/BC-SCT" in message
    assert RegisteredNumber.objects.count() == 1
    replacing = _issue(coordinator, second)
    assert replacing.number.display == "02/BC-SCT" and first.number.display == "01/BC-SCT"
    assert RegisteredNumber.objects.count() == 2


def test_a_draft_whose_data_changed_is_not_issued(coordinator, ready, synthesis):
    draft = _draft(coordinator, ready)
    reporting.synthesis_save(
        actor=coordinator,
        cycle=ready,
        area=synthesis.content_area,
        text="Văn bản tổng hợp đã sửa sau khi tạo dự thảo.",
        version=synthesis.version,
    )
    with pytest.raises(services.DataChanged) as excinfo:
        _issue(coordinator, draft)
    message = excinfo.value.messages[0]
    assert "tạo dự thảo mới" in message.lower()
    assert "văn bản tổng hợp" in message  # what changed, named
    assert excinfo.value.draft == draft
    assert not RegisteredNumber.objects.exists()
    assert not GeneratedDocument.objects.filter(is_draft=False).exists()
    # A new draft reads the new text, and can be issued.
    fresh = _draft(coordinator, ready)
    assert "Văn bản tổng hợp đã sửa" in _docx_text(fresh)
    assert _issue(coordinator, fresh).number.display == "01/BC-SCT"


def test_the_same_data_read_again_issue_the_draft(coordinator, ready, province_result):
    draft = _draft(coordinator, ready)
    # Figures computed again, to the same values: the draft still says what the data say.
    IndicatorResult.objects.filter(pk=province_result.pk).update(computed_at=timezone.now())
    assert _issue(coordinator, draft).number.display == "01/BC-SCT"


def test_issuing_with_missing_data_asks_for_a_confirmation_that_lists_them(coordinator, ready):
    draft = _draft(coordinator, ready)
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, draft, confirm_missing=False)
    listed = excinfo.value.message_dict["confirm_missing"]
    assert "Kỳ báo cáo năm 2025 chưa đóng" in " ".join(listed)
    assert any("chưa gửi báo cáo" in line for line in listed)
    assert any("Chưa có doanh nghiệp nào" in line for line in listed)
    assert not RegisteredNumber.objects.exists()
    document = _issue(coordinator, draft, confirm_missing=True)
    assert document.gaps_confirmed and document.gaps == draft.gaps
    event = AuditEvent.objects.get(action="document.issue")
    assert len(event.after["missing_data_confirmed"]) == len(draft.gaps)


def test_the_annual_report_is_not_issued_without_its_drafting_unit_and_signer(
    coordinator, cycle_2025
):
    draft = _draft(coordinator, cycle_2025)  # a draft may have neither
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, draft)
    errors = excinfo.value.message_dict
    url = reverse("reports:annual_text", args=[cycle_2025.pk])
    assert "“Đơn vị soạn thảo”" in errors["drafting_unit"][0] and url in errors["drafting_unit"][0]
    assert "“Người ký”" in errors["signer_name"][0] and url in errors["signer_name"][0]
    assert not RegisteredNumber.objects.exists()
    # Written, they change the report: the old draft still lacks them, a new draft is issued.
    ready_to_issue(cycle_2025, coordinator)
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, draft)
    assert list(excinfo.value.message_dict) == ["signer_name"]
    fresh = _draft(coordinator, cycle_2025)
    assert "Nguyễn Văn An" in _docx_text(fresh) and "Lưu: VT, QLCN." in _docx_text(fresh)
    assert _issue(coordinator, fresh).number.display == "01/BC-SCT"


def test_a_draft_still_being_rendered_is_not_issued(coordinator, ready):
    draft = _draft(coordinator, ready)
    GeneratedDocument.objects.filter(pk=draft.pk).update(state="rendering")
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        _issue(coordinator, draft)
    assert not RegisteredNumber.objects.exists()


def test_without_libreoffice_the_docx_is_still_delivered(coordinator, ready, monkeypatch):
    def unavailable(docx: bytes, *, timeout: int = 120) -> bytes:
        raise PdfUnavailable("PDF không khả dụng: máy chủ chưa cài LibreOffice.")

    monkeypatch.setattr("benvung.reports.pdf.to_pdf", unavailable)
    document = issue(coordinator, kind="annual", cycle=ready, formats=services.FORMATS)
    document.refresh_from_db()
    assert document.state == "done"
    assert document.docx and not document.pdf
    assert "LibreOffice" in document.message


def test_a_rendering_failure_is_kept_on_the_document(coordinator, ready, monkeypatch):
    draft = _draft(coordinator, ready)

    def broken(document: content.OfficialDocument) -> bytes:
        raise RuntimeError("hỏng")

    monkeypatch.setattr("benvung.reports.docx.render_docx", broken)
    document = _issue(coordinator, draft)
    document.refresh_from_db()
    assert document.state == "failed" and "hỏng" in document.message
    assert document.number.display == "01/BC-SCT"  # the number stays taken


def test_only_the_coordinator_drafts_and_issues_the_annual_report(
    agency_reporter, coordinator, ready
):
    with pytest.raises(PermissionDenied):
        services.document_draft(actor=agency_reporter, kind="annual", cycle=ready)
    draft = _draft(coordinator, ready)
    with pytest.raises(PermissionDenied):
        _issue(agency_reporter, draft)
    assert GeneratedDocument.objects.count() == 1
    assert not RegisteredNumber.objects.exists()


def test_an_agency_drafts_and_issues_its_own_accepted_report(agency_reporter, accepted_report):
    draft = services.document_draft(
        actor=agency_reporter, kind="agency", agency_report=accepted_report, formats=NO_PDF
    )
    draft.refresh_from_db()
    assert draft.is_draft and draft.number is None and draft.issuer_id == accepted_report.agency_id
    assert "DỰ THẢO" in _docx_text(draft)
    assert not RegisteredNumber.objects.exists()
    document = _issue(agency_reporter, draft)
    document.refresh_from_db()
    assert document.state == "done"
    assert document.number.display == "01/BC-SNNMT"
    text = " ".join(_docx_text(document).split())  # the header may wrap the agency's name
    assert "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in text and "01/BC-SNNMT" in text
    assert "DỰ THẢO" not in text


def test_an_agency_draft_keeps_its_signer_when_issued(agency_reporter, accepted_report):
    signature = content.Signature("KT. Giám đốc", "Phó Giám đốc", "Trần Thị B")
    document = issue(
        agency_reporter,
        kind="agency",
        agency_report=accepted_report,
        signature=signature,
        recipients=["Sở Công Thương", "Lưu: VT, CCTL"],
    )
    assert document.snapshot["signature"]["name"] == "Trần Thị B"
    assert document.snapshot["recipients"] == ["Sở Công Thương", "Lưu: VT, CCTL"]


def test_a_report_not_yet_accepted_cannot_be_drafted(agency_reporter, cycle_2025):
    report = reporting.report_start(
        actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
    )
    with pytest.raises(ValidationError):
        services.document_draft(actor=agency_reporter, kind="agency", agency_report=report)
    assert not GeneratedDocument.objects.exists()


def test_another_organisation_cannot_draft_issue_or_regenerate(
    accepted_report, agency_reporter, enterprise_a_user, coordinator, ready
):
    from benvung.accounts import roles
    from benvung.conftest import make_user
    from benvung.directory.models import Agency

    other = make_user(Agency.objects.get(key="skhcn"), roles.AGENCY_REPORTER, "khcn@test.example")
    agency_draft = services.document_draft(
        actor=agency_reporter, kind="agency", agency_report=accepted_report, formats=NO_PDF
    )
    agency_draft.refresh_from_db()
    annual_draft = _draft(coordinator, ready)
    annual = _issue(coordinator, annual_draft)
    for actor in (other, enterprise_a_user):
        with pytest.raises(PermissionDenied):
            services.document_draft(actor=actor, kind="agency", agency_report=accepted_report)
        with pytest.raises(PermissionDenied):
            services.document_draft(actor=actor, kind="annual", cycle=ready)
        for draft in (agency_draft, annual_draft):
            with pytest.raises(PermissionDenied):
                _issue(actor, draft)
        with pytest.raises(PermissionDenied):
            services.document_regenerate(actor=actor, document=annual)
    # Not even the agency whose report it is issues the Department's annual report.
    with pytest.raises(PermissionDenied):
        _issue(agency_reporter, annual_draft)
    assert RegisteredNumber.objects.count() == 1


# --- Regeneration ------------------------------------------------------------------------------


def test_regenerating_gives_the_same_figures_after_the_data_changed(
    coordinator, ready, synthesis, province_result
):
    first = issue(coordinator, kind="annual", cycle=ready)
    first.refresh_from_db()
    before = _docx_text(first)
    assert "6,3 %" in before and "áp dụng sản xuất sạch hơn" in before

    # The data change afterwards.
    IndicatorResult.objects.filter(pk=province_result.pk).update(value="9.5")
    reporting.synthesis_save(
        actor=coordinator,
        cycle=ready,
        area=synthesis.content_area,
        text="Văn bản đã sửa sau khi ban hành.",
        version=synthesis.version,
    )

    again = services.document_regenerate(actor=coordinator, document=first, formats=NO_PDF)
    again.refresh_from_db()
    assert again.regenerated_from == first and again.state == "done"
    assert again.number_id == first.number_id and again.from_draft_id == first.from_draft_id
    assert again.snapshot == first.snapshot and again.content_hash == first.content_hash
    assert _docx_text(again) == before
    assert AuditEvent.objects.filter(action="document.regenerate").count() == 1
    # The regeneration is not an issue of the draft: the draft stays issued once.
    with pytest.raises(services.AlreadyIssued):
        _issue(coordinator, first.from_draft)

    # A new document reads the new data, under a new number.
    fresh = issue(coordinator, kind="annual", cycle=ready)
    fresh.refresh_from_db()
    text = _docx_text(fresh)
    assert fresh.number.display == "02/BC-SCT" and fresh.content_hash != first.content_hash
    assert "9,5 %" in text and "Văn bản đã sửa" in text


def test_a_draft_is_not_regenerated_but_made_anew(coordinator, ready):
    draft = _draft(coordinator, ready)
    with pytest.raises(ValidationError):
        services.document_regenerate(actor=coordinator, document=draft)
    assert GeneratedDocument.objects.count() == 1


def test_unknown_formats_are_refused(coordinator, ready):
    with pytest.raises(ValidationError) as excinfo:
        services.document_draft(actor=coordinator, kind="annual", cycle=ready, formats={"odt"})
    assert "formats" in excinfo.value.message_dict


# --- Language, dates, double submits, cycle state, locks, failed files ------------------------


def test_the_document_is_rendered_in_vietnamese_whatever_language_is_active(coordinator, ready):
    with translation.override("en"):
        document = issue(coordinator, kind="annual", cycle=ready)
        document.refresh_from_db()
        again = services.document_regenerate(actor=coordinator, document=document, formats=["docx"])
        again.refresh_from_db()
    for rendered in (document, again):
        text = _docx_text(rendered)
        assert "Số: 01/BC-SCT" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Nơi nhận:" in text and "No.:" not in text


def test_a_date_in_the_future_is_refused(coordinator, ready):
    draft = _draft(coordinator, ready)
    tomorrow = services.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, draft, issued_on=tomorrow)
    assert "issued_on" in excinfo.value.message_dict
    assert tomorrow.strftime("%d/%m/%Y") in excinfo.value.message_dict["issued_on"][0]
    assert not RegisteredNumber.objects.exists()


def test_today_is_the_day_in_dong_nai(monkeypatch):
    # 23:30 UTC on 31 December is already 1 January in Dong Nai (UTC+7).
    moment = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: moment)
    assert services.today() == dt.date(2026, 1, 1)


def test_a_date_before_the_year_reported_on_is_refused(coordinator, ready):
    draft = _draft(coordinator, ready)
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, draft, issued_on=dt.date(2024, 12, 31))
    assert "2025" in excinfo.value.message_dict["issued_on"][0]
    assert not RegisteredNumber.objects.exists()


def test_a_date_earlier_than_the_last_number_of_the_register_is_refused(coordinator, ready):
    first = issue(coordinator, kind="annual", cycle=ready, issued_on=dt.date(2026, 1, 10))
    assert first.number.issued_on == dt.date(2026, 1, 10)
    draft = _draft(coordinator, ready)
    with pytest.raises(ValidationError) as excinfo:
        _issue(coordinator, draft, issued_on=ISSUED)
    message = excinfo.value.message_dict["issued_on"][0]
    assert "01/BC-SCT" in message and "10/01/2026" in message
    assert RegisteredNumber.objects.count() == 1
    # The same day, or later, is fine.
    assert _issue(coordinator, draft, issued_on=dt.date(2026, 1, 10)).number.display == (
        "02/BC-SCT"
    )


def test_a_second_issue_is_refused_while_the_first_is_being_generated(coordinator, ready):
    first = issue(coordinator, kind="annual", cycle=ready)
    second_draft = _draft(coordinator, ready)
    for state in ("queued", "rendering"):
        GeneratedDocument.objects.filter(pk=first.pk).update(state=state)
        with pytest.raises(services.DocumentInProgress) as excinfo:
            _issue(coordinator, second_draft)
        assert excinfo.value.document.pk == first.pk
        assert "01/BC-SCT" in excinfo.value.messages[0]
    assert RegisteredNumber.objects.count() == 1
    # Once it is finished (or failed), another may be issued.
    GeneratedDocument.objects.filter(pk=first.pk).update(state="failed")
    assert _issue(coordinator, second_draft).number.display == "02/BC-SCT"


def test_a_second_draft_is_refused_while_the_first_is_being_generated(coordinator, ready):
    first = _draft(coordinator, ready)
    GeneratedDocument.objects.filter(pk=first.pk).update(state="queued")
    with pytest.raises(services.DocumentInProgress) as excinfo:
        _draft(coordinator, ready)
    assert excinfo.value.document.pk == first.pk
    # A draft on its way does not hold up issuing another, finished one.
    GeneratedDocument.objects.filter(pk=first.pk).update(state="done")
    finished = _draft(coordinator, ready)
    GeneratedDocument.objects.filter(pk=first.pk).update(state="queued")
    assert _issue(coordinator, finished).number.display == "01/BC-SCT"


def test_a_document_abandoned_in_the_queue_no_longer_blocks(coordinator, ready):
    first = issue(coordinator, kind="annual", cycle=ready)
    # Its worker died half an hour ago and more: the same document may be issued again.
    GeneratedDocument.objects.filter(pk=first.pk).update(
        state="queued",
        created_at=timezone.now() - services.STALLED_AFTER - dt.timedelta(minutes=1),
    )
    again = issue(coordinator, kind="annual", cycle=ready)
    assert again.number.display == "02/BC-SCT"


def test_an_agency_document_in_progress_does_not_block_the_annual_report(
    coordinator, agency_reporter, accepted_report
):
    ready_to_issue(accepted_report.cycle, coordinator)
    pending = issue(agency_reporter, kind="agency", agency_report=accepted_report)
    GeneratedDocument.objects.filter(pk=pending.pk).update(state="queued")
    annual = issue(coordinator, kind="annual", cycle=accepted_report.cycle)
    assert annual.number.display == "01/BC-SCT"
    with pytest.raises(services.DocumentInProgress):
        issue(coordinator, kind="agency", agency_report=accepted_report)


def test_the_annual_report_of_a_cycle_in_preparation_is_refused(coordinator, cycle_2025):
    ReportingCycle.objects.filter(pk=cycle_2025.pk).update(state="draft")
    cycle_2025.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.document_draft(actor=coordinator, kind="annual", cycle=cycle_2025)
    assert "2025" in excinfo.value.messages[0]
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("change", ["reopened", "new version"])
def test_a_report_changed_while_its_document_was_issued_is_not_numbered(
    agency_reporter, accepted_report, monkeypatch, change
):
    draft = services.document_draft(
        actor=agency_reporter, kind="agency", agency_report=accepted_report, formats=["docx"]
    )
    draft.refresh_from_db()
    assemble_report = assemble.agency_report

    def changed_meanwhile(**kwargs):
        document = assemble_report(**kwargs)
        reports = AgencyReport.objects.filter(pk=accepted_report.pk)
        if change == "reopened":
            reports.update(state=AgencyReport.State.SUBMITTED)
        else:
            reports.update(version=F("version") + 1)
        return document

    monkeypatch.setattr(assemble, "agency_report", changed_meanwhile)
    with pytest.raises(ValidationError) as excinfo:
        _issue(agency_reporter, draft)
    assert accepted_report.agency.name in excinfo.value.messages[0]
    assert not RegisteredNumber.objects.exists()
    assert not GeneratedDocument.objects.filter(is_draft=False).exists()


def test_a_failed_rendering_leaves_no_file_to_download(coordinator, ready, monkeypatch):
    from django.db.models.fields.files import FieldFile

    draft = _draft(coordinator, ready)

    def broken(document, *, content_hash=""):
        raise RuntimeError("hỏng bảng tính")

    saved: list[tuple[object, str]] = []
    save = FieldFile.save

    def recorded(self, name, content, **kwargs):
        save(self, name, content, **kwargs)
        saved.append((self.storage, self.name))

    monkeypatch.setattr(FieldFile, "save", recorded)
    monkeypatch.setattr("benvung.reports.xlsx.render_xlsx", broken)
    document = _issue(coordinator, draft)
    document.refresh_from_db()
    assert document.state == "failed" and "hỏng bảng tính" in document.message
    assert not document.docx and not document.xlsx and not document.pdf
    assert saved and all(not storage.exists(name) for storage, name in saved)  # the DOCX is gone
    response = client_for(coordinator).get(
        reverse("reports:document_download", args=[document.pk, "docx"])
    )
    assert response.status_code == 404


def test_the_xlsx_carries_the_documents_content_hash(coordinator, ready):
    document = issue(coordinator, kind="annual", cycle=ready)
    document.refresh_from_db()
    with document.xlsx.open("rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()))["Văn bản"]
    values = [row[1].value for row in sheet.iter_rows(min_row=1, max_col=2)]
    assert document.content_hash in values
