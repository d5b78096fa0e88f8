"""Every write to the directory: validated, permission-checked, atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benvung.core import audit
from benvung.core.concurrency import lock_for_edit
from benvung.core.models import SuccessionKind, SuccessionLink, SuccessionStatus
from benvung.core.succession import creates_cycle, successor_ids_of

from . import permissions, selectors
from .models import (
    AdministrativeUnit,
    Agency,
    Enterprise,
    EnterpriseSector,
    IndustrialArea,
    IndustrialAreaSuccession,
    Organisation,
    OrganisationSuccession,
    RetailOutlet,
    Sector,
    Site,
)
from .validators import clean_tax_code

if TYPE_CHECKING:
    from benvung.accounts.models import User

Errors = dict[str, list[str]]

MODEL_OF_KIND: dict[str, type[Organisation]] = {
    Organisation.Kind.AGENCY: Agency,
    Organisation.Kind.ENTERPRISE: Enterprise,
    Organisation.Kind.RETAIL_OUTLET: RetailOutlet,
}
# Fields an organisation's own users may keep up to date.
PROFILE_FIELDS = frozenset(
    {"short_name", "address", "administrative_unit", "email", "phone", "website"}
)
# Fields only a coordinator sets: identity, validity, classification.
MANAGED_FIELDS: dict[str, frozenset[str]] = {
    Organisation.Kind.AGENCY: frozenset(
        {"agency_type", "symbol", "parent_authority", "is_coordinator", "governed_unit"}
    ),
    Organisation.Kind.ENTERPRISE: frozenset({"tax_code"}),
    Organisation.Kind.RETAIL_OUTLET: frozenset({"outlet_type", "chain"}),
}
# The registered name is identity (tied to the tax code or the founding decision): renaming is
# a coordinator's act, recorded like the other changes of identity.
COMMON_MANAGED_FIELDS = frozenset({"name", "valid_from", "valid_to", "note", "source"})


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _format_date(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _check_validity(obj: Any, errors: Errors) -> None:
    if obj.valid_from and obj.valid_to and obj.valid_to < obj.valid_from:
        _add(
            errors,
            "valid_to",
            _("The end of validity (%(end)s) is before its start (%(start)s).")
            % {"end": _format_date(obj.valid_to), "start": _format_date(obj.valid_from)},
        )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


# --- Organisations ---------------------------------------------------------------------------


def _validate_organisation(org: Organisation, errors: Errors) -> None:
    if not (org.name or "").strip():
        _add(errors, "name", _("Enter the organisation's name."))
    _check_validity(org, errors)
    unit = org.administrative_unit if org.administrative_unit_id else None
    # Reference agencies (district committees) point at former units; new entries use today's.
    if (
        unit is not None
        and not org.key
        and not selectors.current_communes().filter(pk=unit.pk).exists()
    ):
        _add(
            errors,
            "administrative_unit",
            _("%(unit)s is not a current commune or ward of the province.") % {"unit": unit},
        )
    if isinstance(org, Enterprise):
        try:
            org.tax_code = clean_tax_code(org.tax_code)
        except ValidationError as exc:
            errors.setdefault("tax_code", []).extend(exc.messages)
        else:
            clash = Enterprise.objects.filter(tax_code=org.tax_code).exclude(pk=org.pk).first()
            if clash is not None:
                _add(
                    errors,
                    "tax_code",
                    _("Tax code %(value)s is already registered for %(name)s.")
                    % {"value": org.tax_code_display, "name": clash.name},
                )
    elif isinstance(org, Agency):
        if not org.agency_type:
            _add(errors, "agency_type", _("Choose the agency type."))
    elif isinstance(org, RetailOutlet) and not org.outlet_type:
        _add(errors, "outlet_type", _("Choose the outlet type."))


def _assign(obj: Any, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _check_sectors(
    sectors: Iterable[Sector] | None, primary: Sector | None, errors: Errors
) -> list[Sector]:
    chosen = list(sectors or [])
    if not chosen:
        _add(errors, "sectors", _("Choose at least one sector (VSIC code)."))
    too_broad = [s.code for s in chosen if s.level < 4]
    if too_broad:
        _add(
            errors,
            "sectors",
            _("Choose classes of activity (4 or 5 digits), not %(codes)s.")
            % {"codes": ", ".join(too_broad)},
        )
    elif primary is not None and primary not in chosen:
        _add(errors, "primary_sector", _("The main sector must be one of the chosen sectors."))
    return chosen


def _set_sectors(enterprise: Enterprise, sectors: list[Sector], primary: Sector | None) -> None:
    primary = primary or sectors[0]
    EnterpriseSector.objects.filter(enterprise=enterprise).exclude(sector__in=sectors).delete()
    existing = {es.sector_id: es for es in EnterpriseSector.objects.filter(enterprise=enterprise)}
    # Clear the old main sector first: one main sector per enterprise is a database rule.
    EnterpriseSector.objects.filter(enterprise=enterprise, is_primary=True).exclude(
        sector=primary
    ).update(is_primary=False)
    for sector in sectors:
        if sector.pk in existing:
            if existing[sector.pk].is_primary != (sector == primary):
                EnterpriseSector.objects.filter(pk=existing[sector.pk].pk).update(
                    is_primary=sector == primary
                )
        else:
            EnterpriseSector.objects.create(
                enterprise=enterprise, sector=sector, is_primary=sector == primary
            )


# Kept by the saves themselves: not part of what a person changed.
NOT_DATA = ("version", "updated_by")


def _next_version(model: type[Any], obj: Any, stored_version: int, actor: User) -> None:
    """A save that changed something is the record's next version (one that changed nothing
    keeps it, so that it refuses nobody else's save)."""
    obj.version = stored_version + 1
    obj.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    model.objects.filter(pk=obj.pk).update(version=obj.version, updated_by=obj.updated_by)


