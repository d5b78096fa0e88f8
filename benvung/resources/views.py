"""Resource-efficiency pages: the enterprise's sites and figures, the coordinator's sectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benvung.accounts.current import signed_in_user
from benvung.core import charts, units, years
from benvung.core.concurrency import StaleEdit
from benvung.core.forms import carry_version
from benvung.core.numbers import for_input
from benvung.core.views import apply_service_errors

from . import efficiency, exports, permissions, selectors, services
from .forms import (
    ConfirmForm,
    CorrectionForm,
    EnergyFormSet,
    MaterialFormSet,
    OutputFormSet,
    SiteYearForm,
    rows_of,
)
from .models import ConversionFactor, EnergyNorm, QualityConfirmation, SiteYear


def _year(request: HttpRequest) -> int:
    """The year asked for, kept within the years data can have; else the published year (the
    latest whose cycle is closed or whose figures are complete, as on the public pages)."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return _published_year()
    return min(max(year, years.FIRST_YEAR), years.LAST_YEAR)


def _published_year() -> int:
    # The coordinator's pages open on the same year as the public ones (one rule, one home).
    from benvung.indicators import selectors as indicators
    from benvung.plans import selectors as plans

    plan = plans.current_plan()
    if plan is not None:
        return indicators.published_year(plan=plan)
    return selectors.latest_year() or timezone.localdate().year - 1


def _coverage(year: int, key: str = "*") -> dict[str, Any]:
    """The enterprises that submitted the year against those expected to, and whether the
    public figure is given (the indicator's own rule, applied by the registry): what the
    public sees, whether or not the page counts the drafts."""
    from benvung.indicators import registry

    counted, expected = selectors.reporting_coverage(year).of(key)
    rule = registry.get(efficiency.INDICATOR).coverage_rule
    withheld = rule is not None and registry.shortfall(rule, registry.Coverage(counted, expected))
    return {"counted": counted, "expected": expected, "met": not withheld}


def _figures(request: HttpRequest, year: int) -> tuple[efficiency.EfficiencyResult, bool]:
    """The coordinator's figures of a year: submitted data only, unless the switch asks for
    the drafts too (labelled on the page; never published)."""
    from benvung.reporting import selectors as reporting

    drafts = request.GET.get("drafts") == "1"
    return (
        efficiency.compute(year, drafts=drafts, final=reporting.figures_final(year)),
        drafts,
    )


def _coordinator(request: HttpRequest) -> None:
    if not permissions.can_view_efficiency(request.user):
        raise PermissionDenied


def _labels() -> dict[str, Any]:
    return {
        "status_labels": efficiency.labels(efficiency.STATUS_LABELS),
        "method_labels": efficiency.labels(efficiency.METHOD_LABELS),
        "allocation_labels": efficiency.labels(efficiency.ALLOCATION_LABELS),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if permissions.can_view_efficiency(user):
        year = _year(request)
        result, drafts = _figures(request, year)
        return render(
            request,
            "resources/overview.html",
            {
                "year": year,
                "years": list(
                    SiteYear.objects.order_by("-year").values_list("year", flat=True).distinct()
                ),
                "result": result,
                "drafts": drafts,
                "coverage": _coverage(year),
                "draft_site_years": SiteYear.objects.filter(
                    year=year, state=SiteYear.State.DRAFT
                ).count(),
                **_labels(),
            },
        )
    sites = list(selectors.site_list(viewer=user).prefetch_related("resource_years"))
    return render(request, "resources/my_sites.html", {"sites": sites})


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=pk)
    site_years = list(site.resource_years.order_by("year"))
    rows: list[efficiency.ProductResult] = []
    flags: dict[int, list[efficiency.Flag]] = {}
    for sy in site_years:
        keys = list(sy.outputs.values_list("category__key", flat=True).distinct())
        # The site's own drafts beside its peers' submitted figures.
        result = efficiency.compute(
            sy.year,
            category_keys=keys or None,
            site_ids=None if keys else [site.pk],
            drafts=frozenset([site.pk]),
        )
        rows.extend(p for p in result.products if p.site.site_id == site.pk)
        flags[sy.year] = result.flags_of(sy.pk)
    by_product: dict[str, list[efficiency.ProductResult]] = {}
    for row in rows:
        by_product.setdefault(row.product, []).append(row)
    charts = {product: _trend_chart(product, rows) for product, rows in by_product.items()}
    return render(
        request,
        "resources/site_detail.html",
        {
            "site": site,
            "site_years": site_years,
            "products": by_product,
            "charts": charts,
            "flags": flags,
            "can_edit": permissions.can_write_site(request.user, site),
            "next_year": (site_years[-1].year + 1) if site_years else dt.date.today().year - 1,
            **_labels(),
        },
    )


