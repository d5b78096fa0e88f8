"""A deterministic demo province: enterprises in real parks, retail outlets, one user per role.

Everything created here carries is_demo=True and is shown with a "demo" badge; the pages show a
banner while demo data is present. Names are generated from word lists and do not designate real
companies; tax codes are valid in form (check digit) but generated.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from stdnum.vn import mst

from benvung.accounts import roles, two_factor
from benvung.accounts.models import RoleGrant, User
from benvung.core import audit
from benvung.core.demo import DEFAULT_SEED
from benvung.core.loading import LoadReport, Upserter
from benvung.core.registry import Registry
from benvung.directory import loaders, selectors
from benvung.directory.models import (
    AdministrativeUnit,
    Agency,
    Enterprise,
    EnterpriseSector,
    FocusSector,
    IndustrialArea,
    Organisation,
    RetailOutlet,
    Sector,
    Site,
)

SEED_PARKS = loaders.FIXTURES / "industrial-parks-seed.csv"
DEMO_PASSWORD = "BenVung-demo-2025"
DEMO_EMAIL_DOMAIN = "benvung.example"  # .example is reserved (RFC 2606): mail never leaves
ENTERPRISES_PER_FOCUS_SECTOR = 22
OTHER_ENTERPRISES = 24

# Words that sound like Vietnamese company names without copying any real one.
NAME_WORDS = [
    "An Bình",
    "Phước Tân",
    "Long Hưng",
    "Tân Phú Thịnh",
    "Đại Việt Xanh",
    "Hòa Lợi",
    "Minh Khang",
    "Thành Đạt",
    "Phú Quý",
    "Trường Sơn",
    "Hưng Thịnh",
    "Đông Nam Á",
    "Sao Mai",
    "Kim Long",
    "Việt Tiến Phát",
    "Bảo Ngọc",
    "Nam Phong",
    "Thiên Ân",
    "Hoàng Gia",
    "Đồng Tâm",
    "Gia Khang",
    "Vạn Lộc",
    "Tín Thành",
    "Phương Đông",
]
LEGAL_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"]
SECTOR_WORDS = {
    "textiles_garments": ["Dệt may", "May mặc", "Sợi", "Dệt nhuộm"],
    "steel": ["Thép", "Luyện kim", "Cán thép"],
    "plastics": ["Nhựa", "Bao bì nhựa", "Nhựa kỹ thuật"],
    "chemicals": ["Hóa chất", "Sơn", "Hóa chất công nghiệp"],
    "cement": ["Xi măng", "Vật liệu xây dựng"],
    "beer_beverages": ["Bia", "Nước giải khát", "Đồ uống"],
    "paper": ["Giấy", "Bao bì giấy", "Giấy công nghiệp"],
    "seafood": ["Thủy sản", "Chế biến thủy sản", "Thực phẩm thủy sản"],
    None: ["Điện tử", "Cơ khí", "Thực phẩm", "Gỗ", "Da giày"],
}
OTHER_SECTOR_PREFIXES = ["26", "25", "10", "16", "15"]
OUTLETS = [
    (RetailOutlet.OutletType.SUPERMARKET, "Siêu thị", 14),
    (RetailOutlet.OutletType.TRADE_CENTRE, "Trung tâm thương mại", 6),
    (RetailOutlet.OutletType.CONVENIENCE_STORE, "Cửa hàng tiện lợi", 16),
    (RetailOutlet.OutletType.MARKET, "Chợ", 6),
]
CHAINS = ["Chuỗi Xanh Mart", "Chuỗi Phương Nam", "Chuỗi Tiện Lợi 24", ""]
# (name, former district, the commune of the old map the village lies in)
CRAFT_VILLAGES = [
    ("Làng nghề gốm (mẫu)", "bienhoa", "Phường Tân Vạn"),
    ("Làng nghề mây tre đan (mẫu)", "vinhcuu", "Xã Tân Bình"),
    ("Làng nghề điều (mẫu)", "dongphu", "Thị trấn Tân Phú"),
]
STREETS = ["Đường số 1", "Đường số 2", "Đường số 3", "Đường số 5", "Đường số 7", "Đường số 9"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    organisation_label: str


def _tax_code(rng: random.Random, province_prefix: str) -> str:
    while True:
        body = province_prefix + "".join(str(rng.randrange(10)) for _ in range(7))
        check = mst.calc_check_digit(body)
        # A remainder of 10 gives no single check digit: no tax code uses such a body.
        if len(check) == 1:
            return body + check


def _park_label(park: IndustrialArea) -> str:
    prefix = {"industrial_park": "KCN", "industrial_cluster": "CCN", "craft_village": "Làng nghề"}
    return f"{prefix[park.kind]} {park.name}"


def _jitter(value: Decimal, rng: random.Random, spread: float = 0.006) -> Decimal:
    """About ±600 m: a demo site near, not at, its commune's centre."""
    return (value + Decimal(str(round(rng.uniform(-spread, spread), 6)))).quantize(
        Decimal("0.000001")
    )


