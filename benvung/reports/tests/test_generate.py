"""Generation: numbered, assembled, kept with its snapshot and hash, rendered in the background;
regeneration renders the same snapshot again."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from benvung.core.models import AuditEvent
from benvung.indicators.models import IndicatorResult
from benvung.reporting import services as reporting
from benvung.reports import content, services
from benvung.reports.models import GeneratedDocument
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