def _trend_chart(product: str, rows: list[efficiency.ProductResult]) -> str:
    """SEC by year with the norm in force and the peers' median, as an SVG line chart."""
    unit = units.label(rows[0].category.sec_unit)
    series = [charts.Series(_("Specific consumption"), [r.sec for r in rows])]
    if any(r.norm_value is not None for r in rows):
        series.append(charts.Series(_("Norm"), [r.norm_value for r in rows], dashed=True))
    if any(r.peer for r in rows):
        series.append(
            charts.Series(
                _("Median of similar enterprises"),
                [r.peer.median if r.peer else None for r in rows],
                dashed=True,
            )
        )
    title = _("%(product)s: specific energy consumption (%(unit)s) by year") % {
        "product": product,
        "unit": unit,
    }
    return charts.line_chart(title, [str(r.year) for r in rows], series)


def _stored_drivers(site_year: SiteYear | None) -> list[dict[str, Any]]:
    if site_year is None:
        return []
    return [{"name": d.name, "month": d.month, "value": d.value} for d in site_year.drivers.all()]


def _initial(site_year: SiteYear | None) -> dict[str, Any]:
    if site_year is None:
        return {"outputs": [], "energy": [], "materials": []}
    return {
        "outputs": [
            {
                "product": o.product,
                "category": o.category.key,
                "month": str(o.month or ""),
                "quantity": for_input(o.quantity),
                "unit": o.unit,
                "capacity": for_input(o.capacity),
                "value_vnd": for_input(o.value_vnd),
            }
            for o in site_year.outputs.select_related("category")
        ],
        "energy": [
            {
                "carrier": e.carrier.key,
                "month": str(e.month or ""),
                "quantity": for_input(e.quantity),
                "unit": e.unit,
                "product": e.product,
            }
            for e in site_year.energy.select_related("carrier")
        ],
        "materials": [
            {
                "product": m.product,
                "material": m.material,
                "month": str(m.month or ""),
                "quantity": for_input(m.quantity),
                "unit": m.unit,
            }
            for m in site_year.materials.all()
        ],
    }


@login_required
def site_year_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Enter or correct a year's data; then check it and submit."""
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=pk)
    if not permissions.can_write_site(request.user, site):
        raise PermissionDenied
    if not years.in_range(year):
        raise Http404
    site_year = SiteYear.objects.filter(site=site, year=year).first()
    initial = _initial(site_year)
    errors: list[str] = []
    stale: StaleEdit | None = None
    if request.method == "POST":
        form = SiteYearForm(request.POST)
        outputs = OutputFormSet(request.POST, prefix="out")
        energy = EnergyFormSet(request.POST, prefix="en")
        materials = MaterialFormSet(request.POST, prefix="mat")
        if all(f.is_valid() for f in (form, outputs, energy, materials)):
            try:
                services.site_year_save(
                    actor=signed_in_user(request),
                    site=site,
                    year=year,
                    allocation_rule=form.cleaned_data["allocation_rule"],
                    outputs=rows_of(outputs),
                    energy=rows_of(energy),
                    materials=rows_of(materials),
                    # The form has no section for the monthly drivers: keep those stored.
                    drivers=_stored_drivers(site_year),
                    is_demo=site.is_demo,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleEdit as exc:
                # Someone saved in between: the typed rows stay on the form, what is saved now
                # is shown beside them, and the form carries the stored version so that a
                # second save is a deliberate one.
                errors, stale = exc.messages, exc
                carry_version(form, exc.current_version)
                site_year = SiteYear.objects.filter(site=site, year=year).first()
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("The data were saved. Check them, then submit."))
                return redirect("resources:site_year_edit", pk=site.pk, year=year)
    else:
        form = SiteYearForm(
            initial={
                "allocation_rule": site_year.allocation_rule if site_year else "mass",
                "version": site_year.version if site_year else 0,
            }
        )
        outputs = OutputFormSet(initial=initial["outputs"], prefix="out")
        energy = EnergyFormSet(initial=initial["energy"], prefix="en")
        materials = MaterialFormSet(initial=initial["materials"], prefix="mat")
    open_flags = services.open_flags(site_year) if site_year else []
    return render(
        request,
        "resources/site_year_form.html",
        {
            "site": site,
            "year": year,
            "site_year": site_year,
            "form": form,
            "outputs": outputs,
            "energy": energy,
            "materials": materials,
            "errors": errors,
            "stale": stale,
            "saved_rows": _initial(site_year) if stale else None,
            "open_flags": [(f, ConfirmForm(initial={"code": f.code})) for f in open_flags],
            "confirmations": site_year.confirmations.select_related("confirmed_by")
            if site_year
            else [],
        },
    )


