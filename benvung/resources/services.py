"""Writes of the resource-efficiency data: a site's year, replaced as a whole, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benvung.core import audit, units, years
from benvung.core.concurrency import check_version
from benvung.core.numbers import NumberProblem, read_decimal
from benvung.directory.models import Site, SourceStatus

from . import changes, permissions, selectors
from .models import (
    AllocationRule,
    Carrier,
    ConversionFactor,
    Driver,
    EnergyNorm,
    EnergyUse,
    MaterialUse,
    Output,
    ProductCategory,
    QualityConfirmation,
    SiteYear,
)

if TYPE_CHECKING:
    from benvung.accounts.models import User

STORED = Decimal("0.0001")
MATERIAL_UNITS = ("t", "kg", "m3")  # tonnes of a material, or m³ of water
# What the columns hold (DecimalField max_digits − decimal_places).
MAX_QUANTITY = Decimal(10) ** 14
MAX_CAPACITY = Decimal(10) ** 16
MAX_VALUE_VND = Decimal(10) ** 20


class _Rows:
    """Collects every problem of a submission, named by section, row and field."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, section: str, row: int, field: str, message: str) -> None:
        self.errors.append(
            _("%(section)s, row %(row)s, %(field)s: %(message)s")
            % {"section": section, "row": row, "field": field, "message": message}
        )

    def number(
        self,
        section: str,
        row: int,
        field: str,
        value: Any,
        *,
        signed: bool = False,
        limit: Decimal = MAX_QUANTITY,
        places: int = 4,
    ) -> Decimal | None:
        if value in (None, ""):
            self.add(section, row, field, _("required"))
            return None
        try:
            # One reading of numbers everywhere; a value that would be stored as 0 is refused.
            number = read_decimal(value, places=places)
        except NumberProblem as problem:
            self.add(section, row, field, problem.message)
            return None
        if number < 0 and not signed:
            self.add(section, row, field, _("must be zero or more"))
            return None
        # Stored with 4 decimals: the limit applies to the number as it will be stored.
        if abs(number) >= limit or abs(number.quantize(STORED, ROUND_HALF_UP)) >= limit:
            self.add(section, row, field, _("the number is too large"))
            return None
        return number.quantize(STORED, ROUND_HALF_UP)

    def text(self, section: str, row: int, field: str, value: Any, limit: int) -> str:
        text = str(value or "").strip()
        if len(text) > limit:
            self.add(section, row, field, _("at most %(count)s characters") % {"count": limit})
        return text[:limit]

    def amount(self, section: str, row: int, field: str, value: Any) -> Decimal:
        """A required quantity. When it is wrong the error is recorded and nothing will be
        saved; the 0 returned only lets the other rows be checked too."""
        number = self.number(section, row, field, value)
        return number if number is not None else Decimal(0)

    def month(self, section: str, row: int, value: Any) -> int | None:
        if value in (None, ""):
            return None
        try:
            month = int(value)
        except (TypeError, ValueError):
            month = 0
        if not 1 <= month <= 12:
            self.add(section, row, _("month"), _("must be from 1 to 12"))
            return None
        return month

    def unit(self, section: str, row: int, value: Any, allowed: Sequence[str]) -> str:
        code = str(value or "").strip()
        if code not in allowed:
            self.add(
                section,
                row,
                _("unit"),
                _("“%(unit)s” is not accepted here (use %(units)s)")
                % {"unit": code, "units": ", ".join(units.label(u) for u in allowed)},
            )
        return code


class SubmittedDataChange(ValidationError):
    """Saving would replace data already submitted, and the caller did not say it may."""

    def __init__(self, site_year: SiteYear, change: changes.YearChange) -> None:
        self.site_year = site_year
        self.change = change
        super().__init__(
            _(
                "The data of %(site)s for %(year)s were submitted; replacing them must be "
                "confirmed, and the year must then be submitted again."
            )
            % {"site": site_year.site.name, "year": site_year.year}
        )


