"""The coordinator's dashboard: progress with stale figures marked, status overrides, and every
figure opened down to the records behind it. Coordinators only.

It shows the figures as the public pages do (selectors.py), with the drafts and the tools of the
coordinator, so it lives beside them; its URLs keep the `indicators` namespace."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benvung.accounts.current import signed_in_user
from benvung.core.views import apply_service_errors
from benvung.indicators import permissions, selectors, services
from benvung.indicators.forms import StatusOverrideForm
from benvung.indicators.models import IndicatorResult, StatusOverride
from benvung.plans.models import Plan, Target
from benvung.plans.selectors import current_plan

from . import selectors as portal


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _plan() -> Plan:
    plan = current_plan()
    if plan is None:
        raise Http404
    return plan


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_indicator_dashboard(request.user))
    plan = _plan()
    year = portal.asked_year(plan, request.GET.get("year"))
    # Off by default: the dashboard shows what the public sees unless asked for the drafts.
    drafts = request.GET.get("drafts") == "1"
    rows = portal.progress_rows(plan=plan, year=year, include_drafts=drafts)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "plan": plan,
            "year": year,
            "years": portal.plan_years(plan),
            "rows": rows,
            "drafts": drafts,
            "stale_count": sum(1 for r in rows if r.progress.stale),
            "overridden_count": sum(1 for r in rows if r.progress.override),
        },
    )


def _target_page(
    request: HttpRequest, target: Target, year: int, form: StatusOverrideForm | None = None
) -> HttpResponse:
    row = portal.progress_row(target=target, year=year)
    definition = row.definition
    view = (
        portal.indicator_view(
            definition=definition, year=year, target=target, progress=row.progress
        )
        if definition is not None and not definition.qualitative
        else None
    )
    if form is None:
        initial = {"status": row.progress.status}
        if row.progress.override:
            initial["reason"] = row.progress.override.reason
        form = StatusOverrideForm(initial=initial)
    return render(
        request,
        "indicators/target.html",
        {
            "plan": target.plan,
            "year": year,
            "years": portal.plan_years(target.plan),
            "target": target,
            "row": row,
            "definition": definition,
            "view": view,
            "drill": True,
            "form": form,
            "overrides": [o for o in selectors.overrides_for(target=target) if o.year == year],
            "other_overrides": [
                o for o in selectors.overrides_for(target=target) if o.year != year
            ],
        },
    )


@login_required
def target(request: HttpRequest, code: str) -> HttpResponse:
    _require(permissions.can_view_indicator_dashboard(request.user))
    plan = _plan()
    target = get_object_or_404(portal.target_list(plan), code=code)
    return _target_page(request, target, portal.asked_year(plan, request.GET.get("year")))


@login_required
@require_POST
def override_set(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _require(permissions.can_override_status(request.user))
    plan = _plan()
    target = get_object_or_404(portal.target_list(plan), code=code)
    if year not in plan.years():
        raise Http404
    form = StatusOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.status_override_set(
                actor=signed_in_user(request),
                target=target,
                year=year,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The status of %(code)s for %(year)s was set; the reason is shown with it.")
                % {"code": target.code, "year": year},
            )
            return redirect(f"{reverse('indicators:target', args=[target.code])}?year={year}")
    return _target_page(request, target, year, form)


@login_required
@require_POST
def override_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_override_status(request.user))
    override = get_object_or_404(StatusOverride.objects.select_related("target"), pk=pk)
    try:
        services.status_override_withdraw(actor=signed_in_user(request), override=override)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The override was withdrawn; the computed status is shown again."),
        )
    url = reverse("indicators:target", args=[override.target.code])
    return redirect(f"{url}?year={override.year}")


# Pages of records whose inputs carry no link of their own.
RECORD_PAGES = {
    "directory.industrialarea": "directory:industrial_area_detail",
    "directory.organisation": "directory:organisation_detail",
    "directory.enterprise": "directory:organisation_detail",
    "directory.retailoutlet": "directory:organisation_detail",
    "outreach.outreachactivity": "outreach:activity_detail",
    "outreach.scpmodel": "outreach:scp_model_detail",
}


def _with_link(record: dict[str, Any]) -> dict[str, Any]:
    if record.get("url") or record.get("model") not in RECORD_PAGES:
        return record
    try:
        url = reverse(RECORD_PAGES[record["model"]], args=[record["id"]])
    except (NoReverseMatch, KeyError):
        return record
    return {**record, "url": url}


def _kind_label(record: dict[str, Any]) -> str:
    try:
        model = apps.get_model(str(record.get("model", "")))
    except (LookupError, ValueError):
        return str(record.get("model", ""))
    return str(model._meta.verbose_name).capitalize()


def _details(record: dict[str, Any]) -> list[str]:
    """What the computation noted about a record, in words (known keys only)."""
    details = []
    if "reached" in record:
        details.append(_("reached") if record["reached"] else _("not yet reached"))
    if record.get("improvement") is not None:
        details.append(
            _("improvement %(value)s %%")
            % {"value": number_format(record["improvement"], 2, force_grouping=True)}
        )
    return details


@login_required
def result_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    """The records behind one figure, each linking to its page."""
    result = get_object_or_404(IndicatorResult, pk=pk)
    records = [_with_link(r) for r in selectors.result_inputs(viewer=request.user, result=result)]
    definition = portal.definition_or_none(result.indicator)
    return render(
        request,
        "indicators/result_inputs.html",
        {
            "result": result,
            "definition": definition,
            "unit": portal.unit_for(definition),
            "decimals": portal.decimals_for(definition),
            "records": [(r, _kind_label(r), _details(r)) for r in records],
            "targets": Target.objects.filter(
                indicator_code=result.indicator, retired_at__isnull=True
            ).order_by("milestone_year"),
        },
    )