@login_required
@require_POST
def site_year_confirm(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=pk)
    site_year = get_object_or_404(SiteYear, site=site, year=year)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.quality_confirm(
                actor=signed_in_user(request),
                site_year=site_year,
                code=form.cleaned_data["code"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Your explanation was recorded."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Explain why the figure is right."))
    return redirect("resources:site_year_edit", pk=site.pk, year=year)


@login_required
@require_POST
def site_year_submit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=pk)
    site_year = get_object_or_404(SiteYear, site=site, year=year)
    try:
        services.site_year_submit(actor=signed_in_user(request), site_year=site_year)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("resources:site_year_edit", pk=site.pk, year=year)
    messages.success(request, _("The data for %(year)s were submitted.") % {"year": year})
    return redirect("resources:site_detail", pk=site.pk)


@login_required
def sector_detail(request: HttpRequest, key: str) -> HttpResponse:
    _coordinator(request)
    year = _year(request)
    result, drafts = _figures(request, year)
    sector = next((s for s in result.sectors if s.key == key), None)
    if sector is None:
        raise Http404
    products = [p for p in result.products if p.category.focus_sector.key == key]
    products.sort(key=lambda p: (p.category.position, p.site.enterprise_name, p.product))
    # The enterprises' explanations of flagged figures, for the data as they now stand.
    explained = {
        (c.site_year_id, c.code): c.note
        for c in QualityConfirmation.objects.filter(
            site_year_id__in={p.site_year_id for p in products},
            version=F("site_year__version"),
        )
    }
    rows = [(p, [(f, explained.get((p.site_year_id, f.code))) for f in p.flags]) for p in products]
    names = {p.category.key: p.category.name for p in products}
    output_shares = [(names[k], share) for k, share in sorted(sector.output_shares.items())]
    return render(
        request,
        "resources/sector_detail.html",
        {
            "year": year,
            "sector": sector,
            "rows": rows,
            "output_shares": output_shares,
            "result": result,
            "drafts": drafts,
            "coverage": _coverage(year, key),
            "draft_site_years": SiteYear.objects.filter(
                year=year, state=SiteYear.State.DRAFT, outputs__category__focus_sector__key=key
            )
            .distinct()
            .count(),
            **_labels(),
        },
    )


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    year = _year(request)
    result, drafts = _figures(request, year)
    data = exports.efficiency_xlsx(result)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # A file with the drafts counted never passes for the published figures.
    name = f"hieu-qua-nang-luong-{year}{'-tinh-ca-ban-nhap' if drafts else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- The consumption workbook's old addresses ------------------------------------------------
# The workbook is imported through the pages every import shares (/imports/consumption/);
# links kept in bookmarks and earlier pages lead there.


def import_action_moved(request: HttpRequest, token: str, action: str) -> HttpResponse:
    """A button of a page opened before the move: 307 keeps the POST (and its token)."""
    return HttpResponse(
        status=307, headers={"Location": reverse("imports:action", args=[token, action])}
    )


# --- Reference data: factors and norms --------------------------------------------------------


def reference(request: HttpRequest) -> HttpResponse:
    """Every conversion factor and energy norm, current and past, with source and status."""
    return render(
        request,
        "resources/reference.html",
        {
            "factors": ConversionFactor.objects.select_related("carrier"),
            "norms": EnergyNorm.objects.select_related("category__focus_sector").order_by(
                "category__focus_sector__position",
                "category__position",
                "capacity_min",
                "valid_from",
            ),
            "can_correct": permissions.can_correct_factors_and_norms(request.user),
        },
    )


@login_required
def reference_correct(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not permissions.can_correct_factors_and_norms(request.user):
        raise PermissionDenied
    model: Any = {"factor": ConversionFactor, "norm": EnergyNorm}.get(kind)
    if model is None:
        raise Http404
    row = get_object_or_404(model, pk=pk)
    form = CorrectionForm(
        request.POST or None,
        initial={
            "value": for_input(row.value),
            "instrument": row.instrument,
            "source": row.source,
            "status": row.source_status,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_correct(actor=signed_in_user(request), row=row, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The correction was saved; the old value is kept."))
            return redirect("resources:reference")
    return render(request, "resources/reference_correct.html", {"form": form, "row": row})
