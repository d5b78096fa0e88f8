from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benvung.accounts.current import signed_in_user
from benvung.core.uploads import CONTENT_TYPES
from benvung.core.views import apply_service_errors, run_service
from benvung.plans.models import ContentArea

from . import exports, permissions, selectors, services
from .consolidation import suggested_text
from .forms import (
    AttachmentForm,
    CommentForm,
    CycleCreateForm,
    CycleEditForm,
    ReopenForm,
    ReportForm,
    SynthesisForm,
    TaskReportForm,
)
from .models import AgencyReport, Attachment, ReportingCycle

if TYPE_CHECKING:
    from benvung.accounts.models import User


def _cycle(request: HttpRequest, pk: int) -> ReportingCycle:
    return get_object_or_404(selectors.cycle_list(viewer=request.user), pk=pk)


def _report(request: HttpRequest, pk: int) -> AgencyReport:
    """The report if the viewer may see it; 404 otherwise (another agency's report)."""
    return get_object_or_404(selectors.report_list(viewer=request.user), pk=pk)


# --- Cycles ----------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    cycles = list(selectors.cycle_list(viewer=user))
    mine = {
        r.cycle_id: r for r in selectors.report_list(viewer=user).filter(agency=user.organisation)
    }
    rows = [(c, mine.get(c.pk)) for c in cycles]
    form = CycleCreateForm() if permissions.can_manage_cycles(user) else None
    return render(request, "reporting/cycle_list.html", {"rows": rows, "form": form})


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    form = CycleCreateForm(request.POST or None)
    cycle = run_service(
        request,
        form,
        lambda data: services.cycle_create(
            actor=signed_in_user(request),
            plan=data["plan"],
            year=data["year"],
            fields={
                k: data.get(k)
                for k in ("data_start", "data_end", "report_deadline", "synthesis_deadline")
            },
        ),
    )
    if cycle is not None:
        messages.success(request, _("The %(year)s cycle was created.") % {"year": cycle.year})
        return redirect("reporting:cycle_detail", pk=cycle.pk)
    return render(request, "reporting/cycle_form.html", {"form": form})


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_manage_cycles(request.user):
        return redirect("reporting:my_report", pk=cycle.pk)
    status = selectors.cycle_status(cycle)
    return render(
        request,
        "reporting/cycle_detail.html",
        {
            "cycle": cycle,
            "status": status,
            "reminders": cycle.reminders.filter(skipped=False).select_related("agency")[:50],
            "labels": selectors.STATUS_LABELS,
        },
    )


@login_required
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    initial = {
        name: getattr(cycle, name)
        for name in (
            "data_start",
            "data_end",
            "report_deadline",
            "synthesis_deadline",
            "reminder_days",
            "overdue_reminder_days",
        )
    }
    form = CycleEditForm(request.POST or None, initial=initial)
    saved = run_service(
        request,
        form,
        lambda data: services.cycle_update(actor=signed_in_user(request), cycle=cycle, fields=data),
    )
    if saved is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("reporting:cycle_detail", pk=cycle.pk)
    return render(request, "reporting/cycle_form.html", {"form": form, "cycle": cycle})


