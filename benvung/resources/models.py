"""Energy carriers, conversion factors and norms (reference); enterprises' yearly data.

Reference rows are versioned: a correction by an administrator ends the old row (valid_to) and
adds a new one, so a figure computed last year can still name the factor it used.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benvung.core.models import EffectiveDatedModel, TimeStampedModel
from benvung.core.units import UNITS
from benvung.directory.models import FocusSector, Site, SourceStatus

UNIT_CHOICES = [(code, unit.label) for code, unit in UNITS.items()]


class Carrier(models.Model):
    """An energy carrier as enterprises report it (grid electricity, coal grade 3-4, diesel...)."""

    class Kind(models.TextChoices):
        ELECTRICITY = "electricity", _("electricity")
        SOLID = "solid", _("solid fuel")
        LIQUID = "liquid", _("liquid fuel")
        GAS = "gas", _("gaseous fuel")
        BIOMASS = "biomass", _("biomass")
        HEAT = "heat", _("heat and steam")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    units = models.JSONField(_("units accepted"), default=list)
    # Electricity made on site from fuels the site also reports would be counted twice.
    counts_in_total = models.BooleanField(_("counts in the site's energy"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("energy carrier")
        verbose_name_plural = _("energy carriers")

    def __str__(self) -> str:
        return self.name


class ConversionFactor(EffectiveDatedModel, TimeStampedModel):
    """`value` GJ or TOE per one `unit` of a carrier, from a named instrument."""

    class Target(models.TextChoices):
        GJ = "GJ", "GJ"
        TOE = "toe", "TOE"

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="factors")
    unit = models.CharField(_("per unit"), max_length=20, choices=UNIT_CHOICES)
    target = models.CharField(_("converts to"), max_length=4, choices=Target.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=8)
    instrument = models.CharField(_("instrument"), max_length=120)
    source = models.TextField(_("source"), blank=True)
    source_status = models.CharField(
        _("status"), max_length=20, choices=SourceStatus.choices, default=SourceStatus.UNVERIFIED
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(EffectiveDatedModel.Meta):
        ordering = ["carrier__position", "target", "unit", "-valid_from"]
        verbose_name = _("conversion factor")
        verbose_name_plural = _("conversion factors")

    def __str__(self) -> str:
        return f"{self.carrier}: {self.value} {self.target}/{self.unit} ({self.instrument})"


class ProductCategory(models.Model):
    """A product as the norms name it (beer, packaging paper, billet from an induction furnace)."""

    focus_sector = models.ForeignKey(
        FocusSector, on_delete=models.PROTECT, related_name="product_categories"
    )
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    output_unit = models.CharField(_("output unit"), max_length=20, choices=UNIT_CHOICES)
    sec_unit = models.CharField(_("specific consumption unit"), max_length=20, choices=UNIT_CHOICES)
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=20, choices=UNIT_CHOICES, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["focus_sector__position", "position"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self) -> str:
        return self.name


class EnergyNorm(EffectiveDatedModel, TimeStampedModel):
    """The Ministry's energy norm for a product category and capacity band, in force between
    two dates. `value` empty means the instrument sets one but nobody has transcribed it:
    the pages say "no norm known", never a guess."""

    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="norms")
    instrument = models.CharField(_("instrument"), max_length=60)
    capacity_min = models.DecimalField(
        _("capacity from"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    capacity_max = models.DecimalField(
        _("capacity up to"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("norm"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    source = models.TextField(_("source"), blank=True)
    source_status = models.CharField(
        _("status"), max_length=20, choices=SourceStatus.choices, default=SourceStatus.UNVERIFIED
    )

    class Meta(EffectiveDatedModel.Meta):
        ordering = ["category", "capacity_min", "valid_from"]
        verbose_name = _("energy norm")
        verbose_name_plural = _("energy norms")

    def __str__(self) -> str:
        return f"{self.instrument} {self.category}: {self.value} {self.unit}"


# --- Enterprise data -------------------------------------------------------------------------


class AllocationRule(models.TextChoices):
    SUBMETERING = "submetering", _("sub-metering")
    MASS = "mass", _("by mass of output")
    VALUE = "value", _("by value of output")


class SiteYear(TimeStampedModel):
    """A site's data for one year: outputs, energy, materials, water (yearly or monthly)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="resource_years")
    year = models.PositiveSmallIntegerField(_("year"))
    allocation_rule = models.CharField(
        _("energy allocation between products"),
        max_length=20,
        choices=AllocationRule.choices,
        default=AllocationRule.MASS,
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="draft")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Kept when the data change after a submission (submitted_at is then cleared), so the pages
    # can say that this year was submitted once and must be submitted again.
    last_submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["site", "year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["site", "year"], name="resources_one_site_year")
        ]
        verbose_name = _("site year")
        verbose_name_plural = _("site years")

    def __str__(self) -> str:
        return f"{self.site} — {self.year}"

    @property
    def needs_resubmission(self) -> bool:
        """Submitted once, changed since: out of the province's figures until submitted again."""
        return self.state == self.State.DRAFT and self.last_submitted_at is not None


