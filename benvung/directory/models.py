"""Who and where: administrative units, sectors, organisations, sites and industrial areas."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.vn import mst

from benvung.core.models import (
    EffectiveDatedModel,
    SuccessionLink,
    TimeStampedModel,
    VersionedModel,
)
from benvung.core.text import search_key


class SourceStatus(models.TextChoices):
    """How far a reference row has been checked (see shared reference README)."""

    VERIFIED = "verified", _("verified")
    PARTIAL = "partial", _("partly verified")
    UNVERIFIED = "unverified", _("unverified")


# --- Administrative units --------------------------------------------------------------------


class AdministrativeUnit(EffectiveDatedModel):
    """A province, district or commune-level unit of one edition of the national map."""

    class Edition(models.TextChoices):
        PRE_2025 = "pre2025", _("until 30/06/2025 (three levels)")
        Y2025 = "2025", _("from 01/07/2025 (two levels)")

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune")

    edition = models.CharField(_("map edition"), max_length=10, choices=Edition.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=50)
    # Accent-free lower-case key ("phuongtrangdai") for matching typed names.
    search_key = models.CharField(max_length=200, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta(EffectiveDatedModel.Meta):
        ordering = ["edition", "level", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            *EffectiveDatedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["edition", "level", "code"], name="directory_unit_unique_code"
            ),
        ]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        parts = [self.name]
        parent = self.parent
        while parent is not None:
            parts.append(parent.name)
            parent = parent.parent
        return ", ".join(parts)


class AdministrativeUnitSuccession(SuccessionLink):
    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    # When an old commune was split, the unit the law names as taking most of it.
    is_primary = models.BooleanField(_("primary successor"), default=True)

    class Meta(SuccessionLink.Meta):
        verbose_name = _("administrative unit succession")
        verbose_name_plural = _("administrative unit successions")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


# --- Sectors ---------------------------------------------------------------------------------


class Sector(models.Model):
    """A code of the Vietnamese Standard Industrial Classification, in one version."""

    version = models.CharField(_("version"), max_length=20, default="VSIC2018")
    code = models.CharField(_("code"), max_length=10)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("English name"), max_length=400, blank=True)
    status = models.CharField(
        _("source status"), max_length=12, choices=SourceStatus.choices, default="partial"
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "code"], name="directory_sector_unique"),
        ]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def ancestors_and_self(self) -> list[Sector]:
        chain: list[Sector] = []
        node: Sector | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class FocusSector(models.Model):
    """One of the plan's eight focus industries, defined by the VSIC codes it covers."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    sectors = models.ManyToManyField(Sector, related_name="focus_sectors", blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("focus sector")
        verbose_name_plural = _("focus sectors")

    def __str__(self) -> str:
        return self.name


# --- Industrial parks, clusters, craft villages ----------------------------------------------


