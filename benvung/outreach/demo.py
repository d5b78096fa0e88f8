"""Demo outreach 2022-2025: campaigns, courses, conferences and media pieces, and SCP models,
enough for the portal to show a believable province (retail's packaging surveys: retail.demo).

Everything is marked demo: titles end in "(mẫu)", descriptions and notes say the record is made
up. The figures follow the shape the plan expects, not any real statistic:

- about 40-60 activities a year, organised by the Department of Industry and Trade, the
  industrial parks' management board, press and (until 30/06/2025) district people's committees,
  (from 01/07/2025) commune people's committees; the Department of Agriculture and Environment
  (the demo agency reporter's) records a few in 2025;
- industrial parks, clusters and craft villages reached, cumulatively, about 25 / 45 / 60 / 74 %
  of the directory's by the end of 2022 / 2023 / 2024 / 2025; the former Bình Phước ones only
  after the merger of 01/07/2025;
- districts of the old Đồng Nai map whose committee ran a campaign (and that activities reached),
  cumulatively 4 / 6 / 8 / 9 of 11; places reached are units valid on the activity's date: the
  pre-2025 map until 30/06/2025, the 2025 communes from 01/07/2025;
- six verified SCP models a year of demo enterprises of the eight focus sectors, three proposed
  and one not accepted in 2025; savings are a few per cent of what the enterprise's demo
  site-years used that year (converted to TOE with the same factors as the efficiency figures);

Rows are written with the models directly (full_clean, then save and M2M .set(), so the
indicators' signals see them) and found again by a stable key on the next load: a second load
with the same seed changes nothing. A demo row that someone changed through the application (an
audit event with an actor) is kept as they left it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.core import audit, energy, materials
from benvung.core.demo import Row, Sync
from benvung.core.loading import LoadReport
from benvung.directory.demo import focus_sector_sites
from benvung.directory.models import (
    AdministrativeUnit,
    AdministrativeUnitSuccession,
    Agency,
    Enterprise,
    IndustrialArea,
    Organisation,
    RetailOutlet,
    Site,
)
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.plans.models import ContentArea, Plan

YEARS = (2022, 2023, 2024, 2025)
MERGER = dt.date(2025, 7, 1)  # Bình Phước joins Đồng Nai; districts end the day before
ACTIVITIES_PER_YEAR = {2022: 42, 2023: 50, 2024: 54, 2025: 58}
AREA_SHARE = {2022: 0.25, 2023: 0.45, 2024: 0.60, 2025: 0.74}  # cumulative
DISTRICTS_REACHED = {2022: 4, 2023: 6, 2024: 8, 2025: 9}  # cumulative, of the old map's 11
SCP_VERIFIED_PER_YEAR = 6
SCP_PROPOSED_2025 = 3
DEMO_MARK = " (mẫu)"
ACTIVITY_NOTE = "Hoạt động mẫu, không có thật."
MODEL_NOTE = "Mô hình mẫu, không có thật; số liệu tiết kiệm là giả định."

# Organisers by role: the first key valid on the activity's date is used.
ORGANISER_KEYS = {
    "sct": ("sct",),
    "bql": ("bql-kcn", "bql-kcn-kkt"),
    "press": ("bao-dong-nai", "dai-ptth", "bao-ptth"),
    "snnmt": ("snnmt",),
}
ROLE_WEIGHTS_BEFORE = {"sct": 32, "bql": 20, "committee": 38, "press": 7, "snnmt": 8}
ROLE_WEIGHTS_AFTER = {"sct": 30, "bql": 20, "committee": 33, "press": 7, "snnmt": 12}
KIND_WEIGHTS = {
    "sct": {"training": 35, "conference": 30, "campaign": 25, "media": 10},
    "bql": {"training": 50, "conference": 30, "campaign": 20},
    "committee": {"campaign": 70, "training": 20, "conference": 10},
    "press": {"media": 1},
    "snnmt": {"training": 40, "campaign": 30, "conference": 30},
}
# Themes: (content area number, words for the title, other content areas it touches).
THEMES: list[tuple[int, str, tuple[int, ...]]] = [
    (4, "sản xuất sạch hơn", (2, 13)),
    (2, "sử dụng năng lượng tiết kiệm và hiệu quả", (4, 13)),
    (10, "kinh tế tuần hoàn và phân loại, tái chế chất thải", (2, 3)),
    (6, "nhãn sinh thái và chứng nhận sản phẩm xanh", (7,)),
    (9, "lối sống xanh, tiêu dùng bền vững", (7, 11)),
    (8, "mua sắm xanh", (7,)),
    (5, "phân phối bền vững, hạn chế túi ni lông khó phân hủy", (7, 9)),
    (3, "thiết kế sinh thái và thiết kế để tái chế", (4,)),
    (13, "đổi mới công nghệ tiết kiệm tài nguyên", (4,)),
    (14, "tín dụng xanh", (4,)),
    (12, "báo cáo số liệu tiêu thụ năng lượng, tài nguyên", (2,)),
    (11, "sản xuất và tiêu dùng bền vững", (9,)),
]
THEME_WEIGHTS = [16, 14, 12, 6, 10, 5, 7, 4, 6, 4, 6, 10]
KIND_PHRASES = {
    "campaign": ("Tuyên truyền về {theme}", "Chiến dịch truyền thông {theme}"),
    "training": ("Tập huấn {theme} cho doanh nghiệp", "Lớp bồi dưỡng kiến thức {theme}"),
    "conference": ("Hội thảo {theme}", "Hội nghị phổ biến {theme}"),
    "media": ("Phóng sự về {theme}", "Chuyên mục {theme}"),
}
RETAIL_THEMES = {5, 7, 8, 9}


@dataclass(frozen=True)
class ModelKind:
    """An SCP model as the demo makes it: what it saves, as shares of what the enterprise used
    that year (energy, water, materials), and at most `max_toe` a year whatever the plant's
    size (a rooftop of a few MWp, not a power station). Waste reduced: half the materials saved
    (all of it for industrial symbiosis, where the waste becomes another's material)."""

    kind: str
    title: str
    energy: tuple[float, float] = (0.0, 0.0)
    water: tuple[float, float] = (0.0, 0.0)
    materials: tuple[float, float] = (0.0, 0.0)
    max_toe: float = 0.0


MODEL_KINDS = [
    ModelKind(
        SCPModel.Kind.ENERGY_EFFICIENCY, "Thu hồi nhiệt khí thải lò hơi", (0.02, 0.05), max_toe=1500
    ),
    ModelKind(
        SCPModel.Kind.ENERGY_EFFICIENCY, "Lắp biến tần cho bơm, quạt", (0.01, 0.03), max_toe=300
    ),
    ModelKind(
        SCPModel.Kind.ENERGY_EFFICIENCY, "Điện mặt trời mái nhà xưởng", (0.02, 0.06), max_toe=600
    ),
    ModelKind(
        SCPModel.Kind.CLEANER_PRODUCTION,
        "Sản xuất sạch hơn tại phân xưởng chính",
        (0.01, 0.03),
        (0.05, 0.12),
        (0.01, 0.03),
        max_toe=800,
    ),
    ModelKind(
        SCPModel.Kind.CIRCULAR_ECONOMY,
        "Tuần hoàn nước thải sau xử lý",
        (0.001, 0.005),
        (0.10, 0.25),
        max_toe=50,
    ),
    ModelKind(
        SCPModel.Kind.CIRCULAR_ECONOMY,
        "Thu hồi, tái chế phế liệu trong sản xuất",
        (0.0, 0.01),
        materials=(0.02, 0.05),
        max_toe=200,
    ),
    ModelKind(
        SCPModel.Kind.INDUSTRIAL_SYMBIOSIS,
        "Chuyển tro xỉ, bùn thải làm nguyên liệu cho doanh nghiệp khác",
        materials=(0.01, 0.03),
    ),
    ModelKind(
        SCPModel.Kind.ECO_DESIGN, "Thiết kế lại bao bì giảm vật liệu", materials=(0.02, 0.06)
    ),
    ModelKind(
        SCPModel.Kind.SUSTAINABLE_SUPPLY_CHAIN,
        "Chuỗi cung ứng nguyên liệu có chứng nhận bền vững",
        (0.0, 0.01),
        materials=(0.01, 0.02),
        max_toe=100,
    ),
]
TOE_CO2 = (2.8, 3.6)  # t CO2 per TOE saved: a mix of grid electricity and fuels (demo figure)
TOE_MONEY = (14.0, 22.0)  # million VND per TOE saved (demo figure)
WATER = "Nước"  # the material name the demo site-years give water under
WATER_MONEY = 0.012  # million VND per m3
MATERIAL_MONEY = (2.0, 6.0)  # million VND per tonne of material saved (demo figure)


def _rng(seed: int, *parts: object) -> random.Random:
    """One generator per generated row or year: a row never changes because another did."""
    return random.Random(":".join(str(p) for p in (seed, "outreach", *parts)))


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _year_ends(year: int) -> dt.date:
    return dt.date(year, 12, 31)


# --- Writing rows found again by a stable key ---------------------------------------------------

# --- What the province looks like ------------------------------------------------------------


class Province:
    """The directory as the generator needs it, read once per load, in a stable order."""

    def __init__(self) -> None:
        units = AdministrativeUnit.objects.select_related("parent")
        self.old_districts = list(
            units.filter(edition="pre2025", level="district").order_by("code")
        )
        self.dong_nai_districts = [
            d for d in self.old_districts if d.parent and d.parent.code == settings.PROVINCE_CODE
        ]
        dong_nai_ids = {d.pk for d in self.dong_nai_districts}
        self.annexed_districts = [d for d in self.old_districts if d.pk not in dong_nai_ids]
        self.old_communes: dict[int, list[AdministrativeUnit]] = defaultdict(list)
        for commune in units.filter(edition="pre2025", level="commune").order_by("code"):
            if commune.parent_id is not None:
                self.old_communes[commune.parent_id].append(commune)
        self.communes_2025 = {
            u.pk: u
            for u in units.filter(
                edition="2025", level="commune", parent__code=settings.PROVINCE_CODE
            ).order_by("code")
        }
        # The former districts each 2025 commune was formed from.
        self.districts_of_commune: dict[int, set[int]] = defaultdict(set)
        self.communes_of_district: dict[int, list[AdministrativeUnit]] = defaultdict(list)
        links = AdministrativeUnitSuccession.objects.filter(
            predecessor__level="district", successor_id__in=list(self.communes_2025)
        ).order_by("successor__code")
        for link in links:
            self.districts_of_commune[link.successor_id].add(link.predecessor_id)
            self.communes_of_district[link.predecessor_id].append(
                self.communes_2025[link.successor_id]
            )
        self.areas = list(
            IndustrialArea.objects.filter(
                kind__in=[k.value for k in IndustrialArea.Kind], former_district__isnull=False
            )
            .select_related("former_district")
            .order_by("kind", "name")
        )
        agencies = Agency.objects.order_by("key")
        self.agencies = {a.key: a for a in agencies.exclude(key="")}
        self.district_committee = {
            a.governed_unit_id: a
            for a in agencies.filter(agency_type=Agency.AgencyType.DISTRICT_COMMITTEE)
        }
        self.commune_committees = [
            a
            for a in agencies.filter(agency_type=Agency.AgencyType.COMMUNE_COMMITTEE)
            if a.governed_unit_id in self.communes_2025
        ]
        self.enterprises = list(Enterprise.objects.filter(is_demo=True).order_by("key"))
        by_pk = {e.pk: e for e in self.enterprises}
        self.enterprises_in_area: dict[int, list[Enterprise]] = defaultdict(list)
        self.enterprises_in_district: dict[int, list[Enterprise]] = defaultdict(list)
        sites = (
            Site.objects.filter(is_demo=True, industrial_area__isnull=False)
            .select_related("industrial_area")
            .order_by("enterprise__key", "name")
        )
        for site in sites:
            enterprise = by_pk.get(site.enterprise_id)
            area = cast(IndustrialArea, site.industrial_area)
            if enterprise is None:
                continue
            if enterprise not in self.enterprises_in_area[area.pk]:
                self.enterprises_in_area[area.pk].append(enterprise)
            district = area.former_district_id
            if district and enterprise not in self.enterprises_in_district[district]:
                self.enterprises_in_district[district].append(enterprise)
        self.enterprises_in_commune: dict[int, list[Enterprise]] = defaultdict(list)
        for enterprise in self.enterprises:
            if enterprise.administrative_unit_id:
                self.enterprises_in_commune[enterprise.administrative_unit_id].append(enterprise)
        self.outlets = list(RetailOutlet.objects.filter(is_demo=True).order_by("key"))

    def organiser(self, role: str, day: dt.date) -> Agency | None:
        for key in ORGANISER_KEYS[role]:
            agency = self.agencies.get(key)
            if agency is not None and agency.is_valid_on(day):
                return agency
        return None

    def districts_in_order(self) -> list[AdministrativeUnit]:
        """The old Đồng Nai districts, those with the most parks and clusters first."""
        count: dict[int, int] = defaultdict(int)
        for area in self.areas:
            count[cast(int, area.former_district_id)] += 1
        return sorted(self.dong_nai_districts, key=lambda d: (-count[d.pk], d.code))


@dataclass
class Personas:
    coordinator: User | None
    agency_reporter: User | None
    enterprise_user: User | None


def _personas() -> Personas:
    def first(role: str) -> User | None:
        return (
            User.objects.with_role(role)
            .filter(is_demo=True, is_active=True)
            .select_related("organisation")
            .order_by("pk")
            .first()
        )

    return Personas(
        first(roles.COORDINATOR),
        first(roles.AGENCY_REPORTER),
        first(roles.ENTERPRISE_USER),
    )


def generate(seed: int) -> list[LoadReport]:
    """Create or refresh the demo outreach activities and SCP models."""
    plan = Plan.objects.filter(number="202/KH-UBND").first()
    if plan is None:
        return []  # the plan is not loaded: its content areas are the activities' topics
    with transaction.atomic():
        province = Province()
        personas = _personas()
        reports = [
            _activities(seed, plan, province, personas),
            _scp_models(seed, province, personas),
        ]
        changed = [r for r in reports if r.created or r.updated or r.deleted]
        if changed:
            audit.record(
                actor=None,
                action="demo_outreach.load",
                summary="; ".join(str(r) for r in reports)[:500],
                after={"seed": seed, **{str(r.name): r.total for r in reports}},
                target_repr=str(_("demo outreach")),
            )
    return reports


# --- Outreach activities ----------------------------------------------------------------------


@dataclass
class Slot:
    """An activity being planned."""

    start: dt.date
    role: str
    organiser: Agency
    district: AdministrativeUnit | None = None  # a district committee's district
    kind: str = ""
    areas: list[IndustrialArea] = field(default_factory=list)

    @property
    def before_merger(self) -> bool:
        return self.start < MERGER


def reached_areas(province: Province, seed: int) -> dict[int, list[IndustrialArea]]:
    """The parks, clusters and craft villages reached by the end of each year (cumulative)."""
    order = province.districts_in_order()
    annexed = {d.pk for d in province.annexed_districts}
    reached: list[IndustrialArea] = []
    result: dict[int, list[IndustrialArea]] = {}
    for year in YEARS:
        rng = _rng(seed, "areas", year)
        active = {d.pk for d in order[: DISTRICTS_REACHED[year]]}
        total = len(province.areas)
        wanted = round(AREA_SHARE[year] * total) - len(reached)
        old_map = [a for a in province.areas if a.former_district_id in active and a not in reached]
        rng.shuffle(old_map)
        new = old_map[:wanted]
        if year >= MERGER.year and wanted > 0:
            # After the merger a few of the former Bình Phước parks are reached as well.
            annexed_areas = [
                a for a in province.areas if a.former_district_id in annexed and a not in reached
            ]
            rng.shuffle(annexed_areas)
            count = min(len(annexed_areas), max(wanted - len(old_map), wanted // 3))
            new = old_map[: wanted - count] + annexed_areas[:count]
        reached = reached + new
        result[year] = list(reached)
    return result


def _year_slots(seed: int, year: int, province: Province) -> list[Slot]:
    rng = _rng(seed, "activities", year)
    first, last = dt.date(year, 1, 8), dt.date(year, 12, 20)
    span = (last - first).days
    days = sorted(
        first + dt.timedelta(days=rng.randrange(span)) for _ in range(ACTIVITIES_PER_YEAR[year])
    )
    slots: list[Slot] = []
    for day in days:
        weights = dict(ROLE_WEIGHTS_BEFORE if day < MERGER else ROLE_WEIGHTS_AFTER)
        for _attempt in range(20):
            role = _pick(rng, weights)
            if role == "committee":
                break
            organiser = province.organiser(role, day)
            if organiser is not None:
                slots.append(Slot(day, role, organiser))
                break
            weights.pop(role)
        else:  # pragma: no cover - the SCT is always valid
            continue
        if role == "committee":
            # Which committee depends on the districts of the year: _assign_committees says.
            slots.append(Slot(day, role, cast(Agency, None)))
    return slots


def _assign_committees(
    rng: random.Random,
    slots: list[Slot],
    province: Province,
    active: list[AdministrativeUnit],
    new_districts: list[AdministrativeUnit],
    communes: list[Agency],
) -> list[Slot]:
    """Give committee slots their committee: each district new this year runs a campaign."""
    before = [s for s in slots if s.role == "committee" and s.before_merger]
    # Enough district slots for the new districts: take the Department's if need be.
    spare = [s for s in slots if s.role == "sct" and s.before_merger]
    while len(before) < len(new_districts) and spare:
        slot = spare.pop()
        slot.role = "committee"
        before.append(slot)
    before.sort(key=lambda s: s.start)
    order = list(new_districts)
    rng.shuffle(order)
    for index, slot in enumerate(before):
        district = order[index] if index < len(order) else rng.choice(active)
        slot.district = district
        slot.organiser = province.district_committee[district.pk]
        if index < len(order):
            slot.kind = "campaign"
    for slot in slots:
        if slot.role == "committee" and not slot.before_merger:
            slot.organiser = rng.choice(communes) if communes else province.agencies["sct"]
            slot.role = "committee" if communes else "sct"
    return slots


def _activities(seed: int, plan: Plan, province: Province, personas: Personas) -> LoadReport:
    sync: Sync[OutreachActivity] = Sync(
        OutreachActivity,
        lambda a: a.title,
        _("demo outreach activities"),
        links=("topics", "industrial_areas", "administrative_units", "organisations_reached"),
    )
    areas_by_year = reached_areas(province, seed)
    topics = {c.number: c for c in ContentArea.objects.filter(plan=plan)}
    order = province.districts_in_order()
    annexed = {d.pk for d in province.annexed_districts}
    titles: set[str] = set()
    previous_districts: list[AdministrativeUnit] = []
    previous_areas: list[IndustrialArea] = []
    for year in YEARS:
        rng = _rng(seed, "activity-plan", year)
        active = order[: DISTRICTS_REACHED[year]]
        new_districts = [d for d in active if d not in previous_districts]
        allowed = {d.pk for d in active} | annexed
        communes = [
            c
            for c in province.commune_committees
            if province.districts_of_commune.get(cast(int, c.governed_unit_id))
            and province.districts_of_commune[cast(int, c.governed_unit_id)] <= allowed
        ]
        slots = _year_slots(seed, year, province)
        slots = _assign_committees(rng, slots, province, active, new_districts, communes)
        for slot in slots:
            slot.kind = slot.kind or _pick(rng, KIND_WEIGHTS[slot.role])
        reached = areas_by_year[year]
        _reach_areas(rng, slots, reached, annexed)
        new_areas = [a for a in reached if a not in previous_areas]
        _cover(rng, slots, new_areas, annexed)
        for index, slot in enumerate(slots, start=1):
            row = _activity_row(seed, year, index, slot, province, topics, personas, annexed)
            title = cast(str, row.values["title"])
            base, n = title.removesuffix(DEMO_MARK), 2
            while title in titles:
                title = f"{base} – đợt {n}{DEMO_MARK}"
                n += 1
            titles.add(title)
            row.values["title"] = title
            sync.put(title, row)
        previous_districts = active
        previous_areas = reached
    return sync.finish()


def _eligible_areas(
    slot: Slot, reached: list[IndustrialArea], annexed: set[int]
) -> list[IndustrialArea]:
    """Areas an activity may reach: the old map's before the merger, its district's for a
    district committee; none for a commune committee or a media piece."""
    if slot.kind == "media" or (slot.role == "committee" and not slot.before_merger):
        return []
    areas = [a for a in reached if not (slot.before_merger and a.former_district_id in annexed)]
    if slot.district is not None:
        areas = [a for a in areas if a.former_district_id == slot.district.pk]
    return areas


def _reach_areas(
    rng: random.Random, slots: list[Slot], reached: list[IndustrialArea], annexed: set[int]
) -> None:
    chance = {"sct": 0.75, "bql": 0.95, "committee": 0.5, "snnmt": 0.3, "press": 0.0}
    most = {"sct": 3, "bql": 4, "committee": 2, "snnmt": 2, "press": 0}
    for slot in slots:
        eligible = _eligible_areas(slot, reached, annexed)
        if eligible and rng.random() < chance[slot.role]:
            count = min(len(eligible), rng.randint(1, most[slot.role]))
            slot.areas = sorted(rng.sample(eligible, count), key=lambda a: (a.kind, a.name))


def _cover(
    rng: random.Random, slots: list[Slot], new_areas: list[IndustrialArea], annexed: set[int]
) -> None:
    """Every area new this year is reached by at least one activity of the year."""
    covered = {a.pk for s in slots for a in s.areas}
    for area in new_areas:
        if area.pk in covered:
            continue
        candidates = [
            s
            for s in slots
            if s.role in ("sct", "bql")
            and s.kind != "media"
            and not (s.before_merger and area.former_district_id in annexed)
        ]
        if not candidates:
            raise RuntimeError(f"No demo activity can reach {area}")
        fewest = min(len(s.areas) for s in candidates)
        slot = rng.choice([s for s in candidates if len(s.areas) == fewest])
        slot.areas = sorted([*slot.areas, area], key=lambda a: (a.kind, a.name))
        covered.add(area.pk)


def _area_label(area: IndustrialArea) -> str:
    prefix = {
        IndustrialArea.Kind.PARK: "KCN",
        IndustrialArea.Kind.CLUSTER: "CCN",
        IndustrialArea.Kind.CRAFT_VILLAGE: "",
    }[IndustrialArea.Kind(area.kind)]
    return f"{prefix} {area.name.removesuffix(DEMO_MARK)}".strip()


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _activity_row(
    seed: int,
    year: int,
    index: int,
    slot: Slot,
    province: Province,
    topics: dict[int, ContentArea],
    personas: Personas,
    annexed: set[int],
) -> Row:
    rng = _rng(seed, "activity", year, index)
    day = slot.start
    theme_number, theme, related = rng.choices(THEMES, weights=THEME_WEIGHTS)[0]
    chosen = [theme_number, *rng.sample(related, rng.randint(0, len(related)))]
    if slot.kind in ("campaign", "media") and 11 not in chosen:
        chosen.append(11)  # communication is what a campaign or media piece is
    phrase = rng.choice(KIND_PHRASES[slot.kind]).format(theme=theme)

    units: list[AdministrativeUnit] = []
    place = ""
    if slot.role == "committee" and slot.before_merger:
        district = cast(AdministrativeUnit, slot.district)
        communes = [c for c in province.old_communes[district.pk] if c.is_valid_on(day)]
        units = [district, *rng.sample(communes, min(len(communes), rng.randint(1, 3)))]
        place = f" trên địa bàn {_lower_first(district.name)}"
    elif slot.role == "committee":
        commune = cast(AdministrativeUnit, slot.organiser.governed_unit)
        units = [commune]
        place = f" tại {_lower_first(commune.name)}"
    for area in slot.areas:
        # The units of the area on the activity's date: its district, or a 2025 commune.
        district_id = cast(int, area.former_district_id)
        unit: AdministrativeUnit | None
        if slot.before_merger:
            unit = cast(AdministrativeUnit, area.former_district)
        elif area.administrative_unit_id in province.communes_2025:
            unit = province.communes_2025[cast(int, area.administrative_unit_id)]
        else:
            # A commune formed from this district alone: one from two districts would count as
            # reaching the other one as well.
            choices = [
                c
                for c in province.communes_of_district.get(district_id, [])
                if province.districts_of_commune[c.pk] == {district_id}
            ]
            unit = rng.choice(choices) if choices else None
        if unit is not None and unit.is_valid_on(day) and unit not in units:
            units.append(unit)
    if len(slot.areas) == 1 and not place:
        place = f" tại {_area_label(slot.areas[0])}"
    elif len(slot.areas) == 2 and not place:
        place = f" tại {_area_label(slot.areas[0])} và {_area_label(slot.areas[1])}"
    elif slot.areas and not place:
        others = len(slot.areas) - 1
        place = f" tại {_area_label(slot.areas[0])} và {others} khu, cụm công nghiệp khác"

    reached: list[Organisation] = []
    for area in slot.areas:
        reached += province.enterprises_in_area.get(area.pk, [])
    if slot.role == "committee" and slot.before_merger and not slot.areas:
        reached += province.enterprises_in_district.get(
            cast(AdministrativeUnit, slot.district).pk, []
        )
    if slot.role == "committee" and not slot.before_merger:
        reached += province.enterprises_in_commune.get(
            cast(int, slot.organiser.governed_unit_id), []
        )
    if not reached and slot.kind in ("training", "conference"):
        reached = rng.sample(
            province.enterprises, min(len(province.enterprises), rng.randint(5, 15))
        )
    reached = list(dict.fromkeys(reached))
    if len(reached) > 15:
        reached = rng.sample(reached, 15)
    if theme_number in RETAIL_THEMES and slot.kind != "media" and province.outlets:
        reached += rng.sample(province.outlets, min(len(province.outlets), rng.randint(2, 6)))
    reached.sort(key=_organisation_order)

    participants = {
        "campaign": (60, 300),
        "training": (20, 80),
        "conference": (40, 200),
    }.get(slot.kind)
    count = None if participants is None else rng.randint(*participants)
    if count is not None and reached:
        count = max(count, min(300, len(reached) * 2))
    end = _end_date(rng, slot)
    owner: Organisation = slot.organiser
    recorded_by = None
    if personas.coordinator and slot.organiser.pk == personas.coordinator.organisation_id:
        recorded_by = personas.coordinator
    if personas.agency_reporter and slot.organiser.pk == personas.agency_reporter.organisation_id:
        recorded_by = personas.agency_reporter
    organiser_name = slot.organiser.short_name or slot.organiser.name
    description = (
        f"{organiser_name} tổ chức {_lower_first(phrase)}{place}"
        + (f" cho {count} người tham dự" if count else "")
        + f". {ACTIVITY_NOTE}"
    )
    return Row(
        {
            "owner": owner,
            "organiser": slot.organiser,
            "kind": slot.kind,
            "title": f"{phrase}{place}{DEMO_MARK}",
            "start_date": day,
            "end_date": end,
            "participants": count,
            "description": description,
            "evidence_url": "",
            "recorded_by": recorded_by,
        },
        {
            "topics": [topics[n] for n in sorted(set(chosen)) if n in topics],
            "industrial_areas": list(slot.areas),
            "administrative_units": units,
            "organisations_reached": reached,
        },
    )


def _organisation_order(organisation: Organisation) -> tuple[str, str, int]:
    return (organisation.kind, organisation.key or "", organisation.pk)


def _end_date(rng: random.Random, slot: Slot) -> dt.date | None:
    days = {"campaign": (7, 45), "training": (0, 2), "conference": (0, 1)}.get(slot.kind)
    if days is None:
        return None
    end = slot.start + dt.timedelta(days=rng.randint(*days))
    # An activity stays on one map: a campaign of a district committee ends with the district.
    limit = MERGER - dt.timedelta(days=1) if slot.before_merger else _year_ends(slot.start.year)
    return min(end, limit, _year_ends(slot.start.year))


# --- SCP models -------------------------------------------------------------------------------

# Which of MODEL_KINDS suit each focus sector (indices into MODEL_KINDS).
SECTOR_MODELS: dict[str, tuple[int, ...]] = {
    "textiles_garments": (0, 1, 3, 4, 8),
    "steel": (0, 1, 2, 5, 6),
    "plastics": (1, 2, 5, 7),
    "chemicals": (0, 3, 4, 6),
    "cement": (0, 1, 2, 6),
    "beer_beverages": (0, 3, 4, 7, 8),
    "paper": (0, 3, 4, 5, 6),
    "seafood": (1, 2, 3, 4, 8),
}


@dataclass
class Consumption:
    """What an enterprise's demo sites used in a year, from its site-years."""

    toe: float = 0.0
    water_m3: float = 0.0
    materials_t: float = 0.0


def enterprise_consumption(
    enterprises: Iterable[Enterprise], years: Iterable[int]
) -> dict[tuple[int, int], Consumption]:
    """(enterprise id, year) → consumption; energy in TOE by the shared energy selector (the
    figures the efficiency pages and the SCP-model check use), drafts too."""
    ids = [e.pk for e in enterprises]
    years = list(years)
    result: dict[tuple[int, int], Consumption] = defaultdict(Consumption)
    for site_year in energy.site_year_energy(years=years, enterprise_ids=ids, include_drafts=True):
        # A site-year whose energy cannot all be converted counts none (core.energy's rule).
        if site_year.toe is not None:
            result[(site_year.enterprise_id, site_year.year)].toe += site_year.toe
    for row in materials.site_year_materials(years=years, enterprise_ids=ids, include_drafts=True):
        if row.material == WATER and row.unit == "m3":
            result[(row.enterprise_id, row.year)].water_m3 += float(row.quantity)
        elif row.unit == "t":
            result[(row.enterprise_id, row.year)].materials_t += float(row.quantity)
    return dict(result)


def _model_candidates() -> dict[str, list[tuple[Enterprise, Site]]]:
    """Demo enterprises of each focus sector with site-years, with their first such site."""
    # Sites with yearly data (the demo's, recorded by the resources demo before this one).
    with_data = {sy.site_id for sy in energy.site_year_energy(years=YEARS, include_drafts=True)}
    result: dict[str, list[tuple[Enterprise, Site]]] = defaultdict(list)
    seen: set[int] = set()
    for site, sector in focus_sector_sites():
        if site.pk in with_data and site.enterprise_id not in seen:
            seen.add(site.enterprise_id)
            result[sector].append((site.enterprise, site))
    return dict(result)


def _q(value: float, places: str = "0.01") -> Decimal | None:
    amount = Decimal(str(value)).quantize(Decimal(places))
    return amount if amount > 0 else None


def _scp_models(seed: int, province: Province, personas: Personas) -> LoadReport:
    sync: Sync[SCPModel] = Sync(SCPModel, lambda m: m.title, _("demo SCP models"))
    candidates = _model_candidates()
    sectors = sorted(candidates)
    if not sectors:
        return sync.finish()
    persona_enterprise = (
        personas.enterprise_user.organisation_id if personas.enterprise_user else None
    )
    mine = next(
        ((e, s) for pairs in candidates.values() for e, s in pairs if e.pk == persona_enterprise),
        None,
    )
    plan: list[tuple[int, str, Enterprise, Site]] = []  # year, state, enterprise, site
    used: set[int] = {mine[0].pk} if mine else set()
    rng = _rng(seed, "scp-plan")
    index = 0
    for year in YEARS:
        states: list[str] = [SCPModel.State.VERIFIED] * SCP_VERIFIED_PER_YEAR
        if year == YEARS[-1]:
            states += [SCPModel.State.PROPOSED] * SCP_PROPOSED_2025 + [SCPModel.State.REJECTED]
        for state in states:
            sector = sectors[index % len(sectors)]
            index += 1
            free = [(e, s) for e, s in candidates[sector] if e.pk not in used]
            if mine is not None and (year, state) == (2024, SCPModel.State.VERIFIED):
                # The demo enterprise user's own enterprise shows a verified model of its own.
                free, mine = [mine], None
            if not free:
                continue
            enterprise, site = rng.choice(free)
            used.add(enterprise.pk)
            plan.append((year, state, enterprise, site))
    consumption = enterprise_consumption([e for _y, _st, e, _s in plan], YEARS)
    sector_of = {e.pk: k for k, pairs in candidates.items() for e, _s in pairs}
    sct = province.agencies.get("sct")
    for number, (year, state, enterprise, site) in enumerate(plan, start=1):
        row_rng = _rng(seed, "scp-model", number)
        spec = MODEL_KINDS[
            row_rng.choice(
                SECTOR_MODELS.get(sector_of[enterprise.pk], tuple(range(len(MODEL_KINDS))))
            )
        ]
        kind, label = spec.kind, spec.title
        used_then = consumption.get((enterprise.pk, year), Consumption())
        energy_saved = None
        if spec.energy[1]:
            energy_saved = _q(min(used_then.toe * row_rng.uniform(*spec.energy), spec.max_toe))
        water_saved = None
        if spec.water[1]:
            water_saved = _q(used_then.water_m3 * row_rng.uniform(*spec.water), "1")
        share = row_rng.uniform(*spec.materials) if spec.materials[1] else 0.0
        symbiosis = kind == SCPModel.Kind.INDUSTRIAL_SYMBIOSIS
        materials_saved = None if symbiosis else _q(used_then.materials_t * share, "0.1")
        waste = _q(used_then.materials_t * share * (1.0 if symbiosis else 0.5), "0.1")
        co2 = _q(float(energy_saved) * row_rng.uniform(*TOE_CO2), "0.1") if energy_saved else None
        money = (
            float(energy_saved or 0) * row_rng.uniform(*TOE_MONEY)
            + float(water_saved or 0) * WATER_MONEY
            + float(materials_saved or 0) * row_rng.uniform(*MATERIAL_MONEY)
        )
        owned_by_sct = (
            sct is not None and enterprise.pk != persona_enterprise and row_rng.random() < 0.3
        )
        owner: Organisation = cast(Organisation, sct) if owned_by_sct else enterprise
        recorded_by = None
        if owned_by_sct:
            recorded_by = personas.coordinator
        elif personas.enterprise_user and enterprise.pk == persona_enterprise:
            recorded_by = personas.enterprise_user
        reviewed = state != SCPModel.State.PROPOSED
        review_day = dt.date(year, row_rng.randint(10, 12), row_rng.randint(1, 28))
        notes: dict[str, str] = {
            SCPModel.State.VERIFIED: "Đã đối chiếu minh chứng với số liệu tiêu thụ của cơ sở"
            + DEMO_MARK
            + ".",
            SCPModel.State.REJECTED: "Chưa đủ minh chứng về kết quả tiết kiệm; đề nghị bổ sung "
            "số liệu đo trước và sau khi áp dụng" + DEMO_MARK + ".",
        }
        note = notes.get(state, "")
        name = enterprise.short_name or enterprise.name
        sync.put(
            f"{label} – {name}{DEMO_MARK}",
            Row(
                {
                    "owner": owner,
                    "organisation": enterprise,
                    "site": site,
                    "kind": kind,
                    "title": f"{label} – {name}{DEMO_MARK}",
                    "year": year,
                    "description": f"{name} áp dụng từ năm {year}: {_lower_first(label)}. "
                    + MODEL_NOTE,
                    "energy_saved_toe": energy_saved,
                    "materials_saved_t": materials_saved,
                    "water_saved_m3": water_saved,
                    "waste_reduced_t": waste,
                    "co2_reduced_t": co2,
                    "money_saved_mvnd": _q(money, "0.1"),
                    "evidence_url": "",
                    "state": state,
                    "flags": [],
                    "reviewed_by": personas.coordinator if reviewed else None,
                    "reviewed_at": _moment(review_day) if reviewed else None,
                    "review_note": note,
                    "recorded_by": recorded_by,
                }
            ),
        )
    return sync.finish()


# --- Retail packaging surveys -----------------------------------------------------------------