def generate(*, seed: int = DEFAULT_SEED) -> list[LoadReport]:
    """Create or refresh the demo data; the same seed always gives the same province."""
    if not AdministrativeUnit.objects.exists() or not FocusSector.objects.exists():
        raise RuntimeError("Load the reference data first: benvung load_reference")
    with transaction.atomic():
        reports = [
            *_enterprises(seed),
            _retail_outlets(seed),
            _craft_villages(),
            _accounts(),
        ]
    return reports


def _communes_by_former_district() -> dict[int, list[AdministrativeUnit]]:
    result: dict[int, list[AdministrativeUnit]] = {}
    for district in selectors.former_districts():
        result[district.pk] = [
            link.successor
            for link in district.successor_links.select_related("successor").order_by(
                "successor__code"
            )
        ]
    return result


def _rng(seed: int, *parts: object) -> random.Random:
    """One generator per generated row: a row never changes because another one did."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _seed_parks() -> list[IndustrialArea]:
    """The parks and clusters of the seed file only, so that parks a coordinator adds later do
    not reshuffle the demo province."""
    with SEED_PARKS.open(encoding="utf-8", newline="") as fh:
        names = {row["name"].strip() for row in csv.DictReader(fh)}
    return list(
        IndustrialArea.objects.filter(is_demo=False, name__in=names)
        .exclude(former_district__isnull=True)
        .order_by("kind", "name")
    )


def _enterprises(seed: int) -> list[LoadReport]:
    enterprises = Upserter(
        Enterprise,
        ["key"],
        report_name=_("demo enterprises"),
        action="demo_enterprise",
        queryset=Enterprise.objects.filter(is_demo=True),
    )
    sites = Upserter(
        Site,
        ["enterprise", "name"],
        report_name=_("demo sites"),
        action="demo_site",
        queryset=Site.objects.filter(is_demo=True),
    )
    parks = _seed_parks()
    communes_of = _communes_by_former_district()
    used_codes = set(Enterprise.objects.exclude(is_demo=True).values_list("tax_code", flat=True))
    plan: list[tuple[str | None, list[Sector]]] = []
    for fs in FocusSector.objects.all():
        classes = list(selectors.sectors_of_focus_sector(fs.key).filter(level=4).order_by("code"))
        plan += [(fs.key, classes)] * ENTERPRISES_PER_FOCUS_SECTOR
    others = list(
        Sector.objects.filter(level=4, code__regex=r"^(" + "|".join(OTHER_SECTOR_PREFIXES) + ")")
        .exclude(focus_sectors__isnull=False)
        .order_by("code")
    )
    plan += [(None, others)] * OTHER_ENTERPRISES

    for index, (key, classes) in enumerate(plan, start=1):
        rng = _rng(seed, "enterprise", index)
        name_word = NAME_WORDS[index % len(NAME_WORDS)]
        sector_word = rng.choice(SECTOR_WORDS[key])
        name = f"{rng.choice(LEGAL_FORMS)} {sector_word} {name_word} {index:03d}"
        park = rng.choice(parks)
        # _seed_parks keeps parks with a former district, and a district lies in a province.
        district = cast(AdministrativeUnit, park.former_district)
        province = cast(AdministrativeUnit, district.parent)
        prefix = "38" if province.name.endswith("Bình Phước") else "36"
        code = _tax_code(rng, prefix)
        while code in used_codes:
            code = _tax_code(rng, prefix)
        used_codes.add(code)
        commune = rng.choice(communes_of[district.pk])
        main = rng.choice(classes)
        enterprise = enterprises.upsert(
            {"key": f"demo-enterprise-{index:03d}"},
            {
                "tax_code": code,
                "kind": Organisation.Kind.ENTERPRISE,
                "name": name,
                "short_name": f"{sector_word} {name_word}",
                "address": f"{rng.choice(STREETS)}, {_park_label(park)}",
                "administrative_unit": commune,
                "email": f"lienhe{index:03d}@{DEMO_EMAIL_DOMAIN}",
                "is_demo": True,
                "note": "Doanh nghiệp mẫu, không có thật.",
            },
        )
        wanted = [main]
        if rng.random() < 0.3:
            second = rng.choice(classes)
            if second != main:
                wanted.append(second)
        _demo_sectors(enterprise, wanted)
        site_count = 2 if rng.random() < 0.15 else 1
        for n in range(1, site_count + 1):
            site_commune = commune if n == 1 else rng.choice(communes_of[district.pk])
            sites.upsert(
                {"enterprise": enterprise, "name": f"Nhà máy số {n}"},
                {
                    "address": (
                        f"Lô {rng.choice('ABCDEFGH')}{rng.randint(1, 40)}, {_park_label(park)}"
                    ),
                    "administrative_unit": site_commune,
                    "industrial_area": park if n == 1 else None,
                    # The packaged map data gives every commune of the province a centre.
                    "latitude": _jitter(cast(Decimal, site_commune.latitude), rng),
                    "longitude": _jitter(cast(Decimal, site_commune.longitude), rng),
                    "is_demo": True,
                },
            )
    enterprises.finish(source="directory.demo")
    sites.finish(source="directory.demo")
    return [enterprises.report, sites.report]


def _demo_sectors(enterprise: Enterprise, wanted: list[Sector]) -> None:
    current = {
        es.sector_id: es.is_primary for es in EnterpriseSector.objects.filter(enterprise=enterprise)
    }
    target = {s.pk: i == 0 for i, s in enumerate(wanted)}
    if current != target:
        EnterpriseSector.objects.filter(enterprise=enterprise).delete()
        EnterpriseSector.objects.bulk_create(
            EnterpriseSector(enterprise=enterprise, sector_id=pk, is_primary=primary)
            for pk, primary in target.items()
        )


def _retail_outlets(seed: int) -> LoadReport:
    outlets = Upserter(
        RetailOutlet,
        ["key"],
        report_name=_("demo retail outlets"),
        action="demo_retail_outlet",
        queryset=RetailOutlet.objects.filter(is_demo=True),
    )
    # Outlets sit in wards more than in rural communes, as they do.
    wards = list(selectors.current_communes().filter(unit_type="Phường"))
    communes = list(selectors.current_communes())
    for outlet_type, label, count in OUTLETS:
        for n in range(1, count + 1):
            rng = _rng(seed, outlet_type, n)
            unit = rng.choice(wards if outlet_type != RetailOutlet.OutletType.MARKET else communes)
            short = unit.name.removeprefix("Phường ").removeprefix("Xã ")
            name = f"{label} {short}" if n == 1 else f"{label} {short} {n}"
            outlets.upsert(
                {"key": f"demo-{outlet_type.replace('_', '-')}-{n:02d}"},
                {
                    "kind": Organisation.Kind.RETAIL_OUTLET,
                    "name": name,
                    "outlet_type": outlet_type,
                    "chain": ""
                    if outlet_type == RetailOutlet.OutletType.MARKET
                    else rng.choice(CHAINS),
                    "address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}, {unit.name}",
                    "administrative_unit": unit,
                    "is_demo": True,
                    "note": "Cơ sở bán lẻ mẫu, không có thật.",
                },
            )
    return outlets.finish(source="directory.demo")


def _craft_villages() -> LoadReport:
    villages = Upserter(
        IndustrialArea,
        ["kind", "name"],
        report_name=_("demo craft villages"),
        action="demo_industrial_area",
        queryset=IndustrialArea.objects.filter(is_demo=True),
    )
    districts = list(selectors.former_districts())
    for name, district_key, commune_name in CRAFT_VILLAGES:
        district = next((d for d in districts if d.search_key.endswith(district_key)), None)
        commune, place = _craft_village_place(district, commune_name)
        rng = random.Random(name)
        villages.upsert(
            {"kind": IndustrialArea.Kind.CRAFT_VILLAGE, "name": name},
            {
                "former_district": district,
                "administrative_unit": commune,
                "latitude": _jitter(place.latitude, rng) if place and place.latitude else None,
                "longitude": _jitter(place.longitude, rng) if place and place.longitude else None,
                "is_demo": True,
                "note": "Làng nghề mẫu để minh họa, không phải danh mục chính thức.",
                "source": "dữ liệu mẫu",
                "source_status": "unverified",
            },
        )
    return villages.finish(source="directory.demo")


def _craft_village_place(
    district: AdministrativeUnit | None, commune_name: str
) -> tuple[AdministrativeUnit | None, AdministrativeUnit | None]:
    """The 2025 commune a village lies in, and the unit whose centre it is placed near (the
    commune of the old map, which is smaller, when it is known)."""
    if district is None:
        return None, None
    old = AdministrativeUnit.objects.filter(parent=district, name=commune_name).first()
    links = (old or district).successor_links.select_related("successor")
    link = links.order_by("-is_primary", "successor__code").first()
    commune = link.successor if link else None
    return commune, old if old is not None and old.latitude is not None else commune


def focus_sector_sites() -> list[tuple[Site, str]]:
    """Demo sites whose enterprise's main sector lies under a focus sector, with its key."""
    roots: list[tuple[str, str, str]] = []  # version, code, focus sector key
    for fs in FocusSector.objects.prefetch_related("sectors"):
        roots += [(s.version, s.code, fs.key) for s in fs.sectors.all()]
    main: dict[int, Sector] = {
        es.enterprise_id: es.sector
        for es in EnterpriseSector.objects.filter(is_primary=True).select_related("sector")
    }
    result = []
    sites = Site.objects.filter(is_demo=True).select_related("enterprise")
    for site in sorted(sites, key=lambda s: (s.enterprise.key or "", s.name)):
        sector = main.get(site.enterprise_id)
        if sector is None:
            continue
        key = next(
            (k for v, code, k in roots if v == sector.version and sector.code.startswith(code)),
            None,
        )
        if key is not None:
            result.append((site, key))
    return result


