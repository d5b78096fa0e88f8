"""Pages of the official documents: the list, generation, progress, downloads, annual texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benvung.accounts.current import signed_in_user
from benvung.core.views import apply_service_errors
from benvung.reporting import selectors as reporting
from benvung.reporting.models import ReportingCycle
from benvung.reporting.services import StaleVersion

from . import assemble, permissions, readiness, selectors, services
from .forms import AgencyDraftForm, AnnualTextForm, DraftForm, IssueForm
from .models import GeneratedDocument


def _document(request: HttpRequest, pk: int) -> GeneratedDocument:
    """The document if the viewer may see it; 404 otherwise (another organisation's)."""
    return get_object_or_404(selectors.document_list(viewer=request.user), pk=pk)


def _cycle(request: HttpRequest, pk: int) -> ReportingCycle:
    return get_object_or_404(reporting.cycle_list(viewer=request.user), pk=pk)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    coordinator = permissions.can_generate_annual(user)
    documents = selectors.document_list(viewer=user)
    return render(
        request,
        "reports/document_list.html",
        {
            "issued": documents.filter(is_draft=False)[:200],
            "drafts": selectors.with_issued(documents.filter(is_draft=True)[:100]),
            "cycles": list(reporting.cycle_list(viewer=user)) if coordinator else [],
            "reports": [
                r
                for r in selectors.reports_to_generate(viewer=user)
                if permissions.can_generate_agency_report(user, r)
            ],
            "can_generate_annual": coordinator,
        },
    )


def _detail(
    request: HttpRequest, document: GeneratedDocument, form: IssueForm | None = None, **extra: Any
) -> HttpResponse:
    """A document's page; a draft's carries the form that issues it (and a new draft's button,
    with what the draft was made with)."""
    user = signed_in_user(request)
    issued = selectors.issued_from(document) if document.is_draft else None
    can_issue = (
        document.is_draft
        and issued is None
        and document.state == GeneratedDocument.State.DONE
        and permissions.can_issue(user, document)
    )
    if can_issue and form is None:
        form = IssueForm(cycle=document.cycle)
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": document,
            "finished": document.finished,
            "gaps": readiness.messages(document.gaps),
            "issued": issued,
            "issue_form": form if can_issue else None,
            # The same report issued already from another draft: issuing again asks first.
            "earlier": services.earlier_issue(document) if can_issue else None,
            "requirements": selectors.issue_requirements(document) if can_issue else [],
            "new_draft": _new_draft(document) if permissions.can_issue(user, document) else None,
            "can_regenerate": not document.is_draft and permissions.can_regenerate(user, document),
            "regenerations": document.regenerations.select_related("author").order_by(
                "-created_at"
            ),
            **extra,
        },
    )


def _new_draft(document: GeneratedDocument) -> dict[str, Any]:
    """Where the "make a new draft" button posts, and what: the same kind of document, the
    same signer and recipients (an agency's), all three files."""
    if document.kind == GeneratedDocument.Kind.AGENCY:
        url = reverse("reports:agency_generate", args=[document.agency_report_id])
        fields = AgencyDraftForm.data_of(document.snapshot)
    else:
        url = reverse("reports:annual_generate", args=[document.cycle_id])
        fields = {}
    return {"url": url, "fields": fields, "formats": list(services.FORMATS)}


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _document(request, pk))


@login_required
def document_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    document = _document(request, pk)
    if fmt not in services.FORMATS:
        raise Http404
    stored = getattr(document, fmt)
    # Only a finished document is delivered: not the DOCX of one still being rendered, which
    # may yet fail, nor anything of a failed one.
    if not stored or document.state != GeneratedDocument.State.DONE:
        raise Http404
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=services.file_name(document, fmt),
        content_type=services.CONTENT_TYPES[fmt],
    )


@login_required
@require_POST
def document_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    try:
        again = services.document_regenerate(actor=signed_in_user(request), document=document)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:document_detail", pk=document.pk)
    messages.success(
        request, _("The document is being generated again from the same data and number.")
    )
    return redirect("reports:document_detail", pk=again.pk)


