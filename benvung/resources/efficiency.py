"""The resource-efficiency figures of a year, assembled from the stored data.

Reads every site's yearly (or monthly) data in a few queries, hands plain numbers to
`calculations`, and returns per product and per sector what was computed and from what:
factors, allocation rule, norm, baseline year, method and the reason for any fallback.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benvung.core import units
from benvung.directory.models import FocusSector
from benvung.indicators import selectors as indicator_selectors
from benvung.indicators.models import Status
from benvung.plans.models import Target

from . import calculations as calc
from . import energy, enpi, selectors
from .models import (
    AllocationRule,
    Carrier,
    Driver,
    EnergyUse,
    MaterialUse,
    Output,
    ProductCategory,
    SiteYear,
)

DEFAULT_BASELINE_YEAR = 2021  # the last year before the plan period (the plan names none)
INDICATOR = "resource_consumption_reduction"

RATIO = "ratio"
NORMALISED = "normalised"

# How codes in the results read (pages, workbook, command); the JSON keeps the codes.
STATUS_LABELS = {
    status.value: status.label for status in Status
}  # the plan-wide progress vocabulary (docs/indicators.md)
METHOD_LABELS = {
    RATIO: gettext_lazy("ratio to the baseline year"),
    NORMALISED: gettext_lazy("normalised (regression on the baseline year)"),
}
ALLOCATION_LABELS = {
    "single": gettext_lazy("all of the site's energy (its only product)"),
    **dict(AllocationRule.choices),
}


def labels(mapping: dict[str, Any]) -> dict[str, str]:
    """The labels in the active language."""
    return {k: str(v) for k, v in mapping.items()}


# --- What is read from the database ----------------------------------------------------------


@dataclass
class YearData:
    site_year_id: int
    allocation_rule: str
    submitted: bool = False
    outputs: dict[str, calc.Output] = field(default_factory=dict)  # product → yearly total
    monthly_output: dict[str, dict[int, float]] = field(default_factory=dict)
    energy: list[tuple[str, float, str, str, int | None]] = field(default_factory=list)
    materials: dict[str, dict[str, float]] = field(default_factory=dict)  # product → material → t
    drivers: dict[str, dict[int, float]] = field(default_factory=dict)
    capacity: dict[str, tuple[float | None, str]] = field(default_factory=dict)


@dataclass
class SiteInfo:
    site_id: int
    site_name: str
    enterprise_id: int
    enterprise_name: str
    is_demo: bool
    years: dict[int, YearData] = field(default_factory=dict)


def _load(
    year: int,
    baseline_setting: int,
    site_ids: Iterable[int] | None = None,
    drafts: selectors.Drafts = False,
) -> dict[int, SiteInfo]:
    """The site years up to `year` the figures may rest on (submitted, and the drafts asked
    for); rows only for those the figures use: the year, the year before (the year-on-year
    check) and each site's baseline year."""
    counted = selectors.counted_states(drafts)
    site_years = SiteYear.objects.filter(counted, year__lte=year)
    wanted_sites = list(site_ids) if site_ids is not None else None
    if wanted_sites is not None:
        site_years = site_years.filter(site_id__in=wanted_sites)
    sites: dict[int, SiteInfo] = {}
    every: dict[int, YearData] = {}
    year_of: dict[int, int] = {}
    # Plain tuples: building model objects for every site year would cost more than the maths.
    for (
        pk,
        sy_year,
        rule,
        state,
        is_demo,
        site_id,
        site_name,
        enterprise_id,
        enterprise_name,
    ) in site_years.values_list(
        "pk",
        "year",
        "allocation_rule",
        "state",
        "is_demo",
        "site_id",
        "site__name",
        "site__enterprise_id",
        "site__enterprise__name",
    ).iterator(chunk_size=5000):
        info = sites.get(site_id)
        if info is None:
            info = sites[site_id] = SiteInfo(
                site_id, site_name, enterprise_id, enterprise_name, is_demo
            )
        data = YearData(pk, rule, state == SiteYear.State.SUBMITTED)
        info.years[sy_year] = data
        every[pk] = data
        year_of[pk] = sy_year
    common_years = [year, year - 1, baseline_setting]
    substituted: list[int] = []  # baselines of sites without data for the setting's year
    for info in sites.values():
        choice = calc.choose_baseline(sorted(info.years), baseline_setting)
        if choice and choice.substituted and choice.year not in common_years:
            substituted.append(info.years[choice.year].site_year_id)
    extra = set(substituted)
    by_id = {pk: data for pk, data in every.items() if pk in extra or year_of[pk] in common_years}

    in_site_year = selectors.counted_states(drafts, "site_year__")

    def rows(model: Any, *fields: str) -> Iterable[tuple[Any, ...]]:
        qs = model.objects.filter(
            in_site_year, site_year__year__in=common_years, site_year__year__lte=year
        )
        if wanted_sites is not None:
            qs = qs.filter(site_year__site_id__in=wanted_sites)
        yield from qs.values_list("site_year_id", *fields).iterator(chunk_size=5000)
        for start in range(0, len(substituted), 500):
            chunk = substituted[start : start + 500]
            yield from model.objects.filter(site_year_id__in=chunk).values_list(
                "site_year_id", *fields
            )

    categories = {c.pk: c for c in ProductCategory.objects.all()}
    outputs = rows(
        Output, "product", "category_id", "month", "quantity", "unit", "capacity", "value_vnd"
    )
    totals: dict[tuple[int, str], list[Any]] = {}
    for sy_id, product, category_id, month, quantity, unit, capacity, value in outputs:
        data = by_id[sy_id]
        category = categories[category_id]
        amount = units.convert(float(quantity), unit, category.output_unit)
        entry = totals.setdefault((sy_id, product), [category.key, 0.0, None])
        entry[1] += amount
        if value is not None:
            entry[2] = (entry[2] or 0.0) + float(value)
        if month:
            data.monthly_output.setdefault(product, {})
            data.monthly_output[product][month] = (
                data.monthly_output[product].get(month, 0.0) + amount
            )
        if capacity is not None:
            data.capacity[product] = (float(capacity), category.capacity_unit)
    for (sy_id, product), (category_key, amount, value) in totals.items():
        unit = next(c.output_unit for c in categories.values() if c.key == category_key)
        by_id[sy_id].outputs[product] = calc.Output(product, category_key, amount, unit, value)
    carriers = {c.pk: c for c in Carrier.objects.all()}
    for sy_id, carrier_id, month, quantity, unit, product in rows(
        EnergyUse, "carrier_id", "month", "quantity", "unit", "product"
    ):
        carrier = carriers[carrier_id]
        if carrier.counts_in_total:
            by_id[sy_id].energy.append((carrier.key, float(quantity), unit, product, month))
    for sy_id, product, material, quantity, unit in rows(
        MaterialUse, "product", "material", "quantity", "unit"
    ):
        if not product:
            continue  # the site's water
        if units.dimension_of(unit) != "mass":
            continue  # water (m3) is reported, not part of the materials-per-tonne figure
        per_product = by_id[sy_id].materials.setdefault(product, {})
        per_product[material] = per_product.get(material, 0.0) + units.convert(
            float(quantity), unit, "t"
        )
    for sy_id, name, month, value in rows(Driver, "name", "month", "value"):
        by_id[sy_id].drivers.setdefault(name, {})[month] = float(value)
    return sites


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """Something in the data to look at before it counts: the enterprise confirms or corrects."""

    code: str  # stable within a site year, e.g. "year_change:Bia lon"
    message: str