class IndustrialArea(EffectiveDatedModel, TimeStampedModel, VersionedModel):
    class Kind(models.TextChoices):
        PARK = "industrial_park", _("industrial park")
        CLUSTER = "industrial_cluster", _("industrial cluster")
        CRAFT_VILLAGE = "craft_village", _("craft village")

    class Confirmation(models.TextChoices):
        UNOFFICIAL = "unofficial", _("unofficial (not yet confirmed)")
        CONFIRMED = "confirmed", _("confirmed by an administrator")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune-level unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="industrial_areas",
    )
    former_district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="former_industrial_areas",
    )
    area_ha = models.DecimalField(
        _("area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    confirmation = models.CharField(
        _("confirmation"),
        max_length=12,
        choices=Confirmation.choices,
        default=Confirmation.UNOFFICIAL,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    source_status = models.CharField(
        _("source status"), max_length=12, choices=SourceStatus.choices, default="partial"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta(EffectiveDatedModel.Meta):
        ordering = ["kind", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            *EffectiveDatedModel.Meta.constraints,
            models.UniqueConstraint(fields=["kind", "name"], name="directory_area_unique_name"),
        ]
        verbose_name = _("industrial area")
        verbose_name_plural = _("industrial parks, clusters and craft villages")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmation == self.Confirmation.CONFIRMED

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class IndustrialAreaSuccession(SuccessionLink):
    predecessor = models.ForeignKey(
        IndustrialArea, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        IndustrialArea, on_delete=models.CASCADE, related_name="predecessor_links"
    )

    class Meta(SuccessionLink.Meta):
        verbose_name = _("industrial area succession")
        verbose_name_plural = _("industrial area successions")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


# --- Organisations ---------------------------------------------------------------------------


class Organisation(EffectiveDatedModel, TimeStampedModel, VersionedModel):
    """Every organisation a user can belong to; agencies, enterprises and outlets extend it."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("agency")
        ENTERPRISE = "enterprise", _("enterprise")
        RETAIL_OUTLET = "retail_outlet", _("retail outlet")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, editable=False)
    # A stable identifier for rows that come from reference files ("sct", "ubnd-xa-26068").
    key = models.SlugField(_("key"), max_length=60, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    # Accent-free name, short name and tax code, kept by save(), for searching.
    search_key = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune-level unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta(EffectiveDatedModel.Meta):
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.kind:
            self.kind = self.KIND_OF_CLASS
        self.search_key = " ".join(
            search_key(part)
            for part in (self.name, self.short_name, getattr(self, "tax_code", ""))
            if part
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    KIND_OF_CLASS: ClassVar[str] = ""

    @property
    def specific(self) -> Organisation:
        """The agency, enterprise or outlet row behind this organisation."""
        for related in ("agency", "enterprise", "retailoutlet"):
            child = getattr(self, related, None)
            if child is not None:
                return child
        return self


class Agency(Organisation):
    class AgencyType(models.TextChoices):
        PROVINCIAL_COMMITTEE = "provincial_committee", _("provincial people's committee")
        DEPARTMENT = "department", _("department")
        BOARD = "board", _("board or authority")
        DISTRICT_COMMITTEE = "district_committee", _("district-level people's committee")
        COMMUNE_COMMITTEE = "commune_committee", _("commune-level people's committee")
        PRESS = "press", _("press")
        CENTRAL = "central", _("central agency")
        OTHER = "other", _("other unit")

    KIND_OF_CLASS = Organisation.Kind.AGENCY

    agency_type = models.CharField(_("agency type"), max_length=30, choices=AgencyType.choices)
    # The document symbol used in numbers such as "Số: 05/BC-SCT".
    symbol = models.CharField(_("document symbol"), max_length=30, blank=True)
    parent_authority = models.CharField(
        _("parent authority"),
        max_length=200,
        blank=True,
        help_text=_("As printed above the agency's name in its documents."),
    )
    is_coordinator = models.BooleanField(
        _("plan coordinator"),
        default=False,
        help_text=_("The agency that coordinates the plan (the Department of Industry and Trade)."),
    )
    governed_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("governed unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committees",
        help_text=_("For a people's committee: the unit it governs."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")


class Enterprise(Organisation):
    KIND_OF_CLASS = Organisation.Kind.ENTERPRISE

    # Stored compact (10 or 13 digits); shown as 0100233488-001.
    tax_code = models.CharField(_("tax code"), max_length=13, unique=True)
    sectors = models.ManyToManyField(
        Sector, through="EnterpriseSector", related_name="enterprises", verbose_name=_("sectors")
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    @property
    def tax_code_display(self) -> str:
        return mst.format(self.tax_code)


class EnterpriseSector(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT)
    is_primary = models.BooleanField(_("main sector"), default=False)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["enterprise", "sector"], name="directory_enterprise_sector_unique"
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(is_primary=True),
                name="directory_enterprise_one_primary_sector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.sector.code}"


class RetailOutlet(Organisation):
    class OutletType(models.TextChoices):
        SUPERMARKET = "supermarket", _("supermarket")
        TRADE_CENTRE = "trade_centre", _("trade centre")
        CONVENIENCE_STORE = "convenience_store", _("convenience store")
        MARKET = "market", _("market")

    KIND_OF_CLASS = Organisation.Kind.RETAIL_OUTLET

    outlet_type = models.CharField(_("outlet type"), max_length=20, choices=OutletType.choices)
    chain = models.CharField(_("chain or operator"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("retail outlet")
        verbose_name_plural = _("retail outlets")


class OrganisationSuccession(SuccessionLink):
    predecessor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="predecessor_links"
    )

    class Meta(SuccessionLink.Meta):
        verbose_name = _("organisation succession")
        verbose_name_plural = _("organisation successions")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Site(EffectiveDatedModel, TimeStampedModel, VersionedModel):
    """A production site of an enterprise: where its consumption and output are measured."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("site name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune-level unit"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    industrial_area = models.ForeignKey(
        IndustrialArea,
        verbose_name=_("industrial park, cluster or craft village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta(EffectiveDatedModel.Meta):
        ordering = ["enterprise__name", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return f"{self.enterprise.name} – {self.name}"
