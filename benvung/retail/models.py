"""The yearly packaging survey of supermarkets, trade centres and convenience stores."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benvung.core.models import Recorded
from benvung.directory.models import Organisation, RetailOutlet


class PackagingSurvey(Recorded):
    """What one outlet did in one year about single-use plastic and eco-friendly packaging."""

    class Practice(models.TextChoices):
        YES = "yes", _("yes")
        PARTLY = "partly", _("partly")
        NO = "no", _("no")

    outlet = models.ForeignKey(
        RetailOutlet,
        verbose_name=_("retail outlet"),
        on_delete=models.PROTECT,
        related_name="packaging_surveys",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    eco_packaging = models.CharField(
        _("eco-friendly packaging used instead of single-use plastic"),
        max_length=10,
        choices=Practice.choices,
    )
    biodegradable_bag_share = models.DecimalField(
        _("biodegradable bags, share of the bags handed out (per cent)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    ecolabelled_products = models.PositiveIntegerField(
        _("eco-labelled products on the shelf"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    # Who recorded it: the outlet itself, or the agency that surveyed it; the survey appears in
    # that agency's report.
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("recorded by (organisation)"),
        on_delete=models.PROTECT,
        related_name="packaging_surveys_recorded",
    )

    class Meta:
        ordering = ["-year", "outlet__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["outlet", "year"], name="retail_one_survey_per_year"),
            models.CheckConstraint(
                condition=Q(biodegradable_bag_share__isnull=True)
                | (Q(biodegradable_bag_share__gte=0) & Q(biodegradable_bag_share__lte=100)),
                name="retail_bag_share_is_a_percentage",
            ),
        ]
        verbose_name = _("packaging survey")
        verbose_name_plural = _("packaging surveys")

    def __str__(self) -> str:
        return f"{self.outlet} – {self.year}"