@dataclass
class ProductResult:
    site: SiteInfo
    product: str
    category: ProductCategory
    output: float
    energy: calc.Energy
    allocation: str
    sec: float
    norm: Any  # EnergyNorm | None
    norm_needs_capacity: bool
    baseline: calc.BaselineChoice | None
    sec_baseline: float | None
    method: str | None
    improvement: float | None
    fallback: list[str]
    contribution: calc.Contribution | None
    material_contribution: calc.Contribution | None
    materials_per_unit: dict[str, float]
    sec_previous: float | None = None  # the year before, for the year-on-year check
    peer: calc.PeerPosition | None = None
    peer_z: float | None = None
    flags: list[Flag] = field(default_factory=list)
    # The EnPI regression report of the site's model (the normalised method, or the model that
    # came closest when the ratio method was used instead); None when no model was fitted.
    model: calc.ModelReport | None = None

    @property
    def model_view(self) -> enpi.ReportView | None:
        """The report with its numbers written out in the active language (for pages)."""
        return enpi.view(self.model) if self.model else None

    @property
    def shares_site_model(self) -> bool:
        """The site makes several products: its one model covers them all."""
        return len(self.site.years[self.year].outputs) > 1

    @property
    def site_year_id(self) -> int:
        return self.site.years[self.year].site_year_id

    @property
    def submitted(self) -> bool:
        return self.site.years[self.year].submitted

    year: int = 0

    @property
    def norm_value(self) -> float | None:
        return (
            float(self.norm.value)
            if self.norm is not None and self.norm.value is not None
            else None
        )

    @property
    def above_norm(self) -> bool | None:
        value = self.norm_value
        return None if value is None else self.sec > value


