"""Public pages: no sign-in, every page readable without JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from benvung.core.middleware import CONTENT_SECURITY_POLICY
from benvung.directory.models import FocusSector, IndustrialArea
from benvung.indicators import registry
from benvung.outreach.models import SCPModel
from benvung.plans.models import Plan
from benvung.plans.selectors import current_plan

from . import downloads, selectors
from .cache import public_page


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the system is, and what anyone can look up."""
    plan = current_plan()
    context = selectors.home_figures()
    if plan is not None:
        year = selectors.asked_year(plan, None)
        context.update(
            {
                "plan": plan,
                "year": year,
                # The template caches the targets' cards under the data version (the figures
                # change only with it), so the rows, most of this page's cost, are computed
                # only when the cards are not in the cache.
                "rows": SimpleLazyObject(lambda: selectors.progress_rows(plan=plan, year=year)),
                "rows_version": "|".join(
                    [
                        selectors.data_version(),
                        timezone.localdate().isoformat(),
                        get_language() or "",
                    ]
                ),
            }
        )
    return render(request, "portal/home.html", context)


def _plan() -> Plan:
    plan = current_plan()
    if plan is None:
        raise Http404
    return plan


@public_page
def progress(request: HttpRequest) -> HttpResponse:
    """Every target of the plan for a year: baseline, latest value, target, status."""
    plan = _plan()
    year = selectors.asked_year(plan, request.GET.get("year"))
    return render(
        request,
        "portal/progress.html",
        {
            "plan": plan,
            "year": year,
            "years": selectors.plan_years(plan),
            # Computed only when the cached figures are out of date (see the template).
            "rows": SimpleLazyObject(lambda: selectors.progress_rows(plan=plan, year=year)),
            "version": selectors.data_version(),
        },
    )


@public_page
def target_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan()
    target = get_object_or_404(selectors.target_list(plan), code=code)
    definition = selectors.definition_or_none(target.indicator_code)
    year = selectors.asked_year(plan, request.GET.get("year"))
    row = SimpleLazyObject(lambda: selectors.progress_row(target=target, year=year))

    def indicator_view() -> selectors.IndicatorView | None:
        if definition is None or definition.qualitative:
            return None
        return selectors.indicator_view(
            definition=definition, year=year, target=target, progress=row.progress
        )

    return render(
        request,
        "portal/target_detail.html",
        {
            "plan": plan,
            "year": year,
            "years": selectors.plan_years(plan),
            "target": target,
            # Computed only when the cached figures are out of date (see the template).
            "row": row,
            "definition": definition,
            "view": SimpleLazyObject(indicator_view),
            "siblings": [
                t
                for t in selectors.targets_of_indicator(plan, target.indicator_code)
                if t.pk != target.pk
            ],
            "version": selectors.data_version(),
        },
    )


def _definition(code: str) -> registry.Definition:
    definition = selectors.definition_or_none(code)
    if definition is None:
        raise Http404
    return definition


@public_page
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan()
    definition = _definition(code)
    year = selectors.asked_year(plan, request.GET.get("year"))
    targets = selectors.targets_of_indicator(plan, code)
    return render(
        request,
        "portal/indicator_detail.html",
        {
            "plan": plan,
            "year": year,
            "years": selectors.plan_years(plan),
            "definition": definition,
            # Computed only when the cached figures are out of date (see the template).
            "view": SimpleLazyObject(
                lambda: selectors.indicator_view(definition=definition, year=year)
            ),
            "rows": SimpleLazyObject(
                lambda: [selectors.progress_row(target=t, year=year) for t in targets]
            ),
            "version": selectors.data_version(),
        },
    )


def indicator_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The indicator's stored results, all years and scopes, as open data."""
    plan = _plan()
    definition = _definition(code)
    targets = selectors.targets_of_indicator(plan, code)
    results = selectors.open_data(code)
    name = f"chi-so-{code.replace('_', '-')}"
    if fmt == "csv":
        response = HttpResponse(
            downloads.as_csv(definition, results), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            downloads.as_xlsx(definition, targets, results),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "json":
        response = HttpResponse(
            downloads.as_json(definition, targets, results),
            content_type="application/json; charset=utf-8",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _tile_policy(tile_url: str) -> str:
    """The site's policy, with the tile server's origin allowed for images on this page only."""
    parts = urlsplit(tile_url)
    # Leaflet's {s} stands for the server's subdomains (a, b, c).
    origin = f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")


@public_page
def coverage_map(request: HttpRequest) -> HttpResponse:
    """Parks, clusters and craft villages reached by outreach: a map, and always the full list."""
    plan = _plan()
    year = selectors.asked_year(plan, request.GET.get("year"))
    kind = request.GET.get("kind", "")
    rows = selectors.area_coverage(year=year)
    if kind in IndustrialArea.Kind.values:
        rows = [r for r in rows if r.area.kind == kind]
    else:
        kind = ""
    counted = [r for r in rows if r.reached is not None]
    tile_url = settings.PORTAL_MAP_TILE_URL
    response = render(
        request,
        "portal/coverage_map.html",
        {
            "plan": plan,
            "year": year,
            "years": selectors.plan_years(plan),
            "kind": kind,
            "kinds": IndustrialArea.Kind.choices,
            "rows": rows,
            "markers": selectors.map_markers(rows),
            "reached_count": sum(1 for r in counted if r.reached),
            "counted_count": len(counted),
            "tile_url": tile_url,
            "targets": selectors.targets_of_indicator(plan, selectors.COVERAGE_INDICATOR),
        },
    )
    if tile_url:
        response["Content-Security-Policy"] = _tile_policy(tile_url)
    return response


def scp_model_list(request: HttpRequest) -> HttpResponse:
    """The catalogue of SCP models the coordinator verified."""
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    kind = request.GET.get("kind", "")
    if kind not in SCPModel.Kind.values:
        kind = ""
    sector = request.GET.get("sector", "")
    sectors = FocusSector.objects.order_by("position")
    if not sectors.filter(key=sector).exists():
        sector = ""
    models = selectors.scp_catalogue(year=year, kind=kind, sector=sector)
    return render(
        request,
        "portal/scp_model_list.html",
        {
            "models": models,
            "year": year,
            "kind": kind,
            "sector": sector,
            "years": selectors.scp_catalogue_years(),
            "kinds": SCPModel.Kind.choices,
            "sectors": sectors,
            "filtered": bool(year or kind or sector),
        },
    )


def scp_model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_object_or_404(selectors.scp_catalogue(), pk=pk)
    return render(request, "portal/scp_model_detail.html", {"model": model})
