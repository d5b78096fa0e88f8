"""Every write of the reporting cycle: validated, permission-checked, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benvung.core import audit, uploads, years
from benvung.core.concurrency import StaleEdit
from benvung.directory.models import Organisation
from benvung.plans.models import ContentArea, FundingSource, Plan

from . import permissions, selectors
from .models import (
    AgencyReport,
    Attachment,
    ReportingCycle,
    ReportTransition,
    Synthesis,
    TaskReport,
)

if TYPE_CHECKING:
    from benvung.accounts.models import User

State = AgencyReport.State
MAX_ATTACHMENT_BYTES: int = settings.REPORT_ATTACHMENT_MAX_BYTES
TASK_FIELDS = (
    "status",
    "narrative",
    "events_held",
    "participants",
    "enterprises_reached",
    "models_built",
    "documents_issued",
    "budget_vnd",
    "difficulties",
    "proposals",
)


class StaleVersion(StaleEdit):
    """Someone saved the same text since this person opened it: the shared refusal
    (core.concurrency), so the pages and the API answer it as they answer any stale save.

    `current_version` lets the page offer the typed text again on top of the saved version.
    """

    def __init__(
        self, message: str, current_version: int, updated_by: str = "", updated_at: Any = None
    ) -> None:
        super().__init__(
            message,
            current_version=current_version,
            updated_by=updated_by,
            updated_at=updated_at,
        )


# Characters a paste from a word processor can bring that no document format accepts
# (everything below U+0020 except tab and newline).
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean_text(value: str | None) -> str:
    return (value or "").translate(_CONTROL).replace("\r\n", "\n").strip()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- Cycles ----------------------------------------------------------------------------------


def cycle_defaults(plan: Plan, year: int) -> dict[str, dt.date]:
    """Data window = the calendar year; reports due by the plan's deadline, the last day on
    time (30 November for Plan 202, whose section VI.1.c asks for reports "trước ngày
    01/12"); the synthesis report two weeks later."""
    deadline = plan.report_deadline(year)
    return {
        "data_start": dt.date(year, 1, 1),
        "data_end": dt.date(year, 12, 31),
        "report_deadline": deadline,
        "synthesis_deadline": deadline + dt.timedelta(days=14),
    }


def _validate_cycle(cycle: ReportingCycle) -> None:
    errors: dict[str, list[str]] = {}
    if cycle.data_end < cycle.data_start:
        errors["data_end"] = [
            _("The data window ends (%(end)s) before it starts (%(start)s).")
            % {"end": _day(cycle.data_end), "start": _day(cycle.data_start)}
        ]
    if cycle.synthesis_deadline < cycle.report_deadline:
        errors["synthesis_deadline"] = [
            _("The synthesis is due before the agencies' reports (%(day)s).")
            % {"day": _day(cycle.report_deadline)}
        ]
    if (year_problem := years.plan_year_problem(cycle.year, cycle.plan)) is not None:
        errors["year"] = [year_problem]
    if errors:
        raise ValidationError(errors)


def cycle_create(
    *, actor: User, plan: Plan, year: int, fields: Mapping[str, Any] | None = None
) -> ReportingCycle:
    _require(permissions.can_manage_cycles(actor))
    given = {k: v for k, v in (fields or {}).items() if v}
    values = {**cycle_defaults(plan, year), **given}
    if "synthesis_deadline" not in given:
        # Two weeks after the reports, whichever deadline was chosen for them.
        values["synthesis_deadline"] = values["report_deadline"] + dt.timedelta(days=14)
    cycle = ReportingCycle(plan=plan, year=year, **values)
    _validate_cycle(cycle)
    duplicate = ValidationError(
        {"year": [_("There is already a cycle for %(year)s.") % {"year": year}]}
    )
    if ReportingCycle.objects.filter(plan=plan, year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():
            cycle.save()
            audit.record(
                actor=actor, action="cycle.create", target=cycle, after=audit.snapshot(cycle)
            )
    except IntegrityError:
        raise duplicate from None  # a double click: the first one created it
    return cycle


def cycle_update(
    *, actor: User, cycle: ReportingCycle, fields: Mapping[str, Any]
) -> ReportingCycle:
    _require(permissions.can_manage_cycles(actor))
    before = audit.snapshot(cycle)
    for name in (
        "data_start",
        "data_end",
        "report_deadline",
        "synthesis_deadline",
        "reminder_days",
        "overdue_reminder_days",
    ):
        if name in fields and fields[name] is not None:
            setattr(cycle, name, fields[name])
    _validate_cycle(cycle)
    with transaction.atomic():
        cycle.save()
        audit.record(
            actor=actor,
            action="cycle.update",
            target=cycle,
            before=before,
            after=audit.snapshot(cycle),
        )
    return cycle


def cycle_set_state(*, actor: User, cycle: ReportingCycle, state: str) -> ReportingCycle:
    """Open a cycle for reports, or close it (no submission after that without a reopening)."""
    _require(permissions.can_manage_cycles(actor))
    if state not in ReportingCycle.State.values:
        raise ValidationError(_("Choose whether to open or close the cycle."))
    allowed = {
        ReportingCycle.State.DRAFT: {ReportingCycle.State.OPEN},
        ReportingCycle.State.OPEN: {ReportingCycle.State.CLOSED},
        ReportingCycle.State.CLOSED: {ReportingCycle.State.OPEN},
    }
    if state not in allowed[ReportingCycle.State(cycle.state)]:
        raise ValidationError(
            _("A cycle that is %(current)s cannot become %(new)s.")
            % {
                "current": cycle.get_state_display(),
                "new": ReportingCycle.State(state).label,
            }
        )
    with transaction.atomic():
        before = {"state": cycle.state}
        cycle.state = state
        now = timezone.now()
        if state == ReportingCycle.State.OPEN:
            cycle.opened_at = cycle.opened_at or now
            cycle.closed_at = None
        else:
            cycle.closed_at = now
        cycle.save(update_fields=["state", "opened_at", "closed_at"])
        audit.record(
            actor=actor,
            action=f"cycle.{state}",
            target=cycle,
            before=before,
            after={"state": state},
        )
    return cycle


# --- Reports ---------------------------------------------------------------------------------


def report_start(*, actor: User, cycle: ReportingCycle, agency: Organisation) -> AgencyReport:
    """The agency's draft for the cycle, created with one entry per task it answers for."""
    _require(permissions.can_write_report(actor, agency))
    existing = AgencyReport.objects.filter(cycle=cycle, agency=agency).first()
    if existing is not None:
        return existing
    tasks = selectors.tasks_for(cycle, agency)
    errors = []
    if not tasks:
        errors.append(
            _("%(agency)s has no task of the plan in %(year)s, so it has no report to make.")
            % {"agency": agency.name, "year": cycle.year}
        )
    # After the close, only a coordinator can let an agency in (a late report it accepts).
    late_entry = cycle.state == ReportingCycle.State.CLOSED and permissions.can_manage_cycles(actor)
    if cycle.state != ReportingCycle.State.OPEN and not late_entry:
        errors.append(
            _("The %(year)s cycle is %(state)s: reports cannot be started.")
            % {"year": cycle.year, "state": cycle.get_state_display()}
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            report = AgencyReport.objects.create(
                cycle=cycle, agency=agency, updated_by=_user(actor), reopened=late_entry
            )
            TaskReport.objects.bulk_create(TaskReport(report=report, task=t) for t in tasks)
            _transition(report, "", State.DRAFT, actor, "")
            audit.record(actor=actor, action="report.start", target=report)
    except IntegrityError:
        # Two colleagues opened the report at the same moment: the other one made it.
        return AgencyReport.objects.get(cycle=cycle, agency=agency)
    return report


def _user(actor: User) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _transition(report: AgencyReport, old: str, new: str, actor: User, comment: str) -> None:
    ReportTransition.objects.create(
        report=report,
        from_state=old,
        to_state=new,
        actor=_user(actor),
        actor_label=audit.actor_label(actor),
        comment=comment,
        at=timezone.now(),
    )


def _check_version(report: AgencyReport, version: int | None) -> None:
    current = AgencyReport.objects.filter(pk=report.pk).values_list("version", flat=True).first()
    if version is not None and current != version:
        latest = AgencyReport.objects.select_related("updated_by").get(pk=report.pk)
        who = latest.updated_by.full_name if latest.updated_by else _("someone")
        raise StaleVersion(
            _(
                "%(who)s saved this report at %(time)s, after you opened it. Your text is kept "
                "below: compare it with the saved report, then save again."
            )
            % {
                "who": who,
                "time": date_format(timezone.localtime(latest.updated_at), "SHORT_DATETIME_FORMAT"),
            },
            current_version=latest.version,
            updated_by=who,
            updated_at=latest.updated_at,
        )


def report_is_editable(actor: User, report: AgencyReport) -> bool:
    """May `actor` change the report's text now? (The pages show the form only then.)"""
    return (
        permissions.can_write_report(actor, report.agency)
        and report.is_editable_state
        and (report.cycle.state != ReportingCycle.State.CLOSED or report.reopened)
    )


def _check_editable(actor: User, report: AgencyReport) -> None:
    """Like report_is_editable, but says why not."""
    _require(permissions.can_write_report(actor, report.agency))
    if not report.is_editable_state:
        raise ValidationError(
            _("The report is %(state)s and can no longer be changed.")
            % {"state": report.get_state_display()}
        )
    if report.cycle.state == ReportingCycle.State.CLOSED and not report.reopened:
        raise ValidationError(
            _("The %(year)s cycle is closed. Ask the coordinator to reopen your report.")
            % {"year": report.cycle.year}
        )


def _clean_budget(value: Mapping[str, Any], task_code: str) -> dict[str, int]:
    budget = {}
    for key, amount in value.items():
        if amount in (None, ""):
            continue
        if key not in FundingSource.values:
            raise ValidationError(_("Unknown funding source %(key)s.") % {"key": key})
        amount = int(amount)
        if amount < 0:
            raise ValidationError(
                _("Task %(task)s: the budget spent cannot be negative.") % {"task": task_code}
            )
        budget[key] = amount
    return budget


@dataclass
class TaskEntry:
    task_report_id: int
    values: dict[str, Any]


def report_save(
    *,
    actor: User,
    report: AgencyReport,
    version: int | None,
    fields: Mapping[str, Any],
    entries: Iterable[TaskEntry] = (),
) -> AgencyReport:
    """Save the report's text; refused (with nothing lost) if someone saved it meanwhile."""
    _check_editable(actor, report)
    with transaction.atomic():
        locked = AgencyReport.objects.select_for_update().get(pk=report.pk)
        _check_version(locked, version)
        before = _report_snapshot(locked)
        for name in ("summary", "difficulties", "proposals"):
            if name in fields:
                setattr(locked, name, clean_text(fields[name]))
        by_id = {tr.pk: tr for tr in locked.task_reports.select_related("task")}
        for entry in entries:
            task_report = by_id.get(entry.task_report_id)
            if task_report is None:
                raise PermissionDenied(_("You are not allowed to do this."))
            for name in TASK_FIELDS:
                if name not in entry.values:
                    continue
                value = entry.values[name]
                if name == "budget_vnd":
                    value = _clean_budget(value or {}, task_report.task.code)
                elif isinstance(value, str):
                    value = clean_text(value)
                setattr(task_report, name, value)
            task_report.save()
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.save()
        after = _report_snapshot(locked)
        if after != before:
            audit.record(
                actor=actor, action="report.update", target=locked, before=before, after=after
            )
    report.refresh_from_db()
    return report


def _report_snapshot(report: AgencyReport) -> dict[str, Any]:
    data = audit.snapshot(report, exclude=["version", "updated_by", "created_at"]) or {}
    data["tasks"] = {
        tr.task.code: audit.snapshot(tr, exclude=["id", "report", "task"])
        for tr in report.task_reports.select_related("task")
    }
    return data


def report_submit(*, actor: User, report: AgencyReport, version: int | None) -> AgencyReport:
    _check_editable(actor, report)
    with transaction.atomic():
        locked = AgencyReport.objects.select_for_update().get(pk=report.pk)
        _check_version(locked, version)
        missing = [
            tr.task.code
            for tr in locked.task_reports.select_related("task")
            if tr.status != TaskReport.Status.NOT_APPLICABLE and not tr.narrative.strip()
        ]
        if missing:
            raise ValidationError(
                _("Describe the results of tasks %(codes)s (or mark them not applicable).")
                % {"codes": ", ".join(missing)}
            )
        old = locked.state
        now = timezone.now()
        locked.state = State.SUBMITTED
        locked.reopened = False  # a late entry, once used, is closed again
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.submitted_at = now
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.save()
        _transition(locked, old, State.SUBMITTED, actor, "")
        late = now > locked.cycle.deadline_end()
        audit.record(
            actor=actor,
            action="report.submit",
            target=locked,
            before={"state": old},
            after={"state": State.SUBMITTED, "late": late},
        )
    report.refresh_from_db()
    return report


def _review(
    actor: User, report: AgencyReport, allowed_from: set[str], new: str, comment: str, action: str
) -> AgencyReport:
    _require(permissions.can_manage_cycles(actor))
    with transaction.atomic():
        locked = AgencyReport.objects.select_for_update().get(pk=report.pk)
        if locked.state not in allowed_from:
            raise ValidationError(
                _("A report that is %(state)s cannot be %(action)s.")
                % {"state": locked.get_state_display(), "action": _action_word(action)}
            )
        old = locked.state
        locked.state = new
        if new == State.ACCEPTED:
            locked.accepted_at = timezone.now()
            locked.reopened = False
        # A report sent back for revision must be fixable even after the cycle closed.
        if action == "reopened" or (
            action == "returned" and locked.cycle.state == ReportingCycle.State.CLOSED
        ):
            locked.reopened = True
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.save()
        _transition(locked, old, new, actor, comment)
        audit.record(
            actor=actor,
            action=f"report.{action}",
            target=locked,
            before={"state": old},
            after={"state": new, "comment": comment},
        )
        _notify_agency(locked, action, comment)
    report.refresh_from_db()
    return report


def _notify_agency(report: AgencyReport, action: str, comment: str) -> None:
    """Tell the agency's reporters what the coordinator decided (sent after commit)."""
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from benvung.core.tasks import send_email_after_commit

    from .reminders import recipients_of

    recipients = recipients_of(report.agency)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "report": report,
            "action": action,
            "comment": comment,
            "link": settings.SITE_URL + reverse("reporting:report_detail", args=[report.pk]),
        }
        subject = render_to_string("reporting/email/review_subject.txt", context)
        body = render_to_string("reporting/email/review.txt", context)
    send_email_after_commit(subject=" ".join(subject.split()), body=body, to=recipients)


def _action_word(action: str) -> str:
    return {
        "returned": _("returned for revision"),
        "accepted": _("accepted"),
        "reopened": _("reopened"),
    }[action]


def report_return(*, actor: User, report: AgencyReport, comment: str) -> AgencyReport:
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Say what needs to be revised.")]})
    return _review(actor, report, {State.SUBMITTED}, State.RETURNED, comment.strip(), "returned")


def report_accept(*, actor: User, report: AgencyReport) -> AgencyReport:
    return _review(actor, report, {State.SUBMITTED}, State.ACCEPTED, "", "accepted")


def report_reopen(*, actor: User, report: AgencyReport, reason: str) -> AgencyReport:
    """Unlock an accepted report (or allow a late one in a closed cycle) for revision."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for reopening.")]})
    return _review(
        actor,
        report,
        {State.ACCEPTED, State.DRAFT, State.RETURNED},
        State.RETURNED,
        reason.strip(),
        "reopened",
    )


# --- Attachments -----------------------------------------------------------------------------


def attachment_add(
    *,
    actor: User,
    report: AgencyReport,
    filename: str,
    data: bytes,
    task_report: TaskReport | None = None,
    size: int | None = None,
) -> Attachment:
    """Attach a file after checking its size and that its content is what its name says.

    `size` lets the caller refuse an oversized upload before reading it into memory.
    """
    _check_editable(actor, report)
    size = size if size is not None else len(data)
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("%(name)s is %(size)s MB; attachments may be at most %(limit)s MB.")
                    % {
                        "name": filename,
                        "size": round(size / 1024 / 1024, 1),
                        "limit": MAX_ATTACHMENT_BYTES // 1024 // 1024,
                    }
                ]
            }
        )
    verdict = uploads.judge(filename, data)
    if verdict.claimed is None:
        raise ValidationError(
            {
                "file": [
                    _("%(name)s: only PDF, DOCX, XLSX, PNG and JPEG files are accepted.")
                    % {"name": filename}
                ]
            }
        )
    if not verdict.acceptable:
        raise ValidationError(
            {
                "file": [
                    _(
                        "%(name)s is not really a %(kind)s file (its content does not match its "
                        "name), so it was refused."
                    )
                    % {"name": filename, "kind": verdict.claimed.upper()}
                ]
            }
        )
    digest = hashlib.sha256(data).hexdigest()
    assert verdict.kind is not None  # acceptable() guarantees it
    with transaction.atomic():
        attachment = Attachment(
            report=report,
            task_report=task_report,
            original_name=filename[:255],
            kind=verdict.kind,
            size=len(data),
            sha256=digest,
            uploaded_by=_user(actor),
        )
        attachment.file.save(digest[:16], ContentFile(data), save=False)
        attachment.save()
        audit.record(
            actor=actor,
            action="report.attach",
            target=report,
            after={"file": filename, "kind": verdict.kind, "size": len(data), "sha256": digest},
        )
    return attachment


def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    report = attachment.report
    _check_editable(actor, report)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="report.detach",
            target=report,
            before={"file": attachment.original_name, "sha256": attachment.sha256},
        )
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        # The file goes only once the row is gone for good (not if the transaction rolls back).
        if name:
            transaction.on_commit(lambda: storage.delete(name))


# --- Consolidation ---------------------------------------------------------------------------


def synthesis_save(
    *, actor: User, cycle: ReportingCycle, area: ContentArea, text: str, version: int | None
) -> Synthesis:
    _require(permissions.can_manage_cycles(actor))
    with transaction.atomic():
        synthesis, created = Synthesis.objects.select_for_update().get_or_create(
            cycle=cycle, content_area=area
        )
        # version None means "there was no text when I opened the page".
        opened_empty_but_exists = version is None and not created
        if opened_empty_but_exists or (version is not None and synthesis.version != version):
            who = synthesis.updated_by.full_name if synthesis.updated_by else _("someone")
            raise StaleVersion(
                _(
                    "%(who)s saved this text after you opened it. Your text is kept below: "
                    "compare, then save again."
                )
                % {"who": who},
                current_version=synthesis.version,
                updated_by=who,
                updated_at=synthesis.updated_at,
            )
        before = {"text": synthesis.text}
        synthesis.text = clean_text(text)
        synthesis.version += 1
        synthesis.updated_by = _user(actor)
        synthesis.save()
        if before["text"] != synthesis.text:
            audit.record(
                actor=actor,
                action="synthesis.update",
                target=synthesis,
                before=before,
                after={"text": synthesis.text},
            )
    return synthesis
