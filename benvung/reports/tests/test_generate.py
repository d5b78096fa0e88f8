"""Generation: numbered, assembled, kept with its snapshot and hash, rendered in the background;
regeneration renders the same snapshot again."""

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
from benvung.reports.tests.conftest import ISSUED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_on_commit")]

NO_PDF = {"docx", "xlsx"}


def _docx_text(document: GeneratedDocument) -> str:
    with document.docx.open("rb") as f:
        docx = Document(io.BytesIO(f.read()))
    parts = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_coordinator_generates_the_annual_report(coordinator, cycle_2025):
    document = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )
    document.refresh_from_db()
    assert document.state == "done" and document.progress == 100
    assert document.number.display == "01/BC-SCT" and document.number.year == 2026
    assert document.snapshot["number"] == "01/BC-SCT"
    assert document.content_hash == services.content_hash(document.snapshot)
    assert len(document.content_hash) == 64
    assert document.data_as_of is not None and document.author == coordinator
    assert document.docx and document.xlsx and not document.pdf
    assert "01/BC-SCT" in _docx_text(document)
    event = AuditEvent.objects.get(action="document.generate")
    assert event.after["content_hash"] == document.content_hash
    assert event.after["number"] == "01/BC-SCT"


def test_without_libreoffice_the_docx_is_still_delivered(coordinator, cycle_2025, monkeypatch):
    def unavailable(docx: bytes, *, timeout: int = 120) -> bytes:
        raise PdfUnavailable("PDF không khả dụng: máy chủ chưa cài LibreOffice.")

    monkeypatch.setattr("benvung.reports.pdf.to_pdf", unavailable)
    document = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED
    )
    document.refresh_from_db()
    assert document.state == "done"
    assert document.docx and not document.pdf
    assert "LibreOffice" in document.message


def test_a_rendering_failure_is_kept_on_the_document(coordinator, cycle_2025, monkeypatch):
    def broken(document: content.OfficialDocument) -> bytes:
        raise RuntimeError("hỏng")

    monkeypatch.setattr("benvung.reports.docx.render_docx", broken)
    document = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )
    document.refresh_from_db()
    assert document.state == "failed" and "hỏng" in document.message
    assert document.number.display == "01/BC-SCT"  # the number stays taken


def test_only_the_coordinator_generates_the_annual_report(agency_reporter, cycle_2025):
    with pytest.raises(PermissionDenied):
        services.document_generate(
            actor=agency_reporter, kind="annual", cycle=cycle_2025, issued_on=ISSUED
        )
    assert not GeneratedDocument.objects.exists()


def test_an_agency_generates_its_own_accepted_report(agency_reporter, accepted_report):
    document = services.document_generate(
        actor=agency_reporter,
        kind="agency",
        agency_report=accepted_report,
        issued_on=ISSUED,
        formats=NO_PDF,
    )
    document.refresh_from_db()
    assert document.state == "done"
    assert document.issuer_id == accepted_report.agency_id
    assert document.number.display == "01/BC-SNNMT"
    text = " ".join(_docx_text(document).split())  # the header may wrap the agency's name
    assert "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in text and "01/BC-SNNMT" in text


def test_a_report_not_yet_accepted_cannot_be_issued(agency_reporter, cycle_2025):
    report = reporting.report_start(
        actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
    )
    with pytest.raises(ValidationError):
        services.document_generate(
            actor=agency_reporter, kind="agency", agency_report=report, issued_on=ISSUED
        )
    assert not GeneratedDocument.objects.exists()


def test_another_agency_cannot_issue_the_report(accepted_report, enterprise_a_user):
    from benvung.accounts.models import Role
    from benvung.conftest import make_user
    from benvung.directory.models import Agency

    other = make_user(Agency.objects.get(key="skhcn"), Role.AGENCY_REPORTER, "khcn@test.example")
    for actor in (other, enterprise_a_user):
        with pytest.raises(PermissionDenied):
            services.document_generate(
                actor=actor, kind="agency", agency_report=accepted_report, issued_on=ISSUED
            )