@dataclass
class SectorResult:
    key: str
    name: str
    energy: calc.RollUp
    materials: calc.RollUp
    status: str
    expected: float | None
    band: tuple[float, float] | None
    milestone_year: int | None
    enterprises: int
    energy_share: float | None  # of the sector's reported energy, the part behind the figure
    output_shares: dict[str, float]  # per product category: share of its output behind it
    unconfirmed: int = 0  # products whose energy used a factor not yet verified
    drafts: int = 0  # products whose year is still a draft (entered, not yet submitted)


@dataclass
class EfficiencyResult:
    year: int
    baseline_setting: int
    products: list[ProductResult]
    sectors: list[SectorResult]
    province: SectorResult
    problems: list[str]
    site_problems: dict[int, list[Flag]] = field(default_factory=dict)  # by site year id
    drafts_counted: bool = False  # some drafts not yet submitted are counted (never public)

    def flags_of(self, site_year_id: int) -> list[Flag]:
        found = list(self.site_problems.get(site_year_id, []))
        for p in self.products:
            if p.site_year_id == site_year_id:
                found.extend(p.flags)
        return found


def compute(
    year: int,
    *,
    baseline_setting: int | None = None,
    site_ids: Iterable[int] | None = None,
    category_keys: Iterable[str] | None = None,
    drafts: selectors.Drafts = False,
    final: bool = False,
) -> EfficiencyResult:
    """The year's figures; `category_keys` narrows to the sites making those products (with
    their peers), e.g. to check one site year before it is submitted. Without
    `baseline_setting`, the target's own setting (the plan file's baseline_year) is used.

    Only submitted site years count (every public figure and document), unless `drafts` says
    otherwise: True counts every draft too (the coordinator's switch), a set of site ids their
    own drafts (an enterprise checking its year against its submitted peers). `final`: the
    year's figures are final (its reporting cycle closed), so a target whose milestone is this
    year is achieved or not achieved rather than judged on its pace."""
    if baseline_setting is None:
        baseline_setting = baseline_for(year)
    if category_keys is not None:
        wanted = Output.objects.filter(site_year__year=year, category__key__in=list(category_keys))
        chosen = set(wanted.values_list("site_year__site_id", flat=True))
        site_ids = chosen if site_ids is None else chosen & set(site_ids)
    sites = _load(year, baseline_setting, site_ids, drafts)
    categories = {c.key: c for c in ProductCategory.objects.select_related("focus_sector")}
    conversions = selectors.Conversions()
    norms = selectors.norms_by_category(dt.date(year, 12, 31))
    products: list[ProductResult] = []
    problems: list[str] = []
    site_problems: dict[int, list[Flag]] = {}
    reported_energy: dict[str, float] = defaultdict(float)
    reported_output: dict[str, float] = defaultdict(float)
    for info in sites.values():
        if year not in info.years:
            continue
        try:
            computed = _site(info, year, baseline_setting, categories, norms, conversions)
        except (calc.CalculationError, units.UnitError) as exc:
            problems.append(f"{info.enterprise_name} — {info.site_name}, {year}: {exc}")
            site_problems[info.years[year].site_year_id] = [Flag("data", str(exc))]
            # Its output still belongs to the sector: the share behind the figure counts it.
            for failed in info.years[year].outputs.values():
                reported_output[failed.category] += failed.quantity
            continue
        products.extend(computed)
        for r in computed:
            reported_energy[r.category.focus_sector.key] += r.energy.gj
            reported_output[r.category.key] += r.output
    sectors = []
    for sector in FocusSector.objects.order_by("position"):
        mine = [p for p in products if p.category.focus_sector_id == sector.pk]
        sectors.append(
            _roll(
                sector.key,
                sector.name,
                mine,
                year,
                baseline_setting,
                reported_energy,
                reported_output,
                final,
            )
        )
    _check_quality(products)
    total_energy = {"*": sum(reported_energy.values())}
    province = _roll(
        "*", _("Province"), products, year, baseline_setting, total_energy, reported_output, final
    )
    return EfficiencyResult(
        year,
        baseline_setting,
        products,
        sectors,
        province,
        problems,
        site_problems,
        drafts_counted=bool(drafts),
    )