def _organisation_snapshot(org: Organisation) -> dict[str, Any] | None:
    data = audit.snapshot(org, exclude=NOT_DATA)
    if isinstance(org, Enterprise) and org.pk:
        data = {
            **(data or {}),
            "sectors": [
                f"{es.sector.code}{'*' if es.is_primary else ''}"
                for es in selectors.enterprise_sectors(org)
            ],
        }
    return data


def organisation_create(
    *,
    actor: User,
    kind: str,
    fields: Mapping[str, Any],
    sectors: Iterable[Sector] | None = None,
    primary_sector: Sector | None = None,
) -> Organisation:
    _require(permissions.can_manage_organisations(actor))
    model = MODEL_OF_KIND[kind]
    allowed = PROFILE_FIELDS | MANAGED_FIELDS[kind] | COMMON_MANAGED_FIELDS | {"is_demo", "key"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {kind}: {sorted(unknown)}")
    org = model()
    _assign(org, fields)
    errors: Errors = {}
    _validate_organisation(org, errors)
    chosen: list[Sector] = []
    if kind == Organisation.Kind.ENTERPRISE:
        chosen = _check_sectors(sectors, primary_sector, errors)
    _raise_if(errors)
    try:
        with transaction.atomic():
            org.save()
            if isinstance(org, Enterprise):
                _set_sectors(org, chosen, primary_sector)
            audit.record(
                actor=actor,
                action="organisation.create",
                target=org,
                after=_organisation_snapshot(org),
            )
    except IntegrityError as exc:
        _raise_duplicate(org, exc)
    return org


def _raise_duplicate(org: Organisation, exc: IntegrityError) -> None:
    """Two people registered the same tax code at the same moment: the database kept one."""
    if isinstance(org, Enterprise) and Enterprise.objects.filter(tax_code=org.tax_code).exists():
        org.pk = None
        raise ValidationError(
            {
                "tax_code": [
                    _("Tax code %(value)s is already registered for %(name)s.")
                    % {
                        "value": org.tax_code_display,
                        "name": Enterprise.objects.get(tax_code=org.tax_code).name,
                    }
                ]
            }
        ) from exc
    raise exc


def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    fields: Mapping[str, Any],
    sectors: Iterable[Sector] | None = None,
    primary_sector: Sector | None = None,
    expected_version: int | None = None,
) -> Organisation:
    """Change an organisation's data; refused (StaleEdit) if it was saved since
    `expected_version` (None: no check)."""
    org = organisation.specific
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    managed = MANAGED_FIELDS[org.kind] | COMMON_MANAGED_FIELDS
    if set(changed) & managed:
        _require(permissions.can_manage_organisations(actor))
    else:
        _require(permissions.can_edit_organisation_profile(actor, org))
    unknown = set(fields) - (PROFILE_FIELDS | managed)
    if unknown:
        raise ValueError(f"Unknown fields for {org.kind}: {sorted(unknown)}")
    before = _organisation_snapshot(org)
    _assign(org, fields)
    errors: Errors = {}
    _validate_organisation(org, errors)
    chosen: list[Sector] = []
    if isinstance(org, Enterprise) and sectors is not None:
        chosen = _check_sectors(sectors, primary_sector, errors)
    _raise_if(errors)
    try:
        with transaction.atomic():
            stored = lock_for_edit(
                Organisation.objects.all(),
                org.pk,
                expected_version,
                what=_("the data of %(name)s") % {"name": organisation.name},
            )
            # The lock was taken after `org` was read: the stored version is the one to follow.
            org.version, org.updated_by_id = stored.version, stored.updated_by_id
            org.save()
            if isinstance(org, Enterprise) and sectors is not None:
                _set_sectors(org, chosen, primary_sector)
            after = _organisation_snapshot(org)
            if after != before:
                _next_version(Organisation, org, stored.version, actor)
                audit.record(
                    actor=actor,
                    action="organisation.update",
                    target=org,
                    before=before,
                    after=after,
                )
    except IntegrityError as exc:
        _raise_duplicate(org, exc)
    return org


