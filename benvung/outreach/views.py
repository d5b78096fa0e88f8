"""Outreach pages: activities and SCP models, their evidence files, the coordinator's review."""

from __future__ import annotations

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
from benvung.core.concurrency import StaleEdit
from benvung.core.uploads import CONTENT_TYPES
from benvung.core.views import apply_service_errors, paginate, show_stale

from . import permissions, selectors, services
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    ReviewForm,
    SCPModelFilterForm,
    SCPModelForm,
)
from .models import OutreachActivity, SCPModel


def _uploaded(request: HttpRequest, form: Any) -> tuple[services.EvidenceFile | None, bool]:
    """The evidence file sent with the form, read only when its size is acceptable.

    Returns (file, ok); a file that is too large is reported on the form without reading it.
    """
    upload = request.FILES.get("evidence_file")
    if upload is None:
        return None, True
    if upload.size is not None and upload.size > services.EVIDENCE_MAX_BYTES:
        form.add_error(
            "evidence_file",
            _("%(name)s is %(size)s MB; evidence files may be at most %(limit)s MB.")
            % {
                "name": upload.name,
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": services.EVIDENCE_MAX_BYTES // 1024 // 1024,
            },
        )
        return None, False
    return services.EvidenceFile(name=upload.name or "", data=upload.read()), True


def _evidence_response(instance: OutreachActivity | SCPModel) -> FileResponse:
    if not instance.evidence_file:
        raise Http404
    kind = (instance.evidence_file.name or "").rsplit(".", 1)[-1].lower()
    kind = "jpeg" if kind == "jpg" else kind
    name = f"{instance._meta.model_name}-{instance.pk}-evidence.{'jpg' if kind == 'jpeg' else kind}"
    return FileResponse(
        instance.evidence_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )


# --- Activities -------------------------------------------------------------------------------


def _activities_allowed(request: HttpRequest) -> None:
    if not permissions.can_record_activities(request.user):
        raise PermissionDenied


def _visible_activity(request: HttpRequest, pk: int) -> OutreachActivity:
    return get_object_or_404(selectors.activity_list(viewer=request.user), pk=pk)


