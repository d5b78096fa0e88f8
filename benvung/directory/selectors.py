"""Reads of the directory, scoped to the viewer where the data is not public."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from benvung.accounts.permissions import active_user
from benvung.core.text import search_key

from . import geography, permissions
from .models import (
    AdministrativeUnit,
    Enterprise,
    EnterpriseSector,
    FocusSector,
    IndustrialArea,
    Organisation,
    OrganisationSuccession,
    Sector,
    Site,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

Unit = AdministrativeUnit


# --- Organisations (private: a user sees their own; coordinators see all) ---------------------


def organisation_list(
    *,
    viewer: User | AnonymousUser,
    kind: str | None = None,
    query: str = "",
    state: str = "current",
    focus_sector: str | None = None,
    is_demo: bool | None = None,
) -> QuerySet[Organisation]:
    if permissions.can_view_every_organisation(viewer):
        qs = Organisation.objects.all()
    elif (user := active_user(viewer)) is not None:
        qs = Organisation.objects.filter(pk=user.organisation_id)
    else:
        return Organisation.objects.none()
    if kind:
        qs = qs.filter(kind=kind)
    if query and search_key(query):
        qs = qs.filter(search_key__contains=search_key(query))
    today = timezone.localdate()
    if state == "current":
        qs = qs.valid_on(today)
    elif state == "ended":
        qs = qs.filter(valid_to__lt=today)
    if focus_sector:
        qs = qs.filter(
            enterprise__enterprisesector__sector__in=sectors_of_focus_sector(focus_sector)
        ).distinct()
    if is_demo is not None:
        qs = qs.filter(is_demo=is_demo)
    return qs.select_related(
        "administrative_unit", "agency", "enterprise", "retailoutlet"
    ).order_by("kind", "name")


def organisation_detail(*, viewer: User | AnonymousUser, pk: int) -> Organisation:
    """The organisation if the viewer may see it; Organisation.DoesNotExist otherwise."""
    org = (
        organisation_list(viewer=viewer, state="all")
        .prefetch_related(
            Prefetch(
                "successor_links",
                queryset=OrganisationSuccession.objects.select_related("successor"),
            ),
            Prefetch(
                "predecessor_links",
                queryset=OrganisationSuccession.objects.select_related("predecessor"),
            ),
        )
        .get(pk=pk)
    )
    return org


def organisation_counts(*, viewer: User | AnonymousUser) -> dict[str, int]:
    rows = organisation_list(viewer=viewer).order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def current_organisation_of(obj: Organisation, on: dt.date | None = None) -> list[Organisation]:
    """Who is responsible today for what `obj` was responsible for (itself if still valid)."""
    from benvung.core.succession import current_successors

    return current_successors(obj, on or timezone.localdate())  # type: ignore[return-value]


def enterprise_sectors(enterprise: Enterprise) -> list[EnterpriseSector]:
    return list(
        EnterpriseSector.objects.filter(enterprise=enterprise)
        .select_related("sector")
        .order_by("-is_primary", "sector__code")
    )


def site_list(
    *, viewer: User | AnonymousUser, enterprise: Enterprise | None = None
) -> QuerySet[Site]:
    if permissions.can_view_every_organisation(viewer):
        qs = Site.objects.all()
    elif (user := active_user(viewer)) is not None:
        qs = Site.objects.filter(enterprise_id=user.organisation_id)
    else:
        return Site.objects.none()
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise", "administrative_unit", "industrial_area")


# --- Sectors (public reference data) ----------------------------------------------------------


def sectors_of_focus_sector(key: str) -> QuerySet[Sector]:
    """Every VSIC code at or below the codes that define a focus sector."""
    roots = list(Sector.objects.filter(focus_sectors__key=key).values_list("version", "code"))
    if not roots:
        return Sector.objects.none()
    condition = Q()
    for version, code in roots:
        condition |= Q(version=version, code__startswith=code)
    return Sector.objects.filter(condition)


def focus_sector_of(sector: Sector) -> FocusSector | None:
    codes = [s.pk for s in sector.ancestors_and_self()]
    return FocusSector.objects.filter(sectors__in=codes).first()


def focus_sectors_with_codes() -> QuerySet[FocusSector]:
    return FocusSector.objects.prefetch_related("sectors")


def selectable_sectors() -> QuerySet[Sector]:
    """Codes an enterprise may declare: classes and sub-classes (levels 4 and 5)."""
    return Sector.objects.filter(level__gte=4).order_by("code")


# --- Industrial areas (public) ----------------------------------------------------------------


def industrial_area_list(
    *, kind: str | None = None, state: str = "current", query: str = ""
) -> QuerySet[IndustrialArea]:
    qs = IndustrialArea.objects.select_related("administrative_unit", "former_district")
    if kind:
        qs = qs.filter(kind=kind)
    if state == "current":
        qs = qs.valid_on(timezone.localdate())
    if query and search_key(query):
        qs = qs.filter(search_key__contains=search_key(query))
    return qs.annotate(site_count=Count("sites")).order_by("kind", "name")


# --- Administrative units (public) ------------------------------------------------------------


def province() -> AdministrativeUnit:
    return Unit.objects.get(
        edition=Unit.Edition.Y2025, level=Unit.Level.PROVINCE, code=settings.PROVINCE_CODE
    )


def current_communes() -> QuerySet[AdministrativeUnit]:
    """The commune-level units of the province on today's map."""
    return Unit.objects.filter(
        edition=Unit.Edition.Y2025,
        level=Unit.Level.COMMUNE,
        parent__code=settings.PROVINCE_CODE,
        parent__level=Unit.Level.PROVINCE,
    ).order_by("name")