@dataclass(frozen=True)
class CheckedYear:
    """A site-year's rows as they will be stored (numbers rounded as the columns keep them)."""

    allocation_rule: str
    outputs: list[Output]
    energy: list[EnergyUse]
    materials: list[MaterialUse]
    drivers: list[Driver]

    def rows(self) -> changes.YearRows:
        return changes.YearRows.of(
            self.allocation_rule,
            {
                changes.OUTPUTS: (
                    {
                        "product": o.product,
                        "category": o.category.key,
                        "month": o.month,
                        "quantity": o.quantity,
                        "unit": o.unit,
                        "capacity": o.capacity,
                        "value_vnd": o.value_vnd,
                    }
                    for o in self.outputs
                ),
                changes.ENERGY: (
                    {
                        "carrier": e.carrier.key,
                        "product": e.product,
                        "month": e.month,
                        "quantity": e.quantity,
                        "unit": e.unit,
                    }
                    for e in self.energy
                ),
                changes.MATERIALS: (
                    {
                        "product": m.product,
                        "material": m.material,
                        "month": m.month,
                        "quantity": m.quantity,
                        "unit": m.unit,
                    }
                    for m in self.materials
                ),
                changes.DRIVERS: (
                    {"name": d.name, "month": d.month, "value": d.value} for d in self.drivers
                ),
            },
        )


@dataclass(frozen=True)
class SiteYearWrite:
    """What a save did: `change.status` is new, draft, submitted (replaced, now a draft to be
    submitted again) or unchanged (nothing written)."""

    site_year: SiteYear
    change: changes.YearChange

    @property
    def must_resubmit(self) -> bool:
        return self.change.status == changes.SUBMITTED


def site_year_check(
    *,
    year: int,
    allocation_rule: str = AllocationRule.MASS,
    outputs: Sequence[Mapping[str, Any]] = (),
    energy: Sequence[Mapping[str, Any]] = (),
    materials: Sequence[Mapping[str, Any]] = (),
    drivers: Sequence[Mapping[str, Any]] = (),
) -> CheckedYear:
    """The rows as they would be stored, or every problem at once (ValidationError); nothing
    is written."""
    check = _Rows()
    if (year_problem := years.reporting_year_problem(year)) is not None:
        check.errors.append(year_problem)
    if allocation_rule not in AllocationRule.values:
        check.errors.append(_("Choose how energy is shared between products."))
    new_outputs, products = _check_outputs(check, outputs)
    new_energy = _check_energy(check, energy, products)
    new_materials = _check_materials(check, materials, products)
    new_drivers = _check_drivers(check, drivers)
    _check_yearly_or_monthly(check, new_outputs, new_energy, new_materials)
    if check.errors:
        raise ValidationError(check.errors)
    return CheckedYear(allocation_rule, new_outputs, new_energy, new_materials, new_drivers)


def _check_outputs(
    check: _Rows, outputs: Sequence[Mapping[str, Any]]
) -> tuple[list[Output], dict[str, ProductCategory]]:
    """The output rows, and each product's category (the other sections name the products)."""
    categories = {c.key: c for c in ProductCategory.objects.all()}
    section = _("Output")
    new_outputs = []
    products: dict[str, ProductCategory] = {}
    for i, row in enumerate(outputs, start=1):
        product = check.text(section, i, _("product"), row.get("product"), 200)
        if not product:
            check.add(section, i, _("product"), _("required"))
        category = categories.get(str(row.get("category") or ""))
        if category is None:
            check.add(section, i, _("product category"), _("unknown"))
            continue
        if products.setdefault(product, category) != category:
            check.add(section, i, _("product category"), _("differs from an earlier row"))
        allowed = [u for u in units.UNITS if units.convertible(u, category.output_unit)]
        new_outputs.append(
            Output(
                product=product,
                category=category,
                month=check.month(section, i, row.get("month")),
                quantity=check.amount(section, i, _("quantity"), row.get("quantity")),
                unit=check.unit(section, i, row.get("unit"), allowed),
                capacity=_optional(
                    check, section, i, _("capacity"), row.get("capacity"), MAX_CAPACITY, 2
                ),
                value_vnd=_optional(
                    check, section, i, _("value"), row.get("value_vnd"), MAX_VALUE_VND, 0
                ),
            )
        )
    return new_outputs, products