def _add_succession(
    *,
    actor: User,
    link_model: type[OrganisationSuccession | IndustrialAreaSuccession],
    predecessor: Any,
    successor: Any,
    effective_date: dt.date | None,
    kind: str,
    status: str,
    note: str,
    source: str,
    action: str,
) -> SuccessionLink:
    # The link model's `objects`: its abstract base declares no manager.
    links = link_model._default_manager
    errors: Errors = {}
    if effective_date is None:
        _add(errors, "effective_date", _("Enter the date from which the successor takes over."))
    if isinstance(predecessor, Organisation) and predecessor.kind != successor.kind:
        _add(
            errors,
            "successor",
            _("%(successor)s is not of the same kind as %(predecessor)s.")
            % {"successor": successor, "predecessor": predecessor},
        )
    if predecessor.pk == successor.pk:
        _add(errors, "successor", _("An organisation cannot be its own successor."))
    elif links.filter(predecessor=predecessor, successor=successor).exists():
        _add(
            errors,
            "successor",
            _("%(successor)s is already recorded as a successor of %(predecessor)s.")
            % {"successor": successor, "predecessor": predecessor},
        )
    elif creates_cycle(predecessor.pk, successor.pk, successor_ids_of(link_model)):
        _add(
            errors,
            "successor",
            _(
                "%(successor)s cannot succeed %(predecessor)s: %(successor)s is already "
                "(directly or through others) a predecessor of %(predecessor)s, and succession "
                "cannot go round in a circle."
            )
            % {"successor": successor, "predecessor": predecessor},
        )
    _raise_if(errors)
    link = links.create(
        predecessor=predecessor,
        successor=successor,
        effective_date=effective_date,
        kind=kind,
        status=status,
        note=note.strip(),
        source=source.strip(),
    )
    audit.record(
        actor=actor,
        action=action,
        target=link,
        after=audit.snapshot(link),
        target_repr=f"{predecessor} → {successor}",
    )
    return link


