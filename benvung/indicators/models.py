"""Computed indicator values with the inputs behind them, and the coordinator's status overrides."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from benvung.core.models import TimeStampedModel
from benvung.plans.models import Target


class Status(models.TextChoices):
    """The fixed vocabulary of progress (docs/indicators.md gives the rule)."""

    ACHIEVED = "achieved", _("achieved")
    NOT_ACHIEVED = "not_achieved", _("not achieved")
    ON_TRACK = "on_track", _("on track")
    NEEDS_ACCELERATION = "needs_acceleration", _("needs acceleration")
    OFF_TRACK = "off_track", _("off track")
    DETERIORATING = "deteriorating", _("deteriorating")
    INSUFFICIENT_DATA = "insufficient_data", _("insufficient data")
    QUALITATIVE = "qualitative", _("qualitative target")


# What a coordinator may set: a judgement, never "qualitative" (that is what calls for one).
OVERRIDE_STATUSES = [(value, label) for value, label in Status.choices if value != "qualitative"]


class IndicatorResult(models.Model):
    """One indicator's value for one year and scope (the province, a sector, a park...).

    `inputs` lists the records the value came from, so any figure can be opened down to them;
    `stale_since` is set in the same transaction as an input change and cleared by the
    recomputation that the change queued, so a page can say a figure is being brought up to date.
    """

    indicator = models.CharField(_("indicator"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    scope_kind = models.CharField(_("scope"), max_length=30, default="province")
    scope_key = models.CharField(_("scope key"), max_length=80, blank=True, default="")
    scope_label = models.CharField(_("scope name"), max_length=300, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    # Why a value is missing or how to read it ("3 of 46 parks"), in the active language.
    notes = models.JSONField(default=list, blank=True)
    inputs = models.JSONField(default=list, blank=True)  # [{"model", "id", "label", ...}]
    # What the figure rests on against what it should ({"counted", "expected", "met"}), for
    # indicators with a coverage rule; empty otherwise. A figure below its rule has no value.
    coverage = models.JSONField(_("coverage"), default=dict, blank=True)
    input_hash = models.CharField(max_length=64, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    stale_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "year", "scope_kind", "scope_key"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["indicator", "year", "scope_kind", "scope_key"],
                name="indicators_one_result_per_scope",
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["indicator", "scope_kind", "year"], name="indicators_by_scope"),
            # The public pages read the latest change on every view (portal.cache).
            models.Index(fields=["computed_at"], name="indicators_by_computed_at"),
            models.Index(fields=["stale_since"], name="indicators_by_stale_since"),
        ]
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")

    def __str__(self) -> str:
        scope = f" {self.scope_kind}:{self.scope_key}" if self.scope_key else ""
        return f"{self.indicator} {self.year}{scope} = {self.value}"

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    @property
    def withheld(self) -> bool:
        """Not given: below the indicator's coverage rule (the notes say why)."""
        return bool(self.coverage) and not self.coverage.get("met", True)

    @property
    def label(self) -> str:
        """The scope's name in the reader's language: generic names ("Province", "supermarket")
        are kept untranslated and translated here; a sector takes its name in that language;
        proper names (parks, communes) are the same in both."""
        if self.scope_kind == "sector":
            from benvung.directory.models import FocusSector

            sector = FocusSector.objects.filter(key=self.scope_key).first()
            if sector is not None:
                english = (get_language() or "").startswith("en")
                return sector.name_en if english and sector.name_en else sector.name
        return gettext(self.scope_label) if self.scope_label else self.scope_key


class StatusOverride(TimeStampedModel):
    """A coordinator's judgement replacing the computed status of a target for a year."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="status_overrides")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A withdrawn override is kept (with who withdrew it) rather than deleted.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["target", "year"],
                condition=Q(withdrawn_at__isnull=True),
                name="indicators_one_active_override",
            )
        ]
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")

    def __str__(self) -> str:
        return f"{self.target.code} {self.year}: {self.get_status_display()}"
