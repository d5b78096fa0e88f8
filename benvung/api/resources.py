"""/api/resources: bulk submission of site-year data, the year's figures, one site year."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from benvung.accounts import permissions
from benvung.directory.models import Site
from benvung.reporting.selectors import figures_final
from benvung.resources import efficiency, selectors, services

router = Router(tags=["resources"])

Number = float | str | None


class OutputRow(Schema):
    product: str
    category: str = Field(description="product category key, e.g. beer, packaging-paper")
    quantity: Number
    unit: str
    month: int | None = None
    capacity: Number = None
    value_vnd: Number = None


class EnergyRow(Schema):
    carrier: str = Field(description="carrier key, e.g. grid_electricity, coal_3_4, diesel")
    quantity: Number
    unit: str
    month: int | None = None
    product: str = ""


class MaterialRow(Schema):
    material: str
    quantity: Number
    unit: str
    product: str = ""
    month: int | None = None


class DriverRow(Schema):
    name: str
    month: int
    value: Number


class SiteYearIn(Schema):
    tax_code: str
    site: str = Field(description="the site's name as registered")
    year: int
    allocation_rule: str = "mass"
    outputs: list[OutputRow] = []
    energy: list[EnergyRow] = []
    materials: list[MaterialRow] = []
    drivers: list[DriverRow] = []


class Bulk(Schema):
    items: list[SiteYearIn]


class ItemProblem(Schema):
    item: int
    messages: list[str]


class BulkResult(Schema):
    saved: int
    problems: list[ItemProblem]


class _Rollback(Exception):
    pass


def _site(request: HttpRequest, item: SiteYearIn) -> Site | None:
    # Only the sites the caller may see: another enterprise's sites are "not found", the same
    # answer as for sites that do not exist.
    return (
        selectors.site_list(viewer=request.user)
        .filter(enterprise__tax_code=item.tax_code.strip(), name=item.site.strip())
        .first()
    )


@router.post("/site-years", response={200: BulkResult, 422: BulkResult})
def submit_site_years(request: HttpRequest, payload: Bulk) -> Status:
    """Save many site years at once: all of them, or (with any problem) none."""
    problems: list[dict[str, Any]] = []
    saved = 0
    try:
        with transaction.atomic():
            for index, item in enumerate(payload.items, start=1):
                site = _site(request, item)
                if site is None:
                    problems.append(
                        {
                            "item": index,
                            "messages": [
                                _("No site “%(site)s” of the enterprise with tax code %(tax)s.")
                                % {"site": item.site, "tax": item.tax_code}
                            ],
                        }
                    )
                    continue
                try:
                    services.site_year_save(
                        actor=request.user,
                        site=site,
                        year=item.year,
                        allocation_rule=item.allocation_rule,
                        outputs=[r.dict() for r in item.outputs],
                        energy=[r.dict() for r in item.energy],
                        materials=[r.dict() for r in item.materials],
                        drivers=[r.dict() for r in item.drivers],
                        is_demo=site.is_demo,
                    )
                    saved += 1
                except PermissionDenied:
                    problems.append(
                        {"item": index, "messages": [_("You are not allowed to do this.")]}
                    )
                except ValidationError as exc:
                    problems.append({"item": index, "messages": exc.messages})
            if problems:
                raise _Rollback
    except _Rollback:
        return Status(422, {"saved": 0, "problems": problems})
    return Status(200, {"saved": saved, "problems": []})


@router.get("/efficiency")
def efficiency_of_year(
    request: HttpRequest, year: int, baseline: int | None = None, include_drafts: bool = False
) -> dict[str, Any]:
    """Every enterprise's and sector's figures for the year (coordinators only): submitted
    site years only, unless `include_drafts` counts the drafts too (`drafts_counted` says so)."""
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied
    for value in (year, baseline):
        if value is not None and not services.MIN_YEAR <= value <= services.MAX_YEAR:
            raise Http404
    return efficiency.to_json(
        efficiency.compute(
            year, baseline_setting=baseline, drafts=include_drafts, final=figures_final(year)
        )
    )


@router.get("/sites/{site_id}/years/{year}")
def site_year_data(request: HttpRequest, site_id: int, year: int) -> dict[str, Any]:
    """One site year as stored (its enterprise and the coordinators only)."""
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=site_id)
    site_year = get_object_or_404(site.resource_years, year=year)
    return {
        "site": site.name,
        "year": year,
        "state": site_year.state,
        "version": site_year.version,
        "allocation_rule": site_year.allocation_rule,
        "outputs": [
            {
                "product": o.product,
                "category": o.category.key,
                "month": o.month,
                "quantity": str(o.quantity),
                "unit": o.unit,
            }
            for o in site_year.outputs.select_related("category")
        ],
        "energy": [
            {
                "carrier": e.carrier.key,
                "month": e.month,
                "quantity": str(e.quantity),
                "unit": e.unit,
                "product": e.product,
            }
            for e in site_year.energy.select_related("carrier")
        ],
    }