MONTH = models.PositiveSmallIntegerField(
    _("month"), null=True, blank=True, help_text=_("Empty for the whole year.")
)


def _month_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name=name
    )


class Output(models.Model):
    site_year = models.ForeignKey(SiteYear, on_delete=models.CASCADE, related_name="outputs")
    product = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="outputs")
    month = MONTH.clone()
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    capacity = models.DecimalField(
        _("design capacity per year"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    value_vnd = models.DecimalField(
        _("production value (VND)"), max_digits=20, decimal_places=0, null=True, blank=True
    )

    class Meta:
        ordering = ["site_year", "product", "month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            _month_constraint("resources_output_month"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="resources_output_not_negative"
            ),
        ]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self) -> str:
        return f"{self.product}: {self.quantity} {self.unit}"


class EnergyUse(models.Model):
    site_year = models.ForeignKey(SiteYear, on_delete=models.CASCADE, related_name="energy")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="uses")
    month = MONTH.clone()
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    product = models.CharField(
        _("metered for product"),
        max_length=200,
        blank=True,
        help_text=_("Only with sub-metering: the product this meter serves."),
    )

    class Meta:
        ordering = ["site_year", "carrier__position", "month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            _month_constraint("resources_energy_month"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="resources_energy_not_negative"
            ),
        ]
        verbose_name = _("energy use")
        verbose_name_plural = _("energy uses")

    def __str__(self) -> str:
        return f"{self.carrier}: {self.quantity} {self.unit}"


class MaterialUse(models.Model):
    """A main raw material of a product (t), or the site's water (m3, no product)."""

    site_year = models.ForeignKey(SiteYear, on_delete=models.CASCADE, related_name="materials")
    product = models.CharField(_("product"), max_length=200, blank=True)
    material = models.CharField(_("material"), max_length=200)
    month = MONTH.clone()
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)

    class Meta:
        ordering = ["site_year", "product", "material", "month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            _month_constraint("resources_material_month"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="resources_material_not_negative"
            ),
        ]
        verbose_name = _("material use")
        verbose_name_plural = _("material uses")

    def __str__(self) -> str:
        return f"{self.material}: {self.quantity} {self.unit}"


class Driver(models.Model):
    """A monthly value of another variable that drives energy (temperature, hours run)."""

    site_year = models.ForeignKey(SiteYear, on_delete=models.CASCADE, related_name="drivers")
    name = models.CharField(_("variable"), max_length=100)
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["site_year", "name", "month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["site_year", "name", "month"], name="resources_one_driver_value"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="resources_driver_month"
            ),
        ]
        verbose_name = _("energy driver")
        verbose_name_plural = _("energy drivers")

    def __str__(self) -> str:
        return f"{self.name} ({self.month}): {self.value}"


class QualityConfirmation(models.Model):
    """The enterprise confirms a flagged figure is right (with a note), for one version of its
    data: a correction makes a new version, which is checked afresh."""

    site_year = models.ForeignKey(SiteYear, on_delete=models.CASCADE, related_name="confirmations")
    code = models.CharField(_("check"), max_length=250)
    message = models.TextField(_("what was flagged"))
    note = models.TextField(_("explanation"))
    version = models.PositiveIntegerField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        ordering = ["site_year", "confirmed_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["site_year", "code", "version"], name="resources_one_confirmation"
            )
        ]
        verbose_name = _("data confirmation")
        verbose_name_plural = _("data confirmations")

    def __str__(self) -> str:
        return f"{self.site_year}: {self.code}"


def import_path(instance: Any, filename: str) -> str:
    """Where the consumption imports kept their files before they became core.TableImportJob
    (the files stay there; migration 0003 names this function)."""
    return f"imports/{instance.created_at:%Y/%m}/{instance.token}.xlsx"
