"""The plan as data: identity, targets, content areas, the appendix tasks and who does them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benvung.core.models import TimeStampedModel
from benvung.directory.models import Agency


class FundingSource(models.TextChoices):
    PROVINCIAL_BUDGET = "provincial_budget", _("provincial budget")
    CENTRAL_BUDGET = "central_budget", _("central budget")
    ENTERPRISES = "enterprises", _("enterprises")
    SOCIALISATION = "socialisation", _("socialised funding")
    OTHER_LAWFUL = "other_lawful", _("other lawful sources")


class Plan(TimeStampedModel):
    number = models.CharField(_("number"), max_length=40, unique=True)
    document_type = models.CharField(_("document type"), max_length=10, default="KH")
    title = models.TextField(_("title"))
    issued_on = models.DateField(_("issued on"))
    place = models.CharField(_("place"), max_length=100)
    issuer = models.ForeignKey(
        Agency, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="plans_issued"
    )
    coordinator = models.ForeignKey(
        Agency,
        verbose_name=_("coordinating agency"),
        on_delete=models.PROTECT,
        related_name="plans_coordinated",
    )
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    report_deadline_month = models.PositiveSmallIntegerField(default=12)
    report_deadline_day = models.PositiveSmallIntegerField(default=1)
    # The plan asks for reports "before" the day it names ("trước ngày 01/12"): the last day a
    # report is on time is then the day before (30 November).
    report_deadline_before = models.BooleanField(
        _("reports due before the day named"), default=False
    )
    report_deadline_text = models.TextField(blank=True)
    legal_bases = models.JSONField(_("legal bases"), default=list)
    general_objective = models.TextField(_("general objective"), blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plans_plan_period"
            )
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.get_document_type_label()} {self.number}"

    def get_document_type_label(self) -> str:
        return str(_("Plan")) if self.document_type == "KH" else self.document_type

    def years(self) -> range:
        return range(self.period_start, self.period_end + 1)

    def report_deadline_named(self, year: int) -> dt.date:
        """The day the plan's text names (1 December in "trước ngày 01/12")."""
        return dt.date(year, self.report_deadline_month, self.report_deadline_day)

    def report_deadline(self, year: int) -> dt.date:
        """The last day on which a report is on time: the day named, or the day before it when
        the plan asks for reports before that day."""
        named = self.report_deadline_named(year)
        return named - dt.timedelta(days=1) if self.report_deadline_before else named


class PlanRevision(models.Model):
    """One load of the plan file: which file, which content, what it changed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.CharField(_("loaded by"), max_length=255)
    source_file = models.CharField(_("file"), max_length=300)
    source_sha256 = models.CharField(_("content hash"), max_length=64)
    summary = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")

    def __str__(self) -> str:
        return f"{self.plan} @ {self.loaded_at:%Y-%m-%d %H:%M}"


class PlanItem(models.Model):
    """Common shape of the plan's parts: notes, and retirement instead of deletion.

    An item that disappears from an edited plan file is retired, not deleted: reports already
    written about it keep pointing at it.
    """

    notes = models.JSONField(_("notes"), default=list, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        abstract = True


class AgencyGroup(PlanItem):
    """A generic assignee ('Các Sở, ban, ngành'): agencies of some types at the plan's date."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agency_groups")
    key = models.SlugField(max_length=60)
    label = models.CharField(_("label"), max_length=200)
    agency_types = models.JSONField(_("agency types"), default=list)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "key"], name="plans_group_unique_key")
        ]
        verbose_name = _("agency group")
        verbose_name_plural = _("agency groups")

    def __str__(self) -> str:
        return self.label


