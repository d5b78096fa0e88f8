"""Pages of the packaging surveys: list, record or change, read, delete, evidence file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from benvung.accounts.current import signed_in_user
from benvung.core.concurrency import StaleEdit
from benvung.core.uploads import CONTENT_TYPES, claimed_kind
from benvung.core.views import apply_service_errors, paginate, show_stale

from . import permissions, selectors, services
from .forms import SurveyFilterForm, SurveyForm
from .models import PackagingSurvey


def _require_retail(request: HttpRequest) -> None:
    if not permissions.can_use_retail(request.user):
        raise PermissionDenied


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    _require_retail(request)
    form = SurveyFilterForm(request.GET or None, years=selectors.survey_years(viewer=request.user))
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    surveys = selectors.survey_list(
        viewer=request.user,
        year=filters.get("year"),
        outlet_type=filters.get("outlet_type") or None,
    )
    return render(
        request,
        "retail/survey_list.html",
        {
            "form": form,
            "page": paginate(request, surveys),
            "count": surveys.count(),
            "can_record": selectors.outlets_for(viewer=request.user).exists(),
        },
    )


def _visible(request: HttpRequest, pk: int) -> PackagingSurvey:
    return get_object_or_404(selectors.survey_list(viewer=request.user), pk=pk)


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _visible(request, pk)
    return render(
        request,
        "retail/survey_detail.html",
        {"survey": survey, "can_edit": permissions.can_edit_survey(request.user, survey)},
    )


@login_required
def survey_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_retail(request)
    survey = _visible(request, pk) if pk else None
    if survey is not None and not permissions.can_edit_survey(request.user, survey):
        raise PermissionDenied
    outlets = selectors.outlets_for(viewer=request.user)
    if survey is None and not outlets.exists():
        raise PermissionDenied
    initial: dict[str, Any] = {"version": 0}
    if survey is not None:
        initial = {
            "version": survey.version,
            "outlet": survey.outlet_id,
            "year": survey.year,
            "surveyed_on": survey.surveyed_on,
            "eco_packaging": survey.eco_packaging,
            "biodegradable_bag_share": survey.biodegradable_bag_share,
            "ecolabelled_products": survey.ecolabelled_products,
            "note": survey.note,
            "evidence_url": survey.evidence_url,
        }
    elif outlets.count() == 1:
        initial["outlet"] = outlets.first()
    form = SurveyForm(
        request.POST or None,
        request.FILES or None,
        outlets=outlets,
        has_file=bool(survey and survey.evidence_file),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.survey_save(
                actor=signed_in_user(request),
                data=form.data_for_service(),
                evidence_file=form.cleaned_data.get("evidence_file"),
                remove_evidence=bool(form.cleaned_data.get("remove_evidence")),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleEdit as exc:
            show_stale(form, exc)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("outlet", str(exc))
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("retail:survey_detail", pk=saved.pk)
    return render(
        request,
        "retail/survey_form.html",
        {"form": form, "survey": survey, **_stale_context(request, form)},
    )


def _stale_context(request: HttpRequest, form: SurveyForm) -> dict[str, Any]:
    """After a refused save: the survey as saved now, to open beside the typed values."""
    stale = getattr(form, "stale", None)
    if stale is None:
        return {}
    data = form.cleaned_data
    saved = (
        selectors.survey_list(viewer=request.user)
        .filter(outlet=data["outlet"], year=data["year"])
        .first()
    )
    return {
        "stale": stale,
        "saved_url": reverse("retail:survey_detail", args=[saved.pk]) if saved else "",
    }


@login_required
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _visible(request, pk)
    if not permissions.can_edit_survey(request.user, survey):
        raise PermissionDenied
    if request.method == "POST":
        services.survey_delete(actor=signed_in_user(request), survey=survey)
        messages.success(request, _("The survey was deleted."))
        return redirect("retail:survey_list")
    return render(request, "retail/survey_delete.html", {"survey": survey})


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    survey = _visible(request, pk)
    if not survey.evidence_file:
        raise Http404
    name = survey.evidence_file.name or ""
    kind = claimed_kind(name) or ""
    suffix = name.rsplit(".", 1)[-1]
    return FileResponse(
        survey.evidence_file.open("rb"),
        as_attachment=True,
        filename=f"minh-chung-{survey.outlet_id}-{survey.year}.{suffix}",
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