def _editable_activity(request: HttpRequest, pk: int) -> OutreachActivity:
    activity = _visible_activity(request, pk)
    if not permissions.can_edit_activity(request.user, activity):
        raise PermissionDenied
    return activity


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    _activities_allowed(request)
    user = signed_in_user(request)
    form = ActivityFilterForm(
        request.GET or None,
        years=selectors.activity_years(viewer=user),
        organisers=selectors.activity_organisers(viewer=user),
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    activities = selectors.activity_list(viewer=user, **filters)
    return render(
        request,
        "outreach/activity_list.html",
        {"form": form, "page": paginate(request, activities, per_page=25)},
    )


def _activity_form_page(request: HttpRequest, activity: OutreachActivity | None) -> HttpResponse:
    user = signed_in_user(request)
    choose_owner = activity is None and permissions.can_record_for_another_organisation(user)
    has_file = bool(activity and activity.evidence_file)
    if request.method == "POST":
        form = ActivityForm(
            request.POST, request.FILES, choose_owner=choose_owner, has_file=has_file
        )
    else:
        initial = (
            ActivityForm.initial_of(activity)
            if activity is not None
            else {"organiser": str(user.organisation_id or "")}
        )
        form = ActivityForm(initial=initial, choose_owner=choose_owner, has_file=has_file)
    if request.method == "POST" and form.is_valid():
        evidence, size_ok = _uploaded(request, form)
        if size_ok:
            try:
                if activity is None:
                    saved = services.activity_create(
                        actor=user,
                        data=form.data_for_service(),
                        owner=form.chosen_owner(),
                        evidence_file=evidence,
                    )
                    messages.success(request, _("The activity was recorded."))
                else:
                    saved = services.activity_update(
                        actor=user,
                        activity=activity,
                        data=form.data_for_service(),
                        evidence_file=evidence,
                        remove_evidence_file=bool(form.cleaned_data.get("remove_evidence_file")),
                        expected_version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, _("The changes were saved."))
                return redirect("outreach:activity_detail", pk=saved.pk)
            except StaleEdit as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    return render(
        request,
        "outreach/activity_form.html",
        {
            "form": form,
            "activity": activity,
            **_stale_context(form, "outreach:activity_detail", activity),
        },
    )


def _stale_context(form: Any, detail: str, record: Any) -> dict[str, Any]:
    """After a refused save: the message's details and a link to the record as saved now."""
    stale = getattr(form, "stale", None)
    if stale is None or record is None:
        return {}
    return {"stale": stale, "saved_url": reverse(detail, args=[record.pk])}


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    _activities_allowed(request)
    return _activity_form_page(request, None)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_form_page(request, _editable_activity(request, pk))


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible_activity(request, pk)
    return render(
        request,
        "outreach/activity_detail.html",
        {
            "activity": activity,
            "can_edit": permissions.can_edit_activity(request.user, activity),
            "units": activity.administrative_units.select_related("parent").order_by(
                "-edition", "level", "name"
            ),
        },
    )


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _editable_activity(request, pk)
    if request.method == "POST":
        services.activity_delete(actor=signed_in_user(request), activity=activity)
        messages.success(request, _("The activity was deleted."))
        return redirect("outreach:activity_list")
    return render(
        request,
        "outreach/confirm_delete.html",
        {
            "object": activity,
            "cancel_url": activity_url(activity),
            "title": _("Delete the activity?"),
        },
    )


def activity_url(activity: OutreachActivity) -> str:
    from django.urls import reverse

    return reverse("outreach:activity_detail", kwargs={"pk": activity.pk})


@login_required
def activity_evidence(request: HttpRequest, pk: int) -> FileResponse:
    return _evidence_response(_visible_activity(request, pk))


# --- SCP models -------------------------------------------------------------------------------


def _models_allowed(request: HttpRequest) -> None:
    if not permissions.can_record_scp_models(request.user):
        raise PermissionDenied


def _visible_model(request: HttpRequest, pk: int) -> SCPModel:
    return get_object_or_404(selectors.scp_model_list(viewer=request.user), pk=pk)


def _editable_model(request: HttpRequest, pk: int) -> SCPModel:
    model = _visible_model(request, pk)
    if not permissions.can_edit_scp_model(request.user, model):
        raise PermissionDenied
    return model


def _own_enterprise(request: HttpRequest) -> Any:
    """An enterprise user's own enterprise: its models are always its own."""
    user = signed_in_user(request)
    if not permissions.records_own_scp_models_only(user):
        return None
    return user.organisation


@login_required
def scp_model_list(request: HttpRequest) -> HttpResponse:
    _models_allowed(request)
    user = signed_in_user(request)
    form = SCPModelFilterForm(request.GET or None, years=selectors.scp_model_years(viewer=user))
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    models = selectors.scp_model_list(viewer=user, **filters)
    return render(
        request,
        "outreach/scp_model_list.html",
        {
            "form": form,
            "page": paginate(request, models, per_page=25),
            "can_review": permissions.can_review_scp_model(user),
        },
    )


def _model_form_page(request: HttpRequest, model: SCPModel | None) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = _own_enterprise(request)
    if model is not None and enterprise is not None and model.organisation_id != enterprise.pk:
        enterprise = None  # never happens through the pages; keeps the form honest
    has_file = bool(model and model.evidence_file)
    if request.method == "POST":
        form = SCPModelForm(request.POST, request.FILES, enterprise=enterprise, has_file=has_file)
    else:
        initial = SCPModelForm.initial_of(model) if model is not None else {}
        form = SCPModelForm(initial=initial, enterprise=enterprise, has_file=has_file)
    if request.method == "POST" and form.is_valid():
        evidence, size_ok = _uploaded(request, form)
        if size_ok:
            try:
                if model is None:
                    saved = services.scp_model_create(
                        actor=user, data=form.data_for_service(), evidence_file=evidence
                    )
                    messages.success(request, _("The model was recorded for review."))
                else:
                    saved = services.scp_model_update(
                        actor=user,
                        model=model,
                        data=form.data_for_service(),
                        evidence_file=evidence,
                        remove_evidence_file=bool(form.cleaned_data.get("remove_evidence_file")),
                        expected_version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, _("The changes were saved."))
                for flag in saved.flags:
                    messages.warning(request, flag)
                return redirect("outreach:scp_model_detail", pk=saved.pk)
            except StaleEdit as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    return render(
        request,
        "outreach/scp_model_form.html",
        {"form": form, "model": model, **_stale_context(form, "outreach:scp_model_detail", model)},
    )


@login_required
def scp_model_create(request: HttpRequest) -> HttpResponse:
    _models_allowed(request)
    return _model_form_page(request, None)


@login_required
def scp_model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _model_form_page(request, _editable_model(request, pk))


def _results(model: SCPModel) -> list[tuple[str, Any]]:
    """(label, value) of each yearly result, for the results table."""
    return [
        (str(getattr(SCPModel._meta.get_field(name), "verbose_name", name)), getattr(model, name))
        for name in services.RESULT_FIELDS
    ]


@login_required
def scp_model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = _visible_model(request, pk)
    user = signed_in_user(request)
    results = _results(model)
    can_review = permissions.can_review_scp_model(user, model)
    return render(
        request,
        "outreach/scp_model_detail.html",
        {
            "model": model,
            "results": results,
            "history": selectors.review_history(model),
            "can_edit": permissions.can_edit_scp_model(user, model),
            "can_review": can_review,
            "review_form": ReviewForm(initial={"version": model.version}) if can_review else None,
        },
    )


@login_required
@require_POST
def scp_model_review(request: HttpRequest, pk: int) -> HttpResponse:
    model = _visible_model(request, pk)
    user = signed_in_user(request)
    if not permissions.can_review_scp_model(user, model):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.scp_model_review(
                actor=user,
                model=model,
                state=form.cleaned_data["state"],
                note=form.cleaned_data.get("note") or "",
                expected_version=form.cleaned_data.get("version"),
            )
            messages.success(request, _("The review was recorded."))
            return redirect("outreach:scp_model_detail", pk=model.pk)
        except StaleEdit as exc:
            # The figures changed under the coordinator: the page shows them as saved now
            # (the model is read again below), the verdict typed stays on the form.
            show_stale(form, exc)
            model = _visible_model(request, pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    results = _results(model)
    return render(
        request,
        "outreach/scp_model_detail.html",
        {
            "model": model,
            "results": results,
            "history": selectors.review_history(model),
            "can_edit": permissions.can_edit_scp_model(user, model),
            "can_review": True,
            "review_form": form,
        },
        status=400,
    )


@login_required
def scp_model_delete(request: HttpRequest, pk: int) -> HttpResponse:
    model = _editable_model(request, pk)
    if request.method == "POST":
        services.scp_model_delete(actor=signed_in_user(request), model=model)
        messages.success(request, _("The model was deleted."))
        return redirect("outreach:scp_model_list")
    from django.urls import reverse

    return render(
        request,
        "outreach/confirm_delete.html",
        {
            "object": model,
            "cancel_url": reverse("outreach:scp_model_detail", kwargs={"pk": model.pk}),
            "title": _("Delete the SCP model?"),
        },
    )


@login_required
def scp_model_evidence(request: HttpRequest, pk: int) -> FileResponse:
    return _evidence_response(_visible_model(request, pk))