# The demo accounts of the roles that other apps add (retail's reporter), registered from their
# hooks.py: the directory knows only the generic roles.
ACCOUNTS: Registry[DemoAccount] = Registry("demo account")


def demo_accounts() -> list[DemoAccount]:
    """One account per role; the organisations they belong to are looked up at load time."""
    return [
        DemoAccount(
            f"quantri@{DEMO_EMAIL_DOMAIN}", "Nguyễn Văn Quản (mẫu)", roles.SYSTEM_ADMIN, "sct"
        ),
        DemoAccount(
            f"dieuphoi@{DEMO_EMAIL_DOMAIN}", "Trần Thị Điều (mẫu)", roles.COORDINATOR, "sct"
        ),
        DemoAccount(
            f"coquan@{DEMO_EMAIL_DOMAIN}", "Lê Văn Cơ (mẫu)", roles.AGENCY_REPORTER, "snnmt"
        ),
        DemoAccount(
            f"doanhnghiep@{DEMO_EMAIL_DOMAIN}",
            "Phạm Thị Doanh (mẫu)",
            roles.ENTERPRISE_USER,
            "enterprise",
        ),
        *ACCOUNTS.values(),
    ]


def _organisation_for(label: str) -> Organisation:
    # The demo enterprises and outlets are generated before the accounts.
    if label == "enterprise":
        return cast(Enterprise, Enterprise.objects.filter(is_demo=True).order_by("name").first())
    if label == "retail":
        return cast(
            RetailOutlet,
            RetailOutlet.objects.filter(
                is_demo=True, outlet_type=RetailOutlet.OutletType.SUPERMARKET
            )
            .order_by("key")
            .first(),
        )
    return Agency.objects.get(key=label)