@login_required
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a draft: a number, a date, the draft's own content."""
    draft = _document(request, pk)
    if request.method != "POST":
        return redirect("reports:document_detail", pk=draft.pk)
    if not permissions.can_issue(request.user, draft):
        raise PermissionDenied
    form = IssueForm(request.POST, cycle=draft.cycle)
    extra: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_issue(
                actor=signed_in_user(request),
                draft=draft,
                issued_on=data["issued_on"],
                formats=data["formats"],
                confirm_missing=data["confirm_missing"],
                confirm_reissue=data["confirm_reissue"],
            )
        except (services.AlreadyIssued, services.DocumentInProgress) as exc:
            # A double click: the document on its way, not a second number.
            messages.warning(request, exc.messages[0])
            return redirect("reports:document_detail", pk=exc.document.pk)
        except services.DataChanged as exc:
            apply_service_errors(form, exc)
            extra["data_changed"] = True
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Number %(number)s was given; the document is being generated.")
                % {"number": document.number.display if document.number else "—"},
            )
            return redirect("reports:document_detail", pk=document.pk)
    return _detail(request, draft, form, **extra)


def _generate(
    request: HttpRequest,
    form: DraftForm,
    call: Callable[[dict[str, Any]], GeneratedDocument],
    context: dict[str, Any],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            document = call(form.cleaned_data)
        except services.DocumentInProgress as exc:
            # A double submit: the message, and the way to the draft already coming.
            apply_service_errors(form, exc)
            context = {**context, "in_progress": exc.document}
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The draft is being generated, without a number. Look at it, then issue it "
                    "from its page."
                ),
            )
            for gap in readiness.messages(document.gaps):
                messages.warning(request, gap)
            return redirect("reports:document_detail", pk=document.pk)
    return render(request, "reports/generate.html", {"form": form, **context})


@login_required
def annual_generate(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_generate_annual(request.user):
        raise PermissionDenied
    form = DraftForm(request.POST or None)
    return _generate(
        request,
        form,
        lambda data: services.document_draft(
            actor=signed_in_user(request),
            kind=GeneratedDocument.Kind.ANNUAL,
            cycle=cycle,
            formats=data["formats"],
        ),
        {
            "cycle": cycle,
            "title": _("The %(year)s annual report: drafts and issue") % {"year": cycle.year},
            "text": selectors.annual_text_of(cycle),
            "gaps": readiness.messages(readiness.annual_gaps(cycle)),
            "drafts": selectors.with_issued(
                selectors.document_list(viewer=request.user).filter(
                    kind=GeneratedDocument.Kind.ANNUAL, cycle=cycle, is_draft=True
                )[:20]
            ),
        },
    )


@login_required
def agency_generate(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reporting.report_list(viewer=request.user), pk=pk)
    if not permissions.can_generate_agency_report(request.user, report):
        raise PermissionDenied
    form = AgencyDraftForm(request.POST or None)
    return _generate(
        request,
        form,
        lambda data: services.document_draft(
            actor=signed_in_user(request),
            kind=GeneratedDocument.Kind.AGENCY,
            agency_report=report,
            formats=data["formats"],
            signature=form.signature(),
            recipients=form.recipient_lines(),
        ),
        {
            "report": report,
            "cycle": report.cycle,
            "title": _("The %(year)s report of %(agency)s: drafts and issue")
            % {"agency": report.agency.name, "year": report.cycle.year},
            "gaps": readiness.messages(readiness.agency_gaps(report)),
            "drafts": selectors.with_issued(
                selectors.document_list(viewer=request.user).filter(
                    kind=GeneratedDocument.Kind.AGENCY, agency_report=report, is_draft=True
                )[:20]
            ),
        },
    )


@login_required
def annual_text(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not permissions.can_edit_annual_text(request.user):
        raise PermissionDenied
    text = selectors.annual_text_of(cycle)
    if text is not None:
        initial = {name: getattr(text, name) for name in services.ANNUAL_TEXT_FIELDS}
        initial["version"] = text.version
    else:
        # Nothing written yet: start from the agencies' accepted reports (in Vietnamese, the
        # language of the document, whatever the page's).
        initial = {**assemble.annual_text_defaults(cycle), "version": None}
    form = AnnualTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.annual_text_save(
                actor=signed_in_user(request),
                cycle=cycle,
                fields={k: v for k, v in data.items() if k != "version"},
                version=data["version"],
            )
        except StaleVersion as exc:
            apply_service_errors(form, exc)
            # Saving again (after comparing) goes on top of the version saved meanwhile.
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form.data = data
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The texts of the annual report were saved."))
            return redirect("reports:annual_text", pk=cycle.pk)
    return render(
        request,
        "reports/annual_text.html",
        {"cycle": cycle, "form": form, "text": text, "prefilled": text is None},
    )