def test_regenerating_gives_the_same_figures_after_the_data_changed(
    coordinator, cycle_2025, synthesis, province_result
):
    first = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )
    first.refresh_from_db()
    before = _docx_text(first)
    assert "6,3 %" in before and "áp dụng sản xuất sạch hơn" in before

    # The data change afterwards.
    IndicatorResult.objects.filter(pk=province_result.pk).update(value="9.5")
    reporting.synthesis_save(
        actor=coordinator,
        cycle=cycle_2025,
        area=synthesis.content_area,
        text="Văn bản đã sửa sau khi ban hành.",
        version=synthesis.version,
    )

    again = services.document_regenerate(actor=coordinator, document=first, formats=NO_PDF)
    again.refresh_from_db()
    assert again.regenerated_from == first and again.state == "done"
    assert again.number_id == first.number_id
    assert again.snapshot == first.snapshot and again.content_hash == first.content_hash
    assert _docx_text(again) == before
    assert AuditEvent.objects.filter(action="document.regenerate").count() == 1

    # A new document reads the new data, under a new number.
    fresh = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )
    fresh.refresh_from_db()
    text = _docx_text(fresh)
    assert fresh.number.display == "02/BC-SCT" and fresh.content_hash != first.content_hash
    assert "9,5 %" in text and "Văn bản đã sửa" in text


def test_unknown_formats_are_refused(coordinator, cycle_2025):
    with pytest.raises(ValidationError) as excinfo:
        services.document_generate(
            actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats={"odt"}
        )
    assert "formats" in excinfo.value.message_dict


# --- Review fixes: language, dates, double submits, cycle state, locks, failed files ----------


def test_the_document_is_rendered_in_vietnamese_whatever_language_is_active(
    coordinator, cycle_2025
):
    with translation.override("en"):
        document = services.document_generate(
            actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
        )
        document.refresh_from_db()
        again = services.document_regenerate(actor=coordinator, document=document, formats=["docx"])
        again.refresh_from_db()
    for rendered in (document, again):
        text = _docx_text(rendered)
        assert "Số: 01/BC-SCT" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Nơi nhận:" in text and "No.:" not in text


def test_a_date_in_the_future_is_refused(coordinator, cycle_2025):
    tomorrow = services.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.document_generate(
            actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=tomorrow
        )
    assert "issued_on" in excinfo.value.message_dict
    assert tomorrow.strftime("%d/%m/%Y") in excinfo.value.message_dict["issued_on"][0]
    assert not RegisteredNumber.objects.exists()


def test_today_is_the_day_in_dong_nai(monkeypatch):
    # 23:30 UTC on 31 December is already 1 January in Dong Nai (UTC+7).
    moment = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: moment)
    assert services.today() == dt.date(2026, 1, 1)


def test_a_date_before_the_year_reported_on_is_refused(coordinator, cycle_2025):
    with pytest.raises(ValidationError) as excinfo:
        services.document_generate(
            actor=coordinator,
            kind="annual",
            cycle=cycle_2025,
            issued_on=dt.date(2024, 12, 31),
        )
    assert "2025" in excinfo.value.message_dict["issued_on"][0]
    assert not RegisteredNumber.objects.exists()


def test_a_date_earlier_than_the_last_number_of_the_register_is_refused(coordinator, cycle_2025):
    first = services.document_generate(
        actor=coordinator,
        kind="annual",
        cycle=cycle_2025,
        issued_on=dt.date(2026, 1, 10),
        formats=["docx"],
    )
    assert first.number.issued_on == dt.date(2026, 1, 10)
    with pytest.raises(ValidationError) as excinfo:
        services.document_generate(
            actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=["docx"]
        )
    message = excinfo.value.message_dict["issued_on"][0]
    assert "01/BC-SCT" in message and "10/01/2026" in message
    assert RegisteredNumber.objects.count() == 1
    # The same day, or later, is fine.
    second = services.document_generate(
        actor=coordinator,
        kind="annual",
        cycle=cycle_2025,
        issued_on=dt.date(2026, 1, 10),
        formats=["docx"],
    )
    assert second.number.display == "02/BC-SCT"