def organisation_succession_add(
    *,
    actor: User,
    predecessor: Organisation,
    successor: Organisation,
    effective_date: dt.date | None = None,
    kind: str = SuccessionKind.MERGER,
    status: str = SuccessionStatus.TO_BE_CONFIRMED,
    note: str = "",
    source: str = "",
) -> SuccessionLink:
    _require(permissions.can_manage_organisations(actor))
    with transaction.atomic():
        return _add_succession(
            actor=actor,
            link_model=OrganisationSuccession,
            predecessor=predecessor,
            successor=successor,
            effective_date=effective_date,
            kind=kind,
            status=status,
            note=note,
            source=source,
            action="organisation_succession.add",
        )


def organisation_end(
    *,
    actor: User,
    organisation: Organisation,
    valid_to: dt.date,
    successors: Iterable[Organisation] = (),
    kind: str = SuccessionKind.MERGER,
    status: str = SuccessionStatus.TO_BE_CONFIRMED,
    note: str = "",
    source: str = "",
) -> Organisation:
    """End an organisation's validity and name who continues its duties, all or nothing."""
    _require(permissions.can_manage_organisations(actor))
    org = organisation.specific
    before = _organisation_snapshot(org)
    org.valid_to = valid_to
    errors: Errors = {}
    _check_validity(org, errors)
    next_day = valid_to + dt.timedelta(days=1)
    for successor in successors:
        if not successor.is_valid_on(next_day):
            _add(
                errors,
                "successors",
                _("%(name)s is not in operation on %(day)s, so it cannot take over.")
                % {"name": successor.name, "day": _format_date(next_day)},
            )
    _raise_if(errors)
    with transaction.atomic():
        # The end date is on the edit form too: a form read before it must not undo it.
        stored = Organisation.objects.select_for_update().get(pk=org.pk)
        org.save(update_fields=["valid_to", "updated_at"])
        _next_version(Organisation, org, stored.version, actor)
        from benvung.accounts.services import invitations_revoke_for

        invitations_revoke_for(actor=actor, organisation=org)
        audit.record(
            actor=actor,
            action="organisation.end",
            target=org,
            before=before,
            after=_organisation_snapshot(org),
        )
        for successor in successors:
            _add_succession(
                actor=actor,
                link_model=OrganisationSuccession,
                predecessor=org,
                successor=successor,
                effective_date=valid_to + dt.timedelta(days=1),
                kind=kind,
                status=status,
                note=note,
                source=source,
                action="organisation_succession.add",
            )
    return org


def succession_confirm(*, actor: User, link: SuccessionLink) -> SuccessionLink:
    _require(permissions.can_confirm_reference_data(actor))
    if link.status == SuccessionStatus.CONFIRMED:
        return link
    with transaction.atomic():
        before = audit.snapshot(link)
        link.status = SuccessionStatus.CONFIRMED
        link.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action=f"{link._meta.model_name}.confirm",
            target=link,
            before=before,
            after=audit.snapshot(link),
            target_repr=str(link),
        )
    return link


# --- Sites -----------------------------------------------------------------------------------

SITE_FIELDS = frozenset(
    {
        "name",
        "address",
        "administrative_unit",
        "industrial_area",
        "latitude",
        "longitude",
        "valid_from",
        "valid_to",
    }
)