def _check_quality(products: list[ProductResult]) -> None:
    """Peers (same category, same year; demo data only among demo data), robust outliers and
    year-on-year jumps, as flags on each product."""
    groups: dict[tuple[str, bool], list[ProductResult]] = defaultdict(list)
    for p in products:
        groups[(p.category.key, p.site.is_demo)].append(p)
    for group in groups.values():
        values = [p.sec for p in group]
        # Peers are other enterprises: fewer than MIN_PEERS of them and nothing is compared
        # (an enterprise's own second product must not make up the number).
        enough = len({p.site.enterprise_id for p in group}) >= calc.MIN_PEERS
        for p in group:
            if enough:
                p.peer = calc.peer_position(p.sec, values)
                p.peer_z = calc.modified_z(p.sec, values)
            if p.peer_z is not None and abs(p.peer_z) > calc.OUTLIER_Z:
                p.flags.append(
                    Flag(
                        f"peer:{p.product}",
                        _(
                            "%(product)s: the specific consumption %(sec)s %(unit)s is far from "
                            "that of the other enterprises (median %(median)s)"
                        )
                        % {
                            "product": p.product,
                            "sec": _n(p.sec),
                            "unit": units.label(p.category.sec_unit),
                            "median": _n(p.peer.median) if p.peer else "—",
                        },
                    )
                )
            change = calc.year_change(p.sec, p.sec_previous) if p.sec_previous else None
            if change is not None and abs(change) > calc.YEAR_CHANGE_LIMIT:
                p.flags.append(
                    Flag(
                        f"year_change:{p.product}",
                        _(
                            "%(product)s: the specific consumption changed by %(change)s %% "
                            "from the year before (%(before)s → %(now)s %(unit)s)"
                        )
                        % {
                            "product": p.product,
                            "change": _n(change * 100, 1),
                            "before": _n(p.sec_previous),
                            "now": _n(p.sec),
                            "unit": units.label(p.category.sec_unit),
                        },
                    )
                )


def _n(value: float | None, places: int = 2) -> str:
    return (
        "—" if value is None else number_format(round(value, places), places, force_grouping=True)
    )


