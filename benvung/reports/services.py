"""Every write of the official documents: the register of numbers, generation, regeneration,
the coordinator's texts of the annual report. Permission-checked, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benvung.core import audit
from benvung.directory.models import Agency, Organisation
from benvung.reporting.models import AgencyReport, ReportingCycle
from benvung.reporting.services import StaleVersion, clean_text

from . import assemble, content, permissions, readiness, selectors
from .models import (
    AnnualReportText,
    DocumentType,
    GeneratedDocument,
    NumberCounter,
    RegisteredNumber,
)

if TYPE_CHECKING:
    from benvung.accounts.models import User

logger = logging.getLogger(__name__)

# The documents are dated in the province's time, whatever the server's zone.
PROVINCE_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

FORMATS = ("docx", "xlsx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


def _is_system(actor: User | None) -> bool:
    """No user: a command or task run on the server (audited as the system)."""
    return actor is None


def _user(actor: User | None) -> Any:
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


def today() -> dt.date:
    """Today in Dong Nai."""
    return timezone.localdate(timezone=PROVINCE_TIME)


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_issued_on(issued_on: dt.date, *, cycle: ReportingCycle | None = None) -> None:
    """The date printed on a document: not after today, not before the year it reports on.
    (The order of the register is checked when the number is taken, under its lock.)"""
    now = today()
    if issued_on > now:
        raise ValidationError(
            {
                "issued_on": _(
                    "The date of the document (%(date)s) is after today (%(today)s): a document "
                    "cannot be dated in the future."
                )
                % {"date": _day(issued_on), "today": _day(now)}
            }
        )
    if cycle is not None and issued_on.year < cycle.year:
        raise ValidationError(
            {
                "issued_on": _(
                    "The date of the document (%(date)s) is before %(year)s, the year it "
                    "reports on: choose a date in %(year)s or later."
                )
                % {"date": _day(issued_on), "year": cycle.year}
            }
        )


def _check_register_order(issuer: Organisation, year: int, issued_on: dt.date) -> None:
    """Numbers follow the order of the dates: a new number cannot carry a date earlier than
    the last one given in the year. Called with the issuer's counter locked."""
    last = (
        RegisteredNumber.objects.filter(issuer=issuer, year=year, issued_on__isnull=False)
        .order_by("-issued_on", "-sequence")
        .first()
    )
    if last is not None and last.issued_on is not None and issued_on < last.issued_on:
        raise ValidationError(
            {
                "issued_on": _(
                    "The date of the document (%(date)s) is earlier than that of %(number)s, "
                    "the last document numbered by %(issuer)s (%(last)s): numbers follow the "
                    "order of the dates. Choose %(last)s or a later date."
                )
                % {
                    "date": _day(issued_on),
                    "number": last.display,
                    "issuer": issuer.name,
                    "last": _day(last.issued_on),
                }
            }
        )