def _check_energy(
    check: _Rows, energy: Sequence[Mapping[str, Any]], products: Mapping[str, ProductCategory]
) -> list[EnergyUse]:
    carriers = {c.key: c for c in Carrier.objects.all()}
    section = _("Energy")
    new_energy = []
    for i, row in enumerate(energy, start=1):
        carrier = carriers.get(str(row.get("carrier") or ""))
        if carrier is None:
            check.add(
                section,
                i,
                _("carrier"),
                _("“%(value)s” is unknown (use %(keys)s)")
                % {"value": row.get("carrier"), "keys": ", ".join(carriers)},
            )
            continue
        product = check.text(section, i, _("product"), row.get("product"), 200)
        if product and product not in products:
            check.add(section, i, _("product"), _("not among the outputs"))
        new_energy.append(
            EnergyUse(
                carrier=carrier,
                month=check.month(section, i, row.get("month")),
                quantity=check.amount(section, i, _("quantity"), row.get("quantity")),
                unit=check.unit(section, i, row.get("unit"), carrier.units),
                product=product,
            )
        )
    return new_energy


def _check_materials(
    check: _Rows, materials: Sequence[Mapping[str, Any]], products: Mapping[str, ProductCategory]
) -> list[MaterialUse]:
    section = _("Materials and water")
    new_materials = []
    for i, row in enumerate(materials, start=1):
        material = check.text(section, i, _("material"), row.get("material"), 200)
        if not material:
            check.add(section, i, _("material"), _("required"))
        product = check.text(section, i, _("product"), row.get("product"), 200)
        if product and product not in products:
            check.add(section, i, _("product"), _("not among the outputs"))
        new_materials.append(
            MaterialUse(
                product=product,
                material=material,
                month=check.month(section, i, row.get("month")),
                quantity=check.amount(section, i, _("quantity"), row.get("quantity")),
                unit=check.unit(section, i, row.get("unit"), MATERIAL_UNITS),
            )
        )
    return new_materials


def _check_drivers(check: _Rows, drivers: Sequence[Mapping[str, Any]]) -> list[Driver]:
    section = _("Energy drivers")
    new_drivers = []
    seen: dict[tuple[str, int], int] = {}
    for i, row in enumerate(drivers, start=1):
        name = check.text(section, i, _("variable"), row.get("name"), 100)
        if not name:
            check.add(section, i, _("variable"), _("required"))
        month = check.month(section, i, row.get("month"))
        if month is None and row.get("month") in (None, ""):
            check.add(section, i, _("month"), _("required"))
        if month is not None and (name, month) in seen:
            check.add(
                section,
                i,
                _("month"),
                _("already given in row %(row)s") % {"row": seen[(name, month)]},
            )
        elif month is not None:
            seen[(name, month)] = i
        # Drivers such as temperature may be negative.
        number = check.number(section, i, _("value"), row.get("value"), signed=True)
        if number is None:
            continue
        new_drivers.append(Driver(name=name, month=month or 0, value=number))
    return new_drivers


def site_year_save(
    *,
    actor: User,
    site: Site,
    year: int,
    allocation_rule: str = AllocationRule.MASS,
    outputs: Sequence[Mapping[str, Any]] = (),
    energy: Sequence[Mapping[str, Any]] = (),
    materials: Sequence[Mapping[str, Any]] = (),
    drivers: Sequence[Mapping[str, Any]] = (),
    is_demo: bool = False,
    expected_version: int | None = None,
) -> SiteYear:
    """Replace the site's data for `year` (the data-entry form: its page shows the year's
    state). Every problem is reported at once; nothing is saved unless all rows are good.
    `expected_version` as for site_year_write."""
    return site_year_write(
        actor=actor,
        site=site,
        year=year,
        allocation_rule=allocation_rule,
        outputs=outputs,
        energy=energy,
        materials=materials,
        drivers=drivers,
        is_demo=is_demo,
        replace_submitted=True,
        expected_version=expected_version,
    ).site_year