def _energy_by_product(
    info: SiteInfo, year: int, conversions: selectors.Conversions
) -> tuple[calc.Energy, calc.Allocation, dict[str, float]]:
    """The site-year's energy (benvung.core.energy's rules: a row that cannot be converted
    raises its error here) and its split between the products, in GJ."""
    data = info.years[year]
    found = energy.site_year_energy(
        (
            energy.Row(carrier, quantity, unit, product)
            for carrier, quantity, unit, product, _m in data.energy
        ),
        conversions.of_year(year),
        site_id=info.site_id,
        enterprise_id=info.enterprise_id,
        year=year,
        site_year_id=data.site_year_id,
    )
    total = energy.as_calc(found)
    if total.gj <= 0:
        raise calc.CalculationError(_("Output is reported without any energy."))
    allocation = calc.allocate(list(data.outputs.values()), data.allocation_rule, found.metered_gj)
    return total, allocation, {k: total.gj * s for k, s in allocation.shares.items()}


def _monthly_energy(
    data: YearData, year: int, conversions: selectors.Conversions
) -> dict[int, float]:
    months: dict[int, float] = defaultdict(float)
    for carrier, quantity, unit, _product, month in data.energy:
        if month is None:
            return {}
        months[month] += conversions.per_unit(year, carrier, unit).gj * quantity
    return dict(months)


def _months(data: YearData, by_month: dict[int, float], variables: list[str]) -> list[calc.Month]:
    result = []
    for month in sorted(by_month):
        values = {}
        for name in variables:
            series = data.monthly_output.get(name) or data.drivers.get(name) or {}
            if month not in series:
                break
            values[name] = series[month]
        else:
            result.append(calc.Month(by_month[month], values))
    return result


@dataclass
class _Baseline:
    """What the site's baseline year gives its products: the site's normalised model (or why
    there is none) and each product's energy that year (for the ratio method)."""

    choice: calc.BaselineChoice | None
    data: YearData | None = None  # None: no earlier year to compare with
    normalised: calc.Normalised | None = None
    report: calc.ModelReport | None = None
    fallback: list[str] = field(default_factory=list)
    split: dict[str, float] = field(default_factory=dict)


@dataclass
class _SiteYear:
    """What every product of a site-year shares: the site's energy and its split, the
    baseline, and the year before (for the year-on-year check)."""

    info: SiteInfo
    year: int
    data: YearData
    total: calc.Energy
    allocation: calc.Allocation
    baseline: _Baseline
    previous: YearData | None
    previous_split: dict[str, float]


def _site(
    info: SiteInfo,
    year: int,
    baseline_setting: int,
    categories: dict[str, ProductCategory],
    norms: dict[int, list[Any]],
    conversions: selectors.Conversions,
) -> list[ProductResult]:
    data = info.years[year]
    if not data.outputs:
        if data.energy:
            raise calc.CalculationError(_("Energy is reported without any output."))
        return []
    total, allocation, _split = _energy_by_product(info, year, conversions)
    baseline = _baseline(info, year, baseline_setting, conversions)
    previous, previous_split = _previous_year(info, year, conversions)
    site = _SiteYear(info, year, data, total, allocation, baseline, previous, previous_split)
    return [
        _product(site, product, output, categories[output.category], norms)
        for product, output in data.outputs.items()
    ]


def _baseline(
    info: SiteInfo, year: int, baseline_setting: int, conversions: selectors.Conversions
) -> _Baseline:
    choice = calc.choose_baseline(sorted(info.years), baseline_setting)
    if choice is None or choice.year >= year:
        return _Baseline(choice)
    base = info.years[choice.year]
    normalised, fallback, report = _normalised(
        base, choice.year, info.years[year], year, conversions
    )
    split: dict[str, float] = {}
    try:
        _t, _a, split = _energy_by_product(info, choice.year, conversions)
    except calc.CalculationError as exc:
        fallback.append(str(exc))
    return _Baseline(choice, base, normalised, report, fallback, split)