def former_districts() -> QuerySet[AdministrativeUnit]:
    """Districts of the units that form today's province, as they stood until 30/06/2025."""
    return (
        Unit.objects.filter(
            edition=Unit.Edition.PRE_2025,
            level=Unit.Level.DISTRICT,
            parent__successor_links__successor__code=settings.PROVINCE_CODE,
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def province_units() -> QuerySet[AdministrativeUnit]:
    """The districts and communes of the province on both maps: today's communes, and the
    districts and communes, until 30/06/2025, of the provinces that formed it. Records of the
    plan's activities name these, never units of other provinces."""
    old_districts = former_districts().values("pk")
    return Unit.objects.filter(
        Q(pk__in=current_communes().values("pk"))
        | Q(pk__in=old_districts)
        | Q(parent__in=old_districts, level=Unit.Level.COMMUNE)
    )


_centroid_cache: dict[tuple[int, int], list[geography.Centroid]] = {}


def commune_centroids() -> list[geography.Centroid]:
    """Centroids of every current commune in the country (the loader may add rows at any time)."""
    qs = Unit.objects.filter(
        edition=Unit.Edition.Y2025,
        level=Unit.Level.COMMUNE,
        latitude__isnull=False,
        longitude__isnull=False,
    )
    stamp = (qs.count(), max(qs.values_list("pk", flat=True), default=0))
    if stamp not in _centroid_cache:
        _centroid_cache.clear()
        _centroid_cache[stamp] = [
            geography.Centroid(
                unit_id=pk,
                province_code=province_code,
                # The queryset keeps only units with both coordinates.
                latitude=float(cast(Decimal, lat)),
                longitude=float(cast(Decimal, lon)),
                area_km2=float(area) if area is not None else None,
            )
            for pk, province_code, lat, lon, area in qs.values_list(
                "pk", "parent__code", "latitude", "longitude", "area_km2"
            )
        ]
    return _centroid_cache[stamp]


def point_is_in_province(latitude: float, longitude: float) -> bool:
    return geography.is_in_province(
        latitude, longitude, settings.PROVINCE_CODE, commune_centroids()
    )


def commune_at(latitude: float, longitude: float) -> AdministrativeUnit | None:
    best, _dist = geography.locate(latitude, longitude, commune_centroids())
    return Unit.objects.filter(pk=best.unit_id).first() if best else None


def predecessors_of(org: Organisation) -> list[OrganisationSuccession]:
    """Links from every organisation whose duties passed (directly or not) to `org`."""
    result: list[OrganisationSuccession] = []
    seen = {org.pk}
    frontier = [org.pk]
    while frontier:
        links = list(
            OrganisationSuccession.objects.filter(successor_id__in=frontier)
            .select_related("predecessor", "successor")
            .order_by("-effective_date", "predecessor__name")
        )
        frontier = []
        for link in links:
            if link.predecessor_id not in seen:
                seen.add(link.predecessor_id)
                frontier.append(link.predecessor_id)
                result.append(link)
    return result


def enterprise_count_by_focus_sector() -> list[tuple[FocusSector, int]]:
    """Current enterprises per focus sector (an enterprise may count in more than one)."""
    today = timezone.localdate()
    rows = []
    for fs in FocusSector.objects.all():
        n = (
            Enterprise.objects.valid_on(today)
            .filter(enterprisesector__sector__in=sectors_of_focus_sector(fs.key))
            .distinct()
            .count()
        )
        rows.append((fs, n))
    return rows


def demo_organisations_present() -> bool:
    """Generated demo organisations exist (the pages show a banner while they do)."""
    return Organisation.objects.filter(is_demo=True).exists()