def _validate_site(site: Site, errors: Errors) -> None:
    if not (site.name or "").strip():
        _add(errors, "name", _("Enter the site's name."))
    if not (site.address or "").strip():
        _add(errors, "address", _("Enter the site's address."))
    unit: AdministrativeUnit | None = (
        site.administrative_unit if site.administrative_unit_id else None
    )
    if unit is None:
        _add(errors, "administrative_unit", _("Choose the commune or ward of the site."))
    elif not selectors.current_communes().filter(pk=unit.pk).exists():
        _add(
            errors,
            "administrative_unit",
            _("%(unit)s is not a current commune or ward of the province.") % {"unit": unit},
        )
    _check_validity(site, errors)
    lat, lon = site.latitude, site.longitude
    if (lat is None) != (lon is None):
        field = "longitude" if lon is None else "latitude"
        _add(errors, field, _("Enter both latitude and longitude, or neither."))
    elif lat is not None and lon is not None:
        if not (Decimal(-90) <= lat <= Decimal(90)):
            _add(errors, "latitude", _("Latitude must be between -90 and 90 degrees."))
        elif not (Decimal(-180) <= lon <= Decimal(180)):
            _add(errors, "longitude", _("Longitude must be between -180 and 180 degrees."))
        elif not selectors.point_is_in_province(float(lat), float(lon)):
            _add(
                errors,
                "latitude",
                _(
                    "The coordinates (%(lat)s, %(lon)s) lie outside the province. Check "
                    "that latitude and longitude are not swapped."
                )
                % {"lat": lat, "lon": lon},
            )
    area = site.industrial_area if site.industrial_area_id else None
    if area is not None and area.valid_to and area.valid_to < timezone.localdate():
        _add(
            errors,
            "industrial_area",
            _("%(area)s is no longer in operation.") % {"area": area},
        )


def site_create(*, actor: User, enterprise: Enterprise, fields: Mapping[str, Any]) -> Site:
    _require(permissions.can_manage_sites(actor, enterprise))
    unknown = set(fields) - SITE_FIELDS
    if unknown:
        raise ValueError(f"Unknown site fields: {sorted(unknown)}")
    site = Site(enterprise=enterprise, is_demo=enterprise.is_demo)
    _assign(site, fields)
    errors: Errors = {}
    _validate_site(site, errors)
    _raise_if(errors)
    with transaction.atomic():
        site.save()
        audit.record(actor=actor, action="site.create", target=site, after=audit.snapshot(site))
    return site


def site_update(
    *, actor: User, site: Site, fields: Mapping[str, Any], expected_version: int | None = None
) -> Site:
    """Change a site; refused (StaleEdit) if it was saved since `expected_version`."""
    _require(permissions.can_manage_sites(actor, site.enterprise))
    unknown = set(fields) - SITE_FIELDS
    if unknown:
        raise ValueError(f"Unknown site fields: {sorted(unknown)}")
    name = site.name
    before = audit.snapshot(site, exclude=NOT_DATA)
    _assign(site, fields)
    errors: Errors = {}
    _validate_site(site, errors)
    _raise_if(errors)
    with transaction.atomic():
        stored = lock_for_edit(
            Site.objects.all(),
            site.pk,
            expected_version,
            what=_("the site %(name)s") % {"name": name},
        )
        site.version, site.updated_by_id = stored.version, stored.updated_by_id
        site.save()
        after = audit.snapshot(site, exclude=NOT_DATA)
        if after != before:
            _next_version(Site, site, stored.version, actor)
            audit.record(actor=actor, action="site.update", target=site, before=before, after=after)
    return site


# --- Industrial areas ------------------------------------------------------------------------

AREA_FIELDS = frozenset(
    {
        "kind",
        "name",
        "administrative_unit",
        "former_district",
        "area_ha",
        "operator",
        "note",
        "latitude",
        "longitude",
        "valid_from",
        "valid_to",
        "source",
    }
)