def test_a_second_document_is_refused_while_the_first_is_being_generated(coordinator, cycle_2025):
    first = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=["docx"]
    )
    for state in ("queued", "rendering"):
        GeneratedDocument.objects.filter(pk=first.pk).update(state=state)
        with pytest.raises(services.DocumentInProgress) as excinfo:
            services.document_generate(
                actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED
            )
        assert excinfo.value.document.pk == first.pk
        assert "01/BC-SCT" in excinfo.value.messages[0]
    assert RegisteredNumber.objects.count() == 1
    # Once it is finished (or failed), another may be generated.
    GeneratedDocument.objects.filter(pk=first.pk).update(state="failed")
    again = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=["docx"]
    )
    assert again.number.display == "02/BC-SCT"


def test_a_document_abandoned_in_the_queue_no_longer_blocks(coordinator, cycle_2025):
    first = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=["docx"]
    )
    # Its worker died half an hour ago and more: the same document may be generated again.
    GeneratedDocument.objects.filter(pk=first.pk).update(
        state="queued",
        created_at=timezone.now() - services.STALLED_AFTER - dt.timedelta(minutes=1),
    )
    again = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=["docx"]
    )
    assert again.number.display == "02/BC-SCT"


def test_an_agency_document_in_progress_does_not_block_the_annual_report(
    coordinator, agency_reporter, accepted_report
):
    pending = services.document_generate(
        actor=agency_reporter,
        kind="agency",
        agency_report=accepted_report,
        issued_on=ISSUED,
        formats=["docx"],
    )
    GeneratedDocument.objects.filter(pk=pending.pk).update(state="queued")
    annual = services.document_generate(
        actor=coordinator,
        kind="annual",
        cycle=accepted_report.cycle,
        issued_on=ISSUED,
        formats=["docx"],
    )
    assert annual.number.display == "01/BC-SCT"
    with pytest.raises(services.DocumentInProgress):
        services.document_generate(
            actor=coordinator, kind="agency", agency_report=accepted_report, issued_on=ISSUED
        )


def test_the_annual_report_of_a_cycle_in_preparation_is_refused(coordinator, cycle_2025):
    ReportingCycle.objects.filter(pk=cycle_2025.pk).update(state="draft")
    cycle_2025.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.document_generate(
            actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED
        )
    assert "2025" in excinfo.value.messages[0]
    assert not RegisteredNumber.objects.exists()


@pytest.mark.parametrize("change", ["reopened", "new version"])
def test_a_report_changed_while_its_document_was_assembled_is_not_numbered(
    agency_reporter, accepted_report, monkeypatch, change
):
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
        services.document_generate(
            actor=agency_reporter,
            kind="agency",
            agency_report=accepted_report,
            issued_on=ISSUED,
            formats=["docx"],
        )
    assert accepted_report.agency.name in excinfo.value.messages[0]
    assert not RegisteredNumber.objects.exists()
    assert not GeneratedDocument.objects.exists()


def test_a_failed_rendering_leaves_no_file_to_download(coordinator, cycle_2025, monkeypatch):
    from django.db.models.fields.files import FieldFile

    def broken(document, *, content_hash=""):
        raise RuntimeError("hỏng bảng tính")

    saved: list[tuple[object, str]] = []
    save = FieldFile.save

    def recorded(self, name, content, **kwargs):
        save(self, name, content, **kwargs)
        saved.append((self.storage, self.name))

    monkeypatch.setattr(FieldFile, "save", recorded)
    monkeypatch.setattr("benvung.reports.xlsx.render_xlsx", broken)
    document = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )
    document.refresh_from_db()
    assert document.state == "failed" and "hỏng bảng tính" in document.message
    assert not document.docx and not document.xlsx and not document.pdf
    assert saved and all(not storage.exists(name) for storage, name in saved)  # the DOCX is gone
    response = client_for(coordinator).get(
        reverse("reports:document_download", args=[document.pk, "docx"])
    )
    assert response.status_code == 404


def test_the_xlsx_carries_the_documents_content_hash(coordinator, cycle_2025):
    document = services.document_generate(
        actor=coordinator, kind="annual", cycle=cycle_2025, issued_on=ISSUED, formats=NO_PDF
    )
    document.refresh_from_db()
    with document.xlsx.open("rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()))["Văn bản"]
    values = [row[1].value for row in sheet.iter_rows(min_row=1, max_col=2)]
    assert document.content_hash in values