def site_year_write(
    *,
    actor: User,
    site: Site,
    year: int,
    allocation_rule: str = AllocationRule.MASS,
    outputs: Sequence[Mapping[str, Any]] = (),
    energy: Sequence[Mapping[str, Any]] = (),
    materials: Sequence[Mapping[str, Any]] = (),
    drivers: Sequence[Mapping[str, Any]] = (),
    is_demo: bool = False,
    replace_submitted: bool = False,
    expected_version: int | None = None,
) -> SiteYearWrite:
    """Replace the site's data for `year`, all or nothing, and say what that did.

    The same data as stored are not written (a submitted year stays submitted). Changing a
    submitted year is refused (SubmittedDataChange, with the changes) unless
    `replace_submitted`: it takes the year out of the province's figures until it is submitted
    again. `expected_version` (the version read; 0: nothing was stored) refuses (StaleEdit,
    naming who saved and when) a year saved by someone else since the caller read it: each
    save replaces the whole year, so a save based on an older version would drop the rows
    added in between. None saves without the check (older API clients).
    """
    if not permissions.can_write_site(actor, site):
        raise PermissionDenied(_("You are not allowed to do this."))
    checked = site_year_check(
        year=year,
        allocation_rule=allocation_rule,
        outputs=outputs,
        energy=energy,
        materials=materials,
        drivers=drivers,
    )
    with transaction.atomic():
        site_year, created = SiteYear.objects.select_for_update().get_or_create(
            site=site, year=year, defaults={"is_demo": is_demo, "allocation_rule": allocation_rule}
        )
        if not created:
            check_version(
                site_year,
                expected_version,
                what=_("the data of %(site)s for %(year)s") % {"site": site.name, "year": year},
            )
        stored = None if created else selectors.year_rows([site_year.pk])[site_year.pk]
        change = changes.compare(stored, checked.rows(), None if created else site_year.state)
        if change.status == changes.UNCHANGED:
            return SiteYearWrite(site_year, change)
        if change.status == changes.SUBMITTED and not replace_submitted:
            raise SubmittedDataChange(site_year, change)
        before = None if created else _snapshot(site_year)
        _replace_rows(site_year, checked)
        _mark_changed(site_year, actor=actor, created=created)
        _record_write(site_year, actor=actor, created=created, change=change, before=before)
    return SiteYearWrite(site_year, change)


def _replace_rows(site_year: SiteYear, checked: CheckedYear) -> None:
    """The year's rows replaced as a whole by the checked ones."""
    site_year.outputs.all().delete()
    site_year.energy.all().delete()
    site_year.materials.all().delete()
    site_year.drivers.all().delete()
    for group in (checked.outputs, checked.energy, checked.materials, checked.drivers):
        for obj in group:
            obj.site_year = site_year
    Output.objects.bulk_create(checked.outputs)
    EnergyUse.objects.bulk_create(checked.energy)
    MaterialUse.objects.bulk_create(checked.materials)
    Driver.objects.bulk_create(checked.drivers)
    site_year.allocation_rule = checked.allocation_rule


def _mark_changed(site_year: SiteYear, *, actor: User, created: bool) -> None:
    """A new version, a draft again: changed data must be checked and submitted again."""
    site_year.version += 0 if created else 1
    if site_year.state == SiteYear.State.SUBMITTED:
        # Kept, so the pages can say the year was submitted and must be submitted again.
        site_year.last_submitted_at = site_year.submitted_at or site_year.last_submitted_at
    site_year.state = SiteYear.State.DRAFT
    site_year.submitted_at = None
    site_year.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    site_year.save()


