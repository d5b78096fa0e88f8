"""Every write of the official documents: the register of numbers, generation, regeneration,
the coordinator's texts of the annual report. Permission-checked, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benvung.accounts import permissions as accounts
from benvung.core import audit
from benvung.directory.models import Agency, Organisation
from benvung.reporting.models import AgencyReport, ReportingCycle
from benvung.reporting.services import StaleVersion, clean_text

from . import assemble, content, permissions
from .models import (
    AnnualReportText,
    DocumentType,
    GeneratedDocument,
    NumberCounter,
    RegisteredNumber,
)

logger = logging.getLogger(__name__)

FORMATS = ("docx", "xlsx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


def _is_system(actor: Any) -> bool:
    """No user: a command or task run on the server (audited as the system)."""
    return actor is None


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- The register of numbers -------------------------------------------------------------------


def _locked_counter(issuer: Organisation, year: int) -> NumberCounter:
    """The issuer's counter for the year, locked until the transaction ends.

    The first reservation of a year creates the row; two creating it at once collide on the
    unique constraint, and the loser reads (and waits for) the winner's row.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a failed insert leaves the outer one usable
                counter, _created = NumberCounter.objects.select_for_update().get_or_create(
                    issuer=issuer, year=year
                )
            return counter
        except IntegrityError:
            continue
    raise ValidationError(_("The register is busy; try again in a moment."))


def number_reserve(
    *, actor: Any, issuer: Organisation, year: int, doc_type: str, summary: str
) -> RegisteredNumber:
    """The issuer's next number of the year: 01 on 1 January, never given twice."""
    if doc_type not in DocumentType.values:
        message = _("Unknown document type %(code)s.") % {"code": doc_type}
        raise ValidationError({"doc_type": message})
    _require(
        _is_system(actor) or accounts.is_coordinator(actor) or accounts.belongs_to(actor, issuer)
    )
    symbol = Agency.objects.filter(pk=issuer.pk).values_list("symbol", flat=True).first() or ""
    if not symbol:
        raise ValidationError(
            _(
                "%(issuer)s has no document symbol: record it in the directory before numbering "
                "its documents."
            )
            % {"issuer": issuer.name}
        )
    with transaction.atomic():
        counter = _locked_counter(issuer, year)
        counter.last += 1
        counter.save(update_fields=["last"])
        number = RegisteredNumber.objects.create(
            issuer=issuer,
            year=year,
            sequence=counter.last,
            doc_type=doc_type,
            issuer_symbol=symbol,
            summary=summary[:500],
            reserved_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="document_number.reserve",
            target=number,
            after={"number": number.display, "year": year, "summary": number.summary},
        )
    return number


# --- Generation --------------------------------------------------------------------------------


