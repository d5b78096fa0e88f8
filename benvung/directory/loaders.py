"""Loading the directory's reference data from maintained packages and reviewed files.

- the current map (from 1 July 2025): every province and commune of the country, from
  `vietnam-provinces`, with centroids and areas from `vietnamadminunits`;
- the former map (until 30 June 2025) of the two provinces that formed today's Đồng Nai
  (Đồng Nai and Bình Phước), with successor links, from `vietnamadminunits`;
- VSIC 2018 and the plan's focus sectors, industrial parks and clusters, agencies: from the
  reviewed files in `fixtures/`.

Every loader is idempotent: a second run reports everything unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from benvung.core import audit
from benvung.core.loading import LoadReport, Upserter
from benvung.core.models import SuccessionKind, SuccessionStatus
from benvung.core.text import search_key

from .models import (
    AdministrativeUnit,
    AdministrativeUnitSuccession,
    Agency,
    FocusSector,
    IndustrialArea,
    Organisation,
    OrganisationSuccession,
    Sector,
)

if TYPE_CHECKING:
    from benvung.accounts.models import User

Unit = AdministrativeUnit
FIXTURES = Path(settings.BASE_DIR) / "fixtures"

MAP_CHANGE_DAY = dt.date(2025, 7, 1)
LAST_DAY_OF_OLD_MAP = dt.date(2025, 6, 30)
PROVINCE_MERGER_SOURCE = "Nghị quyết 202/2025/QH15 ngày 12/06/2025 của Quốc hội"
COMMUNE_ARRANGEMENT_SOURCE = (
    "Nghị quyết 1662/NQ-UBTVQH15 ngày 16/06/2025 của Ủy ban Thường vụ Quốc hội "
    "(đối chiếu qua gói vietnamadminunits {version})"
)
# The former provinces that form today's province, by their vietnamadminunits short names.
FORMER_PROVINCES = ("Đồng Nai", "Bình Phước")


def _package_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def _decimal(value: Any, places: int = 6) -> Decimal | None:
    if value in (None, ""):
        return None
    return round(Decimal(str(value)), places)


# --- Administrative units --------------------------------------------------------------------


def load_administrative_units(*, actor: User | None = None) -> list[LoadReport]:
    with transaction.atomic():
        current = _load_current_map(actor)
        former, successions = _load_former_map(actor)
    return [current.report, former.report, successions.report]


def _load_current_map(actor: User | None) -> Upserter[Unit]:
    from vietnam_provinces import Province, VietNamDivisionType, Ward
    from vietnamadminunits.database import query

    source = f"vietnam-provinces {_package_version('vietnam-provinces')}"
    units = Upserter(
        Unit,
        ["edition", "level", "code"],
        report_name=_("administrative units (current map)"),
        action="administrative_unit",
        actor=actor,
        queryset=Unit.objects.filter(edition=Unit.Edition.Y2025),
    )
    # Centroids and areas: vietnamadminunits, matched by code, else by province and name (a few
    # 2025 communes carry different codes in the two packages).
    geo_by_code: dict[str, dict[str, Any]] = {}
    geo_by_name: dict[tuple[str, str], dict[str, Any]] = {}
    for row in query(
        "SELECT provinceCode, wardCode, ward, wardLat, wardLon, wardAreaKm2, "
        "provinceLat, provinceLon FROM admin_units"
    ):
        geo_by_code[str(row["wardCode"]).zfill(5)] = row
        geo_by_name[(str(row["provinceCode"]).zfill(2), row["ward"])] = row

    type_names = {
        VietNamDivisionType.TINH: "Tỉnh",
        VietNamDivisionType.THANH_PHO_TRUNG_UONG: "Thành phố trực thuộc trung ương",
        VietNamDivisionType.XA: "Xã",
        VietNamDivisionType.PHUONG: "Phường",
        VietNamDivisionType.DAC_KHU: "Đặc khu",
    }
    provinces: dict[int, Unit] = {}
    for p in Province.iter_all():
        code = f"{int(p.code):02d}"
        name = p.name if p.name.startswith(("Thành phố", "Tỉnh")) else f"Tỉnh {p.name}"
        any_geo = next((g for (pc, _n), g in geo_by_name.items() if pc == code), None)
        provinces[int(p.code)] = units.upsert(
            {"edition": Unit.Edition.Y2025, "level": Unit.Level.PROVINCE, "code": code},
            {
                "name": name,
                "unit_type": type_names[p.division_type],
                "search_key": search_key(name),
                "parent": None,
                "valid_from": MAP_CHANGE_DAY,
                "valid_to": None,
                "latitude": _decimal(any_geo["provinceLat"]) if any_geo else None,
                "longitude": _decimal(any_geo["provinceLon"]) if any_geo else None,
                "area_km2": None,
                "source": source,
            },
        )
    for w in Ward.iter_all():
        code = f"{int(w.code):05d}"
        province_code = f"{int(w.province_code):02d}"
        geo = geo_by_code.get(code)
        if (
            geo is None
            or str(geo["provinceCode"]).zfill(2) != province_code
            or geo["ward"] != w.name
        ):
            geo = geo_by_name.get((province_code, w.name))
        units.upsert(
            {"edition": Unit.Edition.Y2025, "level": Unit.Level.COMMUNE, "code": code},
            {
                "name": w.name,
                "unit_type": type_names[w.division_type],
                "search_key": search_key(w.name),
                "parent": provinces[int(w.province_code)],
                "valid_from": MAP_CHANGE_DAY,
                "valid_to": None,
                "latitude": _decimal(geo["wardLat"]) if geo else None,
                "longitude": _decimal(geo["wardLon"]) if geo else None,
                "area_km2": _decimal(geo["wardAreaKm2"], 2) if geo else None,
                "source": source,
            },
        )
    units.finish(source=source)
    return units


def _load_former_map(
    actor: User | None,
) -> tuple[Upserter[Unit], Upserter[AdministrativeUnitSuccession]]:
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.database import query

    version = _package_version("vietnamadminunits")
    source = f"vietnamadminunits {version} (bản đồ hành chính trước 01/07/2025)"
    units = Upserter(
        Unit,
        ["edition", "level", "code"],
        report_name=_("administrative units (map until 30/06/2025)"),
        action="administrative_unit",
        actor=actor,
        queryset=Unit.objects.filter(edition=Unit.Edition.PRE_2025),
    )
    # The province names are constants of this module, never user input.
    names = ", ".join(f"'{name}'" for name in FORMER_PROVINCES)
    rows = query(
        "SELECT province, district, ward, provinceShort, districtType, wardType, provinceCode, "
        "provinceLat, provinceLon, districtCode, districtLat, districtLon, wardCode, wardLat, "
        "wardLon, provinceKey, districtKey, wardKey FROM admin_units_legacy "
        f"WHERE provinceShort IN ({names}) ORDER BY provinceCode, districtCode, wardCode"
    )
    old_common = {"valid_from": None, "valid_to": LAST_DAY_OF_OLD_MAP, "source": source}
    by_old_key: dict[str, Unit] = {}
    districts_of_province: dict[str, Unit] = {}
    old_provinces: dict[str, Unit] = {}
    for row in rows:
        pcode = str(row["provinceCode"]).zfill(2)
        if pcode not in old_provinces:
            old_provinces[pcode] = units.upsert(
                {"edition": Unit.Edition.PRE_2025, "level": Unit.Level.PROVINCE, "code": pcode},
                {
                    "name": row["province"],
                    "unit_type": "Tỉnh",
                    "search_key": search_key(row["province"]),
                    "parent": None,
                    "latitude": _decimal(row["provinceLat"]),
                    "longitude": _decimal(row["provinceLon"]),
                    **old_common,
                },
            )
        dcode = str(row["districtCode"]).zfill(3)
        district = districts_of_province.get(dcode)
        if district is None:
            district = districts_of_province[dcode] = units.upsert(
                {"edition": Unit.Edition.PRE_2025, "level": Unit.Level.DISTRICT, "code": dcode},
                {
                    "name": row["district"],
                    "unit_type": row["districtType"],
                    "search_key": search_key(row["district"]),
                    "parent": old_provinces[pcode],
                    "latitude": _decimal(row["districtLat"]),
                    "longitude": _decimal(row["districtLon"]),
                    **old_common,
                },
            )
        commune = units.upsert(
            {
                "edition": Unit.Edition.PRE_2025,
                "level": Unit.Level.COMMUNE,
                "code": str(row["wardCode"]).zfill(5),
            },
            {
                "name": row["ward"],
                "unit_type": row["wardType"],
                "search_key": search_key(row["ward"]),
                "parent": district,
                "latitude": _decimal(row["wardLat"]),
                "longitude": _decimal(row["wardLon"]),
                **old_common,
            },
        )
        by_old_key[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"] = commune
    units.finish(source=source)

    # Successor links: old commune → new commune(s) from the package's conversion tables; an
    # old district → every new commune that received part of it; old province → new province.
    new_province = Unit.objects.get(
        edition=Unit.Edition.Y2025, level=Unit.Level.PROVINCE, code=settings.PROVINCE_CODE
    )
    # The conversion tables name new communes by the package's own keys, which keep their
    # diacritics where plain keys would collide (Xã Lộc Thành and Xã Lộc Thạnh): match on them.
    ours_by_name = {
        u.name: u for u in Unit.objects.filter(edition=Unit.Edition.Y2025, parent=new_province)
    }
    new_by_key = {
        row["wardKey"]: ours_by_name[row["ward"]]
        for row in query(
            f"SELECT wardKey, ward FROM admin_units WHERE provinceCode = '{new_province.code}'"
        )
    }
    province_key = search_key(new_province.name)
    links = Upserter(
        AdministrativeUnitSuccession,
        ["predecessor", "successor"],
        report_name=_("administrative unit successions"),
        action="administrative_unit_succession",
        actor=actor,
        queryset=AdministrativeUnitSuccession.objects.filter(
            predecessor__edition=Unit.Edition.PRE_2025
        ),
    )
    law = COMMUNE_ARRANGEMENT_SOURCE.format(version=version)
    link_common = {
        "effective_date": MAP_CHANGE_DAY,
        "status": SuccessionStatus.CONFIRMED,
    }
    for old in old_provinces.values():
        links.upsert(
            {"predecessor": old, "successor": new_province},
            {
                **link_common,
                "kind": SuccessionKind.MERGER,
                "is_primary": True,
                "source": PROVINCE_MERGER_SOURCE,
            },
        )
    successors_of_old: dict[int, list[tuple[Unit, bool]]] = defaultdict(list)
    for new_key, old_keys in converter_2025.DICT_PROVINCE_WARD_NO_DIVIDED[province_key].items():
        for old_key in old_keys:
            successors_of_old[by_old_key[old_key].pk].append((new_by_key[new_key], True))
    for old_key, parts in converter_2025.DICT_PROVINCE_WARD_DIVIDED.get(province_key, {}).items():
        for part in parts:
            successors_of_old[by_old_key[old_key].pk].append(
                (new_by_key[part["newWardKey"]], bool(part["isDefaultNewWard"]))
            )
    old_by_pk = {u.pk: u for u in by_old_key.values()}
    district_successors: dict[int, set[int]] = defaultdict(set)
    for old_pk, successors in successors_of_old.items():
        old = old_by_pk[old_pk]
        split = len(successors) > 1
        for new, primary in successors:
            links.upsert(
                {"predecessor": old, "successor": new},
                {
                    **link_common,
                    "kind": SuccessionKind.SPLIT if split else SuccessionKind.REARRANGEMENT,
                    "is_primary": primary,
                    "source": law,
                },
            )
            # Every commune of the former map lies in a district.
            district_successors[cast(int, old.parent_id)].add(new.pk)
    new_units = {u.pk: u for u in new_by_key.values()}
    for district in districts_of_province.values():
        for new_pk in sorted(district_successors[district.pk]):
            links.upsert(
                {"predecessor": district, "successor": new_units[new_pk]},
                {
                    **link_common,
                    "kind": SuccessionKind.REARRANGEMENT,
                    "is_primary": False,
                    "source": law,
                    "note": (
                        "Cấp huyện kết thúc hoạt động từ 01/07/2025; xã, phường kế thừa địa bàn."
                    ),
                },
            )
    links.finish(source=law, prune=True)
    return units, links


# --- Sectors ---------------------------------------------------------------------------------


def load_sectors(
    *,
    actor: User | None = None,
    vsic_path: Path = FIXTURES / "vsic-2018.csv",
    focus_path: Path = FIXTURES / "focus-sectors.csv",
) -> list[LoadReport]:
    with transaction.atomic():
        sectors = Upserter(
            Sector,
            ["version", "code"],
            report_name=_("VSIC 2018 sectors"),
            action="sector",
            actor=actor,
        )
        by_code: dict[str, Sector] = {}
        with vsic_path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                parent_code = row["parent_code"].strip()
                if parent_code and parent_code not in by_code:
                    raise ValueError(f"{vsic_path.name}, dòng {line}: mã cha {parent_code} chưa có")
                by_code[row["code"]] = sectors.upsert(
                    {"version": "VSIC2018", "code": row["code"].strip()},
                    {
                        "level": int(row["level"]),
                        "parent": by_code[parent_code] if parent_code else None,
                        "name": row["name_vi"].strip(),
                        "name_en": row["name_en"].strip(),
                        "status": row["status"].strip(),
                        "source": row["source"].strip(),
                    },
                )
        sectors.finish(source=vsic_path.name)

        focus = Upserter(
            FocusSector, ["key"], report_name=_("focus sectors"), action="focus_sector", actor=actor
        )
        with focus_path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                fs = focus.upsert(
                    {"key": row["key"].strip()},
                    {
                        "name": row["name_vi"].strip(),
                        "name_en": row["name_en"].strip(),
                        "position": int(row["position"]),
                    },
                )
                codes = [c.strip() for c in row["vsic_codes"].split(";") if c.strip()]
                missing = [c for c in codes if c not in by_code]
                if missing:
                    raise ValueError(
                        f"{focus_path.name}, dòng {line}: mã VSIC không có: {', '.join(missing)}"
                    )
                if str(fs.pk) in focus.changed_by_users:
                    continue
                wanted = sorted(codes)
                current = sorted(fs.sectors.values_list("code", flat=True))
                if current != wanted:
                    fs.sectors.set([by_code[c] for c in codes])
                    audit.record(
                        actor=actor,
                        action="focus_sector.update",
                        target=fs,
                        before={"sectors": current},
                        after={"sectors": wanted},
                        summary=f"{focus.report.name}: {fs.key}",
                    )
                    if current:  # a new row's codes are part of its creation
                        focus.report.updated += 1
        focus.finish(source=focus_path.name)
    return [sectors.report, focus.report]


# --- Industrial parks and clusters -----------------------------------------------------------


def load_industrial_areas(
    *, actor: User | None = None, path: Path = FIXTURES / "industrial-parks-seed.csv"
) -> list[LoadReport]:
    """Seed parks and clusters; they stay 'unofficial' until an administrator confirms them.

    A row confirmed or corrected by an administrator is never overwritten by the seed.
    """
    kinds = {
        "industrial park": IndustrialArea.Kind.PARK,
        "industrial cluster": IndustrialArea.Kind.CLUSTER,
        "craft village": IndustrialArea.Kind.CRAFT_VILLAGE,
    }
    # A district always lies in a province.
    districts = {
        (cast(Unit, u.parent).name.removeprefix("Tỉnh ").strip(), _short_district(u.name)): u
        for u in Unit.objects.filter(
            edition=Unit.Edition.PRE_2025, level=Unit.Level.DISTRICT
        ).select_related("parent")
    }
    with transaction.atomic():
        areas = Upserter(
            IndustrialArea,
            ["kind", "name"],
            report_name=_("industrial parks and clusters (seed)"),
            action="industrial_area",
            actor=actor,
            queryset=IndustrialArea.objects.filter(is_demo=False),
        )
        previous_source = None
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                kind = kinds.get(row["kind"].strip())
                if kind is None:
                    raise ValueError(f"{path.name}, dòng {line}: loại '{row['kind']}' không rõ")
                key = {"kind": kind, "name": row["name"].strip()}
                district = districts.get(
                    (row["former_province"].strip(), row["former_district"].strip())
                )
                if district is None:
                    raise ValueError(
                        f"{path.name}, dòng {line}: không tìm thấy huyện cũ "
                        f"'{row['former_district']}' ({row['former_province']})"
                    )
                source = row["source"].strip()
                if source == "same":
                    source = previous_source or ""
                previous_source = source
                areas.upsert(
                    key,
                    {
                        "former_district": district,
                        "area_ha": _decimal(row["area_ha"], 2),
                        "operator": row["operator"].strip(),
                        "note": row["note"].strip(),
                        "source": source,
                        "source_status": row["status"].strip(),
                    },
                )
        areas.finish(source=path.name)
    return [areas.report]


def _short_district(name: str) -> str:
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


# --- Agencies --------------------------------------------------------------------------------


def load_agencies(
    *,
    actor: User | None = None,
    agencies_path: Path = FIXTURES / "agencies.csv",
    successions_path: Path = FIXTURES / "agency-successions.csv",
) -> list[LoadReport]:
    """The agencies named in the plan, their 2025 successors, and the people's committees.

    District people's committees ended on 30/06/2025; the people's committees of the new
    communes that received each district's territory continue its duties. Those links are
    derived from the administrative-unit successions.
    """
    with transaction.atomic():
        agencies = Upserter(
            Agency,
            ["key"],
            report_name=_("agencies"),
            action="organisation",
            actor=actor,
            queryset=Agency.objects.filter(key__isnull=False),
        )
        by_key: dict[str, Agency] = {}
        with agencies_path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    by_key[row["key"]] = agencies.upsert(
                        {"key": row["key"].strip()},
                        {
                            "kind": Organisation.Kind.AGENCY,
                            "name": row["name"].strip(),
                            "short_name": row["short_name"].strip(),
                            "agency_type": row["agency_type"].strip(),
                            "symbol": row["symbol"].strip(),
                            "parent_authority": row["parent_authority"].strip(),
                            "is_coordinator": row["is_coordinator"].strip() == "yes",
                            "valid_from": _date(row["valid_from"]),
                            "valid_to": _date(row["valid_to"]),
                            "note": row["note"].strip(),
                            "source": row["source"].strip(),
                        },
                    )
                except (KeyError, ValueError) as exc:
                    raise ValueError(f"{agencies_path.name}, dòng {line}: {exc}") from exc

        committees = _committees(agencies)
        by_key.update(committees)
        agencies.finish(source=agencies_path.name)

        links = Upserter(
            OrganisationSuccession,
            ["predecessor", "successor"],
            report_name=_("agency successions"),
            action="organisation_succession",
            actor=actor,
            queryset=OrganisationSuccession.objects.filter(predecessor__key__isnull=False),
        )
        with successions_path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    predecessor = by_key[row["predecessor"].strip()]
                    successor = by_key[row["successor"].strip()]
                except KeyError as exc:
                    raise ValueError(
                        f"{successions_path.name}, dòng {line}: không có cơ quan {exc}"
                    ) from exc
                links.upsert(
                    {"predecessor": predecessor, "successor": successor},
                    {
                        "effective_date": _date(row["effective_date"]),
                        "kind": row["kind"].strip(),
                        "status": row["status"].strip(),
                        "note": row["note"].strip(),
                        "source": row["source"].strip(),
                    },
                )
        _committee_successions(links, committees)
        links.finish(source=successions_path.name)
    return [agencies.report, links.report]


def _date(value: str) -> dt.date | None:
    value = (value or "").strip()
    return dt.date.fromisoformat(value) if value else None


def _committees(agencies: Upserter[Agency]) -> dict[str, Agency]:
    """People's committees of the former districts and of today's communes."""
    result: dict[str, Agency] = {}
    new_province = Unit.objects.get(
        edition=Unit.Edition.Y2025, level=Unit.Level.PROVINCE, code=settings.PROVINCE_CODE
    )
    old_districts = Unit.objects.filter(
        edition=Unit.Edition.PRE_2025,
        level=Unit.Level.DISTRICT,
        parent__successor_links__successor=new_province,
    ).select_related("parent")
    for district in old_districts:
        key = f"ubnd-huyen-{district.code}"
        result[key] = agencies.upsert(
            {"key": key},
            {
                "kind": Organisation.Kind.AGENCY,
                "name": f"Ủy ban nhân dân {district.name[0].lower()}{district.name[1:]}",
                "short_name": f"UBND {district.name}",
                "agency_type": Agency.AgencyType.DISTRICT_COMMITTEE,
                "symbol": "UBND",
                "parent_authority": "",
                "is_coordinator": False,
                "governed_unit": district,
                "administrative_unit": district,
                "valid_from": None,
                "valid_to": LAST_DAY_OF_OLD_MAP,
                "note": "Chính quyền cấp huyện kết thúc hoạt động từ 01/07/2025.",
                "source": "Luật Tổ chức chính quyền địa phương 2025; Nghị quyết 202/2025/QH15",
            },
        )
    for commune in Unit.objects.filter(edition=Unit.Edition.Y2025, parent=new_province):
        key = f"ubnd-xa-{commune.code}"
        result[key] = agencies.upsert(
            {"key": key},
            {
                "kind": Organisation.Kind.AGENCY,
                "name": f"Ủy ban nhân dân {commune.name[0].lower()}{commune.name[1:]}",
                "short_name": f"UBND {commune.name}",
                "agency_type": Agency.AgencyType.COMMUNE_COMMITTEE,
                "symbol": "UBND",
                "parent_authority": "",
                "is_coordinator": False,
                "governed_unit": commune,
                "administrative_unit": commune,
                "valid_from": MAP_CHANGE_DAY,
                "valid_to": None,
                "note": "",
                "source": COMMUNE_ARRANGEMENT_SOURCE.format(
                    version=_package_version("vietnamadminunits")
                ),
            },
        )
    return result


def _committee_successions(
    links: Upserter[OrganisationSuccession], committees: dict[str, Agency]
) -> None:
    by_unit = {a.governed_unit_id: a for a in committees.values()}
    for link in AdministrativeUnitSuccession.objects.filter(
        predecessor__level=Unit.Level.DISTRICT, predecessor__edition=Unit.Edition.PRE_2025
    ):
        old, new = by_unit.get(link.predecessor_id), by_unit.get(link.successor_id)
        if old is None or new is None:
            continue
        links.upsert(
            {"predecessor": old, "successor": new},
            {
                "effective_date": MAP_CHANGE_DAY,
                "kind": SuccessionKind.TRANSFER,
                "status": SuccessionStatus.CONFIRMED,
                "note": (
                    "Suy ra từ việc sắp xếp đơn vị hành chính: xã, phường nhận địa bàn của huyện."
                ),
                "source": link.source,
            },
        )
