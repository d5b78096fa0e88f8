"""Demo resource data 2020-2025: what the demo sites produced and used (energy, materials, water).

Every demo site of an enterprise whose main sector is a focus sector gets one product of its
sector (a few sites two, such as billet and rolled steel, with sub-metered energy), a design
capacity (inside one of the norm's bands where the norm has bands) and six years of data: month
by month for about 30 % of the sites, for the whole year for the others. Everything is marked
demo.

How the figures are made (demo assumptions, not statistics):
- specific consumption in the baseline year 2021 = the norm in force then × a lognormal factor
  (median 0.95, σ 0.15), so most sites are under the norm and some over it; where no norm value
  is known, a value from the made-up ranges of PROFILES (plausible for the technology);
- energy = τ(year) × (fixed load + variable × output), the fixed load 10-30 % of the energy at
  normal output: a site's SEC falls when it produces more, which the normalised method corrects;
- τ: about a third of the sites improve 1-3 %/year, a third stay flat, a third get 0.5-2 %/year
  worse; with 1.5 % noise a year and 2 % a month;
- output: seasonal (8-25 % amplitude), −2 to +4 %/year; July-September 2021 at 60 % (the
  southern lockdown), which also gives the baseline regressions a wide range of output;
- the energy is split between grid electricity and one fuel typical of the product;
- three data-entry outliers among the yearly sites: a year entered three times over (2023),
  electricity in MWh under the unit kWh (2024), a fuel in tonnes under the unit kg (2025).

The site-years are saved through `services.site_year_save`, as the demo coordinator: they pass
the checks user input gets, and each has its audit event (about 10 s for the demo's 1,236
site-years on the development machine). `bulk_write` stores the same rows in a few queries
(about 1 s; `generate(bulk=True)` and the efficiency benchmark use it); a test checks that both
paths store the same rows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.core import audit, units
from benvung.core.loading import LoadReport
from benvung.directory.demo import focus_sector_sites
from benvung.directory.models import Site
from benvung.resources import calculations as calc
from benvung.resources import selectors, services
from benvung.resources.models import (
    AllocationRule,
    Carrier,
    Driver,
    EnergyUse,
    MaterialUse,
    Output,
    ProductCategory,
    SiteYear,
)

YEARS = tuple(range(2020, 2026))
BASELINE_YEAR = 2021
MONTHLY_SHARE = 0.3
TWO_PRODUCT_SHARE = 0.3
LOCKDOWN_2021 = {7: 0.6, 8: 0.6, 9: 0.6}
UNMETERED_SHARE = 0.04  # offices, lighting, compressors: on no product's meter
ELECTRICITY = "grid_electricity"
WATER = "Nước"
OUTLIERS = (("tripled", 2023), ("mwh_as_kwh", 2024), ("t_as_kg", 2025))
REPORT_NAME = _("demo site years")

Range = tuple[float, float]


@dataclass(frozen=True)
class Profile:
    """A product category as the demo makes it. Ranges are made-up but plausible figures."""

    weight: int  # how often the sector's sites make it
    names: tuple[str, ...]  # product names as enterprises write them
    size: Range  # design capacity per year (capacity unit), or output per year without one
    sec: Range  # specific consumption (SEC unit) where no norm value is known
    electricity: Range  # share of the energy
    fuels: tuple[tuple[str, str], ...]  # (carrier, unit): one is chosen per site
    materials: tuple[tuple[str, float, float], ...]  # (material, t per output unit)
    water: Range  # m3 per output unit
    peak_month: int | None = None  # season's peak; None: any month
    second: str = ""  # the category a two-product site adds


# Demo assumptions, every range: orders of magnitude from the technologies (induction furnaces
# ~650 kWh/t, breweries ~30 % electricity, dyeing ~100 m3 of water per tonne...), not from any
# survey of the province. Where the reference table has a norm value for the category and the
# capacity band (steel, beer and soft drinks, paper, seafood), it replaces the `sec` range.
PROFILES: dict[str, Profile] = {
    "yarn": Profile(
        3,
        ("Sợi cotton", "Sợi polyester", "Sợi pha"),
        (3_000, 20_000),
        (9_000, 14_000),
        (0.90, 0.98),
        (("diesel", "1000 l"),),
        (("Xơ bông và xơ polyester", 1.08, 1.15),),
        (1, 3),
        peak_month=9,
        second="fabric",
    ),
    "fabric": Profile(
        3,
        ("Vải dệt kim", "Vải dệt thoi"),
        (2_000, 15_000),
        (25_000, 45_000),
        (0.25, 0.40),
        (("coal_3_4", "t"), ("biomass", "t")),
        (("Sợi", 1.05, 1.10), ("Thuốc nhuộm và hóa chất", 0.04, 0.08)),
        (80, 150),
        peak_month=9,
    ),
    "garments": Profile(
        4,
        ("Áo sơ mi", "Quần áo may sẵn", "Áo thun"),
        (1_000, 12_000),
        (1_000, 2_500),
        (0.80, 0.95),
        (("lpg", "t"), ("diesel", "1000 l")),
        (("Vải", 0.25, 0.40),),
        (5, 15),
        peak_month=9,
    ),
    "billet-induction": Profile(
        3,
        ("Phôi thép",),
        (40_000, 250_000),
        (2_300, 2_900),
        (0.90, 0.97),
        (("lpg", "t"),),
        (("Thép phế liệu", 1.10, 1.16),),
        (1, 3),
        second="hot-rolled-long",
    ),
    "billet-eaf": Profile(
        1,
        ("Phôi thép lò điện",),
        (200_000, 600_000),
        (2_300, 2_900),
        (0.75, 0.88),
        (("coke", "t"),),
        (("Thép phế liệu", 1.08, 1.14),),
        (1, 3),
        second="hot-rolled-long",
    ),
    "hot-rolled-long": Profile(
        3,
        ("Thép cuộn và thép thanh",),
        (80_000, 500_000),
        (1_400, 1_900),
        (0.25, 0.40),
        (("fuel_oil", "t"), ("natural_gas", "1000 m3"), ("coal_3_4", "t")),
        (("Phôi thép", 1.03, 1.06),),
        (1, 3),
    ),
    "cold-rolled-flat": Profile(
        2,
        ("Thép tấm cán nguội", "Tôn mạ"),
        (50_000, 300_000),
        (1_300, 1_800),
        (0.55, 0.75),
        (("natural_gas", "1000 m3"), ("lpg", "t")),
        (("Thép cuộn cán nóng", 1.04, 1.08),),
        (2, 5),
    ),
    "plastic-packaging": Profile(
        4,
        ("Bao bì nhựa PP dệt", "Màng nhựa PE"),
        (2_000, 30_000),
        (700, 1_300),
        (0.93, 0.99),
        (("diesel", "1000 l"),),
        (("Hạt nhựa", 1.02, 1.06),),
        (1, 3),
        second="plastic-household",
    ),
    "plastic-building": Profile(
        2,
        ("Ống nhựa uPVC", "Tấm nhựa ốp"),
        (2_000, 30_000),
        (450, 900),
        (0.93, 0.99),
        (("diesel", "1000 l"),),
        (("Bột nhựa PVC và phụ gia", 1.01, 1.04),),
        (1, 3),
    ),
    "plastic-household": Profile(
        3,
        ("Đồ nhựa gia dụng",),
        (1_000, 15_000),
        (900, 1_500),
        (0.93, 0.99),
        (("diesel", "1000 l"),),
        (("Hạt nhựa", 1.02, 1.06),),
        (1, 3),
    ),
    "plastic-engineering": Profile(
        1,
        ("Linh kiện nhựa kỹ thuật",),
        (500, 8_000),
        (1_200, 2_200),
        (0.93, 0.99),
        (("diesel", "1000 l"),),
        (("Hạt nhựa kỹ thuật", 1.03, 1.08),),
        (1, 3),
    ),
    "basic-chemicals": Profile(
        1,
        ("Xút và axit", "Hóa chất cơ bản"),
        (5_000, 60_000),
        (2_500, 8_000),
        (0.35, 0.60),
        (("coal_3_4", "t"), ("natural_gas", "1000 m3")),
        (("Nguyên liệu hóa chất", 1.05, 1.20),),
        (3, 10),
    ),
    "fertiliser": Profile(
        1,
        ("Phân bón NPK",),
        (20_000, 250_000),
        (500, 1_500),
        (0.20, 0.40),
        (("coal_5_6", "t"), ("diesel", "1000 l")),
        (("Nguyên liệu đạm, lân, kali", 1.01, 1.04),),
        (0.3, 1),
        peak_month=3,
    ),
    "clinker": Profile(
        1,
        ("Clinker",),
        (600_000, 1_500_000),
        (3_300, 4_200),
        (0.05, 0.08),
        (("coal_3_4", "t"), ("coal_5_6", "t")),
        (("Đá vôi", 1.25, 1.35), ("Đất sét", 0.20, 0.30)),
        (0.3, 0.6),
        peak_month=3,
    ),
    "cement": Profile(
        4,
        ("Xi măng PCB40", "Xi măng PCB30"),
        (300_000, 2_000_000),
        (38, 60),
        (0.85, 0.97),
        (("coal_5_6", "t"), ("diesel", "1000 l")),
        (("Clinker", 0.70, 0.85), ("Thạch cao", 0.03, 0.05), ("Phụ gia", 0.12, 0.25)),
        (0.1, 0.3),
        peak_month=3,
    ),
    "beer": Profile(
        4,
        ("Bia chai", "Bia lon", "Bia hơi"),
        (5_000_000, 300_000_000),
        (120, 320),
        (0.28, 0.42),
        (("fuel_oil", "t"), ("lpg", "t"), ("biomass", "t"), ("natural_gas", "1000 m3")),
        (("Malt", 0.012, 0.017), ("Gạo", 0.003, 0.006)),
        (0.35, 0.6),
        peak_month=1,
        second="soft-drinks-carbonated",
    ),
    "soft-drinks-carbonated": Profile(
        3,
        ("Nước ngọt có ga",),
        (10_000_000, 200_000_000),
        (45, 60),
        (0.45, 0.65),
        (("lpg", "t"), ("fuel_oil", "t")),
        (("Đường", 0.008, 0.011),),
        (0.2, 0.35),
        peak_month=5,
        second="soft-drinks-still",
    ),
    "soft-drinks-still": Profile(
        3,
        ("Trà xanh đóng chai", "Nước tăng lực"),
        (10_000_000, 200_000_000),
        (90, 120),
        (0.30, 0.50),
        (("fuel_oil", "t"), ("diesel", "1000 l")),
        (("Đường", 0.005, 0.009),),
        (0.2, 0.35),
        peak_month=5,
    ),
    "packaging-paper": Profile(
        5,
        ("Giấy bao bì carton", "Giấy kraft"),
        (2_000, 200_000),
        (5_000, 8_000),
        (0.25, 0.40),
        (("coal_3_4", "t"), ("biomass", "t")),
        (("Giấy thu hồi (OCC)", 1.12, 1.22),),
        (8, 20),
    ),
    "tissue-paper": Profile(
        2,
        ("Giấy tissue",),
        (2_000, 50_000),
        (12_000, 16_000),
        (0.20, 0.35),
        (("coal_3_4", "t"), ("biomass", "t")),
        (("Bột giấy", 1.03, 1.08),),
        (15, 30),
    ),
    "printing-paper-integrated": Profile(
        1,
        ("Giấy in và giấy viết",),
        (50_000, 150_000),
        (12_500, 15_000),
        (0.15, 0.30),
        (("coal_3_4", "t"),),
        (("Gỗ dăm", 2.0, 2.4),),
        (40, 80),
    ),
    "printing-paper-from-pulp": Profile(
        1,
        ("Giấy in (từ bột)",),
        (10_000, 50_000),
        (8_500, 10_500),
        (0.30, 0.45),
        (("coal_3_4", "t"), ("biomass", "t")),
        (("Bột giấy", 0.85, 0.95), ("Bột đá CaCO3", 0.10, 0.18)),
        (15, 30),
    ),
    "pangasius": Profile(
        1,
        ("Cá tra phi lê đông lạnh",),
        (2_000, 25_000),
        (900, 1_200),
        (0.90, 0.98),
        (("diesel", "1000 l"), ("lpg", "t")),
        (("Cá tra nguyên liệu", 2.6, 3.1),),
        (15, 30),
        peak_month=6,
        second="shrimp",
    ),
    "shrimp": Profile(
        1,
        ("Tôm đông lạnh", "Tôm tẩm bột"),
        (1_000, 10_000),
        (1_800, 2_300),
        (0.90, 0.98),
        (("diesel", "1000 l"), ("lpg", "t")),
        (("Tôm nguyên liệu", 1.5, 1.8),),
        (20, 40),
        peak_month=9,
    ),
}


@dataclass
class _Line:
    """One product of a site and how its energy behaves."""

    category: ProductCategory
    name: str
    capacity: float | None  # in the category's capacity unit
    normal_output: float  # per year, in the category's output unit
    fixed_gj: float  # per year
    variable_gj: float  # per output unit
    electricity: float  # share
    fuel: tuple[str, str]
    materials: list[tuple[str, float]]
    water: float
    peak_month: int
    amplitude: float


@dataclass
class SitePlan:
    site: Site
    key: str  # stable across loads: enterprise key / site name
    lines: list[_Line]
    monthly: bool
    trend: float  # yearly change of energy per unit at equal output
    growth: float
    outliers: dict[int, str] = field(default_factory=dict)


def _rng(seed: int, *parts: object) -> random.Random:
    """One generator per site (and year): a site never changes because another one did."""
    return random.Random(":".join(str(p) for p in (seed, "resources", *parts)))


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(str(round(value, places)))


# --- Which sites, which products --------------------------------------------------------------


class Reference:
    """Categories, norms and conversion factors, read once per load."""

    def __init__(self) -> None:
        self.categories = {c.key: c for c in ProductCategory.objects.select_related("focus_sector")}
        self.by_sector: dict[str, list[ProductCategory]] = defaultdict(list)
        for category in self.categories.values():
            if category.key in PROFILES:
                self.by_sector[category.focus_sector.key].append(category)
        self.norms = selectors.norms_by_category(dt.date(BASELINE_YEAR, 12, 31))
        self._conversions = selectors.Conversions()
        self._sec_per_gj: dict[str, float] = {}
        self._output_per_capacity: dict[str, float] = {}
        self.carrier_units: dict[str, list[str]] = dict(Carrier.objects.values_list("key", "units"))

    def accepts_kg(self, carrier: str, unit: str) -> bool:
        return unit == "t" and "kg" in self.carrier_units.get(carrier, [])

    def gj_per(self, carrier: str, unit: str, year: int) -> float:
        """GJ in one `unit` of `carrier`, by the conversions efficiency.compute uses."""
        return self._conversions.per_unit(year, carrier, unit).gj

    def gj_per_sec_unit(self, category: ProductCategory) -> float:
        """GJ per output unit at a specific consumption of 1 (in the category's SEC unit)."""
        if category.key not in self._sec_per_gj:
            self._sec_per_gj[category.key] = calc.sec(
                1.0, 1.0, category.output_unit, category.sec_unit
            )
        return 1.0 / self._sec_per_gj[category.key]

    def output_per_capacity(self, category: ProductCategory) -> float:
        if category.key not in self._output_per_capacity:
            per_year = category.capacity_unit.removesuffix("/year")
            self._output_per_capacity[category.key] = units.convert(
                1.0, per_year, category.output_unit
            )
        return self._output_per_capacity[category.key]


def _capacity(
    rng: random.Random, category: ProductCategory, profile: Profile, ref: Reference
) -> float:
    """A design capacity, inside one of the norm's bands when the norm has bands."""
    low, high = profile.size
    bands = [
        (float(n.capacity_min or 0), float(n.capacity_max) if n.capacity_max else math.inf)
        for n in ref.norms.get(category.pk, [])
        if n.capacity_min is not None or n.capacity_max is not None
    ]
    fitting = [(max(lo, low), min(hi, high)) for lo, hi in bands if lo < high and hi > low]
    if fitting:
        low, high = rng.choice(sorted(set(fitting)))
    # Away from the band's edges, so that a year's growth does not cross into the next band.
    return _log_uniform(rng, low * 1.05, high * 0.95)


def _line(rng: random.Random, category: ProductCategory, ref: Reference) -> _Line:
    profile = PROFILES[category.key]
    capacity: float | None = None
    if category.capacity_unit:
        capacity = _capacity(rng, category, profile, ref)
        normal = capacity * ref.output_per_capacity(category) * rng.uniform(0.6, 0.82)
    else:
        normal = _log_uniform(rng, *profile.size)
    norm = selectors.norm_for(
        ref.norms.get(category.pk, []),
        category,
        None if capacity is None else Decimal(str(round(capacity))),
        category.capacity_unit,
    )
    if norm is not None and norm.value is not None:
        factor = math.exp(rng.gauss(math.log(0.95), 0.15))
        sec = float(norm.value) * min(max(factor, 0.6), 1.5)
    else:
        sec = _log_uniform(rng, *profile.sec)
    energy = sec * ref.gj_per_sec_unit(category) * normal
    fixed = energy * rng.uniform(0.10, 0.30)
    return _Line(
        category=category,
        name=rng.choice(profile.names),
        capacity=capacity,
        normal_output=normal,
        fixed_gj=fixed,
        variable_gj=(energy - fixed) / normal,
        electricity=rng.uniform(*profile.electricity),
        fuel=rng.choice(profile.fuels),
        materials=[(m, rng.uniform(low, high)) for m, low, high in profile.materials],
        water=rng.uniform(*profile.water),
        peak_month=profile.peak_month or rng.randint(1, 12),
        amplitude=rng.uniform(0.08, 0.25),
    )


def site_plan(seed: int, site: Site, sector: str, ref: Reference) -> SitePlan | None:
    key = f"{site.enterprise.key}/{site.name}"
    rng = _rng(seed, key)
    categories = ref.by_sector.get(sector)
    if not categories:
        return None
    weights = [PROFILES[c.key].weight for c in categories]
    first = rng.choices(categories, weights)[0]
    lines = [_line(rng, first, ref)]
    second = ref.categories.get(PROFILES[first.key].second)
    if second is not None and rng.random() < TWO_PRODUCT_SHARE:
        line = _line(rng, second, ref)
        if line.name != lines[0].name:
            lines.append(line)
    roll = rng.random()
    if roll < 1 / 3:
        trend = -rng.uniform(0.01, 0.03)
    elif roll < 2 / 3:
        trend = rng.gauss(0, 0.003)
    else:
        trend = rng.uniform(0.005, 0.02)
    return SitePlan(
        site=site,
        key=key,
        lines=lines,
        monthly=rng.random() < MONTHLY_SHARE,
        trend=trend,
        growth=rng.uniform(-0.02, 0.04),
    )


def _choose_outliers(seed: int, plans: list[SitePlan], ref: Reference) -> None:
    """Three data-entry mistakes, each at a different yearly site with one product."""
    rng = _rng(seed, "outliers")
    taken: set[str] = set()
    for kind, year in OUTLIERS:
        eligible = [
            p
            for p in plans
            if not p.monthly
            and len(p.lines) == 1
            and p.key not in taken
            # Tonnes under the unit kg: a fuel that may be given in kg, and a large part of the
            # site's energy, so that the mistake shows.
            and (
                kind != "t_as_kg"
                or (ref.accepts_kg(*p.lines[0].fuel) and p.lines[0].electricity < 0.5)
            )
        ]
        if eligible:
            plan = rng.choice(eligible)
            plan.outliers[year] = kind
            taken.add(plan.key)


# --- A site's year ----------------------------------------------------------------------------

Payload = dict[str, Any]  # the keyword arguments of services.site_year_save for one site-year


def site_year_payload(seed: int, plan: SitePlan, year: int, ref: Reference) -> Payload:
    rng = _rng(seed, plan.key, year)
    years_on = year - BASELINE_YEAR
    tau = (1 + plan.trend) ** years_on * (1 + rng.gauss(0, 0.015))
    outlier = plan.outliers.get(year, "")
    submetered = len(plan.lines) > 1
    outputs: list[dict[str, Any]] = []
    energy: list[dict[str, Any]] = []
    materials: list[dict[str, Any]] = []
    unmetered = [0.0] * 12
    water = 0.0

    def energy_rows(carrier: str, unit: str, gj: Sequence[float], product: str) -> None:
        if outlier == "tripled":
            gj = [3 * x for x in gj]
        if carrier == ELECTRICITY:
            per, places = ref.gj_per(ELECTRICITY, "kWh", year), 0
            if outlier == "mwh_as_kwh":  # the MWh figure, under the unit kWh
                per, places = per * 1000, 3
        else:
            per, places = ref.gj_per(carrier, unit, year), 3
            if outlier == "t_as_kg":  # the tonnes, under the unit kg
                unit = "kg"
        for month, amount in _months_or_year(plan.monthly, gj):
            energy.append(
                {
                    "carrier": carrier,
                    "month": month,
                    "quantity": _decimal(amount / per, places),
                    "unit": "kWh" if carrier == ELECTRICITY else unit,
                    "product": product,
                }
            )

    for line in plan.lines:
        level = line.normal_output / 12 * (1 + plan.growth) ** years_on * (1 + rng.gauss(0, 0.03))
        produced = []
        for m in range(1, 13):
            season = math.cos(2 * math.pi * (m - line.peak_month) / 12)
            shape = 1 + line.amplitude * season + rng.gauss(0, 0.03)
            if year == 2021:
                shape *= LOCKDOWN_2021.get(m, 1.0)
            produced.append(level * shape)
        used = [
            tau * (line.fixed_gj / 12 + line.variable_gj * q) * (1 + rng.gauss(0, 0.02))
            for q in produced
        ]
        electricity = [gj * line.electricity for gj in used]
        fuel = [gj - e for gj, e in zip(used, electricity, strict=True)]
        if submetered:
            unmetered = [
                u + e * UNMETERED_SHARE for u, e in zip(unmetered, electricity, strict=True)
            ]
            electricity = [e * (1 - UNMETERED_SHARE) for e in electricity]
        capacity = None if line.capacity is None else _decimal(line.capacity, 0)
        for month, amount in _months_or_year(plan.monthly, produced):
            outputs.append(
                {
                    "product": line.name,
                    "category": line.category.key,
                    "month": month,
                    "quantity": _decimal(amount, 2),
                    "unit": line.category.output_unit,
                    "capacity": capacity,
                }
            )
        metered_for = line.name if submetered else ""
        energy_rows(ELECTRICITY, "kWh", electricity, metered_for)
        energy_rows(*line.fuel, fuel, metered_for)
        total = sum(produced)
        # Sites that save energy usually waste less material too.
        material_trend = (1 + 0.3 * plan.trend) ** years_on
        for material, per_unit in line.materials:
            amount = total * per_unit * material_trend * (1 + rng.gauss(0, 0.01))
            materials.append(
                {
                    "product": line.name,
                    "material": material,
                    "month": None,
                    "quantity": _decimal(amount, 3),
                    "unit": "t",
                }
            )
        water += total * line.water
    if submetered:
        energy_rows(ELECTRICITY, "kWh", unmetered, "")
    materials.append(
        {
            "product": "",
            "material": WATER,
            "month": None,
            "quantity": _decimal(water * (1 + rng.gauss(0, 0.03)), 0),
            "unit": "m3",
        }
    )
    return {
        "allocation_rule": AllocationRule.SUBMETERING if submetered else AllocationRule.MASS,
        "outputs": outputs,
        "energy": energy,
        "materials": materials,
    }


def _months_or_year(monthly: bool, values: Sequence[float]) -> list[tuple[int | None, float]]:
    if monthly:
        return list(enumerate(values, start=1))
    return [(None, sum(values))]


# --- Comparing with what is stored ------------------------------------------------------------

Fingerprint = tuple[Any, ...]


def _q(value: Any, places: str = "0.0001") -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def _fingerprint(
    rule: str,
    outputs: Iterable[Sequence[Any]],
    energy: Iterable[Sequence[Any]],
    materials: Iterable[Sequence[Any]],
    drivers: Iterable[Sequence[Any]] = (),
) -> Fingerprint:
    """A site-year's rows in a form that compares equal whether read from a payload or the
    database (quantities at the columns' precision; "month" 0 for the whole year)."""
    return (
        rule,
        sorted((p, c, m or 0, _q(q), u, _q(cap, "0.01")) for p, c, m, q, u, cap in outputs),
        sorted((c, m or 0, _q(q), u, p) for c, m, q, u, p in energy),
        sorted((p, mat, m or 0, _q(q), u) for p, mat, m, q, u in materials),
        sorted((n, m, _q(v)) for n, m, v in drivers),
    )


def _payload_fingerprint(payload: Payload) -> Fingerprint:
    return _fingerprint(
        payload["allocation_rule"],
        (
            (o["product"], o["category"], o["month"], o["quantity"], o["unit"], o["capacity"])
            for o in payload["outputs"]
        ),
        (
            (e["carrier"], e["month"], e["quantity"], e["unit"], e["product"])
            for e in payload["energy"]
        ),
        (
            (m["product"], m["material"], m["month"], m["quantity"], m["unit"])
            for m in payload["materials"]
        ),
    )


def stored_fingerprints(site_years: Iterable[SiteYear]) -> dict[int, Fingerprint]:
    """The fingerprint of each stored site-year, read in four queries."""
    rules = {sy.pk: sy.allocation_rule for sy in site_years}
    rows: dict[str, dict[int, list[Sequence[Any]]]] = {
        name: defaultdict(list) for name in ("outputs", "energy", "materials", "drivers")
    }
    queries: Mapping[str, Any] = {
        "outputs": Output.objects.values_list(
            "site_year_id", "product", "category__key", "month", "quantity", "unit", "capacity"
        ),
        "energy": EnergyUse.objects.values_list(
            "site_year_id", "carrier__key", "month", "quantity", "unit", "product"
        ),
        "materials": MaterialUse.objects.values_list(
            "site_year_id", "product", "material", "month", "quantity", "unit"
        ),
        "drivers": Driver.objects.values_list("site_year_id", "name", "month", "value"),
    }
    for name, query in queries.items():
        for site_year_id, *values in query.filter(site_year_id__in=list(rules)):
            rows[name][site_year_id].append(values)
    return {
        pk: _fingerprint(
            rule,
            rows["outputs"][pk],
            rows["energy"][pk],
            rows["materials"][pk],
            rows["drivers"][pk],
        )
        for pk, rule in rules.items()
    }


def _generated(site_year: SiteYear) -> bool:
    """Demo data last saved by this generator or a demo account, not by a real user."""
    user = site_year.updated_by
    return site_year.is_demo and (user is None or user.is_demo)


# --- Loading ----------------------------------------------------------------------------------


def _submit_checked(actor: User) -> None:
    """The demo enterprises submit the years their checks pass; a year with something to
    check (the three deliberate mistakes among them) stays a draft, as it would."""
    from benvung.resources import efficiency

    for year in YEARS:
        # Every demo year is a draft until its checks pass: all of them are checked together.
        result = efficiency.compute(year, drafts=True)
        flagged = {p.site_year_id for p in result.products if p.flags}
        flagged |= set(result.site_problems)
        SiteYear.objects.filter(is_demo=True, year=year, state=SiteYear.State.DRAFT).exclude(
            pk__in=flagged
        ).update(state=SiteYear.State.SUBMITTED, submitted_at=timezone.now())


def generate(seed: int, *, bulk: bool = False) -> LoadReport:
    """Create or refresh the demo site-years; the same seed always gives the same figures.

    A site-year that is already as generated is left alone; one that differs is replaced,
    unless a real (not demo) user saved it last or it is not demo data: it is kept. Needs the
    demo coordinator (demo.generate makes it) unless `bulk`.
    """
    report = LoadReport(REPORT_NAME)
    ref = Reference()
    actor = None if bulk else _demo_coordinator()
    with transaction.atomic():
        plans = [
            plan
            for site, sector in focus_sector_sites()
            if (plan := site_plan(seed, site, sector, ref)) is not None
        ]
        _choose_outliers(seed, plans, ref)
        existing = {
            (sy.site_id, sy.year): sy
            for sy in SiteYear.objects.filter(
                site__in=[p.site for p in plans], year__in=YEARS
            ).select_related("updated_by")
        }
        stored = stored_fingerprints(existing.values())
        create: list[tuple[SitePlan, int, Payload]] = []
        replace: list[tuple[SiteYear, Payload]] = []
        for plan in plans:
            for year in YEARS:
                payload = site_year_payload(seed, plan, year, ref)
                current = existing.get((plan.site.pk, year))
                if current is None:
                    create.append((plan, year, payload))
                elif not _generated(current):
                    report.kept += 1
                elif stored[current.pk] == _payload_fingerprint(payload):
                    report.unchanged += 1
                else:
                    replace.append((current, payload))
        if bulk:
            bulk_write(create, replace, ref)
        else:
            assert actor is not None  # not bulk: the demo coordinator writes, as a user would
            for plan, year, payload in create:
                services.site_year_save(
                    actor=actor, site=plan.site, year=year, is_demo=True, **payload
                )
            for site_year, payload in replace:
                services.site_year_save(
                    actor=actor, site=site_year.site, year=site_year.year, is_demo=True, **payload
                )
        report.created, report.updated = len(create), len(replace)
        if actor is not None and (report.created or report.updated):
            _submit_checked(actor)
        if report.created or report.updated:
            audit.record(
                actor=None,
                action="demo_site_year.load",
                summary=str(report)[:500],
                after={"seed": seed, "created": report.created, "updated": report.updated},
                target_repr=str(report.name),
            )
    return report


def _demo_coordinator() -> User:
    user = (
        User.objects.with_role(roles.COORDINATOR)
        .filter(is_demo=True, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise RuntimeError("Load the demo accounts first: benvung load_demo")
    return user


def bulk_write(
    create: list[tuple[SitePlan, int, Payload]],
    replace: list[tuple[SiteYear, Payload]],
    ref: Reference,
) -> None:
    """Store the site-years as site_year_save would, in a few bulk queries."""
    new = SiteYear.objects.bulk_create(
        SiteYear(site=plan.site, year=year, allocation_rule=p["allocation_rule"], is_demo=True)
        for plan, year, p in create
    )
    old = [site_year for site_year, _payload in replace]
    for model in (Output, EnergyUse, MaterialUse, Driver):
        model.objects.filter(site_year__in=old).delete()
    now = timezone.now()
    for site_year, payload in replace:
        site_year.allocation_rule = payload["allocation_rule"]
        site_year.version += 1
        site_year.updated_by = None
        site_year.updated_at = now
    SiteYear.objects.bulk_update(old, ["allocation_rule", "version", "updated_by", "updated_at"])
    carriers = {c.key: c for c in Carrier.objects.all()}
    outputs, energy, materials = [], [], []
    pairs = [*zip(new, (p for _plan, _year, p in create), strict=True), *replace]
    for site_year, payload in pairs:
        outputs += [
            Output(
                site_year=site_year,
                product=o["product"],
                category=ref.categories[o["category"]],
                month=o["month"],
                quantity=o["quantity"],
                unit=o["unit"],
                capacity=o["capacity"],
            )
            for o in payload["outputs"]
        ]
        energy += [
            EnergyUse(
                site_year=site_year,
                carrier=carriers[e["carrier"]],
                month=e["month"],
                quantity=e["quantity"],
                unit=e["unit"],
                product=e["product"],
            )
            for e in payload["energy"]
        ]
        materials += [
            MaterialUse(
                site_year=site_year,
                product=m["product"],
                material=m["material"],
                month=m["month"],
                quantity=m["quantity"],
                unit=m["unit"],
            )
            for m in payload["materials"]
        ]
    Output.objects.bulk_create(outputs, batch_size=2000)
    EnergyUse.objects.bulk_create(energy, batch_size=2000)
    MaterialUse.objects.bulk_create(materials, batch_size=2000)