def _normalised(
    base: YearData,
    base_year: int,
    data: YearData,
    year: int,
    conversions: selectors.Conversions,
) -> tuple[calc.Normalised | None, list[str], calc.ModelReport | None]:
    """The normalised method works on the whole site, month by month: (its result, why it
    could not be used, the model's report)."""
    base_energy = _monthly_energy(base, base_year, conversions)
    year_energy = _monthly_energy(data, year, conversions)
    if set(base.outputs) != set(data.outputs):
        # A product added or dropped has no place in the baseline model.
        return None, [_("the site's products differ from those of the baseline year")], None
    if not (base_energy and year_energy):
        return None, [_("no monthly data for both years")], None
    variables = sorted(set(base.monthly_output) | set(base.drivers))
    assessed = calc.assess(
        _months(base, base_energy, variables),
        _months(data, year_energy, variables),
        variables,
        required=sorted(base.monthly_output),
        units=_variable_units(base, variables),
    )
    return assessed.result, assessed.reasons, assessed.report


def _previous_year(
    info: SiteInfo, year: int, conversions: selectors.Conversions
) -> tuple[YearData | None, dict[str, float]]:
    """The year before and its products' energy ({} when it cannot be worked out: the
    year-on-year check is then skipped, it stops nothing)."""
    previous = info.years.get(year - 1)
    if previous is None or not previous.outputs:
        return previous, {}
    try:
        _t, _a, split = _energy_by_product(info, year - 1, conversions)
    except (calc.CalculationError, units.UnitError):
        return previous, {}
    return previous, split


def _product(
    site: _SiteYear,
    product: str,
    output: calc.Output,
    category: ProductCategory,
    norms: dict[int, list[Any]],
) -> ProductResult:
    share = site.allocation.shares[product]
    total = site.total
    energy_used = calc.Energy(total.gj * share, total.toe * share, total.factors, total.notes)
    sec = calc.sec(energy_used.gj, output.quantity, output.unit, category.sec_unit)
    norm, norm_needs_capacity = _norm(site.data, product, category, norms)
    sec_base, method, improvement, contribution = _improvement(
        site.baseline, product, output, category, share, energy_used.gj, sec
    )
    return ProductResult(
        site=site.info,
        product=product,
        category=category,
        output=output.quantity,
        energy=energy_used,
        allocation=site.allocation.rule,
        sec=sec,
        norm=norm,
        norm_needs_capacity=norm_needs_capacity,
        baseline=site.baseline.choice,
        sec_baseline=sec_base,
        method=method,
        improvement=improvement,
        fallback=site.baseline.fallback if method == RATIO else [],
        contribution=contribution,
        material_contribution=_material_contribution(site, product, output),
        materials_per_unit={
            m: t / output.quantity for m, t in site.data.materials.get(product, {}).items()
        },
        sec_previous=_sec_previous(site, product, category),
        year=site.year,
        model=site.baseline.report if method is not None else None,
    )


def _norm(
    data: YearData, product: str, category: ProductCategory, norms: dict[int, list[Any]]
) -> tuple[Any, bool]:
    """The norm in force for the product at the site's capacity, and whether finding one
    needs the capacity the site did not give."""
    capacity, capacity_unit = data.capacity.get(product, (None, ""))
    category_norms = norms.get(category.pk, [])
    norm = selectors.norm_for(
        category_norms,
        category,
        None if capacity is None else Decimal(str(capacity)),
        capacity_unit,
    )
    needs_capacity = norm is None and capacity is None and selectors.needs_capacity(category_norms)
    return norm, needs_capacity