class Target(PlanItem):
    class Direction(models.TextChoices):
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("code"), max_length=30)
    period_label = models.CharField(_("period"), max_length=20)
    text = models.TextField(_("target"))
    indicator_code = models.CharField(_("indicator"), max_length=60)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    scope_kind = models.CharField(_("scope"), max_length=30)
    scope_items = models.JSONField(_("scope items"), default=list, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    min_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    milestone_year = models.PositiveSmallIntegerField(_("milestone year"))
    # Where the plan names none, the year progress is counted from is a setting of the target.
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        help_text=_("The year progress is measured from, where the plan names one or it is set."),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_target_unique_code"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="plans_target_range_order",
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:80]}"

    @property
    def is_quantitative(self) -> bool:
        return self.value is not None or self.min_value is not None

    @property
    def target_display(self) -> str:
        """'5-8 %', '70 %', '20-30 mô hình', or '' for a qualitative target."""
        unit = f" {self.unit}" if self.unit else ""
        if self.min_value is not None and self.max_value is not None:
            return f"{_plain(self.min_value)}-{_plain(self.max_value)}{unit}"
        if self.value is not None:
            return f"{_plain(self.value)}{unit}"
        return ""


def _plain(value: Decimal) -> str:
    """3 decimals as stored, shown without trailing zeros: 5.000 → 5, 7.500 → 7,5."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


class ContentArea(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="content_areas")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("title"))

    class Meta:
        ordering = ["plan", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_area_unique_number")
        ]
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ContentPoint(PlanItem):
    area = models.ForeignKey(ContentArea, on_delete=models.CASCADE, related_name="points")
    letter = models.CharField(_("point"), max_length=3)
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["area", "letter"], name="plans_point_unique_letter")
        ]
        verbose_name = _("point")
        verbose_name_plural = _("points")

    def __str__(self) -> str:
        return f"{self.area.number}.{self.letter}) {self.text[:60]}"


class TaskGroup(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    numeral = models.CharField(_("group"), max_length=8)
    title = models.TextField(_("title"))
    content_area = models.ForeignKey(
        ContentArea,
        verbose_name=_("content area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_groups",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "numeral"], name="plans_group_unique_numeral")
        ]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}"


class Task(PlanItem):
    class Frequency(models.TextChoices):
        ONCE = "once", _("over the period")
        ANNUAL = "annual", _("every year")

    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=12)  # "II.1"
    content = models.TextField(_("task"))
    objective = models.TextField(_("objective"), blank=True)
    expected_product = models.TextField(_("expected product"), blank=True)
    lead_text = models.CharField(_("lead agency (as printed)"), max_length=300, blank=True)
    co_text = models.CharField(_("co-agencies (as printed)"), max_length=500, blank=True)
    other_participants = models.JSONField(_("other participants"), default=list, blank=True)
    period_start = models.PositiveSmallIntegerField(_("from"))
    period_end = models.PositiveSmallIntegerField(_("to"))
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True)
    funding_text = models.CharField(_("funding (as printed)"), max_length=200, blank=True)
    target_indicator = models.CharField(max_length=60, blank=True)
    target_unit = models.CharField(max_length=30, blank=True)
    target_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    target_min = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    target_max = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["group__position", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["group", "number"], name="plans_task_unique_number"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plans_task_period"
            ),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.code} {self.content[:80]}"

    @property
    def period_display(self) -> str:
        years = f"{self.period_start}-{self.period_end}"
        return f"{years} ({_('every year')})" if self.frequency == self.Frequency.ANNUAL else years

    def covers(self, year: int) -> bool:
        return self.period_start <= year <= self.period_end

    @property
    def target_display(self) -> str:
        unit = f" {self.target_unit}" if self.target_unit else ""
        if self.target_min is not None and self.target_max is not None:
            return f"{_plain(self.target_min)}-{_plain(self.target_max)}{unit}"
        if self.target_value is not None:
            return f"{_plain(self.target_value)}{unit}"
        return ""

    def funding_labels(self) -> list[str]:
        return [str(FundingSource(key).label) for key in self.funding_sources]


class TaskAssignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead agency")
        CO = "co", _("co-agency")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="task_assignments"
    )
    group = models.ForeignKey(
        AgencyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "role", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(group__isnull=True))
                | (Q(agency__isnull=True) & Q(group__isnull=False)),
                name="plans_assignment_agency_xor_group",
            )
        ]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")

    def __str__(self) -> str:
        return f"{self.task.code} {self.role}: {self.agency or self.group}"

    @property
    def reference(self) -> str:
        """As the plan file writes it: an agency key, or '@group'."""
        return f"@{self.group.key}" if self.group_id and self.group else str(self.agency.key)  # type: ignore[union-attr]
