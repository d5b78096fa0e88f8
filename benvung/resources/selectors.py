"""Reads of the resource-efficiency data: factors and norms in force, sites a viewer may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from benvung.accounts.permissions import active_user
from benvung.core import materials, units
from benvung.core.energy import SiteYearEnergy
from benvung.directory.models import Site

from . import calculations as calc
from . import changes, energy, permissions
from .models import (
    ConversionFactor,
    Driver,
    EnergyNorm,
    EnergyUse,
    MaterialUse,
    Output,
    ProductCategory,
    SiteYear,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


def factors_on(day: dt.date) -> list[calc.Factor]:
    """Every conversion factor in force on `day`, newest first within a carrier and target."""
    rows = (
        ConversionFactor.objects.valid_on(day)
        .select_related("carrier")
        .order_by("carrier__position", "target", "-valid_from")
    )
    return [
        calc.Factor(
            carrier=f.carrier.key,
            unit=f.unit,
            target=f.target,
            value=float(f.value),
            instrument=f.instrument,
            status=f.source_status,
            id=f.pk,
        )
        for f in rows
    ]


class Conversions:
    """Factors in force per year, and the energy of one unit of each carrier, worked out once
    per computation: every row is then a multiplication."""

    def __init__(self) -> None:
        self._factors: dict[int, list[calc.Factor]] = {}
        self._per_unit: dict[tuple[int, str, str], calc.Energy] = {}

    def factors(self, year: int) -> list[calc.Factor]:
        if year not in self._factors:
            self._factors[year] = factors_on(dt.date(year, 12, 31))
        return self._factors[year]

    def per_unit(self, year: int, carrier: str, unit: str) -> calc.Energy:
        key = (year, carrier, unit)
        found = self._per_unit.get(key)
        if found is None:
            found = calc.energy_of(carrier, 1.0, unit, self.factors(year))
            self._per_unit[key] = found
        return found

    def of_year(self, year: int) -> energy.PerUnit:
        return lambda carrier, unit: self.per_unit(year, carrier, unit)


def site_year_energy(
    *,
    years: Iterable[int],
    site_ids: Iterable[int] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    include_drafts: Drafts = False,
) -> list[SiteYearEnergy]:
    """Energy by site and year (core.energy's rules): every site-year of `years`, of those
    sites or enterprises when given, submitted ones and the drafts asked for (as
    `counted_states`), in the order they were recorded. Registered in hooks.py as the source
    other domains read through benvung.core.energy."""
    site_years = SiteYear.objects.filter(counted_states(include_drafts), year__in=list(years))
    if site_ids is not None:
        site_years = site_years.filter(site_id__in=list(site_ids))
    if enterprise_ids is not None:
        site_years = site_years.filter(site__enterprise_id__in=list(enterprise_ids))
    found = list(
        site_years.order_by("pk").values_list("pk", "site_id", "site__enterprise_id", "year")
    )
    rows: dict[int, list[energy.Row]] = defaultdict(list)
    # In the model's order (site-year, carrier, month): the order the sums are made in.
    energy_rows = EnergyUse.objects.filter(
        site_year__in=site_years.values("pk"), carrier__counts_in_total=True
    ).values_list("site_year_id", "carrier__key", "quantity", "unit", "product")
    for site_year_id, carrier, quantity, unit, product in energy_rows:
        rows[site_year_id].append(energy.Row(carrier, float(quantity), unit, product))
    conversions = Conversions()
    return [
        energy.site_year_energy(
            rows[pk],
            conversions.of_year(year),
            site_id=site_id,
            enterprise_id=enterprise_id,
            year=year,
            site_year_id=pk,
        )
        for pk, site_id, enterprise_id, year in found
    ]


def site_year_materials(
    *,
    years: Iterable[int],
    enterprise_ids: Iterable[int] | None = None,
    include_drafts: bool = False,
) -> list[materials.MaterialQuantity]:
    """The material rows of the site-years of `years`, as stored (benvung.core.materials).
    Registered in hooks.py as the source other domains read."""
    rows = MaterialUse.objects.filter(
        counted_states(include_drafts, "site_year__"), site_year__year__in=list(years)
    )
    if enterprise_ids is not None:
        rows = rows.filter(site_year__site__enterprise_id__in=list(enterprise_ids))
    return [
        materials.MaterialQuantity(sy, site, enterprise, year, material, quantity, unit)
        for sy, site, enterprise, year, material, quantity, unit in rows.order_by("pk").values_list(
            "site_year_id",
            "site_year__site_id",
            "site_year__site__enterprise_id",
            "site_year__year",
            "material",
            "quantity",
            "unit",
        )
    ]


def norms_by_category(day: dt.date) -> dict[int, list[EnergyNorm]]:
    """The norms in force on `day`, per category, the newest instrument first."""
    result: dict[int, list[EnergyNorm]] = {}
    for norm in EnergyNorm.objects.valid_on(day).order_by("-valid_from", "pk"):
        result.setdefault(norm.category_id, []).append(norm)
    return result


def norm_for(
    norms: list[EnergyNorm], category: ProductCategory, capacity: Decimal | None, capacity_unit: str
) -> EnergyNorm | None:
    """The norm in force for the site's capacity: of the rows valid on the day (newest first),
    the first whose band holds the capacity, an unbanded row holding any.

    The returned norm may have no value (set by an instrument nobody has transcribed yet):
    "no norm known". None when there is no norm, or when bands exist but the capacity is not
    given (see `needs_capacity`).
    """
    amount: float | None = None
    if capacity is not None and category.capacity_unit:
        amount = units.convert(float(capacity), capacity_unit, category.capacity_unit)
    for norm in norms:
        banded = norm.capacity_min is not None or norm.capacity_max is not None
        if not banded:
            return norm
        if amount is None:
            continue
        low = float(norm.capacity_min) if norm.capacity_min is not None else 0.0
        high = float(norm.capacity_max) if norm.capacity_max is not None else float("inf")
        if low <= amount < high:
            return norm
    return None


def needs_capacity(norms: list[EnergyNorm]) -> bool:
    """Whether finding the norm needs the site's design capacity (the norms come in bands)."""
    return any(n.capacity_min is not None or n.capacity_max is not None for n in norms)


def site_year_list(*, viewer: User | AnonymousUser) -> QuerySet[SiteYear]:
    """Site years the viewer may read: its own enterprise's, or all for coordinators."""
    qs = SiteYear.objects.select_related("site__enterprise")
    if permissions.can_view_every_site_year(viewer):
        return qs
    user = active_user(viewer)
    if user is None:
        return qs.none()
    return qs.filter(Q(site__enterprise_id=user.organisation_id))


def site_list(*, viewer: User | AnonymousUser) -> QuerySet[Site]:
    """Sites whose resource data the viewer may read: its own enterprise's, or all for the
    coordinators."""
    qs = Site.objects.select_related("enterprise").order_by("enterprise__name", "name")
    if permissions.can_view_every_site_year(viewer):
        return qs
    user = active_user(viewer)
    if user is None:
        return qs.none()
    return qs.filter(enterprise_id=user.organisation_id)


def latest_year() -> int | None:
    """The latest year any site has data for."""
    return SiteYear.objects.order_by("-year").values_list("year", flat=True).first()


# Drafts counted with the submitted data: none (every public figure), all (the coordinator's
# switch), or those of some sites (an enterprise sees its own draft beside its submitted peers).
Drafts = bool | frozenset[int]


def counted_states(drafts: Drafts, prefix: str = "") -> Q:
    """The site years a figure may rest on: submitted ones, and the drafts asked for."""
    submitted = Q(**{f"{prefix}state": SiteYear.State.SUBMITTED})
    if drafts is True:
        return Q()
    if drafts:
        return submitted | Q(**{f"{prefix}site_id__in": sorted(drafts)})
    return submitted


@dataclass
class ReportingCoverage:
    """Per focus sector (and "*" for the province): the enterprises expected to report a year
    and those whose figures for it count."""

    expected: dict[str, set[int]]
    counted: dict[str, set[int]]

    def of(self, key: str) -> tuple[int, int]:
        return len(self.counted.get(key, set())), len(self.expected.get(key, set()))


def reporting_coverage(year: int, *, drafts: Drafts = False) -> ReportingCoverage:
    """Who is expected to report `year`: every enterprise in operation at the end of the year
    that has reported output of the sector in any year up to it (draft or not: it takes part
    in the monitoring). Who counts: those with output of the sector in a site year of `year`
    the figures may rest on (submitted, or the drafts asked for)."""
    from benvung.directory.models import Enterprise

    in_operation = Enterprise.objects.valid_on(dt.date(year, 12, 31)).values("pk")
    rows = (
        Output.objects.filter(
            site_year__year__lte=year, site_year__site__enterprise__in=in_operation
        )
        .values_list("site_year__site__enterprise_id", "category__focus_sector__key")
        .distinct()
    )
    expected: dict[str, set[int]] = {}
    for enterprise, sector in rows:
        expected.setdefault(sector, set()).add(enterprise)
        expected.setdefault("*", set()).add(enterprise)
    now = (
        Output.objects.filter(
            counted_states(drafts, "site_year__"),
            site_year__year=year,
            site_year__site__enterprise__in=in_operation,
        )
        .values_list("site_year__site__enterprise_id", "category__focus_sector__key")
        .distinct()
    )
    counted: dict[str, set[int]] = {}
    for enterprise, sector in now:
        counted.setdefault(sector, set()).add(enterprise)
        counted.setdefault("*", set()).add(enterprise)
    return ReportingCoverage(expected, counted)


def year_rows(site_year_ids: Iterable[int]) -> dict[int, changes.YearRows]:
    """The stored rows of the site-years, in comparable form (five queries however many)."""
    ids = list(site_year_ids)
    rules = dict(SiteYear.objects.filter(pk__in=ids).values_list("pk", "allocation_rule"))
    rows: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    queries: dict[str, Any] = {
        changes.OUTPUTS: Output.objects.values(
            "site_year_id",
            "product",
            "month",
            "quantity",
            "unit",
            "capacity",
            "value_vnd",
            "category__key",
        ),
        changes.ENERGY: EnergyUse.objects.values(
            "site_year_id", "product", "month", "quantity", "unit", "carrier__key"
        ),
        changes.MATERIALS: MaterialUse.objects.values(
            "site_year_id", "product", "material", "month", "quantity", "unit"
        ),
        changes.DRIVERS: Driver.objects.values("site_year_id", "name", "month", "value"),
    }
    for section, query in queries.items():
        for values in query.filter(site_year_id__in=ids):
            # Carriers and categories by key, as the rows to store name them.
            for relation in ("category", "carrier"):
                if f"{relation}__key" in values:
                    values[relation] = values.pop(f"{relation}__key")
            rows[values["site_year_id"]][section].append(values)
    return {pk: changes.YearRows.of(rule, rows[pk]) for pk, rule in rules.items()}


@dataclass(frozen=True)
class StoredYear:
    """A stored site-year as an import or the API compares it with new data."""

    pk: int
    state: str
    version: int
    submitted_at: dt.datetime | None
    rows: changes.YearRows


def stored_years(
    *, viewer: User | AnonymousUser, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], StoredYear]:
    """The stored site-years among (site id, year) `keys` that the viewer may read."""
    wanted = set(keys)
    if not wanted:
        return {}
    site_years = [
        sy
        for sy in site_year_list(viewer=viewer).filter(
            site_id__in={site for site, _year in wanted}, year__in={year for _site, year in wanted}
        )
        if (sy.site_id, sy.year) in wanted
    ]
    rows = year_rows(sy.pk for sy in site_years)
    return {
        (sy.site_id, sy.year): StoredYear(sy.pk, sy.state, sy.version, sy.submitted_at, rows[sy.pk])
        for sy in site_years
    }