def _snapshot(user: User) -> dict[str, Any]:
    """The account as the audit trail records it, with the roles it holds."""
    return {**(audit.snapshot(user, exclude=["last_login"]) or {}), "roles": user.role_list}


def _accounts() -> LoadReport:
    report = LoadReport(_("demo accounts"))
    for account in demo_accounts():
        organisation = _organisation_for(account.organisation_label)
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                full_name=account.full_name,
                organisation=organisation,
                role=account.role,
                is_demo=True,
                is_superuser=account.role == roles.SYSTEM_ADMIN,
            )
            audit.record(actor=None, action="user.create", target=user, after=_snapshot(user))
            report.created += 1
            continue
        # Demo accounts are put back as printed: their organisation, role and published password.
        before = _snapshot(user)
        user.organisation_id = organisation.pk
        user.is_active = True
        user.is_superuser = account.role == roles.SYSTEM_ADMIN
        roles_reset = user.roles != {account.role}
        if roles_reset:
            RoleGrant.objects.filter(user=user).exclude(role=account.role).delete()
            RoleGrant.objects.get_or_create(user=user, role=account.role)
            user.forget_roles()
        password_reset = not user.check_password(DEMO_PASSWORD)
        if password_reset:
            user.set_password(DEMO_PASSWORD)
        # ... without the authenticator app a visitor set up: the next one enrols their own.
        two_factor_reset = two_factor.two_factor_remove(user=user)
        after = _snapshot(user)
        if after != before or password_reset or two_factor_reset:
            user.save()
            audit.record(
                actor=None,
                action="user.demo_reset",
                target=user,
                before=before,
                after=after,
                summary=str(_("demo account restored")),
            )
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def demo_user(role: str) -> User | None:
    """The first active demo account of `role` (who records what the other apps' demo rows
    say a user recorded)."""
    return (
        User.objects.with_role(role)
        .filter(is_demo=True, is_active=True)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def signins() -> list[dict[str, Any]]:
    """The demo sign-ins to print for a new user of the system."""
    rows = []
    for account in demo_accounts():
        user = User.objects.filter(email=account.email).select_related("organisation").first()
        if user is not None:
            rows.append(
                {
                    "role": roles.label(account.role),
                    "email": account.email,
                    "password": DEMO_PASSWORD,
                    "organisation": user.organisation.name,
                    # Administrators and coordinators set up two-step sign-in at first sign-in.
                    "two_factor": two_factor.must_use_two_factor(user),
                }
            )
    return rows
