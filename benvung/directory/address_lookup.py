"""Which current unit does an old address belong to?

An address written before 1 July 2025 ("Phường Trảng Dài, TP Biên Hòa, Đồng Nai") is parsed with
`vietnamadminunits` (offline; no geocoding), matched to the former commune or district held in the
database, and followed along the successor links to today's commune-level unit(s).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from benvung.core.succession import current_successors

from .models import AdministrativeUnit, AdministrativeUnitSuccession

Unit = AdministrativeUnit


@dataclass
class Successor:
    unit: AdministrativeUnit
    is_primary: bool


@dataclass
class LookupResult:
    query: str
    old_unit: AdministrativeUnit | None = None
    successors: list[Successor] = field(default_factory=list)
    message: str = ""

    @property
    def found(self) -> bool:
        return bool(self.successors)

    @property
    def is_split(self) -> bool:
        return (
            self.old_unit is not None
            and self.old_unit.level == Unit.Level.COMMUNE
            and len(self.successors) > 1
        )


def successors_today(old: AdministrativeUnit) -> list[Successor]:
    """Today's units that continue `old`, primary first, then by name."""
    today = timezone.localdate()
    direct = {
        link.successor_id: link.is_primary
        for link in AdministrativeUnitSuccession.objects.filter(predecessor=old)
    }
    units = current_successors(old, today)
    result = [Successor(unit=u, is_primary=direct.get(u.pk, False)) for u in units]  # type: ignore[arg-type]
    return sorted(result, key=lambda s: (not s.is_primary, s.unit.name))


def lookup_old_unit(old: AdministrativeUnit) -> LookupResult:
    result = LookupResult(query=old.full_name, old_unit=old)
    result.successors = successors_today(old)
    if not result.successors:
        result.message = _("No current unit is recorded as the successor of %(unit)s.") % {
            "unit": old.full_name
        }
    return result


def lookup_old_address(text: str) -> LookupResult:
    from vietnamadminunits import ParseMode, parse_address

    query = (text or "").strip()
    result = LookupResult(query=query)
    if not query:
        result.message = _("Type an old address.")
        return result
    try:
        parsed = parse_address(query, mode=ParseMode.LEGACY, keep_street=False, level=3)
    except Exception:  # the parser raises plain exceptions on text it cannot read
        parsed = None
    province_code = getattr(parsed, "province_code", None)
    if not province_code:
        result.message = _(
            "The address could not be read. Write the commune or ward, the district and the "
            "province, separated by commas."
        )
        return result
    old_province = Unit.objects.filter(
        edition=Unit.Edition.PRE_2025, level=Unit.Level.PROVINCE, code=str(province_code).zfill(2)
    ).first()
    if old_province is None:
        result.message = _(
            "The address lies in %(province)s. This system holds the former units of the "
            "provinces that form today's Đồng Nai only."
        ) % {"province": parsed.province}
        return result
    old = None
    if parsed.ward_code:
        old = Unit.objects.filter(
            edition=Unit.Edition.PRE_2025,
            level=Unit.Level.COMMUNE,
            code=str(parsed.ward_code).zfill(5),
        ).first()
    if old is None and parsed.district_code:
        old = Unit.objects.filter(
            edition=Unit.Edition.PRE_2025,
            level=Unit.Level.DISTRICT,
            code=str(parsed.district_code).zfill(3),
        ).first()
    if old is None:
        # Knowing only the province would answer nothing the user does not already know.
        result.message = _(
            "No former commune, ward or district of %(province)s was recognised in the "
            "address. Check the spelling, or choose the unit from the list."
        ) % {"province": old_province.name}
        return result
    found = lookup_old_unit(old)
    found.query = query
    if old.level == Unit.Level.DISTRICT and found.found:
        found.message = _(
            "Only the district was recognised, not a commune or ward: the units below together "
            "took over the territory of %(district)s."
        ) % {"district": old.name}
    return found


def former_districts_of(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The districts (until 30/06/2025) whose territory a current commune took over."""
    return list(
        Unit.objects.filter(level=Unit.Level.DISTRICT, successor_links__successor=unit).order_by(
            "name"
        )
    )


def former_communes_of(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(
        Unit.objects.filter(level=Unit.Level.COMMUNE, successor_links__successor=unit)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def former_units_by_commune() -> dict[
    int, tuple[list[AdministrativeUnit], list[AdministrativeUnit]]
]:
    """For every current unit: (former districts, former communes) it took over, in one query."""
    result: dict[int, tuple[list[AdministrativeUnit], list[AdministrativeUnit]]] = {}
    links = (
        AdministrativeUnitSuccession.objects.filter(predecessor__edition=Unit.Edition.PRE_2025)
        .select_related("predecessor")
        .order_by("predecessor__name")
    )
    for link in links:
        districts, communes = result.setdefault(link.successor_id, ([], []))
        if link.predecessor.level == Unit.Level.DISTRICT:
            districts.append(link.predecessor)
        elif link.predecessor.level == Unit.Level.COMMUNE:
            communes.append(link.predecessor)
    return result
