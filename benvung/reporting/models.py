"""The yearly reporting cycle: agencies report on their tasks, the coordinator reviews."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from benvung.core.storage import private_storage  # also named by migration 0001
from benvung.directory.models import Organisation
from benvung.plans.models import ContentArea, FundingSource, Plan, Task


def default_reminder_days() -> list[int]:
    return [14, 7, 1]


def default_overdue_days() -> list[int]:
    return [1, 7]


class ReportingCycle(models.Model):
    """One plan, one year: when data count, when reports are due, whether it is open."""

    class State(models.TextChoices):
        DRAFT = "draft", _("in preparation")
        OPEN = "open", _("open for reports")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField(_("year"))
    data_start = models.DateField(_("data from"))
    data_end = models.DateField(_("data until"))
    report_deadline = models.DateField(_("reports due by"))
    synthesis_deadline = models.DateField(_("synthesis report due by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    reminder_days = models.JSONField(
        _("reminders, days before the deadline"), default=default_reminder_days
    )
    overdue_reminder_days = models.JSONField(
        _("reminders, days after the deadline"), default=default_overdue_days
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["plan", "-year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "year"], name="reporting_cycle_unique_year"),
            models.CheckConstraint(
                condition=Q(data_end__gte=F("data_start")), name="reporting_cycle_window"
            ),
        ]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")

    def __str__(self) -> str:
        return f"{self.plan.number} — {self.year}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def deadline_end(self) -> dt.datetime:
        """The last moment a report is on time: the end of the deadline day in Việt Nam.

        The deadline set on a cycle is the last day a report counts as on time. Plan 202 says
        "trước ngày 01/12" (before 1 December): its cycles default to 30 November, and a
        report sent on 1 December is late.
        """
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(settings.TIME_ZONE)
        return dt.datetime.combine(self.report_deadline, dt.time.max, tzinfo=tz)


class AgencyReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for revision")
        ACCEPTED = "accepted", _("accepted")

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="reports")
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agency_reports"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    # Optimistic locking: every save increments it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    summary = models.TextField(_("general assessment"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Set when a coordinator reopens a report: it may then be submitted after the cycle closed.
    reopened = models.BooleanField(_("reopened by the coordinator"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["cycle", "agency__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["cycle", "agency"], name="reporting_one_per_agency")
        ]
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")

    def __str__(self) -> str:
        return f"{self.agency} — {self.cycle}"

    @property
    def is_editable_state(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def was_on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        return self.first_submitted_at <= self.cycle.deadline_end()


class TaskReport(models.Model):
    """What one agency reports on one task in one year."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        NOT_APPLICABLE = "not_applicable", _("not applicable")

    # The counts an agency reports on a task, in the order they are asked and written.
    COUNT_FIELDS = (
        "events_held",
        "participants",
        "enterprises_reached",
        "models_built",
        "documents_issued",
    )

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="task_reports")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="task_reports")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    narrative = models.TextField(_("results"), blank=True)
    events_held = models.PositiveIntegerField(_("events held"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    enterprises_reached = models.PositiveIntegerField(
        _("enterprises reached"), null=True, blank=True
    )
    models_built = models.PositiveIntegerField(_("SCP models built"), null=True, blank=True)
    documents_issued = models.PositiveIntegerField(_("documents issued"), null=True, blank=True)
    # Budget spent, in đồng, by funding source: {"provincial_budget": 120000000, ...}
    budget_vnd = models.JSONField(_("budget spent (VND)"), default=dict, blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)

    class Meta:
        ordering = ["report", "task__group__position", "task__number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["report", "task"], name="reporting_one_per_task")
        ]
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")

    def __str__(self) -> str:
        return f"{self.report.agency} — {self.task.code}"

    @property
    def budget_total(self) -> int:
        return sum(int(v) for v in self.budget_vnd.values())

    def budget_rows(self) -> list[tuple[str, int]]:
        return [
            (str(FundingSource(key).label), int(value))
            for key, value in self.budget_vnd.items()
            if key in FundingSource.values
        ]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"reports/{instance.report.cycle.year}/{instance.report_id}/{instance.sha256[:16]}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="attachments")
    task_report = models.ForeignKey(
        TaskReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ReportTransition(models.Model):
    """The report's workflow history, shown on its page (the audit trail has it too)."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=255)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")

    def __str__(self) -> str:
        return f"{self.report}: {self.from_state} → {self.to_state}"

    def get_to_state_display(self) -> str:
        return str(AgencyReport.State(self.to_state).label)


class Reminder(models.Model):
    """A reminder sent to an agency for a cycle; one per kind, so never the same one twice."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="reminders")
    agency = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # "before-14@2025-12-01": the kind and the deadline it counted from, so that moving the
    # deadline starts the reminders afresh.
    kind = models.CharField(_("reminder"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.JSONField(_("recipients"), default=list)
    skipped = models.BooleanField(
        default=False, help_text=_("Superseded by a more urgent reminder sent the same day.")
    )

    class Meta:
        ordering = ["cycle", "-sent_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["cycle", "agency", "kind"], name="reporting_reminder_once"
            )
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.cycle} {self.agency} {self.kind}"


class Synthesis(models.Model):
    """The coordinator's consolidated text for one content area of one cycle."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="syntheses")
    content_area = models.ForeignKey(ContentArea, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("consolidated text"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "content_area__number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["cycle", "content_area"], name="reporting_synthesis_unique"
            )
        ]
        verbose_name = _("consolidated text")
        verbose_name_plural = _("consolidated texts")

    def __str__(self) -> str:
        return f"{self.cycle} — {self.content_area.number}"
