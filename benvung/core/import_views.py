"""Pages of every import from Excel: template, upload, progress and preview, confirm, result.

The same pages for every kind; the importer (benvung.core.tableimport) fills in its parts: how
to fill its template, what its preview shows, what its save did, and the words of the buttons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tableimport, xlsx
from .models import TableImportJob
from .views import apply_service_errors


def _back_url(cls: type[tableimport.BaseImporter] | None) -> str:
    """The list page of the imported records (its app may not have one yet)."""
    if cls is None or not cls.list_url_name:
        return ""
    try:
        return reverse(cls.list_url_name)
    except NoReverseMatch:
        return ""


def _importer_class_or_404(request: HttpRequest, kind: str) -> type[tableimport.BaseImporter]:
    cls = tableimport.importer_class(kind)
    if cls is None:
        raise Http404
    if not cls.can_use(request.user):
        raise PermissionDenied
    return cls


@login_required
def template_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    cls = _importer_class_or_404(request, kind)
    importer = cls(request.user, cls.options_from_query(request.GET))
    response = HttpResponse(
        importer.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{importer.template_filename()}"'
    return response


@login_required
def import_new(request: HttpRequest, kind: str) -> HttpResponse:
    """The upload page: a valid upload starts the job and leads to its page; else the form
    again, with the refusal (a file too large) on its field."""
    cls = _importer_class_or_404(request, kind)
    form = cls.upload_form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            job = tableimport.job_start(
                actor=request.user, kind=kind, upload=form.cleaned_data["file"], options=options
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("imports:detail", token=job.token)
    return render(
        request,
        "core/imports/new.html",
        {
            "form": form,
            "limit_mb": xlsx.MAX_BYTES // 2**20,
            "importer": cls,
            "kind": kind,
            "back_url": _back_url(cls),
            "jobs": tableimport.job_list(viewer=request.user, kind=kind)[:10],
        },
    )


def _job(request: HttpRequest, token: str) -> TableImportJob:
    # Someone else's import is not found, not forbidden: its existence is not told.
    return get_object_or_404(tableimport.job_list(viewer=request.user), token=token)


@login_required
def import_detail(request: HttpRequest, token: str) -> HttpResponse:
    job = _job(request, token)
    cls = tableimport.importer_class(job.kind)
    context: dict[str, Any] = {"job": job, "importer": cls, "back_url": _back_url(cls)}
    if cls is not None:
        importer = cls(job.uploaded_by, job.options)
        context |= importer.page(job)
        context["actions"] = importer.actions(job.preview)
        context["replaces"] = cls.replaces(job.preview)
    return render(request, "core/imports/detail.html", context)


@login_required
def import_progress(request: HttpRequest, token: str) -> JsonResponse:
    """What the page polls while the file is read or saved."""
    job = _job(request, token)
    return JsonResponse(
        {"state": job.state, "progress": job.progress, "finished": job.finished},
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_POST
def import_action(request: HttpRequest, token: str, action: str) -> HttpResponse:
    """A button of an import's page: save all, save only the valid rows, or cancel; the page
    again, with what went wrong. The box "replace the records already stored" comes with the
    save buttons; the service refuses a replacement it does not hold."""
    job = _job(request, token)
    replace = request.POST.get("replace_confirmed") == "1"
    try:
        if action == "save":
            tableimport.job_confirm(
                actor=request.user, job=job, keep_valid_only=False, replace_confirmed=replace
            )
        elif action == "keep-valid":
            tableimport.job_confirm(
                actor=request.user, job=job, keep_valid_only=True, replace_confirmed=replace
            )
        elif action == "cancel":
            tableimport.job_cancel(actor=request.user, job=job)
            messages.success(request, _("The import was cancelled; nothing was saved."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("imports:detail", token=job.token)
