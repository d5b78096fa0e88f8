"""Shapes shared by every domain: validity periods, successor links and the audit trail."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record people edit through forms: each save increments `version`, and a save based
    on an older version is refused (core.concurrency) instead of overwriting silently."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


def evidence_path(instance: models.Model, filename: str) -> str:
    # A random name: the stored file is never reached by guessing, only through a checked view.
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"evidence/{instance._meta.model_name}/{secrets.token_hex(16)}.{suffix}"


class Recorded(TimeStampedModel, VersionedModel):
    """What every record a domain app collects carries (outreach activities, SCP models, retail
    surveys): its evidence, who entered it, the demo mark."""

    evidence_url = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence (file)"),
        upload_to=evidence_path,
        storage=private_storage,
        max_length=300,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        abstract = True


class EffectiveDatedQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> EffectiveDatedQuerySet:
        """Rows in force on `day` (an open bound counts as always)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> EffectiveDatedQuerySet:
        return self.valid_on(timezone.localdate())


class EffectiveDatedModel(models.Model):
    """A row that holds between two dates: administrative units, organisations, parks.

    Nothing regulatory or organisational is deleted when it ends; it gets a `valid_to` and,
    where something takes its place, a successor link. Old data keeps pointing at it.
    """

    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Leave empty while still in force.")
    )

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_validity_order",
            )
        ]

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class SuccessionStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    TO_BE_CONFIRMED = "to_be_confirmed", _("to be confirmed")


class SuccessionKind(models.TextChoices):
    MERGER = "merger", _("merger")
    SPLIT = "split", _("split")
    RENAME = "rename", _("renaming")
    TRANSFER = "transfer", _("transfer of duties")
    REARRANGEMENT = "rearrangement", _("administrative rearrangement")


class SuccessionLink(models.Model):
    """Common fields of a link 'predecessor is continued by successor from effective_date'.

    Each domain declares its own link model with the two foreign keys named `predecessor` and
    `successor`, related names `successor_links` and `predecessor_links`.
    """

    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SuccessionKind.choices, default=SuccessionKind.MERGER
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SuccessionStatus.choices,
        default=SuccessionStatus.TO_BE_CONFIRMED,
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        abstract = True
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="%(app_label)s_%(class)s_not_self",
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="%(app_label)s_%(class)s_unique_pair"
            ),
        ]

    @property
    def is_confirmed(self) -> bool:
        return self.status == SuccessionStatus.CONFIRMED


class ScheduledRun(models.Model):
    """A periodic job enqueued for one day: the scheduler enqueues each job once a day, even
    if it restarts."""

    job = models.CharField(max_length=60)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["job", "day"], name="core_scheduled_once")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class OutgoingEmail(models.Model):
    """An e-mail waiting for, or sent by, the background worker.

    The task queue only carries this row's id. Messages such as invitations carry one-time
    links, so the body is wiped once the message has left; the row keeps who got what, when.
    """

    to = models.JSONField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class AuditEvent(models.Model):
    """Who changed what, when, with the state before and after."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the trail still reads after an account is removed.
    actor_label = models.CharField(_("actor"), max_length=255)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"
        )

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field label, before, after) for every field whose value differs.

        Fields are named the way the interface names them (the model's verbose names, in the
        active language); names the model does not know (e.g. 'sectors') are kept as stored.
        """
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [
            (self.field_label(k), before.get(k), after.get(k))
            for k in keys
            if before.get(k) != after.get(k)
        ]

    def field_label(self, attname: str) -> str:
        model = self.target_type.model_class() if self.target_type is not None else None
        if model is not None:
            for field in model._meta.get_fields():
                if getattr(field, "attname", None) == attname or field.name == attname:
                    label = getattr(field, "verbose_name", None)
                    if label:
                        return str(label)
        return attname


def table_import_path(instance: TableImportJob, filename: str) -> str:
    return f"imports/tables/{instance.created_at:%Y/%m}/{instance.token}.xlsx"


class TableImportJob(TimeStampedModel):
    """An uploaded workbook on its way in (an enterprise's consumption workbook, outreach
    activities, SCP models, packaging surveys...): read in the background, previewed, then
    saved (or not) when its uploader confirms. Every import of the site is one of these.

    `kind` names the registered importer (benvung.core.tableimport) that reads and saves it;
    `options` holds what the uploader chose with the file (the year of a consumption
    workbook), as the importer reads it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        READING = "reading", _("reading the file")
        PREVIEW = "preview", _("ready to check")
        SAVING = "saving", _("saving")
        SAVED = "saved", _("saved")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    token = models.CharField(max_length=32, unique=True, editable=False)
    kind = models.CharField(_("kind of data"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation_id_at_upload = models.PositiveBigIntegerField(null=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to=table_import_path, storage=private_storage, max_length=300)
    size = models.PositiveBigIntegerField(_("size"))
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # What the importer's preview shows (counts, rows or site-years, problems).
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    keep_valid_only = models.BooleanField(default=False)
    # The uploader confirmed that records already stored are replaced by rows of the file.
    replace_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in {
            self.State.PREVIEW,
            self.State.SAVED,
            self.State.CANCELLED,
            self.State.FAILED,
        }