def _validate_area(area: IndustrialArea, errors: Errors) -> None:
    if not area.kind:
        _add(errors, "kind", _("Choose whether it is a park, a cluster or a craft village."))
    if not (area.name or "").strip():
        _add(errors, "name", _("Enter the name."))
    elif (
        IndustrialArea.objects.filter(kind=area.kind, name__iexact=area.name.strip())
        .exclude(pk=area.pk)
        .exists()
    ):
        _add(
            errors,
            "name",
            _("%(kind)s %(name)s already exists.")
            % {"kind": area.get_kind_display(), "name": area.name},
        )
    _check_validity(area, errors)
    if area.area_ha is not None and area.area_ha <= 0:
        _add(errors, "area_ha", _("The area must be greater than zero."))
    if area.latitude is not None and area.longitude is not None:
        if not selectors.point_is_in_province(float(area.latitude), float(area.longitude)):
            _add(errors, "latitude", _("The coordinates lie outside the province."))
    elif (area.latitude is None) != (area.longitude is None):
        _add(errors, "latitude", _("Enter both latitude and longitude, or neither."))


def industrial_area_create(*, actor: User, fields: Mapping[str, Any]) -> IndustrialArea:
    _require(permissions.can_confirm_reference_data(actor))
    area = IndustrialArea()
    _assign(area, {k: v for k, v in fields.items() if k in AREA_FIELDS})
    errors: Errors = {}
    _validate_area(area, errors)
    _raise_if(errors)
    with transaction.atomic():
        # Entered by a coordinator: that is the confirmation.
        area.confirmation = IndustrialArea.Confirmation.CONFIRMED
        area.confirmed_by = actor
        area.confirmed_at = timezone.now()
        area.source_status = "verified"
        area.save()
        audit.record(
            actor=actor, action="industrial_area.create", target=area, after=audit.snapshot(area)
        )
    return area


def industrial_area_update(
    *,
    actor: User,
    area: IndustrialArea,
    fields: Mapping[str, Any],
    expected_version: int | None = None,
) -> IndustrialArea:
    """Correct a park, cluster or craft village; refused (StaleEdit) if it was saved since
    `expected_version`."""
    _require(permissions.can_confirm_reference_data(actor))
    name = area.name
    before = audit.snapshot(area, exclude=NOT_DATA)
    _assign(area, {k: v for k, v in fields.items() if k in AREA_FIELDS})
    errors: Errors = {}
    _validate_area(area, errors)
    _raise_if(errors)
    with transaction.atomic():
        stored = lock_for_edit(
            IndustrialArea.objects.all(),
            area.pk,
            expected_version,
            what=name,
        )
        area.version, area.updated_by_id = stored.version, stored.updated_by_id
        area.save()
        after = audit.snapshot(area, exclude=NOT_DATA)
        if after != before:
            _next_version(IndustrialArea, area, stored.version, actor)
            audit.record(
                actor=actor,
                action="industrial_area.update",
                target=area,
                before=before,
                after=after,
            )
    return area


def industrial_area_confirm(*, actor: User, area: IndustrialArea) -> IndustrialArea:
    """An administrator has checked the seeded row against the official list."""
    _require(permissions.can_confirm_reference_data(actor))
    if area.is_confirmed:
        return area
    with transaction.atomic():
        before = audit.snapshot(area)
        area.confirmation = IndustrialArea.Confirmation.CONFIRMED
        area.confirmed_by = actor
        area.confirmed_at = timezone.now()
        area.save(update_fields=["confirmation", "confirmed_by", "confirmed_at", "updated_at"])
        audit.record(
            actor=actor,
            action="industrial_area.confirm",
            target=area,
            before=before,
            after=audit.snapshot(area),
        )
    return area


def industrial_area_succession_add(
    *,
    actor: User,
    predecessor: IndustrialArea,
    successor: IndustrialArea,
    effective_date: dt.date | None = None,
    kind: str = SuccessionKind.MERGER,
    note: str = "",
    source: str = "",
) -> SuccessionLink:
    _require(permissions.can_confirm_reference_data(actor))
    with transaction.atomic():
        return _add_succession(
            actor=actor,
            link_model=IndustrialAreaSuccession,
            predecessor=predecessor,
            successor=successor,
            effective_date=effective_date,
            kind=kind,
            status=SuccessionStatus.CONFIRMED,
            note=note,
            source=source,
            action="industrialareasuccession.add",
        )