@login_required
@require_POST
def cycle_state(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    try:
        services.cycle_set_state(
            actor=signed_in_user(request), cycle=cycle, state=request.POST.get("state", "")
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, _("The cycle is now %(state)s.") % {"state": cycle.get_state_display()}
        )
    return redirect("reporting:cycle_detail", pk=cycle.pk)


# --- The agency's own report -----------------------------------------------------------------


@login_required
def my_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in agency's report for the cycle: start it, or go to it."""
    cycle = _cycle(request, pk)
    user = signed_in_user(request)
    agency = user.organisation
    report = AgencyReport.objects.filter(cycle=cycle, agency=agency).first()
    if report is not None:
        return redirect("reporting:report_detail", pk=report.pk)
    tasks = selectors.tasks_for(cycle, agency)
    if request.method == "POST":
        try:
            report = services.report_start(actor=user, cycle=cycle, agency=agency)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            return redirect("reporting:report_detail", pk=report.pk)
    return render(
        request,
        "reporting/report_start.html",
        {
            "cycle": cycle,
            "agency": agency,
            "tasks": tasks,
            "can_start": permissions.can_write_report(user, agency) and bool(tasks),
            "status": selectors.status_of(None, cycle, timezone.now()),
        },
    )


@login_required
@require_POST
def report_start_for(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    """A coordinator starts the report of an agency (to enter a report received on paper)."""
    cycle = _cycle(request, pk)
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    from benvung.directory.models import Organisation

    agency = get_object_or_404(Organisation, pk=agency_pk)
    try:
        report = services.report_start(actor=signed_in_user(request), cycle=cycle, agency=agency)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reporting:cycle_detail", pk=cycle.pk)
    return redirect("reporting:report_detail", pk=report.pk)


def _task_forms(report: AgencyReport, data: Any = None) -> list[TaskReportForm]:
    return [
        TaskReportForm(data, task_report=tr)
        for tr in report.task_reports.select_related("task__group").order_by(
            "task__group__position", "task__number"
        )
    ]


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: a form while the agency may change it, a read-only page otherwise.

    Whatever happens to a submission (someone saved in between, the cycle closed, a refused
    attachment), the text the person typed comes back on the page.
    """
    report = _report(request, pk)
    user = signed_in_user(request)
    editable = services.report_is_editable(user, report)
    initial = {
        "version": report.version,
        "summary": report.summary,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
    }
    saved: AgencyReport | None = None  # the stored version, shown beside the typed text
    locked_reason = ""
    attachment_form = AttachmentForm()
    if request.method == "POST":
        form = ReportForm(request.POST, initial=initial)
        task_forms = _task_forms(report, request.POST)
        if not editable:
            locked_reason = _why_locked(user, report)
        elif form.is_valid() and all(f.is_valid() for f in task_forms):
            outcome = _save_report(request, user, report, form, task_forms)
            if isinstance(outcome, HttpResponse):
                return outcome
            report, saved, attachment_form = outcome
    else:
        form = ReportForm(initial=initial)
        task_forms = _task_forms(report)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "all_forms": [form, *task_forms, attachment_form],
            "has_errors": bool(form.errors)
            or bool(attachment_form.errors)
            or any(f.errors for f in task_forms),
            "report": report,
            "cycle": report.cycle,
            "form": form,
            "task_forms": task_forms,
            "editable": editable,
            "locked_reason": locked_reason,
            "saved": saved,
            "can_review": permissions.can_manage_cycles(user),
            "attachment_form": attachment_form,
            "comment_form": CommentForm(),
            "reopen_form": ReopenForm(),
            "transitions": report.transitions.select_related("actor"),
            "attachments": report.attachments.select_related("task_report__task"),
            "status": selectors.status_of(report, report.cycle, timezone.now()),
            "labels": selectors.STATUS_LABELS,
            "records": selectors.records_shown(report.agency, report.cycle.year),
        },
    )


def _why_locked(user: User, report: AgencyReport) -> str:
    try:
        services._check_editable(user, report)
    except (ValidationError, PermissionDenied) as exc:
        return " ".join(getattr(exc, "messages", [str(exc)]))
    return ""


def _save_report(
    request: HttpRequest,
    user: User,
    report: AgencyReport,
    form: ReportForm,
    task_forms: list[TaskReportForm],
) -> HttpResponse | tuple[AgencyReport, AgencyReport | None, AttachmentForm]:
    """Save (then submit or attach, as asked). A redirect when all went well; otherwise the
    report, the stored version to compare with, and the attachment form with its errors."""
    entries = [
        services.TaskEntry(task_report_id=f.task_report.pk, values=f.values()) for f in task_forms
    ]
    attachment_form = (
        AttachmentForm(request.POST, request.FILES)
        if "attach" in request.POST
        else AttachmentForm()
    )
    try:
        report = services.report_save(
            actor=user,
            report=report,
            version=form.cleaned_data["version"],
            fields=form.cleaned_data,
            entries=entries,
        )
    except services.StaleVersion as exc:
        apply_service_errors(form, exc)
        # The next save is meant to replace what is stored: it is based on the current version.
        _carry_version(form, exc.current_version)
        report.refresh_from_db()
        return report, report, AttachmentForm()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return report, None, AttachmentForm()
    # From here on the text is saved; the form must carry the new version.
    _carry_version(form, report.version)
    if "submit" in request.POST:
        try:
            services.report_submit(actor=user, report=report, version=report.version)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return report, None, AttachmentForm()
        messages.success(request, _("The report was submitted to the coordinator."))
    elif "attach" in request.POST:
        if not attachment_form.is_valid():
            return report, None, attachment_form
        upload = attachment_form.cleaned_data["file"]
        # An oversized file is refused on its declared size, without reading it into memory.
        data = upload.read() if upload.size <= services.MAX_ATTACHMENT_BYTES else b""
        try:
            services.attachment_add(
                actor=user, report=report, filename=upload.name, data=data, size=upload.size
            )
        except ValidationError as exc:
            apply_service_errors(attachment_form, exc)
            return report, None, attachment_form
        messages.success(request, _("%(name)s was attached.") % {"name": upload.name})
    else:
        messages.success(request, _("The report was saved."))
    return redirect("reporting:report_detail", pk=report.pk)


def _carry_version(form: ReportForm, version: int) -> None:
    """Put `version` in the re-displayed form (the request's own data cannot be changed)."""
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(version)
    form.data = data


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report(request, pk)
    form: Any
    try:
        if action == "accept":
            services.report_accept(actor=signed_in_user(request), report=report)
            messages.success(request, _("The report was accepted and is now locked."))
        elif action == "return":
            form = CommentForm(request.POST)
            services.report_return(
                actor=signed_in_user(request),
                report=report,
                comment=form.data.get("comment", ""),
            )
            messages.success(request, _("The report was returned to the agency for revision."))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            services.report_reopen(
                actor=signed_in_user(request), report=report, reason=form.data.get("reason", "")
            )
            messages.success(request, _("The report was reopened for revision."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reporting:report_detail", pk=report.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.filter(report__in=selectors.report_list(viewer=request.user)), pk=pk
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES[attachment.kind],
    )


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        Attachment.objects.filter(report__in=selectors.report_list(viewer=request.user)), pk=pk
    )
    report_pk = attachment.report_id
    try:
        services.attachment_remove(actor=signed_in_user(request), attachment=attachment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reporting:report_detail", pk=report_pk)


# --- Consolidation and exports ---------------------------------------------------------------


@login_required
def consolidation(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    areas = cycle.plan.content_areas.filter(retired_at__isnull=True)
    texts = {s.content_area_id: s for s in cycle.syntheses.all()}
    rows = [
        (area, len(selectors.accepted_narratives(cycle, area.pk)), texts.get(area.pk))
        for area in areas
    ]
    return render(request, "reporting/consolidation.html", {"cycle": cycle, "rows": rows})


@login_required
def consolidation_area(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    area = get_object_or_404(ContentArea, plan=cycle.plan, number=number)
    synthesis = cycle.syntheses.filter(content_area=area).first()
    written = synthesis.text.strip() if synthesis else ""
    # Nothing written yet: start from a short synthesis of the accepted reports (in
    # Vietnamese, the language of the report, whatever the page's), the text the report
    # prints meanwhile.
    suggested = "" if written else suggested_text(cycle, area)
    initial = {
        "text": written or suggested,
        "version": synthesis.version if synthesis else None,
    }
    form = SynthesisForm(request.POST or None, initial=initial)
    saved = run_service(
        request,
        form,
        lambda data: services.synthesis_save(
            actor=signed_in_user(request),
            cycle=cycle,
            area=area,
            text=data["text"],
            version=data["version"],
        ),
    )
    if saved is not None:
        messages.success(request, _("The consolidated text was saved."))
        return redirect("reporting:consolidation_area", pk=cycle.pk, number=number)
    return render(
        request,
        "reporting/consolidation_area.html",
        {
            "cycle": cycle,
            "area": area,
            "entries": selectors.accepted_narratives(cycle, area.pk),
            "form": form,
            "synthesis": synthesis,
            "suggested": bool(suggested),
        },
    )


@login_required
def task_table_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    data = exports.task_table_xlsx(cycle)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"nhiem-vu-KH{cycle.plan.number.split('/')[0]}-{cycle.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