def _record_write(
    site_year: SiteYear,
    *,
    actor: User,
    created: bool,
    change: changes.YearChange,
    before: dict[str, Any] | None,
) -> None:
    """The audit event of a save: created, updated, or submitted data replaced (saying when
    they had been submitted)."""
    summary = ""
    if change.status == changes.SUBMITTED:
        summary = _(
            "Submitted data replaced (submitted %(day)s); the year is a draft again and "
            "must be submitted again."
        ) % {
            "day": date_format(
                timezone.localtime(site_year.last_submitted_at), "SHORT_DATETIME_FORMAT"
            )
            if site_year.last_submitted_at
            else "—"
        }
    audit.record(
        actor=actor,
        action="site_year.create"
        if created
        else "site_year.replace_submitted"
        if change.status == changes.SUBMITTED
        else "site_year.update",
        target=site_year,
        before=before,
        after=_snapshot(site_year),
        summary=summary,
    )


def _optional(
    check: _Rows, section: str, row: int, field: str, value: Any, limit: Decimal, places: int
) -> Decimal | None:
    """An optional number, rounded to the `places` its column keeps: every database then
    stores the same value, and a comparison with the stored one is exact."""
    if value in (None, ""):
        return None
    number = check.number(section, row, field, value, limit=limit, places=places)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _check_yearly_or_monthly(
    check: _Rows, outputs: list[Output], energy: list[EnergyUse], materials: list[MaterialUse]
) -> None:
    """A product or carrier is given for the year or month by month, not both (the total
    would count twice)."""
    for label, items, key in (
        (_("Output"), outputs, lambda o: o.product),
        (_("Energy"), energy, lambda e: (e.carrier_id, e.product)),
        (_("Materials and water"), materials, lambda m: (m.product, m.material)),
    ):
        kinds: dict[Any, set[bool]] = {}
        for item in items:
            kinds.setdefault(key(item), set()).add(item.month is None)
        if any(len(k) > 1 for k in kinds.values()):
            check.errors.append(
                _(
                    "%(section)s: give each item either for the whole year or month by month, "
                    "not both."
                )
                % {"section": label}
            )


def _snapshot(site_year: SiteYear) -> dict[str, Any]:
    """The year as stored, for the audit record: its state, and every row."""
    return {
        "state": site_year.state,
        "version": site_year.version,
        "submitted_at": site_year.submitted_at.isoformat() if site_year.submitted_at else None,
        "allocation_rule": site_year.allocation_rule,
        "outputs": [
            [
                o.product,
                o.category.key,
                o.month,
                str(o.quantity),
                o.unit,
                None if o.capacity is None else str(o.capacity),
                None if o.value_vnd is None else str(o.value_vnd),
            ]
            for o in site_year.outputs.select_related("category")
        ],
        "energy": [
            [e.carrier.key, e.month, str(e.quantity), e.unit, e.product]
            for e in site_year.energy.select_related("carrier")
        ],
        "materials": [
            [m.product, m.material, m.month, str(m.quantity), m.unit]
            for m in site_year.materials.all()
        ],
        "drivers": [[d.name, d.month, str(d.value)] for d in site_year.drivers.all()],
    }


# --- Checks and submission -------------------------------------------------------------------


def open_flags(site_year: SiteYear) -> list[Any]:
    """The data-quality flags of the site year not yet confirmed for its current version."""
    from . import efficiency

    keys = list(site_year.outputs.values_list("category__key", flat=True).distinct())
    # The site's products and their peers' submitted figures; a site with no output only
    # needs itself. The site's own year is counted, draft or not: it is what is checked.
    own = frozenset([site_year.site_id])
    result = (
        efficiency.compute(site_year.year, category_keys=keys, drafts=own)
        if keys
        else efficiency.compute(site_year.year, site_ids=[site_year.site_id], drafts=own)
    )
    confirmed = set(
        site_year.confirmations.filter(version=site_year.version).values_list("code", flat=True)
    )
    return [f for f in result.flags_of(site_year.pk) if f.code not in confirmed]