def _improvement(
    baseline: _Baseline,
    product: str,
    output: calc.Output,
    category: ProductCategory,
    share: float,
    energy_gj: float,
    sec: float,
) -> tuple[float | None, str | None, float | None, calc.Contribution | None]:
    """(SEC in the baseline year, method, improvement, contribution to the roll-up): the
    site's normalised model when it holds, else the ratio to the baseline year's SEC."""
    base_output = baseline.data.outputs.get(product) if baseline.data is not None else None
    sec_base = None
    if base_output and base_output.quantity > 0 and product in baseline.split:
        sec_base = calc.sec(
            baseline.split[product], base_output.quantity, base_output.unit, category.sec_unit
        )
    normalised = baseline.normalised
    if normalised is not None:
        contribution = calc.Contribution(
            normalised.actual * share, normalised.adjusted_baseline * share
        )
        return sec_base, NORMALISED, normalised.improvement, contribution
    if sec_base and base_output is not None:
        per_unit = baseline.split[product] / base_output.quantity
        # At baseline performance this year's output would have taken per_unit × output.
        contribution = calc.Contribution(energy_gj, per_unit * output.quantity)
        return sec_base, RATIO, calc.ratio_improvement(sec, sec_base), contribution
    return sec_base, None, None, None


def _sec_previous(site: _SiteYear, product: str, category: ProductCategory) -> float | None:
    previous = site.previous
    previous_output = previous.outputs.get(product) if previous is not None else None
    if previous_output and previous_output.quantity > 0 and product in site.previous_split:
        return calc.sec(
            site.previous_split[product],
            previous_output.quantity,
            previous_output.unit,
            category.sec_unit,
        )
    return None


def _material_contribution(
    site: _SiteYear, product: str, output: calc.Output
) -> calc.Contribution | None:
    base = site.baseline.data
    base_output = base.outputs.get(product) if base is not None else None
    if base is None or not base_output or base_output.quantity <= 0:
        return None
    base_materials = base.materials.get(product, {})
    current = site.data.materials.get(product, {})
    # Only the materials reported both years: a newly reported one is no deterioration.
    common = set(base_materials) & set(current)
    now = sum(current[m] for m in common)
    before = sum(base_materials[m] for m in common)
    if now > 0 and before > 0:
        return calc.Contribution(now, before / base_output.quantity * output.quantity)
    return None


def _variable_units(data: YearData, variables: list[str]) -> dict[str, str]:
    """A product's monthly output is in its category's unit; a driver's unit is not recorded
    (its name is as the enterprise wrote it, which often says it: "Nhiệt độ (°C)")."""
    return {v: data.outputs[v].unit if v in data.monthly_output else "" for v in variables}


def _target_for(year: int) -> Target | None:
    """The plan's efficiency target whose milestone is the first at or after `year`."""
    return (
        Target.objects.filter(
            indicator_code=INDICATOR, milestone_year__gte=year, retired_at__isnull=True
        )
        .order_by("milestone_year")
        .first()
    )


def baseline_for(year: int) -> int:
    target = _target_for(year)
    if target is not None and target.baseline_year:
        return target.baseline_year
    return DEFAULT_BASELINE_YEAR


def band_for(year: int) -> tuple[float, float, int] | None:
    """(lower, upper, milestone year) of the plan's target band for `year`, as fractions."""
    target = _target_for(year)
    if target is None or target.min_value is None or target.max_value is None:
        return None
    return float(target.min_value) / 100, float(target.max_value) / 100, target.milestone_year


def path_start(year: int) -> tuple[int, float] | None:
    """Where the path to this year's milestone starts, as a fraction: (2025, 0.05) for the
    2030 target, which continues the 2025 one; None (from 0 in the baseline year) for the
    first. The one rule for every target (indicators.selectors.path_start)."""
    current = _target_for(year)
    start = indicator_selectors.path_start(current) if current is not None else None
    return None if start is None else (start[0], start[1] / 100)