def content_hash(snapshot: Mapping[str, Any]) -> str:
    """sha256 of the snapshot's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _formats(formats: Iterable[str]) -> list[str]:
    chosen = [f for f in FORMATS if f in set(formats)]
    unknown = set(formats) - set(FORMATS)
    if unknown or not chosen:
        raise ValidationError(
            {
                "formats": _("Choose among %(formats)s.")
                % {"formats": ", ".join(f.upper() for f in FORMATS)}
            }
        )
    if "docx" not in chosen:  # the PDF is converted from it, and it is the document of record
        chosen.insert(0, "docx")
    return chosen


def document_generate(
    *,
    actor: Any,
    kind: str,
    cycle: ReportingCycle | None = None,
    agency_report: AgencyReport | None = None,
    issued_on: dt.date,
    formats: Iterable[str] = FORMATS,
    background: bool = True,
) -> GeneratedDocument:
    """Number, assemble and keep a document; its files are rendered in the background (or
    here, `background=False`, for the command)."""
    chosen = _formats(formats)
    if kind == GeneratedDocument.Kind.ANNUAL:
        if cycle is None:
            raise ValidationError(_("Choose the reporting cycle of the annual report."))
        _require(_is_system(actor) or permissions.can_generate_annual(actor))
        issuer: Organisation = cycle.plan.coordinator
        document = assemble.annual_report(cycle=cycle, number="", issued_on=issued_on)
    elif kind == GeneratedDocument.Kind.AGENCY:
        if agency_report is None:
            raise ValidationError(_("Choose the agency report to generate."))
        _require(_is_system(actor) or permissions.can_generate_agency_report(actor, agency_report))
        if agency_report.state != AgencyReport.State.ACCEPTED:
            raise ValidationError(
                _("Only an accepted report can be issued as a document (this one is %(state)s).")
                % {"state": agency_report.get_state_display()}
            )
        cycle = agency_report.cycle
        issuer = agency_report.agency
        document = assemble.agency_report(report=agency_report, number="", issued_on=issued_on)
    else:
        raise ValidationError({"kind": _("Unknown kind of document.")})

    # Assembled before the register is locked: reading the data takes a while, and other
    # documents of the organisation must not wait for it.
    with transaction.atomic():
        number = number_reserve(
            actor=actor,
            issuer=issuer,
            year=issued_on.year,
            doc_type=document.doc_type_symbol,
            summary=document.summary,
        )
        document.number = number.display
        snapshot = content.to_json(document)
        generated = GeneratedDocument.objects.create(
            kind=kind,
            cycle=cycle,
            agency_report=agency_report,
            issuer=issuer,
            number=number,
            issued_on=issued_on,
            author=_user(actor),
            snapshot=snapshot,
            content_hash=content_hash(snapshot),
            data_as_of=assemble.data_as_of(document),
        )
        audit.record(
            actor=actor,
            action="document.generate",
            target=generated,
            after={
                "kind": kind,
                "number": number.display,
                "issued_on": issued_on.isoformat(),
                "content_hash": generated.content_hash,
                "formats": chosen,
            },
        )
        if background:
            _enqueue(generated, chosen)
    if not background:
        generated = document_render(generated.pk, chosen)
    return generated


def document_regenerate(
    *, actor: Any, document: GeneratedDocument, formats: Iterable[str] = FORMATS
) -> GeneratedDocument:
    """The same snapshot rendered again: same number, same figures, even if the data changed."""
    _require(_is_system(actor) or permissions.can_regenerate(actor, document))
    chosen = _formats(formats)
    with transaction.atomic():
        again = GeneratedDocument.objects.create(
            kind=document.kind,
            cycle_id=document.cycle_id,
            agency_report_id=document.agency_report_id,
            issuer_id=document.issuer_id,
            number_id=document.number_id,
            issued_on=document.issued_on,
            regenerated_from=document,
            author=_user(actor),
            snapshot=document.snapshot,
            content_hash=content_hash(document.snapshot),
            data_as_of=document.data_as_of,
        )
        audit.record(
            actor=actor,
            action="document.regenerate",
            target=again,
            after={
                "from": document.pk,
                "number": document.number.display if document.number else "",
                "content_hash": again.content_hash,
                "formats": chosen,
            },
        )
        _enqueue(again, chosen)
    return again


def _enqueue(document: GeneratedDocument, formats: list[str]) -> None:
    from . import tasks

    pk = document.pk
    transaction.on_commit(lambda: tasks.render_document.enqueue(pk, formats))


def _progress(document: GeneratedDocument, progress: int, **fields: Any) -> None:
    """Saved at once (outside any transaction), so the progress page sees it."""
    document.progress = progress
    for name, value in fields.items():
        setattr(document, name, value)
    document.save(update_fields=["progress", "updated_at", *fields])


def file_name(document: GeneratedDocument, fmt: str) -> str:
    """ "BC-05-SCT-2026.docx": the number without the slash, then the year."""
    if document.number is None:
        return f"document-{document.pk}.{fmt}"
    number = document.number
    return f"{number.doc_type}-{number.sequence:02d}-{number.issuer_symbol}-{number.year}.{fmt}"


def document_render(document_id: int, formats: Iterable[str] = FORMATS) -> GeneratedDocument:
    """Render the stored snapshot to the files asked for (the background task's work).

    DOCX 10→60 %, XLSX →75 %, PDF →95 %. Without LibreOffice the PDF is left out with the
    reason kept on the document; the DOCX is still delivered.
    """
    from .docx import render_docx
    from .pdf import PdfUnavailable, to_pdf
    from .xlsx import render_xlsx

    document = GeneratedDocument.objects.select_related("number").get(pk=document_id)
    chosen = set(formats)
    messages: list[str] = []
    _progress(document, 10, state=GeneratedDocument.State.RENDERING, message="")
    try:
        official = content.from_json(document.snapshot)
        docx_bytes = render_docx(official)
        document.docx.save(file_name(document, "docx"), ContentFile(docx_bytes), save=False)
        _progress(document, 60, docx=document.docx)
        if "xlsx" in chosen:
            data = render_xlsx(official)
            document.xlsx.save(file_name(document, "xlsx"), ContentFile(data), save=False)
            _progress(document, 75, xlsx=document.xlsx)
        if "pdf" in chosen:
            try:
                data = to_pdf(docx_bytes)
            except PdfUnavailable as exc:
                messages.append(str(exc))
            else:
                document.pdf.save(file_name(document, "pdf"), ContentFile(data), save=False)
            _progress(document, 95, pdf=document.pdf)
    except Exception as exc:
        logger.exception("rendering document %s failed", document_id)
        _progress(
            document,
            document.progress,
            state=GeneratedDocument.State.FAILED,
            message=_("The document could not be generated: %(error)s") % {"error": exc},
        )
        return document
    _progress(
        document, 100, state=GeneratedDocument.State.DONE, message="\n".join(messages).strip()
    )
    return document


def render_now(document: GeneratedDocument, fmt: str) -> bytes:
    """One format of a stored document rendered in this process (the command's way)."""
    official = content.from_json(document.snapshot)
    from .docx import render_docx

    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(official)
    docx_bytes = render_docx(official)
    if fmt == "pdf":
        from .pdf import to_pdf

        return to_pdf(docx_bytes)
    return docx_bytes


# --- The coordinator's texts of the annual report ----------------------------------------------

ANNUAL_TEXT_FIELDS = (
    "achievements",
    "limitations",
    "next_year_tasks",
    "proposals",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
)


def annual_text_save(
    *, actor: Any, cycle: ReportingCycle, fields: Mapping[str, Any], version: int | None
) -> AnnualReportText:
    """Save sections II-IV, the signer and the recipients; refused when someone else saved
    since the page was opened (`version` None: there was no text then)."""
    _require(permissions.can_edit_annual_text(actor))
    with transaction.atomic():
        text, created = AnnualReportText.objects.select_for_update().get_or_create(cycle=cycle)
        if (version is None and not created) or (version is not None and text.version != version):
            who = text.updated_by.full_name if text.updated_by else _("someone")
            raise StaleVersion(
                _(
                    "%(who)s saved this text after you opened it. Your text is kept below: "
                    "compare, then save again."
                )
                % {"who": who},
                current_version=text.version,
            )
        before = audit.snapshot(text, exclude=["version", "updated_by"])
        for name in ANNUAL_TEXT_FIELDS:
            if name in fields:
                setattr(text, name, clean_text(fields[name]))
        if not created:
            text.version += 1
        text.updated_by = _user(actor)
        text.save()
        audit.record(
            actor=actor,
            action="annual_text.update",
            target=text,
            before=None if created else before,
            after=audit.snapshot(text, exclude=["version", "updated_by"]),
        )
    return text
