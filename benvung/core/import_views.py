"""Pages of the table imports: template, upload, progress and preview, confirm, result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import tableimport, xlsx
from .models import TableImportJob
from .templatetags.benvung import number
from .views import apply_service_errors


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx)"),
        error_messages={"required": gettext_lazy("Choose the file to upload.")},
    )


def _back_url(cls: type[tableimport.Importer] | None) -> str:
    """The list page of the imported records (its app may not have one yet)."""
    if cls is None or not cls.list_url_name:
        return ""
    try:
        return reverse(cls.list_url_name)
    except NoReverseMatch:
        return ""


def _importer_or_404(request: HttpRequest, kind: str) -> tableimport.Importer:
    cls = tableimport.importer_class(kind)
    if cls is None:
        raise Http404
    if not cls.can_use(request.user):
        raise PermissionDenied
    return cls(request.user)


@login_required
def template_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_or_404(request, kind)
    response = HttpResponse(
        tableimport.template(importer),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


@login_required
def import_new(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_or_404(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)

    def start(data: dict[str, Any]) -> TableImportJob:
        return tableimport.job_start(actor=request.user, kind=kind, upload=data["file"])

    context = {
        "importer": importer,
        "kind": kind,
        "back_url": _back_url(type(importer)),
        "jobs": tableimport.job_list(viewer=request.user, kind=kind)[:10],
    }
    return upload_page(request, form, start, "imports:detail", "core/imports/new.html", context)


def upload_page(
    request: HttpRequest,
    form: forms.Form,
    start: Callable[[dict[str, Any]], Any],
    detail_url: str,
    template_name: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The upload page of an import (of either import): a valid upload starts the job (`start`
    with the form's data) and leads to its page; else the form again, with the refusal (a file
    too large) on its field."""
    if request.method == "POST" and form.is_valid():
        try:
            job = start(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect(detail_url, token=job.token)
    return render(
        request, template_name, {"form": form, "limit_mb": xlsx.MAX_BYTES // 2**20, **context}
    )


def _job(request: HttpRequest, token: str) -> TableImportJob:
    # Someone else's import is not found, not forbidden: its existence is not told.
    return get_object_or_404(tableimport.job_list(viewer=request.user), token=token)


def _shown(column: tableimport.Column | None, value: str) -> str:
    """A compared value (tableimport.canonical) as the page writes it."""
    if value == "":
        return "—"
    if column is None:
        return value
    if column.kind == tableimport.CHOICE and column.choices is not None:
        return str(dict(column.choices()).get(value, value))
    if column.kind in (tableimport.DECIMAL, tableimport.INTEGER, tableimport.YEAR):
        return number(value)
    if column.kind == tableimport.DATE:
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


def _rows_shown(cls: type[tableimport.Importer] | None, rows: list[dict[str, Any]]) -> list[Any]:
    """The preview's rows with each change named by its column heading, values written for the
    page's language."""
    columns = {c.field: c for c in cls.columns} if cls is not None else {}
    shown = []
    for row in rows:
        changes = []
        for change in row.get("changes", []):
            column = columns.get(change["field"])
            changes.append(
                {
                    "label": str(column.header) if column is not None else change["field"],
                    "old": _shown(column, change["old"]),
                    "new": _shown(column, change["new"]),
                }
            )
        shown.append({**row, "status": row.get("status", tableimport.NEW), "changes": changes})
    return shown


@login_required
def import_detail(request: HttpRequest, token: str) -> HttpResponse:
    job = _job(request, token)
    cls = tableimport.importer_class(job.kind)
    return render(
        request,
        "core/imports/detail.html",
        {
            "job": job,
            "importer": cls,
            "back_url": _back_url(cls),
            "rows": _rows_shown(cls, job.preview.get("rows", [])),
        },
    )


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
    job = _job(request, token)
    return job_action(
        request, job, action, tableimport.job_confirm, tableimport.job_cancel, "imports:detail"
    )


def job_action(
    request: HttpRequest,
    job: Any,
    action: str,
    confirm: Callable[..., Any],
    cancel: Callable[..., Any],
    detail_url: str,
) -> HttpResponse:
    """A button of an import's page (of either import): save all, save only the valid rows, or
    cancel; the page again, with what went wrong. The box "replace the records already
    stored" comes with the save buttons; the service refuses a replacement it does not hold."""
    replace = request.POST.get("replace_confirmed") == "1"
    try:
        if action == "save":
            confirm(actor=request.user, job=job, keep_valid_only=False, replace_confirmed=replace)
        elif action == "keep-valid":
            confirm(actor=request.user, job=job, keep_valid_only=True, replace_confirmed=replace)
        elif action == "cancel":
            cancel(actor=request.user, job=job)
            messages.success(request, _("The import was cancelled; nothing was saved."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(detail_url, token=job.token)