def _roll(
    key: str,
    name: str,
    products: list[ProductResult],
    year: int,
    baseline_setting: int,
    reported_energy: dict[str, float],
    reported_output: dict[str, float],
    final: bool = False,
) -> SectorResult:
    energy = calc.roll_up([p.contribution for p in products if p.contribution])
    materials = calc.roll_up([p.material_contribution for p in products if p.material_contribution])
    band = band_for(year)
    status, expected = (
        calc.band_status(
            energy.improvement,
            band[0],
            year,
            baseline_setting,
            band[2],
            path_start(year),
            final=final,
        )
        if band
        else (calc.INSUFFICIENT, None)
    )
    behind = [p for p in products if p.contribution]
    sector_energy = reported_energy.get(key, 0.0) if key != "*" else reported_energy["*"]
    covered = sum(p.energy.gj for p in behind)
    output_shares: dict[str, float] = {}
    for category_key in {p.category.key for p in products}:
        total = reported_output.get(category_key, 0.0)
        if total > 0:
            output_shares[category_key] = (
                sum(p.output for p in behind if p.category.key == category_key) / total
            )
    return SectorResult(
        key=key,
        name=name,
        energy=energy,
        materials=materials,
        status=status,
        expected=expected,
        band=(band[0], band[1]) if band else None,
        milestone_year=band[2] if band else None,
        enterprises=len({p.site.enterprise_id for p in behind}),
        energy_share=covered / sector_energy if sector_energy > 0 else None,
        output_shares=output_shares,
        unconfirmed=sum(1 for p in behind if p.energy.unconfirmed),
        drafts=sum(1 for p in behind if not p.submitted),
    )


# --- As JSON ----------------------------------------------------------------------------------


def _round(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(value, places)


def to_json(result: EfficiencyResult) -> dict[str, Any]:
    """The figures as plain JSON (the command and the API print the same)."""

    def sector(s: SectorResult) -> dict[str, Any]:
        return {
            "key": s.key,
            "name": s.name,
            "energy_improvement": _round(s.energy.improvement),
            "energy_saved_gj": _round(s.energy.saved, 3),
            "adjusted_baseline_gj": _round(s.energy.adjusted_baseline, 3),
            "materials_improvement": _round(s.materials.improvement),
            "target_band": list(s.band) if s.band else None,
            "milestone_year": s.milestone_year,
            "expected_on_path": _round(s.expected),
            "status": s.status,
            "enterprises": s.enterprises,
            "share_of_energy": _round(s.energy_share),
            "share_of_output": {k: _round(v) for k, v in sorted(s.output_shares.items())},
            "products_with_unconfirmed_factors": s.unconfirmed,
            "products_not_yet_submitted": s.drafts,
        }

    return {
        "year": result.year,
        "baseline_setting": result.baseline_setting,
        "drafts_counted": result.drafts_counted,
        "products": [
            {
                "enterprise": p.site.enterprise_name,
                "site": p.site.site_name,
                "demo": p.site.is_demo,
                "submitted": p.submitted,
                "sector": p.category.focus_sector.key,
                "category": p.category.key,
                "product": p.product,
                "output": _round(p.output, 4),
                "output_unit": p.category.output_unit,
                "energy_gj": _round(p.energy.gj, 4),
                "energy_toe": _round(p.energy.toe, 4),
                "allocation": p.allocation,
                "sec": _round(p.sec, 4),
                "sec_unit": p.category.sec_unit,
                "unconfirmed_factors": p.energy.unconfirmed,
                "norm": None
                if p.norm is None
                else {
                    "instrument": p.norm.instrument,
                    "value": p.norm_value,
                    "status": p.norm.source_status,
                },
                "above_norm": p.above_norm,
                "baseline_year": p.baseline.year if p.baseline else None,
                "baseline_substituted": p.baseline.substituted if p.baseline else None,
                "sec_baseline": _round(p.sec_baseline, 4),
                "method": p.method,
                "improvement": _round(p.improvement),
                "fallback_reasons": p.fallback,
                "materials_per_unit": {k: _round(v) for k, v in p.materials_per_unit.items()},
                "model": enpi.as_json(p.model),
            }
            for p in result.products
        ],
        "sectors": [sector(s) for s in result.sectors],
        "province": sector(result.province),
        "problems": result.problems,
    }
