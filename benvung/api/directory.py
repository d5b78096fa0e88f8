"""/api/directory: organisations, sites and industrial areas — their public fields only (names,
identifiers, addresses, dates), never contacts, notes or anything behind a record.

Organisations and sites are read through the directory's selectors, so a caller sees the ones
the pages show it (its own; coordinators all). Industrial parks, clusters and craft villages
are public, as their pages are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from benvung.directory import selectors
from benvung.directory.models import IndustrialArea, Organisation, Site

from .common import MAX_OFFSET, Id, Text, answers, iso, paged

router = Router(tags=["directory"])


class Unit(Schema):
    id: int
    code: str
    name: str


class OrganisationOut(Schema):
    id: int
    kind: str = Field(description="agency, enterprise or retail outlet")
    name: str
    short_name: str
    tax_code: str | None = Field(None, description="enterprises only")
    address: str
    administrative_unit: Unit | None
    website: str
    valid_from: str | None
    valid_to: str | None = Field(description="set when the organisation ended")


class OrganisationList(Schema):
    count: int
    items: list[OrganisationOut]


class SiteOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    name: str
    address: str
    administrative_unit: Unit | None
    industrial_area_id: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    valid_from: str | None
    valid_to: str | None


class SiteList(Schema):
    count: int
    items: list[SiteOut]


class AreaOut(Schema):
    id: int
    kind: str = Field(description="industrial park, industrial cluster or craft village")
    name: str
    administrative_unit: Unit | None
    area_ha: Decimal | None
    operator: str
    latitude: Decimal | None
    longitude: Decimal | None
    valid_from: str | None
    valid_to: str | None


class AreaList(Schema):
    count: int
    items: list[AreaOut]


def _unit(unit: Any) -> dict[str, Any] | None:
    return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit is not None else None


def _organisation(org: Organisation) -> dict[str, Any]:
    enterprise = getattr(org, "enterprise", None) if org.kind == "enterprise" else None
    return {
        "id": org.pk,
        "kind": org.kind,
        "name": org.name,
        "short_name": org.short_name,
        "tax_code": enterprise.tax_code if enterprise is not None else None,
        "address": org.address,
        "administrative_unit": _unit(org.administrative_unit),
        "website": org.website,
        "valid_from": iso(org.valid_from),
        "valid_to": iso(org.valid_to),
    }


def _site(site: Site) -> dict[str, Any]:
    return {
        "id": site.pk,
        "enterprise_id": site.enterprise_id,
        "enterprise": site.enterprise.name,
        "name": site.name,
        "address": site.address,
        "administrative_unit": _unit(site.administrative_unit),
        "industrial_area_id": site.industrial_area_id,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "valid_from": iso(site.valid_from),
        "valid_to": iso(site.valid_to),
    }


def _area(area: IndustrialArea) -> dict[str, Any]:
    return {
        "id": area.pk,
        "kind": area.kind,
        "name": area.name,
        "administrative_unit": _unit(area.administrative_unit),
        "area_ha": area.area_ha,
        "operator": area.operator,
        "latitude": area.latitude,
        "longitude": area.longitude,
        "valid_from": iso(area.valid_from),
        "valid_to": iso(area.valid_to),
    }


@router.get(
    "/organisations", response=answers(OrganisationList), summary="Organisations the caller sees"
)
def organisation_list(
    request: HttpRequest,
    kind: Text | None = None,
    q: Text = "",
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    found = selectors.organisation_list(viewer=request.user, kind=kind, query=q, state="all")
    return paged(found.order_by("kind", "name", "pk"), limit, offset, _organisation)


@router.get(
    "/organisations/{organisation_id}",
    response=answers(OrganisationOut),
    summary="One organisation",
)
def organisation_detail(request: HttpRequest, organisation_id: Id) -> dict[str, Any]:
    found = selectors.organisation_list(viewer=request.user, state="all")
    return _organisation(get_object_or_404(found, pk=organisation_id))


@router.get("/sites", response=answers(SiteList), summary="Enterprise sites the caller sees")
def site_list(
    request: HttpRequest,
    enterprise: Id | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    sites = selectors.site_list(viewer=request.user)
    if enterprise is not None:
        sites = sites.filter(enterprise_id=enterprise)
    return paged(sites.order_by("enterprise__name", "name", "pk"), limit, offset, _site)


@router.get("/sites/{site_id}", response=answers(SiteOut), summary="One site")
def site_detail(request: HttpRequest, site_id: Id) -> dict[str, Any]:
    return _site(get_object_or_404(selectors.site_list(viewer=request.user), pk=site_id))


@router.get(
    "/industrial-areas",
    response=answers(AreaList, public=True),
    auth=None,
    summary="Industrial parks, clusters and craft villages (public)",
)
def area_list(
    request: HttpRequest,
    kind: Text | None = None,
    q: Text = "",
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    areas = selectors.industrial_area_list(kind=kind, state="all", query=q)
    return paged(areas.order_by("kind", "name", "pk"), limit, offset, _area)


@router.get(
    "/industrial-areas/{area_id}",
    response=answers(AreaOut, public=True),
    auth=None,
    summary="One industrial area (public)",
)
def area_detail(request: HttpRequest, area_id: Id) -> dict[str, Any]:
    return _area(get_object_or_404(selectors.industrial_area_list(state="all"), pk=area_id))