def number_reserve(
    *,
    actor: User | None,
    issuer: Organisation,
    year: int,
    doc_type: str,
    summary: str,
    issued_on: dt.date | None = None,
) -> RegisteredNumber:
    """The issuer's next number of the year: 01 on 1 January, never given twice. With
    `issued_on`, refused when an earlier number of the year carries a later date."""
    if doc_type not in DocumentType.values:
        message = _("Unknown document type %(code)s.") % {"code": doc_type}
        raise ValidationError({"doc_type": message})
    _require(_is_system(actor) or permissions.can_take_number(actor, issuer))
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
        if issued_on is not None:
            _check_register_order(issuer, year, issued_on)
        counter.last += 1
        counter.save(update_fields=["last"])
        number = RegisteredNumber.objects.create(
            issuer=issuer,
            year=year,
            sequence=counter.last,
            doc_type=doc_type,
            issuer_symbol=symbol,
            summary=summary[:500],
            issued_on=issued_on,
            reserved_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="document_number.reserve",
            target=number,
            after={
                "number": number.display,
                "year": year,
                "summary": number.summary,
                "issued_on": issued_on.isoformat() if issued_on else None,
            },
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


class DocumentInProgress(ValidationError):
    """The same document is already waiting or being generated (a double submit)."""

    def __init__(self, message: str, document: GeneratedDocument) -> None:
        super().__init__(message, code="in_progress")
        self.document = document


class AlreadyIssued(ValidationError):
    """The draft was issued already: issuing it again would take a second number."""

    def __init__(self, message: str, document: GeneratedDocument) -> None:
        super().__init__(message, code="already_issued")
        self.document = document


class DataChanged(ValidationError):
    """The data behind a draft changed since it was made: issuing it would number a document
    nobody reviewed. `draft` is the draft refused."""

    def __init__(self, message: str, draft: GeneratedDocument) -> None:
        super().__init__(message, code="data_changed")
        self.draft = draft


# A document renders in seconds, a long one in a minute or two: one still waiting after this
# was abandoned by its worker.
STALLED_AFTER = dt.timedelta(minutes=30)


def _in_progress(
    kind: str,
    cycle: ReportingCycle,
    agency_report: AgencyReport | None,
    issuer: Organisation,
    *,
    draft: bool = False,
) -> None:
    """Refuses a second document while the same one is still queued or rendering: a double
    click must not take two numbers (nor make two drafts). One left waiting longer than
    STALLED_AFTER (its worker died) no longer blocks: the document can be generated again."""
    pending = (
        GeneratedDocument.objects.filter(
            kind=kind,
            cycle=cycle,
            agency_report=agency_report,
            issuer=issuer,
            is_draft=draft,
            state__in=[GeneratedDocument.State.QUEUED, GeneratedDocument.State.RENDERING],
            created_at__gte=timezone.now() - STALLED_AFTER,
        )
        .select_related("number")
        .order_by("-created_at")
        .first()
    )
    if pending is None:
        return
    if draft:
        raise DocumentInProgress(
            _("A draft of the same document is already being generated: wait until it is ready."),
            pending,
        )
    raise DocumentInProgress(
        _(
            "The same document (number %(number)s) is already being generated: wait until "
            "it is ready before generating another."
        )
        % {"number": pending.number.display if pending.number else "—"},
        pending,
    )


def _still_accepted(report: AgencyReport, version: int | None) -> None:
    """The agency's report, locked, is still the accepted version the document was built
    from: reopened or changed meanwhile, the document would say something no longer true."""
    locked = AgencyReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != AgencyReport.State.ACCEPTED or locked.version != version:
        raise ValidationError(
            _(
                "The report of %(agency)s changed while the document was being prepared (it is "
                "now %(state)s, version %(version)s): nothing was numbered. Generate it again."
            )
            % {
                "agency": report.agency.name,
                "state": locked.get_state_display(),
                "version": locked.version,
            }
        )


def _subject(
    actor: User | None,
    kind: str,
    cycle: ReportingCycle | None,
    agency_report: AgencyReport | None,
) -> tuple[ReportingCycle, AgencyReport | None, Organisation]:
    """Who may make the document, and whether it can be made at all: (cycle, agency report,
    issuer). The same checks for a draft and for issuing."""
    if kind == GeneratedDocument.Kind.ANNUAL:
        if cycle is None:
            raise ValidationError(_("Choose the reporting cycle of the annual report."))
        _require(_is_system(actor) or permissions.can_generate_annual(actor))
        if cycle.state == ReportingCycle.State.DRAFT:
            raise ValidationError(
                _(
                    "The %(year)s reporting cycle is still in preparation: open it before "
                    "generating its annual report."
                )
                % {"year": cycle.year}
            )
        return cycle, None, cycle.plan.coordinator
    if kind == GeneratedDocument.Kind.AGENCY:
        if agency_report is None:
            raise ValidationError(_("Choose the agency report to generate."))
        _require(_is_system(actor) or permissions.can_generate_agency_report(actor, agency_report))
        if agency_report.state != AgencyReport.State.ACCEPTED:
            raise ValidationError(
                _("Only an accepted report can be issued as a document (this one is %(state)s).")
                % {"state": agency_report.get_state_display()}
            )
        return agency_report.cycle, agency_report, agency_report.agency
    raise ValidationError({"kind": _("Unknown kind of document.")})


def _assemble(
    kind: str,
    *,
    cycle: ReportingCycle,
    agency_report: AgencyReport | None,
    issued_on: dt.date,
    signature: content.Signature | None = None,
    recipients: Sequence[str] | None = None,
) -> tuple[content.OfficialDocument, list[readiness.Gap]]:
    """The document read from the data now, without a number, and what its data lack."""
    if agency_report is not None:
        document = assemble.agency_report(
            report=agency_report,
            number="",
            issued_on=issued_on,
            signature=signature,
            recipients=recipients,
        )
        return document, readiness.agency_gaps(agency_report)
    return assemble.annual_report_and_gaps(cycle=cycle, number="", issued_on=issued_on)


def content_fingerprint(snapshot: Mapping[str, Any]) -> str:
    """The hash of what a document says, without what issuing changes (number, date, the
    draft mark) and without its provenance (the moments the data were read): a draft and the
    document issued from it, or a draft and the same data read again, have the same one."""
    said = {
        k: v for k, v in snapshot.items() if k not in ("number", "issued_on", "draft", "provenance")
    }
    return content_hash(said)


def gap_data(gaps: Iterable[readiness.Gap]) -> list[dict[str, Any]]:
    return [gap.as_data() for gap in gaps]


def document_draft(
    *,
    actor: User | None,
    kind: str,
    cycle: ReportingCycle | None = None,
    agency_report: AgencyReport | None = None,
    formats: Iterable[str] = FORMATS,
    background: bool = True,
    signature: content.Signature | None = None,
    recipients: Sequence[str] | None = None,
) -> GeneratedDocument:
    """A draft of the document: assembled from the data now, marked "DỰ THẢO", without a
    number (none is taken), as often as wanted. What the data lack is kept with it (`gaps`),
    to be shown as a warning. Its files are rendered in the background (or here,
    `background=False`, for the command)."""
    chosen = _formats(formats)
    cycle, agency_report, issuer = _subject(actor, kind, cycle, agency_report)
    _in_progress(kind, cycle, agency_report, issuer, draft=True)
    drafted_on = today()
    document, gaps = _assemble(
        kind,
        cycle=cycle,
        agency_report=agency_report,
        issued_on=drafted_on,
        signature=signature,
        recipients=recipients,
    )
    document.draft = True
    snapshot = content.to_json(document)
    with transaction.atomic():
        _in_progress(kind, cycle, agency_report, issuer, draft=True)
        generated = GeneratedDocument.objects.create(
            kind=kind,
            cycle=cycle,
            agency_report=agency_report,
            issuer=issuer,
            is_draft=True,
            issued_on=drafted_on,
            author=_user(actor),
            snapshot=snapshot,
            content_hash=content_hash(snapshot),
            data_as_of=assemble.data_as_of(document),
            gaps=gap_data(gaps),
        )
        audit.record(
            actor=actor,
            action="document.draft",
            target=generated,
            after={
                "kind": kind,
                "cycle": cycle.year,
                "content_hash": generated.content_hash,
                "gaps": generated.gaps,
                "formats": chosen,
            },
        )
        if background:
            _enqueue(generated, chosen)
    if not background:
        generated = document_render(generated.pk, chosen)
    return generated


def _annual_text_url(cycle: ReportingCycle) -> str:
    from django.urls import reverse

    return reverse("reports:annual_text", args=[cycle.pk])


def _ready_to_issue(draft: GeneratedDocument, cycle: ReportingCycle) -> None:
    """What the annual report cannot be issued without (selectors.issue_requirements: the
    drafting unit of "Lưu: VT, ..." and the signer's name; a draft may leave its name line
    empty). Both errors at once, each naming its field and where to write it."""
    where = {"year": cycle.year, "url": _annual_text_url(cycle)}
    messages = {
        "drafting_unit": _(
            "The “Drafting unit” of the %(year)s annual report (the unit named after “Lưu: "
            "VT,”) is not filled in: enter it on the page of the annual report's texts "
            "(%(url)s), then make a new draft."
        ),
        "signer_name": _(
            "The “Signer” of the %(year)s annual report has no name: enter the signer's "
            "name on the page of the annual report's texts (%(url)s), then make a new draft."
        ),
    }
    errors = {
        r.field: messages[r.field] % where for r in selectors.issue_requirements(draft) if not r.met
    }
    if errors:
        raise ValidationError(errors)


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What differs between two provenance blocks, in words: why a draft is out of date."""
    found = []

    def versions(data: Mapping[str, Any], key: str) -> Any:
        value = data.get(key)
        if isinstance(value, list):
            return sorted(
                json.dumps(v, sort_keys=True, default=str) for v in value if isinstance(v, dict)
            )
        return value

    if versions(before, "agency_reports") != versions(after, "agency_reports") or before.get(
        "agency_report", {}
    ) != after.get("agency_report", {}):
        found.append(_("agency reports were submitted, accepted, reopened or changed"))
    if versions(before, "syntheses") != versions(after, "syntheses"):
        found.append(_("consolidated texts of content areas were saved"))
    if before.get("annual_text") != after.get("annual_text"):
        found.append(_("the texts of the annual report (sections II-IV, signer, recipients)"))
    old_results = {(r.get("id"), r.get("input_hash")) for r in before.get("indicator_results", [])}
    new_results = {(r.get("id"), r.get("input_hash")) for r in after.get("indicator_results", [])}
    if old_results != new_results or before.get("targets") != after.get("targets"):
        found.append(_("indicator figures were computed again"))
    if before.get("efficiency") != after.get("efficiency"):
        found.append(_("enterprises' energy and production figures"))
    if before.get("counts") != after.get("counts") or before.get("records") != after.get("records"):
        found.append(_("outreach activities, models or surveys recorded"))
    return found


def document_issue(
    *,
    actor: User | None,
    draft: GeneratedDocument,
    issued_on: dt.date,
    formats: Iterable[str] = FORMATS,
    confirm_missing: bool = False,
    confirm_reissue: bool = False,
    background: bool = True,
) -> GeneratedDocument:
    """Issue a draft: the next number of the issuer's register, the date, and exactly the
    content of the draft (its snapshot). Refused, with nothing numbered:

    - when the same report (kind, cycle, agency report) was issued already from another
      draft, unless `confirm_reissue`: the new number replaces the earlier document, which
      stays in the register;

    - when the data behind the draft changed since it was made (the data read again must say
      the same; otherwise a new draft is to be made and looked at);
    - while data are missing (the cycle open, agencies owing reports, no enterprise figures,
      targets without a figure ...), unless `confirm_missing` says the issuer knows;
    - for the annual report, without its drafting unit and its signer's name;
    - when the draft was issued already (a double click takes one number, not two).
    """
    chosen = _formats(formats)
    if not draft.is_draft:
        raise ValidationError(
            _("Only a draft can be issued: this document has number %(number)s already.")
            % {"number": draft.number.display if draft.number else "—"}
        )
    cycle, agency_report, issuer = _subject(actor, draft.kind, draft.cycle, draft.agency_report)
    _require(_is_system(actor) or permissions.can_issue(actor, draft))
    issued = selectors.issued_from(draft)
    if issued is not None:
        raise _already_issued(issued)
    if draft.state != GeneratedDocument.State.DONE:
        raise ValidationError(
            _(
                "The draft is not ready (%(state)s): wait until its files are made, look at "
                "them, then issue it."
            )
            % {"state": draft.get_state_display()}
        )
    check_issued_on(issued_on, cycle=cycle)
    _ready_to_issue(draft, cycle)
    earlier = earlier_issue(draft)
    if earlier is not None and not confirm_reissue:
        raise ValidationError(
            {
                "confirm_reissue": [
                    _(
                        "This report was issued already as number %(number)s of %(date)s: "
                        "issuing this draft gives it a second number, a document replacing "
                        "the first. Tick the confirmation to issue it all the same."
                    )
                    % {
                        "number": earlier.number.display if earlier.number else "—",
                        "date": _day(earlier.issued_on),
                    }
                ]
            }
        )
    given = content.from_json(draft.snapshot)
    fresh, gaps = _assemble(
        draft.kind,
        cycle=cycle,
        agency_report=agency_report,
        issued_on=issued_on,
        signature=given.signature if agency_report is not None else None,
        recipients=given.recipients if agency_report is not None else None,
    )
    if content_fingerprint(content.to_json(fresh)) != content_fingerprint(draft.snapshot):
        changes = _changes(draft.snapshot.get("provenance", {}), fresh.provenance)
        raise DataChanged(
            _(
                "The data behind this draft changed since it was made (%(changes)s): issuing it "
                "would number a document nobody has looked at. Make a new draft, look at it, "
                "then issue it."
            )
            % {"changes": "; ".join(changes) or _("the data read")},
            draft,
        )
    if gaps and not confirm_missing:
        raise ValidationError(
            {
                "confirm_missing": [
                    _(
                        "Data are missing for this document: tick the confirmation to issue it "
                        "all the same."
                    ),
                    *readiness.messages(gaps),
                ]
            }
        )

    # The data were read before the register is locked (reading takes a while, and other
    # documents of the organisation must not wait for it); what may change meanwhile is
    # checked again with the rows locked.
    with transaction.atomic():
        _locked_counter(issuer, issued_on.year)
        GeneratedDocument.objects.select_for_update().get(pk=draft.pk)
        issued = selectors.issued_from(draft)
        if issued is not None:
            raise _already_issued(issued)
        if agency_report is not None:
            assembled = draft.snapshot.get("provenance", {}).get("agency_report", {})
            _still_accepted(agency_report, assembled.get("version"))
        _in_progress(draft.kind, cycle, agency_report, issuer)
        number = number_reserve(
            actor=actor,
            issuer=issuer,
            year=issued_on.year,
            doc_type=given.doc_type_symbol,
            summary=given.summary,
            issued_on=issued_on,
        )
        snapshot = {
            **draft.snapshot,
            "number": number.display,
            "issued_on": issued_on.isoformat(),
            "draft": False,
            "provenance": {
                **draft.snapshot.get("provenance", {}),
                "draft": {"id": draft.pk, "content_hash": draft.content_hash},
            },
        }
        generated = GeneratedDocument.objects.create(
            kind=draft.kind,
            cycle=cycle,
            agency_report=agency_report,
            issuer=issuer,
            number=number,
            issued_on=issued_on,
            from_draft=draft,
            author=_user(actor),
            snapshot=snapshot,
            content_hash=content_hash(snapshot),
            data_as_of=draft.data_as_of,
            gaps=gap_data(gaps),
            gaps_confirmed=bool(gaps),
        )
        audit.record(
            actor=actor,
            action="document.issue",
            target=generated,
            after={
                "kind": draft.kind,
                "number": number.display,
                "issued_on": issued_on.isoformat(),
                "from_draft": draft.pk,
                "draft_content_hash": draft.content_hash,
                "content_hash": generated.content_hash,
                "missing_data_confirmed": readiness.messages(gaps),
                "formats": chosen,
            },
        )
        if background:
            _enqueue(generated, chosen)
    if not background:
        generated = document_render(generated.pk, chosen)
    return generated


def earlier_issue(draft: GeneratedDocument) -> GeneratedDocument | None:
    """The same report issued already from another draft (the latest), if any."""
    return (
        GeneratedDocument.objects.filter(
            kind=draft.kind,
            cycle_id=draft.cycle_id,
            agency_report_id=draft.agency_report_id,
            issuer_id=draft.issuer_id,
            is_draft=False,
            regenerated_from__isnull=True,
        )
        .exclude(from_draft=draft)
        .select_related("number")
        .order_by("-created_at")
        .first()
    )


def _already_issued(issued: GeneratedDocument) -> AlreadyIssued:
    return AlreadyIssued(
        _("This draft was issued already, as number %(number)s.")
        % {"number": issued.number.display if issued.number else "—"},
        issued,
    )


def document_regenerate(
    *, actor: User | None, document: GeneratedDocument, formats: Iterable[str] = FORMATS
) -> GeneratedDocument:
    """The same snapshot rendered again: same number, same figures, even if the data changed.
    A draft is not rendered again: a new draft reads the data again, which is what a draft is
    for (and a copy of a draft could be issued a second time)."""
    _require(_is_system(actor) or permissions.can_regenerate(actor, document))
    if document.is_draft:
        raise ValidationError(
            _("A draft is not generated again: make a new draft, which reads the data again.")
        )
    chosen = _formats(formats)
    with transaction.atomic():
        again = GeneratedDocument.objects.create(
            kind=document.kind,
            cycle_id=document.cycle_id,
            agency_report_id=document.agency_report_id,
            issuer_id=document.issuer_id,
            number_id=document.number_id,
            from_draft_id=document.from_draft_id,
            issued_on=document.issued_on,
            regenerated_from=document,
            author=_user(actor),
            snapshot=document.snapshot,
            content_hash=content_hash(document.snapshot),
            data_as_of=document.data_as_of,
            gaps=document.gaps,
            gaps_confirmed=document.gaps_confirmed,
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
    """ "BC-05-SCT-2026.docx": the number without the slash, then the year. A draft:
    "DU-THAO-BC-SCT-2025-17.docx" (the year reported on, then the draft's own id)."""
    if document.is_draft or document.number is None:
        symbol = document.snapshot.get("doc_type_symbol", "")
        issuer = (document.snapshot.get("issuer") or {}).get("symbol", "")
        parts = [p for p in ("DU-THAO", symbol, issuer, str(document.cycle.year)) if p]
        return f"{'-'.join(parts)}-{document.pk}.{fmt}"
    number = document.number
    return f"{number.doc_type}-{number.sequence:02d}-{number.issuer_symbol}-{number.year}.{fmt}"


def _remove_files(document: GeneratedDocument) -> dict[str, Any]:
    """The files a failed rendering already saved, deleted: a failed document offers none."""
    cleared: dict[str, Any] = {}
    for fmt in FORMATS:
        stored = getattr(document, fmt)
        if stored:
            try:
                stored.delete(save=False)
            except OSError:  # already gone: the field is cleared all the same
                logger.warning("could not delete %s of document %s", fmt, document.pk)
        cleared[fmt] = ""
    return cleared


def document_render(document_id: int, formats: Iterable[str] = FORMATS) -> GeneratedDocument:
    """Render the stored snapshot to the files asked for (the background task's work), in
    Vietnamese whatever language the worker or the page runs in.

    DOCX 10→60 %, XLSX →75 %, PDF →95 %. Without LibreOffice the PDF is left out with the
    reason kept on the document; the DOCX is still delivered. When anything else fails, the
    files already made are removed: a failed document has nothing to download.
    """
    with translation.override(assemble.LANGUAGE):
        return _render(document_id, formats)


def _render(document_id: int, formats: Iterable[str]) -> GeneratedDocument:
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
            data = render_xlsx(official, content_hash=document.content_hash)
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
            **_remove_files(document),
        )
        return document
    _progress(
        document, 100, state=GeneratedDocument.State.DONE, message="\n".join(messages).strip()
    )
    return document


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
    "drafting_unit",
)


def annual_text_save(
    *, actor: User | None, cycle: ReportingCycle, fields: Mapping[str, Any], version: int | None
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
        if text.recipients.strip():
            # "Lưu: ..." is the last line, once, whatever was typed (in Vietnamese, as the
            # document is).
            with translation.override(assemble.LANGUAGE):
                lines = assemble.recipients_list(text.recipients, text.drafting_unit)
            text.recipients = assemble.recipients_text(lines)
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