def quality_confirm(*, actor: User, site_year: SiteYear, code: str, note: str) -> None:
    """Record that a flagged figure is right, with the enterprise's explanation."""
    if not permissions.can_write_site(actor, site_year.site):
        raise PermissionDenied(_("You are not allowed to do this."))
    flags = {f.code: f for f in open_flags(site_year)}
    if code not in flags:
        raise ValidationError(_("This check is no longer open; reload the page."))
    if code == "data":
        raise ValidationError(_("This problem cannot be confirmed: correct the data."))
    if not (note or "").strip():
        raise ValidationError({"note": [_("Explain why the figure is right.")]})
    with transaction.atomic():
        confirmation = QualityConfirmation.objects.create(
            site_year=site_year,
            code=code,
            message=flags[code].message,
            note=note.strip(),
            version=site_year.version,
            confirmed_by=actor if getattr(actor, "is_authenticated", False) else None,
            confirmed_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="site_year.confirm",
            target=site_year,
            after={"code": code, "note": confirmation.note, "version": site_year.version},
        )


def site_year_submit(*, actor: User, site_year: SiteYear) -> SiteYear:
    """Submit the year's data; refused while a flag is neither corrected nor confirmed."""
    if not permissions.can_write_site(actor, site_year.site):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not site_year.outputs.exists() and not site_year.energy.exists():
        raise ValidationError(_("There are no data to submit."))
    remaining = open_flags(site_year)
    if remaining:
        raise ValidationError(
            [_("Correct or confirm before submitting:")] + [f.message for f in remaining]
        )
    with transaction.atomic():
        locked = SiteYear.objects.select_for_update().get(pk=site_year.pk)
        locked.state = SiteYear.State.SUBMITTED
        locked.submitted_at = locked.last_submitted_at = timezone.now()
        locked.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(
            update_fields=["state", "submitted_at", "last_submitted_at", "updated_by", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="site_year.submit",
            target=locked,
            after={"version": locked.version},
        )
    return locked


# --- Reference data: corrections keep the old row ---------------------------------------------


def reference_correct(
    *,
    actor: User,
    row: ConversionFactor | EnergyNorm,
    value: Decimal | None,
    valid_from: dt.date,
    instrument: str,
    source: str,
    status: str,
) -> ConversionFactor | EnergyNorm:
    """Correct a factor or a norm from `valid_from` on: the old row ends the day before and
    stays (figures of earlier years keep using it); the new row takes its place."""
    if not permissions.can_correct_factors_and_norms(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    errors: dict[str, list[str]] = {}
    if isinstance(row, ConversionFactor) and (value is None or value <= 0):
        errors["value"] = [_("A conversion factor must be a positive number.")]
    if value is not None and value < 0:
        errors["value"] = [_("must be zero or more")]
    if row.valid_from and valid_from <= row.valid_from:
        errors["valid_from"] = [
            _("The correction must start after %(day)s, when the current value started.")
            % {"day": date_format(row.valid_from, "SHORT_DATE_FORMAT")}
        ]
    if row.valid_to and valid_from > row.valid_to:
        errors["valid_from"] = [_("The current value ended before this date.")]
    if not (source or "").strip():
        errors["source"] = [_("Name the document the corrected value comes from.")]
    if status not in SourceStatus.values:
        errors["status"] = [_("Choose how far the value has been checked.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old = type(row).objects.select_for_update().get(pk=row.pk)
        before = audit.snapshot(old)
        new = type(row).objects.get(pk=row.pk)
        new.pk = None
        new.id = None
        new._state.adding = True
        new.value = value
        new.valid_from = valid_from
        new.valid_to = old.valid_to
        new.instrument = instrument.strip() or old.instrument
        new.source = source.strip()
        new.source_status = status
        old.valid_to = valid_from - dt.timedelta(days=1)
        old.save(update_fields=["valid_to", "updated_at"])
        new.save()
        audit.record(
            actor=actor,
            action="reference.correct",
            target=new,
            before=before,
            after=audit.snapshot(new),
            summary=str(new),
        )
    return new
