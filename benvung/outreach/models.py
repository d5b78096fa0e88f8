"""Outreach (campaigns, training, conferences, media) and the SCP models the plan asks for."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from benvung.core.models import Recorded
from benvung.directory.models import AdministrativeUnit, IndustrialArea, Organisation, Site
from benvung.plans.models import ContentArea


class OutreachActivity(Recorded):
    """One campaign, course, conference or media piece, with the places and people it reached.

    The places feed two targets of the plan: the share of industrial parks, clusters and craft
    villages reached, and the share of district-level units that organised campaigns.
    """

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", _("communication campaign")
        TRAINING = "training", _("training course")
        CONFERENCE = "conference", _("conference or workshop")
        MEDIA = "media", _("media piece")

    # The organisation that recorded the activity and answers for it (its users may edit it);
    # the activity appears in this organisation's agency report.
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("recorded by (organisation)"),
        on_delete=models.PROTECT,
        related_name="outreach_recorded",
    )
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="outreach_organised",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    topics = models.ManyToManyField(
        ContentArea, verbose_name=_("topics (content areas of the plan)"), blank=True
    )
    industrial_areas = models.ManyToManyField(
        IndustrialArea,
        verbose_name=_("industrial parks, clusters and craft villages reached"),
        blank=True,
        related_name="outreach_activities",
    )
    administrative_units = models.ManyToManyField(
        AdministrativeUnit,
        verbose_name=_("administrative units reached"),
        blank=True,
        related_name="outreach_activities",
    )
    organisations_reached = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations reached"),
        blank=True,
        related_name="outreach_reached",
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="outreach_activity_dates_in_order",
            )
        ]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%d/%m/%Y})"

    @property
    def year(self) -> int:
        return self.start_date.year


class SCPModel(Recorded):
    """A sustainable production and consumption practice put in place, with what it saved."""

    class Kind(models.TextChoices):
        CLEANER_PRODUCTION = "cleaner_production", _("cleaner production")
        ENERGY_EFFICIENCY = "energy_efficiency", _("energy efficiency")
        CIRCULAR_ECONOMY = "circular_economy", _("circular economy")
        INDUSTRIAL_SYMBIOSIS = "industrial_symbiosis", _("industrial symbiosis")
        ECO_DESIGN = "eco_design", _("eco-design")
        SUSTAINABLE_SUPPLY_CHAIN = "sustainable_supply_chain", _("sustainable supply chain")
        SUSTAINABLE_CONSUMPTION = "sustainable_consumption", _("sustainable consumption")
        OTHER = "other", _("other")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("not accepted")

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("recorded by (organisation)"),
        on_delete=models.PROTECT,
        related_name="scp_models_recorded",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation applying the model"),
        on_delete=models.PROTECT,
        related_name="scp_models",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scp_models",
    )
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year put in place"))
    description = models.TextField(_("description"), blank=True)
    # Yearly results. Energy in tonnes of oil equivalent, money in millions of dong.
    energy_saved_toe = models.DecimalField(
        _("energy saved (TOE/year)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    materials_saved_t = models.DecimalField(
        _("materials saved (t/year)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    water_saved_m3 = models.DecimalField(
        _("water saved (m³/year)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    waste_reduced_t = models.DecimalField(
        _("waste reduced (t/year)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    co2_reduced_t = models.DecimalField(
        _("CO₂ avoided (t/year)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    money_saved_mvnd = models.DecimalField(
        _("money saved (million VND/year)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    state = models.CharField(
        _("review state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    # Checks the coordinator should see before verifying (savings larger than consumption...).
    flags = models.JSONField(_("flags"), default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-year", "title"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="outreach_scp_model_year"
            )
        ]
        verbose_name = _("SCP model")
        verbose_name_plural = _("SCP models")

    def __str__(self) -> str:
        return self.title

    @property
    def is_verified(self) -> bool:
        return self.state == self.State.VERIFIED
